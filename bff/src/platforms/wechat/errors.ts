/**
 * Typed failures of the WeChat login and insurance-authorization calls. Each carries a `reason`
 * the BFF can switch on and the contract error code (Chinese message) it maps to for users.
 */
import { PlatformError, type PlatformErrorKind } from '../http';

export type WechatErrorReason =
  // jscode2session
  | 'LOGIN_CODE_INVALID' // 40029: wrong/expired code → ask the client to call wx.login again
  | 'LOGIN_CODE_USED' // 40163: code already exchanged
  | 'LOGIN_CONFIG' // 40013/40125/40002: our appid/secret are wrong (operations must fix it)
  | 'LOGIN_RISKY_USER' // 40226: WeChat blocked this user for risk
  | 'LOGIN_BUSY' // -1 / 45011: WeChat busy or quota reached
  // mipuserquery/userQuery
  | 'AUTH_CODE_INVALID'
  | 'AUTH_CODE_EXPIRED'
  | 'AUTH_CODE_USED'
  | 'AUTH_CODE_NOT_FOR_USER'
  | 'VOUCHER_NOT_ACTIVATED'
  | 'NOT_INSURED'
  | 'INSURANCE_SUSPENDED' // the center suspended internet insurance payment for this person
  | 'FAMILY_NOT_BOUND' // family authorization for someone not linked to the holder
  | 'PARTNER_AUTH_FAILED' // our HMAC/partner id refused (config or clock)
  | 'PLATFORM_ERROR' // any other platform code
  | 'BAD_ANSWER'; // answer without the fields we need

export class WechatError extends PlatformError {
  readonly reason: WechatErrorReason;
  /** Contract error code (contract/src/errors.ts) whose Chinese message the user should see. */
  readonly userCode: string;

  constructor(init: { reason: WechatErrorReason; kind: PlatformErrorKind; operation: string; platformCode?: string | number; message: string; retryable?: boolean; httpStatus?: number }) {
    super({
      platform: init.operation === 'jscode2session' ? 'wechat' : 'wechat-insurance',
      kind: init.kind,
      code: init.platformCode !== undefined ? String(init.platformCode) : init.reason,
      message: init.message,
      operation: init.operation,
      retryable: init.retryable ?? init.reason === 'LOGIN_BUSY',
      ...(init.httpStatus !== undefined ? { httpStatus: init.httpStatus } : {}),
    });
    this.name = 'WechatError';
    this.reason = init.reason;
    this.userCode = USER_CODES[init.reason];
  }
}

/** reason → contract error code shown to users. */
export const USER_CODES: Record<WechatErrorReason, string> = {
  LOGIN_CODE_INVALID: 'WECHAT_LOGIN_FAILED',
  LOGIN_CODE_USED: 'WECHAT_LOGIN_FAILED',
  LOGIN_CONFIG: 'UPSTREAM_UNAVAILABLE',
  LOGIN_RISKY_USER: 'WECHAT_LOGIN_FAILED',
  LOGIN_BUSY: 'UPSTREAM_UNAVAILABLE',
  AUTH_CODE_INVALID: 'INSURANCE_AUTH_INVALID',
  AUTH_CODE_EXPIRED: 'INSURANCE_AUTH_INVALID',
  AUTH_CODE_USED: 'INSURANCE_AUTH_INVALID',
  AUTH_CODE_NOT_FOR_USER: 'INSURANCE_AUTH_INVALID',
  VOUCHER_NOT_ACTIVATED: 'INSURANCE_VOUCHER_NOT_ACTIVATED',
  NOT_INSURED: 'INSURANCE_NOT_INSURED',
  INSURANCE_SUSPENDED: 'INSURANCE_PAY_SUSPENDED',
  FAMILY_NOT_BOUND: 'INSURANCE_FAMILY_NOT_BOUND',
  PARTNER_AUTH_FAILED: 'UPSTREAM_UNAVAILABLE',
  PLATFORM_ERROR: 'UPSTREAM_UNAVAILABLE',
  BAD_ANSWER: 'UPSTREAM_UNAVAILABLE',
};

export function isWechatError(e: unknown): e is WechatError {
  return e instanceof WechatError;
}
