/**
 * Inbound notifications (mounted under /api/v1/callbacks/…, no session):
 *   POST mobile-pay/settlement   6302 settlement notify (SM2/SM4 envelope)
 *   POST wechat-pay              WeChat Pay v3 callbacks (MEDICAL_INSURANCE.SUCCESS, TRANSACTION.SUCCESS, REFUND.*)
 *   POST alipay                  Alipay trade_status_sync (form, RSA2)
 *   POST national-app            national APP cashier notify (envelope, INF)
 *
 * Each is verified BEFORE anything is read from it (signature, freshness, app id), then stored in
 * inbound_notifications under an idempotency key (6302: payOrdId + callType; WeChat: resource id +
 * event; Alipay: out_trade_no + trade_status; APP: outTradeNo + status). A repeat answers the same
 * ack and changes nothing (a repeat of one whose processing never finished is processed again:
 * every step is guarded anyway). Amounts are compared with the order: a mismatch flags the order
 * and it is not paid. An unverifiable body is recorded (hash only) and refused so the sender retries
 * or gives up; it never touches an order.
 */
import Router from '@koa/router';
import { API_PREFIX } from '@ih/contract';
import type { NotifySource, Prisma } from '@ih/db';
import type { Context } from 'koa';
import { PlatformError } from '../../platforms/http';
import { settlementNotifyAck } from '../../platforms/mobile-pay';
import { assertMixedOrderMatches, notifyAnswer, type WechatPayEvent } from '../../platforms/wechat-pay';
import { alipayNotifyAck } from '../../platforms/alipay';
import { nationalAppNotifyAck } from '../../platforms/national-app';
import { bodyDigest, wechatAmounts } from './channels';
import type { OrderContext } from './context';
import { refundAfterClosedService, reconcileOrder } from './reconcile';
import { advanceRefund } from './refunds';
import { confirmCash, confirmInsurance, failOrder } from './settlement';
import { flagOrder, withOrderLock } from './stateMachine';
import { isUniqueViolation } from '../../lib/dbErrors';

type Outcome = 'PROCESSED' | 'IGNORED' | 'FAILED';

/** A delivery still RECEIVED after this long is assumed abandoned (its process died) and processed again. */
const IN_PROGRESS_GRACE_MS = 15_000;

function rawBodyOf(ctx: Context): string {
  const raw = (ctx.request as unknown as { rawBody?: unknown }).rawBody;
  if (typeof raw === 'string') return raw;
  const body = (ctx.request as unknown as { body?: unknown }).body;
  return typeof body === 'string' ? body : JSON.stringify(body ?? {});
}

/**
 * Records a verified notification once and processes it. Returns whether to acknowledge it
 * (true for anything verified and recorded: processed, ignored, or flagged).
 */
async function ingest(
  ctx: OrderContext,
  n: { source: NotifySource; key: string; eventType: string; orderId: string | null; payload: Prisma.InputJsonValue },
  process: () => Promise<Outcome>,
): Promise<boolean> {
  let rowId: bigint;
  try {
    const row = await ctx.prisma.inboundNotification.create({
      data: { source: n.source, idempotencyKey: n.key.slice(0, 191), eventType: n.eventType.slice(0, 64), orderId: n.orderId, signatureValid: true, payload: n.payload },
      select: { id: true },
    });
    rowId = row.id;
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
    const existing = await ctx.prisma.inboundNotification.update({ where: { idempotencyKey: n.key.slice(0, 191) }, data: { deliveries: { increment: 1 } }, select: { id: true, status: true, receivedAt: true } });
    if (existing.status !== 'RECEIVED') return true; // a repeat: same ack, no change
    // Another delivery (maybe on another instance) is processing it right now: let the sender
    // retry rather than do the same work twice. One that never finished (crash) is taken over.
    if (Date.now() - existing.receivedAt.getTime() < IN_PROGRESS_GRACE_MS) return false;
    rowId = existing.id; // the first delivery did not finish: process again (guarded steps)
  }
  let outcome: Outcome;
  let error: string | null = null;
  try {
    outcome = await process();
  } catch (err) {
    ctx.logger.error({ err, source: n.source, eventType: n.eventType, orderId: n.orderId }, 'notification processing failed; the sender will retry');
    await ctx.prisma.inboundNotification.update({ where: { id: rowId }, data: { errorMessage: err instanceof Error ? err.message.slice(0, 500) : 'failed' } });
    return false;
  }
  if (outcome === 'FAILED') error = 'did not match the order (flagged)';
  await ctx.prisma.inboundNotification.update({ where: { id: rowId }, data: { status: outcome, processedAt: new Date(), ...(error ? { errorMessage: error } : {}) } });
  return true;
}

/** An unverifiable body: recorded by hash (never its content), refused. */
async function recordRejected(ctx: OrderContext, source: NotifySource, raw: string, reason: string): Promise<void> {
  const key = `${source}:rejected:${bodyDigest(raw)}`;
  ctx.logger.warn({ source, reason }, 'notification rejected: not verified');
  try {
    await ctx.prisma.inboundNotification.create({ data: { source, idempotencyKey: key, eventType: 'REJECTED', signatureValid: false, status: 'FAILED', payload: { reason: reason.slice(0, 200) }, errorMessage: reason.slice(0, 500) } });
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
    await ctx.prisma.inboundNotification.update({ where: { idempotencyKey: key }, data: { deliveries: { increment: 1 } } });
  }
}

/**
 * One part was confirmed and the other is still missing: if it has not arrived a moment later
 * (a lost or late 6302, a lost channel callback), ask the platforms. Deferred so the callback is
 * acknowledged at once (WeChat wants an answer within 5 s) and nothing is asked when the other
 * notify simply follows; one pending nudge per order per process.
 */
const pendingNudges = new Set<string>();
export const NUDGE_DELAY_MS = 2000;
function nudge(ctx: OrderContext, orderId: string, actor: string): void {
  if (pendingNudges.has(orderId)) return;
  pendingNudges.add(orderId);
  const t = setTimeout(() => {
    void (async () => {
      try {
        const o = await ctx.prisma.order.findUnique({ where: { id: orderId }, select: { state: true } });
        if (o && (o.state === 'PAYING' || o.state === 'PRE_SETTLED')) await reconcileOrder(ctx, orderId, actor);
      } catch (err) {
        ctx.logger.warn({ err, orderId }, 'query after a notify failed; reconciliation will retry');
      } finally {
        pendingNudges.delete(orderId);
      }
    })();
  }, NUDGE_DELAY_MS);
  t.unref();
}

// ── 6302 ─────────────────────────────────────────────────────────────────────────────────────
export async function handleSettlementNotify(ctx: OrderContext, raw: string): Promise<{ status: number; body: unknown }> {
  let n;
  try {
    n = ctx.platforms.mobilePay().verifyAndParseSettlementNotify(raw);
  } catch (err) {
    await recordRejected(ctx, 'NHSA', raw, err instanceof PlatformError ? `${err.kind}:${err.code ?? ''}` : 'invalid');
    return { status: 200, body: settlementNotifyAck(false, '验签失败') };
  }
  const order = await ctx.prisma.order.findUnique({ where: { payOrdId: n.payOrdId }, select: { id: true } });
  const actor = 'notify:6302';
  const ok = await ingest(
    ctx,
    {
      source: 'NHSA',
      key: `6302:${n.dedupKey}`,
      eventType: `6302:${n.callType}`,
      orderId: order?.id ?? null,
      payload: { payOrdId: n.payOrdId, medOrgOrd: n.medOrgOrd, callType: n.callType, ordStas: n.ordStas ?? null, setlType: n.setlType ?? null, feeSumamtFen: n.feeSumamtFen, fundPayFen: n.fundPayFen, psnAcctPayFen: n.psnAcctPayFen, ownPayAmtFen: n.ownPayAmtFen, traceTime: n.traceTime ?? null },
    },
    async () => {
      if (!order) return 'IGNORED';
      if (n.callType !== '02' || (n.ordStasClass !== 'not_given' && n.ordStasClass !== 'settled_candidate')) {
        await withOrderLock(ctx.prisma, order.id, (tx, o) => flagOrder(tx, o, `6302 with callType ${n.callType} / ordStas ${n.ordStas ?? '-'}: not a pay success`, actor));
        return 'FAILED';
      }
      const r = await confirmInsurance(ctx, order.id, { source: '6302', payOrdId: n.payOrdId, medOrgOrd: n.medOrgOrd, ...(n.ordStas ? { ordStas: n.ordStas } : {}), feeSumamtFen: n.feeSumamtFen, ownPayAmtFen: n.ownPayAmtFen, psnAcctPayFen: n.psnAcctPayFen, fundPayFen: n.fundPayFen, ...(n.setlType ? { setlType: n.setlType } : {}) }, actor);
      if (r.refundNeeded) await refundAfterClosedService(ctx, order.id, actor);
      if (r.outcome === 'recorded') nudge(ctx, order.id, actor); // the cash part may be confirmable by query
      return r.outcome === 'mismatch' || r.outcome === 'inconsistent' ? 'FAILED' : r.outcome === 'already' ? 'IGNORED' : 'PROCESSED';
    },
  );
  return { status: 200, body: settlementNotifyAck(ok, ok ? '成功' : '处理失败') };
}

// ── WeChat Pay ───────────────────────────────────────────────────────────────────────────────
async function processWechatEvent(ctx: OrderContext, ev: WechatPayEvent): Promise<{ key: string; orderId: string | null; payload: Prisma.InputJsonValue; run: () => Promise<Outcome> }> {
  const actor = `notify:wechat-pay`;
  if (ev.type === 'MEDICAL_INSURANCE.SUCCESS' || ev.type === 'TRANSACTION.SUCCESS') {
    const outTradeNo = ev.type === 'MEDICAL_INSURANCE.SUCCESS' ? ev.order.out_trade_no : ev.transaction.out_trade_no;
    const payment = await ctx.prisma.payment.findUnique({ where: { outTradeNo }, include: { order: true } });
    const key = `wechat:${ev.type === 'MEDICAL_INSURANCE.SUCCESS' ? ev.order.mix_trade_no : (ev.transaction.transaction_id ?? outTradeNo)}:${ev.type}`;
    const payload = ev.type === 'MEDICAL_INSURANCE.SUCCESS'
      ? { outTradeNo, mixTradeNo: ev.order.mix_trade_no, mixPayStatus: ev.order.mix_pay_status, selfPayStatus: ev.order.self_pay_status, medInsPayStatus: ev.order.med_ins_pay_status, totalFee: ev.order.total_fee }
      : { outTradeNo, tradeState: ev.transaction.trade_state, total: ev.transaction.amount.total };
    return {
      key,
      orderId: payment?.orderId ?? null,
      payload,
      run: async () => {
        if (!payment) return 'IGNORED';
        const o = payment.order;
        if (ev.type === 'MEDICAL_INSURANCE.SUCCESS') {
          try {
            assertMixedOrderMatches('MEDICAL_INSURANCE.SUCCESS', { outTradeNo, amounts: wechatAmounts(o) }, ev.order as unknown as Record<string, unknown>);
          } catch (err) {
            await withOrderLock(ctx.prisma, o.id, (tx, locked) => flagOrder(tx, locked, `WeChat mixed order amounts differ: ${err instanceof Error ? err.message : ''}`.slice(0, 250), actor));
            return 'FAILED';
          }
          if (ev.order.mix_pay_status === 'MIX_PAY_FAIL') {
            await failOrder(ctx, o.id, ev.order.med_ins_fail_reason ?? '医保支付未成功', actor, 'wechat');
            return 'PROCESSED';
          }
          if (ev.order.mix_pay_status !== 'MIX_PAY_SUCCESS') return 'IGNORED';
          let outcome: string = 'recorded';
          if (payment.cashFen > 0 && ev.order.self_pay_status === 'SELF_PAY_SUCCESS') {
            const r = await confirmCash(ctx, payment.id, { source: 'wechat:MEDICAL_INSURANCE.SUCCESS', amountFen: ev.order.wechat_pay_cash_fee ?? 0, channelTradeNo: ev.order.mix_trade_no }, actor);
            if (r.refundNeeded) await refundAfterClosedService(ctx, o.id, actor);
            if (r.outcome === 'mismatch' || r.outcome === 'inconsistent') return 'FAILED';
            outcome = r.outcome;
          }
          // The insurance part counts only on 6302/6301: when it is still missing, ask the center now rather than wait.
          if (outcome === 'recorded') nudge(ctx, o.id, actor);
          return 'PROCESSED';
        }
        if (ev.transaction.trade_state !== 'SUCCESS') return 'IGNORED';
        const r = await confirmCash(ctx, payment.id, { source: 'wechat:TRANSACTION.SUCCESS', amountFen: ev.transaction.amount.total, ...(ev.transaction.transaction_id ? { channelTradeNo: payment.channelTradeNo ?? ev.transaction.transaction_id } : {}) }, actor);
        if (r.refundNeeded) await refundAfterClosedService(ctx, o.id, actor);
        if (r.outcome === 'recorded') nudge(ctx, o.id, actor);
        return r.outcome === 'mismatch' || r.outcome === 'inconsistent' ? 'FAILED' : 'PROCESSED';
      },
    };
  }
  if (ev.type === 'REFUND.SUCCESS' || ev.type === 'REFUND.ABNORMAL' || ev.type === 'REFUND.CLOSED') {
    const refund = await ctx.prisma.refund.findUnique({ where: { refundNo: ev.refund.out_refund_no } });
    return {
      key: `wechat:${ev.refund.out_refund_no}:${ev.type}`,
      orderId: refund?.orderId ?? null,
      payload: { outRefundNo: ev.refund.out_refund_no, status: ev.refund.refund_status, refund: ev.refund.amount.refund },
      run: async () => {
        if (!refund) return 'IGNORED';
        if (ev.refund.amount.refund !== refund.cashFen + refund.deliveryFeeFen) {
          await withOrderLock(ctx.prisma, refund.orderId, (tx, o) => flagOrder(tx, o, 'WeChat refund amount differs from the refund', actor));
          return 'FAILED';
        }
        if (ev.type === 'REFUND.SUCCESS') await ctx.prisma.refund.updateMany({ where: { id: refund.id, cashStatus: { in: ['PROCESSING', 'FAILED', 'PENDING'] } }, data: { cashStatus: 'SUCCEEDED' } });
        else await ctx.prisma.refund.updateMany({ where: { id: refund.id, cashStatus: 'PROCESSING' }, data: { cashStatus: 'FAILED', failureMessage: `微信退款${ev.type === 'REFUND.ABNORMAL' ? '异常' : '关闭'}` } });
        await advanceRefund(ctx, refund.id, actor);
        return 'PROCESSED';
      },
    };
  }
  return { key: `wechat:${ev.id}:${ev.type === 'OTHER' ? ev.eventType : 'OTHER'}`, orderId: null, payload: { eventType: ev.type === 'OTHER' ? ev.eventType : 'OTHER' }, run: async () => 'IGNORED' };
}

export async function handleWechatPayNotify(ctx: OrderContext, headers: Record<string, string | string[] | undefined>, raw: string): Promise<{ status: number; body?: unknown }> {
  let ev: WechatPayEvent;
  try {
    ev = await ctx.platforms.wechatPay().verifyAndParseNotify(headers, raw);
  } catch (err) {
    await recordRejected(ctx, 'WECHAT_PAY', raw, err instanceof PlatformError ? `${err.kind}:${err.code ?? ''}` : 'invalid');
    const a = notifyAnswer(err);
    return { status: a.status, ...(a.body ? { body: a.body } : {}) };
  }
  const p = await processWechatEvent(ctx, ev);
  const ok = await ingest(ctx, { source: 'WECHAT_PAY', key: p.key, eventType: ev.type === 'OTHER' ? ev.eventType : ev.type, orderId: p.orderId, payload: p.payload }, p.run);
  if (!ok) return { status: 500, body: { code: 'FAIL', message: '处理失败' } };
  const a = notifyAnswer();
  return { status: a.status, ...(a.body ? { body: a.body } : {}) };
}

// ── Alipay ───────────────────────────────────────────────────────────────────────────────────
export async function handleAlipayNotify(ctx: OrderContext, raw: string, parsed: unknown): Promise<{ status: number; body: string }> {
  const v = ctx.platforms.alipay().verifyNotify(typeof parsed === 'object' && parsed !== null && Object.keys(parsed).length > 0 ? (parsed as Record<string, unknown>) : raw);
  if (!v.ok) {
    await recordRejected(ctx, 'ALIPAY', raw, `${v.reason}`);
    return { status: 200, body: alipayNotifyAck(false) };
  }
  const ev = v.event;
  const payment = await ctx.prisma.payment.findUnique({ where: { outTradeNo: ev.outTradeNo } });
  const actor = 'notify:alipay';
  const ok = await ingest(
    ctx,
    { source: 'ALIPAY', key: `alipay:${ev.outTradeNo}:${ev.tradeStatus}:${ev.refundFeeFen ?? 0}`, eventType: ev.tradeStatus, orderId: payment?.orderId ?? null, payload: { outTradeNo: ev.outTradeNo, tradeNo: ev.tradeNo, tradeStatus: ev.tradeStatus, totalFen: ev.totalFen, refundFeeFen: ev.refundFeeFen ?? null } },
    async () => {
      if (!payment) return 'IGNORED';
      if (ev.totalFen !== payment.cashFen || (ev.buyerPayFen !== undefined && ev.buyerPayFen > payment.cashFen)) {
        await withOrderLock(ctx.prisma, payment.orderId, (tx, o) => flagOrder(tx, o, 'Alipay notify amount differs from the payment', actor));
        return 'FAILED';
      }
      if (ev.tradeStatus !== 'TRADE_SUCCESS' && ev.tradeStatus !== 'TRADE_FINISHED') return 'IGNORED';
      const r = await confirmCash(ctx, payment.id, { source: 'alipay:notify', amountFen: ev.totalFen, channelTradeNo: ev.tradeNo }, actor);
      if (r.refundNeeded) await refundAfterClosedService(ctx, payment.orderId, actor);
      if (r.outcome === 'recorded') nudge(ctx, payment.orderId, actor);
      return r.outcome === 'mismatch' || r.outcome === 'inconsistent' ? 'FAILED' : 'PROCESSED';
    },
  );
  return { status: 200, body: alipayNotifyAck(ok) };
}

// ── national APP cashier ─────────────────────────────────────────────────────────────────────
export async function handleNationalAppNotify(ctx: OrderContext, raw: string): Promise<{ status: number; body: unknown }> {
  const v = ctx.platforms.nationalApp().verifyNotify(raw);
  if (!v.ok) {
    await recordRejected(ctx, 'NATIONAL_APP', raw, v.reason);
    return { status: 200, body: nationalAppNotifyAck(false) };
  }
  const ev = v.event;
  const payment = await ctx.prisma.payment.findUnique({ where: { outTradeNo: ev.outTradeNo } });
  const actor = 'notify:national-app';
  const ok = await ingest(
    ctx,
    { source: 'NATIONAL_APP', key: `nhsa-app:${ev.outTradeNo}:${ev.payStatus}`, eventType: ev.payStatus, orderId: payment?.orderId ?? null, payload: { outTradeNo: ev.outTradeNo, tradeNo: ev.tradeNo, payStatus: ev.payStatus, totalFen: ev.totalFen } },
    async () => {
      if (!payment) return 'IGNORED';
      if (ev.totalFen !== payment.cashFen) {
        await withOrderLock(ctx.prisma, payment.orderId, (tx, o) => flagOrder(tx, o, 'national APP notify amount differs from the payment', actor));
        return 'FAILED';
      }
      let outcome: string = 'recorded';
      if (payment.cashFen > 0) {
        const r = await confirmCash(ctx, payment.id, { source: 'national-app:notify', amountFen: ev.totalFen, channelTradeNo: ev.tradeNo }, actor);
        if (r.refundNeeded) await refundAfterClosedService(ctx, payment.orderId, actor);
        if (r.outcome === 'mismatch' || r.outcome === 'inconsistent') return 'FAILED';
        outcome = r.outcome;
      }
      if (outcome === 'recorded') nudge(ctx, payment.orderId, actor);
      return 'PROCESSED';
    },
  );
  return { status: 200, body: nationalAppNotifyAck(ok) };
}

export function callbacksRouter(ctx: OrderContext): Router {
  const router = new Router({ prefix: `${API_PREFIX}/callbacks` });
  router.post('/mobile-pay/settlement', async (c) => {
    const r = await handleSettlementNotify(ctx, rawBodyOf(c));
    c.status = r.status;
    c.body = r.body;
  });
  router.post('/wechat-pay', async (c) => {
    const r = await handleWechatPayNotify(ctx, c.headers, rawBodyOf(c));
    c.status = r.status;
    if (r.body !== undefined) c.body = r.body;
  });
  router.post('/alipay', async (c) => {
    const r = await handleAlipayNotify(ctx, rawBodyOf(c), (c.request as unknown as { body?: unknown }).body);
    c.status = r.status;
    c.type = 'text/plain';
    c.body = r.body;
  });
  router.post('/national-app', async (c) => {
    const r = await handleNationalAppNotify(ctx, rawBodyOf(c));
    c.status = r.status;
    c.body = r.body;
  });
  return router;
}
