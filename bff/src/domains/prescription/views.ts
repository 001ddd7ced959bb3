/**
 * Reading prescriptions: one query shape (RX_VIEW_SELECT) and the DTOs for the patient and the
 * workspace. The patient is shown masked (name from patients.name_masked, never decrypted here).
 */
import {
  PATIENT_PRESCRIPTION_STATUS_LABELS,
  PAYABLE_PRESCRIPTION_STATUSES,
  PRESCRIPTION_STATUS_LABELS,
  SIGNATURE_ALGORITHM,
  chinaParts,
  type PatientPrescription,
  type PrescriptionStatus,
  type WorkspacePrescription,
} from '@ih/contract';
import type { Prisma } from '@ih/db';

export const RX_VIEW_SELECT = {
  id: true,
  rxNo: true,
  version: true,
  status: true,
  consultationId: true,
  patientId: true,
  doctorId: true,
  hospitalId: true,
  diagnosisCode: true,
  diagnosisName: true,
  insured: true,
  totalFen: true,
  note: true,
  signature: true,
  signedAt: true,
  validUntil: true,
  previousId: true,
  rejectReason: true,
  reviseReason: true,
  submittedAt: true,
  approvedAt: true,
  revokedAt: true,
  createdAt: true,
  updatedAt: true,
  next: { select: { id: true } },
  previous: { select: { rejectReason: true } },
  hospital: { select: { id: true, name: true } },
  doctor: { select: { id: true, name: true, title: true } },
  patient: { select: { id: true, nameMasked: true, gender: true, birthDate: true } },
  consultation: { select: { id: true, consultationNo: true, userId: true, status: true, department: { select: { id: true, name: true } } } },
  items: {
    orderBy: { sortOrder: 'asc' },
    select: {
      id: true,
      drugId: true,
      nationalCode: true,
      drugName: true,
      specification: true,
      unit: true,
      insuranceClass: true,
      quantity: true,
      unitPriceFen: true,
      amountFen: true,
      dosage: true,
      frequency: true,
      route: true,
      days: true,
    },
  },
  reviews: {
    orderBy: { reviewedAt: 'asc' },
    select: { id: true, prescriptionVersion: true, decision: true, comment: true, signature: true, reviewedAt: true, pharmacist: { select: { id: true, name: true } } },
  },
} as const satisfies Prisma.PrescriptionSelect;

export type RxViewRow = Prisma.PrescriptionGetPayload<{ select: typeof RX_VIEW_SELECT }>;

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

/** Age in whole years on the China calendar date of `now`. */
export function ageOn(birth: Date, now: Date = new Date()): number | null {
  const b = chinaParts(birth.getTime());
  const n = chinaParts(now.getTime());
  let age = n.year - b.year;
  if (n.month < b.month || (n.month === b.month && n.day < b.day)) age -= 1;
  return age >= 0 && age < 150 ? age : null;
}

export function isPayable(row: Pick<RxViewRow, 'status' | 'signature' | 'approvedAt' | 'validUntil' | 'next'>, now: Date = new Date()): boolean {
  return (
    (PAYABLE_PRESCRIPTION_STATUSES as readonly string[]).includes(row.status) &&
    !!row.signature &&
    !!row.approvedAt &&
    !!row.validUntil &&
    row.validUntil.getTime() > now.getTime() &&
    !row.next
  );
}

function approvalOf(row: RxViewRow) {
  return [...row.reviews].reverse().find((r) => r.decision === 'APPROVED' && r.prescriptionVersion === row.version) ?? null;
}

function common(row: RxViewRow, labels: Record<PrescriptionStatus, string>, now: Date) {
  const approval = approvalOf(row);
  const items = row.items.map((i) => ({ ...i, selfPay: !row.insured || i.insuranceClass === 'SELF_PAY' }));
  return {
    id: row.id,
    rxNo: row.rxNo,
    version: row.version,
    status: row.status,
    statusLabel: labels[row.status],
    consultationId: row.consultationId,
    hospital: row.hospital,
    department: row.consultation.department,
    doctor: row.doctor,
    pharmacist: approval && row.approvedAt ? { id: approval.pharmacist.id, name: approval.pharmacist.name } : null,
    patient: { id: row.patient.id, nameMasked: row.patient.nameMasked, gender: row.patient.gender, age: ageOn(row.patient.birthDate, now) },
    diagnosis: { code: row.diagnosisCode, name: row.diagnosisName },
    insured: row.insured,
    items,
    totalFen: row.totalFen,
    selfPayFen: items.filter((i) => i.selfPay).reduce((s, i) => s + i.amountFen, 0),
    note: row.note,
    signature: {
      doctorSigned: !!row.signature && !!row.signedAt,
      doctorSignedAt: iso(row.signedAt),
      pharmacistSigned: !!approval?.signature,
      pharmacistSignedAt: approval?.signature ? iso(approval.reviewedAt) : null,
      algorithm: SIGNATURE_ALGORITHM,
    },
    payable: isPayable(row, now),
    validUntil: iso(row.validUntil),
    submittedAt: iso(row.submittedAt),
    approvedAt: iso(row.approvedAt),
    revokedAt: iso(row.revokedAt),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export function patientView(row: RxViewRow, now: Date = new Date()): PatientPrescription {
  return { ...common(row, PATIENT_PRESCRIPTION_STATUS_LABELS, now), replacedById: row.next?.id ?? null };
}

/** Statuses the patient sees: submitted and not an internal back-and-forth (rejected, withdrawn). */
export function patientMaySee(row: Pick<RxViewRow, 'status' | 'approvedAt'>): boolean {
  switch (row.status) {
    case 'DRAFT':
    case 'REJECTED':
      return false;
    case 'REVOKED':
    case 'CANCELLED':
      return row.approvedAt !== null;
    default:
      return true;
  }
}

export type StaffKind = 'DOCTOR' | 'PHARMACIST' | 'ADMIN';

export function workspaceView(row: RxViewRow, viewer: { kind: StaffKind; doctorId?: string; hospitalId?: string }, now: Date = new Date()): WorkspacePrescription {
  const isWriter = viewer.kind === 'DOCTOR' && viewer.doctorId === row.doctorId;
  const isReviewer = viewer.kind === 'PHARMACIST' && viewer.hospitalId === row.hospitalId;
  const open = !row.next;
  const lastRejection = [...row.reviews].reverse().find((r) => r.decision === 'REJECTED');
  return {
    ...common(row, PRESCRIPTION_STATUS_LABELS, now),
    consultationNo: row.consultation.consultationNo,
    previousId: row.previousId,
    nextId: row.next?.id ?? null,
    rejectReason: row.rejectReason ?? lastRejection?.comment ?? (row.status === 'DRAFT' ? (row.previous?.rejectReason ?? null) : null),
    reviseReason: row.reviseReason,
    reviews: row.reviews.map((r) => ({
      id: r.id,
      version: r.prescriptionVersion,
      decision: r.decision,
      comment: r.comment,
      pharmacistName: r.pharmacist.name,
      signed: !!r.signature,
      reviewedAt: r.reviewedAt.toISOString(),
    })),
    actions: {
      edit: isWriter && open && (row.status === 'DRAFT' || row.status === 'REJECTED'),
      submit: isWriter && open && row.status === 'DRAFT',
      discard: isWriter && open && row.status === 'DRAFT',
      revise: isWriter && open && ['PENDING_REVIEW', 'REJECTED', 'APPROVED', 'UPLOADED'].includes(row.status),
      review: isReviewer && open && row.status === 'PENDING_REVIEW',
    },
  };
}
