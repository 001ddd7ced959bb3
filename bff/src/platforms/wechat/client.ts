/**
 * WeChat clients of the BFF:
 *   - `code2session(code)`: mini-program login (GET {apiBaseUrl}/sns/jscode2session).
 *   - `userQuery({authCode, openid})`: the insurance authorization exchange
 *     (POST {insuranceBaseUrl}/api/mipuserquery/userQuery/{partnerId}, headers god-portal-timestamp (ms),
 *     god-portal-request-id, god-portal-signature = hex HMAC-SHA256(partnerSecret, partnerId + timestamp)).
 *
 * Nothing here logs: the results carry pay_auth_no, names and ID numbers, which must never reach a
 * log line (pass them on to the payment flow and drop them). pay_auth_no is single use and lives
 * minutes: exchange right before paying and never store it across sessions.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { getJson, postJson, PlatformError, type FetchLike, type PlatformCallEvent } from '../http';
import { WechatError, type WechatErrorReason } from './errors';

export interface WechatClientConfig {
  apiBaseUrl: string;
  appId: string;
  appSecret: string;
  insuranceBaseUrl: string;
  partnerId: string;
  partnerSecret: string;
  /** Upper bound of one call (ms). */
  timeoutMs: number;
  /**
   * Non-zero userQuery `code` → reason. The real values are not public (INF); the defaults are the
   * mock's. Unknown codes become PLATFORM_ERROR.
   */
  userQueryCodes?: Record<string, WechatErrorReason>;
  fetch?: FetchLike;
  onEvent?: (e: PlatformCallEvent) => void;
}

export interface WechatSession {
  openid: string;
  /** Keep server-side only (decrypts wx.getPhoneNumber etc.); never send it to the client or logs. */
  sessionKey: string;
  unionid?: string;
}

/** Result of the insurance authorization exchange. Contains personal data: never log it. */
export interface WechatInsuranceAuthorization {
  payAuthNo: string;
  /** True when the platform answered family_pay_auth_no (亲情授权: the holder pays for a relative). */
  family: boolean;
  /** The voucher's card holder as the platform knows them (the WeChat user). */
  holder: { name: string; idNumber: string };
  /** Epoch ms when the exchange happened (pay_auth_no lives only minutes from here). */
  obtainedAt: number;
}

/** Default userQuery code map (the mock's codes; the real ones are not public). */
export const DEFAULT_USER_QUERY_CODES: Record<string, WechatErrorReason> = {
  '10001': 'PARTNER_AUTH_FAILED',
  '10002': 'PARTNER_AUTH_FAILED',
  '10003': 'PARTNER_AUTH_FAILED',
  '10004': 'PARTNER_AUTH_FAILED',
  '20001': 'AUTH_CODE_INVALID',
  '20002': 'AUTH_CODE_EXPIRED',
  '20003': 'AUTH_CODE_USED',
  '20004': 'AUTH_CODE_NOT_FOR_USER',
  '20005': 'VOUCHER_NOT_ACTIVATED',
  '20006': 'NOT_INSURED',
  '20007': 'INSURANCE_SUSPENDED',
  '20008': 'FAMILY_NOT_BOUND',
};

const LOGIN_ERRORS: Record<number, WechatErrorReason> = {
  40029: 'LOGIN_CODE_INVALID',
  40163: 'LOGIN_CODE_USED',
  40013: 'LOGIN_CONFIG',
  40125: 'LOGIN_CONFIG',
  40002: 'LOGIN_CONFIG',
  41008: 'LOGIN_CODE_INVALID',
  40226: 'LOGIN_RISKY_USER',
  45011: 'LOGIN_BUSY',
  [-1]: 'LOGIN_BUSY',
};

const trimSlash = (s: string) => s.replace(/\/+$/, '');

export function godPortalHeaders(partnerId: string, partnerSecret: string, now = Date.now(), requestId: string = randomUUID().replace(/-/g, '')): Record<string, string> {
  const timestamp = String(now);
  return {
    'god-portal-timestamp': timestamp,
    'god-portal-request-id': requestId,
    'god-portal-signature': createHmac('sha256', partnerSecret).update(partnerId + timestamp, 'utf8').digest('hex'),
  };
}

export class WechatClient {
  constructor(private readonly cfg: WechatClientConfig) {}

  /** Exchanges a wx.login code for the user's openid. Idempotent from our side: a retried code fails with LOGIN_CODE_USED, so no retries. */
  async code2session(code: string): Promise<WechatSession> {
    const op = 'jscode2session';
    if (!/^[A-Za-z0-9_\-]{1,128}$/.test(code)) {
      throw new WechatError({ reason: 'LOGIN_CODE_INVALID', kind: 'rejected', operation: op, message: 'login code has an invalid format' });
    }
    const url = new URL(`${trimSlash(this.cfg.apiBaseUrl)}/sns/jscode2session`);
    url.search = new URLSearchParams({ appid: this.cfg.appId, secret: this.cfg.appSecret, js_code: code, grant_type: 'authorization_code' }).toString();
    const res = await getJson<{ openid?: unknown; session_key?: unknown; unionid?: unknown; errcode?: unknown; errmsg?: unknown }>({
      platform: 'wechat',
      operation: op,
      url: url.toString(),
      timeoutMs: this.cfg.timeoutMs,
      // A code can be exchanged once: never retry (a retry after a lost answer would see 40163).
      idempotent: false,
      ...(this.cfg.fetch ? { fetch: this.cfg.fetch } : {}),
      ...(this.cfg.onEvent ? { onEvent: this.cfg.onEvent } : {}),
    });
    const b = res.body ?? {};
    const errcode = typeof b.errcode === 'number' ? b.errcode : 0;
    if (errcode !== 0) {
      const reason = LOGIN_ERRORS[errcode] ?? 'LOGIN_BUSY';
      throw new WechatError({
        reason,
        kind: reason === 'LOGIN_BUSY' ? 'unavailable' : 'rejected',
        operation: op,
        platformCode: errcode,
        message: `jscode2session refused (${errcode})`,
      });
    }
    if (typeof b.openid !== 'string' || !b.openid || typeof b.session_key !== 'string') {
      throw new WechatError({ reason: 'BAD_ANSWER', kind: 'bad_response', operation: op, message: 'jscode2session answer without openid/session_key' });
    }
    return { openid: b.openid, sessionKey: b.session_key, ...(typeof b.unionid === 'string' && b.unionid ? { unionid: b.unionid } : {}) };
  }

  /**
   * Exchanges the insurance auth mini-program's authCode for a pay_auth_no. Not retried (the code
   * is single use); on a timeout the user authorizes again.
   */
  async userQuery(input: { authCode: string; openid: string }): Promise<WechatInsuranceAuthorization> {
    const op = 'userQuery';
    if (!input.authCode || input.authCode.length > 256 || !input.openid) {
      throw new WechatError({ reason: 'AUTH_CODE_INVALID', kind: 'rejected', operation: op, message: 'authCode/openid missing' });
    }
    const url = `${trimSlash(this.cfg.insuranceBaseUrl)}/api/mipuserquery/userQuery/${encodeURIComponent(this.cfg.partnerId)}`;
    let res;
    try {
      res = await postJson<Record<string, unknown>>({
        platform: 'wechat-insurance',
        operation: op,
        url,
        headers: godPortalHeaders(this.cfg.partnerId, this.cfg.partnerSecret),
        json: { qrcode: input.authCode, openid: input.openid },
        timeoutMs: this.cfg.timeoutMs,
        idempotent: false,
        acceptStatus: [400, 401, 403],
        ...(this.cfg.fetch ? { fetch: this.cfg.fetch } : {}),
        ...(this.cfg.onEvent ? { onEvent: this.cfg.onEvent } : {}),
      });
    } catch (e) {
      if (e instanceof PlatformError && e.kind === 'rejected') {
        throw new WechatError({ reason: 'PLATFORM_ERROR', kind: 'rejected', operation: op, message: e.message, ...(e.httpStatus ? { httpStatus: e.httpStatus } : {}) });
      }
      throw e;
    }
    // Some integrations nest the fields under `data`; accept both, fail closed on anything else.
    const top = (res.body && typeof res.body === 'object' ? res.body : {}) as Record<string, unknown>;
    const data = (top.data && typeof top.data === 'object' ? top.data : top) as Record<string, unknown>;
    const code = top.code ?? top.errcode ?? 0;
    if (String(code) !== '0' || res.status >= 400) {
      const reason = (this.cfg.userQueryCodes ?? DEFAULT_USER_QUERY_CODES)[String(code)] ?? (res.status === 401 || res.status === 403 ? 'PARTNER_AUTH_FAILED' : 'PLATFORM_ERROR');
      throw new WechatError({
        reason,
        kind: 'rejected',
        operation: op,
        platformCode: String(code),
        message: `userQuery refused (${String(code)})`,
        httpStatus: res.status,
      });
    }
    const str = (v: unknown) => (typeof v === 'string' ? v.trim() : '');
    const direct = str(data.pay_auth_no);
    const familyNo = str(data.family_pay_auth_no);
    if ((direct && familyNo) || (!direct && !familyNo)) {
      throw new WechatError({ reason: 'BAD_ANSWER', kind: 'bad_response', operation: op, message: 'userQuery must answer exactly one of pay_auth_no / family_pay_auth_no' });
    }
    const payAuthNo = direct || familyNo;
    if (!/^AUTH[0-9A-Za-z]{6,60}$/.test(payAuthNo)) {
      throw new WechatError({ reason: 'BAD_ANSWER', kind: 'bad_response', operation: op, message: 'pay_auth_no has an unexpected format' });
    }
    const name = str(data.user_name);
    const idNumber = str(data.user_card_no).toUpperCase();
    if (!name || !idNumber) {
      throw new WechatError({ reason: 'BAD_ANSWER', kind: 'bad_response', operation: op, message: 'userQuery answer without user_name/user_card_no' });
    }
    return { payAuthNo, family: !direct, holder: { name, idNumber }, obtainedAt: Date.now() };
  }
}
