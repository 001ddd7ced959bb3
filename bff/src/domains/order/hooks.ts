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

type Tx = Prisma.TransactionClient;

export type PaidHookOutcome = 'OK' | 'ALREADY' | 'CLOSED' | 'NO_HOOK';

interface PrescriptionHooks {
  onPrescriptionPaid?: (tx: Tx, prescriptionId: string) => Promise<unknown>;
  onPrescriptionRefunded?: (tx: Tx, prescriptionId: string) => Promise<unknown>;
}

let rxHooks: PrescriptionHooks | undefined;
/** RX-BFF's hooks module (loaded on first use: it is written in parallel with this domain). */
function prescriptionHooks(): PrescriptionHooks {
  if (!rxHooks) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      rxHooks = require('../prescription/hooks') as PrescriptionHooks;
    } catch {
      rxHooks = {};
    }
  }
  return rxHooks;
}

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
    const hook = prescriptionHooks().onPrescriptionPaid;
    if (!hook) return 'NO_HOOK';
    const w = outcomeWord(await hook(tx, o.prescriptionId));
    return w === 'CLOSED' || w === 'REVOKED' || w === 'CANCELLED' ? 'CLOSED' : 'OK';
  }
  return 'NO_HOOK';
}

export async function orderRefundedHook(tx: Tx, orderId: string, refundedAt: Date): Promise<void> {
  const o = await tx.order.findUniqueOrThrow({ where: { id: orderId }, select: { kind: true, consultationId: true, prescriptionId: true } });
  if (o.kind === 'CONSULTATION' && o.consultationId) await onConsultationRefunded(tx, o.consultationId, { refundedAt });
  else if (o.kind === 'PRESCRIPTION' && o.prescriptionId) await prescriptionHooks().onPrescriptionRefunded?.(tx, o.prescriptionId);
}
