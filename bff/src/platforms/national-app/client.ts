/**
 * The BFF's national insurance APP channel adapter:
 * - buildAuthorizeUrl: where the H5 sends the user (APP-hosted authorization page) with a
 *   caller-given `state`; parseAuthorizeReturn checks the state and extracts the code;
 * - exchangeAuthCode: code → payAuthNo + the person, through the channel API in the SM2/SM4
 *   envelope (codes are single use: never retried);
 * - buildCashierUrl / parseCashierReturn: the APP's cashier page for the cash share (the return is
 *   only a hint: settle on a verified notify or a query);
 * - queryCashierOrder / refundCashier: envelope APIs (idempotent: retried);
 * - verifyNotify: the pay notification (envelope, platform signature, freshness, appId).
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import {
  EnvelopeError,
  buildSignString,
  openEnvelope,
  sealRequest,
  sm2SignBase64,
} from '@ih/crypto';
import { fenToYuan, yuanToFen, type ErrorCode } from '@ih/contract';
import { PlatformError, isPlatformError, postJson } from '../http';
import {
  CASHIER_STATUSES,
  type AuthorizeReturn,
  type CashierOrderInfo,
  type CashierOrderInput,
  type CashierStatus,
  type NationalAppAuthorization,
  type NationalAppClientConfig,
  type NationalAppNotifyResult,
} from './types';

export const NATIONAL_APP = 'national-app';
const PATHS = {
  authorize: '/oauth/authorize',
  exchange: '/api/channel/v1/authCode/exchange',
  cashier: '/cashier',
  cashierQuery: '/api/channel/v1/cashier/query',
  cashierRefund: '/api/channel/v1/cashier/refund',
} as const;

/** Answer code → contract error code (Chinese message in @ih/contract). */
const USER_CODES: Record<string, ErrorCode> = {
  '1001': 'INSURANCE_AUTH_INVALID',
  '1002': 'INSURANCE_AUTH_INVALID',
  '1007': 'INSURANCE_AUTH_INVALID',
  '2001': 'PAYMENT_ORDER_CLOSED',
  AMOUNT_MISMATCH: 'PAYMENT_AMOUNT_MISMATCH',
};

/** The contract error code for a national APP channel failure (what the user is told). */
export function nationalAppErrorCode(err: PlatformError): ErrorCode {
  if (err.code && USER_CODES[err.code]) return USER_CODES[err.code]!;
  if (err.code === '2002' || err.code === '2003') return err.operation === 'cashier.refund' ? 'PAYMENT_REFUND_REJECTED' : 'CONFLICT';
  if (err.kind === 'timeout') return 'UPSTREAM_TIMEOUT';
  // 1003–1006 (our credentials, signature, clock), 9999, signature and shape problems
  return 'UPSTREAM_UNAVAILABLE';
}

/** The contract error code for an authorization return that carries no code. */
export function authorizeReturnErrorCode(ret: Exclude<AuthorizeReturn, { ok: true }>): ErrorCode {
  return ret.reason === 'cancelled' ? 'INSURANCE_AUTH_CANCELLED' : 'INSURANCE_AUTH_INVALID';
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function bad(operation: string, message: string, code = 'BAD_RESPONSE'): PlatformError {
  return new PlatformError({ platform: NATIONAL_APP, operation, kind: 'bad_response', code, message: `national-app ${operation}: ${message}`, retryable: false });
}

export class NationalAppClient {
  private readonly base: string;

  constructor(private readonly cfg: NationalAppClientConfig) {
    this.base = cfg.baseUrl.replace(/\/+$/, '');
    if (cfg.orgAppId.length < 16) throw new RangeError('NATIONAL_APP_ORG_APP_ID must be at least 16 characters (SM4 key derivation)');
  }

  private get envKeys() {
    return { appId: this.cfg.orgAppId, appSecret: this.cfg.appSecret, ...(this.cfg.sm2UserId !== undefined ? { sm2UserId: this.cfg.sm2UserId } : {}) };
  }

  // ── authorization ───────────────────────────────────────────────────────────────────────────
  /** A fresh, unguessable state for one authorization round trip (store it with the order). */
  static newState(): string {
    return randomBytes(16).toString('hex');
  }

  /** The APP-hosted authorization page, returning to redirectUrl with authCode + state. */
  buildAuthorizeUrl(input: { redirectUrl: string; state: string; bizType?: '04107' | '04106' }): string {
    if (!input.state) throw new RangeError('state is required');
    const u = new URL(`${this.base}${PATHS.authorize}`);
    u.searchParams.set('orgAppId', this.cfg.orgAppId);
    u.searchParams.set('orgChnlCrtfCodg', this.cfg.orgChnlCrtfCodg);
    u.searchParams.set('orgCodg', this.cfg.orgCodg);
    u.searchParams.set('bizType', input.bizType ?? '04107');
    u.searchParams.set('redirectUrl', input.redirectUrl);
    u.searchParams.set('state', input.state);
    return u.toString();
  }

  /** Reads the redirect back from the authorization page: state must be ours, a cancel has no code. */
  parseAuthorizeReturn(query: Record<string, unknown>, expectedState: string): AuthorizeReturn {
    const get = (k: string) => {
      const v = query[k];
      return typeof v === 'string' ? v : Array.isArray(v) && typeof v[0] === 'string' ? v[0] : undefined;
    };
    const state = get('state');
    if (!state || !expectedState || !safeEqual(state, expectedState)) return { ok: false, reason: 'state_mismatch', message: '授权结果与当前订单不匹配，请重新发起授权' };
    const error = get('error');
    if (error === 'access_denied') return { ok: false, reason: 'cancelled', message: '您已取消医保授权，可返回订单重新授权' };
    if (error) return { ok: false, reason: 'error', message: '医保授权未完成，请重新发起授权' };
    const code = get('authCode');
    if (!code) return { ok: false, reason: 'missing_code', message: '医保授权未完成，请重新发起授权' };
    return { ok: true, authCode: code };
  }

  /** authCode → payAuthNo + person. Single use: a timeout means authorizing again (never resent). */
  async exchangeAuthCode(authCode: string, bizType: '04107' | '04106' = '04107'): Promise<NationalAppAuthorization> {
    const op = 'authCode.exchange';
    const data = await this.call<Record<string, unknown>>(op, PATHS.exchange, { authCode, orgCodg: this.cfg.orgCodg, orgChnlCrtfCodg: this.cfg.orgChnlCrtfCodg, bizType }, false);
    const str = (k: string) => (typeof data[k] === 'string' && data[k] !== '' ? (data[k] as string) : undefined);
    const name = str('psnName');
    const idNo = str('certno');
    const admdvs = str('insuplcAdmdvs');
    if (!name || !idNo || !admdvs) throw bad(op, 'person fields missing');
    const relsPayFlag = str('relsPayFlag') ?? '0';
    if (relsPayFlag !== '0' && relsPayFlag !== '1') throw bad(op, 'unknown relsPayFlag');
    const auth: NationalAppAuthorization = {
      bizType,
      person: { name, idNo: idNo.toUpperCase(), idType: str('psnCertType') ?? '01', insuplcAdmdvs: admdvs },
      family: relsPayFlag === '1',
      ...(relsPayFlag === '1' && str('relsPayUserName') ? { relsPayUserName: str('relsPayUserName') } : {}),
    };
    if (bizType === '04107') {
      const payAuthNo = str('payAuthNo');
      if (!payAuthNo) throw bad(op, 'payAuthNo missing for 04107');
      const expiresIn = Number(data.expiresIn);
      auth.expiresAt = Date.now() + (Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn : 300) * 1000;
      Object.defineProperty(auth, 'payAuthNo', { value: payAuthNo, enumerable: false });
    }
    return auth;
  }

  // ── cashier ─────────────────────────────────────────────────────────────────────────────────
  /** The APP cashier page for the cash share; the link is signed (SM2) and expires (maxAge on the APP side). */
  buildCashierUrl(input: CashierOrderInput, now: number = Date.now()): string {
    if (!Number.isSafeInteger(input.totalFen) || input.totalFen < 0 || (input.totalFen === 0 && !input.payOrdId)) throw new RangeError('totalFen must be a positive integer (0 only with payOrdId)');
    const fields: { appId: string; timestamp: string } & Record<string, string> = {
      appId: this.cfg.orgAppId,
      outTradeNo: input.outTradeNo,
      totalAmount: fenToYuan(input.totalFen),
      subject: input.subject,
      notifyUrl: input.notifyUrl,
      returnUrl: input.returnUrl,
      timestamp: String(now),
      nonceStr: randomBytes(8).toString('hex'),
      ...(input.payOrdId ? { payOrdId: input.payOrdId } : {}),
    };
    const signData = sm2SignBase64(buildSignString(fields, this.cfg.appSecret), this.cfg.orgPrivateKey, { userId: this.cfg.sm2UserId ?? this.cfg.appSecret });
    const u = new URL(`${this.base}${PATHS.cashier}`);
    for (const [k, v] of Object.entries(fields)) u.searchParams.set(k, v);
    u.searchParams.set('signData', signData);
    return u.toString();
  }

  /** The cashier's redirect back. Unsigned: a hint for the page only; confirm with a query or notify. */
  parseCashierReturn(query: Record<string, unknown>): { outTradeNo?: string; hint: 'SUCCESS' | 'CANCEL' | 'UNKNOWN' } {
    const outTradeNo = typeof query.outTradeNo === 'string' ? query.outTradeNo : undefined;
    const s = query.payStatus;
    return { ...(outTradeNo ? { outTradeNo } : {}), hint: s === 'SUCCESS' ? 'SUCCESS' : s === 'CANCEL' ? 'CANCEL' : 'UNKNOWN' };
  }

  async queryCashierOrder(outTradeNo: string, opts: { expectedTotalFen?: number } = {}): Promise<CashierOrderInfo> {
    const op = 'cashier.query';
    const d = await this.call<Record<string, unknown>>(op, PATHS.cashierQuery, { outTradeNo }, true);
    if (d.outTradeNo !== outTradeNo || typeof d.tradeNo !== 'string') throw bad(op, 'outTradeNo/tradeNo do not match');
    const status = d.payStatus as CashierStatus;
    if (!CASHIER_STATUSES.includes(status)) throw bad(op, 'unknown payStatus', 'UNKNOWN_STATUS');
    let totalFen: number;
    let refundFen: number;
    try {
      totalFen = yuanToFen(String(d.totalAmount));
      refundFen = d.refundAmount === undefined ? 0 : yuanToFen(String(d.refundAmount));
    } catch {
      throw bad(op, 'amount malformed', 'BAD_AMOUNT');
    }
    if (opts.expectedTotalFen !== undefined && totalFen !== opts.expectedTotalFen) {
      throw new PlatformError({ platform: NATIONAL_APP, operation: op, kind: 'bad_response', code: 'AMOUNT_MISMATCH', message: 'national-app cashier.query: totalAmount differs from the order', retryable: false });
    }
    return { outTradeNo, tradeNo: d.tradeNo, status, totalFen, refundFen, ...(typeof d.payTime === 'string' ? { payTime: d.payTime } : {}) };
  }

  /** Refund of the cash share, idempotent by outRefundNo (retried on timeouts). */
  async refundCashier(input: { outTradeNo: string; outRefundNo: string; refundFen: number; reason?: string }): Promise<{ outRefundNo: string; refundFen: number; totalRefundedFen: number }> {
    const op = 'cashier.refund';
    if (!Number.isSafeInteger(input.refundFen) || input.refundFen <= 0) throw new RangeError('refundFen must be a positive integer');
    const d = await this.call<Record<string, unknown>>(op, PATHS.cashierRefund, { outTradeNo: input.outTradeNo, outRefundNo: input.outRefundNo, refundAmount: fenToYuan(input.refundFen), ...(input.reason ? { reason: input.reason } : {}) }, true);
    if (d.outRefundNo !== input.outRefundNo || d.refundStatus !== 'SUCCESS') throw bad(op, 'refund not confirmed');
    let refundFen: number;
    let total: number;
    try {
      refundFen = yuanToFen(String(d.refundAmount));
      total = yuanToFen(String(d.totalRefundAmount));
    } catch {
      throw bad(op, 'amount malformed', 'BAD_AMOUNT');
    }
    if (refundFen !== input.refundFen || total < refundFen) {
      throw new PlatformError({ platform: NATIONAL_APP, operation: op, kind: 'bad_response', code: 'AMOUNT_MISMATCH', message: 'national-app cashier.refund: refundAmount differs from the request', retryable: false });
    }
    return { outRefundNo: input.outRefundNo, refundFen, totalRefundedFen: total };
  }

  // ── notifications ───────────────────────────────────────────────────────────────────────────
  /**
   * Verifies a pay notification (JSON envelope, raw body or parsed object): appId, platform SM2
   * signature, timestamp within maxAgeMs, payload shape. Compare the amount with the order before
   * acting (checkCashierNotifyAgainstOrder). Answer with nationalAppNotifyAck.
   */
  verifyNotify(body: string | unknown, now: number = Date.now()): NationalAppNotifyResult {
    let env: unknown = body;
    if (typeof body === 'string') {
      try {
        env = JSON.parse(body);
      } catch {
        return { ok: false, reason: 'malformed', message: 'body is not JSON' };
      }
    }
    let opened;
    try {
      opened = openEnvelope<Record<string, unknown>>(env, { ...this.envKeys, publicKey: this.cfg.platformPublicKey, maxAgeMs: this.cfg.maxAgeMs, now: () => now, ...(this.cfg.timestampFormat ? { timestampFormat: this.cfg.timestampFormat } : {}) });
    } catch (e) {
      const code = e instanceof EnvelopeError ? e.code : 'ENVELOPE_MALFORMED';
      if (code === 'ENVELOPE_STALE') return { ok: false, reason: 'stale', message: 'timestamp outside the allowed window' };
      if (code === 'ENVELOPE_BAD_SIGNATURE') return { ok: false, reason: 'signature', message: 'signature does not verify' };
      if (code === 'ENVELOPE_MALFORMED' && (env as { appId?: unknown })?.appId !== this.cfg.orgAppId) return { ok: false, reason: 'app_mismatch', message: 'appId is not ours' };
      return { ok: false, reason: code === 'ENVELOPE_UNDECRYPTABLE' ? 'signature' : 'malformed', message: (e as Error).message };
    }
    const d = opened.data;
    if (!d || typeof d !== 'object') return { ok: false, reason: 'malformed', message: 'data missing' };
    if (d.payStatus !== 'SUCCESS') return { ok: false, reason: 'unsupported', message: 'payStatus is not SUCCESS' };
    if (typeof d.outTradeNo !== 'string' || typeof d.tradeNo !== 'string' || typeof d.notifyId !== 'string') return { ok: false, reason: 'malformed', message: 'outTradeNo/tradeNo/notifyId missing' };
    let totalFen: number;
    try {
      totalFen = yuanToFen(String(d.totalAmount));
    } catch {
      return { ok: false, reason: 'malformed', message: 'totalAmount malformed' };
    }
    return {
      ok: true,
      event: { notifyId: d.notifyId, outTradeNo: d.outTradeNo, tradeNo: d.tradeNo, payStatus: 'SUCCESS', totalFen, ...(typeof d.payTime === 'string' ? { payTime: d.payTime } : {}), sentAt: opened.timestampMs },
    };
  }

  // ── envelope transport ─────────────────────────────────────────────────────────────────────
  private async call<T>(operation: string, path: string, data: Record<string, unknown>, idempotent: boolean): Promise<T> {
    const retries = idempotent ? (this.cfg.retries ?? 2) : 0;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.callOnce<T>(operation, path, data);
      } catch (err) {
        if (!isPlatformError(err) || !err.retryable || attempt >= retries) throw err;
        await new Promise((r) => setTimeout(r, Math.min(2000, 200 * 2 ** attempt)));
      }
    }
  }

  private async callOnce<T>(operation: string, path: string, data: Record<string, unknown>): Promise<T> {
    // A fresh envelope per attempt (timestamp, signature): the transport layer never resends one.
    const env = sealRequest(data, { ...this.envKeys, privateKey: this.cfg.orgPrivateKey, ...(this.cfg.timestampFormat ? { timestampFormat: this.cfg.timestampFormat } : {}) });
    const res = await postJson<unknown>({ platform: NATIONAL_APP, operation, url: `${this.base}${path}`, json: env, timeoutMs: this.cfg.timeoutMs, idempotent: false });
    let opened;
    try {
      opened = openEnvelope<T>(res.body, { ...this.envKeys, publicKey: this.cfg.platformPublicKey, maxAgeMs: this.cfg.maxAgeMs, ...(this.cfg.timestampFormat ? { timestampFormat: this.cfg.timestampFormat } : {}) });
    } catch (e) {
      const code = e instanceof EnvelopeError ? e.code : 'ENVELOPE_MALFORMED';
      if (code === 'ENVELOPE_BAD_SIGNATURE' || code === 'ENVELOPE_STALE') {
        throw new PlatformError({ platform: NATIONAL_APP, operation, kind: 'signature', code, message: `national-app ${operation}: answer ${code === 'ENVELOPE_STALE' ? 'timestamp is stale' : 'signature does not verify'}`, retryable: false });
      }
      throw bad(operation, 'answer envelope cannot be opened', code);
    }
    const code = String(opened.fields.code ?? '');
    if (code !== '0' || opened.fields.success === false) {
      const transient = code === '9999';
      throw new PlatformError({ platform: NATIONAL_APP, operation, kind: transient ? 'unavailable' : 'rejected', code: code || 'UNKNOWN', message: `national-app ${operation}: answer code ${code || '?'}`, retryable: transient });
    }
    if (opened.data === undefined || opened.data === null) throw bad(operation, 'data missing');
    return opened.data;
  }
}

/** The acknowledgement the APP expects (code "0" stops its retries). */
export function nationalAppNotifyAck(accepted: boolean): { code: string; message: string; success: boolean } {
  return accepted ? { code: '0', message: '成功', success: true } : { code: '1', message: '失败', success: false };
}

export function checkCashierNotifyAgainstOrder(event: { outTradeNo: string; totalFen: number }, order: { outTradeNo: string; totalFen: number }): { ok: true } | { ok: false; reason: 'order_mismatch' | 'amount_mismatch' } {
  if (event.outTradeNo !== order.outTradeNo) return { ok: false, reason: 'order_mismatch' };
  if (event.totalFen !== order.totalFen) return { ok: false, reason: 'amount_mismatch' };
  return { ok: true };
}
