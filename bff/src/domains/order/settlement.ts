/**
 * When is an order paid? (rule 20)
 *   - insurance part: a VERIFIED 6302 notify or a 6301 answer in a final settled state, whose
 *     amounts equal the split 6202 gave (feeSumamt, fund, personal account, cash);
 *   - cash part (cash share + delivery fee, or everything for self-pay): the channel's verified
 *     callback or its query, with the amount the attempt asked for.
 * Each confirmation is recorded on the order (hi_settled_at / cash_paid_at) under the order's row
 * lock; the order becomes PAID (one guarded transition, one event) once every part it needs is
 * confirmed. Anything that disagrees (amounts, unknown or contradictory states) flags the order
 * for staff and never counts as paid. A payment that arrives after the order was closed is still
 * recorded (money must not be lost) and flagged.
 */
import type { OrderState } from '@ih/db';
import type { OrderContext } from './context';
import { flagOrder, recordEvent, transition, withOrderLock, type LockedOrder, type Tx } from './stateMachine';
import { cashDue } from './views';

export interface InsuranceEvidence {
  source: '6302' | '6301';
  payOrdId: string;
  medOrgOrd?: string;
  ordStas?: string;
  feeSumamtFen: number;
  ownPayAmtFen: number;
  psnAcctPayFen: number;
  fundPayFen: number;
  acctMulaidPayFen?: number;
  hospPartAmtFen?: number;
  othFeeAmtFen?: number;
  setlType?: string;
}

export type ConfirmOutcome = 'settled' | 'recorded' | 'already' | 'mismatch' | 'inconsistent' | 'not_found';

const SETTLED_OR_AFTER: readonly OrderState[] = ['PAID', 'REFUNDING', 'REFUNDED', 'REFUND_FAILED'];

function needsInsurance(o: LockedOrder): boolean {
  return o.payMode === 'INSURANCE';
}
function needsCash(o: LockedOrder): boolean {
  return (cashDue(o) ?? 0) > 0;
}

/** PAID when every needed part is confirmed (the order must be locked by the caller). */
async function trySettle(tx: Tx, orderId: string, actor: string, source: string): Promise<{ settled: boolean; hookClosed: boolean }> {
  const o = await tx.order.findUniqueOrThrow({ where: { id: orderId } });
  if ((needsInsurance(o) && !o.hiSettledAt) || (needsCash(o) && !o.cashPaidAt)) return { settled: false, hookClosed: false };
  const late = o.state === 'CLOSED' || o.state === 'CANCELLED' || o.state === 'PAY_FAILED';
  const r = await transition(tx, o, late ? 'settleAfterClose' : 'settle', { actor, detail: { source } });
  if (!r.ok) return { settled: false, hookClosed: false };
  await tx.payment.updateMany({ where: { orderId, status: { in: ['CREATED', 'PENDING'] } }, data: { status: 'SUCCEEDED', completedAt: new Date() } });
  if (late) {
    const now = await tx.order.findUniqueOrThrow({ where: { id: orderId } });
    await flagOrder(tx, now, 'paid after the order was closed or revoked: check and refund if the service was not given', actor);
  }
  return { settled: true, hookClosed: r.hook === 'CLOSED' };
}

export interface ConfirmResult {
  outcome: ConfirmOutcome;
  /** The consultation/prescription was closed before the money arrived: refund it. */
  refundNeeded: boolean;
}

/** The insurance part is settled (verified evidence). */
export async function confirmInsurance(ctx: OrderContext, orderId: string, ev: InsuranceEvidence, actor: string): Promise<ConfirmResult> {
  // A repeat of what is already recorded needs no lock (the usual duplicate notify).
  const seen = await ctx.prisma.order.findUnique({ where: { id: orderId }, select: { hiSettledAt: true, state: true, payOrdId: true } });
  if (seen?.hiSettledAt && seen.payOrdId === ev.payOrdId && SETTLED_OR_AFTER.includes(seen.state)) return { outcome: 'already', refundNeeded: false };
  const r = await withOrderLock(ctx.prisma, orderId, async (tx, o): Promise<ConfirmResult> => {
    if (o.payMode !== 'INSURANCE' || o.payOrdId !== ev.payOrdId || (ev.medOrgOrd && o.medOrgOrd && ev.medOrgOrd !== o.medOrgOrd)) {
      await flagOrder(tx, o, `settlement evidence (${ev.source}) does not belong to the order's current upload`, actor, { source: ev.source });
      return { outcome: 'inconsistent', refundNeeded: false };
    }
    if (o.hiSettledAt && SETTLED_OR_AFTER.includes(o.state)) return { outcome: 'already', refundNeeded: false };
    const identityOk = ev.feeSumamtFen === ev.ownPayAmtFen + ev.psnAcctPayFen + ev.fundPayFen;
    const hasSplit = !!o.preSettledAt;
    const matches = identityOk && ev.feeSumamtFen === o.totalFen && (!hasSplit || (ev.ownPayAmtFen === o.cashPayFen && ev.psnAcctPayFen === o.psnAcctPayFen && ev.fundPayFen === o.fundPayFen));
    if (!matches) {
      await flagOrder(tx, o, `amounts of ${ev.source} differ from the order`, actor, { source: ev.source, feeSumamtFen: ev.feeSumamtFen, fundPayFen: ev.fundPayFen, psnAcctPayFen: ev.psnAcctPayFen, ownPayAmtFen: ev.ownPayAmtFen });
      return { outcome: 'mismatch', refundNeeded: false };
    }
    if (!hasSplit || !['PRE_SETTLED', 'PAYING', 'CLOSED', 'CANCELLED', 'PAY_FAILED', ...SETTLED_OR_AFTER].includes(o.state)) {
      // Settled at the center although no pay step of ours could have run: fail closed.
      await flagOrder(tx, o, `settled at the center while the order is ${o.state}`, actor, { source: ev.source });
      return { outcome: 'inconsistent', refundNeeded: false };
    }
    if (!o.hiSettledAt) {
      await recordEvent(tx, o, 'HI_CONFIRMED', {
        actor,
        where: { hiSettledAt: null },
        data: { hiSettledAt: new Date(), ...(ev.ordStas ? { ordStas: ev.ordStas } : {}), ...(ev.setlType ? { setlType: ev.setlType } : {}) },
        detail: { source: ev.source, ordStas: ev.ordStas ?? null },
      });
    }
    if (SETTLED_OR_AFTER.includes(o.state)) return { outcome: 'already', refundNeeded: false };
    const s = await trySettle(tx, o.id, actor, ev.source);
    return { outcome: s.settled ? 'settled' : 'recorded', refundNeeded: s.hookClosed };
  });
  return r ?? { outcome: 'not_found', refundNeeded: false };
}

/** The cash part of a payment attempt was paid (verified channel callback or query). */
export async function confirmCash(ctx: OrderContext, paymentId: string, ev: { source: string; amountFen: number; channelTradeNo?: string }, actor: string): Promise<ConfirmResult> {
  const p = await ctx.prisma.payment.findUnique({ where: { id: paymentId }, select: { orderId: true, cashFen: true, order: { select: { cashPaidAt: true, state: true } } } });
  if (!p) return { outcome: 'not_found', refundNeeded: false };
  // A repeat of what is already recorded needs no lock (the second WeChat event, a redelivery).
  if (p.order.cashPaidAt && ev.amountFen === p.cashFen && SETTLED_OR_AFTER.includes(p.order.state)) return { outcome: 'already', refundNeeded: false };
  const r = await withOrderLock(ctx.prisma, p.orderId, async (tx, o): Promise<ConfirmResult> => {
    const payment = await tx.payment.findUniqueOrThrow({ where: { id: paymentId } });
    if (ev.amountFen !== payment.cashFen || payment.cashFen !== (cashDue(o) ?? -1)) {
      await flagOrder(tx, o, `cash amount of ${ev.source} differs from the payment`, actor, { source: ev.source, amountFen: ev.amountFen, expectedFen: payment.cashFen });
      return { outcome: 'mismatch', refundNeeded: false };
    }
    if (ev.channelTradeNo && !payment.channelTradeNo) await tx.payment.updateMany({ where: { id: paymentId, channelTradeNo: null }, data: { channelTradeNo: ev.channelTradeNo } });
    if (o.cashPaidAt) return { outcome: SETTLED_OR_AFTER.includes(o.state) ? 'already' : 'recorded', refundNeeded: false };
    if (!['PAYING', 'PRE_SETTLED', 'CREATED', 'CLOSED', 'CANCELLED', 'PAY_FAILED', ...SETTLED_OR_AFTER].includes(o.state)) {
      await flagOrder(tx, o, `cash paid while the order is ${o.state}`, actor, { source: ev.source });
      return { outcome: 'inconsistent', refundNeeded: false };
    }
    await recordEvent(tx, o, 'CASH_CONFIRMED', { actor, where: { cashPaidAt: null }, data: { cashPaidAt: new Date() }, detail: { source: ev.source, paymentId, amountFen: ev.amountFen } });
    if (SETTLED_OR_AFTER.includes(o.state)) return { outcome: 'already', refundNeeded: false };
    const s = await trySettle(tx, o.id, actor, ev.source);
    return { outcome: s.settled ? 'settled' : 'recorded', refundNeeded: s.hookClosed };
  });
  return r ?? { outcome: 'not_found', refundNeeded: false };
}

/** The platform or channel said the payment failed (final). Only an unpaid order moves. */
export async function failOrder(ctx: OrderContext, orderId: string, reason: string, actor: string, source: string): Promise<boolean> {
  const r = await withOrderLock(ctx.prisma, orderId, async (tx, o) => {
    if (o.hiSettledAt || o.cashPaidAt) {
      // One part went through and the other failed: money may be held: staff must look.
      await flagOrder(tx, o, `payment failed (${source}) after a part was confirmed`, actor, { source });
      return false;
    }
    const t = await transition(tx, o, 'fail', { actor, data: { failureReason: reason.slice(0, 255) }, detail: { source, reason: reason.slice(0, 120) } });
    if (t.ok) await tx.payment.updateMany({ where: { orderId, status: { in: ['CREATED', 'PENDING'] } }, data: { status: 'FAILED', failureMessage: reason.slice(0, 255), completedAt: new Date() } });
    return t.ok;
  });
  return r ?? false;
}
