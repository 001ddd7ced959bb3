import { createTaroStorage } from './taroStorage';
import type { Platform } from './types';

export const platform: Platform = {
  name: 'alipay',
  label: '支付宝小程序',
  // Mini-programs have no origin: requests need the absolute BFF address (client/.env.*).
  apiBase: process.env.TARO_APP_API_BASE ?? '',
  storage: createTaroStorage(),
  patientSignIn: { key: 'alipay', accountName: '支付宝', label: '支付宝快捷登录' },
};
