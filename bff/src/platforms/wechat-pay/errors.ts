/**
 * Typed failures of WeChat Pay v3 calls and callbacks.
 *
 * WeChat Pay answers errors as HTTP 4xx/5xx with `{code, message}`; for the medical-insurance
 * products the precise numeric error code is the suffix of the Request-ID header
 * (`…-268545961`). Both are kept; `reason` is what the BFF switches on and `userCode` is the
 * contract error code whose Chinese message users see.
 */
import { PlatformError, type PlatformErrorKind } from '../http';

export type WechatPayErrorReason =
  | 'ID_DIGEST_MISMATCH' // 268545961
  | 'NAME_MISMATCH' // 268545962
  | 'VOUCHER_NOT_BOUND' // 268545963
  | 'RELATIVE_NOT_FOUND' // 268545964
  | 'PAY_AUTH_NO_INVALID' // 268547120 / 268545967
  | 'SETTLEMENT_CHECK_FAILED' // 268510610
  | 'AMOUNT_RULE' // 268529477 / 268529476 / 268529481: our amounts broke an identity (a bug)
  | 'FIELD_RULE' // 268529474 / 268529475: fields not allowed for the mix_pay_type (a bug)
  | 'OPENID_MISMATCH' // 268510603: appid/openid do not belong together (config)
  | 'ORDER_NOT_EXIST' // 404 ORDER_NOT_EXIST / RESOURCE_NOT_EXISTS / 268529515
  | 'ALREADY_EXISTS' // 268512536 / out_trade_no reused
  | 'ORDER_PAID' // ORDERPAID
  | 'ORDER_CLOSED'
  | 'BUSINESS_RULE' // INVALID_REQUEST without a specific errno: well-formed but against a rule (e.g. refund above the refundable amount)
  | 'PARAM_ERROR' // PARAM_ERROR / 268435461 (a bug on our side)
  | 'SIGN_ERROR' // 401: WeChat Pay refused our signature (keys, serial, clock)
  | 'NO_AUTH' // 403: product not enabled for the merchant
  | 'PLATFORM_ERROR';

export const WECHAT_PAY_ERRNO: Record<number, WechatPayErrorReason> = {
  268545961: 'ID_DIGEST_MISMATCH',
  268545962: 'NAME_MISMATCH',
  268545963: 'VOUCHER_NOT_BOUND',
  268545964: 'RELATIVE_NOT_FOUND',
  268547120: 'PAY_AUTH_NO_INVALID',
  268545967: 'PAY_AUTH_NO_INVALID',
  268510610: 'SETTLEMENT_CHECK_FAILED',
  268529477: 'AMOUNT_RULE',
  268529476: 'AMOUNT_RULE',
  268529481: 'AMOUNT_RULE',
  268529474: 'FIELD_RULE',
  268529475: 'FIELD_RULE',
  268510603: 'OPENID_MISMATCH',
  268529515: 'ORDER_NOT_EXIST',
  268512536: 'ALREADY_EXISTS',
  268435461: 'PARAM_ERROR',
};

const BODY_CODES: Record<string, WechatPayErrorReason> = {
  PARAM_ERROR: 'PARAM_ERROR',
  INVALID_REQUEST: 'BUSINESS_RULE',
  NOT_ENOUGH: 'BUSINESS_RULE',
  SIGN_ERROR: 'SIGN_ERROR',
  NO_AUTH: 'NO_AUTH',
  ORDER_NOT_EXIST: 'ORDER_NOT_EXIST',
  RESOURCE_NOT_EXISTS: 'ORDER_NOT_EXIST',
  NOT_FOUND: 'ORDER_NOT_EXIST',
  ALREADY_EXISTS: 'ALREADY_EXISTS',
  OUT_TRADE_NO_USED: 'ALREADY_EXISTS',
  ORDERPAID: 'ORDER_PAID',
  ORDER_CLOSED: 'ORDER_CLOSED',
  RULE_LIMIT: 'AMOUNT_RULE',
};

/** reason → contract error code (Chinese message for users). */
export const WECHAT_PAY_USER_CODES: Record<WechatPayErrorReason, string> = {
  ID_DIGEST_MISMATCH: 'INSURANCE_IDENTITY_MISMATCH',
  NAME_MISMATCH: 'INSURANCE_IDENTITY_MISMATCH',
  VOUCHER_NOT_BOUND: 'INSURANCE_VOUCHER_NOT_ACTIVATED',
  RELATIVE_NOT_FOUND: 'INSURANCE_FAMILY_NOT_BOUND',
  PAY_AUTH_NO_INVALID: 'INSURANCE_AUTH_INVALID',
  SETTLEMENT_CHECK_FAILED: 'INSURANCE_SETTLEMENT_FAILED',
  AMOUNT_RULE: 'PAYMENT_AMOUNT_MISMATCH',
  FIELD_RULE: 'INTERNAL',
  OPENID_MISMATCH: 'UPSTREAM_UNAVAILABLE',
  ORDER_NOT_EXIST: 'NOT_FOUND',
  ALREADY_EXISTS: 'CONFLICT',
  ORDER_PAID: 'CONFLICT',
  ORDER_CLOSED: 'CONFLICT',
  BUSINESS_RULE: 'CONFLICT',
  PARAM_ERROR: 'INTERNAL',
  SIGN_ERROR: 'UPSTREAM_UNAVAILABLE',
  NO_AUTH: 'UPSTREAM_UNAVAILABLE',
  PLATFORM_ERROR: 'UPSTREAM_UNAVAILABLE',
};

export class WechatPayError extends PlatformError {
  readonly reason: WechatPayErrorReason;
  /** WeChat Pay's body code, e.g. "INVALID_REQUEST". */
  readonly wxCode?: string;
  /** Numeric code from the Request-ID suffix, e.g. 268545961. */
  readonly errno?: number;
  readonly requestId?: string;
  readonly userCode: string;

  constructor(init: { reason: WechatPayErrorReason; operation: string; httpStatus?: number; wxCode?: string; errno?: number; requestId?: string; message: string; kind?: PlatformErrorKind }) {
    super({
      platform: 'wechat-pay',
      kind: init.kind ?? 'rejected',
      code: init.errno ? String(init.errno) : (init.wxCode ?? init.reason),
      message: init.message,
      operation: init.operation,
      retryable: false,
      ...(init.httpStatus !== undefined ? { httpStatus: init.httpStatus } : {}),
    });
    this.name = 'WechatPayError';
    this.reason = init.reason;
    if (init.wxCode !== undefined) this.wxCode = init.wxCode;
    if (init.errno !== undefined) this.errno = init.errno;
    if (init.requestId !== undefined) this.requestId = init.requestId;
    this.userCode = WECHAT_PAY_USER_CODES[init.reason];
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), reason: this.reason, wxCode: this.wxCode, errno: this.errno, requestId: this.requestId };
  }
}

/** Builds the typed error from a 4xx answer (body `{code, message}`, errno in Request-ID). */
export function wechatPayErrorFrom(operation: string, status: number, headers: Headers, text: string): WechatPayError {
  let body: { code?: unknown; message?: unknown } = {};
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    /* not JSON: keep the status */
  }
  const requestId = headers.get('request-id') ?? undefined;
  const m = requestId ? /-(\d{6,})$/.exec(requestId) : null;
  const errno = m ? Number(m[1]) : undefined;
  const wxCode = typeof body.code === 'string' ? body.code : undefined;
  let reason: WechatPayErrorReason = (errno !== undefined ? WECHAT_PAY_ERRNO[errno] : undefined) ?? (wxCode ? BODY_CODES[wxCode] : undefined) ?? 'PLATFORM_ERROR';
  if (status === 401 && reason === 'PLATFORM_ERROR') reason = 'SIGN_ERROR';
  if (status === 404 && reason === 'PLATFORM_ERROR') reason = 'ORDER_NOT_EXIST';
  // The platform's message describes the field that failed; it never contains our payload.
  const message = typeof body.message === 'string' ? body.message.slice(0, 200) : `HTTP ${status}`;
  return new WechatPayError({
    reason,
    operation,
    httpStatus: status,
    ...(wxCode ? { wxCode } : {}),
    ...(errno !== undefined ? { errno } : {}),
    ...(requestId ? { requestId } : {}),
    message: `${wxCode ?? 'HTTP_' + status}${errno ? ` (${errno})` : ''}: ${message}`,
  });
}

/** An authentic answer or callback whose amounts differ from the local order (or break an identity). */
export class WechatPayAmountMismatchError extends PlatformError {
  readonly fields: string[];
  readonly userCode = 'PAYMENT_AMOUNT_MISMATCH';
  constructor(operation: string, fields: string[]) {
    super({ platform: 'wechat-pay', kind: 'bad_response', code: 'AMOUNT_MISMATCH', message: `amounts differ from the local order: ${fields.join(', ')}`, operation, retryable: false });
    this.name = 'WechatPayAmountMismatchError';
    this.fields = fields;
  }
}

export type NotifyRejectionReason =
  | 'MISSING_HEADERS'
  | 'SIGNATURE_PROBE' // Wechatpay-Signature starting with WECHATPAY/SIGNTEST/
  | 'UNKNOWN_SERIAL'
  | 'STALE_TIMESTAMP'
  | 'BAD_SIGNATURE'
  | 'REPLAYED_NONCE'
  | 'BAD_BODY'
  | 'DECRYPT_FAILED';

/** A callback that must not be trusted: answer it with a non-2xx status (WeChat Pay retries). */
export class WechatPayNotifyError extends PlatformError {
  readonly reason: NotifyRejectionReason;
  constructor(reason: NotifyRejectionReason, message: string) {
    super({
      platform: 'wechat-pay',
      kind: reason === 'BAD_BODY' || reason === 'DECRYPT_FAILED' ? 'bad_response' : 'signature',
      code: reason,
      message,
      operation: 'notify',
      retryable: false,
    });
    this.name = 'WechatPayNotifyError';
    this.reason = reason;
  }
}
