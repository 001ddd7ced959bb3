import { createTaroStorage } from './taroStorage';
import type { Platform } from './types';

export const platform: Platform = {
  name: 'weapp',
  label: '微信小程序',
  // Mini-programs have no origin: requests need the absolute BFF address (client/.env.*).
  apiBase: process.env.TARO_APP_API_BASE ?? '',
  storage: createTaroStorage(),
  patientSignIn: { key: 'wechat', accountName: '微信', label: '微信快捷登录' },
};
