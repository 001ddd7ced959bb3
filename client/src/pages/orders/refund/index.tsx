import { useRef, useState } from 'react';
import Taro from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { RefundRequestSchema, formatFen } from '@ih/contract';
import { Button } from '../../../components/nut';
import { Choice, FormError, FormField, TextInput } from '../../../components/Form';
import { PageState } from '../../../components/PageState';
import { routeParam } from '../../../components/Voucher';
import { useApi } from '../../../hooks/useApi';
import { getOrder, requestRefund } from '../../../services/order';
import { orderUrl, refundVoucherUrl } from '../../../services/orderFlow';
import { isApiError } from '../../../services/request';
import { Items, Row, Section, SplitRows } from '../parts/OrderParts';
import '../parts/order.scss';

const REASONS = [
  { value: 'NOT_NEEDED', label: '不需要了' },
  { value: 'RX_CHANGED', label: '医生调整了处方' },
  { value: 'DUPLICATE', label: '重复下单' },
  { value: 'DELIVERY', label: '配送问题' },
  { value: 'OTHER', label: '其他原因' },
] as const;
type ReasonKey = (typeof REASONS)[number]['value'];

/**
 * 申请退款 (?id=): the whole order (a prescription is never refunded per item, rule 18), a reason
 * (required), the amounts as the platform settled them and where each part goes back. The BFF
 * decides whether it can be refunded and asks for the fresh e-voucher authorization when needed
 * (shown on the order detail).
 */
export default function RefundPage() {
  const id = useRef(routeParam('id') ?? '').current;
  const { data: order, loading, error, reload } = useApi(() => getOrder(id), [id]);
  const [choice, setChoice] = useState<ReasonKey | ''>('');
  const [text, setText] = useState('');
  const [fieldError, setFieldError] = useState<string>();
  const [submitError, setSubmitError] = useState<{ code: string; message: string }>();
  const [busy, setBusy] = useState(false);
  const busyRef = useRef(false);

  if (!order) {
    return (
      <View className='page order-page refund-page'>
        <PageState loading={loading} error={error} onRetry={reload} />
      </View>
    );
  }

  const reasonText = (): string => {
    const label = REASONS.find((r) => r.value === choice)?.label;
    const extra = text.trim();
    if (choice === 'OTHER' || !label) return extra;
    return extra ? `${label}：${extra}` : label;
  };

  async function submit() {
    if (busyRef.current) return;
    setSubmitError(undefined);
    const checked = RefundRequestSchema.safeParse({ reason: reasonText() });
    if (!checked.success) {
      setFieldError(checked.error.issues[0]?.message ?? '请填写退款原因');
      return;
    }
    setFieldError(undefined);
    const ok = await Taro.showModal({
      title: '确认申请退款？',
      content: '将整单退款：医保基金和个人账户部分原路退回医保，现金部分原路退回支付账户。',
      confirmText: '确认退款',
      cancelText: '再想想',
    });
    if (!ok.confirm || busyRef.current) return;
    busyRef.current = true;
    setBusy(true);
    try {
      const refund = await requestRefund(id, checked.data.reason);
      // The insurance part needs a fresh e-voucher authorization (purpose REFUND): go there now.
      void Taro.redirectTo({ url: refund.needsVoucherAuthorization ? refundVoucherUrl(id, order!.patient.patientId) : orderUrl('orderDetail', id) });
    } catch (e) {
      if (isApiError(e)) {
        const f = e.fields.find((x) => x.path === 'reason');
        if (f) setFieldError(f.message);
        else setSubmitError({ code: e.code, message: e.message });
      } else {
        setSubmitError({ code: 'INTERNAL', message: '退款申请未提交，请稍后重试' });
      }
      busyRef.current = false;
      setBusy(false);
    }
  }

  return (
    <View className='page order-page refund-page'>
      <View className='order-page__head'>
        <Text className='order-page__title'>申请退款</Text>
        <Text className='order-page__lead'>{order.kind === 'PRESCRIPTION' ? '处方须整单退款，不支持只退其中某一项药品。' : '将退还本次问诊费用。'}</Text>
      </View>

      <Section name='items' title={`${order.kindLabel}（整单退款）`}>
        <Items items={order.items} />
      </Section>

      <Section name='amounts' title='退款金额'>
        {order.split ? (
          <SplitRows split={order.split} deliveryFeeFen={order.deliveryFeeFen} cashDueFen={order.cashDueFen} />
        ) : (
          <>
            <Row name='total' label='医疗费用' value={formatFen(order.totalFen)} />
            {order.cashDueFen !== null ? <Row name='cashDue' label='现金合计' value={formatFen(order.cashDueFen)} /> : null}
          </>
        )}
        <Text className='order-section__hint'>医保基金和个人账户部分原路退回医保，现金部分（含配送费）原路退回支付账户；医保部分退款需再次授权医保电子凭证。</Text>
      </Section>

      <Section name='reason' title='退款原因'>
        <Choice
          name='refund-reason'
          options={REASONS}
          value={choice}
          disabled={busy}
          onChange={(v) => {
            setChoice(v);
            setFieldError(undefined);
          }}
        />
        <FormField name='reason' label={choice === 'OTHER' ? '请说明原因（必填）' : '补充说明（选填）'} error={fieldError}>
          <TextInput name='reason' value={text} maxlength={200} placeholder='请填写退款原因' disabled={busy} onChange={(v) => setText(v)} />
        </FormField>
      </Section>

      <FormError code={submitError?.code} message={submitError?.message} />
      <View className='order-page__actions'>
        <Button className='refund-page__submit' type='primary' block loading={busy} disabled={busy} onClick={() => void submit()}>
          提交退款申请
        </Button>
      </View>
      <Text className='order-page__rule'>退费说明：{order.refundRule}</Text>
    </View>
  );
}
