import { useEffect, useRef, useState } from 'react';
import Taro from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import type { OrderStatus } from '@ih/contract';
import { Button, Loading } from '../../../components/nut';
import { PageState } from '../../../components/PageState';
import { routeParam } from '../../../components/Voucher';
import { URLS } from '../../../routes';
import { getOrderStatus } from '../../../services/order';
import { orderUrl } from '../../../services/orderFlow';
import { ApiError, CLIENT_ERROR_MESSAGES, isApiError } from '../../../services/request';
import '../parts/order.scss';
import './index.scss';

/** How long the page keeps asking before it says "still being confirmed" (the BFF keeps checking). */
export const RESULT_POLL_WINDOW_MS = 60_000;
const DEFAULT_POLL_MS = 2_000;
const MIN_POLL_MS = 1_000;
const MAX_POLL_MS = 10_000;

/** The consultation room (CONSULT-CLIENT's page), or the 问诊 tab while it does not exist. */
function roomUrl(consultationId: string | null): string {
  const room = (URLS as Record<string, string>).consultRoom;
  if (room && consultationId) return `${room}?id=${encodeURIComponent(consultationId)}`;
  return URLS.consult;
}

type Phase = 'paid' | 'failed' | 'pending' | 'other';

function phaseOf(s: OrderStatus): Phase {
  if (s.paid) return 'paid';
  if (s.state === 'PAY_FAILED') return 'failed';
  if (!s.final) return 'pending';
  return 'other';
}

/**
 * 支付结果 (?orderId=). Never trusts the channel's own answer: asks the BFF (which settles only on
 * a verified 6302 notify or a final 6301 query, rule 20) until the state is final, at the pace the
 * BFF suggests. 已结算 → a consultation goes on to the room; 支付失败 shows the platform's reason;
 * 处理中 says what to do (and not to pay twice).
 */
export default function PayResult() {
  const orderId = useRef(routeParam('orderId') ?? '').current;
  const [status, setStatus] = useState<OrderStatus>();
  const [error, setError] = useState<ApiError>();
  const [timedOut, setTimedOut] = useState(false);
  const [round, setRound] = useState(0);

  useEffect(() => {
    if (!orderId) {
      setError(new ApiError('NOT_FOUND', '缺少订单编号，请在订单列表中查看', 404, ''));
      return;
    }
    let alive = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const started = Date.now();
    setTimedOut(false);
    setError(undefined);

    const tick = async () => {
      try {
        const s = await getOrderStatus(orderId);
        if (!alive) return;
        setStatus(s);
        setError(undefined);
        if (s.final) return;
        if (Date.now() - started >= RESULT_POLL_WINDOW_MS) {
          setTimedOut(true);
          return;
        }
        const wait = Math.min(MAX_POLL_MS, Math.max(MIN_POLL_MS, s.nextPollMs ?? DEFAULT_POLL_MS));
        timer = setTimeout(() => void tick(), wait);
      } catch (e) {
        if (!alive) return;
        const err = isApiError(e) ? e : new ApiError('BAD_RESPONSE', CLIENT_ERROR_MESSAGES.BAD_RESPONSE, 0, '');
        // A network hiccup while waiting: keep trying within the window, show it only if nothing is known.
        if (err.status === 0 && Date.now() - started < RESULT_POLL_WINDOW_MS) {
          timer = setTimeout(() => void tick(), DEFAULT_POLL_MS);
          return;
        }
        setError(err);
      }
    };
    void tick();
    return () => {
      alive = false;
      if (timer !== undefined) clearTimeout(timer);
    };
  }, [orderId, round]);

  const again = () => setRound((n) => n + 1);
  const toDetail = () => void Taro.redirectTo({ url: orderUrl('orderDetail', orderId) });
  const toOrders = () => void Taro.switchTab({ url: URLS.orders });

  if (!status) {
    return (
      <View className='page order-page pay-result pay-result--loading'>
        {error ? (
          <PageState error={error} onRetry={again} />
        ) : (
          <View className='pay-result__waiting' role='status'>
            <Loading type='circular' />
            <Text className='pay-result__title'>正在确认支付结果…</Text>
          </View>
        )}
      </View>
    );
  }

  const phase = phaseOf(status);
  if (phase === 'paid') {
    const consultation = status.kind === 'CONSULTATION';
    return (
      <View className='page order-page pay-result pay-result--paid'>
        <View className='pay-result__head'>
          <View className='pay-result__mark pay-result__mark--ok'>✓</View>
          <Text className='pay-result__title'>已结算</Text>
          <Text className='pay-result__message'>{status.message}</Text>
        </View>
        <View className='order-page__actions'>
          {consultation ? (
            <Button className='pay-result__room' type='primary' block onClick={() => void Taro.redirectTo({ url: roomUrl(status.consultationId) }).catch(() => Taro.switchTab({ url: URLS.consult }))}>
              进入问诊室
            </Button>
          ) : null}
          <Button className='pay-result__detail' type={consultation ? 'default' : 'primary'} block onClick={toDetail}>
            查看订单
          </Button>
        </View>
      </View>
    );
  }

  if (phase === 'failed') {
    return (
      <View className='page order-page pay-result pay-result--failed'>
        <View className='pay-result__head'>
          <View className='pay-result__mark pay-result__mark--warn'>!</View>
          <Text className='pay-result__title'>支付失败</Text>
          <Text className='pay-result__message'>{status.message}</Text>
          {status.failureReason ? (
            <View className='pay-result__reason' role='alert'>
              <Text>失败原因：{status.failureReason}</Text>
            </View>
          ) : null}
          <Text className='pay-result__hint'>本次未完成结算；如已扣款，将原路退回。您可以返回订单重新支付。</Text>
        </View>
        <View className='order-page__actions'>
          <Button className='pay-result__retry' type='primary' block onClick={() => void Taro.redirectTo({ url: orderUrl('orderConfirm', orderId) })}>
            返回订单重新支付
          </Button>
          <Button className='pay-result__orders' block onClick={toOrders}>
            查看我的订单
          </Button>
        </View>
      </View>
    );
  }

  if (phase === 'pending') {
    return (
      <View className='page order-page pay-result pay-result--pending'>
        <View className='pay-result__head'>
          {timedOut ? <View className='pay-result__mark pay-result__mark--todo'>…</View> : <Loading type='circular' />}
          <Text className='pay-result__title'>处理中</Text>
          <Text className='pay-result__message'>{status.message}</Text>
          {status.underReview ? <Text className='pay-result__hint'>订单正在由医院核对，核对完成后会通知您；如有疑问请联系医院。</Text> : null}
          <Text className='pay-result__hint'>
            {timedOut
              ? '支付结果仍在确认中，请勿重复支付。结果以医保平台的结算通知为准，稍后可在“订单”中查看；如已扣款但订单未支付成功，费用将原路退回。'
              : '正在向医保平台和支付渠道确认结果，请稍候，请勿重复支付。'}
          </Text>
        </View>
        <View className='order-page__actions'>
          {timedOut ? (
            <Button className='pay-result__refresh' type='primary' block onClick={again}>
              刷新结果
            </Button>
          ) : null}
          <Button className='pay-result__detail' block onClick={toDetail}>
            查看订单
          </Button>
        </View>
      </View>
    );
  }

  // Closed, cancelled, refunded…: final without a payment.
  return (
    <View className={`page order-page pay-result pay-result--${status.state.toLowerCase()}`}>
      <View className='pay-result__head'>
        <View className='pay-result__mark pay-result__mark--muted'>i</View>
        <Text className='pay-result__title'>{status.stateLabel}</Text>
        <Text className='pay-result__message'>{status.message}</Text>
        {status.failureReason ? <Text className='pay-result__hint'>{status.failureReason}</Text> : null}
      </View>
      <View className='order-page__actions'>
        <Button className='pay-result__detail' type='primary' block onClick={toDetail}>
          查看订单
        </Button>
      </View>
    </View>
  );
}
