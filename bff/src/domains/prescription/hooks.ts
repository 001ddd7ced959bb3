/**
 * What other domains call on prescriptions. The `tx` hooks run inside THE CALLER's transaction
 * (nothing here commits or calls out); every change is a guarded UPDATE and every hook is
 * idempotent (a second call for the same event changes nothing and says so).
 *
 *   onPrescriptionPaid(tx, prescriptionId, {paidAt?})      ORDER-BFF, when the prescription order is paid:
 *       APPROVED / UPLOADED → PAID. Returns
 *         { outcome: 'PAID' }           done now
 *         { outcome: 'ALREADY_PAID' }   it was already PAID/REFUNDED (duplicate notify): nothing done
 *         { outcome: 'REVOKED' | 'CANCELLED' | 'CLOSED' }  the prescription was revoked (a new version),
 *                                       cancelled or expired before the money arrived: THE CALLER
 *                                       MUST REFUND the payment
 *   onPrescriptionRefunded(tx, prescriptionId, {refundedAt?})  ORDER-BFF, when the whole refund succeeded:
 *       PAID → REFUNDED (revoked ones only record refundedAt). { outcome: 'REFUNDED' | 'RECORDED' | 'ALREADY_REFUNDED' | 'NOT_PAID' }
 *   payablePrescription(db, prescriptionId, userId)         ORDER-BFF, before creating/preparing an order:
 *       the approved, signed, current, unexpired version with items and catalog prices, after the
 *       doctor's and pharmacist's signatures were verified against the rows; otherwise a coded
 *       AppError (NOT_FOUND, PRESCRIPTION_NOT_PAYABLE, PRESCRIPTION_SIGNATURE_INVALID).
 */
import { PAYABLE_PRESCRIPTION_STATUSES, RX_AUDIT_ACTIONS, type InsuranceClass, type PrescriptionStatus } from '@ih/contract';
import type { Prisma } from '@ih/db';
import type { Db } from '../../deps';
import { AppError } from '../../lib/errors';
import { verifyPrescription } from './verify';

export type Tx = Prisma.TransactionClient;

export type RxPaidOutcome = 'PAID' | 'ALREADY_PAID' | 'REVOKED' | 'CANCELLED' | 'CLOSED';

async function auditRx(tx: Tx, action: string, prescriptionId: string, details: Record<string, string | number | boolean | null>): Promise<void> {
  await tx.auditLog.create({ data: { action, targetType: 'prescription', targetId: prescriptionId, actorRole: 'SYSTEM', details } });
}

export async function onPrescriptionPaid(tx: Tx, prescriptionId: string, opts: { paidAt?: Date } = {}): Promise<{ outcome: RxPaidOutcome }> {
  const now = opts.paidAt ?? new Date();
  const before = await tx.prescription.findUnique({ where: { id: prescriptionId }, select: { status: true } });
  if (!before) throw new Error(`onPrescriptionPaid: prescription ${prescriptionId} does not exist`);
  const moved = await tx.prescription.updateMany({
    where: { id: prescriptionId, status: { in: [...PAYABLE_PRESCRIPTION_STATUSES] } },
    data: { status: 'PAID', paidAt: now },
  });
  if (moved.count === 1) {
    await auditRx(tx, RX_AUDIT_ACTIONS.paid, prescriptionId, { from: before.status, to: 'PAID' });
    return { outcome: 'PAID' };
  }
  const now2 = await tx.prescription.findUniqueOrThrow({ where: { id: prescriptionId }, select: { status: true } });
  switch (now2.status) {
    case 'PAID':
    case 'REFUNDED':
      return { outcome: 'ALREADY_PAID' };
    case 'REVOKED':
      return { outcome: 'REVOKED' };
    case 'CANCELLED':
      return { outcome: 'CANCELLED' };
    default:
      // EXPIRED, or never approved: the money must go back.
      return { outcome: 'CLOSED' };
  }
}

export async function onPrescriptionRefunded(
  tx: Tx,
  prescriptionId: string,
  opts: { refundedAt?: Date } = {},
): Promise<{ outcome: 'REFUNDED' | 'RECORDED' | 'ALREADY_REFUNDED' | 'NOT_PAID' }> {
  const now = opts.refundedAt ?? new Date();
  const rx = await tx.prescription.findUnique({ where: { id: prescriptionId }, select: { status: true, refundedAt: true } });
  if (!rx) throw new Error(`onPrescriptionRefunded: prescription ${prescriptionId} does not exist`);
  if (rx.status === 'REFUNDED' || rx.refundedAt) return { outcome: 'ALREADY_REFUNDED' };
  if (rx.status === 'PAID') {
    const moved = await tx.prescription.updateMany({ where: { id: prescriptionId, status: 'PAID', refundedAt: null }, data: { status: 'REFUNDED', refundedAt: now } });
    if (moved.count === 0) return onPrescriptionRefunded(tx, prescriptionId, opts);
    await auditRx(tx, RX_AUDIT_ACTIONS.refunded, prescriptionId, { from: 'PAID', to: 'REFUNDED' });
    return { outcome: 'REFUNDED' };
  }
  if (rx.status === 'REVOKED' || rx.status === 'CANCELLED' || rx.status === 'EXPIRED') {
    // A payment that arrived after the prescription was closed, now returned: record it.
    const moved = await tx.prescription.updateMany({ where: { id: prescriptionId, status: rx.status, refundedAt: null }, data: { refundedAt: now } });
    if (moved.count === 0) return onPrescriptionRefunded(tx, prescriptionId, opts);
    await auditRx(tx, RX_AUDIT_ACTIONS.refunded, prescriptionId, { from: rx.status, to: rx.status, recordedOnly: true });
    return { outcome: 'RECORDED' };
  }
  return { outcome: 'NOT_PAID' };
}

export interface PayablePrescriptionItem {
  drugId: string;
  nationalCode: string;
  drugName: string;
  specification: string;
  unit: string;
  insuranceClass: InsuranceClass;
  /** Paid in full by the patient (丙类, or a self-pay visit). */
  selfPay: boolean;
  quantity: number;
  unitPriceFen: number;
  amountFen: number;
  dosage: string;
  frequency: string;
  route: string;
  days: number;
}

export interface PayablePrescription {
  id: string;
  rxNo: string;
  version: number;
  status: PrescriptionStatus;
  consultationId: string;
  patientId: string;
  hospitalId: string;
  doctorId: string;
  /** The visit is insured (false: everything is self-pay). */
  insured: boolean;
  diagnosis: { code: string; name: string };
  totalFen: number;
  items: PayablePrescriptionItem[];
  validUntil: Date;
  approvedAt: Date;
}

export async function payablePrescription(db: Db, prescriptionId: string, userId: string): Promise<PayablePrescription> {
  const rx = await db.prescription.findFirst({
    where: { id: prescriptionId, consultation: { userId } },
    select: {
      id: true,
      rxNo: true,
      version: true,
      status: true,
      consultationId: true,
      patientId: true,
      hospitalId: true,
      doctorId: true,
      insured: true,
      diagnosisCode: true,
      diagnosisName: true,
      totalFen: true,
      validUntil: true,
      approvedAt: true,
      signature: true,
      next: { select: { id: true } },
      items: {
        orderBy: { sortOrder: 'asc' },
        select: { drugId: true, nationalCode: true, drugName: true, specification: true, unit: true, insuranceClass: true, quantity: true, unitPriceFen: true, amountFen: true, dosage: true, frequency: true, route: true, days: true },
      },
    },
  });
  if (!rx) throw new AppError('NOT_FOUND', { message: '处方不存在' });
  if (rx.status === 'PAID' || rx.status === 'REFUNDED') throw new AppError('PRESCRIPTION_NOT_PAYABLE', { message: '该处方已支付，可在“订单”中查看支付结果' });
  if (rx.status === 'REVOKED' || rx.next) throw new AppError('PRESCRIPTION_NOT_PAYABLE', { message: '医生已修改该处方，原处方已作废，请在问诊中查看最新处方后支付' });
  if (!(PAYABLE_PRESCRIPTION_STATUSES as readonly string[]).includes(rx.status) || !rx.approvedAt || !rx.signature) throw new AppError('PRESCRIPTION_NOT_PAYABLE');
  if (!rx.validUntil || rx.validUntil.getTime() <= Date.now()) {
    throw new AppError('PRESCRIPTION_NOT_PAYABLE', { message: '处方已超过有效期，不能支付，请在问诊中联系医生重新开具' });
  }
  const v = await verifyPrescription(db, rx.id);
  if (!v || !v.valid || !v.checks.some((c) => c.check === 'PHARMACIST_SIGNATURE' && c.ok)) throw new AppError('PRESCRIPTION_SIGNATURE_INVALID');
  const sum = rx.items.reduce((s, i) => s + i.amountFen, 0);
  if (sum !== rx.totalFen || rx.items.some((i) => i.amountFen !== i.unitPriceFen * i.quantity)) throw new AppError('PRESCRIPTION_SIGNATURE_INVALID');
  return {
    id: rx.id,
    rxNo: rx.rxNo,
    version: rx.version,
    status: rx.status,
    consultationId: rx.consultationId,
    patientId: rx.patientId,
    hospitalId: rx.hospitalId,
    doctorId: rx.doctorId,
    insured: rx.insured,
    diagnosis: { code: rx.diagnosisCode, name: rx.diagnosisName },
    totalFen: rx.totalFen,
    items: rx.items.map((i) => ({ ...i, selfPay: !rx.insured || i.insuranceClass === 'SELF_PAY' })),
    validUntil: rx.validUntil,
    approvedAt: rx.approvedAt,
  };
}
