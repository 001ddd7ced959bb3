/**
 * The timeout job (job 'consult.timeouts', every CONSULT_TIMEOUT_JOB_SECONDS; tests call
 * `run()` directly with their own clock):
 *   - WAITING not accepted within the accept timeout after payment → CANCELLED
 *     (NOT_ACCEPTED_TIMEOUT), the fee refunded through the order domain;
 *   - IN_PROGRESS without a message for the idle timeout → COMPLETED (IDLE_TIMEOUT);
 *   - PENDING_PAYMENT past its order's expiry (or CONSULT_PAYMENT_TIMEOUT_MINUTES after creation
 *     when the order has none) → CANCELLED (PAYMENT_TIMEOUT), the order closed;
 *   - cancelled consultations whose refund request failed earlier are asked again.
 * Each change is a guarded UPDATE, so two instances running at once close each one once (the
 * loser's update matches nothing); only the winner posts the system message, audits and asks
 * for the refund (itself leased). Batches are bounded per run.
 */
import type { ConsultationCloseReason, SystemMessageCode } from '@ih/contract';
import { ConsultCore } from './core';

const BATCH = 200;

export interface TimeoutRunResult {
  notAccepted: number;
  idle: number;
  unpaid: number;
  refundsRetried: number;
}

export class ConsultTimeouts {
  constructor(private readonly core: ConsultCore) {}

  private async closeEach(ids: string[], from: 'WAITING' | 'IN_PROGRESS' | 'PENDING_PAYMENT', to: 'CANCELLED' | 'COMPLETED', reason: ConsultationCloseReason, message: SystemMessageCode, refund: boolean, extraWhere: Record<string, unknown>): Promise<number> {
    let n = 0;
    for (const id of ids) {
      try {
        const done = await this.core.close({ id, from, to, reason, message, action: `consultation.timeout.${reason.toLowerCase()}`, actor: { role: 'SYSTEM' }, extraWhere });
        if (!done) continue;
        n += 1;
        if (refund) await this.core.requestRefund(id, reason === 'PAYMENT_TIMEOUT' ? '超时未支付，自动关闭' : '医生超时未接诊，自动取消并退款', 'SYSTEM');
      } catch (err) {
        this.core.deps.logger.error({ consultationId: id, reason, err: { name: (err as Error).name, message: (err as Error).message } }, 'consultation timeout failed');
      }
    }
    return n;
  }

  async run(now: Date = this.core.now()): Promise<TimeoutRunResult> {
    const { prisma } = this.core;
    const t = await this.core.timeouts();
    const acceptCutoff = new Date(now.getTime() - t.acceptMinutes * 60_000);
    const idleCutoff = new Date(now.getTime() - t.idleMinutes * 60_000);
    const payCutoff = new Date(now.getTime() - this.core.deps.settings.paymentTimeoutMinutes * 60_000);

    const waiting = await prisma.consultation.findMany({ where: { status: 'WAITING', paidAt: { lt: acceptCutoff } }, select: { id: true }, orderBy: { paidAt: 'asc' }, take: BATCH });
    const notAccepted = await this.closeEach(waiting.map((c) => c.id), 'WAITING', 'CANCELLED', 'NOT_ACCEPTED_TIMEOUT', 'NOT_ACCEPTED_CANCELLED', true, { paidAt: { lt: acceptCutoff } });

    const idleRows = await prisma.consultation.findMany({ where: { status: 'IN_PROGRESS', lastActivityAt: { lt: idleCutoff } }, select: { id: true }, orderBy: { lastActivityAt: 'asc' }, take: BATCH });
    // The guard repeats the cutoff: a message that arrived after the select keeps it open.
    const idle = await this.closeEach(idleRows.map((c) => c.id), 'IN_PROGRESS', 'COMPLETED', 'IDLE_TIMEOUT', 'IDLE_ENDED', false, { lastActivityAt: { lt: idleCutoff } });

    // Unpaid: the order's own expiry when it has one, else the payment timeout after creation.
    const unpaidRows = await prisma.consultation.findMany({
      where: {
        status: 'PENDING_PAYMENT',
        OR: [
          { orders: { some: { kind: 'CONSULTATION', expiresAt: { lt: now } } } },
          { createdAt: { lt: payCutoff }, orders: { none: { kind: 'CONSULTATION', expiresAt: { not: null } } } },
        ],
      },
      select: { id: true, orders: { where: { kind: 'CONSULTATION' }, select: { state: true } } },
      take: BATCH,
    });
    // An order being paid right now (or paid, the hook is on its way) is left to the order domain.
    const payable = unpaidRows.filter((c) => c.orders.every((o) => !['PAYING', 'PAID', 'REFUNDING', 'REFUNDED', 'REFUND_FAILED'].includes(o.state)));
    const unpaid = await this.closeEach(payable.map((c) => c.id), 'PENDING_PAYMENT', 'CANCELLED', 'PAYMENT_TIMEOUT', 'PAYMENT_TIMEOUT', true, {});

    // Refund requests that failed (order domain down): ask again (leased in requestRefund).
    const retry = await prisma.consultation.findMany({
      where: { status: 'CANCELLED', refundRequestedAt: null, cancelledAt: { lt: new Date(now.getTime() - 60_000) } },
      select: { id: true, closeReason: true },
      take: BATCH,
    });
    let refundsRetried = 0;
    for (const c of retry) {
      if ((await this.core.requestRefund(c.id, '问诊已取消，退还未使用的问诊费', 'SYSTEM')) !== null) refundsRetried += 1;
    }
    return { notAccepted, idle, unpaid, refundsRetried };
  }
}
