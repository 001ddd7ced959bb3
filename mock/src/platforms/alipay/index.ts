/**
 * Alipay open platform mock (gateway `/alipay/gateway.do`, OpenAPI v2): form/query parameters
 * method, app_id, charset, sign_type RSA2, timestamp, version, biz_content, sign.
 * - Verifies the app's RSA2 signature, app_id, timestamp window, charset, version.
 * - alipay.system.oauth.token: auth_code → access_token + user_id (codes single use, expiring).
 * - alipay.commerce.medical.authinfo.auth.query: the insurance e-voucher authorization
 *   (auth_stas, auth_url to a mock authorize page, pay_auth_no minted through the mobile-pay center
 *   mock, insu_org, medical_card_status, rels_pay_flag, rels_pay_user_name).
 * - alipay.trade.create / query / refund / close / fastpay.refund.query with `<method>_response`
 *   + `sign` (Alipay's key) answers, and RSA2-signed trade_status_sync notifications.
 * Minting for demos and tests: POST /alipay/__mock/auth-codes, /__mock/medical-auth,
 * /__mock/trades/:outTradeNo/pay; programmatic: mintAuthCode, authorizeMedical, payTrade.
 * Faults: any generic kind with operation = the method name (e.g. "alipay.trade.query");
 * platform_error / bad_signature / wrong_amount with the method name; notify faults with
 * operation "notify" or "notify:pay" / "notify:refund".
 */
import { randomBytes, randomInt } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import type Router from '@koa/router';
import type { Context } from 'koa';
import { fenToYuan, maskName, yuanToFen } from '@ih/contract';
import type { MockContext, MockPlatform } from '../../app';
import type { FaultRegistry } from '../../faults';
import { identityOf, loadSeed, personKeyByAlipayUserId, type SeedPerson, type SeedInsured } from '../his/seed';
import { NotifyDispatcher, parseDelays, type NotifyVariant } from './notify-dispatcher';
import { createLocalPayAuthIssuer, type PayAuthIssuer } from './pay-auth';
import { parsePrivateKey, parsePublicKey, rsa2Sign, rsa2Verify, signContent, throwawayKey } from './rsa';
import { applyOperationFaults, beijingDateTime, escapeHtml, isHttpUrl, page, parseBeijingDateTime, withQuery } from './support';

export const ALIPAY_PLATFORM = 'alipay';

export interface AlipayMockOptions {
  appId: string;
  /** The app's RSA2 public key (verifies requests). */
  appPublicKey: string;
  /** "Alipay's" RSA2 private key (signs answers and notifications). */
  platformPrivateKey: string;
  /** Credentials the insurance authorization expects (institution's channel form). */
  medical: { orgAppId: string; orgChnlCrtfCode: string; orgCode?: string };
  payAuth?: PayAuthIssuer;
  authCodeTtlMs?: number;
  payAuthTtlSeconds?: number;
  timestampSkewMs?: number;
  notifyRetryDelaysMs?: number[];
  sellerId?: string;
}

interface AuthCode {
  code: string;
  userId: string;
  scopes: string[];
  expiresAt: number;
  used: boolean;
}
interface Token {
  accessToken: string;
  refreshToken: string;
  userId: string;
  expiresAt: number;
  reExpiresAt: number;
}
interface MedicalAuth {
  ticket: string;
  userId: string;
  reqBizNo: string;
  bizType: string;
  callUrl?: string;
  status: 'PENDING' | 'AUTHORIZED' | 'CANCELLED';
  createdAt: number;
  personKey?: string;
  authNo?: string;
  authTime?: number;
  payAuthNo?: string;
  payAuthExpiresAt?: number;
}
export type TradeStatus = 'WAIT_BUYER_PAY' | 'TRADE_SUCCESS' | 'TRADE_CLOSED' | 'TRADE_FINISHED';
export interface Trade {
  tradeNo: string;
  outTradeNo: string;
  totalFen: number;
  subject: string;
  buyerId: string;
  status: TradeStatus;
  notifyUrl?: string;
  createdAt: number;
  expiresAt?: number;
  paidAt?: number;
  closedAt?: number;
  refunds: { outRequestNo: string; amountFen: number; at: number; reason?: string }[];
  refundedFen: number;
  fingerprint: string;
  /** INF: the center's pay order settled when the user pays (extend_params.med_pay_ord_id). */
  medPayOrdId?: string;
}

export interface AlipayMock extends MockPlatform {
  /** Mints an auth_code for a user (what my.getAuthCode hands the mini-program). */
  mintAuthCode(alipayUserId: string, scopes?: string[], ttlMs?: number): { authCode: string; expiresAt: number };
  /** Approves (or cancels) an insurance authorization as if the user did it on the page. */
  authorizeMedical(input: { alipayUserId: string; reqBizNo: string; personKey?: string; action?: 'agree' | 'cancel'; bizType?: string }): MedicalAuth;
  /** The buyer pays a WAIT_BUYER_PAY trade: TRADE_SUCCESS and a notification. */
  payTrade(outTradeNo: string): Trade;
  getTrade(outTradeNo: string): Trade | undefined;
  notifier: NotifyDispatcher;
}

const SUCCESS = { code: '10000', msg: 'Success' } as const;
const ERR = {
  unavailable: (sub = 'isp.unknow-error', subMsg = '系统繁忙') => ({ code: '20000', msg: 'Service Currently Unavailable', sub_code: sub, sub_msg: subMsg }),
  token: (sub: string, subMsg: string) => ({ code: '20001', msg: 'Insufficient Token Permissions', sub_code: sub, sub_msg: subMsg }),
  missing: (sub: string, subMsg: string) => ({ code: '40001', msg: 'Missing Required Arguments', sub_code: sub, sub_msg: subMsg }),
  invalid: (sub: string, subMsg: string) => ({ code: '40002', msg: 'Invalid Arguments', sub_code: sub, sub_msg: subMsg }),
  business: (sub: string, subMsg: string) => ({ code: '40004', msg: 'Business Failed', sub_code: sub, sub_msg: subMsg }),
};

/** Maps an injected platform_error's params to Alipay's answer shape. */
function injectedError(params: Record<string, unknown>): Record<string, string> {
  const given = String(params.subCode ?? params.code ?? 'ACQ.SYSTEM_ERROR');
  const subMsg = String(params.subMsg ?? params.message ?? '系统错误');
  if (/^\d+$/.test(given)) return { code: given, msg: 'Business Failed', sub_code: String(params.subCode ?? 'isp.unknow-error'), sub_msg: subMsg };
  const code = given.startsWith('isp.') ? '20000' : given.startsWith('aop.') ? '20001' : given.startsWith('isv.') ? '40002' : '40004';
  return { code, msg: code === '20000' ? 'Service Currently Unavailable' : code === '40002' ? 'Invalid Arguments' : 'Business Failed', sub_code: given, sub_msg: subMsg };
}

const AMOUNT_RE = /^\d{1,9}(?:\.\d{1,2})?$/;
const token = (prefix: string) => `${prefix}${randomBytes(16).toString('hex')}`;

function newTradeNo(now: number): string {
  const d = beijingDateTime(now).slice(0, 10).replace(/-/g, '');
  return `${d}22${String(randomInt(0, 1e9)).padStart(9, '0')}${String(randomInt(0, 1e9)).padStart(9, '0')}`;
}

function maskLogon(userId: string): string {
  const account = loadSeed().accounts.find((a) => a.alipayUserId === userId);
  const phone = account?.phone ?? '13800000000';
  return `${phone.slice(0, 3)}******${phone.slice(-2)}`;
}

export function createAlipayMock(opts: AlipayMockOptions): AlipayMock {
  const appKey: KeyObject = parsePublicKey(opts.appPublicKey);
  const platformKey: KeyObject = parsePrivateKey(opts.platformPrivateKey);
  const seed = loadSeed();
  const insuredOf = (key: string) => seed.insured.find((i) => i.person === key);
  const payAuth: PayAuthIssuer =
    opts.payAuth ?? createLocalPayAuthIssuer((psnNo) => seed.insured.find((i) => i.psnNo === psnNo)?.insuplcAdmdvs);
  const authCodeTtl = opts.authCodeTtlMs ?? 300_000;
  const skew = opts.timestampSkewMs ?? 15 * 60_000;
  const sellerId = opts.sellerId ?? '2088000000000001';

  let authCodes = new Map<string, AuthCode>();
  let tokens = new Map<string, Token>();
  let refreshTokens = new Map<string, Token>();
  let medicalByKey = new Map<string, MedicalAuth>();
  let medicalByTicket = new Map<string, MedicalAuth>();
  let trades = new Map<string, Trade>();
  let tradesByNo = new Map<string, Trade>();
  let faults: FaultRegistry | undefined;
  let notifier: NotifyDispatcher | undefined;
  let publicUrl = () => 'http://127.0.0.1:3100';

  const getNotifier = () => {
    if (!notifier) throw new Error('alipay mock not mounted');
    return notifier;
  };

  // ── signing of answers ───────────────────────────────────────────────────────────────────────
  function writeAnswer(ctx: Context, method: string | undefined, inner: Record<string, unknown>, badSignature = false): void {
    const key = method ? `${method.replace(/\./g, '_')}_response` : 'error_response';
    const innerJson = JSON.stringify(inner);
    const sign = rsa2Sign(innerJson, badSignature ? throwawayKey() : platformKey);
    ctx.status = 200;
    ctx.type = 'application/json; charset=utf-8';
    ctx.body = `{"${key}":${innerJson},"sign":"${sign}"}`;
  }

  // ── medical authorization state ──────────────────────────────────────────────────────────────
  function medicalKey(userId: string, reqBizNo: string) {
    return `${userId}|${reqBizNo}`;
  }
  function newMedicalAuth(userId: string, reqBizNo: string, bizType: string, callUrl?: string): MedicalAuth {
    const rec: MedicalAuth = { ticket: token('t'), userId, reqBizNo, bizType, callUrl, status: 'PENDING', createdAt: Date.now() };
    medicalByKey.set(medicalKey(userId, reqBizNo), rec);
    medicalByTicket.set(rec.ticket, rec);
    return rec;
  }
  function authUrlOf(rec: MedicalAuth) {
    return `${publicUrl()}/alipay/medical/authorize?ticket=${rec.ticket}`;
  }
  function choices(userId: string): { person: SeedPerson; insured?: SeedInsured; relationship: string; self: boolean }[] {
    const selfKey = personKeyByAlipayUserId(userId, seed);
    if (!selfKey) return [];
    const id = identityOf(selfKey, seed)!;
    return [
      { person: id.person, insured: id.insured, relationship: 'SELF', self: true },
      ...id.family.map((f) => ({ person: f.person, insured: f.insured, relationship: f.relationship, self: false })),
    ];
  }
  function decideMedical(rec: MedicalAuth, action: 'agree' | 'cancel', personKey?: string): void {
    if (rec.status !== 'PENDING') throw new Error('授权已处理，请返回重新发起');
    if (action === 'cancel') {
      rec.status = 'CANCELLED';
      return;
    }
    const options = choices(rec.userId);
    const chosen = options.find((o) => o.person.key === (personKey ?? options[0]?.person.key));
    if (!chosen) throw new Error('未找到可授权的就诊人');
    if (!chosen.insured) throw new Error('该就诊人没有医保参保信息');
    if (!chosen.insured.voucherActivated) throw new Error('该就诊人的医保电子凭证尚未激活，请先激活');
    rec.status = 'AUTHORIZED';
    rec.personKey = chosen.person.key;
    rec.authTime = Date.now();
    rec.authNo = `AN${beijingDateTime().replace(/\D/g, '')}${String(randomInt(0, 1e6)).padStart(6, '0')}`;
  }

  // ── trades ───────────────────────────────────────────────────────────────────────────────────
  function refreshExpiry(t: Trade) {
    if (t.status === 'WAIT_BUYER_PAY' && t.expiresAt !== undefined && Date.now() > t.expiresAt) {
      t.status = 'TRADE_CLOSED';
      t.closedAt = t.expiresAt;
    }
  }
  function findTrade(biz: Record<string, unknown>): Trade | undefined {
    const t = typeof biz.out_trade_no === 'string' ? trades.get(biz.out_trade_no) : typeof biz.trade_no === 'string' ? tradesByNo.get(biz.trade_no) : undefined;
    if (t) refreshExpiry(t);
    return t;
  }

  function sendTradeNotify(t: Trade, event: 'pay' | 'refund', refund?: Trade['refunds'][number]): void {
    if (!t.notifyUrl) return;
    const notifyId = randomBytes(16).toString('hex');
    const snapshot = { ...t, refunds: [...t.refunds] };
    getNotifier().dispatch({
      key: t.outTradeNo,
      event,
      url: t.notifyUrl,
      build: (v: NotifyVariant) => {
        const total = fenToYuan(snapshot.totalFen + v.deltaFen);
        const fields: Record<string, string> = {
          notify_time: beijingDateTime(Date.now() - v.staleMs),
          notify_type: 'trade_status_sync',
          notify_id: notifyId,
          app_id: opts.appId,
          auth_app_id: opts.appId,
          charset: 'utf-8',
          version: '1.0',
          sign_type: 'RSA2',
          trade_no: snapshot.tradeNo,
          out_trade_no: snapshot.outTradeNo,
          buyer_id: snapshot.buyerId,
          buyer_logon_id: maskLogon(snapshot.buyerId),
          seller_id: sellerId,
          trade_status: event === 'refund' ? (snapshot.refundedFen >= snapshot.totalFen ? 'TRADE_CLOSED' : 'TRADE_SUCCESS') : 'TRADE_SUCCESS',
          total_amount: total,
          receipt_amount: total,
          invoice_amount: total,
          buyer_pay_amount: total,
          point_amount: '0.00',
          subject: snapshot.subject,
          gmt_create: beijingDateTime(snapshot.createdAt),
          gmt_payment: beijingDateTime(snapshot.paidAt ?? Date.now()),
          fund_bill_list: JSON.stringify([{ amount: total, fundChannel: 'ALIPAYACCOUNT' }]),
        };
        if (event === 'refund' && refund) {
          fields.refund_fee = fenToYuan(snapshot.refundedFen);
          fields.out_biz_no = refund.outRequestNo;
          fields.gmt_refund = `${beijingDateTime(refund.at)}.${String(refund.at % 1000).padStart(3, '0')}`;
          if (fields.trade_status === 'TRADE_CLOSED') fields.gmt_close = beijingDateTime(refund.at);
        }
        const sign = rsa2Sign(signContent(fields, ['sign', 'sign_type']), v.badSignature ? throwawayKey() : platformKey);
        return {
          body: new URLSearchParams({ ...fields, sign }).toString(),
          contentType: 'application/x-www-form-urlencoded; charset=utf-8',
          summary: { notify_id: notifyId, out_trade_no: fields.out_trade_no, trade_status: fields.trade_status, total_amount: fields.total_amount, refund_fee: fields.refund_fee },
        };
      },
    });
  }

  function payTrade(outTradeNo: string): Trade {
    const t = trades.get(outTradeNo);
    if (!t) throw new Error('交易不存在');
    refreshExpiry(t);
    if (t.status !== 'WAIT_BUYER_PAY') throw new Error(`交易状态不允许支付：${t.status}`);
    if (t.medPayOrdId) {
      // The insurance part first: the center settles (and sends its 6302); a refusal pays nothing.
      payAuth.settlePayOrder?.(t.medPayOrdId);
      const po = payAuth.getPayOrder?.(t.medPayOrdId);
      if (po && !['3', '4', '5', '6'].includes(po.ordStas)) throw new Error('医保结算未成功，本次未扣费');
    }
    t.status = 'TRADE_SUCCESS';
    t.paidAt = Date.now();
    sendTradeNotify(t, 'pay');
    return t;
  }

  // ── gateway methods ─────────────────────────────────────────────────────────────────────────
  type Handler = (p: Record<string, string>, biz: Record<string, unknown>) => { inner: Record<string, unknown>; amountField?: string[] };

  function tradeView(t: Trade): Record<string, unknown> {
    const total = fenToYuan(t.totalFen);
    const paid = t.status === 'TRADE_SUCCESS' || t.status === 'TRADE_FINISHED' || (t.status === 'TRADE_CLOSED' && t.paidAt !== undefined);
    return {
      trade_no: t.tradeNo,
      out_trade_no: t.outTradeNo,
      buyer_logon_id: maskLogon(t.buyerId),
      buyer_user_id: t.buyerId,
      trade_status: t.status,
      total_amount: total,
      receipt_amount: paid ? total : '0.00',
      buyer_pay_amount: paid ? total : '0.00',
      point_amount: '0.00',
      invoice_amount: paid ? total : '0.00',
      ...(t.paidAt !== undefined ? { send_pay_date: beijingDateTime(t.paidAt) } : {}),
      ...(t.refundedFen > 0 ? { refund_fee: fenToYuan(t.refundedFen) } : {}),
      subject: t.subject,
    };
  }

  const handlers: Record<string, Handler> = {
    'alipay.system.oauth.token': (p) => {
      if (p.grant_type === 'authorization_code') {
        const rec = p.code ? authCodes.get(p.code) : undefined;
        if (!rec || rec.used || Date.now() > rec.expiresAt) {
          if (rec && !rec.used) authCodes.delete(rec.code);
          return { inner: { ...ERR.invalid('isv.code-invalid', '授权码code无效'), __error: true } };
        }
        rec.used = true;
        const now = Date.now();
        const t: Token = { accessToken: token('authusrB'), refreshToken: token('authusrB'), userId: rec.userId, expiresAt: now + 1_296_000_000, reExpiresAt: now + 2_592_000_000 };
        tokens.set(t.accessToken, t);
        refreshTokens.set(t.refreshToken, t);
        return { inner: { user_id: t.userId, access_token: t.accessToken, expires_in: 1_296_000, refresh_token: t.refreshToken, re_expires_in: 2_592_000, auth_start: beijingDateTime(now) } };
      }
      if (p.grant_type === 'refresh_token') {
        const old = p.refresh_token ? refreshTokens.get(p.refresh_token) : undefined;
        if (!old || Date.now() > old.reExpiresAt) return { inner: { ...ERR.invalid('isv.refresh-token-invalid', '刷新令牌refresh_token无效'), __error: true } };
        refreshTokens.delete(old.refreshToken);
        tokens.delete(old.accessToken);
        const now = Date.now();
        const t: Token = { accessToken: token('authusrB'), refreshToken: token('authusrB'), userId: old.userId, expiresAt: now + 1_296_000_000, reExpiresAt: now + 2_592_000_000 };
        tokens.set(t.accessToken, t);
        refreshTokens.set(t.refreshToken, t);
        return { inner: { user_id: t.userId, access_token: t.accessToken, expires_in: 1_296_000, refresh_token: t.refreshToken, re_expires_in: 2_592_000, auth_start: beijingDateTime(now) } };
      }
      return { inner: { ...ERR.invalid('isv.grant-type-invalid', 'grant_type 只能是 authorization_code 或 refresh_token'), __error: true } };
    },

    'alipay.commerce.medical.authinfo.auth.query': (p, biz) => {
      const tok = p.auth_token ? tokens.get(p.auth_token) : undefined;
      if (!tok || Date.now() > tok.expiresAt) return { inner: ERR.token('aop.invalid-auth-token', '无效的访问令牌') };
      const userId = String(biz.alipay_user_id ?? biz.open_id ?? '');
      if (!userId) return { inner: ERR.missing('isv.missing-parameter', '缺少参数 alipay_user_id') };
      if (userId !== tok.userId) return { inner: ERR.token('aop.invalid-auth-token', '访问令牌与用户不匹配') };
      const bizType = String(biz.ol_biz_type_code ?? '');
      if (bizType !== '04107' && bizType !== '04106') return { inner: ERR.invalid('isv.invalid-parameter', 'ol_biz_type_code 只支持 04107、04106') };
      for (const f of ['org_chnl_crtf_code', 'org_code', 'req_biz_no', ...(bizType === '04107' ? ['org_app_id'] : [])]) {
        if (typeof biz[f] !== 'string' || biz[f] === '') return { inner: ERR.missing('isv.missing-parameter', `缺少参数 ${f}`) };
      }
      if (biz.org_chnl_crtf_code !== opts.medical.orgChnlCrtfCode || (bizType === '04107' && biz.org_app_id !== opts.medical.orgAppId)) {
        return { inner: ERR.business('ORG_INFO_INVALID', '机构渠道认证编码或应用ID不正确') };
      }
      if (opts.medical.orgCode && biz.org_code !== opts.medical.orgCode) return { inner: ERR.business('ORG_INFO_INVALID', '定点医药机构编码不正确') };
      const reqBizNo = String(biz.req_biz_no);
      const callUrl = typeof biz.call_url === 'string' ? biz.call_url : undefined;
      const selfKey = personKeyByAlipayUserId(userId, seed);
      const selfInsured = selfKey ? insuredOf(selfKey) : undefined;
      const cardStatus = selfInsured?.voucherActivated ? '1' : '0';

      let rec = medicalByKey.get(medicalKey(userId, reqBizNo));
      if (rec && rec.payAuthExpiresAt !== undefined && Date.now() > rec.payAuthExpiresAt) {
        // The pay_auth_no expired: the authorization must be given again.
        medicalByTicket.delete(rec.ticket);
        rec = undefined;
      }
      if (rec && rec.status === 'CANCELLED') {
        medicalByTicket.delete(rec.ticket);
        rec = undefined;
      }
      if (!rec) rec = newMedicalAuth(userId, reqBizNo, bizType, callUrl);
      if (rec.status !== 'AUTHORIZED') {
        return { inner: { ...SUCCESS, data: { req_biz_no: reqBizNo, auth_stas: '0', auth_url: authUrlOf(rec), medical_card_status: cardStatus, openapi_app_id: opts.appId } } };
      }
      const person = seed.people.find((x) => x.key === rec.personKey)!;
      const insured = insuredOf(person.key)!;
      const family = person.key !== selfKey;
      if (bizType === '04107' && !rec.payAuthNo) {
        try {
          // A family authorization is issued to the holder (the signed-in user) for the relative.
          const holder = family ? insuredOf(selfKey!) : insured;
          if (!holder) throw new Error('授权人没有医保参保信息');
          const grant = payAuth.issuePayAuthNo(holder.psnNo, { channel: 'alipay', family, ...(family ? { forPsnNo: insured.psnNo } : {}), ttlSeconds: opts.payAuthTtlSeconds ?? 300, alipayUserId: userId });
          rec.payAuthNo = grant.payAuthNo;
          rec.payAuthExpiresAt = grant.expiresAt;
        } catch (e) {
          return { inner: ERR.business('MEDICAL_AUTH_REFUSED', (e as Error).message || '医保移动支付授权失败') };
        }
      }
      const selfName = seed.people.find((x) => x.key === selfKey)?.name ?? '';
      return {
        inner: {
          ...SUCCESS,
          data: {
            req_biz_no: reqBizNo,
            auth_stas: '1',
            auth_no: rec.authNo,
            auth_time: beijingDateTime(rec.authTime),
            insu_org: insured.insuplcAdmdvs,
            medical_card_status: cardStatus,
            openapi_app_id: opts.appId,
            rels_pay_flag: family ? '1' : '0',
            ...(family ? { rels_pay_user_name: maskName(selfName), rels_medical_card_status: insured.voucherActivated ? '1' : '0' } : {}),
            ...(bizType === '04107' ? { pay_auth_no: rec.payAuthNo } : {}),
          },
        },
      };
    },

    'alipay.trade.create': (p, biz) => {
      const outTradeNo = biz.out_trade_no;
      if (typeof outTradeNo !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(outTradeNo)) return { inner: ERR.business('ACQ.INVALID_PARAMETER', '参数无效：out_trade_no') };
      const totalAmount = String(biz.total_amount ?? '');
      if (!AMOUNT_RE.test(totalAmount) || yuanToFen(totalAmount) < 1 || yuanToFen(totalAmount) > 10_000_000_000) return { inner: ERR.business('ACQ.INVALID_PARAMETER', '参数无效：total_amount') };
      const subject = typeof biz.subject === 'string' ? biz.subject : '';
      if (!subject || subject.length > 256) return { inner: ERR.business('ACQ.INVALID_PARAMETER', '参数无效：subject') };
      const buyerId = String(biz.buyer_id ?? biz.buyer_open_id ?? '');
      if (!buyerId) return { inner: ERR.business('ACQ.INVALID_PARAMETER', '参数无效：buyer_id') };
      const totalFen = yuanToFen(totalAmount);
      const fingerprint = JSON.stringify([totalFen, subject, buyerId]);
      const existing = trades.get(outTradeNo);
      if (existing) {
        refreshExpiry(existing);
        if (existing.fingerprint !== fingerprint) return { inner: ERR.business('ACQ.CONTEXT_INCONSISTENT', '交易信息被篡改') };
        if (existing.status === 'TRADE_SUCCESS' || existing.status === 'TRADE_FINISHED') return { inner: ERR.business('ACQ.TRADE_HAS_SUCCESS', '交易已被支付') };
        if (existing.status === 'TRADE_CLOSED') return { inner: ERR.business('ACQ.TRADE_HAS_CLOSE', '交易已经关闭') };
        return { inner: { ...SUCCESS, out_trade_no: existing.outTradeNo, trade_no: existing.tradeNo } };
      }
      const now = Date.now();
      let expiresAt: number | undefined;
      const te = typeof biz.timeout_express === 'string' ? /^(\d+)([mhd])$/.exec(biz.timeout_express) : null;
      if (te) expiresAt = now + Number(te[1]) * { m: 60_000, h: 3_600_000, d: 86_400_000 }[te[2] as 'm' | 'h' | 'd'];
      const tExp = parseBeijingDateTime(biz.time_expire);
      if (tExp !== null) expiresAt = tExp;
      const t: Trade = {
        tradeNo: newTradeNo(now), outTradeNo, totalFen, subject, buyerId, status: 'WAIT_BUYER_PAY',
        notifyUrl: isHttpUrl(p.notify_url) ? p.notify_url : undefined, createdAt: now, expiresAt, refunds: [], refundedFen: 0, fingerprint,
      };
      const ext = biz.extend_params as Record<string, unknown> | undefined;
      if (ext && typeof ext.med_pay_ord_id === 'string' && ext.med_pay_ord_id) t.medPayOrdId = ext.med_pay_ord_id;
      trades.set(outTradeNo, t);
      tradesByNo.set(t.tradeNo, t);
      return { inner: { ...SUCCESS, out_trade_no: t.outTradeNo, trade_no: t.tradeNo } };
    },

    'alipay.trade.query': (_p, biz) => {
      const t = findTrade(biz);
      if (!t) return { inner: ERR.business('ACQ.TRADE_NOT_EXIST', '交易不存在') };
      return { inner: { ...SUCCESS, ...tradeView(t) }, amountField: ['total_amount', 'buyer_pay_amount', 'receipt_amount'] };
    },

    'alipay.trade.close': (_p, biz) => {
      const t = findTrade(biz);
      if (!t) return { inner: ERR.business('ACQ.TRADE_NOT_EXIST', '交易不存在') };
      if (t.status === 'TRADE_SUCCESS' || t.status === 'TRADE_FINISHED') return { inner: ERR.business('ACQ.TRADE_STATUS_ERROR', '交易状态不合法') };
      if (t.status === 'WAIT_BUYER_PAY') {
        t.status = 'TRADE_CLOSED';
        t.closedAt = Date.now();
      }
      return { inner: { ...SUCCESS, trade_no: t.tradeNo, out_trade_no: t.outTradeNo } };
    },

    'alipay.trade.refund': (_p, biz) => {
      const t = findTrade(biz);
      if (!t) return { inner: ERR.business('ACQ.TRADE_NOT_EXIST', '交易不存在') };
      const amount = String(biz.refund_amount ?? '');
      if (!AMOUNT_RE.test(amount) || yuanToFen(amount) < 1) return { inner: ERR.business('ACQ.INVALID_PARAMETER', '参数无效：refund_amount') };
      const amountFen = yuanToFen(amount);
      const outRequestNo = typeof biz.out_request_no === 'string' && biz.out_request_no ? biz.out_request_no : t.outTradeNo;
      const previous = t.refunds.find((r) => r.outRequestNo === outRequestNo);
      const base = { trade_no: t.tradeNo, out_trade_no: t.outTradeNo, buyer_logon_id: maskLogon(t.buyerId), buyer_user_id: t.buyerId };
      if (previous) {
        if (previous.amountFen !== amountFen) return { inner: ERR.business('ACQ.REFUND_AMT_NOT_EQUAL_TOTAL', '退款金额与原退款请求不一致') };
        return { inner: { ...SUCCESS, ...base, fund_change: 'N', refund_fee: fenToYuan(t.refundedFen), send_back_fee: '0.00', gmt_refund_pay: beijingDateTime(previous.at) }, amountField: ['refund_fee'] };
      }
      if (t.status !== 'TRADE_SUCCESS') return { inner: ERR.business('ACQ.TRADE_STATUS_ERROR', '交易状态不合法') };
      if (t.refundedFen + amountFen > t.totalFen) return { inner: ERR.business('ACQ.REFUND_AMT_NOT_EQUAL_TOTAL', '退款金额超限') };
      const refund = { outRequestNo, amountFen, at: Date.now(), reason: typeof biz.refund_reason === 'string' ? biz.refund_reason : undefined };
      t.refunds.push(refund);
      t.refundedFen += amountFen;
      if (t.refundedFen === t.totalFen) {
        t.status = 'TRADE_CLOSED';
        t.closedAt = refund.at;
      }
      sendTradeNotify(t, 'refund', refund);
      return { inner: { ...SUCCESS, ...base, fund_change: 'Y', refund_fee: fenToYuan(t.refundedFen), send_back_fee: fenToYuan(amountFen), gmt_refund_pay: beijingDateTime(refund.at) }, amountField: ['refund_fee'] };
    },

    'alipay.trade.fastpay.refund.query': (_p, biz) => {
      const t = findTrade(biz);
      if (!t) return { inner: ERR.business('ACQ.TRADE_NOT_EXIST', '交易不存在') };
      const outRequestNo = String(biz.out_request_no ?? '');
      if (!outRequestNo) return { inner: ERR.business('ACQ.INVALID_PARAMETER', '参数无效：out_request_no') };
      const r = t.refunds.find((x) => x.outRequestNo === outRequestNo);
      // Alipay answers success without refund fields when the refund does not exist.
      if (!r) return { inner: { ...SUCCESS, trade_no: t.tradeNo, out_trade_no: t.outTradeNo, out_request_no: outRequestNo } };
      return {
        inner: { ...SUCCESS, trade_no: t.tradeNo, out_trade_no: t.outTradeNo, out_request_no: outRequestNo, total_amount: fenToYuan(t.totalFen), refund_amount: fenToYuan(r.amountFen), refund_status: 'REFUND_SUCCESS', gmt_refund_pay: beijingDateTime(r.at) },
        amountField: ['refund_amount'],
      };
    },
  };

  // ── the gateway ─────────────────────────────────────────────────────────────────────────────
  function collectParams(ctx: Context): Record<string, string> {
    const out: Record<string, string> = {};
    const add = (src: unknown) => {
      if (!src || typeof src !== 'object') return;
      for (const [k, v] of Object.entries(src as Record<string, unknown>)) {
        const value = Array.isArray(v) ? v[0] : v;
        if (typeof value === 'string') out[k] = value;
      }
    };
    add(ctx.query);
    add(ctx.request.body);
    return out;
  }

  async function gateway(ctx: Context): Promise<void> {
    const p = collectParams(ctx);
    const method = p.method;
    if (!method) return writeAnswer(ctx, undefined, ERR.missing('isv.missing-method', '缺少方法名参数'));
    if (!handlers[method]) return writeAnswer(ctx, undefined, ERR.invalid('isv.invalid-method', '不存在的方法名'));
    if (await applyOperationFaults(ctx, faults!, ALIPAY_PLATFORM, method)) return;
    if (!p.app_id) return writeAnswer(ctx, method, ERR.missing('isv.missing-app-id', '缺少AppID参数'));
    if (p.app_id !== opts.appId) return writeAnswer(ctx, method, ERR.invalid('isv.invalid-app-id', '无效的AppID参数'));
    if (!p.sign) return writeAnswer(ctx, method, ERR.missing('isv.missing-signature', '缺少签名参数'));
    if (!p.sign_type) return writeAnswer(ctx, method, ERR.missing('isv.missing-signature-type', '缺少签名类型参数'));
    if (p.sign_type !== 'RSA2') return writeAnswer(ctx, method, ERR.invalid('isv.invalid-signature-type', '无效的签名类型参数'));
    if (!p.timestamp) return writeAnswer(ctx, method, ERR.missing('isv.missing-timestamp', '缺少时间戳参数'));
    const ts = parseBeijingDateTime(p.timestamp);
    if (ts === null || Math.abs(Date.now() - ts) > skew) return writeAnswer(ctx, method, ERR.invalid('isv.invalid-timestamp', '非法的时间戳参数'));
    if (!p.version) return writeAnswer(ctx, method, ERR.missing('isv.missing-version', '缺少版本参数'));
    if (p.version !== '1.0') return writeAnswer(ctx, method, ERR.invalid('isv.invalid-version', '版本号错误'));
    if (p.charset && p.charset.toLowerCase() !== 'utf-8') return writeAnswer(ctx, method, ERR.invalid('isv.invalid-charset', '字符集错误'));
    const content = signContent(p, ['sign']);
    if (!rsa2Verify(content, p.sign, appKey)) {
      return writeAnswer(ctx, method, ERR.invalid('isv.invalid-signature', `验签出错，建议检查签名字符串或签名私钥与应用公钥是否匹配，网关生成的验签字符串为：${content}`));
    }
    let biz: Record<string, unknown> = {};
    if (p.biz_content) {
      try {
        const parsed = JSON.parse(p.biz_content) as unknown;
        if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
        biz = parsed as Record<string, unknown>;
      } catch {
        return writeAnswer(ctx, method, ERR.invalid('isv.invalid-parameter', 'biz_content 不是合法的 JSON 对象'));
      }
    }
    const platformError = faults!.take(ALIPAY_PLATFORM, method, ['platform_error']);
    if (platformError) return writeAnswer(ctx, method, injectedError(platformError.params));
    const { inner, amountField } = handlers[method]!(p, biz);
    const isError = Boolean((inner as { __error?: boolean }).__error);
    delete (inner as { __error?: boolean }).__error;
    const wrong = amountField ? faults!.take(ALIPAY_PLATFORM, method, ['wrong_amount']) : undefined;
    if (wrong && amountField) {
      for (const f of amountField) {
        if (typeof inner[f] === 'string') inner[f] = fenToYuan(yuanToFen(inner[f] as string) + Number(wrong.params.deltaFen ?? 1));
      }
    }
    const bad = Boolean(faults!.take(ALIPAY_PLATFORM, method, ['bad_signature']));
    writeAnswer(ctx, isError ? undefined : method, inner, bad);
  }

  // ── the authorization page ──────────────────────────────────────────────────────────────────
  function authorizePage(rec: MedicalAuth, error?: string): string {
    const options = choices(rec.userId);
    const self = options[0];
    const expired = Date.now() - rec.createdAt > 10 * 60_000;
    let body = `<div class="bar">医保电子凭证 · 授权</div>`;
    if (!self) {
      return page('医保授权', `${body}<div class="card warn">未找到您的医保电子凭证信息。</div>`);
    }
    if (rec.status !== 'PENDING' || expired) {
      return page('医保授权', `${body}<div class="card">${rec.status === 'AUTHORIZED' ? '已完成授权，请返回继续支付。' : '授权链接已失效，请返回重新发起。'}</div>`);
    }
    body += `<div class="card"><div>当前支付宝账号：<b>${escapeHtml(maskName(self.person.name))}</b></div>
<div class="muted">授权机构向国家医保信息平台查询您的医保电子凭证，用于${rec.bizType === '04107' ? '医保移动支付' : '线上身份核验'}。</div></div>`;
    if (error) body += `<div class="card warn">${escapeHtml(error)}</div>`;
    if (!self.insured?.voucherActivated) {
      body += `<div class="card warn">您的医保电子凭证尚未激活，请在支付宝搜索「医保电子凭证」完成激活后重试。</div>`;
    }
    body += `<form method="post" action="${escapeHtml(`${publicUrl()}/alipay/medical/authorize`)}"><input type="hidden" name="ticket" value="${escapeHtml(rec.ticket)}"><div class="card"><div class="muted">选择使用谁的医保电子凭证</div>`;
    let first = true;
    for (const o of options) {
      const usable = Boolean(o.insured?.voucherActivated);
      const label = o.self ? '本人' : `亲情账户（${o.relationship === 'PARENT' ? '父母' : o.relationship === 'CHILD' ? '子女' : '家人'}）`;
      body += `<label class="opt"><input type="radio" name="person" value="${escapeHtml(o.person.key)}"${usable && first ? ' checked' : ''}${usable ? '' : ' disabled'}> ${escapeHtml(maskName(o.person.name))} · ${label}${usable ? '' : ' <span class="warn">（未激活）</span>'}</label>`;
      if (usable) first = false;
    }
    body += `</div><button class="primary" name="action" value="agree"${first ? ' disabled' : ''}>同意授权</button><button class="secondary" name="action" value="cancel">取消</button></form>`;
    return page('医保授权', body);
  }

  function platformObject(ctx: MockContext): void {
    faults = ctx.faults;
    publicUrl = ctx.publicUrl;
    notifier = new NotifyDispatcher({
      platform: ALIPAY_PLATFORM,
      faults: ctx.faults,
      retryDelaysMs: opts.notifyRetryDelaysMs ?? [4_000, 10_000, 60_000],
      isAck: (status, text) => status === 200 && text.trim() === 'success',
    });
  }

  const mock: AlipayMock = {
    name: ALIPAY_PLATFORM,
    prefix: '/alipay',
    describe: '支付宝开放平台网关（gateway.do，RSA2）：oauth、医保授权查询、交易创建/查询/退款/关闭、异步通知',
    get notifier() {
      return getNotifier();
    },
    routes(router: Router, ctx: MockContext) {
      platformObject(ctx);
      router.get('/gateway.do', gateway);
      router.post('/gateway.do', gateway);

      router.get('/medical/authorize', (c) => {
        const rec = medicalByTicket.get(String(c.query.ticket ?? ''));
        c.type = 'html';
        if (!rec) {
          c.status = 404;
          c.body = page('医保授权', '<div class="bar">医保电子凭证 · 授权</div><div class="card warn">授权链接无效，请返回重新发起。</div>');
          return;
        }
        c.body = authorizePage(rec);
      });
      router.post('/medical/authorize', (c) => {
        const body = (c.request.body ?? {}) as Record<string, string>;
        const rec = medicalByTicket.get(String(body.ticket ?? ''));
        c.type = 'html';
        if (!rec) {
          c.status = 404;
          c.body = page('医保授权', '<div class="card warn">授权链接无效，请返回重新发起。</div>');
          return;
        }
        if (Date.now() - rec.createdAt > 10 * 60_000 || rec.status !== 'PENDING') {
          c.status = 410;
          c.body = authorizePage(rec);
          return;
        }
        const action = body.action === 'cancel' ? 'cancel' : 'agree';
        try {
          decideMedical(rec, action, body.person);
        } catch (e) {
          c.status = 400;
          c.body = authorizePage(rec, (e as Error).message);
          return;
        }
        if (rec.callUrl && isHttpUrl(rec.callUrl)) {
          c.redirect(withQuery(rec.callUrl, { req_biz_no: rec.reqBizNo, auth_result: action === 'agree' ? 'success' : 'cancel' }));
          return;
        }
        c.body = page('医保授权', `<div class="bar">医保电子凭证 · 授权</div><div class="card">${action === 'agree' ? '授权成功，请返回继续支付。' : '已取消授权。'}</div>`);
      });

      // ── demo / test controls ──
      router.get('/__mock/users', (c) => {
        c.body = seed.accounts.map((a) => {
          const key = personKeyByAlipayUserId(a.alipayUserId, seed);
          const person = seed.people.find((p) => p.key === key);
          return { alipayUserId: a.alipayUserId, account: a.key, person: key, name: person ? maskName(person.name) : undefined };
        });
      });
      router.post('/__mock/auth-codes', (c) => {
        const body = (c.request.body ?? {}) as { alipayUserId?: string; account?: string; scopes?: string[] };
        const userId = body.alipayUserId ?? seed.accounts.find((a) => a.key === body.account)?.alipayUserId;
        if (!userId) {
          c.status = 400;
          c.body = { error: 'alipayUserId or account (demo account key) required' };
          return;
        }
        c.status = 201;
        c.body = mock.mintAuthCode(userId, body.scopes);
      });
      router.post('/__mock/medical-auth', (c) => {
        const body = (c.request.body ?? {}) as { alipayUserId?: string; reqBizNo?: string; person?: string; action?: 'agree' | 'cancel' };
        try {
          const rec = mock.authorizeMedical({ alipayUserId: String(body.alipayUserId ?? ''), reqBizNo: String(body.reqBizNo ?? ''), personKey: body.person, action: body.action });
          c.body = { reqBizNo: rec.reqBizNo, status: rec.status, person: rec.personKey };
        } catch (e) {
          c.status = 400;
          c.body = { error: (e as Error).message };
        }
      });
      router.get('/__mock/trades', (c) => {
        c.body = [...trades.values()].map((t) => ({ ...tradeView(t), refunds: t.refunds, notify_url: t.notifyUrl }));
      });
      router.get('/__mock/trades/:outTradeNo', (c) => {
        const t = findTrade({ out_trade_no: c.params.outTradeNo });
        if (!t) {
          c.status = 404;
          c.body = { error: 'trade not found' };
          return;
        }
        c.body = { ...tradeView(t), refunds: t.refunds, notify_url: t.notifyUrl };
      });
      router.post('/__mock/trades/:outTradeNo/pay', (c) => {
        try {
          c.body = tradeView(mock.payTrade(c.params.outTradeNo!));
        } catch (e) {
          c.status = 409;
          c.body = { error: (e as Error).message };
        }
      });
      router.get('/__mock/notifies', (c) => {
        c.body = getNotifier().deliveries();
      });
    },
    reset() {
      authCodes = new Map();
      tokens = new Map();
      refreshTokens = new Map();
      medicalByKey = new Map();
      medicalByTicket = new Map();
      trades = new Map();
      tradesByNo = new Map();
      notifier?.reset();
    },
    mintAuthCode(alipayUserId, scopes = ['auth_user', 'nhsamp'], ttlMs = authCodeTtl) {
      const rec: AuthCode = { code: token('ac'), userId: alipayUserId, scopes, expiresAt: Date.now() + ttlMs, used: false };
      authCodes.set(rec.code, rec);
      return { authCode: rec.code, expiresAt: rec.expiresAt };
    },
    authorizeMedical({ alipayUserId, reqBizNo, personKey, action = 'agree', bizType = '04107' }) {
      if (!alipayUserId || !reqBizNo) throw new Error('alipayUserId and reqBizNo required');
      let rec = medicalByKey.get(medicalKey(alipayUserId, reqBizNo));
      if (!rec || rec.status !== 'PENDING') rec = newMedicalAuth(alipayUserId, reqBizNo, bizType);
      decideMedical(rec, action, personKey);
      return rec;
    },
    payTrade,
    getTrade: (outTradeNo) => trades.get(outTradeNo),
  };
  return mock;
}

/** Builds the mock from MOCK_ALIPAY_* variables (see keys.ts; demo keys are generated at start). */
export function alipayMockFromEnv(env: NodeJS.ProcessEnv, payAuth?: PayAuthIssuer): AlipayMock | undefined {
  const appPublicKey = env.MOCK_ALIPAY_APP_PUBLIC_KEY;
  const platformPrivateKey = env.MOCK_ALIPAY_PLATFORM_PRIVATE_KEY;
  if (!appPublicKey || !platformPrivateKey) return undefined;
  return createAlipayMock({
    appId: env.MOCK_ALIPAY_APP_ID ?? env.ALIPAY_APP_ID ?? '2021000000000001',
    appPublicKey,
    platformPrivateKey,
    medical: {
      orgAppId: env.MOCK_ALIPAY_MEDICAL_ORG_APP_ID ?? env.ALIPAY_MEDICAL_ORG_APP_ID ?? 'mock_alipay_medical_org_app_id',
      orgChnlCrtfCode: env.MOCK_ALIPAY_MEDICAL_ORG_CHNL_CRTF_CODE ?? env.ALIPAY_MEDICAL_ORG_CHNL_CRTF_CODE ?? 'mock_alipay_org_chnl_crtf_code',
      ...(env.MOCK_ALIPAY_MEDICAL_ORG_CODE ? { orgCode: env.MOCK_ALIPAY_MEDICAL_ORG_CODE } : {}),
    },
    ...(payAuth ? { payAuth } : {}),
    notifyRetryDelaysMs: parseDelays(env.MOCK_ALIPAY_NOTIFY_RETRY_MS, [4_000, 10_000, 60_000]),
  });
}
