/**
 * The cash channels behind one interface (no copy-paste between channels): WeChat Pay (insurance
 * mixed order /v3/med-ins/orders or a plain JSAPI payment for self-pay), Alipay (trade + insurance
 * pay order reference, INF) and the national insurance APP cashier (INF). Each can create the
 * channel order of a payment attempt, give the launch parameters again, query it, close it, and
 * refund / query a refund of its cash.
 *
 * Insurance-only orders (no cash after the split and no delivery fee) skip the cash step where the
 * channel allows: WeChat INSURANCE_ONLY (no prepay), national APP cashier with 0.00 cash (INF).
 */
import { createHash } from 'node:crypto';
import type { PayChannel, PayLaunch } from '@ih/contract';
import type { Payment } from '@ih/db';
import { AppError } from '../../lib/errors';
import { PlatformError } from '../../platforms/http';
import { WechatPayError, mixedOrderAmounts, type MixedOrderAmounts } from '../../platforms/wechat-pay';
import { payAuthAad } from '../voucher';
import { callbackUrls, type OrderContext } from './context';
import { patientIdentity } from './platformErrors';
import { orderTextSetting } from './settings';
import type { FullOrder } from './views';

export type CashQuery =
  | { status: 'PAID'; channelTradeNo?: string }
  | { status: 'PENDING' }
  | { status: 'FAILED'; reason: string }
  | { status: 'CLOSED' }
  /** The channel has never seen this attempt (the create call did not land). */
  | { status: 'NOT_FOUND' }
  /** The channel's answer disagrees with the order (amounts): flag, never paid. */
  | { status: 'MISMATCH'; reason: string };

export type RefundOutcome = 'SUCCEEDED' | 'PROCESSING' | 'FAILED' | 'NOT_FOUND';

export interface CreatedAttempt {
  channelTradeNo?: string;
  prepayId?: string;
  launch: PayLaunch;
}

export interface CashChannel {
  channel: PayChannel;
  create(ctx: OrderContext, o: FullOrder, p: Payment): Promise<CreatedAttempt>;
  relaunch(ctx: OrderContext, o: FullOrder, p: Payment): Promise<PayLaunch>;
  query(ctx: OrderContext, o: FullOrder, p: Payment): Promise<CashQuery>;
  close(ctx: OrderContext, o: FullOrder, p: Payment): Promise<void>;
  refund(ctx: OrderContext, o: FullOrder, p: Payment, r: { refundNo: string; amountFen: number; reason: string }): Promise<RefundOutcome>;
  queryRefund(ctx: OrderContext, o: FullOrder, p: Payment, r: { refundNo: string; amountFen: number }): Promise<RefundOutcome>;
  /** After the insurance part was refunded (6203): tell the channel when it keeps insurance records (WeChat). */
  afterInsuranceRefund?(ctx: OrderContext, o: FullOrder, p: Payment, r: { refundNo: string; fundFen: number; psnAcctFen: number; at: Date }): Promise<void>;
}

function subjectOf(o: FullOrder): string {
  return `${o.hospital.name}-${o.kind === 'CONSULTATION' ? '互联网复诊诊查费' : '处方药品费'}`.slice(0, 60);
}

/** The WeChat mixed order's amounts, from the platform's split (+ delivery as FREIGHT). */
export function wechatAmounts(o: { fundPayFen: number; psnAcctPayFen: number; cashPayFen: number; deliveryFeeFen: number }): MixedOrderAmounts {
  return mixedOrderAmounts({ fundPay: o.fundPayFen, psnAcctPay: o.psnAcctPayFen, ownPayAmt: o.cashPayFen, freightFen: o.deliveryFeeFen });
}

function notFound(err: unknown): boolean {
  return (err instanceof WechatPayError && (err.reason === 'ORDER_NOT_EXIST' || (err as { reason?: string }).reason === 'RESOURCE_NOT_EXISTS')) || (err instanceof PlatformError && (err.code === 'ORDER_NOT_EXIST' || err.code === 'RESOURCE_NOT_EXISTS' || err.code === 'ACQ.TRADE_NOT_EXIST' || err.code === '2001'));
}

function amountMismatch(err: unknown): string | null {
  if (err instanceof PlatformError && (err.code === 'AMOUNT_MISMATCH' || err.name === 'WechatPayAmountMismatchError')) return err.message;
  return null;
}

async function userOf(ctx: OrderContext, userId: string) {
  return ctx.prisma.user.findUniqueOrThrow({ where: { id: userId }, select: { wechatOpenId: true, alipayUserId: true } });
}

// ── WeChat Pay ──────────────────────────────────────────────────────────────────────────────────
const wechat: CashChannel = {
  channel: 'WECHAT',
  async create(ctx, o, p) {
    const wx = ctx.platforms.wechatPay();
    const user = await userOf(ctx, o.userId);
    if (!user.wechatOpenId) throw new AppError('ORDER_CHANNEL_UNAVAILABLE', { message: '请在微信小程序中登录后再使用微信支付' });
    const urls = callbackUrls(ctx.config);
    const timeExpire = o.expiresAt ?? undefined;
    if (o.payMode === 'SELF_PAY') {
      const r = await wx.jsapiPrepay({ description: subjectOf(o), outTradeNo: p.outTradeNo, notifyUrl: urls.wechatPay, totalFen: p.cashFen, openid: user.wechatOpenId, ...(timeExpire ? { timeExpire } : {}) });
      return { prepayId: r.prepayId, launch: { kind: 'WECHAT_JSAPI', ...r.launch } };
    }
    const amounts = wechatAmounts(o);
    if (amounts.wechatPayCashFee !== p.cashFen) throw new AppError('PAYMENT_AMOUNT_MISMATCH');
    const auth = o.payAuthorizationId ? await ctx.prisma.voucherAuthorization.findUnique({ where: { id: o.payAuthorizationId }, select: { payAuthNoEnc: true, familyAuth: true, userId: true, patientId: true } }) : null;
    if (!auth || !o.payOrdId || !o.medOrgOrd) throw new AppError('INSURANCE_AUTH_INVALID');
    const payAuthNo = ctx.cipher.decrypt(auth.payAuthNoEnc, payAuthAad(auth.userId, auth.patientId));
    // The payer is the voucher holder (the WeChat user, the account's 本人); a family authorization pays for the patient as the relative.
    const patient = await patientIdentity(ctx, o.patientId);
    let payer = { name: patient.name, idNumber: patient.idNumber };
    let relative: { name: string; idNumber: string } | undefined;
    if (auth.familyAuth) {
      const self = await ctx.prisma.patient.findFirst({ where: { ownerUserId: o.userId, relationship: 'SELF', deletedAt: null }, select: { id: true } });
      if (!self) throw new AppError('INSURANCE_FAMILY_NOT_BOUND');
      const holder = await patientIdentity(ctx, self.id);
      payer = { name: holder.name, idNumber: holder.idNumber };
      relative = { name: patient.name, idNumber: patient.idNumber };
    }
    let prepayId: string | undefined;
    if (p.cashFen > 0) {
      const r = await wx.jsapiPrepay({ description: subjectOf(o), outTradeNo: p.outTradeNo, notifyUrl: urls.wechatPay, totalFen: p.cashFen, openid: user.wechatOpenId, ...(timeExpire ? { timeExpire } : {}) });
      prepayId = r.prepayId;
    }
    const geo = o.uldLatlnt ?? (await orderTextSetting(ctx.prisma, 'defaultGeoLocation'));
    const { order } = await wx.createMedInsOrder({
      mixPayType: p.cashFen > 0 ? 'CASH_AND_INSURANCE' : 'INSURANCE_ONLY',
      orderType: o.kind === 'CONSULTATION' ? 'INT_RE_DIAG_PAY' : 'INT_RX_PAY',
      openid: user.wechatOpenId,
      payer,
      ...(relative ? { relative } : {}),
      outTradeNo: p.outTradeNo,
      serialNo: o.medOrgOrd,
      payOrderId: o.payOrdId,
      payAuthNo,
      geoLocation: geo,
      cityId: ctx.config.platforms.wechat.cityCode,
      medInstName: o.hospital.name,
      medInstNo: ctx.config.platforms.mobilePay.orgCode,
      medInsOrderCreateTime: o.createdAt,
      amounts,
      callbackUrl: urls.wechatPay,
      ...(prepayId ? { prepayId } : {}),
    });
    return { channelTradeNo: order.mix_trade_no, ...(prepayId ? { prepayId } : {}), launch: { kind: 'WECHAT_MED_INS', ...ctx.platforms.wechatPay().medicalInsuranceLaunch(order.mix_trade_no, prepayId) } };
  },
  async relaunch(ctx, o, p) {
    const wx = ctx.platforms.wechatPay();
    if (o.payMode === 'SELF_PAY') {
      const user = await userOf(ctx, o.userId);
      const r = await wx.jsapiPrepay({ description: subjectOf(o), outTradeNo: p.outTradeNo, notifyUrl: callbackUrls(ctx.config).wechatPay, totalFen: p.cashFen, openid: user.wechatOpenId ?? '', ...(o.expiresAt ? { timeExpire: o.expiresAt } : {}) });
      return { kind: 'WECHAT_JSAPI', ...r.launch };
    }
    if (!p.channelTradeNo) throw new AppError('ORDER_PAYMENT_IN_PROGRESS');
    return { kind: 'WECHAT_MED_INS', ...wx.medicalInsuranceLaunch(p.channelTradeNo, p.prepayId ?? undefined) };
  },
  async query(ctx, o, p) {
    const wx = ctx.platforms.wechatPay();
    try {
      if (o.payMode === 'SELF_PAY') {
        const t = await wx.queryTransaction(p.outTradeNo, { totalFen: p.cashFen });
        if (t.trade_state === 'SUCCESS' || t.trade_state === 'REFUND') return { status: 'PAID', ...(t.transaction_id ? { channelTradeNo: t.transaction_id } : {}) };
        if (t.trade_state === 'CLOSED' || t.trade_state === 'REVOKED') return { status: 'CLOSED' };
        if (t.trade_state === 'PAYERROR') return { status: 'FAILED', reason: t.trade_state_desc ?? '支付失败' };
        return { status: 'PENDING' };
      }
      const m = await wx.queryMedInsOrder({ outTradeNo: p.outTradeNo }, { outTradeNo: p.outTradeNo, amounts: wechatAmounts(o) });
      if (m.mix_pay_status === 'MIX_PAY_SUCCESS' || m.mix_pay_status === 'MIX_PAY_REFUND') return { status: 'PAID', channelTradeNo: m.mix_trade_no };
      if (m.mix_pay_status === 'MIX_PAY_FAIL') return { status: 'FAILED', reason: m.med_ins_fail_reason ?? '医保支付未成功' };
      return { status: 'PENDING' };
    } catch (err) {
      if (notFound(err)) return { status: 'NOT_FOUND' };
      const mm = amountMismatch(err);
      if (mm) return { status: 'MISMATCH', reason: mm };
      throw err;
    }
  },
  async close(ctx, o, p) {
    if (p.cashFen <= 0) return; // INSURANCE_ONLY: no cash order; the center's 6401 ends the insurance part
    try {
      await ctx.platforms.wechatPay().closeTransaction(p.outTradeNo);
    } catch (err) {
      if (!notFound(err)) throw err;
    }
  },
  async refund(ctx, _o, p, r) {
    try {
      const res = await ctx.platforms.wechatPay().refund({ outTradeNo: p.outTradeNo, outRefundNo: r.refundNo, refundFen: r.amountFen, totalFen: p.cashFen, reason: r.reason, notifyUrl: callbackUrls(ctx.config).wechatPay });
      return res.status === 'SUCCESS' ? 'SUCCEEDED' : res.status === 'PROCESSING' ? 'PROCESSING' : 'FAILED';
    } catch (err) {
      if (err instanceof PlatformError && err.outcomeUnknown) return 'PROCESSING';
      throw err;
    }
  },
  async queryRefund(ctx, _o, _p, r) {
    try {
      const res = await ctx.platforms.wechatPay().queryRefund(r.refundNo, { refundFen: r.amountFen });
      return res.status === 'SUCCESS' ? 'SUCCEEDED' : res.status === 'PROCESSING' ? 'PROCESSING' : 'FAILED';
    } catch (err) {
      if (notFound(err)) return 'NOT_FOUND';
      throw err;
    }
  },
  async afterInsuranceRefund(ctx, o, p, r) {
    if (o.payMode !== 'INSURANCE' || !p.channelTradeNo) return;
    await ctx.platforms.wechatPay().notifyMedInsRefund(p.channelTradeNo, { outRefundNo: r.refundNo, govFen: r.fundFen, selfFen: r.psnAcctFen, otherFen: 0, refundTime: r.at });
  },
};

// ── Alipay ──────────────────────────────────────────────────────────────────────────────────────
const alipay: CashChannel = {
  channel: 'ALIPAY',
  async create(ctx, o, p) {
    const user = await userOf(ctx, o.userId);
    if (!user.alipayUserId) throw new AppError('ORDER_CHANNEL_UNAVAILABLE', { message: '请在支付宝小程序中登录后再使用支付宝支付' });
    if (p.cashFen <= 0) throw new AppError('ORDER_CHANNEL_UNAVAILABLE', { message: '本单医保已全额支付、无需现金，支付宝渠道暂不支持纯医保订单，请在微信或国家医保服务平台中支付' });
    const r = await ctx.platforms.alipay().createTrade({
      outTradeNo: p.outTradeNo,
      totalFen: p.cashFen,
      subject: subjectOf(o),
      buyerId: user.alipayUserId,
      notifyUrl: callbackUrls(ctx.config).alipay,
      timeoutExpress: `${Math.max(1, Math.ceil(((o.expiresAt?.getTime() ?? Date.now() + 1800_000) - Date.now()) / 60_000))}m`,
      ...(o.payMode === 'INSURANCE' && o.payOrdId && o.medOrgOrd ? { medical: { payOrdId: o.payOrdId, medOrgOrd: o.medOrgOrd } } : {}),
    });
    return { channelTradeNo: r.tradeNo, launch: { kind: 'ALIPAY_TRADE', tradeNo: r.tradeNo } };
  },
  async relaunch(_ctx, _o, p) {
    if (!p.channelTradeNo) throw new AppError('ORDER_PAYMENT_IN_PROGRESS');
    return { kind: 'ALIPAY_TRADE', tradeNo: p.channelTradeNo };
  },
  async query(ctx, _o, p) {
    try {
      const t = await ctx.platforms.alipay().queryTrade(p.outTradeNo, { expectedTotalFen: p.cashFen });
      if (t.status === 'TRADE_SUCCESS' || t.status === 'TRADE_FINISHED') return { status: 'PAID', channelTradeNo: t.tradeNo };
      if (t.status === 'TRADE_CLOSED') return t.refundFen > 0 ? { status: 'PAID', channelTradeNo: t.tradeNo } : { status: 'CLOSED' };
      return { status: 'PENDING' };
    } catch (err) {
      if (notFound(err)) return { status: 'NOT_FOUND' };
      const mm = amountMismatch(err);
      if (mm) return { status: 'MISMATCH', reason: mm };
      throw err;
    }
  },
  async close(ctx, _o, p) {
    await ctx.platforms.alipay().closeTrade(p.outTradeNo);
  },
  async refund(ctx, _o, p, r) {
    await ctx.platforms.alipay().refund({ outTradeNo: p.outTradeNo, outRequestNo: r.refundNo, refundFen: r.amountFen, reason: r.reason.slice(0, 60) });
    return 'SUCCEEDED';
  },
  async queryRefund(ctx, _o, p, r) {
    const q = await ctx.platforms.alipay().queryRefund(p.outTradeNo, r.refundNo, { expectedRefundFen: r.amountFen });
    return q.status === 'REFUND_SUCCESS' ? 'SUCCEEDED' : 'NOT_FOUND';
  },
};

// ── national insurance APP cashier (INF) ───────────────────────────────────────────────────────
function cashierReturnUrl(ctx: OrderContext, orderId: string): string {
  return `${ctx.config.publicBaseUrl}/#/pages/orders/result/index?orderId=${encodeURIComponent(orderId)}`;
}

const nationalApp: CashChannel = {
  channel: 'NHSA_APP',
  async create(ctx, o, p) {
    return { launch: await nationalApp.relaunch(ctx, o, p) };
  },
  async relaunch(ctx, o, p) {
    const url = ctx.platforms.nationalApp().buildCashierUrl({
      outTradeNo: p.outTradeNo,
      totalFen: p.cashFen,
      subject: subjectOf(o),
      notifyUrl: callbackUrls(ctx.config).nationalApp,
      returnUrl: cashierReturnUrl(ctx, o.id),
      ...(o.payMode === 'INSURANCE' && o.payOrdId ? { payOrdId: o.payOrdId } : {}),
    });
    return { kind: 'REDIRECT', url };
  },
  async query(ctx, _o, p) {
    try {
      const c = await ctx.platforms.nationalApp().queryCashierOrder(p.outTradeNo, { expectedTotalFen: p.cashFen });
      if (c.status === 'SUCCESS' || c.status === 'REFUND') return { status: 'PAID', channelTradeNo: c.tradeNo };
      if (c.status === 'CLOSED') return { status: 'CLOSED' };
      return { status: 'PENDING' };
    } catch (err) {
      if (notFound(err)) return { status: 'NOT_FOUND' };
      const mm = amountMismatch(err);
      if (mm) return { status: 'MISMATCH', reason: mm };
      throw err;
    }
  },
  async close() {
    // The signed cashier link expires on the APP side; the center's 6401 ends the insurance part.
  },
  async refund(ctx, _o, p, r) {
    await ctx.platforms.nationalApp().refundCashier({ outTradeNo: p.outTradeNo, outRefundNo: r.refundNo, refundFen: r.amountFen, reason: r.reason.slice(0, 60) });
    return 'SUCCEEDED';
  },
  async queryRefund(ctx, o, p, r) {
    // The APP refund is idempotent by outRefundNo: asking again answers the recorded refund.
    return nationalApp.refund(ctx, o, p, { ...r, reason: '退款查询' });
  },
};

export const CASH_CHANNELS: Record<PayChannel, CashChannel> = { WECHAT: wechat, ALIPAY: alipay, NHSA_APP: nationalApp };

/** Which pay channel a signed-in client build may use. */
export const CHANNEL_OF_SESSION = { WEAPP: 'WECHAT', ALIPAY: 'ALIPAY', H5: 'NHSA_APP' } as const satisfies Record<string, PayChannel>;

/** Stable short hash for idempotency keys of unverifiable bodies (never the body itself). */
export function bodyDigest(raw: string): string {
  return createHash('sha256').update(raw, 'utf8').digest('hex').slice(0, 40);
}
