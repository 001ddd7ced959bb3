/**
 * 就诊人 (patients a signed-in user seeks care for): the request/response schemas of
 * /api/v1/patients and the field checks behind them. The client runs the very same checks before
 * sending (`patientFormErrors`), so both show the same Chinese message on the same field.
 *
 * Rules (issue 4, rule 21):
 * - 居民身份证: 18 digits (last may be X) with a valid region, birth date and ISO 7064 MOD 11-2
 *   check character (`validator`'s isIdentityCard zh-CN plus our own reasons); the old 15-digit
 *   numbers are refused. Birth date and gender come from the number.
 * - Other certificates: their own formats; birth date and gender are entered.
 * - Mainland mobile numbers only (+86 / spaces / dashes are accepted and removed).
 * - The account owner's own identity (relationship SELF) comes from the e-voucher authorization,
 *   never from typing: the create schema refuses SELF.
 * - Responses carry masked values only (name, certificate number, phone): the full values are
 *   never sent back after creation.
 */
import isIdentityCard from 'validator/lib/isIdentityCard';
import { z } from 'zod';
import { maskIdNo } from './mask';

// ── enumerations (same names as the database enums) ──────────────────────────────────────────
export const ID_TYPES = ['ID_CARD', 'HK_MACAO_PERMIT', 'TAIWAN_PERMIT', 'PASSPORT', 'FOREIGN_PERMANENT_RESIDENT'] as const;
export type IdType = (typeof ID_TYPES)[number];

export const ID_TYPE_LABELS: Record<IdType, string> = {
  ID_CARD: '居民身份证',
  HK_MACAO_PERMIT: '港澳居民来往内地通行证',
  TAIWAN_PERMIT: '台湾居民来往大陆通行证',
  PASSPORT: '护照',
  FOREIGN_PERMANENT_RESIDENT: '外国人永久居留身份证',
};

/** 人员证件类型 (psn_cert_type) codes of the national insurance platform. */
export const ID_TYPE_CERT_CODES: Record<IdType, string> = {
  ID_CARD: '01',
  HK_MACAO_PERMIT: '06',
  TAIWAN_PERMIT: '07',
  PASSPORT: '08',
  FOREIGN_PERMANENT_RESIDENT: '09',
};

export const RELATIONSHIPS = ['SELF', 'SPOUSE', 'PARENT', 'CHILD', 'OTHER'] as const;
export type Relationship = (typeof RELATIONSHIPS)[number];
/** What a user may choose by hand: SELF is created by the e-voucher authorization only. */
export const MANUAL_RELATIONSHIPS = ['SPOUSE', 'PARENT', 'CHILD', 'OTHER'] as const satisfies readonly Relationship[];
export type ManualRelationship = (typeof MANUAL_RELATIONSHIPS)[number];

export const RELATIONSHIP_LABELS: Record<Relationship, string> = {
  SELF: '本人',
  SPOUSE: '配偶',
  PARENT: '父母',
  CHILD: '子女',
  OTHER: '其他',
};

export const GENDERS = ['MALE', 'FEMALE', 'UNKNOWN'] as const;
export type Gender = (typeof GENDERS)[number];
export const GENDER_LABELS: Record<Gender, string> = { MALE: '男', FEMALE: '女', UNKNOWN: '未知' };

// ── normalisation ────────────────────────────────────────────────────────────────────────────
/** Certificate numbers: no whitespace, upper case (the ID check character may be typed as x). */
export function normalizeIdNumber(value: string): string {
  return value.replace(/\s+/g, '').toUpperCase();
}

/** Mobile numbers: digits only, without the +86 / 0086 country prefix. */
export function normalizeMobile(value: string): string {
  const digits = value.replace(/\D/g, '');
  return digits.replace(/^(0086|86)(?=1\d{10}$)/, '');
}

/** Names: trimmed, inner runs of spaces collapsed, the various middle dots unified to ·. */
export function normalizeName(value: string): string {
  return value.trim().replace(/\s+/g, ' ').replace(/[•・‧∙⋅]/g, '·');
}

// ── 居民身份证 (GB 11643-1999) ────────────────────────────────────────────────────────────────
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS = '10X98765432';

/** ISO 7064 MOD 11-2 check character of the first 17 digits. */
export function idCardCheckChar(first17: string): string {
  if (!/^\d{17}$/.test(first17)) throw new Error('idCardCheckChar: 17 digits expected');
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += WEIGHTS[i]! * Number(first17[i]);
  return CHECK_CHARS[sum % 11]!;
}

export type IdCardProblem = 'empty' | 'fifteen_digits' | 'format' | 'birth_date' | 'checksum' | 'region';

export const ID_CARD_MESSAGES: Record<IdCardProblem, string> = {
  empty: '请填写证件号码',
  fifteen_digits: '15 位旧版身份证号码已停止使用，请填写 18 位居民身份证号码',
  format: '居民身份证号码应为 18 位，由数字组成，最后一位可能是 X',
  birth_date: '身份证号码中的出生日期（第 7–14 位）不正确，请核对',
  checksum: '身份证号码校验位不正确，请逐位核对后重新填写',
  region: '身份证号码前 6 位（地区码）不正确，请核对',
};

/** Today in China (UTC+8, no daylight saving) as y/m/d. */
function chinaToday(now: Date): { y: number; m: number; d: number } {
  const t = new Date(now.getTime() + 8 * 3600_000);
  return { y: t.getUTCFullYear(), m: t.getUTCMonth() + 1, d: t.getUTCDate() };
}

function validYmd(y: number, m: number, d: number, now: Date): boolean {
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return false;
  if (y < 1900) return false;
  const today = chinaToday(now);
  return y * 10000 + m * 100 + d <= today.y * 10000 + today.m * 100 + today.d;
}

/** Why an 18-digit resident ID number is not valid, or null. Expects a normalized value. */
export function idCardProblem(id: string, now: Date = new Date()): IdCardProblem | null {
  if (id === '') return 'empty';
  if (/^\d{15}$/.test(id)) return 'fifteen_digits';
  if (!/^\d{17}[\dX]$/.test(id)) return 'format';
  if (!validYmd(Number(id.slice(6, 10)), Number(id.slice(10, 12)), Number(id.slice(12, 14)), now)) return 'birth_date';
  if (idCardCheckChar(id.slice(0, 17)) !== id[17]) return 'checksum';
  // Everything we check ourselves passed: what validator refuses beyond that is the region code.
  if (!isIdentityCard(id, 'zh-CN')) return 'region';
  return null;
}

/** Birth date (YYYY-MM-DD) and gender written in an 18-digit ID number (odd 17th digit: male). */
export function idCardFacts(id: string): { birthDate: string; gender: 'MALE' | 'FEMALE' } {
  return {
    birthDate: `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`,
    gender: Number(id[16]) % 2 === 1 ? 'MALE' : 'FEMALE',
  };
}

// ── other certificates ────────────────────────────────────────────────────────────────────────
const OTHER_ID_RULES: Record<Exclude<IdType, 'ID_CARD'>, { test: (v: string) => boolean; message: string }> = {
  HK_MACAO_PERMIT: {
    test: (v) => /^[HM]\d{8}(\d{2})?$/.test(v),
    message: '港澳居民来往内地通行证号码应为 H 或 M 开头加 8 位数字（如 H12345678）',
  },
  TAIWAN_PERMIT: {
    test: (v) => /^\d{8}$/.test(v) || /^\d{10}[A-Z]?$/.test(v),
    message: '台湾居民来往大陆通行证号码应为 8 位数字',
  },
  PASSPORT: {
    test: (v) => /^[A-Z0-9]{5,17}$/.test(v),
    message: '护照号码应为 5–17 位字母或数字',
  },
  FOREIGN_PERMANENT_RESIDENT: {
    // 2017 edition: 3 letters (nationality) + 12 digits; 2023 edition: 18 characters starting
    // with 9, with the same check character as the resident ID.
    test: (v) => /^[A-Z]{3}\d{12}$/.test(v) || (/^9\d{16}[\dX]$/.test(v) && idCardCheckChar(v.slice(0, 17)) === v[17]),
    message: '外国人永久居留身份证号码应为 3 位字母加 12 位数字，或以 9 开头的 18 位号码',
  },
};

/** The Chinese message for a certificate number that is not valid for its type, or null. */
export function idNumberError(idType: IdType, raw: string, now: Date = new Date()): string | null {
  const id = normalizeIdNumber(raw);
  if (id === '') return ID_CARD_MESSAGES.empty;
  if (idType === 'ID_CARD') {
    const problem = idCardProblem(id, now);
    return problem ? ID_CARD_MESSAGES[problem] : null;
  }
  return OTHER_ID_RULES[idType].test(id) ? null : OTHER_ID_RULES[idType].message;
}

/**
 * Masked certificate number for display: resident IDs as everywhere (640***********0131); the
 * shorter numbers of other certificates keep only the first character and the last two.
 */
export function maskCertificate(idType: IdType, idNumber: string): string {
  const id = normalizeIdNumber(idNumber);
  if (idType === 'ID_CARD' || id.length >= 15) return maskIdNo(id);
  if (id.length < 6) return '*'.repeat(id.length);
  return `${id[0]}${'*'.repeat(id.length - 3)}${id.slice(-2)}`;
}

// ── names, phones, dates ──────────────────────────────────────────────────────────────────────
export const NAME_MAX = 50;
const NAME_RE = /^[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaffA-Za-z·. -]+$/;

export function nameError(raw: string): string | null {
  const name = normalizeName(raw);
  if (name === '') return '请填写姓名';
  const length = Array.from(name).length;
  if (length < 2) return '姓名至少 2 个字';
  if (length > NAME_MAX) return `姓名不能超过 ${NAME_MAX} 个字`;
  if (!NAME_RE.test(name)) return '姓名只能包含汉字、字母、间隔号（·）和空格，请与证件上的姓名一致';
  if (/^[·. -]|[·. -]$/.test(name)) return '姓名的开头和结尾不能是符号';
  return null;
}

export function isMainlandMobile(raw: string): boolean {
  return /^1[3-9]\d{9}$/.test(normalizeMobile(raw));
}

export function phoneError(raw: string): string | null {
  if (raw.trim() === '') return '请填写手机号码';
  return isMainlandMobile(raw) ? null : '请填写 11 位中国大陆手机号码（1 开头）';
}

export function birthDateError(raw: string, now: Date = new Date()): string | null {
  if (raw.trim() === '') return '请选择出生日期';
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(raw.trim());
  if (!m || !validYmd(Number(m[1]), Number(m[2]), Number(m[3]), now)) return '出生日期不正确（格式如 1980-01-31，且不能晚于今天）';
  return null;
}

/** Whole years between a birth date (YYYY-MM-DD) and today in China. */
export function ageOn(birthDate: string, now: Date = new Date()): number {
  const [y, m, d] = birthDate.split('-').map(Number) as [number, number, number];
  const t = chinaToday(now);
  return t.y - y - (t.m < m || (t.m === m && t.d < d) ? 1 : 0);
}

// ── requests ──────────────────────────────────────────────────────────────────────────────────
const SELF_BY_HAND = '本人信息将在授权医保电子凭证后自动添加，请选择与您的其他关系';

/** The create form as the client holds it (strings; empty = not filled). */
export interface PatientForm {
  name: string;
  idType: IdType;
  idNumber: string;
  phone: string;
  relationship: Relationship | '';
  isDefault?: boolean;
  /** Only for certificates other than the resident ID. */
  birthDate?: string;
  gender?: Gender | '';
}

const text = z.string({ error: '格式不正确，应为文本' }).max(200, '内容过长').default('');

/**
 * POST /api/v1/patients. Every field is checked on its own (all problems at once, each on its
 * field); the output is normalized (trimmed name, upper-case certificate number, bare mobile).
 */
export const PatientCreateSchema = z
  .strictObject(
    {
    name: text,
    idType: z.enum(ID_TYPES, { error: '请选择证件类型' }).default('ID_CARD'),
    idNumber: text,
    phone: text,
    relationship: z.union([z.enum(RELATIONSHIPS), z.literal('')], { error: '请选择与您的关系' }).default(''),
    isDefault: z.boolean({ error: '格式不正确，应为是或否' }).default(false),
    birthDate: text,
    gender: z.union([z.enum(GENDERS), z.literal('')], { error: '请选择性别' }).default(''),
    },
    { error: (iss) => (iss.code === 'unrecognized_keys' ? `包含不支持的字段：${iss.keys.join('、')}` : undefined) },
  )
  .superRefine((v, ctx) => {
    const add = (path: string, message: string | null) => {
      if (message) ctx.addIssue({ code: 'custom', path: [path], message });
    };
    add('name', nameError(v.name));
    add('idNumber', idNumberError(v.idType, v.idNumber));
    add('phone', phoneError(v.phone));
    if (v.relationship === '') add('relationship', '请选择与您的关系');
    else if (v.relationship === 'SELF') add('relationship', SELF_BY_HAND);
    if (v.idType !== 'ID_CARD') {
      add('birthDate', birthDateError(v.birthDate));
      if (v.gender !== 'MALE' && v.gender !== 'FEMALE') add('gender', '请选择性别');
    }
  })
  .transform((v) => {
    const idNumber = normalizeIdNumber(v.idNumber);
    const facts = v.idType === 'ID_CARD' ? idCardFacts(idNumber) : { birthDate: v.birthDate.trim(), gender: v.gender as 'MALE' | 'FEMALE' };
    return {
      name: normalizeName(v.name),
      idType: v.idType,
      idNumber,
      phone: normalizeMobile(v.phone),
      relationship: v.relationship as ManualRelationship,
      isDefault: v.isDefault,
      birthDate: facts.birthDate,
      gender: facts.gender,
    };
  });
export type PatientCreateRequest = z.input<typeof PatientCreateSchema>;
export type PatientCreateInput = z.output<typeof PatientCreateSchema>;

/**
 * PATCH /api/v1/patients/:id. Omitted fields stay as they are. The certificate cannot change
 * (delete and add the person again); a SELF patient's name comes from the e-voucher.
 */
export const PatientUpdateSchema = z
  .strictObject(
    {
    name: z.string({ error: '格式不正确，应为文本' }).max(200, '内容过长').optional(),
    phone: z.string({ error: '格式不正确，应为文本' }).max(200, '内容过长').optional(),
    relationship: z.enum(RELATIONSHIPS, { error: '请选择与您的关系' }).optional(),
    isDefault: z.boolean({ error: '格式不正确，应为是或否' }).optional(),
    },
    {
      error: (iss) =>
        iss.code === 'unrecognized_keys' ? `不能修改的字段：${iss.keys.join('、')}（证件类型和号码不能修改，如有错误请删除该就诊人后重新添加）` : undefined,
    },
  )
  .superRefine((v, ctx) => {
    const add = (path: string, message: string | null) => {
      if (message) ctx.addIssue({ code: 'custom', path: [path], message });
    };
    if (v.name !== undefined) add('name', nameError(v.name));
    if (v.phone !== undefined) add('phone', phoneError(v.phone));
    if (v.relationship === 'SELF') add('relationship', SELF_BY_HAND);
    if (v.name === undefined && v.phone === undefined && v.relationship === undefined && v.isDefault === undefined) {
      ctx.addIssue({ code: 'custom', path: [], message: '没有需要修改的内容' });
    }
  })
  .transform((v) => ({
    ...(v.name !== undefined ? { name: normalizeName(v.name) } : {}),
    ...(v.phone !== undefined ? { phone: normalizeMobile(v.phone) } : {}),
    ...(v.relationship !== undefined ? { relationship: v.relationship as ManualRelationship } : {}),
    ...(v.isDefault !== undefined ? { isDefault: v.isDefault } : {}),
  }));
export type PatientUpdateRequest = z.input<typeof PatientUpdateSchema>;
export type PatientUpdateInput = z.output<typeof PatientUpdateSchema>;

export const PatientIdParamsSchema = z.object({ id: z.string().regex(/^[0-9a-f-]{36}$/i, '就诊人编号不正确') });

// ── responses (masked only) ───────────────────────────────────────────────────────────────────
export const PatientSchema = z.object({
  id: z.string(),
  relationship: z.enum(RELATIONSHIPS),
  nameMasked: z.string(),
  idType: z.enum(ID_TYPES),
  idNumberMasked: z.string(),
  phoneMasked: z.string().nullable(),
  gender: z.enum(GENDERS),
  /** Whole years today; the full birth date is not sent (the masked number hides it too). */
  age: z.number().int().nullable(),
  isDefault: z.boolean(),
  /** SELF: created from the e-voucher authorization; name and certificate are not editable. */
  fromVoucher: z.boolean(),
  createdAt: z.string(),
});
export type Patient = z.infer<typeof PatientSchema>;

export const PatientListResponseSchema = z.object({
  items: z.array(PatientSchema),
  /** How many 就诊人 one account may keep (a setting). */
  limit: z.number().int(),
});
export type PatientListResponse = z.infer<typeof PatientListResponseSchema>;

export const PatientDeleteResponseSchema = z.object({ id: z.string(), deleted: z.literal(true) });
export type PatientDeleteResponse = z.infer<typeof PatientDeleteResponseSchema>;

// ── client helper ─────────────────────────────────────────────────────────────────────────────
/** Field → Chinese message for a form (first problem per field), {} when it can be sent. */
export function fieldErrors(schema: z.ZodType, value: unknown): Record<string, string> {
  const result = schema.safeParse(value);
  if (result.success) return {};
  const out: Record<string, string> = {};
  for (const issue of result.error.issues) {
    const key = issue.path.map(String).join('.') || '_';
    out[key] ??= issue.message;
  }
  return out;
}

/** The create form's problems, checked exactly as the BFF checks them. */
export function patientFormErrors(form: PatientForm): Record<string, string> {
  return fieldErrors(PatientCreateSchema, form);
}
