import { useRef, useState } from 'react';
import Taro, { useDidShow } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { FULFILMENT_LABELS, FULFILMENTS, UNPAID_ORDER_STATES, formatFen, type Fulfilment, type OrderView } from '@ih/contract';
import { Button } from '../../../components/nut';
import { Choice } from '../../../components/Form';
import { PageState } from '../../../components/PageState';
import { routeParam } from '../../../components/Voucher';
import { useApi } from '../../../hooks/useApi';
import { URLS } from '../../../routes';
import { openPage } from '../../../services/nav';
import { createPrescriptionOrder, getOrder, listAddresses, setFulfilment } from '../../../services/order';
import { cashierReturnTo, orderUrl, paymentVoucherUrl, takeOrderNotice, takePickedAddress, type OrderNotice } from '../../../services/orderFlow';
import { isApiError } from '../../../services/request';
import { AddressLines, Items, Row, Section, StateLabel, formatTime } from '../parts/OrderParts';
import '../parts/order.scss';
import './index.scss';

const FULFILMENT_OPTIONS = FULFILMENTS.map((f) => ({ value: f, label: FULFILMENT_LABELS[f] }));
const NOTICE_TEXT: Partial<Record<OrderNotice, string>> = {
  UNAUTHORIZED: '医保电子凭证未授权或授权已失效，本次未扣费。请重新授权后支付，或改为自费支付。',
  PAY_CANCELLED: '您已取消支付，本次未扣费。',
};

const isUnpaid = (v: OrderView) => (UNPAID_ORDER_STATES as readonly string[]).includes(v.state);

/** Fulfilment chooser: pick-up at the hospital or delivery to one of the patient's addresses. */
function FulfilmentSection({
  order,
  busy,
  onChoose,
}: {
  order: OrderView;
  busy: boolean;
  onChoose: (f: Fulfilment, addressId?: string) => void;
}) {
  const editable = order.actions.chooseFulfilment && !busy;
  const pickAddress = () => void openPage(`${URLS.addresses}?select=1`);
  return (
    <Section name='fulfilment' title='取药方式'>
      <Choice
        name='fulfilment'
        options={FULFILMENT_OPTIONS}
        value={order.fulfilment ?? ''}
        disabled={!editable}
        onChange={(f) => {
          if (f === order.fulfilment) return;
          if (f === 'DELIVERY' && !order.address) pickAddress();
          else onChoose(f, f === 'DELIVERY' ? order.address?.id : undefined);
        }}
      />
      {order.fulfilment === 'PICKUP' ? <Text className='order-section__hint'>支付成功后，请凭订单到{order.hospital.name}药房取药。</Text> : null}
      {order.fulfilment === 'DELIVERY' ? (
        <View className='confirm__address' onClick={() => (editable ? pickAddress() : undefined)}>
          {order.address ? <AddressLines address={order.address} /> : <Text className='order-section__text'>请选择收货地址</Text>}
          {editable ? <Text className='confirm__address-change'>{order.address ? '更换' : '选择'} ›</Text> : null}
        </View>
      ) : null}
      {order.fulfilment === 'DELIVERY' ? (
        <Row name='deliveryFee' label='配送费' note='现金支付，医保不予支付' value={formatFen(order.deliveryFeeFen)} />
      ) : null}
      {order.fulfilment === null ? <Text className='order-section__hint confirm__fulfilment-missing'>请先选择取药方式，再去支付。</Text> : null}
    </Section>
  );
}

/** Whether insurance takes part, and why not (rules 3–5, 14). */
function InsuranceSection({ order }: { order: OrderView }) {
  const insurance = order.payMode === 'INSURANCE';
  return (
    <Section name='insurance' title='支付方式'>
      <Text className={`order-section__text confirm__pay-mode confirm__pay-mode--${insurance ? 'insurance' : 'self-pay'}`}>
        {insurance ? '医保支付（医保移动支付）' : '自费支付'}
      </Text>
      {insurance ? (
        <Text className='order-section__hint'>
          支付前需授权医保电子凭证；医保基金和个人账户可支付的部分由医保平台实时结算，您只需支付个人自付部分，具体金额以收银台显示的医保预结算结果为准。
          {order.kind === 'PRESCRIPTION' ? '配送费不属于医保支付范围，需现金支付。' : ''}
        </Text>
      ) : (
        <Text className='order-section__hint confirm__self-pay-reason'>{order.selfPayReasonText ?? '本订单需全部自费支付。'}</Text>
      )}
      {order.insured ? (
        <>
          <Row name='insutype' label='险种类型' value={order.insured.insutypeLabel} />
          <Row name='insuplc' label='参保地' value={order.insured.insuplcName ?? order.insured.insuplcAdmdvs} />
        </>
      ) : null}
    </Section>
  );
}

/** The order itself (?orderId=): what, who, where, how much, fulfilment, insurance; 去支付. */
function OrderConfirm({ orderId }: { orderId: string }) {
  const { data: order, loading, error, reload } = useApi(() => getOrder(orderId), [orderId]);
  const [notice, setNotice] = useState<{ tone: 'info' | 'warn'; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const busyRef = useRef(false);
  const shownOnce = useRef(false);

  async function choose(fulfilment: Fulfilment, addressId?: string) {
    if (busyRef.current) return;
    busyRef.current = true;
    setBusy(true);
    setNotice(null);
    try {
      await setFulfilment(orderId, { fulfilment, ...(addressId ? { addressId } : {}) });
      reload();
    } catch (e) {
      setNotice({ tone: 'warn', text: isApiError(e) ? e.message : '保存失败，请稍后重试' });
    } finally {
      busyRef.current = false;
      setBusy(false);
    }
  }

  useDidShow(() => {
    const n = takeOrderNotice(orderId);
    if (n && NOTICE_TEXT[n]) setNotice({ tone: n === 'UNAUTHORIZED' ? 'warn' : 'info', text: NOTICE_TEXT[n]! });
    // Back from the address list with an address picked: deliver there.
    const picked = takePickedAddress();
    if (picked) void choose('DELIVERY', picked);
    else if (shownOnce.current) reload();
    shownOnce.current = true;
  });

  if (!order) return <PageState loading={loading} error={error} onRetry={reload} />;

  const unpaid = isUnpaid(order);
  const canPay = (order.actions.prepareInsurance || order.actions.pay) && !order.underReview;
  const needsFulfilment = order.kind === 'PRESCRIPTION' && order.fulfilment === null;
  const insurance = order.payMode === 'INSURANCE';

  /** Pre-settled already (the platform's split is known) or being paid: the cashier needs no new authorization. */
  const prepared = insurance && (order.state === 'PRE_SETTLED' || order.state === 'PAYING');
  const goPay = () => {
    if (!canPay || needsFulfilment || busyRef.current) return;
    // Insurance: a fresh e-voucher authorization right before the cashier (rule 16); self-pay: straight there.
    if (!insurance) void openPage(cashierReturnTo(order.id, { selfPay: true }));
    else if (prepared) void openPage(cashierReturnTo(order.id, { acctUsed: order.acctUsedFlag }));
    else void openPage(paymentVoucherUrl(order.id, order.patient.patientId, { acctUsed: order.acctUsedFlag }));
  };
  const goSelfPay = async () => {
    const r = await Taro.showModal({ title: '改为自费支付？', content: '自费支付时医保不予报销，全部费用需由您个人支付。', confirmText: '改为自费', cancelText: '再想想' });
    if (r.confirm) void openPage(cashierReturnTo(order.id, { selfPay: true }));
  };

  return (
    <View className={`page order-page confirm confirm--${order.kind.toLowerCase()}`}>
      <View className='order-page__head'>
        <Text className='order-page__title'>确认订单</Text>
        <View className='confirm__state'>
          <StateLabel state={order.state} label={order.stateLabel} />
          {unpaid && order.expiresAt ? <Text className='order-page__lead'>请在 {formatTime(order.expiresAt)} 前完成支付，逾期订单将自动关闭。</Text> : null}
        </View>
      </View>

      {notice ? (
        <View className={`order-page__notice order-page__notice--${notice.tone} confirm__notice`} role='alert'>
          <Text>{notice.text}</Text>
        </View>
      ) : null}
      {order.underReview ? (
        <View className='order-page__notice order-page__notice--warn confirm__review' role='alert'>
          <Text>订单正在由医院核对，暂不能继续支付，核对完成后会通知您。</Text>
        </View>
      ) : null}

      <Section name='who' title='就诊信息'>
        <Row name='patient' label='就诊人' value={order.patient.nameMasked} />
        <Row name='id' label='证件号码' value={order.patient.idNumberMasked} />
        <Row name='hospital' label='医院' value={order.hospital.name} />
        {order.departmentName ? <Row name='department' label='科室' value={order.departmentName} /> : null}
        {order.doctorName ? <Row name='doctor' label='医生' value={order.doctorName} /> : null}
        {order.rxNo ? <Row name='rx' label='处方编号' value={order.rxNo} /> : null}
        <Row name='order-no' label='订单编号' value={order.orderNo} />
        <Row name='created' label='下单时间' value={formatTime(order.createdAt)} />
      </Section>

      <Section name='items' title={order.kindLabel}>
        <Items items={order.items} />
        <Row name='total' label='医疗费用合计' value={formatFen(order.totalFen)} />
      </Section>

      {order.kind === 'PRESCRIPTION' ? <FulfilmentSection order={order} busy={busy} onChoose={(f, a) => void choose(f, a)} /> : null}

      <InsuranceSection order={order} />

      <View className='order-page__actions'>
        {order.state === 'PAYING' ? (
          <Button className='confirm__result' type='primary' block onClick={() => void openPage(orderUrl('payResult', order.id))}>
            查看支付结果
          </Button>
        ) : null}
        {canPay ? (
          <Button className='confirm__pay' type={order.state === 'PAYING' ? 'default' : 'primary'} block disabled={needsFulfilment || busy} loading={busy} onClick={goPay}>
            {order.state === 'PAYING' ? '继续支付' : insurance ? '去支付（医保）' : '去支付'}
          </Button>
        ) : order.state === 'PAYING' ? null : (
          <Button className='confirm__detail' type='primary' block onClick={() => void Taro.redirectTo({ url: orderUrl('orderDetail', order.id) })}>
            查看订单详情
          </Button>
        )}
      </View>
      {canPay && insurance ? (
        <Text className='order-page__link confirm__self-pay' onClick={() => void goSelfPay()}>
          不使用医保，改为自费支付
        </Text>
      ) : null}
      <Text className='order-page__link confirm__orders' onClick={() => void Taro.switchTab({ url: URLS.orders })}>
        稍后支付，返回订单列表
      </Text>
    </View>
  );
}

/** From the prescription page (?prescriptionId=): choose how to get the drugs, then the order is created. */
function PrescriptionOrderStart({ prescriptionId }: { prescriptionId: string }) {
  const [fulfilment, setChoice] = useState<Fulfilment | ''>('');
  const [addressId, setAddressId] = useState<string>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const busyRef = useRef(false);
  const shownOnce = useRef(false);
  const addresses = useApi(() => listAddresses(), []);
  const chosen = addresses.data?.items.find((a) => a.id === addressId);

  useDidShow(() => {
    const picked = takePickedAddress();
    if (picked) {
      setChoice('DELIVERY');
      setAddressId(picked);
    }
    // Back from the address pages: the list may have changed.
    if (shownOnce.current) addresses.reload();
    shownOnce.current = true;
  });

  function chooseFulfilment(f: Fulfilment) {
    setChoice(f);
    if (f === 'DELIVERY' && !addressId) {
      const preferred = addresses.data?.items.find((a) => a.isDefault) ?? addresses.data?.items[0];
      if (preferred) setAddressId(preferred.id);
      else void openPage(`${URLS.addresses}?select=1`);
    }
  }

  async function submit() {
    if (busyRef.current || !fulfilment) return;
    if (fulfilment === 'DELIVERY' && !addressId) {
      void openPage(`${URLS.addresses}?select=1`);
      return;
    }
    busyRef.current = true;
    setBusy(true);
    setError(undefined);
    try {
      const created = await createPrescriptionOrder({ prescriptionId, fulfilment, ...(fulfilment === 'DELIVERY' && addressId ? { addressId } : {}) });
      void Taro.redirectTo({ url: orderUrl('orderConfirm', created.orderId) });
    } catch (e) {
      setError(isApiError(e) ? e.message : '订单创建失败，请稍后重试');
      busyRef.current = false;
      setBusy(false);
    }
  }

  return (
    <View className='page order-page confirm confirm--start'>
      <View className='order-page__head'>
        <Text className='order-page__title'>确认取药方式</Text>
        <Text className='order-page__lead'>处方已审核通过。请选择取药方式，提交后生成订单，再进行医保支付。</Text>
      </View>
      <Section name='fulfilment' title='取药方式'>
        <Choice name='fulfilment' options={FULFILMENT_OPTIONS} value={fulfilment} disabled={busy} onChange={chooseFulfilment} />
        {fulfilment === 'DELIVERY' ? (
          <View className='confirm__address' onClick={() => void openPage(`${URLS.addresses}?select=1`)}>
            {chosen ? <AddressLines address={chosen} /> : <Text className='order-section__text'>{addressId ? '已选择收货地址' : '请选择收货地址'}</Text>}
            <Text className='confirm__address-change'>{addressId ? '更换' : '选择'} ›</Text>
          </View>
        ) : null}
        <Text className='order-section__hint'>配送到家需支付配送费（现金支付，医保不予支付），金额在订单中显示。</Text>
      </Section>
      {error ? (
        <View className='order-page__notice order-page__notice--warn' role='alert'>
          <Text>{error}</Text>
        </View>
      ) : null}
      <View className='order-page__actions'>
        <Button className='confirm__create' type='primary' block loading={busy} disabled={!fulfilment || busy} onClick={() => void submit()}>
          提交订单
        </Button>
      </View>
    </View>
  );
}

/** 确认订单: ?orderId= (an order to pay) or ?prescriptionId= (create the prescription's order first). */
export default function ConfirmPage() {
  const orderId = useRef(routeParam('orderId')).current;
  const prescriptionId = useRef(routeParam('prescriptionId')).current;
  if (orderId) return <OrderConfirm orderId={orderId} />;
  if (prescriptionId) return <PrescriptionOrderStart prescriptionId={prescriptionId} />;
  return (
    <View className='page order-page'>
      <PageState empty emptyTitle='未找到订单' emptyDescription='请从订单列表或处方页重新进入。' />
    </View>
  );
}
