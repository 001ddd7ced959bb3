import { useRef, useState } from 'react';
import Taro, { useDidShow } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import type { MeResponse } from '@ih/contract';
import { Button, Cell, CellGroup, Tag } from '../../components/nut';
import { useApi } from '../../hooks/useApi';
import { platform } from '../../platform';
import { URLS } from '../../routes';
import { getMe, logout, logoutEverywhere } from '../../services/auth';
import { openPage } from '../../services/nav';
import './index.scss';

function SignedIn({ me }: { me: MeResponse }) {
  const hint = me.staff
    ? [me.staff.hospitalName, me.staff.departmentName, me.staff.title].filter(Boolean).join(' · ')
    : me.patient?.selfNameMasked
      ? `手机号 ${me.patient.phoneMasked ?? '未绑定'}`
      : '授权医保电子凭证后，将自动添加本人为就诊人';
  return (
    <View className='mine__profile mine__profile--signed-in'>
      <View className='mine__avatar' />
      <View className='mine__who'>
        <View className='mine__name-row'>
          <Text className='mine__name'>{me.displayName}</Text>
          <Tag className='mine__role' background='var(--ih-color-primary-light)' color='var(--ih-color-primary)'>
            {me.roleLabel}
          </Tag>
        </View>
        <Text className='mine__hint'>{hint}</Text>
      </View>
    </View>
  );
}

/** 我的: who is signed in (masked), the way to sign in, 就诊人, sign out here or everywhere. */
export default function Mine() {
  const { data: me, loading, error, reload } = useApi(() => getMe({ silent: true }));
  const [busy, setBusy] = useState(false);
  const shownOnce = useRef(false);
  // Back from sign-in or another page: the session may have changed.
  useDidShow(() => {
    if (shownOnce.current) reload();
    shownOnce.current = true;
  });

  async function signOut(everywhere: boolean) {
    if (busy) return;
    if (everywhere) {
      const answer = await Taro.showModal({
        title: '退出所有设备',
        content: '将退出此账号在所有手机和电脑上的登录，需要重新登录后才能继续使用。确定退出吗？',
        confirmText: '全部退出',
        cancelText: '取消',
      });
      if (!answer.confirm) return;
    }
    setBusy(true);
    try {
      await (everywhere ? logoutEverywhere({ silent: true }) : logout({ silent: true }));
      void Taro.showToast({ title: everywhere ? '已退出所有设备' : '已退出登录', icon: 'success' });
    } catch {
      // The session is forgotten here in any case; the server one ends by itself or on next use.
      void Taro.showToast({ title: '已在本机退出登录', icon: 'none' });
    } finally {
      setBusy(false);
      reload();
    }
  }

  const signedIn = !!me;
  const failed = !me && !!error;
  return (
    <View className='page mine'>
      {me ? (
        <SignedIn me={me} />
      ) : (
        <View className={`mine__profile mine__profile--${failed ? 'unknown' : 'signed-out'}`}>
          <View className='mine__avatar' />
          <View className='mine__who'>
            <Text className='mine__name'>{loading ? '正在读取登录状态…' : failed ? '登录状态读取失败' : '未登录'}</Text>
            <Text className='mine__hint'>
              {failed ? `${error.message}` : '登录后可管理就诊人、查看订单，并使用医保在线支付。'}
            </Text>
          </View>
        </View>
      )}

      {!loading && !signedIn ? (
        <View className='mine__actions'>
          {failed ? (
            <Button className='mine__retry' type='primary' block onClick={reload}>
              重新读取
            </Button>
          ) : (
            <Button className='mine__login' type='primary' block onClick={() => void openPage(URLS.login)}>
              登录
            </Button>
          )}
        </View>
      ) : null}

      <CellGroup className='mine__menu'>
        {me?.role === 'PATIENT' ? (
          <Cell className='mine__cell mine__cell--patients' title='就诊人管理' extra='本人及家人' clickable onClick={() => void openPage(URLS.patients)} />
        ) : null}
        {me && me.role !== 'PATIENT' ? (
          <Cell className='mine__cell mine__cell--workspace' title='医生工作台' extra='接诊、审方' clickable onClick={() => void openPage(URLS.doctorWorkspace)} />
        ) : null}
        {!me || me.role === 'PATIENT' ? (
          <>
            <Cell className='mine__cell mine__cell--voucher' title='医保电子凭证' extra='授权状态' clickable onClick={() => void openPage(URLS.voucherStatus)} />
            <Cell className='mine__cell mine__cell--orders' title='我的订单' extra='即将上线' clickable onClick={() => void openPage(URLS.orders)} />
          </>
        ) : null}
        {!me ? (
          <Cell className='mine__cell mine__cell--staff' title='医护人员登录' extra='医生、药师' clickable onClick={() => void openPage(URLS.staffLogin)} />
        ) : null}
        <Cell className='mine__cell mine__cell--platform' title='当前使用' extra={platform.label} />
      </CellGroup>

      {me ? (
        <View className='mine__actions mine__signout'>
          <Button className='mine__logout' block disabled={busy} onClick={() => void signOut(false)}>
            退出登录
          </Button>
          <Button className='mine__logout-all' type='danger' fill='none' block disabled={busy} onClick={() => void signOut(true)}>
            退出所有设备
          </Button>
        </View>
      ) : null}
    </View>
  );
}
