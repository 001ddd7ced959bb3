/**
 * Verification of a prescription's signatures from the database rows as they are NOW:
 *   CONTENT_HASH          SM3 of the canonical content rebuilt from the rows = the hash recorded at signing
 *   DOCTOR_SIGNATURE      SM3withSM2 signature of the doctor over the rebuilt content, with the key snapshot
 *   DOCTOR_KEY            that key is the prescribing doctor's (published key or one issued to them)
 *   PHARMACIST_SIGNATURE  (once approved) the pharmacist's signed approval covers this exact content
 * Nothing is trusted from the signing step except the signature and the key snapshot: a changed
 * quantity, price, item or diagnosis row fails CONTENT_HASH and DOCTOR_SIGNATURE.
 */
import { DEFAULT_SM2_USER_ID, sm2Verify } from '@ih/crypto';
import { SIGNATURE_ALGORITHM, type PrescriptionVerification, type SignatureCheck } from '@ih/contract';
import type { Prisma } from '@ih/db';
import type { Db } from '../../deps';
import { canonicalPrescription, canonicalReview, contentHash, loadSignable } from './canonical';

type Reader = Db | Prisma.TransactionClient;

export type SignerSubjectKind = 'DOCTOR' | 'PHARMACIST';

function safeVerify(content: string, signature: string | null, publicKey: string | null): boolean {
  if (!signature || !publicKey) return false;
  try {
    return sm2Verify(Buffer.from(content, 'utf8'), signature, publicKey, { userId: DEFAULT_SM2_USER_ID });
  } catch {
    return false;
  }
}

/** Whether `publicKey` is the subject's published key or one issued to them (kept after rotation). */
export async function keyBelongsTo(db: Reader, type: SignerSubjectKind, subjectId: string, publicKey: string | null): Promise<boolean> {
  if (!publicKey) return false;
  const published =
    type === 'DOCTOR'
      ? (await db.doctor.findUnique({ where: { id: subjectId }, select: { sm2PublicKey: true } }))?.sm2PublicKey
      : (await db.pharmacist.findUnique({ where: { id: subjectId }, select: { sm2PublicKey: true } }))?.sm2PublicKey;
  if (published === publicKey) return true;
  return (await db.signerKey.count({ where: { subjectType: type, subjectId, publicKey } })) > 0;
}

export interface VerificationOutcome extends Omit<PrescriptionVerification, 'verifiedAt' | 'signerName'> {
  doctorId: string;
  signerName: string;
  /** The approving review that was checked (null when not approved). */
  approvalReviewId: string | null;
}

const CHECK_MESSAGES: Record<SignatureCheck, [ok: string, failed: string]> = {
  CONTENT_HASH: ['处方内容与签名时一致', '处方内容与签名时不一致（签名后被修改）'],
  DOCTOR_SIGNATURE: ['医师电子签名有效', '医师电子签名无效'],
  DOCTOR_KEY: ['签名证书属于开方医师', '签名证书不属于开方医师'],
  PHARMACIST_SIGNATURE: ['药师审核签名有效', '药师审核签名无效或缺失'],
};

/** null: no such prescription. */
export async function verifyPrescription(db: Reader, prescriptionId: string): Promise<VerificationOutcome | null> {
  const rx = await loadSignable(db, prescriptionId);
  if (!rx) return null;
  const meta = await db.prescription.findUniqueOrThrow({
    where: { id: prescriptionId },
    select: { signature: true, signedContentHash: true, signerPublicKey: true, approvedAt: true, doctor: { select: { name: true } } },
  });
  const checks: PrescriptionVerification['checks'] = [];
  const add = (check: SignatureCheck, ok: boolean) => checks.push({ check, ok, message: CHECK_MESSAGES[check][ok ? 0 : 1] });

  const signed = !!(rx.signedAt && meta.signature && meta.signedContentHash);
  let computedHash: string | null = null;
  let approvalReviewId: string | null = null;
  if (signed) {
    const content = canonicalPrescription(rx);
    computedHash = contentHash(content);
    add('CONTENT_HASH', computedHash === meta.signedContentHash);
    add('DOCTOR_SIGNATURE', safeVerify(content, meta.signature, meta.signerPublicKey));
    add('DOCTOR_KEY', await keyBelongsTo(db, 'DOCTOR', rx.doctorId, meta.signerPublicKey));
    if (meta.approvedAt) {
      const review = await db.prescriptionReview.findFirst({
        where: { prescriptionId, prescriptionVersion: rx.version, decision: 'APPROVED' },
        orderBy: { reviewedAt: 'desc' },
        select: { id: true, pharmacistId: true, comment: true, signature: true, signedContent: true, contentHash: true, signerPublicKey: true, reviewedAt: true, pharmacist: { select: { licenseNo: true } } },
      });
      let ok = false;
      if (review) {
        approvalReviewId = review.id;
        // Rebuilt from the review row, the prescription's content hash NOW and its doctor signature.
        const reviewContent = canonicalReview({
          prescriptionId: rx.id,
          rxNo: rx.rxNo,
          version: rx.version,
          prescriptionHash: computedHash,
          doctorSignature: meta.signature!,
          pharmacistId: review.pharmacistId,
          licenseNo: review.pharmacist.licenseNo,
          decision: 'APPROVED',
          comment: review.comment,
          reviewedAt: review.reviewedAt,
        });
        ok =
          contentHash(reviewContent) === review.contentHash &&
          safeVerify(reviewContent, review.signature, review.signerPublicKey) &&
          (await keyBelongsTo(db, 'PHARMACIST', review.pharmacistId, review.signerPublicKey));
      }
      add('PHARMACIST_SIGNATURE', ok);
    }
  }
  return {
    prescriptionId: rx.id,
    rxNo: rx.rxNo,
    version: rx.version,
    doctorId: rx.doctorId,
    valid: signed && checks.every((c) => c.ok),
    algorithm: SIGNATURE_ALGORITHM,
    computedHash,
    signedHash: meta.signedContentHash,
    signedAt: rx.signedAt ? rx.signedAt.toISOString() : null,
    signerName: meta.doctor.name,
    signerPublicKey: meta.signerPublicKey,
    checks,
    approvalReviewId,
  };
}
