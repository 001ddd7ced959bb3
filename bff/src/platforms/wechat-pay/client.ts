/**
 * The BFF's WeChat Pay v3 client, built on wechatpay-node-v3 2.2.1:
 *   - the library signs requests (WECHATPAY2-SHA256-RSA2048) and builds JSAPI launch signatures;
 *   - its HTTP layer is replaced (`pay.createHttp`) by one that sends to the configured base URL
 *     through the shared platform HTTP helper (bounded timeouts, retries for GETs only), turns error
 *     answers into typed WechatPayError (errno from the Request-ID suffix) and VERIFIES every 2xx
 *     answer's signature and timestamp (the library does not);
 *   - added: the platform public-key mode (PUB_KEY_ID_…) next to platform certificates, callback
 *     verification with timestamp freshness and nonce replay checks (notify.ts), the medical-insurance
 *     mixed order (/v3/med-ins/*) with its amount identities and encrypted payer fields, and
 *     `wx.requestMedicalInsurancePay` launch parameters.
 * Money-moving POSTs are never repeated: after a timeout or an unverifiable answer the order/refund is
 * looked up by its merchant number (out_trade_no / out_refund_no), which is also WeChat Pay's idempotency key.
 */
import { randomBytes } from 'node:crypto';
import Pay from 'wechatpay-node-v3';
import { isPlatformError, parseJson, platformRequest, PlatformError, type FetchLike, type PlatformCallEvent, type PlatformResponse } from '../http';
import { amountsToWire, assertMixedOrderMatches, checkMixedOrderAmounts, idDigest, type MixedOrderAmounts } from './amounts';
import { WechatPayError, wechatPayErrorFrom } from './errors';
import { merchantPublicPem, normalizePem, WechatPayKeys, type PlatformKeyConfig } from './keys';
import { assertRefundMatches, assertTransactionMatches, createNotifyVerifier, type NonceStore, type WechatPayEvent } from './notify';
import type {
  JsapiPayLaunch,
  MedicalInsurancePayLaunch,
  MedInsOrderEntity,
  MedInsOrderType,
  MixPayType,
  RefundEntity,
  TransactionEntity,
  UserCardType,
} from './types';
import { chinaRfc3339 } from '@ih/contract';

/** The host the library hard-codes; the injected HTTP layer swaps it for `baseUrl`. */
export const WECHAT_PAY_HOST = 'https://api.mch.weixin.qq.com';

export interface WechatPayClientConfig {
  /** e.g. https://api.mch.weixin.qq.com (real) or http://127.0.0.1:3100/wechat-pay (mock). */
  baseUrl: string;
  mchId: string;
  appId: string;
  /** Merchant API private key (PEM) and its certificate serial number. */
  merchantPrivateKey: string;
  merchantSerialNo: string;
  /** APIv3 key: 32 characters. */
  apiV3Key: string;
  platform: PlatformKeyConfig;
  timeoutMs: number;
  /** Accepted age of a callback's Wechatpay-Timestamp (s); default 300. */
  callbackMaxAgeSeconds?: number;
  /** Accepted age of an answer's Wechatpay-Timestamp (s); default 300. */
  responseMaxAgeSeconds?: number;
  nonceStore?: NonceStore;
  fetch?: FetchLike;
  onEvent?: (e: PlatformCallEvent) => void;
}

export interface PersonIdentity {
  name: string;
  idNumber: string;
  cardType?: UserCardType;
}

export interface MedInsOrderInput {
  mixPayType: MixPayType;
  orderType: MedInsOrderType;
  openid: string;
  /** The voucher's card holder (the WeChat user). */
  payer: PersonIdentity;
  /** Family (亲情) payment: the patient, when it is not the payer. */
  relative?: PersonIdentity;
  outTradeNo: string;
  /** 6201 medOrgOrd. */
  serialNo: string;
  /** 6201/6202 payOrdId. */
  payOrderId?: string;
  payAuthNo?: string;
  /** "longitude,latitude". */
  geoLocation?: string;
  cityId: string;
  medInstName: string;
  medInstNo: string;
  medInsOrderCreateTime?: Date;
  amounts: MixedOrderAmounts;
  /** MEDICAL_INSURANCE.SUCCESS goes here (https, no query string). */
  callbackUrl: string;
  /** The cash share's JSAPI prepay_id (CASH_ONLY / CASH_AND_INSURANCE). */
  prepayId?: string;
  passthroughRequestContent?: string;
  extends?: string;
  attach?: string;
  channelNo?: string;
  medInsTestEnv?: boolean;
}

interface LibOutput {
  status: number;
  data?: any;
}
/** wechatpay-node-v3 members that are `protected` in its typings but needed for the med-ins endpoints. */
interface PayInternals {
  buildAuthorization(method: string, url: string, params?: Record<string, unknown>): string;
  getHeaders(authorization: string, headers?: Record<string, string>): Record<string, string>;
}

const trimSlash = (s: string) => s.replace(/\/+$/, '');

/** RFC 3339 in China Standard Time, as WeChat Pay wants it ("2026-11-22T10:43:39+08:00"). */
export function rfc3339Cst(d: Date = new Date()): string {
  return chinaRfc3339(d.getTime());
}

/** Operation names for errors and events: ids replaced by placeholders (no order numbers in logs). */
export function operationOf(method: string, path: string): string {
  const p = path
    .split('?')[0]!
    .replace(/(\/mix-trade-no\/|\/out-trade-no\/|\/transactions\/id\/|\/refunds\/)[^/]+/g, '$1{id}');
  return `${method} ${p}`;
}

/**
 * The request body of POST /v3/med-ins/orders. Checks the amount identities and the fields each
 * mix_pay_type requires/forbids (RangeError before anything is sent), and encrypts the payer's and
 * relative's name and ID digest (MD5 of the upper-case ID) with the WeChat Pay key.
 */
export function buildMedInsOrderBody(input: MedInsOrderInput, appId: string, encrypt: (s: string) => string): Record<string, unknown> {
  const a = input.amounts;
  checkMixedOrderAmounts(a);
  const t = input.mixPayType;
  const insurance = t !== 'CASH_ONLY';
  const cash = t !== 'INSURANCE_ONLY';
  if (cash && (a.wechatPayCashFee <= 0 || !input.prepayId)) throw new RangeError(`${t}: wechat_pay_cash_fee > 0 and prepay_id are required`);
  if (!cash && (a.wechatPayCashFee !== 0 || input.prepayId)) throw new RangeError('INSURANCE_ONLY: wechat_pay_cash_fee must be 0 and prepay_id absent');
  if (insurance && (!input.payOrderId || !input.payAuthNo || !input.geoLocation)) throw new RangeError(`${t}: pay_order_id, pay_auth_no and geo_location are required`);
  if (!insurance && (input.payOrderId || input.payAuthNo || a.medInsGovFee || a.medInsSelfFee || a.medInsOtherFee)) throw new RangeError('CASH_ONLY: no insurance fields or amounts');
  if (input.geoLocation !== undefined && !/^-?\d{1,3}\.\d+,-?\d{1,2}\.\d+$/.test(input.geoLocation)) throw new RangeError('geo_location must be "longitude,latitude"');
  if (input.serialNo.length > 20) throw new RangeError('serial_no is at most 20 characters');
  if (/[?#]/.test(input.callbackUrl)) throw new RangeError('callback_url must not carry a query string');
  const person = (p: PersonIdentity) => ({ name: encrypt(p.name), id_digest: encrypt(idDigest(p.idNumber)), card_type: p.cardType ?? 'ID_CARD' });
  return {
    mix_pay_type: t,
    order_type: input.orderType,
    appid: appId,
    openid: input.openid,
    payer: person(input.payer),
    pay_for_relatives: input.relative !== undefined,
    ...(input.relative ? { relative: person(input.relative) } : {}),
    out_trade_no: input.outTradeNo,
    serial_no: input.serialNo,
    ...(insurance
      ? {
          pay_order_id: input.payOrderId,
          pay_auth_no: input.payAuthNo,
          geo_location: input.geoLocation,
          med_ins_order_create_time: rfc3339Cst(input.medInsOrderCreateTime ?? new Date()),
        }
      : {}),
    city_id: input.cityId,
    med_inst_name: input.medInstName,
    med_inst_no: input.medInstNo,
    ...amountsToWire(a),
    callback_url: input.callbackUrl,
    ...(input.prepayId ? { prepay_id: input.prepayId } : {}),
    ...(input.passthroughRequestContent ? { passthrough_request_content: input.passthroughRequestContent } : {}),
    ...(input.extends ? { extends: input.extends } : {}),
    ...(input.attach ? { attach: input.attach } : {}),
    ...(input.channelNo ? { channel_no: input.channelNo } : {}),
    ...(input.medInsTestEnv !== undefined ? { med_ins_test_env: input.medInsTestEnv } : {}),
  };
}

export class WechatPayClient {
  readonly keys: WechatPayKeys;
  /** Verifies a callback (headers + raw body) and returns the typed event; throws WechatPayNotifyError. */
  readonly verifyAndParseNotify: (headers: Record<string, string | string[] | undefined> | Headers, rawBody: string | Buffer) => Promise<WechatPayEvent>;
  private readonly pay: Pay;
  private readonly base: string;

  constructor(private readonly cfg: WechatPayClientConfig) {
    if (Buffer.byteLength(cfg.apiV3Key, 'utf8') !== 32) throw new Error('WeChat Pay APIv3 key must be 32 bytes');
    this.keys = new WechatPayKeys(cfg.platform);
    this.base = trimSlash(cfg.baseUrl);
    const privatePem = normalizePem(cfg.merchantPrivateKey);
    this.pay = new Pay({
      appid: cfg.appId,
      mchid: cfg.mchId,
      serial_no: cfg.merchantSerialNo,
      publicKey: Buffer.from(merchantPublicPem(privatePem)),
      privateKey: Buffer.from(privatePem),
      key: cfg.apiV3Key,
      userAgent: 'ih-bff (wechatpay-node-v3/2.2.1)',
    });
    this.pay.createHttp({
      get: (url: string, headers: Record<string, string>) => this.send('GET', url, headers),
      post: (url: string, params: Record<string, unknown>, headers: Record<string, string>) => this.send('POST', url, headers, params),
      upload: async () => {
        throw new PlatformError({ platform: 'wechat-pay', kind: 'rejected', code: 'UNSUPPORTED', message: 'uploads are not used', retryable: false });
      },
    } as never);
    this.verifyAndParseNotify = createNotifyVerifier({
      keys: this.keys,
      apiV3Key: cfg.apiV3Key,
      ...(cfg.nonceStore ? { nonceStore: cfg.nonceStore } : {}),
      ...(cfg.callbackMaxAgeSeconds !== undefined ? { maxAgeSeconds: cfg.callbackMaxAgeSeconds } : {}),
    });
  }

  // ---- the injected HTTP layer ---------------------------------------------------------------------
  private async send(method: 'GET' | 'POST', libUrl: string, headers: Record<string, string>, params?: Record<string, unknown>): Promise<LibOutput> {
    if (!libUrl.startsWith(WECHAT_PAY_HOST)) throw new PlatformError({ platform: 'wechat-pay', kind: 'rejected', code: 'BAD_URL', message: 'unexpected WeChat Pay URL', retryable: false });
    const path = libUrl.slice(WECHAT_PAY_HOST.length);
    const operation = operationOf(method, path);
    const h: Record<string, string> = {};
    for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() !== 'accept-encoding') h[k] = String(v);
    h['Wechatpay-Serial'] = this.keys.preferredSerial;
    const res = await platformRequest({
      platform: 'wechat-pay',
      operation,
      url: this.base + path,
      method,
      headers: h,
      // Exactly the bytes the library signed (JSON.stringify of the same object).
      ...(params !== undefined ? { body: JSON.stringify(params) } : {}),
      timeoutMs: this.cfg.timeoutMs,
      idempotent: method === 'GET',
      ...(this.cfg.fetch ? { fetch: this.cfg.fetch } : {}),
      ...(this.cfg.onEvent ? { onEvent: this.cfg.onEvent } : {}),
    });
    if (res.status >= 400) throw wechatPayErrorFrom(operation, res.status, res.headers, res.text);
    this.verifyAnswer(operation, method, res);
    return { status: res.status, data: res.text ? parseJson(res.text, 'wechat-pay', operation) : undefined };
  }

  /** Every 2xx answer must carry a fresh, valid platform signature; otherwise it is not trusted. */
  private verifyAnswer(operation: string, method: string, res: PlatformResponse): void {
    const fail = (code: string, message: string) =>
      new PlatformError({ platform: 'wechat-pay', operation, kind: 'signature', code, message, retryable: false, outcomeUnknown: method !== 'GET', httpStatus: res.status });
    const ts = res.headers.get('wechatpay-timestamp');
    const nonce = res.headers.get('wechatpay-nonce');
    const sig = res.headers.get('wechatpay-signature');
    const serial = res.headers.get('wechatpay-serial');
    if (!ts || !nonce || !sig || !serial) throw fail('RESPONSE_UNSIGNED', 'answer without Wechatpay signature headers');
    if (!this.keys.has(serial)) throw fail('RESPONSE_UNKNOWN_SERIAL', 'answer signed with a key we do not trust');
    const maxAge = this.cfg.responseMaxAgeSeconds ?? 300;
    if (!/^\d{1,12}$/.test(ts) || Math.abs(Date.now() / 1000 - Number(ts)) > maxAge) throw fail('RESPONSE_STALE', 'answer timestamp outside the accepted window');
    if (!this.keys.verify(serial, ts, nonce, res.text, sig)) throw fail('RESPONSE_SIGNATURE', 'answer signature does not verify');
  }

  /** A signed request the library has no method for (the /v3/med-ins endpoints). */
  private signed(method: 'GET' | 'POST', path: string, params?: Record<string, unknown>): Promise<LibOutput> {
    const internals = this.pay as unknown as PayInternals;
    const url = WECHAT_PAY_HOST + path;
    const authorization = internals.buildAuthorization(method, url, params);
    const headers = internals.getHeaders(authorization, method === 'POST' ? { 'Content-Type': 'application/json' } : {});
    return this.send(method, url, headers, params);
  }

  // ---- JSAPI (the cash share; also plain payments) ----------------------------------------------------
  /** JSAPI prepay; WeChat Pay answers the same prepay_id again for the same out_trade_no and parameters. */
  async jsapiPrepay(input: { description: string; outTradeNo: string; notifyUrl: string; totalFen: number; openid: string; attach?: string; timeExpire?: Date }): Promise<{ prepayId: string; launch: JsapiPayLaunch }> {
    if (!Number.isSafeInteger(input.totalFen) || input.totalFen <= 0) throw new RangeError('totalFen must be a positive integer');
    const out = (await this.pay.transactions_jsapi({
      description: input.description.slice(0, 127),
      out_trade_no: input.outTradeNo,
      notify_url: input.notifyUrl,
      amount: { total: input.totalFen, currency: 'CNY' },
      payer: { openid: input.openid },
      ...(input.attach ? { attach: input.attach } : {}),
      ...(input.timeExpire ? { time_expire: rfc3339Cst(input.timeExpire) } : {}),
    })) as LibOutput;
    const launch = out.data as JsapiPayLaunch | undefined;
    const m = launch && typeof launch.package === 'string' ? /^prepay_id=(.+)$/.exec(launch.package) : null;
    if (!m || !launch?.paySign) throw new PlatformError({ platform: 'wechat-pay', operation: 'POST /v3/pay/transactions/jsapi', kind: 'bad_response', code: 'NO_PREPAY_ID', message: 'answer without prepay_id', retryable: false });
    return { prepayId: m[1]!, launch };
  }

  async queryTransaction(outTradeNo: string, expected?: { totalFen: number }): Promise<TransactionEntity> {
    const out = (await this.pay.query({ out_trade_no: outTradeNo })) as LibOutput;
    const t = out.data as TransactionEntity;
    if (!t || typeof t.trade_state !== 'string') throw new PlatformError({ platform: 'wechat-pay', operation: 'GET /v3/pay/transactions/out-trade-no/{id}', kind: 'bad_response', code: 'BAD_ANSWER', message: 'transaction answer without trade_state', retryable: false });
    if (expected) assertTransactionMatches('queryTransaction', { outTradeNo, totalFen: expected.totalFen }, t);
    return t;
  }

  async closeTransaction(outTradeNo: string): Promise<void> {
    await this.pay.close(outTradeNo);
  }

  // ---- medical-insurance mixed order ------------------------------------------------------------------
  /**
   * Creates the mixed order and checks the answer against what was sent. After a timeout or an
   * unverifiable answer the order is looked up by out_trade_no (never sent again); an
   * ALREADY_EXISTS answer (an earlier attempt did land) is resolved the same way.
   */
  async createMedInsOrder(input: MedInsOrderInput): Promise<{ order: MedInsOrderEntity; recovered: boolean }> {
    const body = buildMedInsOrderBody(input, this.cfg.appId, (s) => this.keys.encrypt(s));
    const expected = { outTradeNo: input.outTradeNo, amounts: input.amounts };
    let order: MedInsOrderEntity;
    try {
      const out = await this.signed('POST', '/v3/med-ins/orders', body);
      order = out.data as MedInsOrderEntity;
    } catch (e) {
      const landedMaybe = (e instanceof WechatPayError && e.reason === 'ALREADY_EXISTS') || (isPlatformError(e) && e.outcomeUnknown);
      if (!landedMaybe) throw e;
      let found: MedInsOrderEntity;
      try {
        found = await this.queryMedInsOrder({ outTradeNo: input.outTradeNo });
      } catch (q) {
        // Not there (yet): the outcome stays unknown; query again later or retry with the SAME out_trade_no.
        if (q instanceof WechatPayError && q.reason === 'ORDER_NOT_EXIST') throw e;
        throw q;
      }
      assertMixedOrderMatches('createMedInsOrder', expected, found as unknown as Record<string, unknown>);
      return { order: found, recovered: true };
    }
    if (!order || typeof order.mix_trade_no !== 'string' || !order.mix_trade_no) {
      throw new PlatformError({ platform: 'wechat-pay', operation: 'POST /v3/med-ins/orders', kind: 'bad_response', code: 'BAD_ANSWER', message: 'answer without mix_trade_no', retryable: false, outcomeUnknown: true });
    }
    assertMixedOrderMatches('createMedInsOrder', expected, order as unknown as Record<string, unknown>);
    return { order, recovered: false };
  }

  /** Queries by mix_trade_no or out_trade_no; with `expected`, amounts are compared with the local order. */
  async queryMedInsOrder(ref: { mixTradeNo: string } | { outTradeNo: string }, expected?: { outTradeNo: string; amounts: MixedOrderAmounts }): Promise<MedInsOrderEntity> {
    const path = 'mixTradeNo' in ref ? `/v3/med-ins/orders/mix-trade-no/${encodeURIComponent(ref.mixTradeNo)}` : `/v3/med-ins/orders/out-trade-no/${encodeURIComponent(ref.outTradeNo)}`;
    const out = await this.signed('GET', path);
    const order = out.data as MedInsOrderEntity;
    if (!order || typeof order.mix_trade_no !== 'string' || typeof order.mix_pay_status !== 'string') {
      throw new PlatformError({ platform: 'wechat-pay', operation: operationOf('GET', path), kind: 'bad_response', code: 'BAD_ANSWER', message: 'order answer without mix_trade_no/mix_pay_status', retryable: false });
    }
    if (expected) assertMixedOrderMatches('queryMedInsOrder', expected, order as unknown as Record<string, unknown>);
    return order;
  }

  /**
   * Tells WeChat Pay about an insurance refund (after 6203 succeeded). Re-sending the same
   * out_refund_no replaces the notice, so this call may be repeated safely.
   */
  async notifyMedInsRefund(mixTradeNo: string, input: { outRefundNo: string; govFen: number; selfFen: number; otherFen: number; refundTime: Date }): Promise<void> {
    for (const v of [input.govFen, input.selfFen, input.otherFen]) if (!Number.isSafeInteger(v) || v < 0) throw new RangeError('refund amounts must be non-negative integers (fen)');
    await this.signed('POST', `/v3/med-ins/refunds/notify?mix_trade_no=${encodeURIComponent(mixTradeNo)}`, {
      med_refund_total_fee: input.govFen + input.selfFen + input.otherFen,
      med_refund_gov_fee: input.govFen,
      med_refund_self_fee: input.selfFen,
      med_refund_other_fee: input.otherFen,
      refund_time: rfc3339Cst(input.refundTime),
      out_refund_no: input.outRefundNo,
    });
  }

  /** `wx.requestMedicalInsurancePay` parameters; the cash fields only when there is a cash share. */
  medicalInsuranceLaunch(mixTradeNo: string, prepayId?: string): MedicalInsurancePayLaunch {
    if (!prepayId) return { mixTradeNo, appId: this.cfg.appId };
    const timeStamp = String(Math.floor(Date.now() / 1000));
    const nonceStr = randomBytes(16).toString('hex');
    const pkg = `prepay_id=${prepayId}`;
    const paySign = this.pay.sha256WithRsa(`${this.cfg.appId}\n${timeStamp}\n${nonceStr}\n${pkg}\n`);
    return { mixTradeNo, appId: this.cfg.appId, timeStamp, nonceStr, package: pkg, signType: 'RSA', paySign };
  }

  // ---- refunds (the cash share) ----------------------------------------------------------------------
  /** Refunds cash; after a timeout the refund is looked up by out_refund_no instead of being re-sent. */
  async refund(input: { outTradeNo: string; outRefundNo: string; refundFen: number; totalFen: number; reason?: string; notifyUrl?: string }): Promise<RefundEntity> {
    if (!Number.isSafeInteger(input.refundFen) || input.refundFen <= 0 || input.refundFen > input.totalFen) throw new RangeError('refundFen must be a positive integer not above totalFen');
    const expected = { outRefundNo: input.outRefundNo, refundFen: input.refundFen, totalFen: input.totalFen };
    let r: RefundEntity;
    try {
      const out = (await this.pay.refunds({
        out_trade_no: input.outTradeNo,
        out_refund_no: input.outRefundNo,
        ...(input.reason ? { reason: input.reason.slice(0, 80) } : {}),
        ...(input.notifyUrl ? { notify_url: input.notifyUrl } : {}),
        amount: { refund: input.refundFen, total: input.totalFen, currency: 'CNY' },
      } as never)) as unknown as LibOutput;
      r = out.data as RefundEntity;
    } catch (e) {
      if (!(isPlatformError(e) && e.outcomeUnknown)) throw e;
      let found: RefundEntity;
      try {
        found = await this.queryRefund(input.outRefundNo);
      } catch (q) {
        if (q instanceof WechatPayError && q.reason === 'ORDER_NOT_EXIST') throw e;
        throw q;
      }
      assertRefundMatches('refund', expected, found);
      return found;
    }
    assertRefundMatches('refund', expected, r);
    return r;
  }

  async queryRefund(outRefundNo: string, expected?: { refundFen: number }): Promise<RefundEntity> {
    const out = (await this.pay.find_refunds(outRefundNo)) as unknown as LibOutput;
    const r = out.data as RefundEntity;
    if (!r || typeof r.status !== 'string') throw new PlatformError({ platform: 'wechat-pay', operation: 'GET /v3/refund/domestic/refunds/{id}', kind: 'bad_response', code: 'BAD_ANSWER', message: 'refund answer without status', retryable: false });
    if (expected) assertRefundMatches('queryRefund', { outRefundNo, refundFen: expected.refundFen }, r);
    return r;
  }
}
