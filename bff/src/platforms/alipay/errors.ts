/**
 * Alipay's answer codes → typed PlatformErrors (kind + code = sub_code) and the contract error
 * code users see. Kinds: isp.* / 20000 / ACQ.SYSTEM_ERROR → unavailable (transient; for a write the
 * outcome is unknown: query before doing anything else); everything else → rejected (the request
 * was refused and nothing happened). Signature problems on Alipay's answers are `signature`.
 */
import type { ErrorCode } from '@ih/contract';
import { PlatformError } from '../http';

export const ALIPAY = 'alipay';

/** sub_code → contract error code (Chinese message in @ih/contract). */
const USER_CODES: Record<string, ErrorCode> = {
  'ACQ.TRADE_NOT_EXIST': 'PAYMENT_ORDER_CLOSED',
  'ACQ.TRADE_HAS_CLOSE': 'PAYMENT_ORDER_CLOSED',
  'ACQ.TRADE_HAS_SUCCESS': 'PAYMENT_ALREADY_PAID',
  'ACQ.CONTEXT_INCONSISTENT': 'CONFLICT',
  'ACQ.REFUND_AMT_NOT_EQUAL_TOTAL': 'PAYMENT_REFUND_REJECTED',
  'ACQ.SELLER_BALANCE_NOT_ENOUGH': 'PAYMENT_REFUND_REJECTED',
  'aop.invalid-auth-token': 'ALIPAY_LOGIN_FAILED',
  'aop.auth-token-time-out': 'ALIPAY_LOGIN_FAILED',
  'isv.code-invalid': 'ALIPAY_LOGIN_FAILED',
  'isv.refresh-token-invalid': 'ALIPAY_LOGIN_FAILED',
  MEDICAL_AUTH_REFUSED: 'INSURANCE_AUTH_INVALID',
  AMOUNT_MISMATCH: 'PAYMENT_AMOUNT_MISMATCH',
};

/** The contract error code for an Alipay failure (what the user is told). */
export function alipayErrorCode(err: PlatformError): ErrorCode {
  if (err.code && USER_CODES[err.code]) return USER_CODES[err.code]!;
  if (err.code === 'ACQ.TRADE_STATUS_ERROR') return err.operation === 'alipay.trade.refund' ? 'PAYMENT_REFUND_REJECTED' : 'CONFLICT';
  if (err.kind === 'timeout') return 'UPSTREAM_TIMEOUT';
  // unavailable, signature, bad_response and refusals caused by our configuration (isv.invalid-signature…)
  return 'UPSTREAM_UNAVAILABLE';
}

export interface AlipayAnswer {
  code?: string;
  msg?: string;
  sub_code?: string;
  sub_msg?: string;
  [k: string]: unknown;
}

/** Alipay answered but not with 10000: the typed error. */
export function answerError(operation: string, answer: AlipayAnswer, isWrite: boolean): PlatformError {
  const sub = answer.sub_code ?? answer.code ?? 'UNKNOWN';
  const transient = answer.code === '20000' || sub.startsWith('isp.') || sub === 'ACQ.SYSTEM_ERROR';
  return new PlatformError({
    platform: ALIPAY,
    operation,
    kind: transient ? 'unavailable' : 'rejected',
    code: sub,
    // sub_msg may quote request values (isv.invalid-signature echoes the sign string): keep it out.
    message: `alipay ${operation}: ${answer.code ?? '?'} ${answer.msg ?? ''} (${sub})`,
    retryable: transient,
    outcomeUnknown: transient && isWrite,
  });
}
