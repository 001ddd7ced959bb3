import { useRef, useState } from 'react';
import Taro, { useDidShow } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { VOUCHER_CHANNEL_LABELS, VOUCHER_PURPOSE_LABELS, VOUCHER_SHARED_FIELDS, type VoucherPurpose } from '@ih/contract';
import { Button, Loading } from '../../../components/nut';
import { IdentityCard, leaveTo, returnToParam, routeParam } from '../../../components/Voucher';
import { useApi } from '../../../hooks/useApi';
import { identity } from '../../../platform/identity';
import { URLS } from '../../../routes';
import { ApiError, isApiError } from '../../../services/request';
import { getVoucherStatus } from '../../../services/voucher';
import { loadPending, query, resumeVoucherAuthorization, startVoucherAuthorization, type FinalResult, type VoucherTarget } from '../../../services/voucherFlow';
import '../../../components/Voucher/index.scss';

const CHANNEL = { wechat: 'WECHAT', alipay: 'ALIPAY', nhsa_app: 'NHSA_APP' } as const;
const CHANNEL_PAGE = { wechat: '微信医保电子凭证授权页', alipay: '支付宝医保电子凭证授权页', nhsa_app: '国家医保服务平台 APP 授权页' } as const;

function readTarget(): VoucherTarget {
  const purpose: VoucherPurpose = routeParam('purpose') === 'REFUND' ? 'REFUND' : 'PAYMENT';
  const patientId = routeParam('patientId');
  const orderId = routeParam('orderId');
  const returnTo = returnToParam();
  return { purpose, ...(patientId ? { patientId } : {}), ...(orderId ? { orderId } : {}), ...(returnTo ? { returnTo } : {}) };
}

function resultUrl(target: VoucherTarget, outcome: 'authorized' | 'cancelled' | 'failed', extra: { patientId?: string; code?: string } = {}): string {
  return `${URLS.voucherResult}${query({
    outcome,
    channel: identity.kind,
    purpose: target.purpose,
    patientId: extra.patientId ?? target.patientId,
    orderId: target.orderId,
    returnTo: target.returnTo,
    code: extra.code,
  })}`;
}

/** Errors that are an answer about the authorization (shown on the result page), not a glitch to retry here. */
function isVerdict(e: ApiError): boolean {
  return e.status >= 400 && e.status < 500 && !['UNAUTHENTICATED', 'SESSION_EXPIRED', 'SESSION_REVOKED', 'RATE_LIMITED'].includes(e.code);
}

/**
 * 医保电子凭证授权 (entry): what will be shared and why (national rules, 附件1-5 item 5), for whom,
 * then 同意并授权 → the channel's own authorization (WeChat auth mini-program / Alipay / national
 * APP page) → the result page. 取消 changes nothing and charges nothing.
 */
export default function VoucherEntry() {
  const target = useRef(readTarget()).current;
  const [phase, setPhase] = useState<'idle' | 'starting' | 'waiting' | 'confirming'>('idle');
  const [error, setError] = useState<ApiError>();
  const who = useApi(() => (target.patientId ? getVoucherStatus(target.patientId) : Promise.resolve(null)), []);
  const person = who.data?.items[0];

  function finish(result: FinalResult) {
    const url =
      result.status === 'authorized'
        ? resultUrl(target, 'authorized', { patientId: result.identity.patientId })
        : resultUrl(target, 'cancelled');
    void Taro.redirectTo({ url });
  }

  function failed(e: unknown) {
    const apiError = isApiError(e) ? e : new ApiError('NETWORK_ERROR', '授权未完成，请稍后重试', 0, '');
    if (isApiError(e) && isVerdict(e)) {
      setPhase('idle');
      void Taro.redirectTo({ url: resultUrl(target, 'failed', { code: e.code }) });
      return;
    }
    setError(apiError);
    setPhase('idle');
  }

  // Back from the channel's page (WeChat auth mini-program, Alipay's page): finish it.
  useDidShow(() => {
    if (!loadPending()) return;
    setPhase((p) => (p === 'starting' ? p : 'confirming'));
    resumeVoucherAuthorization().then(
      (r) => {
        if (r && r.step.step === 'done') finish(r.step.result);
        else setPhase((p) => (p === 'confirming' ? 'idle' : p));
      },
      (e: unknown) => failed(e),
    );
  });

  async function agree() {
    if (phase !== 'idle') return;
    setError(undefined);
    setPhase('starting');
    try {
      const step = await startVoucherAuthorization(target);
      if (step.step === 'done') finish(step.result);
      else setPhase('waiting');
    } catch (e) {
      failed(e);
    }
  }

  const busy = phase !== 'idle';
  const purposeLabel = VOUCHER_PURPOSE_LABELS[target.purpose];
  return (
    <View className='page voucher-page voucher-entry'>
      <View className='voucher-page__head'>
        <Text className='voucher-page__title'>医保电子凭证授权</Text>
        <Text className='voucher-page__lead'>
          为完成本次{purposeLabel}，本互联网医院需要经您授权，通过{VOUCHER_CHANNEL_LABELS[CHANNEL[identity.kind]]}向国家医保信息平台核验您的医保电子凭证。
        </Text>
      </View>

      <View className='voucher-page__section voucher-entry__shared'>
        <Text className='voucher-page__section-title'>将获取的信息</Text>
        {VOUCHER_SHARED_FIELDS.map((f) => (
          <Text key={f} className='voucher-page__item'>
            · {f}
          </Text>
        ))}
        <Text className='voucher-page__note'>仅用于本次{purposeLabel}的身份核验与医保结算，不会用于其他用途。</Text>
      </View>

      <View className='voucher-page__section voucher-entry__who'>
        <Text className='voucher-page__section-title'>授权人</Text>
        {target.patientId ? (
          who.loading && !person ? (
            <View className='voucher-entry__who-loading'>
              <Loading type='circular' />
              <Text className='voucher-page__note'>正在读取就诊人…</Text>
            </View>
          ) : person ? (
            <IdentityCard identity={person.identity} insured={person.insured} />
          ) : (
            <Text className='voucher-page__note voucher-entry__who-error'>{who.error?.message ?? '就诊人信息读取失败'}</Text>
          )
        ) : (
          <Text className='voucher-page__item'>本人（以医保电子凭证登记的信息为准，授权后自动添加为“本人”就诊人）</Text>
        )}
      </View>

      <View className='voucher-page__section voucher-entry__rules'>
        <Text className='voucher-page__section-title'>请您知悉</Text>
        <Text className='voucher-page__item'>· 医保电子凭证授权仅限参保人本人办理；为家人支付，请在授权页选择已绑定的亲情账户。</Text>
        <Text className='voucher-page__item'>· 授权仅用于本次{purposeLabel}，几分钟内有效，使用一次后即失效。</Text>
        <Text className='voucher-page__item'>· 取消授权不会产生任何费用，订单保留为待支付，可重新授权或选择自费。</Text>
        <Text className='voucher-page__note'>点击“同意并授权”后将打开{CHANNEL_PAGE[identity.kind]}。</Text>
      </View>

      {error ? (
        <View className='voucher-page__section voucher-entry__error' role='alert'>
          <Text className='voucher-page__status voucher-page__status--warn'>{error.message}</Text>
          {error.requestId ? <Text className='voucher-page__note'>错误编号：{error.requestId}</Text> : null}
        </View>
      ) : null}

      {phase === 'waiting' || phase === 'confirming' ? (
        <View className={`voucher-page__section voucher-entry__${phase}`}>
          <Loading type='circular' />
          <Text className='voucher-page__note'>
            {phase === 'waiting' ? '请在打开的授权页完成授权，完成后返回本页。' : '正在确认授权结果…'}
          </Text>
        </View>
      ) : null}

      <View className='voucher-page__actions'>
        <Button className='voucher-entry__agree' type='primary' block loading={phase === 'starting'} disabled={busy} onClick={() => void agree()}>
          同意并授权
        </Button>
        <Button className='voucher-entry__cancel' block disabled={phase === 'starting' || phase === 'confirming'} onClick={() => void Taro.redirectTo({ url: resultUrl(target, 'cancelled') })}>
          取消
        </Button>
      </View>
      <Text className='voucher-page__link voucher-entry__activation' onClick={() => void Taro.navigateTo({ url: `${URLS.activation}${query({ returnTo: target.returnTo })}` })}>
        还没有激活医保电子凭证？查看激活指引
      </Text>
      <Text className='voucher-page__link voucher-entry__back' onClick={() => void leaveTo(target.returnTo)}>
        返回
      </Text>
    </View>
  );
}
