/**
 * Channel sign-in (WeChat, Alipay, national insurance APP) and the e-voucher (医保电子凭证)
 * authorization: /api/v1/auth/{wechat,alipay,national-app}/* and /api/v1/voucher/*.
 *
 * Rules (rules 13–16, seed 003 附件1-5 items 1, 4, 5, 6, 7):
 * - The authorization is asked for right before paying (purpose PAYMENT) and again for an online
 *   refund (REFUND). The BFF keeps pay_auth_no server-side only; nothing here ever carries it.
 * - Self only: the authorized person must be the patient, unless the platform marks a family
 *   (亲情) authorization for that patient; then the authorizer is shown (masked).
 * - A voucher that is not activated → INSURANCE_VOUCHER_NOT_ACTIVATED: the client shows the
 *   activation guide (ACTIVATION_CHANNELS); self-pay stays possible.
 * - Suspended internet insurance payment → INSURANCE_PAY_SUSPENDED: self-pay only.
 * - Cancelling (or coming back without a code) → `{status: 'cancelled'}`: nothing changed, nothing charged.
 * Everything identifying is masked (张*国, 640***********0131).
 */
import { z } from 'zod';
import { MeResponseSchema, SessionTokensSchema } from './auth';
import { ID_TYPES, RELATIONSHIPS } from './patients';

// ── enumerations ─────────────────────────────────────────────────────────────────────────────
export const VOUCHER_PURPOSES = ['PAYMENT', 'REFUND'] as const;
export type VoucherPurpose = (typeof VOUCHER_PURPOSES)[number];
export const VOUCHER_PURPOSE_LABELS: Record<VoucherPurpose, string> = { PAYMENT: '医保支付', REFUND: '医保退款' };

/** Authorization channels (same names as the database enum AuthChannel). */
export const VOUCHER_CHANNELS = ['WECHAT', 'ALIPAY', 'NHSA_APP'] as const;
export type VoucherChannel = (typeof VOUCHER_CHANNELS)[number];
export const VOUCHER_CHANNEL_LABELS: Record<VoucherChannel, string> = {
  WECHAT: '微信',
  ALIPAY: '支付宝',
  NHSA_APP: '国家医保服务平台 APP',
};

/** 险种 insutype → what users call it: 职工医保 (310 and the other employee schemes 3xx) or 居民医保 (39x). */
export function insutypeLabel(insutype: string | null | undefined): string {
  if (!insutype) return '未知险种';
  if (insutype.startsWith('39')) return '城乡居民医保';
  if (insutype.startsWith('3')) return '职工医保';
  return '其他险种';
}

/** What the national rules require the authorization page to say (附件1-5 item 5): what is shared and why. */
export const VOUCHER_SHARED_FIELDS = [
  '姓名（脱敏显示）',
  '证件类型及证件号码（脱敏显示）',
  '医保参保信息：险种、参保地',
  '医保电子凭证状态（是否激活）',
] as const;

// ── sign-in ──────────────────────────────────────────────────────────────────────────────────
const code = (what: string) =>
  z
    .string({ error: `缺少${what}，请重新登录` })
    .trim()
    .min(1, `缺少${what}，请重新登录`)
    .max(256, `${what}格式不正确`)
    .regex(/^[A-Za-z0-9_\-.]+$/, `${what}格式不正确`);

/** POST /auth/wechat/login: the code of Taro.login (wx.login). */
export const WechatLoginRequestSchema = z.object({ code: code('微信登录凭证') });
export type WechatLoginRequest = z.infer<typeof WechatLoginRequestSchema>;

/** POST /auth/alipay/login: the auth code of my.getAuthCode. */
export const AlipayLoginRequestSchema = z.object({ authCode: code('支付宝授权码') });
export type AlipayLoginRequest = z.infer<typeof AlipayLoginRequestSchema>;

/** POST /auth/national-app/handoff: the one-time code the callback put in the H5 address. */
export const NationalAppHandoffRequestSchema = z.object({ handoff: code('登录结果') });
export type NationalAppHandoffRequest = z.infer<typeof NationalAppHandoffRequestSchema>;

export const ChannelLoginResponseSchema = z.object({
  tokens: SessionTokensSchema,
  user: MeResponseSchema,
  /** True when this sign-in created the account. */
  isNewUser: z.boolean(),
  /** National APP: the H5 route to continue on (validated by the BFF), else null. */
  returnTo: z.string().nullable(),
});
export type ChannelLoginResponse = z.infer<typeof ChannelLoginResponseSchema>;

/**
 * A route inside the H5 to come back to after a redirect: a relative path of this app
 * ("/pages/…" with an optional query), never another origin. The BFF checks it again.
 */
export const RETURN_TO_RE = /^\/pages\/[A-Za-z0-9/_-]{1,120}(\?[A-Za-z0-9_\-.=&%]{0,300})?$/;
export function isSafeReturnTo(value: unknown): value is string {
  return typeof value === 'string' && RETURN_TO_RE.test(value) && !value.includes('//');
}

// ── authorization requests ──────────────────────────────────────────────────────────────────
const uuidLike = z.string().regex(/^[0-9a-f-]{36}$/i, '编号格式不正确');
const purpose = z.enum(VOUCHER_PURPOSES, { error: '授权用途只能是 PAYMENT 或 REFUND' });

/** Common fields: whose authorization (no patientId = the account owner, created from the voucher), why, for which order. */
const target = {
  patientId: uuidLike.optional(),
  purpose,
  orderId: uuidLike.optional(),
};

/**
 * POST /voucher/wechat. `authCode` from the insurance auth mini-program (referrerInfo.extraData);
 * absent or empty = the user came back without authorizing → `{status: 'cancelled'}`.
 */
export const WechatVoucherRequestSchema = z.object({
  ...target,
  authCode: z.string().trim().max(256, '授权码格式不正确').optional(),
});
export type WechatVoucherRequest = z.input<typeof WechatVoucherRequestSchema>;

/** POST /voucher/alipay: my.getAuthCode({scopes: ['auth_user', 'nhsamp']}). */
export const AlipayVoucherRequestSchema = z.object({
  ...target,
  authCode: z.string().trim().max(256, '授权码格式不正确').optional(),
});
export type AlipayVoucherRequest = z.input<typeof AlipayVoucherRequestSchema>;

/** POST /voucher/alipay/resume: back from Alipay's authorization page. */
export const AlipayVoucherResumeRequestSchema = z.object({ attemptId: code('授权编号') });
export type AlipayVoucherResumeRequest = z.infer<typeof AlipayVoucherResumeRequestSchema>;

/** POST /voucher/national-app/start → the APP's authorization page to open (H5). */
export const NationalAppVoucherStartRequestSchema = z.object({
  ...target,
  returnTo: z.string().refine(isSafeReturnTo, '返回页面地址不正确').optional(),
});
export type NationalAppVoucherStartRequest = z.input<typeof NationalAppVoucherStartRequestSchema>;
export const RedirectResponseSchema = z.object({ redirectUrl: z.string().url() });
export type RedirectResponse = z.infer<typeof RedirectResponseSchema>;

/** GET /voucher/wechat/launch → Taro.navigateToMiniProgram({appId, path, envVersion}). */
export const WechatVoucherLaunchSchema = z.object({
  appId: z.string(),
  /** Exactly as configured: orgChnlCrtfCodg is NOT URL-encoded (it may contain / + =). */
  path: z.string(),
  envVersion: z.enum(['release', 'trial', 'develop']),
});
export type WechatVoucherLaunch = z.infer<typeof WechatVoucherLaunchSchema>;

// ── results ──────────────────────────────────────────────────────────────────────────────────
export const InsuredSummarySchema = z.object({
  /** 险种 code (310, 390 …) and its label (职工医保 / 城乡居民医保). */
  insutype: z.string(),
  insutypeLabel: z.string(),
  /** 参保地 admdvs (6 digits) and name. */
  insuplcAdmdvs: z.string(),
  insuplcName: z.string().nullable(),
  voucherActivated: z.boolean(),
  /** Internet insurance payment suspended: self-pay only. */
  suspended: z.boolean(),
});
export type InsuredSummary = z.infer<typeof InsuredSummarySchema>;

export const VoucherIdentitySchema = z.object({
  patientId: z.string(),
  relationship: z.enum(RELATIONSHIPS),
  nameMasked: z.string(),
  idType: z.enum(ID_TYPES),
  idNumberMasked: z.string(),
});
export type VoucherIdentity = z.infer<typeof VoucherIdentitySchema>;

export const VoucherAuthorizedSchema = z.object({
  status: z.literal('authorized'),
  channel: z.enum(VOUCHER_CHANNELS),
  purpose,
  orderId: z.string().nullable(),
  identity: VoucherIdentitySchema,
  insured: InsuredSummarySchema.nullable(),
  /** A family (亲情) authorization: who authorized (masked). Null for the patient themself. */
  family: z.object({ authorizerNameMasked: z.string() }).nullable(),
  authorizedAt: z.string(),
  /** The authorization must be used before this (minutes). */
  expiresAt: z.string(),
});
export type VoucherAuthorized = z.infer<typeof VoucherAuthorizedSchema>;

/** Alipay: the user must confirm on Alipay's page (`authUrl`), then POST /voucher/alipay/resume {attemptId}. */
export const VoucherPendingSchema = z.object({
  status: z.literal('pending'),
  attemptId: z.string(),
  authUrl: z.string().url(),
  expiresAt: z.string(),
});
export type VoucherPending = z.infer<typeof VoucherPendingSchema>;

export const VoucherCancelledSchema = z.object({
  status: z.literal('cancelled'),
  /** 已取消授权，未扣费. */
  message: z.string(),
});
export type VoucherCancelled = z.infer<typeof VoucherCancelledSchema>;
export const VOUCHER_CANCELLED_MESSAGE = '您已取消医保授权，本次未扣费。可返回订单重新授权，或选择自费支付。';

export const VoucherResultSchema = z.discriminatedUnion('status', [VoucherAuthorizedSchema, VoucherPendingSchema, VoucherCancelledSchema]);
export type VoucherResult = z.infer<typeof VoucherResultSchema>;

/** GET /voucher/status[?patientId=]: my authorization state per 就诊人 (no secrets). */
export const VoucherPatientStatusSchema = z.object({
  identity: VoucherIdentitySchema,
  insured: InsuredSummarySchema.nullable(),
  lastAuthorization: z
    .object({
      channel: z.enum(VOUCHER_CHANNELS),
      purpose,
      authorizedAt: z.string(),
      expiresAt: z.string(),
      /** Still usable for one payment: not used, not superseded, not expired. */
      usable: z.boolean(),
      used: z.boolean(),
      family: z.object({ authorizerNameMasked: z.string() }).nullable(),
    })
    .nullable(),
});
export type VoucherPatientStatus = z.infer<typeof VoucherPatientStatusSchema>;
export const VoucherStatusResponseSchema = z.object({ items: z.array(VoucherPatientStatusSchema) });
export type VoucherStatusResponse = z.infer<typeof VoucherStatusResponseSchema>;

/** Codes after which the client offers the activation guide. */
export const VOUCHER_ACTIVATION_CODES = ['INSURANCE_VOUCHER_NOT_ACTIVATED'] as const;
/** Codes after which insurance is not possible this time and the client offers self-pay. */
export const VOUCHER_SELF_PAY_CODES = ['INSURANCE_VOUCHER_NOT_ACTIVATED', 'INSURANCE_PAY_SUSPENDED', 'INSURANCE_NOT_INSURED'] as const;

// ── activation guide (seed 004: channels and steps) ──────────────────────────────────────────
export interface ActivationChannel {
  key: string;
  name: string;
  /** Where to find the entry. */
  entry: string;
  steps: readonly string[];
}

/**
 * 医保电子凭证 activation channels and steps (seed 004, 附件1–2: 国家医保服务平台 APP, 微信,
 * 支付宝, and the partner banks' mobile APPs).
 */
export const ACTIVATION_CHANNELS: readonly ActivationChannel[] = [
  {
    key: 'nhsa_app',
    name: '国家医保服务平台 APP',
    entry: '在手机应用商店搜索「国家医保服务平台」下载安装',
    steps: ['下载并安装国家医保服务平台 APP', '用本人姓名和身份证号注册并完成验证', '登录后在首页激活「医保电子凭证」'],
  },
  {
    key: 'wechat',
    name: '微信',
    entry: '医保局公众号或小程序、微信「城市服务」或「腾讯健康」中的医保电子凭证入口',
    steps: ['从医保电子凭证入口进入激活流程', '授权身份信息并完成人脸识别', '完成签发，建议设置医保电子凭证密码'],
  },
  {
    key: 'alipay',
    name: '支付宝',
    entry: '支付宝「市民中心」，或在支付宝搜索「医保电子凭证」',
    steps: ['进入医保电子凭证服务介绍页', '刷脸授权并完成刷脸认证', '完成激活，凭证放入卡包，建议设置密码'],
  },
  {
    key: 'bank',
    name: '合作银行手机银行 APP',
    entry:
      '工商银行、光大银行、华夏银行、建设银行、交通银行、民生银行、农业银行、浦发银行、兴业银行、邮储银行、招商银行、中国银行、中信银行手机银行，或云闪付 APP',
    steps: ['登录手机银行，在「生活」或「医疗」中找到「医保电子凭证」', '阅读并同意用户协议，完成人脸识别', '确认医保信息、选择参保地并设置凭证密码，激活成功'],
  },
];

// ── H5 pages the BFF redirects to (hash router: <PUBLIC_BASE_URL>/#<route>?<query>) ───────────
/**
 * Where the national-APP round trips land in the H5. Query parameters:
 * - login: `handoff` (one-time code → POST /auth/national-app/handoff), or `error` (a code),
 *   or `cancelled=1`.
 * - voucherResult: `outcome` (authorized | cancelled | failed), `channel`, `purpose`,
 *   `patientId`, `orderId`, `code` (failed), `returnTo`.
 */
export const H5_ROUTES = {
  login: '/pages/auth/login/index',
  voucherResult: '/pages/auth/voucher-result/index',
} as const;

export const VOUCHER_OUTCOMES = ['authorized', 'cancelled', 'failed'] as const;
export type VoucherOutcome = (typeof VOUCHER_OUTCOMES)[number];
