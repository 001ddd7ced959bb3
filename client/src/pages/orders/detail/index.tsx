import { useEffect, useRef, useState } from 'react';
import { useDidShow } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { FULFILMENT_LABELS, PAY_CHANNEL_LABELS, formatFen, type OrderView, type RefundView } from '@ih/contract';
import { Button } from '../../../components/nut';
import { PageState } from '../../../components/PageState';
import { routeParam } from '../../../components/Voucher';
import { useApi } from '../../../hooks/useApi';
import { openPage } from '../../../services/nav';
import { getOrder, requestRefund } from '../../../services/order';
import { isApiError } from '../../../services/request';
import { orderUrl, refundVoucherUrl } from '../../../services/orderFlow';
import { AddressLines, Items, Row, Section, SplitRows, StateLabel, formatTime } from '../parts/OrderParts';
import '../parts/order.scss';
import './index.scss';

/** While a refund is under way the page asks again at this pace (both parts until finished). */
export const REFUND_POLL_MS = 5_000;

const REFUND_OPEN = new Set<RefundView['status']>(['AWAITING_APPROVAL', 'PROCESSING']);

function RefundProgress({ refund, onAuthorize }: { refund: RefundView; onAuthorize: () => void }) {
  return (
    <Section name='refund' title='退款进度'>
      <Row name='refund-status' label='退款状态' value={refund.statusLabel} emphasis={false} />
      <Row name='refund-no' label='退款编号' value={refund.refundNo} />
      <Row name='refund-reason' label='退款原因' value={refund.reason} />
      <Row name='refund-total' label='退款金额' value={formatFen(refund.totalFen)} />
      <View className={`refund-part refund-part--insurance refund-part--${refund.insurance.status.toLowerCase()}`}>
        <Text className='refund-part__label'>医保部分（基金 + 个人账户）</Text>
        <Text className='refund-part__amount'>{formatFen(refund.insurance.amountFen)}</Text>
        <Text className='refund-part__status'>{refund.insurance.statusLabel}</Text>
      </View>
      <View className={`refund-part refund-part--cash refund-part--${refund.cash.status.toLowerCase()}`}>
        <Text className='refund-part__label'>现金部分（含配送费）</Text>
        <Text className='refund-part__amount'>{formatFen(refund.cash.amountFen)}</Text>
        <Text className='refund-part__status'>{refund.cash.statusLabel}</Text>
      </View>
      <Row name='refund-created' label='申请时间' value={formatTime(refund.createdAt)} />
      {refund.completedAt ? <Row name='refund-completed' label='完成时间' value={formatTime(refund.completedAt)} /> : null}
      {refund.message ? <Text className='order-section__hint refund__message'>{refund.message}</Text> : null}
      {refund.needsVoucherAuthorization ? (
        <View className='refund__authorize'>
          <Text className='order-section__hint'>医保部分退款需要再次授权医保电子凭证（仅用于本次退款）。</Text>
          <Button className='refund__authorize-button' type='primary' block onClick={onAuthorize}>
            授权医保电子凭证以继续退款
          </Button>
        </View>
      ) : null}
    </Section>
  );
}

function Payment({ order }: { order: OrderView }) {
  return (
    <Section name='payment' title={order.payMode === 'INSURANCE' ? '医保结算' : '支付信息'}>
      <Row name='pay-mode' label='支付方式' value={order.payModeLabel} />
      {order.payMode === 'SELF_PAY' && order.selfPayReasonText ? <Text className='order-section__hint'>{order.selfPayReasonText}</Text> : null}
      {order.split ? (
        <SplitRows split={order.split} deliveryFeeFen={order.deliveryFeeFen} cashDueFen={order.cashDueFen} />
      ) : (
        <>
          <Row name='total' label='医疗费用' value={formatFen(order.totalFen)} />
          {order.deliveryFeeFen !== 0 ? <Row name='deliveryFee' label='配送费' note='现金支付，医保不予支付' value={formatFen(order.deliveryFeeFen)} /> : null}
          {order.cashDueFen !== null ? <Row name='cashDue' label='现金合计' emphasis value={formatFen(order.cashDueFen)} /> : null}
          {order.payMode === 'INSURANCE' && order.cashDueFen === null ? (
            <Text className='order-section__hint'>医保报销金额在收银台由医保平台预结算后显示。</Text>
          ) : null}
        </>
      )}
      {order.payment ? <Row name='channel' label='支付渠道' value={`${PAY_CHANNEL_LABELS[order.payment.channel]}`} /> : null}
      {order.paidAt ? <Row name='paid-at' label='支付时间' value={formatTime(order.paidAt)} /> : null}
      {order.failureReason ? <Text className='order-section__hint order-detail__failure'>{order.failureReason}</Text> : null}
    </Section>
  );
}

/**
 * 订单详情 (?id=): state, what was bought, who and where, the platform's split, the payment, and
 * the refund (whole prescription only; reason required on the refund page) with the progress of
 * both parts (insurance and cash) until finished.
 */
export default function OrderDetail() {
  const id = useRef(routeParam('id') ?? '').current;
  const { data: order, loading, error, reload } = useApi(() => getOrder(id), [id]);
  const shownOnce = useRef(false);
  /** Back from the REFUND authorization: ask the BFF once to go on with the waiting refund. */
  const resume = useRef(routeParam('resumeRefund') === '1');
  const [resumeError, setResumeError] = useState<string>();

  useEffect(() => {
    const r = order?.refund;
    if (!resume.current || !r) return;
    resume.current = false;
    if (!r.needsVoucherAuthorization) return;
    requestRefund(id, r.reason).then(
      () => reload(),
      (e: unknown) => setResumeError(isApiError(e) ? e.message : '退款未能继续，请稍后重试'),
    );
  }, [order, id, reload]);

  useDidShow(() => {
    if (shownOnce.current) reload();
    shownOnce.current = true;
  });

  // A refund or payment under way: ask again until it is finished.
  const refundOpen = !!order?.refund && REFUND_OPEN.has(order.refund.status);
  const moving = refundOpen || order?.state === 'PAYING' || order?.state === 'REFUNDING';
  useEffect(() => {
    if (!moving) return;
    const t = setTimeout(reload, REFUND_POLL_MS);
    return () => clearTimeout(t);
  }, [moving, order, reload]);

  if (!order) {
    return (
      <View className='page order-page order-detail'>
        <PageState loading={loading} error={error} onRetry={reload} />
      </View>
    );
  }

  return (
    <View className={`page order-page order-detail order-detail--${order.state.toLowerCase()}`}>
      <View className='order-page__head'>
        <Text className='order-page__title'>{order.kindLabel}</Text>
        <StateLabel state={order.state} label={order.stateLabel} />
      </View>
      {order.underReview ? (
        <View className='order-page__notice order-page__notice--warn' role='alert'>
          <Text>订单正在由医院核对，核对完成后会通知您；如有疑问请联系医院。</Text>
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
        {order.insured ? (
          <>
            <Row name='insutype' label='险种类型' value={order.insured.insutypeLabel} />
            <Row name='insuplc' label='参保地' value={order.insured.insuplcName ?? order.insured.insuplcAdmdvs} />
          </>
        ) : null}
      </Section>

      <Section name='items' title='费用明细'>
        <Items items={order.items} />
      </Section>

      {order.kind === 'PRESCRIPTION' && order.fulfilment ? (
        <Section name='fulfilment' title='取药方式'>
          <Text className='order-section__text'>{FULFILMENT_LABELS[order.fulfilment]}</Text>
          {order.fulfilment === 'DELIVERY' && order.address ? <AddressLines address={order.address} /> : null}
          {order.fulfilment === 'PICKUP' ? <Text className='order-section__hint'>请凭订单到{order.hospital.name}药房取药。</Text> : null}
        </Section>
      ) : null}

      <Payment order={order} />

      {resumeError ? (
        <View className='order-page__notice order-page__notice--warn order-detail__resume-error' role='alert'>
          <Text>{resumeError}</Text>
        </View>
      ) : null}
      {order.refund ? <RefundProgress refund={order.refund} onAuthorize={() => void openPage(refundVoucherUrl(order.id, order.patient.patientId))} /> : null}

      <View className='order-page__actions'>
        {order.actions.pay || order.actions.prepareInsurance ? (
          <Button className='order-detail__pay' type='primary' block onClick={() => void openPage(orderUrl('orderConfirm', order.id))}>
            去支付
          </Button>
        ) : null}
        {order.state === 'PAYING' ? (
          <Button className='order-detail__result' type='primary' block onClick={() => void openPage(orderUrl('payResult', order.id))}>
            查看支付结果
          </Button>
        ) : null}
        {order.actions.refund ? (
          <Button className='order-detail__refund' block onClick={() => void openPage(orderUrl('orderRefund', order.id))}>
            申请退款
          </Button>
        ) : null}
      </View>
      <Text className='order-page__rule'>退费说明：{order.refundRule}</Text>
    </View>
  );
}
