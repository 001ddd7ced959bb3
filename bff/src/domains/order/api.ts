/**
 * What other domains call (see /tmp/interfaces.md "Functions across domains"):
 *
 *   createConsultationOrder(db, {consultationId})            CONSULT-BFF, when a consultation is created
 *   createPrescriptionOrder(db, {prescriptionId, userId, fulfilment, addressId?})   the confirm page
 *   refundConsultationFee(db, {consultationId, reason, actor}) CONSULT-BFF: paid → refund; unpaid → close (both sides)
 *   revokePrescriptionOrders(db, {prescriptionId, reason})   RX-BFF: a new version of an approved prescription:
 *                                                            6401 for uploaded-but-unpaid orders, close created ones
 *
 * Amounts are taken from the server's own records (the consultation's fee copied from the doctor's
 * catalog entry, the prescription's items), never from the caller. Every order state change goes
 * through the state machine (stateMachine.ts). `db` may be a transaction client only for
 * createConsultationOrder (the others talk to outside platforms and must not hold a transaction).
 */
import type { Fulfilment } from '@ih/contract';
import type { Prisma } from '@ih/db';
import type { Db } from '../../deps';
import { orderContextFor } from './context';
import * as orders from './orders';

export type { CreatedOrderRef } from './orders';
export { newOrderNo } from './ids';

export async function createConsultationOrder(db: Db | Prisma.TransactionClient, args: { consultationId: string }): Promise<orders.CreatedOrderRef> {
  return orders.createConsultationOrder(db, args.consultationId);
}

export async function createPrescriptionOrder(db: Db, args: { prescriptionId: string; userId: string; fulfilment: Fulfilment; addressId?: string | null }): Promise<orders.CreatedOrderRef> {
  return orders.createPrescriptionOrder(db, args);
}

export type ApiActor = { userId?: string | null; role?: string | null } | 'SYSTEM';

function actorString(a: ApiActor): string {
  if (a === 'SYSTEM' || !a.userId) return 'system';
  return `${a.role === 'PATIENT' ? 'user' : 'staff'}:${a.userId}`;
}

/** Paid → refund of the unused fee (whole); unpaid → the order is closed on both sides instead. */
export async function refundConsultationFee(
  db: Db,
  args: { consultationId: string; reason: string; actor: ApiActor },
): Promise<{ orderId: string | null; outcome: 'closed' | 'refund_started' | 'nothing_to_do' | 'pending' }> {
  const ctx = orderContextFor(db);
  const order = await db.order.findFirst({ where: { consultationId: args.consultationId, kind: 'CONSULTATION' }, orderBy: { createdAt: 'desc' }, select: { id: true } });
  if (!order) return { orderId: null, outcome: 'nothing_to_do' };
  const actor = actorString(args.actor);
  const requester = args.actor !== 'SYSTEM' && args.actor.userId ? ({ kind: 'consult', userId: args.actor.userId } as const) : ({ kind: 'consult' } as const);
  const outcome = await orders.refundOrClose(ctx, order.id, args.reason, actor, requester);
  return { orderId: order.id, outcome };
}

/** Revokes (6401) uploaded-but-unpaid orders of the prescription and closes created ones. Paid ones are left alone. */
export async function revokePrescriptionOrders(db: Db, args: { prescriptionId: string; reason: string }): Promise<{ revoked: number; closed: number; pending: number }> {
  const ctx = orderContextFor(db);
  const list = await db.order.findMany({ where: { prescriptionId: args.prescriptionId, state: { in: ['CREATED', 'UPLOADED', 'PRE_SETTLED', 'PAYING', 'PAY_FAILED'] } }, select: { id: true } });
  const out = { revoked: 0, closed: 0, pending: 0 };
  for (const { id } of list) {
    const r = await orders.endUnpaidOrder(ctx, id, 'revoke', args.reason, 'rx');
    if (r === 'revoked') out.revoked += 1;
    else if (r === 'closed') out.closed += 1;
    else if (r === 'pending' || r === 'paid') out.pending += 1;
  }
  return out;
}
