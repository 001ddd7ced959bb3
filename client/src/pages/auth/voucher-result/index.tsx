import Taro from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import {
  VOUCHER_ACTIVATION_CODES,
  VOUCHER_CANCELLED_MESSAGE,
  VOUCHER_PURPOSE_LABELS,
  VOUCHER_SELF_PAY_CODES,
  messageForCode,
  type VoucherPurpose,
} from '@ih/contract';
import { Button } from '../../../components/nut';
import { PageState } from '../../../components/PageState';
import { IdentityCard, formatTime, leaveTo, returnToParam, routeParam } from '../../../components/Voucher';
import { useApi } from '../../../hooks/useApi';
import { URLS } from '../../../routes';
import { getVoucherStatus } from '../../../services/voucher';
import { query, withQuery } from '../../../services/voucherFlow';
import '../../../components/Voucher/index.scss';

/** Refusals after which authorizing again cannot help this time. */
const NO_RETRY = new Set(['INSURANCE_PAY_SUSPENDED', 'INSURANCE_NOT_INSURED']);

/**
 * 医保授权结果: authorized (masked identity; a family authorization names the authorizer),
 * cancelled ("未扣费", back to where the user was), or refused with what to do next (activation
 * guide, self-pay, another try). Opened by the entry page, or by the BFF's redirect after the
 * national APP's page (H5): outcome, purpose, patientId, orderId, code, returnTo.
 */
export default function VoucherResult() {
  const outcome = routeParam('outcome');
  const purpose: VoucherPurpose = routeParam('purpose') === 'REFUND' ? 'REFUND' : 'PAYMENT';
  const patientId = routeParam('patientId');
  const orderId = routeParam('orderId');
  const code = routeParam('code');
  const returnTo = returnToParam();
  const purposeLabel = VOUCHER_PURPOSE_LABELS[purpose];
  const status = useApi(() => (outcome === 'authorized' && patientId ? getVoucherStatus(patientId) : Promise.resolve(null)), []);

  const again = () =>
    void Taro.redirectTo({ url: `${URLS.voucher}${query({ purpose, patientId, orderId, returnTo })}` });
  const selfPay = () => void leaveTo(returnTo ? withQuery(returnTo, { selfPay: '1' }) : null);

  if (outcome === 'authorized') {
    const item = status.data?.items[0];
    const last = item?.lastAuthorization;
    return (
      <View className='page voucher-page voucher-result voucher-result--authorized'>
        <View className='voucher-page__head'>
          <Text className='voucher-page__title'>授权成功</Text>
          <Text className='voucher-page__status voucher-page__status--ok'>已完成医保电子凭证授权，可继续{purposeLabel}</Text>
        </View>
        <PageState loading={status.loading && !status.data} error={status.error} onRetry={status.reload}>
          {item ? (
            <IdentityCard identity={item.identity} insured={item.insured}>
              {last?.family ? (
                <View className='voucher-card__row voucher-card__row--family'>
                  <Text className='voucher-card__label'>授权方式</Text>
                  <Text className='voucher-card__value voucher-result__family'>亲情账户授权（授权人：{last.family.authorizerNameMasked}）</Text>
                </View>
              ) : (
                <View className='voucher-card__row voucher-card__row--family'>
                  <Text className='voucher-card__label'>授权方式</Text>
                  <Text className='voucher-card__value'>本人授权</Text>
                </View>
              )}
              {last ? (
                <View className='voucher-card__row voucher-card__row--expires'>
                  <Text className='voucher-card__label'>有效期至</Text>
                  <Text className='voucher-card__value'>{formatTime(last.expiresAt)}（仅可使用一次）</Text>
                </View>
              ) : null}
            </IdentityCard>
          ) : null}
        </PageState>
        <View className='voucher-page__actions'>
          <Button className='voucher-result__continue' type='primary' block onClick={() => void leaveTo(returnTo)}>
            {returnTo ? `继续${purposeLabel}` : '完成'}
          </Button>
        </View>
      </View>
    );
  }

  if (outcome === 'cancelled') {
    return (
      <View className='page voucher-page voucher-result voucher-result--cancelled'>
        <View className='voucher-page__head'>
          <Text className='voucher-page__title'>已取消授权</Text>
          <Text className='voucher-page__status'>本次未扣费</Text>
          <Text className='voucher-page__lead'>{VOUCHER_CANCELLED_MESSAGE}</Text>
        </View>
        <View className='voucher-page__actions'>
          <Button className='voucher-result__back' type='primary' block onClick={() => void leaveTo(returnTo)}>
            {orderId || returnTo ? '返回订单' : '返回'}
          </Button>
          <Button className='voucher-result__again' block onClick={again}>
            重新授权
          </Button>
          {purpose === 'PAYMENT' && returnTo ? (
            <Button className='voucher-result__self-pay' fill='outline' block onClick={selfPay}>
              改为自费支付
            </Button>
          ) : null}
        </View>
      </View>
    );
  }

  // failed (or an address without an outcome)
  const errorCode = code ?? 'INTERNAL';
  const activation = (VOUCHER_ACTIVATION_CODES as readonly string[]).includes(errorCode);
  const selfPayOffered = purpose === 'PAYMENT' && (VOUCHER_SELF_PAY_CODES as readonly string[]).includes(errorCode);
  return (
    <View className={`page voucher-page voucher-result voucher-result--failed voucher-result--${errorCode.toLowerCase()}`}>
      <View className='voucher-page__head'>
        <Text className='voucher-page__title'>{activation ? '医保电子凭证尚未激活' : '授权未完成'}</Text>
        <View role='alert'>
          <Text className='voucher-page__status voucher-page__status--warn'>{messageForCode(errorCode)}</Text>
        </View>
        <Text className='voucher-page__lead'>本次未扣费，订单仍为待支付。</Text>
      </View>
      <View className='voucher-page__actions'>
        {activation ? (
          <Button
            className='voucher-result__activate'
            type='primary'
            block
            onClick={() => void Taro.redirectTo({ url: `${URLS.activation}${query({ purpose, patientId, orderId, returnTo })}` })}
          >
            查看激活指引
          </Button>
        ) : null}
        {!NO_RETRY.has(errorCode) ? (
          <Button className='voucher-result__again' type={activation ? 'default' : 'primary'} block onClick={again}>
            重新授权
          </Button>
        ) : null}
        {selfPayOffered ? (
          <Button className='voucher-result__self-pay' fill='outline' type='primary' block onClick={selfPay}>
            继续自费支付
          </Button>
        ) : null}
        <Button className='voucher-result__back' block onClick={() => void leaveTo(returnTo)}>
          返回
        </Button>
      </View>
    </View>
  );
}
