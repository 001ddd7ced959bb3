import { useState } from 'react';
import Taro from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { ACTIVATION_CHANNELS, type ActivationChannel } from '@ih/contract';
import { Button } from '../../../components/nut';
import { leaveTo, returnToParam, routeParam } from '../../../components/Voucher';
import { identity } from '../../../platform/identity';
import { URLS } from '../../../routes';
import { query, withQuery } from '../../../services/voucherFlow';
import '../../../components/Voucher/index.scss';
import './index.scss';

/** The channel of this build first: the user is already in it. */
function ordered(): ActivationChannel[] {
  const own = identity.kind;
  return [...ACTIVATION_CHANNELS].sort((a, b) => Number(b.key === own) - Number(a.key === own));
}

/**
 * 激活医保电子凭证 (rule 14, seed 004): the activation channels — national APP, WeChat, Alipay,
 * the partner banks — with their steps, a way back, and self-pay for this order.
 */
export default function Activation() {
  const channels = ordered();
  const [open, setOpen] = useState<string>(channels[0]!.key);
  const returnTo = returnToParam();
  const purpose = routeParam('purpose');
  const patientId = routeParam('patientId');
  const orderId = routeParam('orderId');

  return (
    <View className='page voucher-page activation'>
      <View className='voucher-page__head'>
        <Text className='voucher-page__title'>激活医保电子凭证</Text>
        <Text className='voucher-page__lead'>
          医保电子凭证是国家医保局统一签发的医保线上身份凭证，一人一码。激活后即可在线使用医保支付。可通过以下任一渠道激活，激活后返回本页重新授权。
        </Text>
      </View>

      {channels.map((c) => {
        const expanded = open === c.key;
        return (
          <View key={c.key} className={`voucher-page__section activation__channel activation__channel--${c.key}${expanded ? ' activation__channel--open' : ''}`}>
            <View className='activation__channel-head' role='button' aria-expanded={expanded} onClick={() => setOpen(expanded ? '' : c.key)}>
              <Text className='voucher-page__section-title'>{c.name}</Text>
              <Text className='activation__toggle'>{expanded ? '收起' : '查看步骤'}</Text>
            </View>
            {expanded ? (
              <View className='activation__steps'>
                <Text className='voucher-page__note activation__entry'>入口：{c.entry}</Text>
                {c.steps.map((step, i) => (
                  <Text key={step} className='voucher-page__item activation__step'>
                    {i + 1}. {step}
                  </Text>
                ))}
              </View>
            ) : null}
          </View>
        );
      })}

      <View className='voucher-page__actions'>
        <Button
          className='activation__retry'
          type='primary'
          block
          onClick={() => void Taro.redirectTo({ url: `${URLS.voucher}${query({ purpose, patientId, orderId, returnTo })}` })}
        >
          我已激活，重新授权
        </Button>
        {purpose !== 'REFUND' ? (
          <Button className='activation__self-pay' fill='outline' type='primary' block onClick={() => void leaveTo(returnTo ? withQuery(returnTo, { selfPay: '1' }) : null)}>
            继续自费支付
          </Button>
        ) : null}
        <Button className='activation__back' block onClick={() => void leaveTo(returnTo)}>
          返回
        </Button>
      </View>
    </View>
  );
}
