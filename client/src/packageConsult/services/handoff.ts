/**
 * The eligibility answer handed from the eligibility page to the describe page (in memory, one
 * entry): saves the describe page a second trip to the HIS. The describe page's URL carries the
 * same request, so a reload (H5) or a cold start simply checks again.
 */
import type { EligibilityRequest, EligibilityResult } from '@ih/contract';
import { URLS } from '../../routes';
import { withQuery } from '../../services/params';

let last: { key: string; result: EligibilityResult; at: number } | null = null;
/** An answer older than this is checked again (the HIS or the rules may have changed). */
const FRESH_MS = 10 * 60_000;

const keyOf = (r: EligibilityRequest) => [r.patientId, r.doctorId, r.offlineDiagnosis.hospitalCode, r.offlineDiagnosis.visitNo, r.offlineDiagnosis.diagnosisCode].join('|');

export function rememberEligibility(req: EligibilityRequest, result: EligibilityResult): void {
  last = { key: keyOf(req), result, at: Date.now() };
}

export function recallEligibility(req: EligibilityRequest): EligibilityResult | null {
  if (!last || last.key !== keyOf(req) || Date.now() - last.at > FRESH_MS) return null;
  return last.result;
}

/** The describe page for this request. */
export function describeUrl(req: EligibilityRequest): string {
  return withQuery(URLS.consultDescribe, {
    doctorId: req.doctorId,
    patientId: req.patientId,
    hospitalCode: req.offlineDiagnosis.hospitalCode,
    visitNo: req.offlineDiagnosis.visitNo,
    diagnosisCode: req.offlineDiagnosis.diagnosisCode,
  });
}

/** The request in the describe page's query (null when something is missing). */
export function requestFromParams(p: Record<string, string>): EligibilityRequest | null {
  const { doctorId, patientId, hospitalCode, visitNo, diagnosisCode } = p;
  if (!doctorId || !patientId || !hospitalCode || !visitNo || !diagnosisCode) return null;
  return { doctorId, patientId, offlineDiagnosis: { hospitalCode, visitNo, diagnosisCode } };
}

/** Forgets the handed-over answer (sign-out, tests). */
export function forgetEligibility(): void {
  last = null;
}
