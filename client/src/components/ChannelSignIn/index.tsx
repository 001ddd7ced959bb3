import { useEffect, useRef, useState } from 'react';
import Taro from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { messageForCode, type ChannelLoginResponse } from '@ih/contract';
import { platform } from '../../platform';
import { leaveTo, returnToParam, routeParam } from '../Voucher';
import { nationalAppHandoff, signInWithChannel } from '../../services/channelAuth';
import { isApiError } from '../../services/request';
import { Button, Loading } from '../nut';
import './index.scss';

type State =
  | { kind: 'idle' }
  | { kind: 'busy'; text: string }
  | { kind: 'error'; message: string; requestId?: string }
  | { kind: 'cancelled' };

function errorState(e: unknown): State {
  if (isApiError(e)) return { kind: 'error', message: e.message, requestId: e.requestId };
  const msg = String((e as { errMsg?: unknown; errorMessage?: unknown })?.errMsg ?? (e as { errorMessage?: unknown })?.errorMessage ?? '');
  if (/cancel|取消/i.test(msg)) return { kind: 'cancelled' };
  return { kind: 'error', message: `${platform.patientSignIn?.accountName ?? ''}登录失败，请稍后重试` };
}

/**
 * 患者登录 with the account of the app the patient is in: WeChat (wx.login), Alipay
 * (my.getAuthCode), or the national insurance APP (H5: its authorization page, then back here with
 * a one-time `handoff` code, or `error` / `cancelled`). On success: back to `returnTo`, or to where
 * the user came from.
 */
export function ChannelSignIn() {
  const channel = platform.patientSignIn;
  const [state, setState] = useState<State>({ kind: 'idle' });
  const handled = useRef(false);

  function done(body: ChannelLoginResponse) {
    void Taro.showToast({ title: '登录成功', icon: 'success' });
    void leaveTo(body.returnTo ?? returnToParam() ?? null);
  }

  // Back from the national APP (H5): ?handoff=… | ?error=CODE | ?cancelled=1
  useEffect(() => {
    if (handled.current) return;
    handled.current = true;
    const handoff = routeParam('handoff');
    const error = routeParam('error');
    if (handoff) {
      setState({ kind: 'busy', text: '正在登录…' });
      nationalAppHandoff(handoff).then(done, (e: unknown) => setState(errorState(e)));
    } else if (error) {
      setState({ kind: 'error', message: messageForCode(error) });
    } else if (routeParam('cancelled')) {
      setState({ kind: 'cancelled' });
    }
  }, []);

  if (!channel) return null;

  async function signIn() {
    if (state.kind === 'busy') return;
    setState({ kind: 'busy', text: platform.name === 'h5' ? '正在打开国家医保服务平台 APP 授权页…' : '正在登录…' });
    try {
      const r = await signInWithChannel(returnToParam() ?? null);
      if (r !== 'redirected') done(r);
    } catch (e) {
      setState(errorState(e));
    }
  }

  return (
    <View className={`login__section login__channel login__channel--${channel.key} channel-sign-in channel-sign-in--${state.kind}`}>
      <View className='login__section-head'>
        <Text className='login__section-title'>患者登录</Text>
      </View>
      <Button className='login__channel-button' type='primary' block loading={state.kind === 'busy'} disabled={state.kind === 'busy'} onClick={() => void signIn()}>
        {channel.label}
      </Button>
      {state.kind === 'busy' ? (
        <View className='channel-sign-in__busy'>
          <Loading type='circular' />
          <Text className='login__note'>{state.text}</Text>
        </View>
      ) : null}
      {state.kind === 'error' ? (
        <View className='channel-sign-in__error' role='alert'>
          <Text className='channel-sign-in__error-text'>{state.message}</Text>
          {state.requestId ? <Text className='login__note'>错误编号：{state.requestId}</Text> : null}
        </View>
      ) : null}
      {state.kind === 'cancelled' ? <Text className='login__note channel-sign-in__cancelled'>您已取消登录授权，可重新登录。</Text> : null}
      <Text className='login__note'>
        使用{channel.accountName}账号登录。首次登录将自动创建账号；在线使用医保支付前，还需授权本人的医保电子凭证。
      </Text>
    </View>
  );
}

export default ChannelSignIn;
