/**
 * Recognized 门诊慢特病 (incl. 两病) of a person, for other domains (the re-visit eligibility):
 * written when the agency completes a recognition application; keyed by the person's ID-number
 * hash (Patient.idNumberHash), so every account that manages the person sees the same answer.
 */
import { chinaDate } from '@ih/contract';
import type { Db } from '../../deps';

export interface RecognizedDiseaseView {
  diseaseCode: string;
  diseaseName: string;
  /** CHRONIC_SPECIAL (门诊慢特病) or TWO_DISEASES (高血压、糖尿病“两病”). */
  kind: string;
  recognizedAt: Date;
  /** YYYY-MM-DD, or null: no end date. */
  validUntil: string | null;
}

/** The person's recognitions valid today (not revoked, not expired). */
export async function recognizedDiseases(prisma: Db, idNumberHash: string, now: Date = new Date()): Promise<RecognizedDiseaseView[]> {
  const today = new Date(`${chinaDate(now)}T00:00:00.000Z`);
  const rows = await prisma.recognizedDisease.findMany({
    where: { idNumberHash, revokedAt: null, OR: [{ validUntil: null }, { validUntil: { gte: today } }] },
    orderBy: { recognizedAt: 'asc' },
  });
  return rows.map((r) => ({ diseaseCode: r.diseaseCode, diseaseName: r.diseaseName, kind: r.kind, recognizedAt: r.recognizedAt, validUntil: r.validUntil ? r.validUntil.toISOString().slice(0, 10) : null }));
}

/** Whether the person has a valid recognition of this disease (codes compared case-insensitively). */
export async function hasRecognizedDisease(prisma: Db, idNumberHash: string, diseaseCode: string, now: Date = new Date()): Promise<boolean> {
  const code = diseaseCode.trim().toUpperCase();
  return (await recognizedDiseases(prisma, idNumberHash, now)).some((d) => d.diseaseCode.toUpperCase() === code);
}
