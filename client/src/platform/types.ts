/**
 * What differs between the three targets, behind one interface. Pages import `platform` from
 * '../platform' (or the right number of ../); Taro picks index.weapp.ts / index.alipay.ts /
 * index.h5.ts for the build target, so pages never branch on process.env.TARO_ENV.
 * Only what the app uses today lives here; login codes, payment and e-voucher channels are
 * added by the issues that build them.
 */
export type PlatformName = 'weapp' | 'alipay' | 'h5';

/** String key-value storage that never throws (a full or disabled storage is not fatal). */
export interface KeyValueStorage {
  get(key: string): string | null;
  set(key: string, value: string): void;
  remove(key: string): void;
}

/** How a patient signs in on this build (the channel's own account; wired by the identity issue). */
export interface PatientSignInChannel {
  readonly key: 'wechat' | 'alipay' | 'nhsa_app';
  /** The account the patient uses: 微信 / 支付宝 / 国家医保服务平台 APP. */
  readonly accountName: string;
  /** Button text once the channel is live. */
  readonly label: string;
}

export interface Platform {
  readonly name: PlatformName;
  /** Shown to the user, e.g. on 「我的」: 微信小程序 / 支付宝小程序 / 网页版. */
  readonly label: string;
  /** Origin of the BFF ('' = same origin); request paths are appended to it. */
  readonly apiBase: string;
  readonly storage: KeyValueStorage;
  /** The patient sign-in channel this build has (null: none; staff sign in by password everywhere). */
  readonly patientSignIn: PatientSignInChannel | null;
}
