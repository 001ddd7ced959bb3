import { useRef } from 'react';
import Taro, { useDidShow } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { VOUCHER_CHANNEL_LABELS, VOUCHER_PURPOSE_LABELS, type VoucherPatientStatus } from '@ih/contract';
import { Button } from '../../../components/nut';
import { PageState } from '../../../components/PageState';
import { IdentityCard, formatTime } from '../../../components/Voucher';
import { useApi } from '../../../hooks/useApi';
import { URLS } from '../../../routes';
import { getVoucherStatus } from '../../../services/voucher';
import { query } from '../../../services/voucherFlow';
import '../../../components/Voucher/index.scss';

function authorizationState(last: NonNullable<VoucherPatientStatus['lastAuthorization']>): string {
  if (last.usable) return `有效，可用于一次${VOUCHER_PURPOSE_LABELS[last.purpose]}（${formatTime(last.expiresAt)} 前）`;
  if (last.used) return '已使用';
  return '已失效（授权仅几分钟有效，支付前会再次授权）';
}

function PatientVoucher({ item }: { item: VoucherPatientStatus }) {
  const last = item.lastAuthorization;
  return (
    <View className={`voucher-status__patient voucher-status__patient--${item.identity.relationship.toLowerCase()}`}>
      <IdentityCard identity={item.identity} insured={item.insured}>
        {!item.insured ? (
          <View className='voucher-card__row voucher-card__row--insured'>
            <Text className='voucher-card__label'>参保信息</Text>
            <Text className='voucher-card__value'>授权后显示</Text>
          </View>
        ) : null}
        {last ? (
          <>
            <View className='voucher-card__row voucher-card__row--last'>
              <Text className='voucher-card__label'>最近授权</Text>
              <Text className='voucher-card__value'>
                {formatTime(last.authorizedAt)} · {VOUCHER_CHANNEL_LABELS[last.channel]}
              </Text>
            </View>
            {last.family ? (
              <View className='voucher-card__row voucher-card__row--family'>
                <Text className='voucher-card__label'>授权方式</Text>
                <Text className='voucher-card__value'>亲情账户授权（授权人：{last.family.authorizerNameMasked}）</Text>
              </View>
            ) : null}
            <View className='voucher-card__row voucher-card__row--state'>
              <Text className='voucher-card__label'>授权状态</Text>
              <Text className='voucher-card__value'>{authorizationState(last)}</Text>
            </View>
          </>
        ) : (
          <View className='voucher-card__row voucher-card__row--last'>
            <Text className='voucher-card__label'>最近授权</Text>
            <Text className='voucher-card__value'>暂无</Text>
          </View>
        )}
        <View className='voucher-status__actions'>
          <Button
            className='voucher-status__authorize'
            size='small'
            type='primary'
            fill='outline'
            onClick={() => void Taro.navigateTo({ url: `${URLS.voucher}${query({ purpose: 'PAYMENT', patientId: item.identity.patientId })}` })}
          >
            授权医保电子凭证
          </Button>
          {item.insured && !item.insured.voucherActivated ? (
            <Button className='voucher-status__activate' size='small' onClick={() => void Taro.navigateTo({ url: URLS.activation })}>
              激活指引
            </Button>
          ) : null}
        </View>
      </IdentityCard>
    </View>
  );
}

/** 我的 → 医保电子凭证: my authorization state per 就诊人 (masked; nothing secret is ever shown or stored here). */
export default function VoucherStatus() {
  const { data, loading, error, reload } = useApi(() => getVoucherStatus());
  const shownOnce = useRef(false);
  useDidShow(() => {
    if (shownOnce.current) reload();
    shownOnce.current = true;
  });
  const items = data?.items ?? [];
  const hasSelf = items.some((i) => i.identity.relationship === 'SELF');
  return (
    <View className='page voucher-page voucher-status'>
      <View className='voucher-page__head'>
        <Text className='voucher-page__title'>医保电子凭证</Text>
        <Text className='voucher-page__lead'>在线使用医保支付前需授权医保电子凭证，授权仅限本人（亲情账户除外），几分钟内有效、使用一次后失效。</Text>
      </View>
      <PageState
        loading={loading && !data}
        error={error}
        onRetry={reload}
        empty={!!data && items.length === 0}
        emptyTitle='还没有就诊人'
        emptyDescription='授权本人的医保电子凭证后，将自动添加“本人”为就诊人。'
        emptyAction={
          <Button className='voucher-status__authorize-self' type='primary' onClick={() => void Taro.navigateTo({ url: `${URLS.voucher}${query({ purpose: 'PAYMENT' })}` })}>
            授权本人医保电子凭证
          </Button>
        }
      >
        {items.map((item) => (
          <PatientVoucher key={item.identity.patientId} item={item} />
        ))}
        {!hasSelf && items.length > 0 ? (
          <View className='voucher-page__actions'>
            <Button className='voucher-status__authorize-self' type='primary' block onClick={() => void Taro.navigateTo({ url: `${URLS.voucher}${query({ purpose: 'PAYMENT' })}` })}>
              授权本人医保电子凭证
            </Button>
          </View>
        ) : null}
      </PageState>
      <Text className='voucher-page__link voucher-status__activation' onClick={() => void Taro.navigateTo({ url: URLS.activation })}>
        如何激活医保电子凭证
      </Text>
    </View>
  );
}
