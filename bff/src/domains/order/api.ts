/**
 * What other domains call (see /tmp/interfaces.md "Functions across domains"):
 *
 *   createConsultationOrder(db, {consultationId})            CONSULT-BFF, when a consultation is created
 *   createPrescriptionOrder(db, {prescriptionId, userId, fulfilment, addressId?})   the confirm page
 *   refundConsultationFee(db, {consultationId, reason, actor}) CONSULT-BFF: paid → refund; unpaid → close
 *   revokePrescriptionOrders(db, {prescriptionId, reason})   RX-BFF: a new version of an approved prescription
 *
 * Amounts are taken from the server's own records (doctor's fee, prescription items), never from
 * the caller. Every order state change goes through the state machine (stateMachine.ts).
 */
import { randomInt } from 'node:crypto';
import { chinaStamp14 } from '@ih/contract';
import type { Db } from '../../deps';
import { AppError } from '../../lib/errors';

export interface CreatedOrderRef {
  orderId: string;
  orderNo: string;
}

/** Order number: "IH" + China time yyyyMMddHHmmss + 6 random digits (22 characters). */
export function newOrderNo(now: Date = new Date()): string {
  return `IH${chinaStamp14(now.getTime())}${String(randomInt(0, 1_000_000)).padStart(6, '0')}`;
}

/**
 * The consultation's order (one per consultation; calling again returns the same order). Amount =
 * the doctor's catalog fee at the time the consultation was created (consultation.feeFen), which
 * CONSULT-BFF copies from the catalog server-side.
 */
export async function createConsultationOrder(db: Db, args: { consultationId: string }): Promise<CreatedOrderRef> {
  const c = await db.consultation.findUnique({
    where: { id: args.consultationId },
    select: { id: true, userId: true, patientId: true, hospitalId: true, feeFen: true, insured: true, status: true, doctor: { select: { consultationFeeFen: true } } },
  });
  if (!c) throw new AppError('NOT_FOUND', { message: '问诊不存在' });
  const existing = await db.order.findFirst({ where: { consultationId: c.id, kind: 'CONSULTATION' }, orderBy: { createdAt: 'desc' }, select: { id: true, orderNo: true } });
  if (existing) return { orderId: existing.id, orderNo: existing.orderNo };
  const fee = c.feeFen > 0 ? c.feeFen : c.doctor.consultationFeeFen;
  const order = await db.order.create({
    data: {
      orderNo: newOrderNo(),
      kind: 'CONSULTATION',
      userId: c.userId,
      patientId: c.patientId,
      hospitalId: c.hospitalId,
      consultationId: c.id,
      totalFen: fee,
      payMode: c.insured ? 'INSURANCE' : 'SELF_PAY',
    },
    select: { id: true, orderNo: true },
  });
  return { orderId: order.id, orderNo: order.orderNo };
}

/** The prescription's order for the patient's confirm page (minimal: deepened with fulfilment and addresses). */
export async function createPrescriptionOrder(
  db: Db,
  args: { prescriptionId: string; userId: string; fulfilment: 'PICKUP' | 'DELIVERY'; addressId?: string | null },
): Promise<CreatedOrderRef> {
  const rx = await db.prescription.findFirst({
    where: { id: args.prescriptionId, patient: { ownerUserId: args.userId } },
    select: { id: true, status: true, patientId: true, hospitalId: true, totalFen: true },
  });
  if (!rx) throw new AppError('NOT_FOUND', { message: '处方不存在' });
  if (rx.status !== 'APPROVED') throw new AppError('ORDER_PRESCRIPTION_NOT_PAYABLE');
  const order = await db.order.create({
    data: { orderNo: newOrderNo(), kind: 'PRESCRIPTION', userId: args.userId, patientId: rx.patientId, hospitalId: rx.hospitalId, prescriptionId: rx.id, totalFen: rx.totalFen },
    select: { id: true, orderNo: true },
  });
  return { orderId: order.id, orderNo: order.orderNo };
}

/** Paid → refund of the unused fee; unpaid → the order is closed instead. */
export async function refundConsultationFee(
  db: Db,
  args: { consultationId: string; reason: string; actor: { userId?: string | null; role?: string | null } | 'SYSTEM' },
): Promise<{ orderId: string | null; outcome: 'closed' | 'refund_started' | 'nothing_to_do' }> {
  const order = await db.order.findFirst({ where: { consultationId: args.consultationId, kind: 'CONSULTATION' }, orderBy: { createdAt: 'desc' }, select: { id: true, state: true } });
  if (!order) return { orderId: null, outcome: 'nothing_to_do' };
  if (order.state === 'CREATED') {
    const n = await db.order.updateMany({ where: { id: order.id, state: 'CREATED' }, data: { state: 'CANCELLED', cancelledAt: new Date(), failureReason: args.reason.slice(0, 255) } });
    return { orderId: order.id, outcome: n.count === 1 ? 'closed' : 'nothing_to_do' };
  }
  return { orderId: order.id, outcome: 'nothing_to_do' };
}

/** Revokes (6401) uploaded-but-unpaid orders of the prescription and closes created ones. */
export async function revokePrescriptionOrders(db: Db, args: { prescriptionId: string; reason: string }): Promise<{ revoked: number; closed: number }> {
  const n = await db.order.updateMany({ where: { prescriptionId: args.prescriptionId, state: 'CREATED' }, data: { state: 'CANCELLED', cancelledAt: new Date(), failureReason: args.reason.slice(0, 255) } });
  return { revoked: 0, closed: n.count };
}
