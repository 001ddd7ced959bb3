import { useState } from 'react';
import Taro from '@tarojs/taro';
import { Button } from '../../components/nut';
import { URLS } from '../../routes';
import { logout } from '../../services/auth';

/** 退出登录: ends this session (here; the BFF too) and opens the staff sign-in. */
export function SignOut() {
  const [busy, setBusy] = useState(false);
  async function signOut() {
    if (busy) return;
    setBusy(true);
    try {
      await logout({ silent: true });
      void Taro.showToast({ title: '已退出登录', icon: 'success' });
    } catch {
      // Forgotten on this device in any case; the server session ends by itself.
      void Taro.showToast({ title: '已在本机退出登录', icon: 'none' });
    } finally {
      setBusy(false);
    }
    await Promise.resolve(Taro.redirectTo({ url: URLS.staffLogin })).catch(() => undefined);
  }
  return (
    <Button className='workspace__signout' size='small' fill='outline' disabled={busy} onClick={() => void signOut()}>
      退出登录
    </Button>
  );
}
