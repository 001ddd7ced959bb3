import Taro from '@tarojs/taro';
import type { InsuranceAuthReturn, WechatIdentity } from './identity.types';

/** Scene of "back from another mini-program". */
export const SCENE_BACK_FROM_MINI_PROGRAM = 1038;

interface ShowOptions {
  scene?: number;
  referrerInfo?: { appId?: string; extraData?: Record<string, unknown> | null };
}

let lastReturn: { appId: string; ret: InsuranceAuthReturn } | null = null;
/** Codes already handed out (the enter options keep the last return until the next one). */
const taken = new Set<string>();

function authCodeOf(extra: Record<string, unknown> | null | undefined): string | undefined {
  const v = extra?.authCode ?? extra?.auth_code;
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** App onShow (every return to the foreground): remember what the insurance auth mini-program sent back. */
export function recordAppShow(options: ShowOptions | undefined): void {
  if (!options || options.scene !== SCENE_BACK_FROM_MINI_PROGRAM || !options.referrerInfo?.appId) return;
  const authCode = authCodeOf(options.referrerInfo.extraData);
  lastReturn = { appId: options.referrerInfo.appId, ret: authCode ? { authCode } : {} };
}

try {
  Taro.onAppShow?.((options) => recordAppShow(options as ShowOptions));
} catch (e) {
  console.warn('[identity] onAppShow unavailable', e);
}

export const identity: WechatIdentity = {
  kind: 'wechat',

  async getLoginCode() {
    const res = await Taro.login();
    if (!res.code) throw new Error('wx.login returned no code');
    return res.code;
  },

  async openInsuranceAuth(launch) {
    lastReturn = null;
    try {
      // path exactly as the BFF built it (orgChnlCrtfCodg is not URL-encoded).
      await Taro.navigateToMiniProgram({ appId: launch.appId, path: launch.path, envVersion: launch.envVersion });
      return 'opened';
    } catch (e) {
      const msg = String((e as { errMsg?: unknown })?.errMsg ?? '');
      if (/cancel/i.test(msg)) return 'cancelled';
      throw e;
    }
  },

  takeInsuranceAuthReturn(appId) {
    let found: InsuranceAuthReturn | null = null;
    if (lastReturn && lastReturn.appId === appId) {
      found = lastReturn.ret;
    } else {
      // Started again by the return (cold start): the enter options carry it.
      try {
        const enter = Taro.getEnterOptionsSync?.() as ShowOptions | undefined;
        if (enter?.scene === SCENE_BACK_FROM_MINI_PROGRAM && enter.referrerInfo?.appId === appId) {
          const authCode = authCodeOf(enter.referrerInfo.extraData);
          found = authCode ? { authCode } : {};
        }
      } catch {
        /* not available: nothing came back */
      }
    }
    lastReturn = null;
    if (found?.authCode) {
      if (taken.has(found.authCode)) return null;
      taken.add(found.authCode);
    }
    return found;
  },
};
