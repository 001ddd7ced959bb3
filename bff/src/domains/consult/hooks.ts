/**
 * What other domains call on consultations (inside THEIR transaction `tx`; nothing here commits
 * or calls out). Every change is a guarded UPDATE; every hook is idempotent (a second call for
 * the same event changes nothing and says so). Rooms are woken after the caller's commit.
 *
 *   onConsultationPaid(tx, consultationId, {paidAt?})   ORDER-BFF, when the consultation order is paid:
 *       PENDING_PAYMENT → WAITING (+ system message PAID, audit). Returns
 *         { outcome: 'WAITING' }        done now
 *         { outcome: 'ALREADY_PAID' }   it was already past payment (duplicate notify): nothing done
 *         { outcome: 'CLOSED' }         it was cancelled before the payment arrived (e.g. payment
 *                                       timeout): THE CALLER MUST REFUND the payment
 *   onConsultationRefunded(tx, consultationId)          ORDER-BFF, when the fee's refund succeeded:
 *       CANCELLED / PENDING_PAYMENT / WAITING → REFUNDED (+ refundedAt, system message REFUNDED);
 *       IN_PROGRESS / COMPLETED: only refundedAt is recorded (the service stays as it was).
 *   postPrescriptionMessage(tx, {consultationId, prescriptionId})   RX-BFF, when a prescription is
 *       approved: a PRESCRIPTION card in the room (the patient opens the prescription page from it).
 */
import type { SystemMessageCode } from '@ih/contract';
import { consultBus } from './bus';
import { appendMessage, appendSystemMessage, auditTx, type Tx } from './messages';

export type PaidOutcome = 'WAITING' | 'ALREADY_PAID' | 'CLOSED';

export async function onConsultationPaid(tx: Tx, consultationId: string, opts: { paidAt?: Date } = {}): Promise<{ outcome: PaidOutcome }> {
  const now = opts.paidAt ?? new Date();
  const moved = await tx.consultation.updateMany({
    where: { id: consultationId, status: 'PENDING_PAYMENT' },
    data: { status: 'WAITING', paidAt: now, lastActivityAt: now, version: { increment: 1 } },
  });
  if (moved.count === 0) {
    const c = await tx.consultation.findUnique({ where: { id: consultationId }, select: { status: true } });
    if (!c) throw new Error(`onConsultationPaid: consultation ${consultationId} does not exist`);
    return { outcome: c.status === 'CANCELLED' || c.status === 'REFUNDED' ? 'CLOSED' : 'ALREADY_PAID' };
  }
  await appendSystemMessage(tx, consultationId, 'PAID', now);
  await auditTx(tx, { action: 'consultation.paid', targetId: consultationId, actorRole: 'SYSTEM', details: { from: 'PENDING_PAYMENT', to: 'WAITING' } });
  consultBus.publishSoon(consultationId);
  return { outcome: 'WAITING' };
}

export async function onConsultationRefunded(tx: Tx, consultationId: string, opts: { refundedAt?: Date } = {}): Promise<{ outcome: 'REFUNDED' | 'RECORDED' | 'ALREADY_REFUNDED' }> {
  const now = opts.refundedAt ?? new Date();
  const c = await tx.consultation.findUnique({ where: { id: consultationId }, select: { status: true, refundedAt: true } });
  if (!c) throw new Error(`onConsultationRefunded: consultation ${consultationId} does not exist`);
  if (c.status === 'REFUNDED' || c.refundedAt) return { outcome: 'ALREADY_REFUNDED' };

  let outcome: 'REFUNDED' | 'RECORDED';
  let code: SystemMessageCode = 'REFUNDED';
  if (c.status === 'CANCELLED' || c.status === 'PENDING_PAYMENT' || c.status === 'WAITING') {
    const wasOpen = c.status !== 'CANCELLED';
    const moved = await tx.consultation.updateMany({
      where: { id: consultationId, status: c.status, refundedAt: null },
      data: {
        status: 'REFUNDED',
        refundedAt: now,
        version: { increment: 1 },
        ...(wasOpen ? { cancelledAt: now, closeReason: 'REFUNDED_BY_HOSPITAL' } : {}),
      },
    });
    if (moved.count === 0) return onConsultationRefunded(tx, consultationId, opts); // changed meanwhile: decide again
    outcome = 'REFUNDED';
    if (wasOpen) code = 'CANCELLED';
  } else {
    const moved = await tx.consultation.updateMany({ where: { id: consultationId, status: c.status, refundedAt: null }, data: { refundedAt: now, version: { increment: 1 } } });
    if (moved.count === 0) return onConsultationRefunded(tx, consultationId, opts);
    outcome = 'RECORDED';
  }
  if (code === 'CANCELLED') await appendSystemMessage(tx, consultationId, 'CANCELLED', now);
  await appendSystemMessage(tx, consultationId, 'REFUNDED', now);
  await auditTx(tx, { action: 'consultation.refunded', targetId: consultationId, actorRole: 'SYSTEM', details: { from: c.status, outcome } });
  consultBus.publishSoon(consultationId);
  return { outcome };
}

export async function postPrescriptionMessage(tx: Tx, input: { consultationId: string; prescriptionId: string; doctorUserId?: string | null }): Promise<{ seq: number }> {
  const existing = await tx.consultationMessage.findFirst({
    where: { consultationId: input.consultationId, kind: 'PRESCRIPTION', prescriptionId: input.prescriptionId },
    select: { seq: true },
  });
  if (existing) return existing;
  const row = await appendMessage(tx, {
    consultationId: input.consultationId,
    sender: 'DOCTOR',
    senderUserId: input.doctorUserId ?? null,
    kind: 'PRESCRIPTION',
    prescriptionId: input.prescriptionId,
  });
  consultBus.publishSoon(input.consultationId);
  return { seq: row.seq };
}
