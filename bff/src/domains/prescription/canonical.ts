/**
 * The canonical (signed) form of a prescription and of a pharmacist's review.
 *
 * Deterministic JSON (keys sorted recursively, compact, nulls omitted: `canonicalJson` of
 * @ih/crypto) built ONLY from database rows: the doctor signs it at submission, and verification
 * rebuilds it from the rows as they are now. Any change to a signed row (a quantity, a price, the
 * diagnosis, an item added or removed) changes the content, its SM3 hash, and fails the signature.
 * Ids and codes only: no patient name or other personal data is in the signed content (it is
 * stored next to the signature).
 */
import { canonicalJson, sm3Hex } from '@ih/crypto';
import type { Prisma } from '@ih/db';
import type { Db } from '../../deps';

export const CANONICAL_FORMAT = 'ih.e-prescription.v1';
export const REVIEW_CANONICAL_FORMAT = 'ih.e-prescription-review.v1';

type Reader = Db | Prisma.TransactionClient;

export const SIGNABLE_SELECT = {
  id: true,
  rxNo: true,
  version: true,
  previousId: true,
  consultationId: true,
  patientId: true,
  doctorId: true,
  hospitalId: true,
  diagnosisCode: true,
  diagnosisName: true,
  insured: true,
  totalFen: true,
  validUntil: true,
  signedAt: true,
  hospital: { select: { code: true } },
  doctor: { select: { insuranceDoctorCode: true, practiceCertNo: true } },
  items: {
    select: {
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
} as const satisfies Prisma.PrescriptionSelect;

export type SignableRow = Prisma.PrescriptionGetPayload<{ select: typeof SIGNABLE_SELECT }>;

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

/** The canonical content of a prescription row (`signedAt` is part of what is signed). */
export function canonicalPrescription(rx: SignableRow): string {
  const items = [...rx.items]
    .sort((a, b) => (a.nationalCode < b.nationalCode ? -1 : a.nationalCode > b.nationalCode ? 1 : a.drugId < b.drugId ? -1 : a.drugId > b.drugId ? 1 : 0))
    .map((i) => ({
      drugId: i.drugId,
      nationalCode: i.nationalCode,
      name: i.drugName,
      specification: i.specification,
      unit: i.unit,
      insuranceClass: i.insuranceClass,
      quantity: i.quantity,
      unitPriceFen: i.unitPriceFen,
      amountFen: i.amountFen,
      dosage: i.dosage,
      frequency: i.frequency,
      route: i.route,
      days: i.days,
    }));
  return canonicalJson({
    format: CANONICAL_FORMAT,
    prescriptionId: rx.id,
    rxNo: rx.rxNo,
    version: rx.version,
    previousId: rx.previousId,
    consultationId: rx.consultationId,
    patientId: rx.patientId,
    doctor: { id: rx.doctorId, insuranceDoctorCode: rx.doctor.insuranceDoctorCode, practiceCertNo: rx.doctor.practiceCertNo },
    hospital: { id: rx.hospitalId, code: rx.hospital.code },
    diagnosis: { code: rx.diagnosisCode, name: rx.diagnosisName },
    insured: rx.insured,
    items,
    itemCount: items.length,
    totalFen: rx.totalFen,
    validUntil: iso(rx.validUntil),
    signedAt: iso(rx.signedAt),
  });
}

export interface ReviewFacts {
  prescriptionId: string;
  rxNo: string;
  version: number;
  /** SM3 of the prescription's canonical content the pharmacist reviewed. */
  prescriptionHash: string;
  /** The doctor's signature the pharmacist saw. */
  doctorSignature: string;
  pharmacistId: string;
  licenseNo: string;
  decision: 'APPROVED' | 'REJECTED';
  comment: string | null;
  reviewedAt: Date;
}

export function canonicalReview(r: ReviewFacts): string {
  return canonicalJson({
    format: REVIEW_CANONICAL_FORMAT,
    prescriptionId: r.prescriptionId,
    rxNo: r.rxNo,
    version: r.version,
    prescriptionHash: r.prescriptionHash,
    doctorSignature: r.doctorSignature,
    pharmacist: { id: r.pharmacistId, licenseNo: r.licenseNo },
    decision: r.decision,
    comment: r.comment,
    reviewedAt: r.reviewedAt.toISOString(),
  });
}

export function contentHash(content: string): string {
  return sm3Hex(Buffer.from(content, 'utf8'));
}

export async function loadSignable(db: Reader, prescriptionId: string): Promise<SignableRow | null> {
  return db.prescription.findUnique({ where: { id: prescriptionId }, select: SIGNABLE_SELECT });
}
