import { useEffect, useRef, useState } from 'react';
import Taro, { useDidShow } from '@tarojs/taro';
import { View } from '@tarojs/components';
import type { CashierView } from '@ih/contract';
import { Button } from '../../components/nut';
import { PageState } from '../../components/PageState';
import { routeParam } from '../../components/Voucher';
import { pay } from '../../platform/pay';
import { prepareCashier, startPayment } from '../../services/order';
import { backToOrder as leaveForOrder, newIdempotencyKey, orderUrl, paymentVoucherUrl, setOrderNotice } from '../../services/orderFlow';
import { ApiError, CLIENT_ERROR_MESSAGES, isApiError } from '../../services/request';
import { Cashier, CashierPreparing, type CashierProps } from './Cashier';
import './index.scss';

type Notice = NonNullable<CashierProps['notice']>;

/** The e-voucher authorization is missing, used or expired: back to the unpaid order (nothing charged). */
const NEEDS_AUTHORIZATION = new Set(['INSURANCE_AUTH_INVALID']);
/** A payment is already open or done: the result page knows more than the cashier. */
const SEE_RESULT = new Set(['ORDER_PAYMENT_IN_PROGRESS', 'PAYMENT_ALREADY_PAID']);

function toApiError(e: unknown): ApiError {
  return isApiError(e) ? e : new ApiError('BAD_RESPONSE', CLIENT_ERROR_MESSAGES.BAD_RESPONSE, 0, '');
}

/**
 * 医保收银台 (?orderId=[&selfPay=1]). Reached right after the fresh e-voucher authorization (the
 * voucher pages return here), or directly for a self-pay order. On arrival the BFF prepares the
 * settlement (6201 fee upload + 6202 pay order) while a loading animation holds the centre of the
 * page; then the one Cashier component shows the platform's split. 确认支付 asks the BFF for the
 * channel's launch parameters and opens the channel's cashier (platform/pay.*); whatever the
 * channel answers, the result page asks the BFF (rule 20).
 */
export default function CashierPage() {
  const orderId = useRef(routeParam('orderId') ?? '').current;
  const selfPay = useRef(routeParam('selfPay') === '1').current;
  /** The personal-account choice the patient made before a re-authorization (?acct=1). */
  const initialAcct = useRef(routeParam('acct') === '1').current;
  /** One pay attempt per visit: a repeated pay request answers the same attempt. */
  const idempotencyKey = useRef(newIdempotencyKey()).current;
  const [view, setView] = useState<CashierView>();
  const [error, setError] = useState<ApiError>();
  const [attempt, setAttempt] = useState(0);
  const [switching, setSwitching] = useState(false);
  const [paying, setPaying] = useState(false);
  const [notice, setNotice] = useState<Notice | null>(null);
  /** Synchronous guards: a second tap before React re-renders must not send a second request. */
  const payingRef = useRef(false);
  const switchingRef = useRef(false);
  /** The channel's cashier was opened: on the next show, go and ask for the result. */
  const launchedRef = useRef(false);
  const leftRef = useRef(false);

  const goResult = () => {
    if (leftRef.current) return;
    leftRef.current = true;
    void Taro.redirectTo({ url: orderUrl('payResult', orderId) });
  };
  const backToOrder = () => void leaveForOrder(orderId);

  function refused(e: ApiError): boolean {
    if (NEEDS_AUTHORIZATION.has(e.code)) {
      leftRef.current = true;
      setOrderNotice(orderId, 'UNAUTHORIZED');
      void leaveForOrder(orderId);
      return true;
    }
    if (SEE_RESULT.has(e.code)) {
      goResult();
      return true;
    }
    return false;
  }

  // Prepare once per arrival (and on 重新加载): 6201 + 6202 with the fresh authorization.
  useEffect(() => {
    if (!orderId) {
      setError(new ApiError('NOT_FOUND', '缺少订单编号，请从订单页重新进入', 404, ''));
      return;
    }
    let current = true;
    setError(undefined);
    prepareCashier(orderId, { acctUsedFlag: initialAcct && !selfPay, selfPay }).then(
      (v) => current && setView(v),
      (e: unknown) => {
        if (!current) return;
        const err = toApiError(e);
        if (!refused(err)) setError(err);
      },
    );
    return () => {
      current = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [attempt]);

  // Back from the channel's cashier without its callback (e.g. the app was in the background): ask for the result.
  useDidShow(() => {
    if (launchedRef.current && !payingRef.current) goResult();
  });

  async function toggleAccount(next: boolean) {
    if (!view || switchingRef.current || payingRef.current) return;
    switchingRef.current = true;
    setSwitching(true);
    setNotice(null);
    try {
      // The BFF re-runs the split with the platform; the numbers shown are only ever its answer.
      setView(await prepareCashier(orderId, { acctUsedFlag: next, selfPay }));
    } catch (e) {
      const err = toApiError(e);
      if (NEEDS_AUTHORIZATION.has(err.code)) {
        // Another split is another 6201/6202: it needs a fresh, single-use authorization.
        const r = await Taro.showModal({
          title: '需要重新授权',
          content: '更改个人账户支付需要重新授权医保电子凭证（每次授权仅能使用一次）。本次未扣费。',
          confirmText: '去授权',
          cancelText: '暂不更改',
        });
        if (r.confirm) {
          leftRef.current = true;
          void Taro.redirectTo({ url: paymentVoucherUrl(orderId, view.patient.patientId, { acctUsed: next }) });
        }
      } else if (!refused(err)) {
        setNotice({ tone: 'warn', text: err.message });
      }
    } finally {
      switchingRef.current = false;
      setSwitching(false);
    }
  }

  async function payNow() {
    if (!view || payingRef.current || switchingRef.current) return;
    payingRef.current = true;
    setPaying(true);
    setNotice(null);
    try {
      const started = await startPayment(orderId, pay.channel, idempotencyKey);
      launchedRef.current = true;
      const outcome = await pay.launch(started.launch);
      switch (outcome.kind) {
        case 'returned':
          goResult();
          return;
        case 'redirected':
          // H5: the page is leaving for the APP's cashier; keep the button busy.
          return;
        case 'cancelled':
          launchedRef.current = false;
          setNotice({ tone: 'info', text: '您已取消支付，本次未扣费。可重新支付，或返回订单稍后再付。' });
          break;
        case 'unsupported':
          launchedRef.current = false;
          setNotice({ tone: 'warn', text: outcome.message });
          void Taro.showModal({ title: '请升级微信', content: outcome.message, showCancel: false, confirmText: '我知道了' });
          break;
        case 'failed':
          launchedRef.current = false;
          setNotice({ tone: 'warn', text: outcome.message });
          break;
      }
    } catch (e) {
      const err = toApiError(e);
      if (!refused(err)) setNotice({ tone: 'warn', text: err.message });
    }
    payingRef.current = false;
    setPaying(false);
  }

  if (error) {
    return (
      <View className='page cashier-page cashier-page--error'>
        <PageState error={error} onRetry={() => setAttempt((n) => n + 1)} />
        <View className='cashier-page__actions'>
          <Button className='cashier-page__back' block onClick={backToOrder}>
            返回订单
          </Button>
        </View>
      </View>
    );
  }
  if (!view) {
    return (
      <View className='page cashier-page cashier-page--preparing'>
        <CashierPreparing selfPay={selfPay} />
      </View>
    );
  }
  return (
    <View className='page cashier-page'>
      <Cashier
        view={view}
        paying={paying}
        switching={switching}
        notice={notice}
        onToggleAccount={(next) => void toggleAccount(next)}
        onPay={() => void payNow()}
        onBack={backToOrder}
      />
    </View>
  );
}
