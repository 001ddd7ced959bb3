/**
 * Public catalogs (/api/v1/catalog/*), shared by the BFF and the client: designated internet
 * hospitals, their internet departments, doctors, the internet disease catalog and the insurance
 * drug catalog. Every list is paged (`?page=&pageSize=` → `{items, page, pageSize, total}`).
 *
 *   GET /catalog/hospitals                 ?keyword&city&batch&insurance=covered|self_pay_only
 *   GET /catalog/hospitals/:id
 *   GET /catalog/hospitals/:id/departments ?keyword
 *   GET /catalog/departments/:id
 *   GET /catalog/doctors                   ?hospitalId&departmentId&keyword&disease&title&available&insuranceOnly
 *   GET /catalog/doctors/:id
 *   GET /catalog/diseases                  ?keyword&category&payableOnline
 *   GET /catalog/drugs                     ?keyword&insuranceClass&fitForInternet
 *
 * Rule 5: a hospital that is not live, or whose insurance settlement is switched off, is
 * "self-pay only" and says why (`insurance.reasons`, the same codes the eligibility check uses).
 */
import { z } from 'zod';
import { PageQuerySchema, pageOf } from './http';

// ── enumerations (same names as the database enums) ──────────────────────────────────────────
export const DOCTOR_TITLES = ['CHIEF_PHYSICIAN', 'ASSOCIATE_CHIEF_PHYSICIAN', 'ATTENDING_PHYSICIAN', 'RESIDENT_PHYSICIAN'] as const;
export type DoctorTitle = (typeof DOCTOR_TITLES)[number];
// Display labels: DOCTOR_TITLE_LABELS (auth.ts).

export const STAFF_STATUSES = ['ACTIVE', 'SUSPENDED'] as const;
export type StaffStatus = (typeof STAFF_STATUSES)[number];

export const DISEASE_CATEGORIES = ['CHRONIC', 'SPECIAL_CHRONIC', 'COMMON'] as const;
export type DiseaseCategory = (typeof DISEASE_CATEGORIES)[number];
export const DISEASE_CATEGORY_LABELS: Record<DiseaseCategory, string> = {
  CHRONIC: '门诊慢性病',
  SPECIAL_CHRONIC: '门诊特殊疾病（慢特病）',
  COMMON: '常见病',
};

export const INSURANCE_CLASSES = ['CLASS_A', 'CLASS_B', 'SELF_PAY'] as const;
export type InsuranceClass = (typeof INSURANCE_CLASSES)[number];
export const INSURANCE_CLASS_LABELS: Record<InsuranceClass, string> = {
  CLASS_A: '甲类',
  CLASS_B: '乙类',
  SELF_PAY: '丙类（自费）',
};

export const WEEKDAY_LABELS: Record<number, string> = { 1: '周一', 2: '周二', 3: '周三', 4: '周四', 5: '周五', 6: '周六', 7: '周日' };

// ── query helpers ────────────────────────────────────────────────────────────────────────────
/** A search word: trimmed; empty means "no filter". */
export const keywordQuery = z
  .string()
  .trim()
  .max(32, '搜索内容不能超过 32 个字符')
  .optional()
  .transform((v) => (v ? v : undefined));

/** Query-string booleans: true/false/1/0; empty = no filter. */
export const boolQuery = z
  .enum(['true', 'false', '1', '0', ''])
  .optional()
  .transform((v) => (v === undefined || v === '' ? undefined : v === 'true' || v === '1'));

const idQuery = z.uuid('编号格式不正确').optional().or(z.literal('').transform(() => undefined));
const ymd = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

export const CatalogIdParamsSchema = z.object({ id: z.uuid('编号格式不正确') });

// ── hospitals ────────────────────────────────────────────────────────────────────────────────
export const HOSPITAL_SELF_PAY_REASONS = ['HOSPITAL_NOT_LIVE', 'HOSPITAL_INSURANCE_OFF'] as const;
export type HospitalSelfPayReason = (typeof HOSPITAL_SELF_PAY_REASONS)[number];

export const HospitalInsuranceSchema = z.object({
  /** covered: insurance may take part (subject to the patient and the disease); self_pay_only: never. */
  mode: z.enum(['covered', 'self_pay_only']),
  reasons: z.array(z.object({ code: z.enum(HOSPITAL_SELF_PAY_REASONS), message: z.string() })),
});
export type HospitalInsurance = z.infer<typeof HospitalInsuranceSchema>;

export const HospitalSchema = z.object({
  id: z.string(),
  /** 定点医药机构编码. */
  code: z.string(),
  name: z.string(),
  city: z.string(),
  admdvs: z.string(),
  level: z.string().nullable(),
  address: z.string().nullable(),
  /** Rollout batch 1–4 of the designation list. */
  batch: z.number().int(),
  /** Last day to go live with internet insurance payment (YYYY-MM-DD). */
  goLiveDeadline: ymd,
  live: z.boolean(),
  liveAt: ymd.nullable(),
  insuranceEnabled: z.boolean(),
  insurance: HospitalInsuranceSchema,
  /** Enabled internet departments. */
  departmentCount: z.number().int().nonnegative(),
});
export type Hospital = z.infer<typeof HospitalSchema>;

export const HospitalListQuerySchema = PageQuerySchema.extend({
  keyword: keywordQuery,
  city: keywordQuery,
  batch: z.coerce.number().int().min(1).max(9).optional(),
  insurance: z.enum(['covered', 'self_pay_only']).optional(),
});
export type HospitalListQuery = z.input<typeof HospitalListQuerySchema>;
export const HospitalListResponseSchema = pageOf(HospitalSchema);
export type HospitalListResponse = z.infer<typeof HospitalListResponseSchema>;

/** The Chinese explanation of a hospital's self-pay reason. */
export function hospitalSelfPayMessage(code: HospitalSelfPayReason, h: { name: string; goLiveDeadline: string }): string {
  return code === 'HOSPITAL_NOT_LIVE'
    ? `${h.name}尚未开通互联网医保结算（开通时限 ${h.goLiveDeadline}），目前在线复诊仅支持自费`
    : `${h.name}的医保结算暂未启用，目前在线复诊仅支持自费`;
}

// ── departments ──────────────────────────────────────────────────────────────────────────────
export const DepartmentSchema = z.object({
  id: z.string(),
  hospitalId: z.string(),
  code: z.string(),
  name: z.string(),
  /** 科别 code. */
  caty: z.string(),
  intro: z.string().nullable(),
  /** Doctors listed in this department. */
  doctorCount: z.number().int().nonnegative(),
});
export type Department = z.infer<typeof DepartmentSchema>;

export const DepartmentListQuerySchema = PageQuerySchema.extend({ keyword: keywordQuery });
export type DepartmentListQuery = z.input<typeof DepartmentListQuerySchema>;
export const DepartmentListResponseSchema = pageOf(DepartmentSchema).extend({
  hospital: z.object({ id: z.string(), name: z.string(), insurance: HospitalInsuranceSchema }),
});
export type DepartmentListResponse = z.infer<typeof DepartmentListResponseSchema>;

export const DepartmentDetailSchema = DepartmentSchema.extend({
  hospital: z.object({ id: z.string(), name: z.string(), insurance: HospitalInsuranceSchema }),
});
export type DepartmentDetail = z.infer<typeof DepartmentDetailSchema>;

// ── doctors ──────────────────────────────────────────────────────────────────────────────────
const HHMM = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/);
export const WorkingPeriodSchema = z.object({ weekday: z.number().int().min(1).max(7), start: HHMM, end: HHMM });
export type WorkingPeriod = z.infer<typeof WorkingPeriodSchema>;
export const WorkingHoursSchema = z.array(WorkingPeriodSchema);

/** "周一 08:30–12:00；周三 08:30–12:00" (periods in weekday and time order). */
export function formatWorkingHours(periods: readonly WorkingPeriod[] | null | undefined): string {
  if (!periods || periods.length === 0) return '出诊时间以医院排班为准';
  return [...periods]
    .sort((a, b) => a.weekday - b.weekday || a.start.localeCompare(b.start))
    .map((p) => `${WEEKDAY_LABELS[p.weekday]} ${p.start}–${p.end}`)
    .join('；');
}

export const DoctorSchema = z.object({
  id: z.string(),
  name: z.string(),
  gender: z.enum(['MALE', 'FEMALE', 'UNKNOWN']),
  title: z.enum(DOCTOR_TITLES),
  /** No photos are stored yet: null, the client draws the initial. */
  photoUrl: z.string().nullable(),
  specialty: z.string(),
  intro: z.string().nullable(),
  hospital: z.object({ id: z.string(), code: z.string(), name: z.string(), insurance: HospitalInsuranceSchema }),
  department: z.object({ id: z.string(), name: z.string() }),
  /** 医师实名认证. */
  realNameVerified: z.boolean(),
  /** Registered as an insurance doctor (has a 医保医师代码). */
  insuranceDoctorRegistered: z.boolean(),
  /** 互联网诊疗资格. */
  internetQualified: z.boolean(),
  status: z.enum(STAFF_STATUSES),
  suspendedReason: z.string().nullable(),
  consultationFeeFen: z.number().int().nonnegative(),
  workingHours: WorkingHoursSchema.nullable(),
  /** Real-name, internet-qualified, in an enabled internet department of their hospital. */
  acceptsConsultation: z.boolean(),
  /** acceptsConsultation, active, an insurance doctor, and the hospital settles with insurance. */
  acceptsInsurance: z.boolean(),
});
export type Doctor = z.infer<typeof DoctorSchema>;

export const DoctorListQuerySchema = PageQuerySchema.extend({
  hospitalId: idQuery,
  departmentId: idQuery,
  /** Doctor name or specialty. */
  keyword: keywordQuery,
  /** Disease code, name, pinyin initials or another name (冠心病): doctors who treat it. */
  disease: keywordQuery,
  title: z.enum(DOCTOR_TITLES).optional(),
  /** Only doctors who accept internet consultations now (active, qualified). */
  available: boolQuery,
  /** Only doctors whose consultations insurance may pay. */
  insuranceOnly: boolQuery,
});
export type DoctorListQuery = z.input<typeof DoctorListQuerySchema>;

export const DiseaseRefSchema = z.object({ code: z.string(), name: z.string() });
export const DoctorListResponseSchema = pageOf(DoctorSchema).extend({
  /** With `disease`: the catalog diseases the word matched (empty: none matched, no doctors). */
  matchedDiseases: z.array(DiseaseRefSchema).optional(),
});
export type DoctorListResponse = z.infer<typeof DoctorListResponseSchema>;

// ── diseases ─────────────────────────────────────────────────────────────────────────────────
export const DiseaseSchema = z.object({
  id: z.string(),
  /** ICD-10 (national insurance edition). */
  code: z.string(),
  name: z.string(),
  category: z.enum(DISEASE_CATEGORIES),
  /** Insurance pays this disease's internet re-visits (Tongchuan §19). */
  payableOnline: z.boolean(),
  pinyin: z.string().nullable(),
  keywords: z.array(z.string()),
});
export type Disease = z.infer<typeof DiseaseSchema>;

export const DiseaseListQuerySchema = PageQuerySchema.extend({
  keyword: keywordQuery,
  category: z.enum(DISEASE_CATEGORIES).optional(),
  payableOnline: boolQuery,
});
export type DiseaseListQuery = z.input<typeof DiseaseListQuerySchema>;
export const DiseaseListResponseSchema = pageOf(DiseaseSchema);
export type DiseaseListResponse = z.infer<typeof DiseaseListResponseSchema>;

// ── drugs ────────────────────────────────────────────────────────────────────────────────────
export const DrugSchema = z.object({
  id: z.string(),
  /** 国家医保药品编码. */
  nationalCode: z.string(),
  name: z.string(),
  tradeName: z.string().nullable(),
  specification: z.string(),
  dosageForm: z.string(),
  unit: z.string(),
  manufacturer: z.string(),
  priceFen: z.number().int().nonnegative(),
  insuranceClass: z.enum(INSURANCE_CLASSES),
  /** Cannot be prescribed in an internet re-visit (rule 8). */
  unfitForInternet: z.boolean(),
  prescriptionOnly: z.boolean(),
  pinyin: z.string().nullable(),
});
export type Drug = z.infer<typeof DrugSchema>;

export const DrugListQuerySchema = PageQuerySchema.extend({
  /** Name, trade name, pinyin initials or national code (prefix). */
  keyword: keywordQuery,
  insuranceClass: z.enum(INSURANCE_CLASSES).optional(),
  /** true: only drugs that may be prescribed online; false: only the flagged ones. */
  fitForInternet: boolQuery,
});
export type DrugListQuery = z.input<typeof DrugListQuerySchema>;
export const DrugListResponseSchema = pageOf(DrugSchema);
export type DrugListResponse = z.infer<typeof DrugListResponseSchema>;
