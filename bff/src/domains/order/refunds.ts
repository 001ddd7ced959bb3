/**
 * Refunds: always the whole order (a prescription is refunded whole, never per item: seed 003).
 *
 * Two parts, each tracked on the refund row and never lost:
 *   insurance part — 6203 at the mobile-pay center (refdType ALL when the order had both insurance
 *     and cash, HI when insurance only, CASH when the center's order was all cash), sent once with
 *     appRefdSn = refundNo and a FRESH e-voucher authorization (purpose REFUND). No authorization
 *     yet → AWAITING_AUTH (the patient is asked to authorize; the job and POST /refund resume it).
 *     EXP or an unknown outcome → 6301 decides later; re-sent only with the same appRefdSn.
 *   cash part — the cash share + delivery fee, refunded through the channel that took it
 *     (idempotent by out_refund_no); a failure is flagged and retried by query.
 * Patient requests before dispatch run at once; after dispatch they wait for staff approval.
 * The order goes PAID → REFUNDING → REFUNDED (or REFUND_FAILED while a part failed: flagged).
 */
import type { RefundView } from '@ih/contract';
import type { Refund } from '@ih/db';
import { AppError } from '../../lib/errors';
import { PlatformError } from '../../platforms/http';
import { consumePayAuthorization } from '../voucher';
import { CASH_CHANNELS } from './channels';
import type { OrderContext } from './context';
import { newRefundNo } from './ids';
import { patientIdentity } from './platformErrors';
import { flagOrder, recordEvent, transition, withOrderLock } from './stateMachine';
import { loadFullOrder, refundView, type FullOrder } from './views';
import { isUniqueViolation } from '../../lib/dbErrors';

export type RefundRequester = { kind: 'user'; userId: string } | { kind: 'staff'; userId: string } | { kind: 'consult'; userId?: string | null } | { kind: 'system' };

function actorOf(r: RefundRequester): string {
  return r.kind === 'user' || r.kind === 'staff' ? `${r.kind}:${r.userId}` : r.kind;
}

/** Starts (or, when one is open and waits for the patient's authorization, resumes) the refund of an order. */
export async function requestRefund(ctx: OrderContext, args: { orderId: string; reason: string; requester: RefundRequester; ownerUserId?: string }): Promise<RefundView> {
  const o = await loadFullOrder(ctx, args.orderId);
  if (!o || (args.ownerUserId && o.userId !== args.ownerUserId)) throw new AppError('NOT_FOUND', { message: '订单不存在' });
  if (args.requester.kind === 'user' && o.kind === 'CONSULTATION') throw new AppError('ORDER_REFUND_USE_CANCEL');
  const open = await ctx.prisma.refund.findFirst({ where: { orderId: o.id, openKey: o.id } });
  if (open) {
    if (open.status === 'PROCESSING' || open.status === 'FAILED') await advanceRefund(ctx, open.id, actorOf(args.requester));
    const again = await ctx.prisma.refund.findUniqueOrThrow({ where: { id: open.id } });
    if (args.requester.kind === 'user' && open.hiStatus !== 'AWAITING_AUTH') throw new AppError('ORDER_REFUND_IN_PROGRESS');
    return refundView(again)!;
  }
  if (o.state !== 'PAID') throw new AppError(['REFUNDING', 'REFUND_FAILED'].includes(o.state) ? 'ORDER_REFUND_IN_PROGRESS' : 'ORDER_REFUND_NOT_ALLOWED');
  const needsApproval = args.requester.kind === 'user' && !!o.dispatchedAt;
  const insurance = o.payMode === 'INSURANCE';
  const hi = insurance ? o.fundPayFen + o.psnAcctPayFen : 0;
  const cash = insurance ? o.cashPayFen : o.totalFen;
  const type = !insurance ? 'CASH' : hi > 0 && cash > 0 ? 'ALL' : hi > 0 ? 'HI' : 'CASH';
  const actor = actorOf(args.requester);
  let created: Refund | null;
  try {
    created = await withOrderLock(ctx.prisma, o.id, async (tx, locked) => {
      if (locked.state !== 'PAID') return null;
      const r = await tx.refund.create({
        data: {
          orderId: o.id,
          refundNo: newRefundNo(ctx.now()),
          openKey: o.id,
          type,
          status: needsApproval ? 'AWAITING_APPROVAL' : 'PROCESSING',
          totalFen: hi + cash + o.deliveryFeeFen,
          cashFen: cash,
          psnAcctFen: insurance ? o.psnAcctPayFen : 0,
          fundFen: insurance ? o.fundPayFen : 0,
          deliveryFeeFen: o.deliveryFeeFen,
          hiStatus: insurance ? 'PENDING' : 'NONE',
          cashStatus: cash + o.deliveryFeeFen > 0 ? 'PENDING' : 'NONE',
          cashChannel: o.payments[0]?.channel ?? null,
          reason: args.reason.slice(0, 255),
          requestedBy: actor,
          requestedByUserId: args.requester.kind === 'user' || args.requester.kind === 'staff' ? args.requester.userId : null,
        },
      });
      if (!needsApproval) {
        const t = await transition(tx, locked, 'startRefund', { actor, detail: { refundId: r.id, type } });
        if (!t.ok) throw new AppError('ORDER_REFUND_NOT_ALLOWED');
      }
      return r;
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new AppError('ORDER_REFUND_IN_PROGRESS');
    throw err;
  }
  if (!created) throw new AppError('ORDER_REFUND_NOT_ALLOWED');
  if (!needsApproval) await advanceRefund(ctx, created.id, actor);
  return refundView(await ctx.prisma.refund.findUniqueOrThrow({ where: { id: created.id } }))!;
}

/** Staff decision on a refund waiting for approval (after dispatch). */
export async function decideRefund(ctx: OrderContext, args: { refundId: string; approve: boolean; comment?: string; staffUserId: string; staffHospitalId: string }): Promise<RefundView> {
  const r = await ctx.prisma.refund.findUnique({ where: { id: args.refundId }, include: { order: { select: { hospitalId: true } } } });
  if (!r || r.order.hospitalId !== args.staffHospitalId) throw new AppError('NOT_FOUND', { message: '退款申请不存在' });
  const actor = `staff:${args.staffUserId}`;
  const ok = await withOrderLock(ctx.prisma, r.orderId, async (tx, locked) => {
    const moved = await tx.refund.updateMany({
      where: { id: r.id, status: 'AWAITING_APPROVAL' },
      data: args.approve
        ? { status: 'PROCESSING', decidedByUserId: args.staffUserId, decidedAt: ctx.now(), decisionComment: args.comment ?? null }
        : { status: 'REJECTED', openKey: null, decidedByUserId: args.staffUserId, decidedAt: ctx.now(), decisionComment: args.comment ?? null, completedAt: ctx.now() },
    });
    if (moved.count !== 1) return false;
    if (args.approve) {
      const t = await transition(tx, locked, 'startRefund', { actor, detail: { refundId: r.id, approvedBy: args.staffUserId } });
      if (!t.ok) throw new AppError('ORDER_REFUND_NOT_ALLOWED');
    }
    return true;
  });
  if (!ok) throw new AppError('CONFLICT', { message: '该退款申请已处理，请刷新后查看' });
  if (args.approve) await advanceRefund(ctx, r.id, actor);
  return refundView(await ctx.prisma.refund.findUniqueOrThrow({ where: { id: r.id } }))!;
}

function paidPayment(o: FullOrder) {
  return o.payments[0] && (o.payments[0].status === 'SUCCEEDED' || o.payments[0].status === 'PENDING') ? o.payments[0] : null;
}

/**
 * Moves each part of a refund as far as it can go now, then settles the refund and the order.
 * Safe to call any number of times, from any instance (each step is a guarded UPDATE).
 */
export async function advanceRefund(ctx: OrderContext, refundId: string, actor: string): Promise<Refund> {
  let r = await ctx.prisma.refund.findUniqueOrThrow({ where: { id: refundId } });
  if (r.status !== 'PROCESSING' && r.status !== 'FAILED') return r;
  const o = (await loadFullOrder(ctx, r.orderId))!;
  const payment = (await ctx.prisma.payment.findFirst({ where: { orderId: o.id, status: 'SUCCEEDED' }, orderBy: { attemptNo: 'desc' } })) ?? paidPayment(o);
  try {
    await advanceInsurancePart(ctx, r, o, actor);
  } catch (err) {
    ctx.logger.warn({ err, refundId, orderId: o.id }, 'refund: insurance part not advanced');
  }
  r = await ctx.prisma.refund.findUniqueOrThrow({ where: { id: refundId } });
  if (payment) {
    try {
      await advanceCashPart(ctx, r, o, payment, actor);
    } catch (err) {
      ctx.logger.warn({ err, refundId, orderId: o.id }, 'refund: cash part not advanced');
    }
  } else if (r.cashStatus !== 'NONE' && r.cashStatus !== 'SUCCEEDED') {
    await ctx.prisma.refund.updateMany({ where: { id: r.id, cashStatus: r.cashStatus }, data: { cashStatus: 'FAILED', failureMessage: 'no paid payment attempt found' } });
  }
  return finalizeRefund(ctx, refundId, actor);
}

async function advanceInsurancePart(ctx: OrderContext, r: Refund, o: FullOrder, actor: string): Promise<void> {
  if (r.hiStatus === 'NONE' || r.hiStatus === 'SUCCEEDED' || r.hiStatus === 'FAILED') return;
  if (!o.payOrdId || !o.payToken) return;
  const mp = ctx.platforms.mobilePay();
  const person = await patientIdentity(ctx, o.patientId);
  const wantStas = r.type === 'ALL' ? ['7'] : r.type === 'HI' ? ['7', '8'] : ['7', '9'];
  if (r.hiStatus === 'PROCESSING') {
    // Sent before with an unknown outcome (or EXP): the center's order state decides.
    const q = await mp.querySettlement({ payOrdId: o.payOrdId, payToken: o.payToken, idNo: person.idNumber, userName: person.name, idType: person.idType });
    if (wantStas.includes(q.ordStas)) {
      await ctx.prisma.refund.updateMany({ where: { id: r.id, hiStatus: 'PROCESSING' }, data: { hiStatus: 'SUCCEEDED' } });
      await afterInsuranceRefund(ctx, r, o);
      return;
    }
    if (q.ordStasClass !== 'settled_candidate') return; // still moving, or something to look at: ask again later
    // Not refunded and no longer in flight: send again with the SAME appRefdSn (needs a fresh authorization).
    await ctx.prisma.refund.updateMany({ where: { id: r.id, hiStatus: 'PROCESSING', updatedAt: { lt: new Date(ctx.now().getTime() - 30_000) } }, data: { hiStatus: 'PENDING' } });
    return;
  }
  // PENDING / AWAITING_AUTH: a fresh authorization (purpose REFUND) is needed for 6203.
  let auth;
  try {
    auth = await consumePayAuthorization({ prisma: ctx.prisma, cipher: ctx.cipher, now: ctx.now }, o.userId, o.patientId, o.id, 'REFUND');
  } catch (err) {
    if (err instanceof AppError && err.code === 'INSURANCE_AUTH_INVALID') {
      await ctx.prisma.refund.updateMany({ where: { id: r.id, hiStatus: 'PENDING' }, data: { hiStatus: 'AWAITING_AUTH' } });
      return;
    }
    throw err;
  }
  const claimed = await ctx.prisma.refund.updateMany({ where: { id: r.id, hiStatus: { in: ['PENDING', 'AWAITING_AUTH'] } }, data: { hiStatus: 'PROCESSING', hiAttempts: { increment: 1 } } });
  if (claimed.count !== 1) return;
  try {
    const res = await mp.refund({
      payOrdId: o.payOrdId,
      appRefdSn: r.refundNo,
      appRefdTime: ctx.now(),
      refdType: r.type,
      totlRefdAmtFen: r.type === 'ALL' ? r.cashFen + r.psnAcctFen + r.fundFen : r.type === 'HI' ? r.psnAcctFen + r.fundFen : r.cashFen,
      cashRefdAmtFen: r.type === 'HI' ? 0 : r.cashFen,
      psnAcctRefdAmtFen: r.type === 'CASH' ? 0 : r.psnAcctFen,
      fundRefdAmtFen: r.type === 'CASH' ? 0 : r.fundFen,
      credential: { payAuthNo: auth.payAuthNo },
      original: { ownPayAmtFen: o.cashPayFen, psnAcctPayFen: o.psnAcctPayFen, fundPayFen: o.fundPayFen },
    });
    if (res.refStatus === 'SUCC') {
      const at = res.hiTrnsDate && res.hiTrnsTime && /^\d{8}$/.test(res.hiTrnsDate) && /^\d{6}$/.test(res.hiTrnsTime) ? new Date(`${res.hiTrnsDate.slice(0, 4)}-${res.hiTrnsDate.slice(4, 6)}-${res.hiTrnsDate.slice(6, 8)}T${res.hiTrnsTime.slice(0, 2)}:${res.hiTrnsTime.slice(2, 4)}:${res.hiTrnsTime.slice(4, 6)}+08:00`) : ctx.now();
      await ctx.prisma.refund.updateMany({ where: { id: r.id, hiStatus: 'PROCESSING' }, data: { hiStatus: 'SUCCEEDED', refdSn: res.refdSn || null, hiRefdSn: res.hiFefdSn ?? null, hiTrnsAt: at } });
      await afterInsuranceRefund(ctx, r, o);
    } else if (res.refStatus === 'FAIL') {
      await ctx.prisma.refund.updateMany({ where: { id: r.id, hiStatus: 'PROCESSING' }, data: { hiStatus: 'FAILED', failureMessage: '医保退费未成功（6203 FAIL）' } });
    }
    // EXP: stays PROCESSING; 6301 decides on the next pass.
  } catch (err) {
    if (err instanceof PlatformError && !err.outcomeUnknown && err.kind === 'rejected') {
      const authProblem = err.code === '200001' || err.code === '200002' || err.code === '200003';
      await ctx.prisma.refund.updateMany({ where: { id: r.id, hiStatus: 'PROCESSING' }, data: authProblem ? { hiStatus: 'AWAITING_AUTH' } : { hiStatus: 'FAILED', failureMessage: `6203 refused (${err.code ?? 'rejected'})` } });
      return;
    }
    if (!(err instanceof PlatformError)) {
      await ctx.prisma.refund.updateMany({ where: { id: r.id, hiStatus: 'PROCESSING' }, data: { hiStatus: 'FAILED', failureMessage: err instanceof Error ? err.message.slice(0, 200) : 'refund rule' } });
      return;
    }
    // Unknown outcome: stays PROCESSING; 6301 decides later.
    ctx.logger.warn({ err, refundId: r.id }, 'refund: 6203 outcome unknown');
  }
}

async function afterInsuranceRefund(ctx: OrderContext, r: Refund, o: FullOrder): Promise<void> {
  const p = await ctx.prisma.payment.findFirst({ where: { orderId: o.id, status: 'SUCCEEDED' }, orderBy: { attemptNo: 'desc' } });
  if (!p) return;
  await CASH_CHANNELS[p.channel].afterInsuranceRefund?.(ctx, o, p, { refundNo: r.refundNo, fundFen: r.fundFen, psnAcctFen: r.psnAcctFen, at: ctx.now() }).catch((err: unknown) => ctx.logger.warn({ err, refundId: r.id }, 'refund: telling the channel about the insurance refund failed (it may be repeated)'));
}

async function advanceCashPart(ctx: OrderContext, r: Refund, o: FullOrder, payment: NonNullable<FullOrder['payments'][number]>, actor: string): Promise<void> {
  void actor;
  if (r.cashStatus === 'NONE' || r.cashStatus === 'SUCCEEDED') return;
  const ch = CASH_CHANNELS[payment.channel];
  const amountFen = r.cashFen + r.deliveryFeeFen;
  if (r.cashStatus === 'PROCESSING' || r.cashStatus === 'FAILED') {
    const q = await ch.queryRefund(ctx, o, payment, { refundNo: r.refundNo, amountFen });
    if (q === 'SUCCEEDED') {
      await ctx.prisma.refund.updateMany({ where: { id: r.id, cashStatus: r.cashStatus }, data: { cashStatus: 'SUCCEEDED' } });
      return;
    }
    if (q === 'PROCESSING') return;
    if (q === 'FAILED' && r.cashStatus === 'PROCESSING') {
      await ctx.prisma.refund.updateMany({ where: { id: r.id, cashStatus: 'PROCESSING' }, data: { cashStatus: 'FAILED', failureMessage: '现金退款未成功' } });
      return;
    }
    if (q === 'FAILED') return; // failed at the channel: staff look (flagged); a new attempt would need a new refund number
    // NOT_FOUND: the earlier request never landed: send it again (same number: the channel deduplicates).
    await ctx.prisma.refund.updateMany({ where: { id: r.id, cashStatus: r.cashStatus }, data: { cashStatus: 'PENDING' } });
    r = { ...r, cashStatus: 'PENDING' };
  }
  const claimed = await ctx.prisma.refund.updateMany({ where: { id: r.id, cashStatus: 'PENDING' }, data: { cashStatus: 'PROCESSING', cashAttempts: { increment: 1 } } });
  if (claimed.count !== 1) return;
  try {
    const out = await ch.refund(ctx, o, payment, { refundNo: r.refundNo, amountFen, reason: r.reason });
    if (out === 'SUCCEEDED') await ctx.prisma.refund.updateMany({ where: { id: r.id, cashStatus: 'PROCESSING' }, data: { cashStatus: 'SUCCEEDED' } });
    else if (out === 'FAILED') await ctx.prisma.refund.updateMany({ where: { id: r.id, cashStatus: 'PROCESSING' }, data: { cashStatus: 'FAILED', failureMessage: '现金退款未成功' } });
  } catch (err) {
    if (err instanceof PlatformError && err.outcomeUnknown) return; // query decides
    await ctx.prisma.refund.updateMany({ where: { id: r.id, cashStatus: 'PROCESSING' }, data: { cashStatus: 'FAILED', failureMessage: `现金退款被拒绝（${err instanceof PlatformError ? (err.code ?? err.kind) : 'error'}）` } });
  }
}

/** All parts done → refund SUCCEEDED, order REFUNDED; a part failed → refund FAILED, order REFUND_FAILED + flag. */
async function finalizeRefund(ctx: OrderContext, refundId: string, actor: string): Promise<Refund> {
  const r0 = await ctx.prisma.refund.findUniqueOrThrow({ where: { id: refundId } });
  await withOrderLock(ctx.prisma, r0.orderId, async (tx, o) => {
    const r = await tx.refund.findUniqueOrThrow({ where: { id: refundId } });
    if (r.status !== 'PROCESSING' && r.status !== 'FAILED') return;
    const done = (s: string) => s === 'NONE' || s === 'SUCCEEDED';
    if (done(r.hiStatus) && done(r.cashStatus)) {
      await tx.refund.updateMany({ where: { id: r.id, status: r.status }, data: { status: 'SUCCEEDED', openKey: null, completedAt: new Date() } });
      const t = await transition(tx, o, 'completeRefund', { actor, detail: { refundId: r.id } });
      if (t.ok && o.flagged && o.flagReason?.startsWith('refund part failed')) {
        // The failed part went through on retry: nothing is left for staff on this refund.
        const now = await tx.order.findUniqueOrThrow({ where: { id: o.id } });
        await recordEvent(tx, now, 'UNFLAGGED', { actor, data: { flagged: false }, detail: { why: 'refund completed after retry' } });
      }
      return;
    }
    const failed = r.hiStatus === 'FAILED' || r.cashStatus === 'FAILED';
    if (failed && r.status === 'PROCESSING') {
      await tx.refund.updateMany({ where: { id: r.id, status: 'PROCESSING' }, data: { status: 'FAILED' } });
      const t = await transition(tx, o, 'refundFailed', { actor, detail: { refundId: r.id, hi: r.hiStatus, cash: r.cashStatus } });
      const now = t.ok ? await tx.order.findUniqueOrThrow({ where: { id: o.id } }) : o;
      await flagOrder(tx, now, `refund part failed (insurance ${r.hiStatus}, cash ${r.cashStatus}): retried by query`, actor, { refundId: r.id });
    } else if (!failed && r.status === 'FAILED') {
      await tx.refund.updateMany({ where: { id: r.id, status: 'FAILED' }, data: { status: 'PROCESSING' } });
      await transition(tx, o, 'retryRefund', { actor, detail: { refundId: r.id } });
    }
  });
  return ctx.prisma.refund.findUniqueOrThrow({ where: { id: refundId } });
}
