import Taro from '@tarojs/taro';
import { isTabUrl } from '../routes';

/** Opens a page: tab pages need switchTab, the others navigateTo (all three targets). */
export function openPage(url: string): Promise<unknown> {
  const go = isTabUrl(url) ? Taro.switchTab({ url }) : Taro.navigateTo({ url });
  return Promise.resolve(go).catch((e: unknown) => {
    console.warn('[nav] failed to open', url, e);
    void Taro.showToast({ title: '页面打开失败，请稍后重试', icon: 'none' });
  });
}
