/**
 * Reconciliation: finishing what notifies did not (notify never came, came late, failed checks,
 * an unknown outcome, an expired order, a refund part in flight).
 *
 *   reconcileOrder(ctx, orderId, actor)  one order: ask 6301 (insurance part) and the channel
 *       (cash part); settle / fail on final answers only; close expired unpaid orders on both
 *       sides (6401 + channel close) unless a query shows them paid; advance open refunds.
 *   runReconciliation(ctx)               the job (croner, every `order_reconcile_interval_seconds`;
 *       tests call it directly): orders still paying / refunding past `order_reconcile_after_seconds`
 *       and expired unpaid ones. Safe with several BFF instances: each order is claimed by a guarded
 *       UPDATE of its lease (…WHERE reconcile_lease_until IS NULL OR < now), every change below is a
 *       guarded transition under the order's row lock, and each run is recorded (reconciliation_runs).
 *   Orders it cannot settle after `order_reconcile_max_attempts` tries are flagged for staff.
 */
import type { Prisma } from '@ih/db';
import { PlatformError } from '../../platforms/http';
import { CASH_CHANNELS } from './channels';
import type { OrderContext } from './context';
import { resolvePendingPayOrder, revokeAtCenter } from './insurance';
import { patientIdentity } from './platformErrors';
import { advanceRefund, requestRefund } from './refunds';
import { confirmCash, confirmInsurance, failOrder } from './settlement';
import { orderSetting } from './settings';
import { flagOrder, transition, withOrderLock } from './stateMachine';
import { cashDue, loadFullOrder } from './views';

export type ReconcileOutcome = 'settled' | 'failed' | 'closed' | 'refund_advanced' | 'flagged' | 'pending' | 'none';

const UNPAID = ['CREATED', 'UPLOADED', 'PRE_SETTLED', 'PAYING', 'PAY_FAILED'] as const;

/** Starts the refund a hook asked for (service closed before the money arrived). */
export async function refundAfterClosedService(ctx: OrderContext, orderId: string, actor: string): Promise<void> {
  try {
    await requestRefund(ctx, { orderId, reason: '服务已关闭，自动退款', requester: { kind: 'system' } });
  } catch (err) {
    ctx.logger.error({ err, orderId, actor }, 'automatic refund after a closed service failed to start');
    await withOrderLock(ctx.prisma, orderId, (tx, o) => flagOrder(tx, o, 'paid for a closed service: automatic refund could not start', actor));
  }
}

/** The insurance part, from 6301. Returns what happened (or null when nothing final). */
async function checkInsurance(ctx: OrderContext, orderId: string, actor: string): Promise<ReconcileOutcome | null> {
  const o = await loadFullOrder(ctx, orderId);
  if (!o || o.payMode !== 'INSURANCE' || o.hiSettledAt || !o.payOrdId || !o.payToken) return null;
  if (o.state === 'UPLOADED') {
    await resolvePendingPayOrder(ctx, o, actor);
    return null;
  }
  const person = await patientIdentity(ctx, o.patientId);
  let q;
  try {
    q = await ctx.platforms.mobilePay().querySettlement({ payOrdId: o.payOrdId, payToken: o.payToken, idNo: person.idNumber, userName: person.name, idType: person.idType, expected: { feeSumamtFen: o.totalFen, ...(o.medOrgOrd ? { medOrgOrd: o.medOrgOrd } : {}) } });
  } catch (err) {
    if (err instanceof PlatformError && err.kind === 'bad_response' && (err.code === 'AMOUNT_MISMATCH' || err.code === 'ID_MISMATCH' || err.code === 'AMOUNT_IDENTITY')) {
      await withOrderLock(ctx.prisma, orderId, (tx, locked) => flagOrder(tx, locked, `6301 answer failed a check (${err.code})`, actor));
      return 'flagged';
    }
    throw err;
  }
  if (q.settled) {
    const r = await confirmInsurance(ctx, orderId, { source: '6301', payOrdId: q.payOrdId, ...(q.medOrgOrd ? { medOrgOrd: q.medOrgOrd } : {}), ordStas: q.ordStas, feeSumamtFen: q.feeSumamtFen!, ownPayAmtFen: q.ownPayAmtFen!, psnAcctPayFen: q.psnAcctPayFen!, fundPayFen: q.fundPayFen!, ...(q.setlType ? { setlType: q.setlType } : {}) }, actor);
    if (r.refundNeeded) await refundAfterClosedService(ctx, orderId, actor);
    return r.outcome === 'settled' ? 'settled' : r.outcome === 'mismatch' || r.outcome === 'inconsistent' ? 'flagged' : null;
  }
  if (q.ordStasClass === 'failed') return (await failOrder(ctx, orderId, '医保结算未成功，本次未扣费', actor, '6301')) ? 'failed' : null;
  if (q.ordStasClass === 'unknown' || (q.ordStasClass === 'refunded' && q.ordStas !== '12')) {
    await withOrderLock(ctx.prisma, orderId, (tx, locked) => flagOrder(tx, locked, `6301 ordStas ${q.ordStas} unexpected for an unpaid order`, actor));
    return 'flagged';
  }
  return null;
}

/** The cash part, from the channel. */
async function checkCash(ctx: OrderContext, orderId: string, actor: string): Promise<ReconcileOutcome | null> {
  const o = await loadFullOrder(ctx, orderId);
  const p = o?.payments[0];
  if (!o || !p || p.status === 'FAILED' || p.status === 'CLOSED' || p.status === 'SUCCEEDED') return null;
  const q = await CASH_CHANNELS[p.channel].query(ctx, o, p);
  const cashNeeded = (cashDue(o) ?? 0) > 0;
  switch (q.status) {
    case 'PAID': {
      if (!cashNeeded || o.cashPaidAt) return null;
      const r = await confirmCash(ctx, p.id, { source: `${p.channel}:query`, amountFen: p.cashFen, ...(q.channelTradeNo ? { channelTradeNo: q.channelTradeNo } : {}) }, actor);
      if (r.refundNeeded) await refundAfterClosedService(ctx, orderId, actor);
      return r.outcome === 'settled' ? 'settled' : r.outcome === 'mismatch' || r.outcome === 'inconsistent' ? 'flagged' : null;
    }
    case 'FAILED':
      return (await failOrder(ctx, orderId, q.reason, actor, `${p.channel}:query`)) ? 'failed' : null;
    case 'MISMATCH':
      await withOrderLock(ctx.prisma, orderId, (tx, locked) => flagOrder(tx, locked, `channel query disagrees: ${q.reason}`.slice(0, 250), actor));
      return 'flagged';
    case 'NOT_FOUND':
      // The create call never landed (its outcome was unknown): this attempt ends, the patient may pay again.
      if (p.status === 'CREATED' && o.state === 'PAYING') {
        await withOrderLock(ctx.prisma, orderId, async (tx, locked) => {
          const moved = await tx.payment.updateMany({ where: { id: p.id, status: 'CREATED' }, data: { status: 'FAILED', failureMessage: 'channel never received the attempt', completedAt: new Date() } });
          if (moved.count === 1) await transition(tx, locked, locked.payMode === 'SELF_PAY' ? 'abandonSelfPayment' : 'abandonPayment', { actor, detail: { paymentId: p.id, why: 'channel has no such order' } });
        });
      }
      return null;
    default:
      return null;
  }
}

/** Closes an expired unpaid order on both sides (center 6401, channel close), unless it turns out paid. */
async function closeExpired(ctx: OrderContext, orderId: string, actor: string): Promise<ReconcileOutcome | null> {
  const o = await loadFullOrder(ctx, orderId);
  if (!o || !(UNPAID as readonly string[]).includes(o.state) || !o.expiresAt || o.expiresAt.getTime() > ctx.now().getTime() || o.hiSettledAt || o.cashPaidAt) return null;
  const p = o.payments[0];
  if (p && (p.status === 'CREATED' || p.status === 'PENDING')) {
    const q = await CASH_CHANNELS[p.channel].query(ctx, o, p);
    if (q.status === 'PAID' || q.status === 'MISMATCH') return null; // checkCash settles or flags it
    await CASH_CHANNELS[p.channel].close(ctx, o, p);
  }
  if (o.payOrdId && !['PAY_FAILED'].includes(o.state)) {
    const r = await revokeAtCenter(ctx, o);
    if (r === 'settled') return checkInsurance(ctx, orderId, actor);
    if (r === 'unknown') return null; // try again on the next run
  }
  const closed = await withOrderLock(ctx.prisma, orderId, async (tx, locked) => {
    const t = await transition(tx, locked, 'close', { actor, data: { failureReason: '订单超时未支付，已关闭' }, detail: { why: 'expired' } });
    if (t.ok) await tx.payment.updateMany({ where: { orderId, status: { in: ['CREATED', 'PENDING'] } }, data: { status: 'CLOSED', completedAt: new Date() } });
    return t.ok;
  });
  return closed ? 'closed' : null;
}

export async function reconcileOrder(ctx: OrderContext, orderId: string, actor: string): Promise<ReconcileOutcome> {
  const o = await ctx.prisma.order.findUnique({ where: { id: orderId }, select: { state: true, flagged: true } });
  if (!o) return 'none';
  if (o.state === 'REFUNDING' || o.state === 'REFUND_FAILED') {
    const open = await ctx.prisma.refund.findFirst({ where: { orderId, openKey: orderId } });
    if (!open) return 'none';
    await advanceRefund(ctx, open.id, actor);
    return 'refund_advanced';
  }
  if (!['UPLOADED', 'PRE_SETTLED', 'PAYING', 'CREATED', 'PAY_FAILED'].includes(o.state) || o.flagged) return 'none';
  const hi = await checkInsurance(ctx, orderId, actor);
  if (hi === 'failed' || hi === 'flagged') return hi;
  const cash = await checkCash(ctx, orderId, actor);
  if (hi === 'settled' || cash === 'settled') return 'settled';
  if (cash) return cash;
  const closed = await closeExpired(ctx, orderId, actor);
  return closed ?? 'pending';
}

export interface ReconciliationSummary {
  runId: string;
  examined: number;
  settled: number;
  failed: number;
  closed: number;
  refunded: number;
  flagged: number;
  errors: number;
}

/** One run of the job (at most `limit` orders, default 50, so a run stays short; the next run takes the rest). */
export async function runReconciliation(ctx: OrderContext, opts: { limit?: number } = {}): Promise<ReconciliationSummary> {
  const { prisma } = ctx;
  const now = ctx.now();
  const [after, lease, maxAttempts] = await Promise.all([orderSetting(prisma, 'reconcileAfterSeconds', ctx.logger), orderSetting(prisma, 'reconcileLeaseSeconds', ctx.logger), orderSetting(prisma, 'reconcileMaxAttempts', ctx.logger)]);
  const run = await prisma.reconciliationRun.create({ data: { instanceId: ctx.instanceId.slice(0, 64) } });
  const summary: ReconciliationSummary = { runId: run.id, examined: 0, settled: 0, failed: 0, closed: 0, refunded: 0, flagged: 0, errors: 0 };
  const stale = new Date(now.getTime() - after * 1000);
  const where: Prisma.OrderWhereInput = {
    OR: [
      { state: { in: ['UPLOADED', 'PRE_SETTLED', 'PAYING'] }, updatedAt: { lte: stale }, flagged: false },
      { state: { in: [...UNPAID] }, expiresAt: { lte: now }, flagged: false },
      { state: { in: ['REFUNDING', 'REFUND_FAILED'] }, updatedAt: { lte: stale } },
    ],
    AND: [{ OR: [{ reconcileLeaseUntil: null }, { reconcileLeaseUntil: { lt: now } }] }],
  };
  let errorMessage: string | null = null;
  try {
    const candidates = await prisma.order.findMany({ where, orderBy: { updatedAt: 'asc' }, take: opts.limit ?? 50, select: { id: true } });
    const concurrency = await orderSetting(prisma, 'reconcileConcurrency', ctx.logger);
    const one = async (id: string) => {
      // Claim the order (another instance may have taken it meanwhile).
      const claimed = await prisma.order.updateMany({
        where: { id, OR: [{ reconcileLeaseUntil: null }, { reconcileLeaseUntil: { lt: new Date() } }] },
        data: { reconcileLeaseUntil: new Date(Date.now() + lease * 1000), reconcileAttempts: { increment: 1 } },
      });
      if (claimed.count !== 1) return;
      summary.examined += 1;
      try {
        const out = await reconcileOrder(ctx, id, `reconcile:${ctx.instanceId}`);
        if (out === 'settled') summary.settled += 1;
        else if (out === 'failed') summary.failed += 1;
        else if (out === 'closed') summary.closed += 1;
        else if (out === 'refund_advanced') summary.refunded += 1;
        else if (out === 'flagged') summary.flagged += 1;
        else if (out === 'pending') {
          const row = await prisma.order.findUnique({ where: { id }, select: { reconcileAttempts: true } });
          if (row && row.reconcileAttempts >= maxAttempts) {
            await withOrderLock(prisma, id, (tx, locked) => flagOrder(tx, locked, `no final answer after ${row.reconcileAttempts} reconciliation attempts`, `reconcile:${ctx.instanceId}`));
            summary.flagged += 1;
          }
        }
      } catch (err) {
        summary.errors += 1;
        ctx.logger.warn({ err, orderId: id }, 'reconciliation of an order failed; it is tried again on the next run');
      } finally {
        await prisma.order.updateMany({ where: { id }, data: { reconcileLeaseUntil: null } }).catch(() => undefined);
      }
    };
    let next = 0;
    await Promise.all(
      Array.from({ length: Math.min(concurrency, candidates.length) }, async () => {
        while (next < candidates.length) await one(candidates[next++]!.id);
      }),
    );
  } catch (err) {
    errorMessage = err instanceof Error ? err.message.slice(0, 400) : 'failed';
    throw err;
  } finally {
    await prisma.reconciliationRun.update({
      where: { id: run.id },
      data: { status: errorMessage ? 'FAILED' : 'SUCCEEDED', finishedAt: new Date(), examined: summary.examined, settled: summary.settled, failed: summary.failed, closed: summary.closed, refunded: summary.refunded, flagged: summary.flagged, errors: summary.errors, errorMessage },
    });
  }
  return summary;
}

/** The status poll: asks the platforms about a paying order at most every `order_status_poll_seconds`. */
export async function pollOrder(ctx: OrderContext, orderId: string, actor: string): Promise<void> {
  const o = await ctx.prisma.order.findUnique({ where: { id: orderId }, select: { state: true, flagged: true } });
  if (!o || o.flagged || !['UPLOADED', 'PRE_SETTLED', 'PAYING', 'REFUNDING'].includes(o.state)) return;
  const every = await orderSetting(ctx.prisma, 'statusPollSeconds', ctx.logger);
  const claimed = await ctx.prisma.order.updateMany({
    where: { id: orderId, OR: [{ lastPolledAt: null }, { lastPolledAt: { lt: new Date(ctx.now().getTime() - every * 1000) } }] },
    data: { lastPolledAt: ctx.now() },
  });
  if (claimed.count !== 1) return;
  try {
    await reconcileOrder(ctx, orderId, actor);
  } catch (err) {
    ctx.logger.warn({ err, orderId }, 'status poll: platform query failed');
  }
}
