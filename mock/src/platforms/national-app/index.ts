/**
 * National insurance APP (国家医保服务平台 APP) mock: what an H5 running inside the APP talks to.
 * No public document shows this channel's endpoints; the shapes below are INF (inferred), mirroring
 * the WeChat/Alipay channels and the mobile-pay center's SM2/SM4 envelope (@ih/crypto):
 *
 *   GET  /national-app/oauth/authorize   authorization PAGE (phone-sized, Chinese). Query:
 *        orgAppId, orgChnlCrtfCodg, orgCodg, bizType (04107 | 04106), redirectUrl, state
 *        [, user=<demo person key signed in to the APP>]. 同意授权 → 302 redirectUrl?authCode=…&state=…;
 *        取消 → 302 redirectUrl?state=…&error=access_denied (no code).
 *   POST /national-app/api/channel/v1/authCode/exchange   envelope {authCode, orgCodg,
 *        orgChnlCrtfCodg, bizType} → {payAuthNo (04107), expiresIn, psnName, certno, psnCertType,
 *        insuplcAdmdvs, relsPayFlag, relsPayUserName}. Codes are single-use and expire.
 *   GET  /national-app/cashier           the APP's cashier PAGE for the cash share; signed query
 *        (appId = orgAppId, outTradeNo, totalAmount, subject, notifyUrl, returnUrl, timestamp (ms),
 *        nonceStr, signData = Base64 r‖s SM2 over buildSignString(those fields, appSecret)). 确认支付 → notify (envelope POST to notifyUrl) and
 *        302 returnUrl?outTradeNo=…&payStatus=SUCCESS; 取消 → payStatus=CANCEL.
 *   POST /national-app/api/channel/v1/cashier/query | /cashier/refund   envelope APIs.
 * Envelope answers: code "0" ok; 1001 code invalid/expired, 1002 code used, 1003 institution
 * mismatch, 1004 signature, 1005 undecryptable, 1006 timestamp, 1007 voucher refused,
 * 2001 order not found, 2002 status, 2003 amount, 9999 busy.
 * Faults: generic kinds by path; platform_error / bad_signature / stale_timestamp / wrong_amount
 * by path on answers; notify_* etc. with operation "notify" (or "notify:pay").
 */
import { randomBytes, randomInt } from 'node:crypto';
import type Router from '@koa/router';
import type { Context } from 'koa';
import {
  EnvelopeError,
  buildSignString,
  formatTimestamp,
  openEnvelope,
  sealRequest,
  sealResponse,
  sm2GenerateKeyPair,
  sm2Verify,
  type TimestampFormat,
  type UserId,
} from '@ih/crypto';
import { fenToYuan, maskIdNo, maskName, yuanToFen } from '@ih/contract';
import type { MockContext, MockPlatform } from '../../app';
import type { FaultRegistry } from '../../faults';
import { demoSignInPeople, identityOf, loadSeed } from '../his/seed';
import { NotifyDispatcher, parseDelays, type NotifyVariant } from '../alipay/notify-dispatcher';
import { createLocalPayAuthIssuer, type PayAuthIssuer } from '../alipay/pay-auth';
import { escapeHtml, isHttpUrl, page, withQuery } from '../alipay/support';

export const NATIONAL_APP_PLATFORM = 'national-app';
export const EXCHANGE_PATH = '/api/channel/v1/authCode/exchange';
export const CASHIER_QUERY_PATH = '/api/channel/v1/cashier/query';
export const CASHIER_REFUND_PATH = '/api/channel/v1/cashier/refund';

export interface NationalAppMockOptions {
  orgAppId: string;
  orgChnlCrtfCodg: string;
  /** When set, only this institution code is accepted. */
  orgCodg?: string;
  appSecret: string;
  /** The institution's SM2 public key (verifies requests and cashier links). */
  orgPublicKey: string;
  /** The platform's SM2 private key (signs answers and notifies). */
  platformPrivateKey: string;
  sm2UserId?: UserId;
  timestampFormat?: TimestampFormat;
  payAuth?: PayAuthIssuer;
  codeTtlMs?: number;
  payAuthTtlSeconds?: number;
  /** Requests and cashier links older than this are refused. */
  maxAgeMs?: number;
  notifyRetryDelaysMs?: number[];
}

interface AuthCode {
  code: string;
  orgCodg: string;
  bizType: string;
  personKey: string;
  signedInKey: string;
  expiresAt: number;
  used: boolean;
}

type PayStatus = 'WAIT_PAY' | 'SUCCESS' | 'CLOSED' | 'REFUND';
export interface CashierOrder {
  outTradeNo: string;
  tradeNo: string;
  totalFen: number;
  subject: string;
  notifyUrl: string;
  returnUrl: string;
  status: PayStatus;
  createdAt: number;
  paidAt?: number;
  refunds: { outRefundNo: string; amountFen: number; at: number }[];
  refundedFen: number;
  /** The center's pay order settled together with the cash (INF). */
  payOrdId?: string;
}

export interface NationalAppMock extends MockPlatform {
  /** Mints an auth code as if `personKey` (or the signed-in person for themself) agreed on the page. */
  mintAuthCode(input: { signedIn: string; person?: string; orgCodg: string; bizType?: string; ttlMs?: number }): string;
  /** Pays a cashier order as if the user tapped 确认支付. */
  payCashierOrder(outTradeNo: string): CashierOrder;
  getCashierOrder(outTradeNo: string): CashierOrder | undefined;
  notifier: NotifyDispatcher;
}

const CST = (ms: number) => formatTimestamp(ms, 'yyyyMMddHHmmss');
const CASHIER_FIELDS = ['appId', 'outTradeNo', 'totalAmount', 'subject', 'notifyUrl', 'returnUrl', 'timestamp', 'nonceStr'] as const;

export function createNationalAppMock(opts: NationalAppMockOptions): NationalAppMock {
  const seed = loadSeed();
  const payAuth: PayAuthIssuer = opts.payAuth ?? createLocalPayAuthIssuer((psnNo) => seed.insured.find((i) => i.psnNo === psnNo)?.insuplcAdmdvs);
  const codeTtl = opts.codeTtlMs ?? 300_000;
  const maxAge = opts.maxAgeMs ?? 10 * 60_000;
  const envKeys = { appId: opts.orgAppId, appSecret: opts.appSecret, ...(opts.sm2UserId !== undefined ? { sm2UserId: opts.sm2UserId } : {}) };
  const throwaway = sm2GenerateKeyPair().privateKey;

  let codes = new Map<string, AuthCode>();
  let orders = new Map<string, CashierOrder>();
  let faults: FaultRegistry | undefined;
  let notifier: NotifyDispatcher | undefined;
  let publicUrl = () => 'http://127.0.0.1:3100';
  const getNotifier = () => {
    if (!notifier) throw new Error('national-app mock not mounted');
    return notifier;
  };

  // ── envelope plumbing ───────────────────────────────────────────────────────────────────────
  function answer(ctx: Context, op: string, code: string, message: string, data?: unknown): void {
    const bad = faults!.take(NATIONAL_APP_PLATFORM, op, ['bad_signature']);
    const stale = faults!.take(NATIONAL_APP_PLATFORM, op, ['stale_timestamp']);
    const staleMs = stale ? Number(stale.params.ms ?? 3_600_000) : 0;
    ctx.status = 200;
    ctx.body = sealResponse(data ?? null, { code, message, success: code === '0' }, {
      ...envKeys,
      privateKey: bad ? throwaway : opts.platformPrivateKey,
      ...(opts.timestampFormat ? { timestampFormat: opts.timestampFormat } : {}),
      now: () => Date.now() - staleMs,
    });
  }

  /** Opens a request envelope or answers the error; returns the data or undefined. */
  function openRequest<T>(ctx: Context, op: string): T | undefined {
    try {
      const opened = openEnvelope<T>(ctx.request.body, {
        ...envKeys,
        publicKey: opts.orgPublicKey,
        maxAgeMs: maxAge,
        ...(opts.timestampFormat ? { timestampFormat: opts.timestampFormat } : {}),
      });
      if (!opened.data || typeof opened.data !== 'object') {
        answer(ctx, op, '1005', '报文内容为空');
        return undefined;
      }
      return opened.data;
    } catch (e) {
      const code = e instanceof EnvelopeError ? e.code : 'ENVELOPE_MALFORMED';
      const map: Record<string, [string, string]> = {
        ENVELOPE_MALFORMED: ['1003', '报文格式错误或 appId 不正确'],
        ENVELOPE_UNDECRYPTABLE: ['1005', '报文解密失败'],
        ENVELOPE_BAD_SIGNATURE: ['1004', '签名验证失败'],
        ENVELOPE_STALE: ['1006', '时间戳无效或已过期'],
      };
      const [c, m] = map[code] ?? ['1003', '报文格式错误'];
      answer(ctx, op, c, m);
      return undefined;
    }
  }

  function injected(ctx: Context, op: string): boolean {
    const f = faults!.take(NATIONAL_APP_PLATFORM, op, ['platform_error']);
    if (!f) return false;
    answer(ctx, op, String(f.params.code ?? '9999'), String(f.params.message ?? '系统繁忙，请稍后再试'));
    return true;
  }

  // ── authorization ───────────────────────────────────────────────────────────────────────────
  interface AuthParams {
    orgAppId: string;
    orgChnlCrtfCodg: string;
    orgCodg: string;
    bizType: string;
    redirectUrl: string;
    state: string;
  }
  function readAuthParams(src: Record<string, unknown>): AuthParams | string {
    const s = (k: string) => (typeof src[k] === 'string' ? (src[k] as string) : '');
    const p: AuthParams = { orgAppId: s('orgAppId'), orgChnlCrtfCodg: s('orgChnlCrtfCodg'), orgCodg: s('orgCodg'), bizType: s('bizType'), redirectUrl: s('redirectUrl'), state: s('state') };
    if (p.orgAppId !== opts.orgAppId || p.orgChnlCrtfCodg !== opts.orgChnlCrtfCodg) return '机构渠道信息不正确（orgAppId / orgChnlCrtfCodg）';
    if (!p.orgCodg || (opts.orgCodg && p.orgCodg !== opts.orgCodg)) return '定点医药机构编码不正确（orgCodg）';
    if (p.bizType !== '04107' && p.bizType !== '04106') return '业务类型不正确（bizType 只能是 04107 或 04106）';
    if (!isHttpUrl(p.redirectUrl)) return '回调地址不正确（redirectUrl）';
    if (!p.state || p.state.length > 128) return '缺少 state 参数';
    return p;
  }

  function authorizePage(p: AuthParams, signedInKey: string, error?: string): string {
    const id = identityOf(signedInKey, seed);
    const base = `${publicUrl()}/national-app/oauth/authorize`;
    const pickerLinks = demoSignInPeople(seed)
      .map((x) => `<a href="${escapeHtml(withQuery(base, { ...p, user: x.key }))}">${escapeHtml(maskName(x.name))}</a>`)
      .join('');
    let body = `<div class="bar">国家医保服务平台 · 授权</div>`;
    body += `<div class="card picker muted">演示：切换 APP 登录人 ${pickerLinks}</div>`;
    if (!id) return page('医保授权', `${body}<div class="card warn">请先登录国家医保服务平台 APP。</div>`, '#0a6cff');
    body += `<div class="card"><div>当前登录：<b>${escapeHtml(maskName(id.person.name))}</b> <span class="muted">${escapeHtml(maskIdNo(id.person.idNumber))}</span></div>
<div class="muted">定点医药机构（${escapeHtml(p.orgCodg)}）申请获取您的医保电子凭证信息，用于${p.bizType === '04107' ? '医保移动支付' : '线上身份核验'}。</div></div>`;
    if (error) body += `<div class="card warn">${escapeHtml(error)}</div>`;
    if (!id.insured?.voucherActivated) body += `<div class="card warn">您的医保电子凭证尚未激活，请在 APP 首页「医保电子凭证」中激活后重试。</div>`;
    const hidden = Object.entries({ ...p, user: signedInKey })
      .map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`)
      .join('');
    body += `<form method="post" action="${escapeHtml(base)}">${hidden}<div class="card"><div class="muted">选择使用谁的医保电子凭证</div>`;
    const options = [{ person: id.person, insured: id.insured, label: '本人' }, ...id.family.map((f) => ({ person: f.person, insured: f.insured, label: `亲情账户（${f.relationship === 'PARENT' ? '父母' : f.relationship === 'CHILD' ? '子女' : '家人'}）` }))];
    let first = true;
    for (const o of options) {
      const usable = Boolean(o.insured?.voucherActivated);
      body += `<label class="opt"><input type="radio" name="person" value="${escapeHtml(o.person.key)}"${usable && first ? ' checked' : ''}${usable ? '' : ' disabled'}> ${escapeHtml(maskName(o.person.name))} · ${o.label}${usable ? '' : ' <span class="warn">（未激活）</span>'}</label>`;
      if (usable) first = false;
    }
    body += `</div><button class="primary" name="action" value="agree"${first ? ' disabled' : ''}>同意授权</button><button class="secondary" name="action" value="cancel">取消</button></form>`;
    return page('医保授权', body, '#0a6cff');
  }

  function mintCode(input: { signedIn: string; person?: string; orgCodg: string; bizType?: string; ttlMs?: number }): string {
    const id = identityOf(input.signedIn, seed);
    if (!id) throw new Error('未登录');
    const personKey = input.person ?? input.signedIn;
    const chosen = personKey === id.person.key ? { person: id.person, insured: id.insured } : id.family.find((f) => f.person.key === personKey);
    if (!chosen) throw new Error('只能为本人或亲情账户中的家人授权');
    if (!chosen.insured) throw new Error('该就诊人没有医保参保信息');
    if (!chosen.insured.voucherActivated) throw new Error('该就诊人的医保电子凭证尚未激活，请先激活');
    const code = `NAC${randomBytes(12).toString('hex')}`;
    codes.set(code, { code, orgCodg: input.orgCodg, bizType: input.bizType ?? '04107', personKey, signedInKey: id.person.key, expiresAt: Date.now() + (input.ttlMs ?? codeTtl), used: false });
    return code;
  }

  async function exchange(ctx: Context): Promise<void> {
    const op = EXCHANGE_PATH;
    const data = openRequest<{ authCode?: string; orgCodg?: string; orgChnlCrtfCodg?: string; bizType?: string }>(ctx, op);
    if (!data) return;
    if (injected(ctx, op)) return;
    if (data.orgChnlCrtfCodg !== opts.orgChnlCrtfCodg) return answer(ctx, op, '1003', '机构渠道认证编码不正确');
    const rec = typeof data.authCode === 'string' ? codes.get(data.authCode) : undefined;
    if (!rec || Date.now() > rec.expiresAt) return answer(ctx, op, '1001', '授权码无效或已过期');
    if (rec.used) return answer(ctx, op, '1002', '授权码已使用');
    if (rec.orgCodg !== data.orgCodg) return answer(ctx, op, '1003', '授权码不属于该机构');
    rec.used = true;
    const person = seed.people.find((p) => p.key === rec.personKey)!;
    const insured = seed.insured.find((i) => i.person === rec.personKey)!;
    const family = rec.personKey !== rec.signedInKey;
    let grant: { payAuthNo: string; expiresAt: number } | undefined;
    if (rec.bizType === '04107') {
      try {
        // A family authorization is issued to the holder (the signed-in APP user) for the relative.
        const holder = family ? seed.insured.find((i) => i.person === rec.signedInKey) : insured;
        if (!holder) throw new Error('授权人没有医保参保信息');
        grant = payAuth.issuePayAuthNo(holder.psnNo, { channel: 'national-app', family, ...(family ? { forPsnNo: insured.psnNo } : {}), ttlSeconds: opts.payAuthTtlSeconds ?? 300 });
      } catch (e) {
        return answer(ctx, op, '1007', (e as Error).message || '医保电子凭证状态异常');
      }
    }
    const signedIn = seed.people.find((p) => p.key === rec.signedInKey)!;
    answer(ctx, op, '0', '成功', {
      ...(grant ? { payAuthNo: grant.payAuthNo, expiresIn: Math.max(0, Math.round((grant.expiresAt - Date.now()) / 1000)) } : {}),
      psnName: person.name,
      certno: person.idNumber,
      psnCertType: '01',
      insuplcAdmdvs: insured.insuplcAdmdvs,
      relsPayFlag: family ? '1' : '0',
      ...(family ? { relsPayUserName: maskName(signedIn.name) } : {}),
      bizType: rec.bizType,
    });
  }

  // ── cashier ─────────────────────────────────────────────────────────────────────────────────
  function verifyCashierLink(q: Record<string, unknown>): (Record<(typeof CASHIER_FIELDS)[number], string> & { payOrdId?: string }) | string {
    const fields = {} as Record<(typeof CASHIER_FIELDS)[number], string>;
    for (const k of CASHIER_FIELDS) {
      const v = q[k];
      if (typeof v !== 'string' || v === '') return `支付链接缺少参数 ${k}`;
      fields[k] = v;
    }
    if (fields.appId !== opts.orgAppId) return '支付链接不属于本机构';
    // INF: an insurance order names the center's pay order; it is signed with the other fields.
    const payOrdId = typeof q.payOrdId === 'string' && q.payOrdId !== '' ? q.payOrdId : undefined;
    const signData = typeof q.signData === 'string' ? q.signData : '';
    const signString = buildSignString(payOrdId ? { ...fields, payOrdId } : fields, opts.appSecret);
    if (!signData || !sm2Verify(signString, signData, opts.orgPublicKey, { userId: opts.sm2UserId ?? opts.appSecret })) return '支付链接签名无效';
    const ts = Number(fields.timestamp);
    if (!/^\d{13}$/.test(fields.timestamp) || Math.abs(Date.now() - ts) > maxAge) return '支付链接已过期，请返回重新发起支付';
    if (!/^\d{1,9}\.\d{2}$/.test(fields.totalAmount) || yuanToFen(fields.totalAmount) < (payOrdId ? 0 : 1)) return '支付金额不正确';
    if (!isHttpUrl(fields.notifyUrl) || !isHttpUrl(fields.returnUrl)) return '回调地址不正确';
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(fields.outTradeNo)) return '订单号不正确';
    return payOrdId ? { ...fields, payOrdId } : fields;
  }

  function cashierPage(o: CashierOrder, token: string, error?: string): string {
    let body = `<div class="bar">国家医保服务平台 · 收银台</div>`;
    body += `<div class="card"><div class="muted">${escapeHtml(o.subject)}</div><div class="amount">¥${escapeHtml(fenToYuan(o.totalFen))}</div><div class="muted" style="text-align:center">个人现金支付部分</div></div>`;
    const po = o.payOrdId ? payAuth.getPayOrder?.(o.payOrdId) : undefined;
    if (po) body += `<div class="card"><div class="row"><span class="muted">医保基金支付</span><span>¥${escapeHtml(fenToYuan(po.fundPay))}</span></div><div class="row"><span class="muted">个人账户支付</span><span>¥${escapeHtml(fenToYuan(po.psnAcctPay))}</span></div></div>`;
    body += `<div class="card"><div class="row"><span class="muted">订单号</span><span>${escapeHtml(o.outTradeNo)}</span></div></div>`;
    if (error) body += `<div class="card warn">${escapeHtml(error)}</div>`;
    if (o.status !== 'WAIT_PAY') {
      body += `<div class="card">${o.status === 'SUCCESS' || o.status === 'REFUND' ? '该订单已支付。' : '该订单已关闭。'}</div><a href="${escapeHtml(withQuery(o.returnUrl, { outTradeNo: o.outTradeNo, payStatus: o.status }))}"><button class="secondary">返回</button></a>`;
      return page('收银台', body, '#0a6cff');
    }
    body += `<form method="post" action="${escapeHtml(`${publicUrl()}/national-app/cashier`)}"><input type="hidden" name="token" value="${escapeHtml(token)}"><button class="primary" name="action" value="pay">确认支付</button><button class="secondary" name="action" value="cancel">取消</button></form>`;
    return page('收银台', body, '#0a6cff');
  }

  function sendPayNotify(o: CashierOrder): void {
    const notifyId = randomBytes(12).toString('hex');
    const snapshot = { ...o };
    getNotifier().dispatch({
      key: o.outTradeNo,
      event: 'pay',
      url: o.notifyUrl,
      build: (v: NotifyVariant) => {
        const data = {
          notifyId,
          outTradeNo: snapshot.outTradeNo,
          tradeNo: snapshot.tradeNo,
          payStatus: 'SUCCESS',
          totalAmount: fenToYuan(snapshot.totalFen + v.deltaFen),
          payTime: CST(snapshot.paidAt ?? Date.now()),
        };
        const env = sealRequest(data, {
          ...envKeys,
          privateKey: v.badSignature ? throwaway : opts.platformPrivateKey,
          ...(opts.timestampFormat ? { timestampFormat: opts.timestampFormat } : {}),
          now: () => Date.now() - v.staleMs,
        });
        return { body: JSON.stringify(env), contentType: 'application/json; charset=utf-8', summary: { notifyId, outTradeNo: data.outTradeNo, payStatus: data.payStatus, totalAmount: data.totalAmount } };
      },
    });
  }

  function payCashierOrder(outTradeNo: string): CashierOrder {
    const o = orders.get(outTradeNo);
    if (!o) throw new Error('订单不存在');
    if (o.status !== 'WAIT_PAY') throw new Error(`订单状态不允许支付：${o.status}`);
    if (o.payOrdId) {
      // The insurance part first: the center settles (and sends its 6302); a refusal pays nothing.
      payAuth.settlePayOrder?.(o.payOrdId);
      const po = payAuth.getPayOrder?.(o.payOrdId);
      if (po && !['3', '4', '5', '6'].includes(po.ordStas)) throw new Error('医保结算未成功，本次未扣费');
    }
    o.status = 'SUCCESS';
    o.paidAt = Date.now();
    if (o.totalFen > 0) sendPayNotify(o);
    return o;
  }

  // Links shown on the page carry a short-lived token, not the signed parameters again.
  let pageTokens = new Map<string, { outTradeNo: string; expiresAt: number }>();

  const mock: NationalAppMock = {
    name: NATIONAL_APP_PLATFORM,
    prefix: '/national-app',
    describe: '国家医保服务平台 APP（H5）：授权页、授权码换 payAuthNo（SM2/SM4 报文）、收银台页面与支付通知、订单查询/退款（INF）',
    get notifier() {
      return getNotifier();
    },
    routes(router: Router, ctx: MockContext) {
      faults = ctx.faults;
      publicUrl = ctx.publicUrl;
      notifier = new NotifyDispatcher({
        platform: NATIONAL_APP_PLATFORM,
        faults: ctx.faults,
        retryDelaysMs: opts.notifyRetryDelaysMs ?? [5_000, 30_000, 120_000],
        isAck: (status, text) => {
          if (status !== 200) return false;
          try {
            const j = JSON.parse(text) as { code?: unknown; success?: unknown };
            return j.code === '0' || j.code === 0 || j.success === true;
          } catch {
            return false;
          }
        },
      });

      router.get('/oauth/authorize', (c) => {
        c.type = 'html';
        const p = readAuthParams(c.query as Record<string, unknown>);
        if (typeof p === 'string') {
          c.status = 400;
          c.body = page('医保授权', `<div class="bar">国家医保服务平台 · 授权</div><div class="card warn">${escapeHtml(p)}</div>`, '#0a6cff');
          return;
        }
        const user = typeof c.query.user === 'string' ? c.query.user : demoSignInPeople(seed)[0]!.key;
        c.body = authorizePage(p, user);
      });

      router.post('/oauth/authorize', (c) => {
        c.type = 'html';
        const body = (c.request.body ?? {}) as Record<string, unknown>;
        const p = readAuthParams(body);
        if (typeof p === 'string') {
          c.status = 400;
          c.body = page('医保授权', `<div class="card warn">${escapeHtml(p)}</div>`, '#0a6cff');
          return;
        }
        const user = typeof body.user === 'string' ? body.user : '';
        if (body.action === 'cancel') {
          c.redirect(withQuery(p.redirectUrl, { state: p.state, error: 'access_denied', errorMsg: '用户取消授权' }));
          return;
        }
        try {
          const code = mintCode({ signedIn: user, person: typeof body.person === 'string' ? body.person : undefined, orgCodg: p.orgCodg, bizType: p.bizType });
          c.redirect(withQuery(p.redirectUrl, { authCode: code, state: p.state }));
        } catch (e) {
          c.status = 400;
          c.body = authorizePage(p, user, (e as Error).message);
        }
      });

      router.post(EXCHANGE_PATH, exchange);

      router.get('/cashier', (c) => {
        c.type = 'html';
        const f = verifyCashierLink(c.query as Record<string, unknown>);
        if (typeof f === 'string') {
          c.status = 400;
          c.body = page('收银台', `<div class="bar">国家医保服务平台 · 收银台</div><div class="card warn">${escapeHtml(f)}</div>`, '#0a6cff');
          return;
        }
        const totalFen = yuanToFen(f.totalAmount);
        let o = orders.get(f.outTradeNo);
        if (o && (o.totalFen !== totalFen || o.subject !== f.subject)) {
          c.status = 409;
          c.body = page('收银台', `<div class="bar">国家医保服务平台 · 收银台</div><div class="card warn">订单信息与原订单不一致，请返回重新下单。</div>`, '#0a6cff');
          return;
        }
        if (!o) {
          o = {
            outTradeNo: f.outTradeNo, tradeNo: `NA${CST(Date.now())}${String(randomInt(0, 1e8)).padStart(8, '0')}`, totalFen, subject: f.subject,
            notifyUrl: f.notifyUrl, returnUrl: f.returnUrl, status: 'WAIT_PAY', createdAt: Date.now(), refunds: [], refundedFen: 0,
            ...(f.payOrdId ? { payOrdId: f.payOrdId } : {}),
          };
          orders.set(o.outTradeNo, o);
        }
        const token = randomBytes(16).toString('hex');
        pageTokens.set(token, { outTradeNo: o.outTradeNo, expiresAt: Date.now() + maxAge });
        c.body = cashierPage(o, token);
      });

      router.post('/cashier', (c) => {
        c.type = 'html';
        const body = (c.request.body ?? {}) as Record<string, unknown>;
        const t = typeof body.token === 'string' ? pageTokens.get(body.token) : undefined;
        const o = t && Date.now() < t.expiresAt ? orders.get(t.outTradeNo) : undefined;
        if (!o) {
          c.status = 400;
          c.body = page('收银台', `<div class="card warn">页面已失效，请返回重新发起支付。</div>`, '#0a6cff');
          return;
        }
        pageTokens.delete(body.token as string);
        if (body.action === 'cancel') {
          c.redirect(withQuery(o.returnUrl, { outTradeNo: o.outTradeNo, payStatus: 'CANCEL' }));
          return;
        }
        try {
          payCashierOrder(o.outTradeNo);
        } catch (e) {
          c.status = 409;
          c.body = cashierPage(o, '', (e as Error).message);
          return;
        }
        c.redirect(withQuery(o.returnUrl, { outTradeNo: o.outTradeNo, payStatus: 'SUCCESS' }));
      });

      router.post(CASHIER_QUERY_PATH, (c) => {
        const op = CASHIER_QUERY_PATH;
        const data = openRequest<{ outTradeNo?: string }>(c, op);
        if (!data) return;
        if (injected(c, op)) return;
        const o = typeof data.outTradeNo === 'string' ? orders.get(data.outTradeNo) : undefined;
        if (!o) return answer(c, op, '2001', '订单不存在');
        const wrong = faults!.take(NATIONAL_APP_PLATFORM, op, ['wrong_amount']);
        answer(c, op, '0', '成功', {
          outTradeNo: o.outTradeNo,
          tradeNo: o.tradeNo,
          payStatus: o.status,
          totalAmount: fenToYuan(o.totalFen + (wrong ? Number(wrong.params.deltaFen ?? 1) : 0)),
          refundAmount: fenToYuan(o.refundedFen),
          ...(o.paidAt ? { payTime: CST(o.paidAt) } : {}),
        });
      });

      router.post(CASHIER_REFUND_PATH, (c) => {
        const op = CASHIER_REFUND_PATH;
        const data = openRequest<{ outTradeNo?: string; outRefundNo?: string; refundAmount?: string; reason?: string }>(c, op);
        if (!data) return;
        if (injected(c, op)) return;
        const o = typeof data.outTradeNo === 'string' ? orders.get(data.outTradeNo) : undefined;
        if (!o) return answer(c, op, '2001', '订单不存在');
        if (typeof data.outRefundNo !== 'string' || !data.outRefundNo) return answer(c, op, '2003', '缺少退款单号');
        let amountFen: number;
        try {
          amountFen = yuanToFen(String(data.refundAmount));
        } catch {
          return answer(c, op, '2003', '退款金额不正确');
        }
        const prev = o.refunds.find((r) => r.outRefundNo === data.outRefundNo);
        if (prev) {
          if (prev.amountFen !== amountFen) return answer(c, op, '2003', '退款金额与原退款请求不一致');
          return answer(c, op, '0', '成功', { outRefundNo: prev.outRefundNo, refundStatus: 'SUCCESS', refundAmount: fenToYuan(prev.amountFen), totalRefundAmount: fenToYuan(o.refundedFen) });
        }
        if (o.status !== 'SUCCESS' && o.status !== 'REFUND') return answer(c, op, '2002', '订单未支付，不能退款');
        if (amountFen <= 0 || o.refundedFen + amountFen > o.totalFen) return answer(c, op, '2003', '退款金额超出可退金额');
        o.refunds.push({ outRefundNo: data.outRefundNo, amountFen, at: Date.now() });
        o.refundedFen += amountFen;
        o.status = 'REFUND';
        answer(c, op, '0', '成功', { outRefundNo: data.outRefundNo, refundStatus: 'SUCCESS', refundAmount: fenToYuan(amountFen), totalRefundAmount: fenToYuan(o.refundedFen) });
      });

      // ── demo / test controls ──
      router.post('/__mock/auth-codes', (c) => {
        const body = (c.request.body ?? {}) as { signedIn?: string; person?: string; orgCodg?: string; bizType?: string };
        try {
          c.status = 201;
          c.body = { authCode: mintCode({ signedIn: String(body.signedIn ?? ''), person: body.person, orgCodg: String(body.orgCodg ?? opts.orgCodg ?? ''), bizType: body.bizType }) };
        } catch (e) {
          c.status = 400;
          c.body = { error: (e as Error).message };
        }
      });
      router.post('/__mock/cashier/:outTradeNo/pay', (c) => {
        try {
          const o = payCashierOrder(c.params.outTradeNo!);
          c.body = { outTradeNo: o.outTradeNo, tradeNo: o.tradeNo, payStatus: o.status };
        } catch (e) {
          c.status = 409;
          c.body = { error: (e as Error).message };
        }
      });
      router.get('/__mock/cashier', (c) => {
        c.body = [...orders.values()];
      });
      router.get('/__mock/notifies', (c) => {
        c.body = getNotifier().deliveries();
      });
    },
    reset() {
      codes = new Map();
      orders = new Map();
      pageTokens = new Map();
      notifier?.reset();
    },
    mintAuthCode: mintCode,
    payCashierOrder,
    getCashierOrder: (no) => orders.get(no),
  };
  return mock;
}

export function nationalAppMockFromEnv(env: NodeJS.ProcessEnv, payAuth?: PayAuthIssuer): NationalAppMock | undefined {
  const appSecret = env.MOCK_NATIONAL_APP_APP_SECRET;
  const orgPublicKey = env.MOCK_NATIONAL_APP_ORG_PUBLIC_KEY;
  const platformPrivateKey = env.MOCK_NATIONAL_APP_PLATFORM_PRIVATE_KEY;
  if (!appSecret || !orgPublicKey || !platformPrivateKey) return undefined;
  return createNationalAppMock({
    orgAppId: env.MOCK_NATIONAL_APP_ORG_APP_ID ?? env.NATIONAL_APP_ORG_APP_ID ?? 'mock_national_app_org_app_id',
    orgChnlCrtfCodg: env.MOCK_NATIONAL_APP_ORG_CHNL_CRTF_CODG ?? env.NATIONAL_APP_ORG_CHNL_CRTF_CODG ?? 'mock_national_app_chnl_crtf_codg',
    ...(env.MOCK_NATIONAL_APP_ORG_CODG ? { orgCodg: env.MOCK_NATIONAL_APP_ORG_CODG } : {}),
    appSecret,
    orgPublicKey,
    platformPrivateKey,
    ...(env.MOCK_NATIONAL_APP_SM2_USER_ID ? { sm2UserId: env.MOCK_NATIONAL_APP_SM2_USER_ID } : {}),
    ...(env.MOCK_NATIONAL_APP_TIMESTAMP_FORMAT === 'yyyyMMddHHmmss' ? { timestampFormat: 'yyyyMMddHHmmss' as const } : {}),
    ...(payAuth ? { payAuth } : {}),
    notifyRetryDelaysMs: parseDelays(env.MOCK_NATIONAL_APP_NOTIFY_RETRY_MS, [5_000, 30_000, 120_000]),
  });
}
