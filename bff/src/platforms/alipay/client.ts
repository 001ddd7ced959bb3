/**
 * The BFF's Alipay client, on alipay-sdk (OpenAPI v2 gateway from configuration, RSA2, public-key
 * mode). Every answer's signature is verified (validateSign); notifications are verified with
 * checkNotifySignV2 plus app_id, sign_type, freshness and shape checks (see verifyNotify).
 *
 * Calls are bounded by `timeoutMs`. Only idempotent calls are retried: queries, close, and refunds
 * (idempotent by out_request_no). oauth token exchange (single-use code) and trade.create are
 * never repeated blindly: a create whose outcome is unknown is resolved by querying the trade.
 *
 * Nothing here logs. pay_auth_no is returned as a non-enumerable property. Do not run the BFF with
 * NODE_DEBUG=alipay-sdk in production: the SDK then prints requests and answers.
 */
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { AlipayRequestError, AlipaySdk } from 'alipay-sdk';
import { fenToYuan, yuanToFen } from '@ih/contract';
import { PlatformError, isPlatformError } from '../http';
import { ALIPAY, answerError, type AlipayAnswer } from './errors';
import {
  ALIPAY_TRADE_STATUSES,
  type AlipayClientConfig,
  type AlipayNotifyResult,
  type AlipayOauthToken,
  type AlipayRefund,
  type AlipayRefundQuery,
  type AlipayTrade,
  type AlipayTradeEvent,
  type AlipayTradeStatus,
  type CreateTradeInput,
  type MedicalAuthGranted,
  type MedicalAuthResult,
  type RefundInput,
} from './types';
import { chinaDateTime, parseChinaDateTime } from '@ih/contract';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Alipay's gateway reads "yyyy-MM-dd HH:mm:ss" as Beijing time (shared helpers in @ih/contract). */
export const beijingDateTime = chinaDateTime;
export const parseBeijingDateTime = parseChinaDateTime;

/** Base64 PKCS#8 DER of an RSA private key given as Base64 DER (PKCS#8/PKCS#1) or PEM. */
function normalizePrivateKey(text: string): string {
  const t = text.trim();
  let key;
  if (t.startsWith('-----')) key = createPrivateKey(t);
  else {
    const der = Buffer.from(t.replace(/\s+/g, ''), 'base64');
    try {
      key = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
    } catch {
      key = createPrivateKey({ key: der, format: 'der', type: 'pkcs1' });
    }
  }
  if (key.asymmetricKeyType !== 'rsa') throw new TypeError('ALIPAY_APP_PRIVATE_KEY must be an RSA key');
  return key.export({ type: 'pkcs8', format: 'der' }).toString('base64');
}

function normalizePublicKey(text: string): string {
  const t = text.trim();
  const key = t.startsWith('-----') ? createPublicKey(t) : createPublicKey({ key: Buffer.from(t.replace(/\s+/g, ''), 'base64'), format: 'der', type: 'spki' });
  if (key.asymmetricKeyType !== 'rsa') throw new TypeError('ALIPAY_PUBLIC_KEY must be an RSA key');
  return key.export({ type: 'spki', format: 'der' }).toString('base64');
}

function fenOf(value: unknown, operation: string, field: string): number {
  try {
    return yuanToFen(String(value));
  } catch {
    throw new PlatformError({ platform: ALIPAY, operation, kind: 'bad_response', code: 'BAD_AMOUNT', message: `alipay ${operation}: ${field} is not an amount` });
  }
}

function bad(operation: string, message: string, code = 'BAD_RESPONSE'): PlatformError {
  return new PlatformError({ platform: ALIPAY, operation, kind: 'bad_response', code, message: `alipay ${operation}: ${message}` });
}

function amountMismatch(operation: string, message: string): PlatformError {
  return new PlatformError({ platform: ALIPAY, operation, kind: 'bad_response', code: 'AMOUNT_MISMATCH', message: `alipay ${operation}: ${message}`, retryable: false });
}

function nameOfCause(err: unknown): string | undefined {
  const c = (err as { cause?: { name?: unknown } })?.cause;
  return typeof c?.name === 'string' ? c.name : undefined;
}
function codeOfCause(err: unknown): string | undefined {
  let e: unknown = err;
  for (let i = 0; i < 5 && e && typeof e === 'object'; i++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^[A-Z_]+$/.test(code)) return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

interface CallOptions {
  idempotent: boolean;
  /** alipay.system.oauth.token answers success without code/msg. */
  successWithoutCode?: boolean;
  /** Moves money or state: an unknown outcome must be resolved by a query. */
  write: boolean;
}

export class AlipayClient {
  private readonly sdk: AlipaySdk;
  private readonly retries: number;

  constructor(private readonly cfg: AlipayClientConfig) {
    this.sdk = new AlipaySdk({
      appId: cfg.appId,
      privateKey: normalizePrivateKey(cfg.appPrivateKey),
      keyType: 'PKCS8',
      alipayPublicKey: normalizePublicKey(cfg.alipayPublicKey),
      gateway: cfg.gatewayUrl,
      timeout: cfg.timeoutMs,
      camelcase: false,
      signType: 'RSA2',
    });
    this.retries = cfg.retries ?? 2;
  }

  // ── transport ────────────────────────────────────────────────────────────────────────────────
  private mapError(err: unknown, operation: string, write: boolean): PlatformError {
    if (isPlatformError(err)) return err;
    if (err instanceof AlipayRequestError) {
      const msg = err.message;
      if (msg.startsWith('HttpClient Request error')) {
        const causeName = nameOfCause(err);
        const code = codeOfCause(err);
        if (causeName === 'HttpClientRequestTimeoutError') {
          return new PlatformError({ platform: ALIPAY, operation, kind: 'timeout', code: 'TIMEOUT', message: `alipay ${operation}: no answer within ${this.cfg.timeoutMs} ms`, outcomeUnknown: true });
        }
        if (causeName === 'HttpClientConnectTimeoutError') {
          return new PlatformError({ platform: ALIPAY, operation, kind: 'timeout', code: 'CONNECT_TIMEOUT', message: `alipay ${operation}: connect timeout`, outcomeUnknown: false });
        }
        return new PlatformError({ platform: ALIPAY, operation, kind: 'unavailable', code: code ?? 'NETWORK', message: `alipay ${operation}: network error${code ? ` (${code})` : ''}`, outcomeUnknown: !(code && NOT_SENT.has(code)) });
      }
      const http = /status: (\d{3})/.exec(msg);
      if (msg.startsWith('HTTP 请求错误') && http) {
        const status = Number(http[1]);
        return new PlatformError({ platform: ALIPAY, operation, kind: status >= 500 || status === 429 ? 'unavailable' : 'rejected', code: `HTTP_${status}`, message: `alipay ${operation}: HTTP ${status}`, httpStatus: status, outcomeUnknown: write && status >= 500 && status !== 503 });
      }
      if (msg.startsWith('验签失败')) {
        // An error_response (oauth and gateway-level errors) is signed over itself, which the SDK
        // cannot check; it changes nothing on our side either way, so report its code.
        const errorAnswer = this.errorResponseOf(err.responseDataRaw);
        if (errorAnswer) return answerError(operation, errorAnswer, false);
        return new PlatformError({ platform: ALIPAY, operation, kind: 'signature', code: 'SIGNATURE', message: `alipay ${operation}: answer signature does not verify`, retryable: false });
      }
      return new PlatformError({ platform: ALIPAY, operation, kind: 'bad_response', code: 'BAD_RESPONSE', message: `alipay ${operation}: unexpected answer` });
    }
    // Node's verifier throws a TypeError when the answer carries no signature at all.
    if (err instanceof TypeError) {
      return new PlatformError({ platform: ALIPAY, operation, kind: 'signature', code: 'SIGNATURE_MISSING', message: `alipay ${operation}: answer not signed` });
    }
    return new PlatformError({ platform: ALIPAY, operation, kind: 'bad_response', code: 'CLIENT', message: `alipay ${operation}: ${(err as Error)?.name ?? 'error'}` });
  }

  private errorResponseOf(raw: string | undefined): AlipayAnswer | undefined {
    if (!raw) return undefined;
    try {
      const parsed = JSON.parse(raw) as { error_response?: AlipayAnswer };
      return parsed.error_response && typeof parsed.error_response === 'object' ? parsed.error_response : undefined;
    } catch {
      return undefined;
    }
  }

  /**
   * The SDK's own timeout runs on undici's coarse timers (about 1 s granularity): race it with an
   * exact timer so the caller never waits longer than timeoutMs (the SDK still aborts the request
   * shortly after).
   */
  private execBounded(method: string, params: Record<string, unknown>): Promise<AlipayAnswer> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new PlatformError({ platform: ALIPAY, operation: method, kind: 'timeout', code: 'TIMEOUT', message: `alipay ${method}: no answer within ${this.cfg.timeoutMs} ms`, outcomeUnknown: true })),
        this.cfg.timeoutMs,
      );
    });
    // The SDK stamps the process's local time; Alipay reads Beijing time: set it explicitly.
    const call = this.sdk.exec(method, { ...params, timestamp: beijingDateTime() }, { validateSign: true }) as Promise<AlipayAnswer>;
    call.catch(() => undefined); // a late failure after the deadline is not unhandled
    return Promise.race([call, deadline]).finally(() => clearTimeout(timer));
  }

  /** One gateway method; answers other than 10000 become typed errors. */
  private async call(method: string, params: Record<string, unknown>, opts: CallOptions): Promise<AlipayAnswer> {
    const attempts = opts.idempotent ? this.retries + 1 : 1;
    for (let attempt = 1; ; attempt++) {
      let answer: AlipayAnswer;
      try {
        // The SDK stamps the process's local time; Alipay reads Beijing time: set it explicitly.
        answer = await this.execBounded(method, params);
      } catch (err) {
        const pe = this.mapError(err, method, opts.write);
        if (attempt < attempts && pe.retryable) {
          await sleep(Math.min(2000, 200 * 2 ** (attempt - 1)));
          continue;
        }
        throw pe;
      }
      if (answer.code === '10000' || (opts.successWithoutCode && answer.code === undefined && answer.sub_code === undefined)) return answer;
      const pe = answerError(method, answer, opts.write);
      if (attempt < attempts && pe.retryable) {
        await sleep(Math.min(2000, 200 * 2 ** (attempt - 1)));
        continue;
      }
      throw pe;
    }
  }

  // ── login and insurance authorization ───────────────────────────────────────────────────────
  /** auth_code (my.getAuthCode) → user id + access token. Codes work once: never retried. */
  async exchangeAuthCode(authCode: string): Promise<AlipayOauthToken> {
    const op = 'alipay.system.oauth.token';
    const a = await this.call(op, { grant_type: 'authorization_code', code: authCode }, { idempotent: false, write: false, successWithoutCode: true });
    return this.tokenOf(a, op);
  }

  async refreshAccessToken(refreshToken: string): Promise<AlipayOauthToken> {
    const op = 'alipay.system.oauth.token';
    const a = await this.call(op, { grant_type: 'refresh_token', refresh_token: refreshToken }, { idempotent: false, write: false, successWithoutCode: true });
    return this.tokenOf(a, op);
  }

  private tokenOf(a: AlipayAnswer, op: string): AlipayOauthToken {
    if (typeof a.user_id !== 'string' || typeof a.access_token !== 'string') throw bad(op, 'user_id/access_token missing');
    return { userId: a.user_id, accessToken: a.access_token, refreshToken: String(a.refresh_token ?? ''), expiresIn: Number(a.expires_in ?? 0) };
  }

  /**
   * alipay.commerce.medical.authinfo.auth.query. Pending → send the user to `authUrl`, then query
   * again with the same reqBizNo. Granted → `payAuthNo` (non-enumerable) for 6201/6202.
   */
  async queryMedicalAuth(input: { alipayUserId: string; accessToken: string; reqBizNo: string; callUrl?: string; bizType?: '04107' | '04106' }): Promise<MedicalAuthResult> {
    const op = 'alipay.commerce.medical.authinfo.auth.query';
    const bizType = input.bizType ?? '04107';
    const a = await this.call(
      op,
      {
        auth_token: input.accessToken,
        bizContent: {
          alipay_user_id: input.alipayUserId,
          ol_biz_type_code: bizType,
          org_app_id: this.cfg.medical.orgAppId,
          org_chnl_crtf_code: this.cfg.medical.orgChnlCrtfCode,
          org_code: this.cfg.medical.orgCode,
          req_biz_no: input.reqBizNo,
          ...(input.callUrl ? { call_url: input.callUrl } : {}),
        },
      },
      { idempotent: true, write: false },
    );
    const data = a.data as Record<string, unknown> | undefined;
    if (!data || typeof data !== 'object') throw bad(op, 'data missing');
    if (data.req_biz_no !== undefined && data.req_biz_no !== input.reqBizNo) throw bad(op, 'req_biz_no does not match');
    const voucherActivated = data.medical_card_status === '1';
    if (data.auth_stas === '0') {
      if (typeof data.auth_url !== 'string' || !/^https?:\/\//.test(data.auth_url)) throw bad(op, 'auth_url missing');
      return { authorized: false, reqBizNo: input.reqBizNo, authUrl: data.auth_url, voucherActivated };
    }
    if (data.auth_stas !== '1') throw bad(op, 'unknown auth_stas');
    const family = data.rels_pay_flag === '1';
    if (data.rels_pay_flag !== '0' && data.rels_pay_flag !== '1' && data.rels_pay_flag !== undefined) throw bad(op, 'unknown rels_pay_flag');
    const granted: MedicalAuthGranted = {
      authorized: true,
      reqBizNo: input.reqBizNo,
      voucherActivated,
      family,
      ...(typeof data.auth_no === 'string' ? { authNo: data.auth_no } : {}),
      ...(typeof data.auth_time === 'string' ? { authTime: data.auth_time } : {}),
      ...(typeof data.insu_org === 'string' ? { insuOrg: data.insu_org } : {}),
      ...(family && typeof data.rels_pay_user_name === 'string' ? { relsPayUserName: data.rels_pay_user_name } : {}),
    };
    if (bizType === '04107') {
      if (typeof data.pay_auth_no !== 'string' || data.pay_auth_no === '') throw bad(op, 'pay_auth_no missing for 04107');
      Object.defineProperty(granted, 'payAuthNo', { value: data.pay_auth_no, enumerable: false });
    }
    return granted;
  }

  // ── trades ──────────────────────────────────────────────────────────────────────────────────
  /**
   * alipay.trade.create (JSAPI, for my.tradePay). If the outcome is unknown (timeout, 5xx) the
   * trade is queried: an existing trade with the same amount is returned (`recovered`); if none
   * exists, the error is thrown with outcomeUnknown=false (safe to create again).
   */
  async createTrade(input: CreateTradeInput): Promise<{ tradeNo: string; outTradeNo: string; recovered: boolean }> {
    const op = 'alipay.trade.create';
    if (!Number.isSafeInteger(input.totalFen) || input.totalFen <= 0) throw new RangeError('totalFen must be a positive integer');
    try {
      const a = await this.call(
        op,
        {
          notify_url: input.notifyUrl,
          bizContent: {
            out_trade_no: input.outTradeNo,
            total_amount: fenToYuan(input.totalFen),
            subject: input.subject,
            buyer_id: input.buyerId,
            product_code: 'JSAPI_PAY',
            ...(input.timeoutExpress ? { timeout_express: input.timeoutExpress } : {}),
            ...(input.medical ? { extend_params: { med_pay_ord_id: input.medical.payOrdId, med_org_ord: input.medical.medOrgOrd } } : {}),
          },
        },
        { idempotent: false, write: true },
      );
      if (a.out_trade_no !== input.outTradeNo || typeof a.trade_no !== 'string') throw bad(op, 'out_trade_no/trade_no do not match');
      return { tradeNo: a.trade_no, outTradeNo: input.outTradeNo, recovered: false };
    } catch (err) {
      const pe = err as PlatformError;
      if (!isPlatformError(pe) || !pe.outcomeUnknown) throw pe;
      let trade: AlipayTrade;
      try {
        trade = await this.queryTrade(input.outTradeNo, { expectedTotalFen: input.totalFen });
      } catch (qe) {
        if (isPlatformError(qe) && qe.code === 'ACQ.TRADE_NOT_EXIST') {
          throw new PlatformError({ platform: ALIPAY, operation: op, kind: pe.kind, code: pe.code, message: `${pe.message}; the trade does not exist (safe to create again)`, outcomeUnknown: false });
        }
        throw pe;
      }
      return { tradeNo: trade.tradeNo, outTradeNo: input.outTradeNo, recovered: true };
    }
  }

  /** alipay.trade.query. With expectedTotalFen, a different amount is an AMOUNT_MISMATCH error. */
  async queryTrade(outTradeNo: string, opts: { expectedTotalFen?: number } = {}): Promise<AlipayTrade> {
    const op = 'alipay.trade.query';
    const a = await this.call(op, { bizContent: { out_trade_no: outTradeNo } }, { idempotent: true, write: false });
    if (a.out_trade_no !== outTradeNo || typeof a.trade_no !== 'string') throw bad(op, 'out_trade_no/trade_no do not match');
    const status = a.trade_status as AlipayTradeStatus;
    if (!ALIPAY_TRADE_STATUSES.includes(status)) throw bad(op, 'unknown trade_status', 'UNKNOWN_STATUS');
    const totalFen = fenOf(a.total_amount, op, 'total_amount');
    const buyerPayFen = a.buyer_pay_amount !== undefined ? fenOf(a.buyer_pay_amount, op, 'buyer_pay_amount') : 0;
    if (opts.expectedTotalFen !== undefined && totalFen !== opts.expectedTotalFen) throw amountMismatch(op, 'total_amount differs from the order');
    if ((status === 'TRADE_SUCCESS' || status === 'TRADE_FINISHED') && buyerPayFen > totalFen) throw amountMismatch(op, 'buyer_pay_amount above total_amount');
    return {
      tradeNo: a.trade_no,
      outTradeNo,
      status,
      totalFen,
      buyerPayFen,
      refundFen: a.refund_fee !== undefined ? fenOf(a.refund_fee, op, 'refund_fee') : 0,
      ...(typeof a.buyer_user_id === 'string' ? { buyerUserId: a.buyer_user_id } : {}),
      ...(typeof a.send_pay_date === 'string' ? { paidAt: a.send_pay_date } : {}),
    };
  }

  /** alipay.trade.close; closing a trade Alipay never saw (ACQ.TRADE_NOT_EXIST) counts as closed. */
  async closeTrade(outTradeNo: string): Promise<{ existed: boolean }> {
    const op = 'alipay.trade.close';
    try {
      const a = await this.call(op, { bizContent: { out_trade_no: outTradeNo } }, { idempotent: true, write: true });
      if (a.out_trade_no !== undefined && a.out_trade_no !== outTradeNo) throw bad(op, 'out_trade_no does not match');
      return { existed: true };
    } catch (err) {
      if (isPlatformError(err) && err.code === 'ACQ.TRADE_NOT_EXIST') return { existed: false };
      throw err;
    }
  }

  /**
   * alipay.trade.refund, idempotent by outRequestNo (retried on timeouts). With
   * `alreadyRefundedFen` (what we believe was refunded before), the cumulative refund_fee is checked.
   */
  async refund(input: RefundInput & { alreadyRefundedFen?: number }): Promise<AlipayRefund> {
    const op = 'alipay.trade.refund';
    if (!Number.isSafeInteger(input.refundFen) || input.refundFen <= 0) throw new RangeError('refundFen must be a positive integer');
    const a = await this.call(
      op,
      { bizContent: { out_trade_no: input.outTradeNo, out_request_no: input.outRequestNo, refund_amount: fenToYuan(input.refundFen), ...(input.reason ? { refund_reason: input.reason } : {}) } },
      { idempotent: true, write: true },
    );
    if (a.out_trade_no !== input.outTradeNo || typeof a.trade_no !== 'string') throw bad(op, 'out_trade_no/trade_no do not match');
    const total = fenOf(a.refund_fee, op, 'refund_fee');
    const fundChange = a.fund_change === 'Y';
    if (total < input.refundFen) throw amountMismatch(op, 'refund_fee below the refund amount');
    if (input.alreadyRefundedFen !== undefined && fundChange && total !== input.alreadyRefundedFen + input.refundFen) throw amountMismatch(op, 'refund_fee differs from the expected cumulative refund');
    return { outTradeNo: input.outTradeNo, tradeNo: a.trade_no, fundChange, totalRefundedFen: total };
  }

  /** alipay.trade.fastpay.refund.query: did the refund with this out_request_no happen? */
  async queryRefund(outTradeNo: string, outRequestNo: string, opts: { expectedRefundFen?: number } = {}): Promise<AlipayRefundQuery> {
    const op = 'alipay.trade.fastpay.refund.query';
    const a = await this.call(op, { bizContent: { out_trade_no: outTradeNo, out_request_no: outRequestNo } }, { idempotent: true, write: false });
    if (a.out_trade_no !== undefined && a.out_trade_no !== outTradeNo) throw bad(op, 'out_trade_no does not match');
    if (a.refund_status === undefined && a.refund_amount === undefined) return { outRequestNo, status: 'NOT_FOUND', refundFen: 0 };
    if (a.refund_status !== undefined && a.refund_status !== 'REFUND_SUCCESS') throw bad(op, 'unknown refund_status', 'UNKNOWN_STATUS');
    const refundFen = fenOf(a.refund_amount, op, 'refund_amount');
    if (opts.expectedRefundFen !== undefined && refundFen !== opts.expectedRefundFen) throw amountMismatch(op, 'refund_amount differs from the request');
    return { outRequestNo, status: 'REFUND_SUCCESS', refundFen };
  }

  // ── notifications ───────────────────────────────────────────────────────────────────────────
  /**
   * Verifies a trade_status_sync notification (the raw form body, or the parsed form object):
   * sign_type RSA2, RSA2 signature (checkNotifySignV2), app_id, notify_time within notifyMaxAgeMs,
   * known trade_status, well-formed amounts. Compare the amount with the order using
   * checkNotifyAgainstOrder before acting. Answer the body "success" only for accepted events.
   */
  verifyNotify(body: string | Record<string, unknown>, now: number = Date.now()): AlipayNotifyResult {
    let params: Record<string, string>;
    if (typeof body === 'string') {
      params = {};
      for (const [k, v] of new URLSearchParams(body)) params[k] = v;
    } else {
      params = {};
      for (const [k, v] of Object.entries(body)) if (typeof v === 'string') params[k] = v;
    }
    const reject = (reason: Exclude<AlipayNotifyResult, { ok: true }>['reason'], message: string): AlipayNotifyResult => ({ ok: false, reason, message });
    if (!params.sign) return reject('signature', 'sign missing');
    if (params.sign_type !== undefined && params.sign_type !== 'RSA2') return reject('signature', 'sign_type must be RSA2');
    let verified = false;
    try {
      verified = this.sdk.checkNotifySignV2(params);
    } catch {
      verified = false;
    }
    if (!verified) return reject('signature', 'signature does not verify');
    if (params.app_id !== this.cfg.appId) return reject('app_mismatch', 'app_id is not ours');
    if (params.notify_type !== 'trade_status_sync') return reject('unsupported', 'notify_type is not trade_status_sync');
    const notifyTime = parseBeijingDateTime(params.notify_time);
    if (notifyTime === null) return reject('malformed', 'notify_time missing or malformed');
    if (Math.abs(now - notifyTime) > this.cfg.notifyMaxAgeMs) return reject('stale', 'notify_time outside the allowed window');
    const status = params.trade_status as AlipayTradeStatus;
    if (!ALIPAY_TRADE_STATUSES.includes(status)) return reject('malformed', 'unknown trade_status');
    if (!params.out_trade_no || !params.trade_no || !params.notify_id) return reject('malformed', 'out_trade_no/trade_no/notify_id missing');
    const fen = (v: string | undefined): number | undefined | null => {
      if (v === undefined) return undefined;
      try {
        return yuanToFen(v);
      } catch {
        return null;
      }
    };
    const totalFen = fen(params.total_amount);
    const receiptFen = fen(params.receipt_amount);
    const buyerPayFen = fen(params.buyer_pay_amount);
    const refundFeeFen = fen(params.refund_fee);
    if (totalFen === undefined || totalFen === null || receiptFen === null || buyerPayFen === null || refundFeeFen === null) return reject('malformed', 'amount malformed');
    const event: AlipayTradeEvent = {
      notifyId: params.notify_id,
      notifyTime,
      appId: params.app_id,
      outTradeNo: params.out_trade_no,
      tradeNo: params.trade_no,
      tradeStatus: status,
      totalFen,
      ...(receiptFen !== undefined ? { receiptFen } : {}),
      ...(buyerPayFen !== undefined ? { buyerPayFen } : {}),
      ...(params.buyer_id ? { buyerId: params.buyer_id } : {}),
      ...(params.seller_id ? { sellerId: params.seller_id } : {}),
      ...(params.gmt_payment ? { gmtPayment: params.gmt_payment } : {}),
      ...(refundFeeFen !== undefined ? { refundFeeFen } : {}),
      ...(params.out_biz_no ? { outBizNo: params.out_biz_no } : {}),
      ...(params.gmt_refund ? { gmtRefund: params.gmt_refund } : {}),
    };
    return { ok: true, event };
  }
}

/** The answer Alipay expects: "success" stops its retries; anything else makes it send again. */
export function alipayNotifyAck(accepted: boolean): string {
  return accepted ? 'success' : 'fail';
}

/** Compares a verified event with our order. A mismatch must never mark the order paid. */
export function checkNotifyAgainstOrder(event: AlipayTradeEvent, order: { outTradeNo: string; totalFen: number }): { ok: true } | { ok: false; reason: 'order_mismatch' | 'amount_mismatch' } {
  if (event.outTradeNo !== order.outTradeNo) return { ok: false, reason: 'order_mismatch' };
  if (event.totalFen !== order.totalFen) return { ok: false, reason: 'amount_mismatch' };
  if (event.buyerPayFen !== undefined && event.buyerPayFen > order.totalFen) return { ok: false, reason: 'amount_mismatch' };
  if (event.refundFeeFen !== undefined && event.refundFeeFen > order.totalFen) return { ok: false, reason: 'amount_mismatch' };
  return { ok: true };
}

const RANK: Record<AlipayTradeStatus, number> = { WAIT_BUYER_PAY: 0, TRADE_SUCCESS: 1, TRADE_FINISHED: 2, TRADE_CLOSED: 3 };

/**
 * Notifications may arrive twice, late or out of order. Apply an event only when it moves the
 * trade forward: a later status, or (same status) a larger cumulative refund. A TRADE_SUCCESS that
 * arrives after a refund's TRADE_CLOSED is old news and must not reopen the order.
 */
export function isNewerTradeState(current: { status: AlipayTradeStatus; refundFen: number } | undefined, event: AlipayTradeEvent): boolean {
  if (!current) return true;
  const r = RANK[event.tradeStatus] - RANK[current.status];
  if (r !== 0) return r > 0;
  return (event.refundFeeFen ?? 0) > current.refundFen;
}
