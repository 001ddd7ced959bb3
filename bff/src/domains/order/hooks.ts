/**
 * The other domains' hooks the order state machine calls inside its transaction:
 *   consultation order paid      → consult/hooks.ts onConsultationPaid(tx, consultationId)
 *   prescription order paid      → prescription/hooks.ts onPrescriptionPaid(tx, prescriptionId)
 *   refund completed             → onConsultationRefunded / onPrescriptionRefunded
 * A hook that says the service was closed before the money arrived ('CLOSED') makes the caller
 * refund the payment (settlement.ts).
 */
import type { Prisma } from '@ih/db';
import { onConsultationPaid, onConsultationRefunded } from '../consult/hooks';
import { onPrescriptionPaid, onPrescriptionRefunded } from '../prescription/hooks';

type Tx = Prisma.TransactionClient;

export type PaidHookOutcome = 'OK' | 'ALREADY' | 'CLOSED' | 'NO_HOOK';

function outcomeWord(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (v && typeof v === 'object' && typeof (v as { outcome?: unknown }).outcome === 'string') return (v as { outcome: string }).outcome;
  return undefined;
}

export async function orderPaidHook(tx: Tx, orderId: string, paidAt: Date): Promise<PaidHookOutcome> {
  const o = await tx.order.findUniqueOrThrow({ where: { id: orderId }, select: { kind: true, consultationId: true, prescriptionId: true } });
  if (o.kind === 'CONSULTATION' && o.consultationId) {
    const r = await onConsultationPaid(tx, o.consultationId, { paidAt });
    return r.outcome === 'WAITING' ? 'OK' : r.outcome === 'CLOSED' ? 'CLOSED' : 'ALREADY';
  }
  if (o.kind === 'PRESCRIPTION' && o.prescriptionId) {
    const w = outcomeWord(await onPrescriptionPaid(tx, o.prescriptionId, { paidAt }));
    return w === 'CLOSED' || w === 'REVOKED' || w === 'CANCELLED' ? 'CLOSED' : w === 'ALREADY_PAID' ? 'ALREADY' : 'OK';
  }
  return 'NO_HOOK';
}

export async function orderRefundedHook(tx: Tx, orderId: string, refundedAt: Date): Promise<void> {
  const o = await tx.order.findUniqueOrThrow({ where: { id: orderId }, select: { kind: true, consultationId: true, prescriptionId: true } });
  if (o.kind === 'CONSULTATION' && o.consultationId) await onConsultationRefunded(tx, o.consultationId, { refundedAt });
  else if (o.kind === 'PRESCRIPTION' && o.prescriptionId) await onPrescriptionRefunded(tx, o.prescriptionId, { refundedAt });
}
