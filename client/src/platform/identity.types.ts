/**
 * How this build signs a patient in and reaches the e-voucher authorization of its channel.
 * One file per target (identity.weapp.ts / identity.alipay.ts / identity.h5.ts), picked by
 * Taro's multi-platform resolution when importing '…/platform/identity'. Only the platform calls
 * live here; talking to the BFF is services/channelAuth.ts and services/voucherFlow.ts.
 */
import type { WechatVoucherLaunch } from '@ih/contract';

/** What the insurance auth mini-program handed back when the user returned (scene 1038). */
export interface InsuranceAuthReturn {
  /** referrerInfo.extraData.authCode; absent = the user came back without authorizing. */
  authCode?: string;
}

export interface WechatIdentity {
  readonly kind: 'wechat';
  /** Taro.login → the code for POST /auth/wechat/login. */
  getLoginCode(): Promise<string>;
  /**
   * Taro.navigateToMiniProgram to the insurance auth mini-program. 'cancelled' when the user
   * refused the jump (errMsg mentions cancel); other failures throw.
   */
  openInsuranceAuth(launch: WechatVoucherLaunch): Promise<'opened' | 'cancelled'>;
  /**
   * The return from the insurance auth mini-program `appId`, once: recorded by the App's
   * onShow listener (scene 1038, referrerInfo.extraData), or read from the enter options when
   * the app was started again by the return. Null while nothing came back.
   */
  takeInsuranceAuthReturn(appId: string): InsuranceAuthReturn | null;
}

export interface AlipayIdentity {
  readonly kind: 'alipay';
  /** my.getAuthCode({scopes: ['auth_base']}) → POST /auth/alipay/login. */
  getLoginCode(): Promise<string>;
  /** my.getAuthCode({scopes: ['auth_user', 'nhsamp']}); null when the user declines. */
  getVoucherAuthCode(): Promise<string | null>;
  /** Opens Alipay's e-voucher authorization page (auth_url); the app gets onShow when the user comes back. */
  openAuthPage(url: string): Promise<void>;
}

export interface NationalAppIdentity {
  readonly kind: 'nhsa_app';
  /** Leaves the H5 for `url` (the BFF's start address or the APP's authorization page). */
  redirect(url: string): void;
}

export type IdentityBridge = WechatIdentity | AlipayIdentity | NationalAppIdentity;
