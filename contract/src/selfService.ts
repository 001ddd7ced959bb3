/**
 * 医保自助经办 (self-service hall, seed 002 宁夏医疗保障经办政务服务事项清单): item definitions,
 * applications, notifications — /api/v1/self-service/* and /api/v1/notifications/*.
 *
 * Items are DATA (generated from seed 002 into prisma/src/seed/data/selfServiceItems.json and
 * seeded into the self_service_items table): their materials, time limit, steps, notes and, for
 * items handled online, the form as field specs. The client renders every form generically from
 * these specs and runs `validateSelfServiceForm` before sending; the BFF runs the very same
 * function, so both show the same Chinese message on the same field.
 *
 * Rules 22–23: every item shows its materials, time limit and steps; required materials must be
 * present (uploads or, where the catalog allows it, a personal promise 个人承诺书); the due date
 * is computed in working days; items the catalog marks as offline-only are shown with their
 * materials and where to go, never as a form.
 *
 * Applications are decided by the insurance agency (经办机构), an outside system: the BFF submits
 * them and follows their status (notify + status query). Statuses:
 *   SUBMITTED (已提交，待受理) → ACCEPTED (已受理) → REVIEWING (审核中) → [RECHECKING (复核中)]
 *   → [DISBURSING (拨付中)] → COMPLETED (已办结); SUPPLEMENT_REQUIRED (待补正: 一次性告知) goes
 *   back to ACCEPTED/REVIEWING after the resubmission; REJECTED (未通过) and WITHDRAWN (已撤销)
 *   end it early. Withdrawal is possible only before acceptance.
 */
import { validate as luhnValid } from 'luhn';
import { z } from 'zod';
import { idNumberError, nameError, phoneError, normalizeIdNumber, ID_TYPES, RELATIONSHIPS } from './patients';
import { maskIdNo, maskName, maskPhone } from './mask';

// ── enumerations ─────────────────────────────────────────────────────────────────────────────
/** How the hall offers an item: an online form, a query page, a guide (elsewhere online), or offline only. */
export const SELF_SERVICE_MODES = ['online', 'query', 'guide', 'offline'] as const;
export type SelfServiceMode = (typeof SELF_SERVICE_MODES)[number];
export const SELF_SERVICE_MODE_LABELS: Record<SelfServiceMode, string> = {
  online: '在线办理',
  query: '在线查询',
  guide: '办理指引',
  offline: '线下办理',
};

export const SELF_SERVICE_CATEGORIES = [
  'enrollment', 'remoteCare', 'chronicDisease', 'refund', 'query', 'transfer', 'reimbursement', 'maternity', 'medicalAid', 'voucher', 'unit', 'institution',
] as const;
export type SelfServiceCategory = (typeof SELF_SERVICE_CATEGORIES)[number];
export const SELF_SERVICE_CATEGORY_LABELS: Record<SelfServiceCategory, string> = {
  enrollment: '参保登记',
  remoteCare: '异地就医备案',
  chronicDisease: '门诊慢特病',
  refund: '退费与个人账户',
  query: '查询与打印',
  transfer: '转移接续',
  reimbursement: '费用报销',
  maternity: '生育保险',
  medicalAid: '医疗救助',
  voucher: '医保电子凭证',
  unit: '单位业务',
  institution: '医药机构业务',
};

/** Who the item is for: insured persons use the hall; unit and institution items are shown as offline guidance. */
export const SELF_SERVICE_AUDIENCES = ['person', 'unit', 'institution'] as const;
export type SelfServiceAudience = (typeof SELF_SERVICE_AUDIENCES)[number];

/** 异地就医备案 kinds (national channels' 备案类型). 急诊抢救 is treated as filed: no application. */
export const REMOTE_FILING_KINDS = ['RETIRED_RESETTLED', 'LONG_TERM_RESIDENCE', 'WORKING_ELSEWHERE', 'TEMPORARY_TRIP', 'REFERRAL'] as const;
export type RemoteFilingKind = (typeof REMOTE_FILING_KINDS)[number];
export const REMOTE_FILING_KIND_LABELS: Record<RemoteFilingKind, string> = {
  RETIRED_RESETTLED: '异地安置退休人员',
  LONG_TERM_RESIDENCE: '异地长期居住人员',
  WORKING_ELSEWHERE: '常驻异地工作人员',
  TEMPORARY_TRIP: '其他临时外出就医人员',
  REFERRAL: '异地转诊人员',
};
/** Long-term filings stay valid until changed or cancelled; temporary ones have an end date. */
export const REMOTE_FILING_TERM: Record<RemoteFilingKind, 'long' | 'temporary'> = {
  RETIRED_RESETTLED: 'long',
  LONG_TERM_RESIDENCE: 'long',
  WORKING_ELSEWHERE: 'long',
  TEMPORARY_TRIP: 'temporary',
  REFERRAL: 'temporary',
};

// ── due dates ────────────────────────────────────────────────────────────────────────────────
export const DueDateSchema = z.object({
  /** YYYY-MM-DD (China). */
  date: z.string(),
  workingDays: z.number().int().nullable(),
  calendarDays: z.number().int().nullable(),
  /** True when a year on the way has no published holiday schedule (weekends only were skipped). */
  estimated: z.boolean(),
});
export type DueDate = z.infer<typeof DueDateSchema>;

// ── item definitions (data) ──────────────────────────────────────────────────────────────────
/** A field is shown (and checked) only when another field's value is one of `in`. */
export const FieldConditionSchema = z.object({ field: z.string(), in: z.array(z.string()).min(1) });
export type FieldCondition = z.infer<typeof FieldConditionSchema>;

/** A date bound relative to today (China) or to another date field of the form. */
export const DateBoundSchema = z.union([
  z.strictObject({ field: z.string(), offsetDays: z.number().int().default(0), offsetMonths: z.number().int().default(0) }),
  z.strictObject({ offsetDays: z.number().int() }),
]);
export type DateBound = z.infer<typeof DateBoundSchema>;

export const FORM_FIELD_TYPES = [
  'text', 'textarea', 'name', 'idNumber', 'phone', 'date', 'year', 'select', 'radio', 'region', 'bankAccount', 'bankName', 'disease',
] as const;
export type FormFieldType = (typeof FORM_FIELD_TYPES)[number];

export const FormFieldOptionSchema = z.object({ value: z.string(), label: z.string() });

export const FormFieldSpecSchema = z.object({
  key: z.string().regex(/^[a-zA-Z][a-zA-Z0-9]*$/),
  label: z.string(),
  type: z.enum(FORM_FIELD_TYPES),
  required: z.boolean().default(true),
  placeholder: z.string().optional(),
  /** One line under the field (e.g. what the date means). */
  help: z.string().optional(),
  maxLength: z.number().int().positive().optional(),
  /** select / radio / disease choices. */
  options: z.array(FormFieldOptionSchema).optional(),
  showIf: FieldConditionSchema.optional(),
  dateMin: DateBoundSchema.optional(),
  dateMax: DateBoundSchema.optional(),
  /** Messages for dateMin / dateMax violations. */
  dateMinMessage: z.string().optional(),
  dateMaxMessage: z.string().optional(),
  /** region: city level (a municipality counts as a city). */
  regionLevel: z.enum(['city']).optional(),
  /** Masked when the application is shown again (ID and bank numbers, phones). */
  sensitive: z.boolean().default(false),
  default: z.string().optional(),
});
export type FormFieldSpec = z.infer<typeof FormFieldSpecSchema>;
export type FormFieldSpecInput = z.input<typeof FormFieldSpecSchema>;

/** Cross-field rules, as data. */
export const FormRuleSchema = z.discriminatedUnion('kind', [
  /** `end` must not be before `start`. */
  z.object({ kind: z.literal('dateOrder'), start: z.string(), end: z.string(), message: z.string() }),
  /** `end` at least `months` months after `start` (temporary filings: in principle not less than 6 months). */
  z.object({ kind: z.literal('minSpanMonths'), start: z.string(), end: z.string(), months: z.number().int().positive(), message: z.string(), showIf: FieldConditionSchema.optional() }),
  /** A year field must be a year that has not started yet (resident refunds: before the next insurance year starts). */
  z.object({ kind: z.literal('insuranceYearNotStarted'), field: z.string(), message: z.string() }),
  /** A field must have `value` when `when` holds (e.g. non-local residents need a Ningxia residence permit). */
  z.object({ kind: z.literal('mustEqual'), field: z.string(), value: z.string(), when: FieldConditionSchema.optional(), message: z.string() }),
]);
export type FormRule = z.infer<typeof FormRuleSchema>;

export const MaterialSpecSchema = z.object({
  /** Stable within the item (m1, m2, …). */
  code: z.string().regex(/^[a-z][a-z0-9_]*$/),
  name: z.string(),
  required: z.boolean(),
  /** A personal promise (个人承诺书) may replace this material (seed 002, 承诺制). */
  promiseAllowed: z.boolean().default(false),
  /** What the applicant promises when choosing 个人承诺书 (shown in full before they confirm). */
  promiseText: z.string().optional(),
  description: z.string().optional(),
  showIf: FieldConditionSchema.optional(),
  /** Shown for online items but provided another way (e.g. the registration form is generated from the answers). */
  providedByForm: z.boolean().default(false),
  maxFiles: z.number().int().positive().default(9),
});
export type MaterialSpec = z.infer<typeof MaterialSpecSchema>;
export type MaterialSpecInput = z.input<typeof MaterialSpecSchema>;

export const TimeLimitSchema = z.object({
  /** As the catalog says it, e.g. "线下即时办结；线上不超过2个工作日内". */
  text: z.string(),
  /** Working days for an online application (counted from the day after submission / resubmission). */
  workingDays: z.number().int().positive().optional(),
  /** Calendar days (e.g. "不超过60日"). */
  calendarDays: z.number().int().positive().optional(),
  /** 即时办结. */
  instant: z.boolean().default(false),
});
export type TimeLimit = z.infer<typeof TimeLimitSchema>;

export const QUERY_PAGES = ['enrollment', 'certificate', 'account', 'accountChanges'] as const;
export type QueryPage = (typeof QUERY_PAGES)[number];

export const SelfServiceItemSchema = z.object({
  /** Stable slug used in URLs, e.g. "remote-filing-retired". */
  code: z.string().regex(/^[a-z0-9-]{2,64}$/),
  /** 业务办理项序号 in seed 002 (1–55). */
  seq: z.number().int().positive(),
  /** 主项 / 子项 and their codes as the catalog has them. */
  mainItem: z.string(),
  mainCode: z.string(),
  subItem: z.string(),
  subCode: z.string(),
  /** 业务办理项名称 as in the catalog. */
  name: z.string(),
  /** What the hall shows (shorter, plain words). */
  title: z.string(),
  category: z.enum(SELF_SERVICE_CATEGORIES),
  audience: z.enum(SELF_SERVICE_AUDIENCES),
  mode: z.enum(SELF_SERVICE_MODES),
  materials: z.array(MaterialSpecSchema),
  timeLimit: TimeLimitSchema,
  /** 申请—受理—审核—办结 and variants with 复核 / 拨付 / （计算保费） / 验收. */
  steps: z.array(z.string()).min(2),
  notes: z.array(z.string()),
  basis: z.array(z.string()),
  /** Online items: the form. */
  form: z.array(FormFieldSpecSchema).default([]),
  rules: z.array(FormRuleSchema).default([]),
  /** Offline and guide items: where to go / how (rule 23). */
  offline: z.object({ where: z.string(), how: z.string().optional() }).optional(),
  /** Guide items: what to do in the app instead (e.g. 医保电子凭证申领 → the voucher page). */
  guide: z.object({ text: z.string(), capability: z.string().optional() }).optional(),
  /** Query items: which query page answers them. */
  queryPage: z.enum(QUERY_PAGES).optional(),
  /** Remote-care filing items: the kind. */
  filingKind: z.enum(REMOTE_FILING_KINDS).optional(),
  /** Who the 就诊人 picked as the applicant must be (e.g. 新生儿参保: the newborn's father or mother). */
  applicantLabel: z.string().default('参保人本人'),
  /** Completing this item recognizes the chosen disease (门诊慢特病 / 两病). */
  recognizesDisease: z.boolean().default(false),
  /** Order in the hall. */
  sort: z.number().int().default(0),
  enabled: z.boolean().default(true),
});
export type SelfServiceItem = z.infer<typeof SelfServiceItemSchema>;
export type SelfServiceItemInput = z.input<typeof SelfServiceItemSchema>;

/** GET /self-service/items: the hall (every enabled item, grouped on the client by category). */
export const SelfServiceItemSummarySchema = SelfServiceItemSchema.pick({
  code: true, seq: true, name: true, title: true, category: true, audience: true, mode: true, timeLimit: true, steps: true, sort: true, filingKind: true, queryPage: true,
});
export type SelfServiceItemSummary = z.infer<typeof SelfServiceItemSummarySchema>;
export const SelfServiceItemListSchema = z.object({ items: z.array(SelfServiceItemSummarySchema) });
export type SelfServiceItemList = z.infer<typeof SelfServiceItemListSchema>;

/** GET /self-service/items/:code: the whole definition plus what the BFF computes for today. */
export const SelfServiceItemDetailSchema = SelfServiceItemSchema.extend({
  /** The due date if submitted today (working days on China's calendar); null for items without a limit. */
  dueIfSubmittedToday: DueDateSchema.nullable(),
});
export type SelfServiceItemDetail = z.infer<typeof SelfServiceItemDetailSchema>;

// ── statuses and steps ───────────────────────────────────────────────────────────────────────
export const APPLICATION_STATUSES = ['SUBMITTED', 'ACCEPTED', 'SUPPLEMENT_REQUIRED', 'REVIEWING', 'RECHECKING', 'DISBURSING', 'COMPLETED', 'REJECTED', 'WITHDRAWN'] as const;
export type ApplicationStatus = (typeof APPLICATION_STATUSES)[number];
export const APPLICATION_STATUS_LABELS: Record<ApplicationStatus, string> = {
  SUBMITTED: '待受理',
  ACCEPTED: '已受理',
  SUPPLEMENT_REQUIRED: '待补正材料',
  REVIEWING: '审核中',
  RECHECKING: '复核中',
  DISBURSING: '拨付中',
  COMPLETED: '已办结',
  REJECTED: '未通过',
  WITHDRAWN: '已撤销',
};
export const FINAL_APPLICATION_STATUSES: readonly ApplicationStatus[] = ['COMPLETED', 'REJECTED', 'WITHDRAWN'];
export const isFinalStatus = (s: ApplicationStatus): boolean => FINAL_APPLICATION_STATUSES.includes(s);

/** The step a status is working on (the catalog's step names, brackets removed). */
const STATUS_STEP: Partial<Record<ApplicationStatus, string>> = {
  SUBMITTED: '受理',
  ACCEPTED: '审核',
  SUPPLEMENT_REQUIRED: '受理',
  REVIEWING: '审核',
  RECHECKING: '复核',
  DISBURSING: '拨付',
};

export const STEP_STATES = ['done', 'current', 'todo', 'attention', 'failed'] as const;
export type StepState = (typeof STEP_STATES)[number];
export const StepViewSchema = z.object({ name: z.string(), state: z.enum(STEP_STATES) });
export type StepView = z.infer<typeof StepViewSchema>;

/** The catalog's step name without brackets: "（计算保费）" → "计算保费". */
export function stepName(step: string): string {
  return step.replace(/[（）()]/g, '').trim();
}

/**
 * The progress bar: the item's own steps, each done / current / todo, or attention (待补正) /
 * failed (未通过, 已撤销) at the step where it stopped. `atStep` is the step the agency reported
 * last (REJECTED and WITHDRAWN keep it, so the bar shows where it ended).
 */
export function progressSteps(steps: readonly string[], status: ApplicationStatus, atStep?: string | null): StepView[] {
  const names = steps.map(stepName);
  if (status === 'COMPLETED') return names.map((name) => ({ name, state: 'done' as const }));
  const findIdx = (n: string | undefined | null) => (n ? names.indexOf(stepName(n)) : -1);
  const accept = Math.max(1, findIdx('受理'));
  let idx: number;
  if (status === 'REJECTED' || status === 'WITHDRAWN' || status === 'SUPPLEMENT_REQUIRED') {
    // Where it stopped, as the agency reported it (never before 受理).
    idx = Math.max(accept, findIdx(atStep));
  } else if (status === 'SUBMITTED') {
    idx = accept;
  } else if (status === 'ACCEPTED') {
    idx = accept + 1;
  } else {
    idx = findIdx(STATUS_STEP[status]);
    if (idx < 0) idx = accept + 1; // e.g. 复核 reported for an item without it
  }
  idx = Math.min(idx, names.length - 1);
  const here: StepState = status === 'SUPPLEMENT_REQUIRED' ? 'attention' : status === 'REJECTED' || status === 'WITHDRAWN' ? 'failed' : 'current';
  return names.map((name, i) => ({ name, state: i < idx ? 'done' : i === idx ? here : 'todo' }));
}

// ── region (city-level 就医地) ───────────────────────────────────────────────────────────────
/** 6-digit division code. The city list itself lives in ./regions (kept out of the main bundle). */
export const DIVISION_CODE_RE = /^\d{6}$/;

// ── field values ─────────────────────────────────────────────────────────────────────────────
export const BANK_ACCOUNT_MESSAGES = {
  empty: '请填写银行卡号',
  format: '银行卡号应为 16–19 位数字，请核对',
  luhn: '银行卡号校验未通过，请再次核对卡号（部分银联卡可忽略此提示，以银行核验结果为准）',
} as const;

export function normalizeBankAccount(raw: string): string {
  return raw.replace(/[\s-]/g, '');
}
export function bankAccountError(raw: string): string | null {
  const v = normalizeBankAccount(raw);
  if (v === '') return BANK_ACCOUNT_MESSAGES.empty;
  return /^\d{16,19}$/.test(v) ? null : BANK_ACCOUNT_MESSAGES.format;
}
/** Luhn is a warning only: some UnionPay cards fail it; the bank's name check decides. */
export function bankAccountWarning(raw: string): string | null {
  const v = normalizeBankAccount(raw);
  return /^\d{16,19}$/.test(v) && !luhnValid(v) ? BANK_ACCOUNT_MESSAGES.luhn : null;
}
export function maskBankAccount(raw: string): string {
  const v = normalizeBankAccount(raw);
  return v.length <= 8 ? '*'.repeat(v.length) : `${v.slice(0, 4)} **** **** ${v.slice(-4)}`;
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

/** Today in China as YYYY-MM-DD. */
export function chinaDate(now: Date = new Date()): string {
  return new Date(now.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
}
export function isValidDate(v: string): boolean {
  const m = DATE_RE.exec(v);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === v;
}
export function addDaysYmd(ymd: string, days: number): string {
  return new Date(Date.parse(`${ymd}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}
/** Same day `months` later (clamped to the month's end: 01-31 + 1 month → 02-28/29). */
export function addMonthsYmd(ymd: string, months: number): string {
  const [y, m, d] = ymd.split('-').map(Number) as [number, number, number];
  const total = y * 12 + (m - 1) + months;
  const ny = Math.floor(total / 12);
  const nm = (total % 12) + 1;
  const last = new Date(Date.UTC(ny, nm, 0)).getUTCDate();
  return `${ny}-${String(nm).padStart(2, '0')}-${String(Math.min(d, last)).padStart(2, '0')}`;
}
export function daysBetweenYmd(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

// ── requests ─────────────────────────────────────────────────────────────────────────────────
/** File ids from the uploads domain (/api/v1/files). */
export const FILE_ID_RE = /^[A-Za-z0-9_-]{8,64}$/;

export const MaterialProvidedSchema = z.object({
  code: z.string().regex(/^[a-z][a-z0-9_]*$/, '材料编号不正确'),
  fileIds: z.array(z.string().regex(FILE_ID_RE, '文件编号不正确')).max(20, '每项材料最多上传 20 个文件').default([]),
  /** 个人承诺书 instead of the material (only where the item allows it). */
  promise: z.boolean().default(false),
});
export type MaterialProvided = z.infer<typeof MaterialProvidedSchema>;
export type MaterialProvidedInput = z.input<typeof MaterialProvidedSchema>;

const formValues = z.record(z.string().regex(/^[a-zA-Z][a-zA-Z0-9]*$/), z.string().max(500, '内容过长')).default({});

/** POST /self-service/applications. requestKey: one per form opening (the client makes a UUID); a repeat returns the same application. */
export const ApplicationSubmitSchema = z.object({
  requestKey: z.string().regex(/^[A-Za-z0-9_-]{16,64}$/, '提交编号不正确，请刷新页面后重试'),
  itemCode: z.string().regex(/^[a-z0-9-]{2,64}$/, '事项编号不正确'),
  patientId: z.string().regex(/^[0-9a-f-]{36}$/i, '请选择办理人（就诊人）'),
  form: formValues,
  materials: z.array(MaterialProvidedSchema).max(30).default([]),
  /** The applicant confirmed the review page (信息确认无误). */
  confirmed: z.literal(true, { error: '请核对信息并确认后再提交' }),
});
export type ApplicationSubmitRequest = z.input<typeof ApplicationSubmitSchema>;
export type ApplicationSubmitInput = z.output<typeof ApplicationSubmitSchema>;

/** POST /self-service/applications/:id/supplement: the whole materials list again (and changed form values, if any). */
export const ApplicationSupplementSchema = z.object({
  form: formValues,
  materials: z.array(MaterialProvidedSchema).max(30).default([]),
  confirmed: z.literal(true, { error: '请核对补正材料并确认后再提交' }),
});
export type ApplicationSupplementRequest = z.input<typeof ApplicationSupplementSchema>;

export const ApplicationIdParamsSchema = z.object({ id: z.string().regex(/^[0-9a-f-]{36}$/i, '申请编号不正确') });
export const ItemCodeParamsSchema = z.object({ code: z.string().regex(/^[a-z0-9-]{2,64}$/, '事项编号不正确') });

export const ApplicationListQuerySchema = z.object({
  patientId: z.string().regex(/^[0-9a-f-]{36}$/i).optional(),
  status: z.enum(['open', 'done', 'all']).default('all'),
  itemCode: z.string().regex(/^[a-z0-9-]{2,64}$/).optional(),
  page: z.coerce.number().int().min(1, '页码从 1 开始').default(1),
  pageSize: z.coerce.number().int().min(1).max(50, '每页最多 50 条').default(20),
});

// ── validation (client and BFF) ──────────────────────────────────────────────────────────────
export interface ValidationContext {
  now?: Date;
  /** City-level division name for a code, or null when unknown (./regions cityName). Without it only the format is checked. */
  cityName?: (code: string) => string | null;
  /** Month-day the insurance year starts (default 01-01). */
  insuranceYearStart?: string;
}

export interface FormCheck {
  /** path → message: `form.<key>`, `materials.<code>`, `_` for the whole form. */
  errors: Record<string, string>;
  /** Not blocking (e.g. the bank card's Luhn check). */
  warnings: Record<string, string>;
}

export function conditionHolds(cond: FieldCondition | undefined, form: Record<string, string | undefined>): boolean {
  if (!cond) return true;
  return cond.in.includes(form[cond.field] ?? '');
}

/** The fields currently shown (their showIf holds). */
export function visibleFields(item: Pick<SelfServiceItem, 'form'>, form: Record<string, string | undefined>): FormFieldSpec[] {
  return item.form.filter((f) => conditionHolds(f.showIf, form));
}
/** The materials currently asked for (their showIf holds). */
export function visibleMaterials(item: Pick<SelfServiceItem, 'materials'>, form: Record<string, string | undefined>): MaterialSpec[] {
  return item.materials.filter((m) => conditionHolds(m.showIf, form));
}

function boundDate(bound: DateBound | undefined, today: string, form: Record<string, string | undefined>): string | null {
  if (!bound) return null;
  if ('field' in bound) {
    const v = form[bound.field];
    if (!v || !isValidDate(v)) return null;
    return addDaysYmd(addMonthsYmd(v, bound.offsetMonths ?? 0), bound.offsetDays ?? 0);
  }
  return addDaysYmd(today, bound.offsetDays);
}

function fieldError(f: FormFieldSpec, raw: string, ctx: ValidationContext, today: string, form: Record<string, string | undefined>): string | null {
  const v = raw.trim();
  if (v === '') return f.required ? (['select', 'radio', 'region', 'date', 'year', 'disease'].includes(f.type) ? `请选择${f.label}` : `请填写${f.label}`) : null;
  if (f.maxLength && Array.from(v).length > f.maxLength) return `${f.label}不能超过 ${f.maxLength} 个字`;
  switch (f.type) {
    case 'name':
      return nameError(v);
    case 'idNumber':
      return idNumberError('ID_CARD', v, ctx.now);
    case 'phone':
      return phoneError(v);
    case 'bankAccount':
      return bankAccountError(v);
    case 'bankName':
      return /^[\u4e00-\u9fff（）()A-Za-z]{2,40}$/.test(v) ? null : '请填写开户银行名称（如 中国工商银行银川分行）';
    case 'select':
    case 'radio':
    case 'disease':
      return f.options && !f.options.some((o) => o.value === v) ? `请从列表中选择${f.label}` : null;
    case 'region': {
      if (!DIVISION_CODE_RE.test(v)) return `请选择${f.label}（到地市一级）`;
      if (ctx.cityName && ctx.cityName(v) === null) return `${f.label}应选择到地市一级（直辖市选择本市）`;
      return null;
    }
    case 'year': {
      if (!/^\d{4}$/.test(v)) return `请选择${f.label}`;
      return null;
    }
    case 'date': {
      if (!isValidDate(v)) return `${f.label}格式不正确（如 2026-01-31）`;
      const min = boundDate(f.dateMin, today, form);
      const max = boundDate(f.dateMax, today, form);
      if (min && v < min) return f.dateMinMessage ?? `${f.label}不能早于 ${min}`;
      if (max && v > max) return f.dateMaxMessage ?? `${f.label}不能晚于 ${max}`;
      return null;
    }
    case 'text':
    case 'textarea':
    default:
      return null;
  }
}

/** The insurance year (calendar year by default) a China date falls in. */
export function insuranceYearOf(ymd: string, start = '01-01'): number {
  const y = Number(ymd.slice(0, 4));
  return ymd.slice(5) >= start ? y : y - 1;
}

/**
 * Checks an application's form and materials against the item's data, exactly as the BFF does.
 * Hidden fields and materials (showIf) are ignored. A material is present when it has at least
 * one file, or a promise where the item allows one.
 */
export function validateSelfServiceForm(
  item: Pick<SelfServiceItem, 'form' | 'rules' | 'materials' | 'mode'>,
  form: Record<string, string | undefined>,
  materials: readonly MaterialProvidedInput[],
  ctx: ValidationContext = {},
): FormCheck {
  const errors: Record<string, string> = {};
  const warnings: Record<string, string> = {};
  const today = chinaDate(ctx.now);
  if (item.mode !== 'online') {
    errors._ = '该事项不能在线申请，请按办理指引办理';
    return { errors, warnings };
  }
  const shown = visibleFields(item, form);
  const known = new Set(item.form.map((f) => f.key));
  for (const key of Object.keys(form)) if (!known.has(key)) errors[`form.${key}`] = '包含不支持的字段，请刷新页面后重试';
  for (const f of shown) {
    const value = form[f.key] ?? '';
    const e = fieldError(f, value, ctx, today, form);
    if (e) errors[`form.${f.key}`] = e;
    else if (f.type === 'bankAccount' && value.trim() !== '') {
      const w = bankAccountWarning(value);
      if (w) warnings[`form.${f.key}`] = w;
    }
  }
  const shownKeys = new Set(shown.map((f) => f.key));
  const ok = (k: string) => shownKeys.has(k) && !errors[`form.${k}`] && (form[k] ?? '').trim() !== '';
  for (const r of item.rules) {
    switch (r.kind) {
      case 'dateOrder':
        if (ok(r.start) && ok(r.end) && form[r.end]! < form[r.start]!) errors[`form.${r.end}`] ??= r.message;
        break;
      case 'minSpanMonths':
        if (conditionHolds(r.showIf, form) && ok(r.start) && ok(r.end) && form[r.end]! < addMonthsYmd(form[r.start]!, r.months)) errors[`form.${r.end}`] ??= r.message;
        break;
      case 'insuranceYearNotStarted':
        if (ok(r.field) && Number(form[r.field]) <= insuranceYearOf(today, ctx.insuranceYearStart)) errors[`form.${r.field}`] ??= r.message;
        break;
      case 'mustEqual':
        if (conditionHolds(r.when, form) && shownKeys.has(r.field) && (form[r.field] ?? '') !== r.value) errors[`form.${r.field}`] ??= r.message;
        break;
    }
  }
  // Materials.
  const byCode = new Map<string, MaterialProvidedInput>();
  const specs = new Map(item.materials.map((m) => [m.code, m]));
  for (const m of materials) {
    if (!specs.has(m.code)) {
      errors[`materials.${m.code}`] = '包含不需要的材料，请刷新页面后重试';
      continue;
    }
    if (byCode.has(m.code)) errors[`materials.${m.code}`] = '同一项材料只能提交一次';
    byCode.set(m.code, m);
  }
  for (const spec of visibleMaterials(item, form)) {
    if (spec.providedByForm) continue;
    const given = byCode.get(spec.code);
    const files = given?.fileIds?.length ?? 0;
    if (given?.promise && !spec.promiseAllowed) errors[`materials.${spec.code}`] = `「${spec.name}」不能以个人承诺代替，请上传材料`;
    else if (files > spec.maxFiles) errors[`materials.${spec.code}`] = `「${spec.name}」最多上传 ${spec.maxFiles} 个文件`;
    else if (spec.required && files === 0 && !given?.promise) {
      errors[`materials.${spec.code}`] = spec.promiseAllowed ? `请上传「${spec.name}」，或选择签署个人承诺书` : `请上传「${spec.name}」`;
    }
  }
  return { errors, warnings };
}

/**
 * 新生儿参保: enrolled within `graceDays` (default 90) of birth → covered from birth; later →
 * from the next month; more than a year after birth → from the next insurance year (one city's
 * rule: the numbers are settings).
 */
export function newbornCoverageStart(birthDate: string, applyDate: string, graceDays = 90, insuranceYearStart = '01-01'): { from: string; rule: 'from_birth' | 'next_month' | 'next_insurance_year' } {
  const age = daysBetweenYmd(birthDate, applyDate);
  if (age <= graceDays) return { from: birthDate, rule: 'from_birth' };
  if (age <= 365) return { from: `${addMonthsYmd(applyDate, 1).slice(0, 7)}-01`, rule: 'next_month' };
  const y = insuranceYearOf(applyDate, insuranceYearStart) + 1;
  return { from: `${y}-${insuranceYearStart}`, rule: 'next_insurance_year' };
}

// ── responses ────────────────────────────────────────────────────────────────────────────────
export const FormValueViewSchema = z.object({ key: z.string(), label: z.string(), value: z.string() });
export type FormValueView = z.infer<typeof FormValueViewSchema>;

/** Values as shown back (sensitive ones masked; options and cities by their names). */
export function formValueText(f: FormFieldSpec, value: string, cityName?: (code: string) => string | null): string {
  const v = value.trim();
  if (v === '') return '';
  if (f.options) return f.options.find((o) => o.value === v)?.label ?? v;
  if (f.type === 'region') return cityName?.(v) ?? v;
  if (!f.sensitive) return v;
  switch (f.type) {
    case 'idNumber': return maskIdNo(normalizeIdNumber(v));
    case 'bankAccount': return maskBankAccount(v);
    case 'phone': return maskPhone(v);
    case 'name': return maskName(v);
    default: return v.length <= 2 ? '*'.repeat(v.length) : `${v[0]}${'*'.repeat(v.length - 2)}${v[v.length - 1]}`;
  }
}

export const SupplementRequestViewSchema = z.object({
  /** 一次性告知: everything missing, said once. */
  note: z.string(),
  items: z.array(z.object({ code: z.string().nullable(), name: z.string(), reason: z.string() })),
  requestedAt: z.string(),
});
export type SupplementRequestView = z.infer<typeof SupplementRequestViewSchema>;

export const ApplicationPatientSchema = z.object({
  id: z.string(),
  nameMasked: z.string(),
  relationship: z.enum(RELATIONSHIPS),
  idType: z.enum(ID_TYPES),
  idNumberMasked: z.string(),
});

export const ApplicationHistoryEntrySchema = z.object({
  status: z.enum(APPLICATION_STATUSES),
  label: z.string(),
  step: z.string().nullable(),
  note: z.string().nullable(),
  at: z.string(),
});

export const RemoteFilingResultSchema = z.object({
  filingNo: z.string(),
  kind: z.enum(REMOTE_FILING_KINDS),
  placeCode: z.string(),
  placeName: z.string(),
  /** Insurance division of the place (after the override table). */
  placeAdmdvs: z.string(),
  validFrom: z.string(),
  /** null: long-term, valid until changed or cancelled. */
  validUntil: z.string().nullable(),
});
export type RemoteFilingResult = z.infer<typeof RemoteFilingResultSchema>;

export const ApplicationSummarySchema = z.object({
  id: z.string(),
  applicationNo: z.string(),
  itemCode: z.string(),
  itemTitle: z.string(),
  category: z.enum(SELF_SERVICE_CATEGORIES),
  patient: ApplicationPatientSchema.nullable(),
  status: z.enum(APPLICATION_STATUSES),
  statusLabel: z.string(),
  steps: z.array(StepViewSchema),
  deadline: DueDateSchema.nullable(),
  submittedAt: z.string(),
  updatedAt: z.string(),
  /** Submitted by another account for you (you are the insured person): read-only. */
  byOtherAccount: z.boolean(),
});
export type ApplicationSummary = z.infer<typeof ApplicationSummarySchema>;

export const ApplicationDetailSchema = ApplicationSummarySchema.extend({
  timeLimitText: z.string(),
  /** Whether the agency has received it (false: saved, being (re)sent automatically). */
  delivered: z.boolean(),
  acceptedAt: z.string().nullable(),
  completedAt: z.string().nullable(),
  form: z.array(FormValueViewSchema),
  materials: z.array(z.object({ code: z.string(), name: z.string(), fileIds: z.array(z.string()), promise: z.boolean() })),
  supplement: SupplementRequestViewSchema.nullable(),
  rejectReason: z.string().nullable(),
  /** Remote-care filings: the record (viewable, cancellable). */
  filing: RemoteFilingResultSchema.extend({ status: z.enum(['active', 'cancelled', 'expired']), cancelledAt: z.string().nullable() }).nullable(),
  /** 门诊慢特病: the recognized disease. */
  recognizedDisease: z.object({ code: z.string(), name: z.string(), validUntil: z.string().nullable() }).nullable(),
  /** 退费 / 个人账户支取: the amount paid out (fen). */
  paidAmountFen: z.number().int().nullable(),
  canWithdraw: z.boolean(),
  canSupplement: z.boolean(),
  history: z.array(ApplicationHistoryEntrySchema),
});
export type ApplicationDetail = z.infer<typeof ApplicationDetailSchema>;

export const ApplicationListResponseSchema = z.object({
  items: z.array(ApplicationSummarySchema),
  page: z.number().int(),
  pageSize: z.number().int(),
  total: z.number().int(),
});
export type ApplicationListResponse = z.infer<typeof ApplicationListResponseSchema>;

/** POST /self-service/applications answer: the application, and whether this was a repeat of the same requestKey. */
export const ApplicationSubmitResponseSchema = z.object({ application: ApplicationDetailSchema, duplicate: z.boolean(), warnings: z.record(z.string(), z.string()) });
export type ApplicationSubmitResponse = z.infer<typeof ApplicationSubmitResponseSchema>;

/** POST /self-service/validate (optional server-side check before the review page). */
export const ValidateRequestSchema = z.object({ itemCode: z.string().regex(/^[a-z0-9-]{2,64}$/), form: formValues, materials: z.array(MaterialProvidedSchema).max(30).default([]) });
export const ValidateResponseSchema = z.object({
  ok: z.boolean(),
  fields: z.array(z.object({ path: z.string(), message: z.string() })),
  warnings: z.array(z.object({ path: z.string(), message: z.string() })),
  /** Review-page values (masked, names for codes) and what the BFF computes (due date; newborn coverage). */
  review: z.array(FormValueViewSchema),
  due: DueDateSchema.nullable(),
  facts: z.array(z.object({ label: z.string(), value: z.string() })),
});
export type ValidateResponse = z.infer<typeof ValidateResponseSchema>;

// ── filings ──────────────────────────────────────────────────────────────────────────────────
export const FilingViewSchema = RemoteFilingResultSchema.extend({
  applicationId: z.string(),
  patient: ApplicationPatientSchema.nullable(),
  status: z.enum(['active', 'cancelled', 'expired']),
  cancelledAt: z.string().nullable(),
  /** Cancelling is refused until this date (long-term filings: 6 months after taking effect); null: may cancel now. */
  lockedUntil: z.string().nullable(),
});
export type FilingView = z.infer<typeof FilingViewSchema>;
export const FilingListResponseSchema = z.object({ items: z.array(FilingViewSchema) });
export const FilingCancelSchema = z.object({ reason: z.string().trim().min(2, '请填写取消原因').max(100, '取消原因不能超过 100 个字'), reasonChanged: z.boolean().default(false) });

// ── queries ──────────────────────────────────────────────────────────────────────────────────
export const PatientQuerySchema = z.object({ patientId: z.string().regex(/^[0-9a-f-]{36}$/i, '请选择就诊人') });

export const EnrollmentInfoSchema = z.object({
  patient: ApplicationPatientSchema,
  /** 参保状态: 正常参保 / 暂停参保 / 终止参保. */
  status: z.enum(['ACTIVE', 'SUSPENDED', 'TERMINATED']),
  statusLabel: z.string(),
  insutype: z.string(),
  insutypeLabel: z.string(),
  admdvs: z.string(),
  admdvsName: z.string(),
  since: z.string(),
  /** Employer (职工) or "灵活就业" / "城乡居民". */
  unitName: z.string().nullable(),
  payments: z.array(z.object({ period: z.string(), amountFen: z.number().int(), kind: z.string(), paidAt: z.string() })),
  queriedAt: z.string(),
});
export type EnrollmentInfo = z.infer<typeof EnrollmentInfoSchema>;

export const AccountQuerySchema = PatientQuerySchema.extend({
  since: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, '开始日期格式不正确').optional(),
  until: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, '结束日期格式不正确').optional(),
});
export const AccountInfoSchema = z.object({
  patient: ApplicationPatientSchema,
  balanceFen: z.number().int(),
  changes: z.array(z.object({ date: z.string(), kind: z.string(), amountFen: z.number().int(), balanceFen: z.number().int(), note: z.string().nullable() })),
  queriedAt: z.string(),
});
export type AccountInfo = z.infer<typeof AccountInfoSchema>;

// ── notifications (generic: other domains may use them) ──────────────────────────────────────
export const NotificationSchema = z.object({
  id: z.string(),
  kind: z.string(),
  title: z.string(),
  body: z.string(),
  /** What it is about and where the client opens it. */
  targetType: z.string().nullable(),
  targetId: z.string().nullable(),
  read: z.boolean(),
  createdAt: z.string(),
});
export type UserNotification = z.infer<typeof NotificationSchema>;
export const NotificationListQuerySchema = z.object({
  unread: z.enum(['true', 'false']).optional(),
  page: z.coerce.number().int().min(1, '页码从 1 开始').default(1),
  pageSize: z.coerce.number().int().min(1).max(50, '每页最多 50 条').default(20),
});
export const NotificationListResponseSchema = z.object({ items: z.array(NotificationSchema), page: z.number().int(), pageSize: z.number().int(), total: z.number().int(), unread: z.number().int() });
export type NotificationListResponse = z.infer<typeof NotificationListResponseSchema>;
export const UnreadCountResponseSchema = z.object({ unread: z.number().int() });
export const NotificationIdParamsSchema = z.object({ id: z.string().regex(/^[0-9a-f-]{36}$/i, '消息编号不正确') });
