/**
 * Channel failures → the contract codes users see, for the sign-in and the authorization calls.
 * Platform messages are never passed on (they may quote request values); the cause is kept for
 * the server log, which serializes it safely.
 */
import { isErrorCode, type ErrorCode } from '@ih/contract';
import { AppError } from '../../lib/errors';
import { PlatformError } from '../../platforms/http';
import { WechatError } from '../../platforms/wechat';
import { alipayErrorCode } from '../../platforms/alipay';
import { nationalAppErrorCode } from '../../platforms/national-app';

function generic(err: PlatformError): ErrorCode {
  return err.kind === 'timeout' ? 'UPSTREAM_TIMEOUT' : 'UPSTREAM_UNAVAILABLE';
}

function wrap(code: ErrorCode, err: unknown): AppError {
  return new AppError(code, { cause: err });
}

// ── WeChat ───────────────────────────────────────────────────────────────────────────────────
export function wechatLoginError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (err instanceof WechatError) {
    switch (err.reason) {
      case 'LOGIN_CODE_INVALID':
        return wrap('LOGIN_CODE_EXPIRED', err);
      case 'LOGIN_CODE_USED':
        return wrap('LOGIN_CODE_USED', err);
      case 'LOGIN_RISKY_USER':
        return wrap('WECHAT_LOGIN_FAILED', err);
      default:
        return wrap(generic(err), err);
    }
  }
  if (err instanceof PlatformError) return wrap(generic(err), err);
  return wrap('INTERNAL', err);
}

export function wechatVoucherError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (err instanceof WechatError) {
    switch (err.reason) {
      case 'AUTH_CODE_EXPIRED':
        return wrap('INSURANCE_AUTH_CODE_EXPIRED', err);
      case 'AUTH_CODE_USED':
        return wrap('INSURANCE_AUTH_CODE_USED', err);
      default:
        return wrap(isErrorCode(err.userCode) ? err.userCode : generic(err), err);
    }
  }
  if (err instanceof PlatformError) return wrap(generic(err), err);
  return wrap('INTERNAL', err);
}

// ── Alipay ───────────────────────────────────────────────────────────────────────────────────
/** alipay.system.oauth.token: Alipay answers isv.code-invalid for unknown, expired and used codes alike. */
export function alipayCodeError(err: unknown, use: 'login' | 'voucher'): AppError {
  if (err instanceof AppError) return err;
  if (err instanceof PlatformError) {
    if (err.code === 'isv.code-invalid') return wrap(use === 'login' ? 'LOGIN_CODE_EXPIRED' : 'INSURANCE_AUTH_CODE_EXPIRED', err);
    const code = alipayErrorCode(err);
    return wrap(use === 'voucher' && code === 'ALIPAY_LOGIN_FAILED' ? 'INSURANCE_AUTH_INVALID' : code, err);
  }
  return wrap('INTERNAL', err);
}

export function alipayVoucherError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (err instanceof PlatformError) {
    const code = alipayErrorCode(err);
    // The access token behind the query expired: the user authorizes again.
    return wrap(code === 'ALIPAY_LOGIN_FAILED' ? 'INSURANCE_AUTH_INVALID' : code, err);
  }
  return wrap('INTERNAL', err);
}

// ── national APP ─────────────────────────────────────────────────────────────────────────────
/**
 * authCode exchange answers (INF, the mock's): 1001 code invalid/expired, 1002 code used,
 * 1007 the APP refused the voucher (not activated / not usable) — the user is led to activation.
 */
export function nationalAppExchangeError(err: unknown, use: 'login' | 'voucher'): AppError {
  if (err instanceof AppError) return err;
  if (err instanceof PlatformError) {
    if (err.code === '1001') return wrap(use === 'login' ? 'LOGIN_CODE_EXPIRED' : 'INSURANCE_AUTH_CODE_EXPIRED', err);
    if (err.code === '1002') return wrap(use === 'login' ? 'LOGIN_CODE_USED' : 'INSURANCE_AUTH_CODE_USED', err);
    if (err.code === '1007') return wrap('INSURANCE_VOUCHER_NOT_ACTIVATED', err);
    return wrap(nationalAppErrorCode(err), err);
  }
  return wrap('INTERNAL', err);
}
