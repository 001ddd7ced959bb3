/**
 * Re-visit eligibility (rules 1–6): may this patient see this doctor online for this offline
 * diagnosis, and will insurance take part? Answers every reason that applies, never just the
 * first, so the patient sees all of it before anything is paid.
 *
 * - The offline visit comes from the hospital's HIS (through the HIS client), never from the
 *   patient's word: the request names a visit (hospital code + visit number) and a diagnosis
 *   code; the BFF asks the HIS for that visit and checks that it belongs to the same person
 *   (the HIS knows people by a keyed hash of the ID number, never the number itself).
 * - Thresholds and catalogs are data: the window is the `revisit_window_days` setting (default
 *   90 days, Tongchuan §24(3)); the disease catalog, hospitals' live/insurance flags, doctors'
 *   registrations and patients' suspension are rows in the database.
 * - A disease the person holds a valid 门诊慢特病 / 两病 recognition of (completed in the self-service
 *   hall, `recognized_diseases`) gets the longer `revisit_window_days_recognized` window (default
 *   180 days; never shorter than the general one): the agency has confirmed the chronic condition,
 *   so the offline visit proves the re-visit for longer. The HIS visit is still required.
 * - Days are counted on China's calendar (UTC+8), like the HIS's visit dates.
 * - Only the owner's own 就诊人 can be checked: anybody else's answers 404, like a missing one.
 *
 * HIS failures: a timeout → 504 HIS_TIMEOUT, anything else → 502 HIS_UNAVAILABLE (logged
 * without personal data). A missing HIS configuration is logged and answered as 502 too.
 */
import {
  OfflineVisitsResponseSchema,
  EligibilityResultSchema,
  eligibilityOutcome,
  eligibilityReason,
  sortReasons,
  type EligibilityReason,
  type EligibilityRequest,
  type EligibilityResult,
  type OfflineVisit,
  type OfflineVisitsResponse,
} from '@ih/contract';
import type { FieldCipher } from '@ih/db';
import { AppError } from '../../lib/errors';
import { settingInt } from '../../lib/settings';
import { isPlatformError } from '../../platforms/http';
import type { HisClient, HisVisit } from '../../platforms/his';
import type { Db } from '../../deps';
import type { Logger } from '../../logger';
import { doctorFlags, hospitalInsurance } from '../catalog/service';
import { recognizedDiseases, type RecognizedDiseaseView } from '../selfService/recognized';

export const SETTING_REVISIT_WINDOW_DAYS = 'revisit_window_days';
/** Tongchuan §24(3): 三个月内同种疾病复诊. Used only when the setting is missing or malformed. */
export const DEFAULT_REVISIT_WINDOW_DAYS = 90;
export const SETTING_RECOGNIZED_WINDOW_DAYS = 'revisit_window_days_recognized';
/** A city setting; used only when the setting is missing or malformed. */
export const DEFAULT_RECOGNIZED_WINDOW_DAYS = 180;
const WINDOW_RANGE = { min: 1, max: 3650 };
/** The picker lists visits up to this many days older than the window (shown as too old). */
const LIST_EXTRA_DAYS = 365;
/** At most this many visits in the picker (newest first). */
const LIST_MAX = 100;

/** The HIS calls this check needs (HisClient has them; tests may pass their own). */
export type OfflineVisitSource = Pick<HisClient, 'getVisit' | 'findPatients' | 'allVisits'>;

const DAY_MS = 86_400_000;
const CHINA_OFFSET_MS = 8 * 3_600_000;

/** Today's date in China (YYYY-MM-DD). */
export function chinaToday(now: Date): string {
  return new Date(now.getTime() + CHINA_OFFSET_MS).toISOString().slice(0, 10);
}

/** Whole days from `from` to `to` (both YYYY-MM-DD). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

function addDays(ymd: string, days: number): string {
  return new Date(Date.parse(`${ymd}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

const sameCode = (a: string, b: string) => a.trim().toUpperCase() === b.trim().toUpperCase();

export interface EligibilityDeps {
  prisma: Db;
  logger: Logger;
  cipher: FieldCipher;
  /** The HIS (built on first use so a missing configuration fails the request, not the app). */
  his: () => OfflineVisitSource;
  now?: () => Date;
}

export class EligibilityService {
  constructor(private readonly deps: EligibilityDeps) {}

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  /** The revisit window in days (setting, default 90). */
  windowDays(): Promise<number> {
    return settingInt(this.deps.prisma, SETTING_REVISIT_WINDOW_DAYS, DEFAULT_REVISIT_WINDOW_DAYS, WINDOW_RANGE, this.deps.logger);
  }

  /** Both windows: the general one and the one for recognized diseases (never shorter than the general one). */
  private async windows(): Promise<{ general: number; recognized: number }> {
    const [general, recognized] = await Promise.all([
      this.windowDays(),
      settingInt(this.deps.prisma, SETTING_RECOGNIZED_WINDOW_DAYS, DEFAULT_RECOGNIZED_WINDOW_DAYS, WINDOW_RANGE, this.deps.logger),
    ]);
    return { general, recognized: Math.max(general, recognized) };
  }

  /** The person's valid recognitions, by upper-cased disease code. */
  private async recognitions(idNumberHash: string): Promise<Map<string, RecognizedDiseaseView>> {
    const list = await recognizedDiseases(this.deps.prisma, idNumberHash, this.now());
    return new Map(list.map((r) => [r.diseaseCode.trim().toUpperCase(), r]));
  }

  private async ownPatient(userId: string, patientId: string) {
    const patient = await this.deps.prisma.patient.findFirst({
      where: { id: patientId, ownerUserId: userId, deletedAt: null },
      select: { id: true, idNumberEnc: true, idNumberHash: true },
    });
    if (!patient) throw new AppError('NOT_FOUND', { message: '就诊人不存在或已删除' });
    return patient;
  }

  /** Runs a HIS call, turning its failures into the user-facing codes. */
  private async askHis<T>(operation: string, call: (his: OfflineVisitSource) => Promise<T>): Promise<T> {
    let his: OfflineVisitSource;
    try {
      his = this.deps.his();
    } catch (err) {
      this.deps.logger.error({ err: { message: (err as Error).message }, operation }, 'HIS client unavailable (configuration)');
      throw new AppError('HIS_UNAVAILABLE', { cause: err });
    }
    try {
      return await call(his);
    } catch (err) {
      if (isPlatformError(err)) {
        // PlatformError's JSON form carries no bodies or personal data.
        this.deps.logger.warn({ his: err.toJSON(), operation }, 'HIS call failed');
        throw new AppError(err.kind === 'timeout' ? 'HIS_TIMEOUT' : 'HIS_UNAVAILABLE', { cause: err });
      }
      throw err;
    }
  }

  /** The patient's offline visits for the picker (newest first), each diagnosis with its catalog status. */
  async offlineVisits(userId: string, patientId: string, hospitalId?: string): Promise<OfflineVisitsResponse> {
    const { prisma } = this.deps;
    const patient = await this.ownPatient(userId, patientId);
    let hospitalCode: string | undefined;
    if (hospitalId) {
      const h = await prisma.hospital.findUnique({ where: { id: hospitalId }, select: { code: true } });
      if (!h) throw new AppError('NOT_FOUND', { message: '未找到该医院' });
      hospitalCode = h.code;
    }
    const [{ general: windowDays, recognized: recognizedWindowDays }, recognized] = await Promise.all([this.windows(), this.recognitions(patient.idNumberHash)]);
    const today = chinaToday(this.now());
    const listedSince = addDays(today, -(recognizedWindowDays + LIST_EXTRA_DAYS));
    const idNo = this.deps.cipher.decrypt(patient.idNumberEnc);
    const visits = await this.askHis('visits', (his) => his.allVisits({ person: { idNo }, ...(hospitalCode ? { hospitalCode } : {}), since: listedSince }));
    const newest = [...visits].sort((a, b) => b.visitDate.localeCompare(a.visitDate) || a.visitNo.localeCompare(b.visitNo)).slice(0, LIST_MAX);
    const codes = [...new Set(newest.flatMap((v) => v.diagnoses.map((d) => d.code)))];
    const diseases = codes.length
      ? await prisma.disease.findMany({ where: { code: { in: codes }, enabled: true }, select: { code: true, payableOnline: true, category: true } })
      : [];
    const byCode = new Map(diseases.map((d) => [d.code.toUpperCase(), d]));
    const items: OfflineVisit[] = newest.map((v) => {
      const days = daysBetween(v.visitDate, today);
      const anyRecognized = v.diagnoses.some((d) => recognized.has(d.code.trim().toUpperCase()));
      return {
        hospitalCode: v.hospitalCode,
        hospitalName: v.hospitalName,
        visitNo: v.visitNo,
        visitDate: v.visitDate,
        visitType: v.visitType,
        departmentName: v.departmentName,
        doctorName: v.doctorName ?? null,
        daysSinceVisit: days,
        withinWindow: days >= 0 && days <= (anyRecognized ? recognizedWindowDays : windowDays),
        diagnoses: v.diagnoses.map((d) => {
          const disease = byCode.get(d.code.toUpperCase());
          return {
            code: d.code, name: d.name, primary: d.primary, inCatalog: !!disease, payableOnline: disease?.payableOnline ?? false, category: disease?.category ?? null,
            recognized: recognized.has(d.code.trim().toUpperCase()),
          };
        }),
      };
    });
    return OfflineVisitsResponseSchema.parse({ items, revisitWindowDays: windowDays, recognizedWindowDays, listedSince });
  }

  /** The check itself (see the file comment). */
  async check(userId: string, req: EligibilityRequest): Promise<EligibilityResult> {
    const { prisma, cipher } = this.deps;
    const ref = req.offlineDiagnosis;
    const [patient, doctor, windows, disease] = await Promise.all([
      this.ownPatient(userId, req.patientId),
      prisma.doctor.findUnique({
        where: { id: req.doctorId },
        select: {
          id: true, name: true, title: true, realNameVerified: true, internetQualified: true, insuranceDoctorCode: true,
          status: true, suspendedReason: true, consultationFeeFen: true, hospitalId: true,
          hospital: { select: { id: true, name: true, live: true, insuranceEnabled: true, goLiveDeadline: true } },
          department: { select: { id: true, name: true, enabled: true, hospitalId: true } },
        },
      }),
      this.windows(),
      prisma.disease.findFirst({ where: { code: ref.diagnosisCode, enabled: true }, select: { code: true, name: true, category: true, payableOnline: true } }),
    ]);
    if (!doctor) throw new AppError('NOT_FOUND', { message: '未找到该医生' });

    // The visit, and whether it is this person's (the HIS patient ids of the person at that hospital).
    const idNo = cipher.decrypt(patient.idNumberEnc);
    const [visit, hisPatients] = await this.askHis('visit', (his) =>
      Promise.all([his.getVisit(ref.hospitalCode, ref.visitNo), his.findPatients({ idNo }, ref.hospitalCode)]),
    );
    const mine: HisVisit | null = visit && hisPatients.some((p) => p.patientId === visit.patientId && p.hospitalCode === visit.hospitalCode) ? visit : null;

    const today = chinaToday(this.now());
    const recognition = (await this.recognitions(patient.idNumberHash)).get(ref.diagnosisCode.trim().toUpperCase()) ?? null;
    const windowDays = recognition ? windows.recognized : windows.general;
    const reasons: EligibilityReason[] = [];
    let offlineDiagnosis: EligibilityResult['offlineDiagnosis'] = null;
    const diagnosis = mine?.diagnoses.find((d) => sameCode(d.code, ref.diagnosisCode));
    const diagnosisName = diagnosis?.name ?? disease?.name ?? ref.diagnosisCode;

    // Rules 1–2: a re-visit of the same disease, recent enough.
    if (!mine) {
      reasons.push(eligibilityReason('NOT_REVISIT', { notRevisitCause: 'visit_not_found' }));
    } else if (!diagnosis) {
      reasons.push(eligibilityReason('NOT_REVISIT', { notRevisitCause: 'diagnosis_not_in_visit', diagnosisName }));
    } else {
      const days = daysBetween(mine.visitDate, today);
      offlineDiagnosis = {
        hospitalCode: mine.hospitalCode,
        hospitalName: mine.hospitalName,
        visitNo: mine.visitNo,
        visitDate: mine.visitDate,
        visitType: mine.visitType,
        departmentName: mine.departmentName,
        diagnosisCode: diagnosis.code,
        diagnosisName: diagnosis.name,
        daysSinceVisit: days,
      };
      if (days < 0) reasons.push(eligibilityReason('NOT_REVISIT', { notRevisitCause: 'visit_in_future' }));
      else if (days > windowDays) reasons.push(eligibilityReason('REVISIT_WINDOW_EXPIRED', { diagnosisName, visitDate: mine.visitDate, daysSinceVisit: days, windowDays }));
    }

    // Rule 3: the internet disease catalog.
    if (!disease || !disease.payableOnline) reasons.push(eligibilityReason('DISEASE_NOT_COVERED', { diagnosisName }));

    // Rule 4: the person's internet insurance payment (suspension reasons stay private).
    const identities = await prisma.insuredIdentity.findMany({ where: { idNumberHash: patient.idNumberHash }, select: { suspended: true, voucherActivated: true } });
    const suspended = identities.some((i) => i.suspended);
    if (suspended) reasons.push(eligibilityReason('PATIENT_INSURANCE_SUSPENDED'));

    // Rule 5: the doctor's hospital settles with insurance.
    const hospital = doctor.hospital;
    for (const r of hospitalInsurance(hospital).reasons) {
      reasons.push(eligibilityReason(r.code, { hospitalName: hospital.name, goLiveDeadline: hospital.goLiveDeadline.toISOString().slice(0, 10) }));
    }

    // Rule 6: the doctor.
    const flags = doctorFlags(doctor);
    const who = { doctorName: doctor.name };
    if (!doctor.realNameVerified) reasons.push(eligibilityReason('DOCTOR_NOT_REAL_NAME', who));
    if (!doctor.internetQualified) reasons.push(eligibilityReason('DOCTOR_NOT_QUALIFIED', who));
    if (!flags.inInternetDepartment) reasons.push(eligibilityReason('DOCTOR_NOT_IN_INTERNET_DEPARTMENT', who));
    if (doctor.status === 'SUSPENDED') reasons.push(eligibilityReason('DOCTOR_SUSPENDED', { ...who, suspendedReason: doctor.suspendedReason }));
    if (!doctor.insuranceDoctorCode) reasons.push(eligibilityReason('DOCTOR_NOT_INSURANCE_DOCTOR', who));

    // Rule 14: insurance would take part, but the voucher must be activated first.
    if (eligibilityOutcome(reasons).insurance === 'covered' && identities.length > 0 && !suspended && !identities.some((i) => i.voucherActivated)) {
      reasons.push(eligibilityReason('VOUCHER_NOT_ACTIVATED'));
    }

    const sorted = sortReasons(reasons);
    return EligibilityResultSchema.parse({
      ...eligibilityOutcome(sorted),
      reasons: sorted,
      revisitWindowDays: windowDays,
      recognition: recognition
        ? { diseaseCode: recognition.diseaseCode, diseaseName: recognition.diseaseName, kind: recognition.kind, validUntil: recognition.validUntil }
        : null,
      offlineDiagnosis,
      disease: disease ?? null,
      doctor: {
        id: doctor.id,
        name: doctor.name,
        title: doctor.title,
        hospitalId: hospital.id,
        hospitalName: hospital.name,
        departmentId: doctor.department.id,
        departmentName: doctor.department.name,
        consultationFeeFen: doctor.consultationFeeFen,
      },
      checkedAt: this.now().toISOString(),
    });
  }
}
