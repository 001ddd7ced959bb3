/**
 * WeChat Pay v3 mock (/wechat-pay): JSAPI prepay, the medical-insurance mixed order
 * (/v3/med-ins/orders, queries, /v3/med-ins/refunds/notify), domestic refunds and the platform
 * certificate download, behaving like api.mch.weixin.qq.com:
 *   - every /v3 request must carry a valid merchant signature (Authorization: WECHATPAY2-SHA256-RSA2048 …,
 *     5-minute timestamp window, nonce not reused) → else 401 SIGN_ERROR;
 *   - every answer is signed with the platform key (Wechatpay-Timestamp/-Nonce/-Signature/-Serial),
 *     the key chosen by the request's Wechatpay-Serial (public-key id or certificate serial);
 *   - errors are `{code, message}` with the numeric error code at the end of the Request-ID header
 *     (e.g. `…-268545961`), as WeChat Pay's troubleshooting guide describes;
 *   - callbacks (MEDICAL_INSURANCE.SUCCESS, TRANSACTION.SUCCESS, REFUND.SUCCESS) are signed and
 *     AES-256-GCM encrypted with the APIv3 key (see notifier.ts for the notify faults).
 *
 * The user confirming payment in WeChat is simulated programmatically (`state.payMixedOrder`,
 * `state.payTransaction`) or over HTTP:
 *   POST /wechat-pay/__mock/med-ins/orders/{mix_trade_no}/pay  {result?: "SUCCESS"|"FAIL", fail_reason?}
 *   POST /wechat-pay/__mock/transactions/{out_trade_no}/pay
 *   GET  /wechat-pay/__mock/notifications   (callbacks sent, with attempts and faults)
 * Env: MOCK_WECHAT_PAY_NOTIFY_RETRY_MS (comma-separated retry delays), MOCK_WECHAT_PAY_REFUND_DELAY_MS.
 */
import { createHash, randomInt } from 'node:crypto';
import type Router from '@koa/router';
import type { RouterContext } from '@koa/router';
import type { KeyObject } from 'node:crypto';
import type { MockContext, MockPlatform } from '../../app';
import type { FaultKind, FaultRegistry } from '../../faults';
import { loadDemoDirectory, type DemoDirectory } from '../wechat/demo';
import type { InsuranceCenterLink } from '../wechat/insurance-link';
import { Notifier, rfc3339, shiftAmounts, type OutgoingNotification } from './notifier';
import {
  decryptSensitive,
  encryptResource,
  nonce as makeNonce,
  parseAuthorization,
  privateKeyFrom,
  publicKeyFrom,
  signMessage,
  strangerPrivateKey,
  verifyMerchantSignature,
  type PlatformIdentity,
} from './sign';
import { chinaStamp14 } from '@ih/contract';

export { Notifier } from './notifier';
export * from './sign';

export const WECHAT_PAY_PLATFORM = 'wechat-pay';

export interface WechatPayMockOptions {
  mchId: string;
  /** AppIDs bound to the merchant. */
  appIds: string[];
  merchantPublicKeyPem: string;
  merchantSerialNo: string;
  apiV3Key: string;
  /** Public-key mode (PUB_KEY_ID_…) identity. */
  publicKeyId: string;
  publicKeyPrivatePem: string;
  /** Certificate mode identity (optional). */
  platformCertPem?: string;
  platformCertPrivatePem?: string;
  /** Identity used when the request names none: 'publicKey' (default) or 'certificate'. */
  defaultMode?: 'publicKey' | 'certificate';
  insurance?: InsuranceCenterLink;
  directory?: DemoDirectory;
  notifyRetryDelaysMs?: number[];
  notifyTimeoutMs?: number;
  /** Time until a domestic refund succeeds (ms). */
  refundDelayMs?: number;
}

// ---- error catalogue (numeric codes from WeChat Pay's med-ins troubleshooting guide) --------------
const E = {
  PARAM: { status: 400, code: 'PARAM_ERROR', errno: 268435461, message: '参数非法' },
  SIGN: { status: 401, code: 'SIGN_ERROR', errno: 0, message: '签名错误' },
  NOT_FOUND: { status: 404, code: 'ORDER_NOT_EXIST', errno: 268529515, message: '未找到订单，请确认订单号是否正确' },
  EXISTS: { status: 400, code: 'ALREADY_EXISTS', errno: 268512536, message: '订单已存在' },
  OPENID: { status: 400, code: 'PARAM_ERROR', errno: 268510603, message: '请确认AppID与OpenID是否正确，并确保OpenID是从对应的AppID下获取的' },
  ID_DIGEST: { status: 400, code: 'INVALID_REQUEST', errno: 268545961, message: '入参个人身份ID摘要和医保电子凭证绑卡身份ID摘要不匹配' },
  NAME: { status: 400, code: 'INVALID_REQUEST', errno: 268545962, message: '入参用户姓名和医保电子凭证绑卡姓名不匹配' },
  NOT_BOUND: { status: 400, code: 'INVALID_REQUEST', errno: 268545963, message: '微信号未绑定医保电子凭证' },
  NO_RELATIVE: { status: 400, code: 'INVALID_REQUEST', errno: 268545964, message: '亲属关系不存在，请传入有效亲属关系后重试' },
  PAY_AUTH: { status: 400, code: 'INVALID_REQUEST', errno: 268547120, message: 'PAY_AUTH_NO 校验失败，请确认无误后重试' },
  SETTLE: { status: 400, code: 'INVALID_REQUEST', errno: 268510610, message: '医保局结算校验失败，请确认医保相关的字段是否正确' },
  TOTAL: { status: 400, code: 'RULE_LIMIT', errno: 268529477, message: '订单总金额校验不通过' },
  CASH: { status: 400, code: 'RULE_LIMIT', errno: 268529476, message: '自费金额校验不通过' },
  MIXED: { status: 400, code: 'RULE_LIMIT', errno: 268529481, message: '混合单金额不正确' },
  CASH_ONLY_FIELDS: { status: 400, code: 'RULE_LIMIT', errno: 268529474, message: '纯自费单字段校验失败' },
  MIXED_FIELDS: { status: 400, code: 'RULE_LIMIT', errno: 268529475, message: '合支付单字段校验失败' },
  OUT_TRADE_NO_USED: { status: 400, code: 'INVALID_REQUEST', errno: 0, message: '201 商户订单号重复' },
  ORDER_PAID: { status: 400, code: 'ORDERPAID', errno: 0, message: '订单已支付' },
  ORDER_CLOSED: { status: 400, code: 'ORDER_CLOSED', errno: 0, message: '订单已关闭' },
  REFUND_STATE: { status: 400, code: 'INVALID_REQUEST', errno: 0, message: '订单状态不允许退款' },
  // WeChat Pay v3: INVALID_REQUEST = well-formed but against a business rule; PARAM_ERROR = malformed.
  REFUND_TOO_MUCH: { status: 400, code: 'INVALID_REQUEST', errno: 0, message: '申请退款金额超过订单可退金额' },
  RESOURCE_NOT_EXISTS: { status: 404, code: 'RESOURCE_NOT_EXISTS', errno: 0, message: '退款单不存在' },
} as const;
type ErrorSpec = (typeof E)[keyof typeof E];

class WxError extends Error {
  constructor(
    readonly spec: ErrorSpec,
    readonly detail?: string,
  ) {
    super(spec.message);
  }
}

const isUint = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const isStr = (v: unknown, max = 256): v is string => typeof v === 'string' && v.length > 0 && v.length <= max;
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
export const idDigest = (idNumber: string) => createHash('md5').update(idNumber.toUpperCase(), 'utf8').digest('hex');

const stamp = chinaStamp14;
const digits = (n: number) => Array.from({ length: n }, () => randomInt(0, 10)).join('');

// ---- state ---------------------------------------------------------------------------------------
export interface Transaction {
  appid: string;
  mchid: string;
  description: string;
  out_trade_no: string;
  notify_url: string;
  attach?: string;
  amount: { total: number; currency: string };
  payer: { openid: string };
  prepay_id: string;
  transaction_id?: string;
  trade_state: 'NOTPAY' | 'SUCCESS' | 'CLOSED' | 'REFUND' | 'PAYERROR';
  success_time?: string;
  identity: PlatformIdentity;
  requestHash: string;
}

export type MixPayStatus = 'MIX_PAY_CREATED' | 'MIX_PAY_SUCCESS' | 'MIX_PAY_REFUND' | 'MIX_PAY_FAIL';

export interface MedInsOrder {
  entity: Record<string, unknown> & {
    mix_trade_no: string;
    mix_pay_status: MixPayStatus;
    self_pay_status: string;
    med_ins_pay_status: string;
    out_trade_no: string;
    callback_url: string;
    total_fee: number;
    wechat_pay_cash_fee: number;
  };
  /** Decrypted payer (kept inside the mock, never answered). */
  payer: { name: string; idDigest: string };
  medInsRefunds: Array<Record<string, unknown>>;
  identity: PlatformIdentity;
}

export interface Refund {
  refund_id: string;
  out_refund_no: string;
  transaction_id: string;
  out_trade_no: string;
  channel: 'ORIGINAL';
  user_received_account: string;
  create_time: string;
  success_time?: string;
  status: 'PROCESSING' | 'SUCCESS' | 'CLOSED' | 'ABNORMAL';
  funds_account: 'AVAILABLE';
  amount: { total: number; refund: number; payer_total: number; payer_refund: number; settlement_refund: number; settlement_total: number; discount_refund: number; currency: 'CNY' };
  notify_url?: string;
  identity: PlatformIdentity;
}

export class WechatPayState {
  readonly transactions = new Map<string, Transaction>();
  readonly orders = new Map<string, MedInsOrder>();
  readonly refunds = new Map<string, Refund>();
  readonly seenNonces = new Map<string, number>();
  readonly usedPayAuthNos = new Map<string, string>();
  notifier?: Notifier;
  faults?: FaultRegistry;

  constructor(
    readonly opts: WechatPayMockOptions,
    readonly identities: Map<string, PlatformIdentity>,
    readonly directory: DemoDirectory,
  ) {}

  reset(): void {
    this.transactions.clear();
    this.orders.clear();
    this.refunds.clear();
    this.seenNonces.clear();
    this.usedPayAuthNos.clear();
    this.notifier?.reset();
  }

  defaultIdentity(): PlatformIdentity {
    const want = this.opts.defaultMode ?? 'publicKey';
    return [...this.identities.values()].find((i) => i.mode === want) ?? [...this.identities.values()][0]!;
  }

  private requireNotifier(): Notifier {
    if (!this.notifier) throw new Error('wechat-pay mock is not mounted (createMockApp must have run its routes)');
    return this.notifier;
  }

  /** The user pays a plain JSAPI order in WeChat: TRANSACTION.SUCCESS to its notify_url. */
  payTransaction(outTradeNo: string): Transaction {
    const t = this.transactions.get(outTradeNo);
    if (!t) throw new WxError(E.NOT_FOUND);
    if (t.trade_state !== 'NOTPAY') throw new WxError(E.ORDER_PAID, `trade_state ${t.trade_state}`);
    this.markTransactionPaid(t);
    this.requireNotifier().sendBatch([this.transactionNotification(t)]);
    return t;
  }

  private markTransactionPaid(t: Transaction): void {
    t.trade_state = 'SUCCESS';
    t.transaction_id = `42000${digits(5)}${stamp().slice(0, 8)}${digits(10)}`;
    t.success_time = rfc3339();
  }

  transactionView(t: Transaction): Record<string, unknown> {
    return {
      appid: t.appid,
      mchid: t.mchid,
      out_trade_no: t.out_trade_no,
      ...(t.transaction_id ? { transaction_id: t.transaction_id } : {}),
      trade_type: 'JSAPI',
      trade_state: t.trade_state,
      trade_state_desc: { NOTPAY: '未支付', SUCCESS: '支付成功', CLOSED: '已关闭', REFUND: '转入退款', PAYERROR: '支付失败' }[t.trade_state],
      ...(t.trade_state === 'SUCCESS' || t.trade_state === 'REFUND' ? { bank_type: 'OTHERS', success_time: t.success_time } : {}),
      attach: t.attach ?? '',
      payer: { openid: t.payer.openid },
      amount: {
        total: t.amount.total,
        ...(t.transaction_id ? { payer_total: t.amount.total } : {}),
        currency: 'CNY',
        payer_currency: 'CNY',
      },
    };
  }

  private transactionNotification(t: Transaction): OutgoingNotification {
    return {
      url: t.notify_url,
      eventType: 'TRANSACTION.SUCCESS',
      summary: '支付成功',
      originalType: 'transaction',
      associatedData: 'transaction',
      plaintext: this.transactionView(t),
      identity: t.identity,
    };
  }

  /**
   * The user confirms the mixed order in WeChat (医保电子凭证 password + cash payment).
   * SUCCESS: the center settles the pay order; MEDICAL_INSURANCE.SUCCESS goes to callback_url and
   * TRANSACTION.SUCCESS to the cash prepay's notify_url. FAIL: MIX_PAY_FAIL with med_ins_fail_reason.
   */
  payMixedOrder(mixTradeNo: string, input: { result?: 'SUCCESS' | 'FAIL'; fail_reason?: string } = {}): MedInsOrder {
    const order = this.orders.get(mixTradeNo);
    if (!order) throw new WxError(E.NOT_FOUND);
    if (order.entity.mix_pay_status !== 'MIX_PAY_CREATED') throw new WxError(E.ORDER_PAID, `mix_pay_status ${order.entity.mix_pay_status}`);
    const e = order.entity;
    const hasCash = e.self_pay_status !== 'NO_SELF_PAY';
    const hasIns = e.med_ins_pay_status !== 'NO_MED_INS_PAY';
    if (input.result === 'FAIL') {
      e.mix_pay_status = 'MIX_PAY_FAIL';
      if (hasIns) e.med_ins_pay_status = 'MED_INS_PAY_FAIL';
      if (hasCash) e.self_pay_status = 'SELF_PAY_FAIL';
      e.med_ins_fail_reason = input.fail_reason ?? '医保结算失败，请稍后重试';
      return order;
    }
    if (hasIns && typeof e.pay_order_id === 'string' && this.opts.insurance?.settlePayOrder) {
      this.opts.insurance.settlePayOrder(e.pay_order_id);
      const po = this.opts.insurance.getPayOrder?.(e.pay_order_id);
      // The center refused to settle (suspended, balance, state): the insurance part failed.
      if (po && !['3', '4', '5', '6'].includes(po.ordStas)) return this.payMixedOrder(mixTradeNo, { result: 'FAIL', fail_reason: '医保结算失败，请稍后重试或联系医院' });
    }
    e.mix_pay_status = 'MIX_PAY_SUCCESS';
    if (hasIns) e.med_ins_pay_status = 'MED_INS_PAY_SUCCESS';
    if (hasCash) e.self_pay_status = 'SELF_PAY_SUCCESS';
    e.paid_time = rfc3339();
    const batch: OutgoingNotification[] = [];
    const t = this.transactions.get(e.out_trade_no);
    if (hasCash && t && t.trade_state === 'NOTPAY') {
      this.markTransactionPaid(t);
      batch.push(this.transactionNotification(t));
    }
    batch.push({
      url: e.callback_url,
      eventType: 'MEDICAL_INSURANCE.SUCCESS',
      summary: '医保混合收款成功',
      originalType: 'mix_trade',
      associatedData: 'mix_trade',
      plaintext: this.orderView(order),
      identity: order.identity,
    });
    this.requireNotifier().sendBatch(batch);
    return order;
  }

  orderView(order: MedInsOrder): Record<string, unknown> {
    return structuredClone(order.entity);
  }

  refundView(r: Refund): Record<string, unknown> {
    const { identity: _i, notify_url: _n, ...view } = r;
    return structuredClone(view) as Record<string, unknown>;
  }

  completeRefund(r: Refund): void {
    if (r.status !== 'PROCESSING') return;
    r.status = 'SUCCESS';
    r.success_time = rfc3339();
    const t = this.transactions.get(r.out_trade_no);
    const refunded = sum([...this.refunds.values()].filter((x) => x.out_trade_no === r.out_trade_no && x.status === 'SUCCESS').map((x) => x.amount.refund));
    if (t && refunded >= t.amount.total) t.trade_state = 'REFUND';
    const order = [...this.orders.values()].find((o) => o.entity.out_trade_no === r.out_trade_no);
    if (order && t && refunded >= t.amount.total) {
      order.entity.self_pay_status = 'SELF_PAY_REFUND';
      this.updateMixRefund(order);
    }
    if (r.notify_url) {
      this.requireNotifier().sendBatch([
        {
          url: r.notify_url,
          eventType: 'REFUND.SUCCESS',
          summary: '退款成功',
          originalType: 'refund',
          associatedData: 'refund',
          plaintext: {
            mchid: this.opts.mchId,
            out_trade_no: r.out_trade_no,
            transaction_id: r.transaction_id,
            out_refund_no: r.out_refund_no,
            refund_id: r.refund_id,
            refund_status: 'SUCCESS',
            success_time: r.success_time,
            user_received_account: r.user_received_account,
            amount: { total: r.amount.total, refund: r.amount.refund, payer_total: r.amount.payer_total, payer_refund: r.amount.payer_refund },
          },
          identity: r.identity,
        },
      ]);
    }
  }

  updateMixRefund(order: MedInsOrder): void {
    const e = order.entity;
    const cashDone = e.self_pay_status === 'NO_SELF_PAY' || e.self_pay_status === 'SELF_PAY_REFUND';
    const insDone = e.med_ins_pay_status === 'NO_MED_INS_PAY' || e.med_ins_pay_status === 'MED_INS_PAY_REFUND';
    if (cashDone && insDone) e.mix_pay_status = 'MIX_PAY_REFUND';
  }
}

// ---- the platform ----------------------------------------------------------------------------------
export interface WechatPayMock {
  platform: MockPlatform;
  state: WechatPayState;
}

export function createWechatPayMock(opts: WechatPayMockOptions): WechatPayMock {
  const identities = new Map<string, PlatformIdentity>();
  identities.set(opts.publicKeyId, { serial: opts.publicKeyId, mode: 'publicKey', privateKey: privateKeyFrom(opts.publicKeyPrivatePem) });
  if (opts.platformCertPem && opts.platformCertPrivatePem) {
    const { X509Certificate } = require('node:crypto') as typeof import('node:crypto');
    const serial = new X509Certificate(opts.platformCertPem.replace(/\\n/g, '\n')).serialNumber.toUpperCase();
    identities.set(serial, { serial, mode: 'certificate', privateKey: privateKeyFrom(opts.platformCertPrivatePem) });
  }
  const merchantKey: KeyObject = publicKeyFrom(opts.merchantPublicKeyPem);
  const directory = opts.directory ?? loadDemoDirectory();
  const state = new WechatPayState(opts, identities, directory);
  const prefix = '/wechat-pay';

  const platform: MockPlatform = {
    name: WECHAT_PAY_PLATFORM,
    prefix,
    describe: '微信支付 v3（JSAPI、医保混合收款 /v3/med-ins、退款、回调）；POST /wechat-pay/__mock/med-ins/orders/{mix_trade_no}/pay 模拟用户确认支付',
    reset: () => state.reset(),
    routes(router: Router, ctx: MockContext) {
      state.faults = ctx.faults;
      state.notifier = new Notifier({
        platform: WECHAT_PAY_PLATFORM,
        apiV3Key: opts.apiV3Key,
        faults: () => ctx.faults,
        ...(opts.notifyRetryDelaysMs ? { retryDelaysMs: opts.notifyRetryDelaysMs } : {}),
        ...(opts.notifyTimeoutMs ? { timeoutMs: opts.notifyTimeoutMs } : {}),
      });
      const take = (kinds: FaultKind[], ...ops: string[]) => {
        for (const op of ops) {
          const f = ctx.faults.take(WECHAT_PAY_PLATFORM, op, kinds);
          if (f) return f;
        }
        return undefined;
      };

      // Sign every /v3 answer; map thrown WxError to WeChat Pay's error shape.
      router.use(async (c, next) => {
        if (!c.path.startsWith(`${prefix}/v3/`)) return next();
        const op = c.path.slice(prefix.length);
        // The route pattern (e.g. /v3/med-ins/orders/mix-trade-no/:no) so that faults can target it.
        const routeLayer = ((c as unknown as { matched?: Array<{ path: string; methods: string[] }> }).matched ?? []).filter((l) => l.methods.length > 0).pop();
        const template = routeLayer ? routeLayer.path.slice(prefix.length) : op;
        let identity = state.defaultIdentity();
        const askedSerial = c.get('Wechatpay-Serial');
        if (askedSerial && identities.has(askedSerial)) identity = identities.get(askedSerial)!;
        c.state.identity = identity;
        let errno = 0;
        try {
          // Merchant authentication.
          const auth = parseAuthorization(c.get('Authorization'));
          const url = c.url.slice(prefix.length);
          const body = typeof (c.request as { rawBody?: string }).rawBody === 'string' ? (c.request as { rawBody?: string }).rawBody! : '';
          if (!auth) throw new WxError(E.SIGN, 'Authorization 头缺失或格式错误');
          if (auth.mchid !== opts.mchId) throw new WxError(E.SIGN, 'mchid 与证书不匹配');
          if (auth.serial_no !== opts.merchantSerialNo) throw new WxError(E.SIGN, '商户证书序列号无效');
          if (!/^\d{10}$/.test(auth.timestamp) || Math.abs(Date.now() / 1000 - Number(auth.timestamp)) > 300) throw new WxError(E.SIGN, '请求时间戳过期');
          if (!verifyMerchantSignature(merchantKey, c.method, url, auth, body)) throw new WxError(E.SIGN, '签名验证失败');
          for (const [n, at] of state.seenNonces) if (at < Date.now() - 600_000) state.seenNonces.delete(n);
          if (state.seenNonces.has(`${auth.nonce_str}|${auth.timestamp}`)) throw new WxError(E.SIGN, '请求重放');
          state.seenNonces.set(`${auth.nonce_str}|${auth.timestamp}`, Date.now());
          const injected = take(['platform_error'], op, template);
          if (injected) {
            c.status = Number(injected.params.status ?? 400);
            c.body = { code: String(injected.params.code ?? 'SYSTEM_ERROR'), message: String(injected.params.message ?? '系统错误') };
            errno = Number(injected.params.errno ?? 0);
          } else {
            await next();
          }
        } catch (e) {
          if (!(e instanceof WxError)) throw e;
          c.status = e.spec.status;
          c.body = { code: e.spec.code, message: e.spec.message, ...(e.detail ? { detail: { issue: e.detail } } : {}) };
          errno = e.spec.errno;
        }
        const ok = c.status >= 200 && c.status < 300;
        if (ok && c.body && typeof c.body === 'object') {
          const wrong = take(['wrong_amount'], op, template);
          if (wrong) shiftAmounts(c.body as Record<string, unknown>, Number(wrong.params.deltaFen ?? 1));
        }
        const text = c.body === undefined || c.body === null ? '' : typeof c.body === 'string' ? c.body : JSON.stringify(c.body);
        if (text) {
          c.body = text;
          c.type = 'application/json';
        }
        const badSig = ok ? take(['bad_signature'], op, template) : undefined;
        const stale = ok ? take(['stale_timestamp'], op, template) : undefined;
        const ts = String(Math.floor(Date.now() / 1000) - (stale ? Number(stale.params.seconds ?? 600) : 0));
        const nonceStr = makeNonce(32);
        c.set('Request-ID', `${makeNonce(32)}${errno ? `-${errno}` : ''}`);
        c.set('Wechatpay-Timestamp', ts);
        c.set('Wechatpay-Nonce', nonceStr);
        c.set('Wechatpay-Serial', identity.serial);
        c.set('Wechatpay-Signature', signMessage(badSig ? strangerPrivateKey() : identity.privateKey, ts, nonceStr, text));
      });

      // -- platform certificates (certificate mode) --
      router.get('/v3/certificates', (c) => {
        c.body = {
          data: [...identities.values()]
            .filter((i) => i.mode === 'certificate')
            .map((i) => ({
              serial_no: i.serial,
              effective_time: rfc3339(Date.now() - 86_400_000),
              expire_time: rfc3339(Date.now() + 5 * 365 * 86_400_000),
              encrypt_certificate: { algorithm: 'AEAD_AES_256_GCM', ...encryptResource(opts.apiV3Key, opts.platformCertPem!.replace(/\\n/g, '\n'), 'certificate') },
            })),
        };
      });

      // -- JSAPI prepay --
      router.post('/v3/pay/transactions/jsapi', (c) => {
        const b = (c.request.body ?? {}) as Record<string, any>;
        if (!isStr(b.appid, 32) || !opts.appIds.includes(b.appid)) throw new WxError(E.PARAM, 'appid 无效或未与商户号绑定');
        if (b.mchid !== opts.mchId) throw new WxError(E.PARAM, 'mchid 无效');
        if (!isStr(b.description, 127)) throw new WxError(E.PARAM, 'description 缺失');
        if (!isStr(b.out_trade_no, 32) || !/^[A-Za-z0-9_\-|*]{6,32}$/.test(b.out_trade_no)) throw new WxError(E.PARAM, 'out_trade_no 格式错误');
        if (!isStr(b.notify_url, 256) || !/^https?:\/\/[^?]+$/.test(b.notify_url)) throw new WxError(E.PARAM, 'notify_url 格式错误（不能带参数）');
        if (!b.amount || !isUint(b.amount.total) || b.amount.total <= 0) throw new WxError(E.PARAM, 'amount.total 必须是正整数（分）');
        if (!b.payer || !isStr(b.payer.openid, 128)) throw new WxError(E.PARAM, 'payer.openid 缺失');
        const hash = createHash('sha256').update((c.request as { rawBody?: string }).rawBody ?? '').digest('hex');
        const existing = state.transactions.get(b.out_trade_no);
        if (existing) {
          if (existing.trade_state === 'SUCCESS' || existing.trade_state === 'REFUND') throw new WxError(E.ORDER_PAID);
          if (existing.trade_state === 'CLOSED') throw new WxError(E.ORDER_CLOSED);
          const same = existing.amount.total === b.amount.total && existing.payer.openid === b.payer.openid && existing.appid === b.appid;
          if (!same) throw new WxError(E.OUT_TRADE_NO_USED);
          c.body = { prepay_id: existing.prepay_id };
          return;
        }
        const t: Transaction = {
          appid: b.appid,
          mchid: b.mchid,
          description: b.description,
          out_trade_no: b.out_trade_no,
          notify_url: b.notify_url,
          ...(typeof b.attach === 'string' ? { attach: b.attach } : {}),
          amount: { total: b.amount.total, currency: 'CNY' },
          payer: { openid: b.payer.openid },
          prepay_id: `wx${stamp()}${digits(20)}`,
          trade_state: 'NOTPAY',
          identity: c.state.identity as PlatformIdentity,
          requestHash: hash,
        };
        state.transactions.set(t.out_trade_no, t);
        c.body = { prepay_id: t.prepay_id };
      });

      router.get('/v3/pay/transactions/out-trade-no/:no', (c) => {
        const t = state.transactions.get(c.params.no ?? '');
        if (!t || c.query.mchid !== opts.mchId) throw new WxError(E.NOT_FOUND);
        c.body = state.transactionView(t);
      });
      router.get('/v3/pay/transactions/id/:id', (c) => {
        const t = [...state.transactions.values()].find((x) => x.transaction_id === c.params.id);
        if (!t || c.query.mchid !== opts.mchId) throw new WxError(E.NOT_FOUND);
        c.body = state.transactionView(t);
      });
      router.post('/v3/pay/transactions/out-trade-no/:no/close', (c) => {
        const t = state.transactions.get(c.params.no ?? '');
        if (!t) throw new WxError(E.NOT_FOUND);
        if (t.trade_state === 'SUCCESS' || t.trade_state === 'REFUND') throw new WxError(E.ORDER_PAID);
        t.trade_state = 'CLOSED';
        c.status = 204;
      });

      // -- medical-insurance mixed order --
      router.post('/v3/med-ins/orders', (c) => {
        const b = (c.request.body ?? {}) as Record<string, any>;
        const identity = c.state.identity as PlatformIdentity;
        const serialHeader = c.get('Wechatpay-Serial');
        if (!serialHeader || !identities.has(serialHeader)) throw new WxError(E.PARAM, 'Wechatpay-Serial 缺失或无效，无法解密敏感字段');
        const MIX = ['CASH_ONLY', 'INSURANCE_ONLY', 'CASH_AND_INSURANCE'];
        const ORDER_TYPES = ['REG_PAY', 'DIAG_PAY', 'COVID_EXAM_PAY', 'IN_HOSP_PAY', 'PHARMACY_PAY', 'INSURANCE_PAY', 'INT_REG_PAY', 'INT_RE_DIAG_PAY', 'INT_RX_PAY', 'COVID_ANTIGEN_PAY', 'MED_PAY'];
        if (!MIX.includes(b.mix_pay_type)) throw new WxError(E.PARAM, 'mix_pay_type 无效');
        if (!ORDER_TYPES.includes(b.order_type)) throw new WxError(E.PARAM, 'order_type 无效');
        if (!isStr(b.appid, 32)) throw new WxError(E.PARAM, 'appid 缺失');
        if (!opts.appIds.includes(b.appid)) throw new WxError(E.OPENID);
        if (!isStr(b.openid, 128)) throw new WxError(E.PARAM, 'openid 缺失');
        if (!b.payer || !isStr(b.payer.name, 2048) || !isStr(b.payer.id_digest, 2048)) throw new WxError(E.PARAM, 'payer 缺失');
        if (b.payer.card_type !== undefined && b.payer.card_type !== 'ID_CARD' && typeof b.payer.card_type !== 'string') throw new WxError(E.PARAM, 'payer.card_type 无效');
        if (!isStr(b.out_trade_no, 64)) throw new WxError(E.PARAM, 'out_trade_no 缺失');
        if (!isStr(b.serial_no, 20)) throw new WxError(E.PARAM, 'serial_no 缺失或超过 20 位');
        if (!isStr(b.city_id, 8) || !isStr(b.med_inst_name, 128) || !isStr(b.med_inst_no, 32)) throw new WxError(E.PARAM, 'city_id/med_inst_name/med_inst_no 缺失');
        if (!isStr(b.callback_url, 256) || !/^https?:\/\/[^?]+$/.test(b.callback_url)) throw new WxError(E.PARAM, 'callback_url 格式错误（不能带参数）');
        if (!isUint(b.total_fee)) throw new WxError(E.PARAM, 'total_fee 必须是整数（分）');
        for (const k of ['med_ins_gov_fee', 'med_ins_self_fee', 'med_ins_other_fee', 'med_ins_cash_fee', 'wechat_pay_cash_fee']) {
          if (b[k] !== undefined && !isUint(b[k])) throw new WxError(E.PARAM, `${k} 必须是整数（分）`);
        }
        const adds = (b.cash_add_detail ?? []) as Array<Record<string, unknown>>;
        const reduces = (b.cash_reduce_detail ?? []) as Array<Record<string, unknown>>;
        if (!Array.isArray(adds) || !Array.isArray(reduces)) throw new WxError(E.PARAM, 'cash_add_detail/cash_reduce_detail 必须是数组');
        const ADD_TYPES = ['DEFAULT_ADD_TYPE', 'FREIGHT', 'OTHER_MEDICAL_EXPENSES'];
        const REDUCE_TYPES = ['DEFAULT_REDUCE_TYPE', 'HOSPITAL_REDUCE', 'PHARMACY_DISCOUNT', 'DISCOUNT', 'PRE_PAYMENT', 'DEPOSIT_DEDUCTION'];
        for (const a of adds) if (!isUint(a.cash_add_fee) || !ADD_TYPES.includes(String(a.cash_add_type))) throw new WxError(E.PARAM, 'cash_add_detail 无效');
        for (const r of reduces) if (!isUint(r.cash_reduce_fee) || !REDUCE_TYPES.includes(String(r.cash_reduce_type))) throw new WxError(E.PARAM, 'cash_reduce_detail 无效');

        // Field linkage by mix_pay_type.
        const insFields = ['pay_order_id', 'pay_auth_no', 'geo_location', 'med_ins_order_create_time'];
        const feeFields = ['med_ins_gov_fee', 'med_ins_self_fee', 'med_ins_other_fee', 'med_ins_cash_fee'];
        if (b.mix_pay_type === 'CASH_ONLY') {
          if (insFields.some((k) => b[k] !== undefined) || feeFields.slice(0, 3).some((k) => (b[k] ?? 0) !== 0)) throw new WxError(E.CASH_ONLY_FIELDS);
          if (!isUint(b.wechat_pay_cash_fee) || b.wechat_pay_cash_fee <= 0 || !isStr(b.prepay_id, 64)) throw new WxError(E.CASH_ONLY_FIELDS);
        } else {
          if (insFields.some((k) => !isStr(b[k], 64)) || feeFields.some((k) => !isUint(b[k]))) throw new WxError(E.MIXED_FIELDS);
          if (b.mix_pay_type === 'INSURANCE_ONLY' && ((b.wechat_pay_cash_fee ?? 0) !== 0 || b.prepay_id !== undefined)) throw new WxError(E.MIXED_FIELDS);
          if (b.mix_pay_type === 'CASH_AND_INSURANCE' && (!isUint(b.wechat_pay_cash_fee) || b.wechat_pay_cash_fee <= 0 || !isStr(b.prepay_id, 64))) throw new WxError(E.MIXED_FIELDS);
          if (!/^-?\d{1,3}\.\d+,-?\d{1,2}\.\d+$/.test(b.geo_location)) throw new WxError(E.PARAM, 'geo_location 格式应为 经度,纬度');
          if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?[+-]\d{2}:\d{2}$/.test(b.med_ins_order_create_time)) throw new WxError(E.PARAM, 'med_ins_order_create_time 必须是 RFC3339 且带时区');
        }

        // Amount identities.
        const gov = b.med_ins_gov_fee ?? 0;
        const self = b.med_ins_self_fee ?? 0;
        const other = b.med_ins_other_fee ?? 0;
        const medCash = b.med_ins_cash_fee ?? 0;
        const wxCash = b.wechat_pay_cash_fee ?? 0;
        const addSum = sum(adds.map((a) => a.cash_add_fee as number));
        const reduceSum = sum(reduces.map((r) => r.cash_reduce_fee as number));
        const totalOk1 = b.total_fee === gov + self + other + wxCash + reduceSum;
        const totalOk2 = b.total_fee === gov + self + other + medCash + addSum;
        const cashOk = wxCash === medCash + addSum - reduceSum;
        if (!cashOk) throw new WxError(E.CASH);
        if (!totalOk1 && !totalOk2) throw new WxError(E.TOTAL);
        if (!totalOk1 || !totalOk2) throw new WxError(E.MIXED);

        // Sensitive fields: RSA-OAEP under the key named by Wechatpay-Serial.
        const key = identities.get(serialHeader)!.privateKey;
        const payerName = decryptSensitive(key, b.payer.name);
        const payerDigest = decryptSensitive(key, b.payer.id_digest);
        if (payerName === undefined || payerDigest === undefined) throw new WxError(E.PARAM, '敏感字段解密失败，请使用微信支付公钥（或平台证书）RSA-OAEP 加密并在 Wechatpay-Serial 中传入其 ID');
        let relative: { name: string; idDigest: string } | undefined;
        if (b.pay_for_relatives === true) {
          if (!b.relative || !isStr(b.relative.name, 2048) || !isStr(b.relative.id_digest, 2048)) throw new WxError(E.PARAM, '亲属信息为空');
          const rn = decryptSensitive(key, b.relative.name);
          const rd = decryptSensitive(key, b.relative.id_digest);
          if (rn === undefined || rd === undefined) throw new WxError(E.PARAM, '敏感字段解密失败');
          relative = { name: rn, idDigest: rd };
        }
        if (!/^[0-9a-f]{32}$/.test(payerDigest) || (relative && !/^[0-9a-f]{32}$/.test(relative.idDigest))) throw new WxError(E.ID_DIGEST, 'id_digest 应为大写身份证号的 MD5（32 位小写十六进制）');

        if (state.orders.has(b.out_trade_no) || [...state.orders.values()].some((o) => o.entity.out_trade_no === b.out_trade_no)) throw new WxError(E.EXISTS);

        // Cash share: the JSAPI prepay with the same out_trade_no and amount.
        if (b.mix_pay_type !== 'INSURANCE_ONLY') {
          const t = state.transactions.get(b.out_trade_no);
          if (!t || t.prepay_id !== b.prepay_id) throw new WxError(E.SETTLE, '自费预下单ID和收款预下单ID不一致');
          if (t.amount.total !== wxCash) throw new WxError(E.SETTLE, '自付费金额与支付金额不匹配');
          if (t.payer.openid !== b.openid || t.appid !== b.appid) throw new WxError(E.OPENID);
        }

        // Insurance share: pay_auth_no, the voucher's holder, the center's pre-settlement.
        if (b.mix_pay_type !== 'CASH_ONLY') {
          const link = opts.insurance;
          const grant = link?.describePayAuthNo?.(b.pay_auth_no);
          if (!grant || grant.expiresAt < Date.now()) throw new WxError(E.PAY_AUTH, '授权码无效或已过期');
          const usedBy = state.usedPayAuthNos.get(b.pay_auth_no);
          if (usedBy && usedBy !== b.out_trade_no) throw new WxError(E.PAY_AUTH, '授权码已使用');
          if (grant.openid && grant.openid !== b.openid) throw new WxError(E.PAY_AUTH, '授权码不属于当前用户');
          // grant.psnNo is the card holder who authorized (the payer); for a family authorization the
          // patient is the relative, one of the holder's linked family members.
          const holder = [...directory.people.values()].find((p) => p.psnNo === grant.psnNo);
          const account = directory.byOpenid(b.openid);
          if (!holder) throw new WxError(E.NOT_BOUND);
          if (account?.self && account.self !== holder.key) throw new WxError(E.PAY_AUTH, '授权码不属于当前微信用户');
          if (payerName !== holder.name) throw new WxError(E.NAME);
          if (payerDigest !== idDigest(holder.idNumber)) throw new WxError(E.ID_DIGEST);
          let patient = holder;
          if (b.pay_for_relatives === true || grant.family) {
            if (b.pay_for_relatives !== true || !grant.family) throw new WxError(E.PAY_AUTH, '亲情授权与 pay_for_relatives 不一致');
            const holderAccount = [...directory.accounts.values()].find((a) => a.self === holder.key);
            const rel = [...directory.people.values()].find((p) => idDigest(p.idNumber) === relative!.idDigest);
            if (!rel || rel.key === holder.key || !holderAccount?.relations[rel.key] || rel.name !== relative!.name) throw new WxError(E.NO_RELATIVE);
            if (grant.forPsnNo && grant.forPsnNo !== rel.psnNo) throw new WxError(E.NO_RELATIVE, '亲情授权不包含该亲属');
            patient = rel;
          }
          if (link?.getPayOrder) {
            const po = link.getPayOrder(b.pay_order_id);
            if (!po) throw new WxError(E.SETTLE, '医保支付单不存在');
            if (po.payAuthNo && po.payAuthNo !== b.pay_auth_no) throw new WxError(E.PAY_AUTH, '授权码与医保支付单不一致');
            if (po.psnNo !== patient.psnNo) throw new WxError(E.SETTLE, '参保人与医保支付单不一致');
            if (po.medOrgOrd && po.medOrgOrd !== b.serial_no) throw new WxError(E.SETTLE, 'serial_no 与医保费用上传的 medOrgOrd 不一致');
            if (po.ordStas !== '1') throw new WxError(E.SETTLE, `医保支付单状态[${po.ordStas}]不能结算`);
            if (po.fundPay !== gov || po.psnAcctPay !== self || po.othPay !== other || po.ownPayAmt !== medCash || po.feeSumamt !== b.total_fee - addSum) {
              throw new WxError(E.SETTLE, '预结算金额不匹配');
            }
          }
          state.usedPayAuthNos.set(b.pay_auth_no, b.out_trade_no);
        }

        const mixTradeNo = `${stamp()}${digits(16)}`;
        const { payer: _p, relative: _r, ...rest } = b;
        const entity = {
          mix_trade_no: mixTradeNo,
          mix_pay_status: 'MIX_PAY_CREATED' as MixPayStatus,
          self_pay_status: b.mix_pay_type === 'INSURANCE_ONLY' ? 'NO_SELF_PAY' : 'SELF_PAY_CREATED',
          med_ins_pay_status: b.mix_pay_type === 'CASH_ONLY' ? 'NO_MED_INS_PAY' : 'MED_INS_PAY_CREATED',
          pay_for_relatives: b.pay_for_relatives === true,
          ...rest,
        } as unknown as MedInsOrder['entity'];
        const order: MedInsOrder = { entity, payer: { name: payerName, idDigest: payerDigest }, medInsRefunds: [], identity };
        state.orders.set(mixTradeNo, order);
        c.body = state.orderView(order);
      });

      const findOrderByOutTradeNo = (no: string) => [...state.orders.values()].find((o) => o.entity.out_trade_no === no);
      router.get('/v3/med-ins/orders/mix-trade-no/:no', (c) => {
        const o = state.orders.get(c.params.no ?? '');
        if (!o) throw new WxError(E.NOT_FOUND);
        c.body = state.orderView(o);
      });
      router.get('/v3/med-ins/orders/out-trade-no/:no', (c) => {
        const o = findOrderByOutTradeNo(c.params.no ?? '');
        if (!o) throw new WxError(E.NOT_FOUND);
        c.body = state.orderView(o);
      });

      router.post('/v3/med-ins/refunds/notify', (c) => {
        const mixTradeNo = typeof c.query.mix_trade_no === 'string' ? c.query.mix_trade_no : '';
        const o = state.orders.get(mixTradeNo);
        if (!o) throw new WxError(E.NOT_FOUND);
        const b = (c.request.body ?? {}) as Record<string, any>;
        for (const k of ['med_refund_total_fee', 'med_refund_gov_fee', 'med_refund_self_fee', 'med_refund_other_fee']) {
          if (!isUint(b[k])) throw new WxError(E.PARAM, `${k} 必须是整数（分）`);
        }
        if (!isStr(b.out_refund_no, 64)) throw new WxError(E.PARAM, 'out_refund_no 缺失');
        if (!isStr(b.refund_time, 64) || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?[+-]\d{2}:\d{2}$/.test(b.refund_time)) throw new WxError(E.PARAM, 'refund_time 必须是 RFC3339 且带时区');
        if (b.med_refund_total_fee !== b.med_refund_gov_fee + b.med_refund_self_fee + b.med_refund_other_fee) throw new WxError(E.PARAM, 'med_refund_total_fee 应等于统筹+个账+其他');
        const e = o.entity;
        if (e.med_ins_pay_status === 'NO_MED_INS_PAY') throw new WxError(E.REFUND_STATE, '订单不含医保部分');
        if (e.mix_pay_status !== 'MIX_PAY_SUCCESS' && e.mix_pay_status !== 'MIX_PAY_REFUND') throw new WxError(E.REFUND_STATE);
        if (
          b.med_refund_gov_fee > (e.med_ins_gov_fee as number) ||
          b.med_refund_self_fee > (e.med_ins_self_fee as number) ||
          b.med_refund_other_fee > (e.med_ins_other_fee as number)
        ) {
          throw new WxError(E.REFUND_TOO_MUCH);
        }
        const previous = o.medInsRefunds.findIndex((r) => r.out_refund_no === b.out_refund_no);
        const record = { out_refund_no: b.out_refund_no, med_refund_total_fee: b.med_refund_total_fee, med_refund_gov_fee: b.med_refund_gov_fee, med_refund_self_fee: b.med_refund_self_fee, med_refund_other_fee: b.med_refund_other_fee, refund_time: b.refund_time };
        // Notifying again for the same refund replaces the previous notice (the latest wins).
        if (previous >= 0) o.medInsRefunds[previous] = record;
        else o.medInsRefunds.push(record);
        e.med_ins_pay_status = 'MED_INS_PAY_REFUND';
        state.updateMixRefund(o);
        c.status = 204;
      });

      // -- refunds (cash share) --
      router.post('/v3/refund/domestic/refunds', (c) => {
        const b = (c.request.body ?? {}) as Record<string, any>;
        if (!isStr(b.out_refund_no, 64)) throw new WxError(E.PARAM, 'out_refund_no 缺失');
        if (!b.amount || !isUint(b.amount.refund) || b.amount.refund <= 0 || !isUint(b.amount.total)) throw new WxError(E.PARAM, 'amount.refund/amount.total 必须是整数（分）');
        if (b.notify_url !== undefined && (!isStr(b.notify_url, 256) || !/^https?:\/\/[^?]+$/.test(b.notify_url))) throw new WxError(E.PARAM, 'notify_url 格式错误');
        const t = b.transaction_id ? [...state.transactions.values()].find((x) => x.transaction_id === b.transaction_id) : state.transactions.get(String(b.out_trade_no ?? ''));
        if (!t) throw new WxError(E.NOT_FOUND);
        const existing = state.refunds.get(b.out_refund_no);
        if (existing) {
          if (existing.out_trade_no !== t.out_trade_no || existing.amount.refund !== b.amount.refund) throw new WxError(E.PARAM, 'out_refund_no 已用于其他退款');
          c.body = state.refundView(existing);
          return;
        }
        if (t.trade_state !== 'SUCCESS' && t.trade_state !== 'REFUND') throw new WxError(E.REFUND_STATE);
        if (b.amount.total !== t.amount.total) throw new WxError(E.PARAM, 'amount.total 与原订单金额不一致');
        const refunded = sum([...state.refunds.values()].filter((r) => r.out_trade_no === t.out_trade_no && r.status !== 'CLOSED').map((r) => r.amount.refund));
        if (refunded + b.amount.refund > t.amount.total) throw new WxError(E.REFUND_TOO_MUCH);
        const r: Refund = {
          refund_id: `50${digits(27)}`,
          out_refund_no: b.out_refund_no,
          transaction_id: t.transaction_id!,
          out_trade_no: t.out_trade_no,
          channel: 'ORIGINAL',
          user_received_account: '支付用户零钱',
          create_time: rfc3339(),
          status: 'PROCESSING',
          funds_account: 'AVAILABLE',
          amount: { total: t.amount.total, refund: b.amount.refund, payer_total: t.amount.total, payer_refund: b.amount.refund, settlement_refund: b.amount.refund, settlement_total: t.amount.total, discount_refund: 0, currency: 'CNY' },
          ...(b.notify_url ? { notify_url: b.notify_url } : {}),
          identity: c.state.identity as PlatformIdentity,
        };
        state.refunds.set(r.out_refund_no, r);
        c.body = state.refundView(r);
        setTimeout(() => state.completeRefund(r), opts.refundDelayMs ?? 200).unref?.();
      });
      router.get('/v3/refund/domestic/refunds/:no', (c) => {
        const r = state.refunds.get(c.params.no ?? '');
        if (!r) throw new WxError(E.RESOURCE_NOT_EXISTS);
        c.body = state.refundView(r);
      });

      // -- mock controls (the user in WeChat; no merchant signature) --
      const control = (fn: (c: RouterContext) => unknown) => async (c: RouterContext) => {
        try {
          c.body = (await fn(c)) ?? { ok: true };
        } catch (e) {
          if (!(e instanceof WxError)) throw e;
          c.status = e.spec.status === 404 ? 404 : 409;
          c.body = { code: e.spec.code, message: e.spec.message, detail: e.detail };
        }
      };
      router.post('/__mock/med-ins/orders/:no/pay', control((c) => state.orderView(state.payMixedOrder(c.params.no ?? '', (c.request.body ?? {}) as never))));
      router.post('/__mock/transactions/:no/pay', control((c) => state.transactionView(state.payTransaction(c.params.no ?? ''))));
      router.get('/__mock/notifications', (c) => {
        c.body = state.notifier?.deliveries ?? [];
      });
    },
  };
  return { platform, state };
}

/** Builds the WeChat Pay mock from the environment (MOCK_WECHAT_PAY_* from the demo keys). */
export function wechatPayMockFromEnv(env: NodeJS.ProcessEnv, insurance?: InsuranceCenterLink): WechatPayMock | undefined {
  const need = ['MOCK_WECHAT_PAY_MERCHANT_PUBLIC_KEY', 'MOCK_WECHAT_PAY_MERCHANT_SERIAL_NO', 'MOCK_WECHAT_PAY_API_V3_KEY', 'MOCK_WECHAT_PAY_PUBLIC_KEY_ID', 'MOCK_WECHAT_PAY_PUBLIC_KEY_PRIVATE_KEY'];
  if (need.some((k) => !env[k])) return undefined;
  const appIds = [...new Set([env.WECHAT_PAY_APP_ID ?? 'wxmock0000000001', env.WECHAT_APP_ID ?? 'wxmock0000000001'])];
  return createWechatPayMock({
    mchId: env.WECHAT_PAY_MCH_ID ?? '1900000001',
    appIds,
    merchantPublicKeyPem: env.MOCK_WECHAT_PAY_MERCHANT_PUBLIC_KEY!,
    merchantSerialNo: env.MOCK_WECHAT_PAY_MERCHANT_SERIAL_NO!,
    apiV3Key: env.MOCK_WECHAT_PAY_API_V3_KEY!,
    publicKeyId: env.MOCK_WECHAT_PAY_PUBLIC_KEY_ID!,
    publicKeyPrivatePem: env.MOCK_WECHAT_PAY_PUBLIC_KEY_PRIVATE_KEY!,
    ...(env.MOCK_WECHAT_PAY_PLATFORM_CERT && env.MOCK_WECHAT_PAY_PLATFORM_CERT_PRIVATE_KEY
      ? { platformCertPem: env.MOCK_WECHAT_PAY_PLATFORM_CERT, platformCertPrivatePem: env.MOCK_WECHAT_PAY_PLATFORM_CERT_PRIVATE_KEY }
      : {}),
    ...(insurance ? { insurance } : {}),
    ...(env.MOCK_WECHAT_PAY_NOTIFY_RETRY_MS ? { notifyRetryDelaysMs: env.MOCK_WECHAT_PAY_NOTIFY_RETRY_MS.split(',').map((v) => Number(v.trim())).filter((n) => Number.isFinite(n) && n >= 0) } : {}),
    ...(env.MOCK_WECHAT_PAY_REFUND_DELAY_MS ? { refundDelayMs: Number(env.MOCK_WECHAT_PAY_REFUND_DELAY_MS) } : {}),
  });
}
