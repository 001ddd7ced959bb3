/**
 * The re-visit eligibility check (rules 1–6), shared by the BFF (which decides) and the client
 * (which explains). Before anything is paid the patient learns whether the consultation may go
 * on, whether insurance takes part, and every reason why not, each with what they can do.
 *
 *   GET  /api/v1/patients/:id/offline-visits?hospitalId=   the patient's offline visits from the
 *                                                           hospital HIS (the picker)
 *   POST /api/v1/consultations/eligibility                  {patientId, doctorId, offlineDiagnosis}
 *
 * Effects of a reason:
 *   refuse    the consultation cannot take place online (canConsult = false)
 *   self_pay  it may take place, but insurance does not pay (insurance = 'self_pay')
 *   notice    nothing changes now, but the user must act before paying with insurance
 * `insurance` is 'covered' only when nothing refuses and nothing forces self-pay; when the
 * consultation is refused it is 'self_pay' (nothing will be settled with insurance).
 * The wording lives here (`eligibilityReason`) so client and BFF never disagree.
 */
import { z } from 'zod';
import { DISEASE_CATEGORIES, DOCTOR_TITLES } from './catalog';

export const ELIGIBILITY_EFFECTS = ['refuse', 'self_pay', 'notice'] as const;
export type EligibilityEffect = (typeof ELIGIBILITY_EFFECTS)[number];

/** What the user can do about a reason (the client turns each into a button or a hint). */
export const ELIGIBILITY_ACTIONS = [
  'CHOOSE_DIAGNOSIS', // pick another offline diagnosis
  'CHOOSE_DOCTOR', // pick another doctor
  'CHOOSE_HOSPITAL', // pick another hospital
  'VISIT_OFFLINE', // see a doctor at the hospital first
  'CONTINUE_SELF_PAY', // go on, paying the whole fee yourself
  'ACTIVATE_VOUCHER', // activate the insurance e-voucher
  'CONTACT_INSURANCE', // ask the insurance agency
] as const;
export type EligibilityAction = (typeof ELIGIBILITY_ACTIONS)[number];

export const ELIGIBILITY_ACTION_LABELS: Record<EligibilityAction, string> = {
  CHOOSE_DIAGNOSIS: '选择其他线下诊断',
  CHOOSE_DOCTOR: '选择其他医生',
  CHOOSE_HOSPITAL: '选择其他医院',
  VISIT_OFFLINE: '到医院线下就诊',
  CONTINUE_SELF_PAY: '继续（自费）',
  ACTIVATE_VOUCHER: '激活医保电子凭证',
  CONTACT_INSURANCE: '咨询医保经办机构',
};

interface ReasonDef {
  effect: EligibilityEffect;
  title: string;
  suggestion: string;
  actions: EligibilityAction[];
}

/** Every reason: its effect, a short title, what to do. Codes never change meaning. */
export const ELIGIBILITY_REASONS = {
  NOT_REVISIT: {
    effect: 'refuse',
    title: '不属于复诊',
    suggestion: '互联网医院只提供复诊。请先到实体医院线下就诊、明确诊断，之后可在线复诊；或选择您已有的线下诊断。',
    actions: ['CHOOSE_DIAGNOSIS', 'VISIT_OFFLINE'],
  },
  REVISIT_WINDOW_EXPIRED: {
    effect: 'refuse',
    title: '线下就诊已超过复诊期限',
    suggestion: '请到医院线下复诊后再在线复诊，或选择期限内的其他线下诊断。',
    actions: ['CHOOSE_DIAGNOSIS', 'VISIT_OFFLINE'],
  },
  DISEASE_NOT_COVERED: {
    effect: 'self_pay',
    title: '该病种医保不支付线上复诊',
    suggestion: '可以继续在线复诊，诊查费和药费需全部自费；如需医保报销，请到医院线下就诊。',
    actions: ['CONTINUE_SELF_PAY', 'VISIT_OFFLINE'],
  },
  PATIENT_INSURANCE_SUSPENDED: {
    effect: 'self_pay',
    title: '医保互联网支付已暂停',
    suggestion: '可以继续在线复诊并全部自费；如有疑问，请咨询参保地医保经办机构。',
    actions: ['CONTINUE_SELF_PAY', 'CONTACT_INSURANCE'],
  },
  HOSPITAL_NOT_LIVE: {
    effect: 'self_pay',
    title: '医院尚未开通互联网医保结算',
    suggestion: '可以继续在线复诊并全部自费，或选择已开通医保结算的医院。',
    actions: ['CONTINUE_SELF_PAY', 'CHOOSE_HOSPITAL'],
  },
  HOSPITAL_INSURANCE_OFF: {
    effect: 'self_pay',
    title: '医院医保结算暂未启用',
    suggestion: '可以继续在线复诊并全部自费，或选择已开通医保结算的医院。',
    actions: ['CONTINUE_SELF_PAY', 'CHOOSE_HOSPITAL'],
  },
  DOCTOR_NOT_REAL_NAME: {
    effect: 'refuse',
    title: '医生尚未完成实名认证',
    suggestion: '请选择其他医生。',
    actions: ['CHOOSE_DOCTOR'],
  },
  DOCTOR_NOT_QUALIFIED: {
    effect: 'refuse',
    title: '医生暂无互联网诊疗资格',
    suggestion: '请选择其他医生。',
    actions: ['CHOOSE_DOCTOR'],
  },
  DOCTOR_NOT_IN_INTERNET_DEPARTMENT: {
    effect: 'refuse',
    title: '医生所在科室未开通互联网诊疗',
    suggestion: '请选择其他科室的医生。',
    actions: ['CHOOSE_DOCTOR'],
  },
  DOCTOR_SUSPENDED: {
    effect: 'self_pay',
    title: '医生的医保服务已暂停',
    suggestion: '可以继续由该医生复诊并全部自费，或选择其他医生使用医保。',
    actions: ['CONTINUE_SELF_PAY', 'CHOOSE_DOCTOR'],
  },
  DOCTOR_NOT_INSURANCE_DOCTOR: {
    effect: 'self_pay',
    title: '医生未登记为医保医师',
    suggestion: '可以继续由该医生复诊并全部自费，或选择其他医生使用医保。',
    actions: ['CONTINUE_SELF_PAY', 'CHOOSE_DOCTOR'],
  },
  VOUCHER_NOT_ACTIVATED: {
    effect: 'notice',
    title: '医保电子凭证尚未激活',
    suggestion: '使用医保支付前，请先激活就诊人本人的医保电子凭证；也可以自费支付。',
    actions: ['ACTIVATE_VOUCHER'],
  },
} as const satisfies Record<string, ReasonDef>;

export type EligibilityReasonCode = keyof typeof ELIGIBILITY_REASONS;
export const ELIGIBILITY_REASON_CODES = Object.keys(ELIGIBILITY_REASONS) as [EligibilityReasonCode, ...EligibilityReasonCode[]];

/** Facts a reason's explanation mentions (all optional; missing ones are left out of the text). */
export interface ReasonFacts {
  diagnosisName?: string;
  visitDate?: string;
  daysSinceVisit?: number;
  windowDays?: number;
  hospitalName?: string;
  goLiveDeadline?: string;
  doctorName?: string;
  suspendedReason?: string | null;
  /** NOT_REVISIT: why exactly. */
  notRevisitCause?: 'visit_not_found' | 'diagnosis_not_in_visit' | 'visit_in_future';
}

function explain(code: EligibilityReasonCode, f: ReasonFacts): string {
  const doctor = f.doctorName ? `${f.doctorName}医生` : '该医生';
  switch (code) {
    case 'NOT_REVISIT':
      if (f.notRevisitCause === 'diagnosis_not_in_visit') return `医院系统中该次线下就诊没有「${f.diagnosisName ?? '该病种'}」的诊断，无法证明是同一疾病的复诊。`;
      if (f.notRevisitCause === 'visit_in_future') return '医院系统中该次就诊的日期晚于今天，暂不能作为复诊依据。';
      return '医院系统中没有查到该就诊人的这次线下就诊记录，无法证明是复诊。';
    case 'REVISIT_WINDOW_EXPIRED':
      return `「${f.diagnosisName ?? '该病种'}」的线下就诊日期是 ${f.visitDate ?? '—'}，距今已 ${f.daysSinceVisit ?? '—'} 天；在线复诊要求线下就诊后 ${f.windowDays ?? '—'} 天以内。`;
    case 'DISEASE_NOT_COVERED':
      return `「${f.diagnosisName ?? '该病种'}」不在医保互联网支付病种目录内，医保基金不支付其线上复诊费用。`;
    case 'PATIENT_INSURANCE_SUSPENDED':
      return `该就诊人的医保互联网支付资格已暂停${f.suspendedReason ? `（${f.suspendedReason}）` : ''}，本次不能使用医保支付。`;
    case 'HOSPITAL_NOT_LIVE':
      return `${f.hospitalName ?? '该医院'}尚未开通互联网医保结算${f.goLiveDeadline ? `（开通时限 ${f.goLiveDeadline}）` : ''}，目前只能自费。`;
    case 'HOSPITAL_INSURANCE_OFF':
      return `${f.hospitalName ?? '该医院'}的互联网医保结算暂未启用，目前只能自费。`;
    case 'DOCTOR_NOT_REAL_NAME':
      return `${doctor}尚未完成医师实名认证，按规定不能在线接诊。`;
    case 'DOCTOR_NOT_QUALIFIED':
      return `${doctor}尚未取得互联网诊疗资格，不能在线接诊。`;
    case 'DOCTOR_NOT_IN_INTERNET_DEPARTMENT':
      return `${doctor}所在科室不在医院开通的互联网诊疗科目内，不能在线接诊。`;
    case 'DOCTOR_SUSPENDED':
      return `${doctor}的医保服务已暂停${f.suspendedReason ? `（${f.suspendedReason}）` : ''}，其接诊费用医保不予支付。`;
    case 'DOCTOR_NOT_INSURANCE_DOCTOR':
      return `${doctor}未在医保经办机构登记为医保医师，其接诊费用医保不予支付。`;
    case 'VOUCHER_NOT_ACTIVATED':
      return '该就诊人的医保电子凭证尚未激活，激活前无法使用医保支付。';
  }
}

export const EligibilityReasonSchema = z.object({
  code: z.enum(ELIGIBILITY_REASON_CODES),
  effect: z.enum(ELIGIBILITY_EFFECTS),
  title: z.string(),
  /** Why, in plain Chinese, with the facts (dates, days, names). */
  message: z.string(),
  /** What the user can do. */
  suggestion: z.string(),
  actions: z.array(z.enum(ELIGIBILITY_ACTIONS)),
});
export type EligibilityReason = z.infer<typeof EligibilityReasonSchema>;

export function eligibilityReason(code: EligibilityReasonCode, facts: ReasonFacts = {}): EligibilityReason {
  const def: ReasonDef = ELIGIBILITY_REASONS[code];
  return { code, effect: def.effect, title: def.title, message: explain(code, facts), suggestion: def.suggestion, actions: [...def.actions] };
}

/** Reasons in the order the user should read them: refusals, then self-pay, then notices. */
export function sortReasons(reasons: readonly EligibilityReason[]): EligibilityReason[] {
  const rank: Record<EligibilityEffect, number> = { refuse: 0, self_pay: 1, notice: 2 };
  return reasons
    .map((r, i) => ({ r, i }))
    .sort((a, b) => rank[a.r.effect] - rank[b.r.effect] || a.i - b.i)
    .map(({ r }) => r);
}

/** canConsult / insurance from the reasons (the one place that decides). */
export function eligibilityOutcome(reasons: readonly Pick<EligibilityReason, 'effect'>[]): { canConsult: boolean; insurance: 'covered' | 'self_pay' } {
  const canConsult = !reasons.some((r) => r.effect === 'refuse');
  const selfPay = !canConsult || reasons.some((r) => r.effect === 'self_pay');
  return { canConsult, insurance: selfPay ? 'self_pay' : 'covered' };
}

// ── offline visits (the picker) ──────────────────────────────────────────────────────────────
const ymd = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

export const OfflineDiagnosisSchema = z.object({
  code: z.string(),
  name: z.string(),
  primary: z.boolean(),
  /** In the internet disease catalog (enabled). */
  inCatalog: z.boolean(),
  /** Insurance pays its internet re-visits (false when not in the catalog). */
  payableOnline: z.boolean(),
  category: z.enum(DISEASE_CATEGORIES).nullable(),
  /** The person holds a valid 门诊慢特病 / 两病 recognition of this disease (self-service), so the longer window applies. */
  recognized: z.boolean().default(false),
});
export type OfflineDiagnosis = z.infer<typeof OfflineDiagnosisSchema>;

export const OfflineVisitSchema = z.object({
  hospitalCode: z.string(),
  hospitalName: z.string(),
  visitNo: z.string(),
  visitDate: ymd,
  visitType: z.enum(['OUTPATIENT', 'INPATIENT']),
  departmentName: z.string(),
  doctorName: z.string().nullable(),
  /** Whole days from the visit to today (China time). */
  daysSinceVisit: z.number().int(),
  /** Within the re-visit window (rule 2): the general one, or the recognized-disease one for a recognized diagnosis. */
  withinWindow: z.boolean(),
  diagnoses: z.array(OfflineDiagnosisSchema),
});
export type OfflineVisit = z.infer<typeof OfflineVisitSchema>;

export const OfflineVisitsQuerySchema = z.object({
  hospitalId: z.uuid('医院编号格式不正确').optional().or(z.literal('').transform(() => undefined)),
});
export const OfflineVisitsParamsSchema = z.object({ id: z.string().regex(/^[0-9a-f-]{36}$/i, '就诊人编号不正确') });

export const OfflineVisitsResponseSchema = z.object({
  items: z.array(OfflineVisitSchema),
  /** The re-visit window in days (setting revisit_window_days). */
  revisitWindowDays: z.number().int().positive(),
  /** The window for a disease the person holds a 慢特病 recognition of (setting revisit_window_days_recognized). */
  recognizedWindowDays: z.number().int().positive().optional(),
  /** Visits older than this day are not listed (YYYY-MM-DD). */
  listedSince: ymd,
});
export type OfflineVisitsResponse = z.infer<typeof OfflineVisitsResponseSchema>;

// ── the check ────────────────────────────────────────────────────────────────────────────────
export const OfflineDiagnosisRefSchema = z.object({
  /** The HIS's hospital code of the visit (from the picker). */
  hospitalCode: z.string().trim().min(1, '请选择线下就诊记录').max(32),
  visitNo: z.string().trim().min(1, '请选择线下就诊记录').max(64),
  /** The diagnosis of that visit this re-visit continues. */
  diagnosisCode: z.string().trim().min(1, '请选择要复诊的诊断').max(20),
});
export type OfflineDiagnosisRef = z.infer<typeof OfflineDiagnosisRefSchema>;

export const EligibilityRequestSchema = z.object({
  patientId: z.string().regex(/^[0-9a-f-]{36}$/i, '请选择就诊人'),
  doctorId: z.string().regex(/^[0-9a-f-]{36}$/i, '请选择医生'),
  offlineDiagnosis: OfflineDiagnosisRefSchema,
});
export type EligibilityRequest = z.infer<typeof EligibilityRequestSchema>;

export const EligibilityResultSchema = z.object({
  canConsult: z.boolean(),
  insurance: z.enum(['covered', 'self_pay']),
  reasons: z.array(EligibilityReasonSchema),
  /** The window applied to this check (the recognized-disease window when `recognition` is set). */
  revisitWindowDays: z.number().int().positive(),
  /** The person's valid 门诊慢特病 / 两病 recognition of this disease (from the self-service hall), or null. */
  recognition: z
    .object({ diseaseCode: z.string(), diseaseName: z.string(), kind: z.string(), validUntil: ymd.nullable() })
    .nullable()
    .default(null),
  /** The offline diagnosis as the HIS reports it (null: the HIS has no such visit for this patient). */
  offlineDiagnosis: z
    .object({
      hospitalCode: z.string(),
      hospitalName: z.string(),
      visitNo: z.string(),
      visitDate: ymd,
      visitType: z.enum(['OUTPATIENT', 'INPATIENT']),
      departmentName: z.string(),
      diagnosisCode: z.string(),
      diagnosisName: z.string(),
      daysSinceVisit: z.number().int(),
    })
    .nullable(),
  /** The catalog disease of the diagnosis (null: not in the internet disease catalog). */
  disease: z.object({ code: z.string(), name: z.string(), category: z.enum(DISEASE_CATEGORIES), payableOnline: z.boolean() }).nullable(),
  doctor: z.object({
    id: z.string(),
    name: z.string(),
    title: z.enum(DOCTOR_TITLES),
    hospitalId: z.string(),
    hospitalName: z.string(),
    departmentId: z.string(),
    departmentName: z.string(),
    consultationFeeFen: z.number().int().nonnegative(),
  }),
  checkedAt: z.string(),
});
export type EligibilityResult = z.infer<typeof EligibilityResultSchema>;
