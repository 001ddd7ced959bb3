/**
 * Sessions and sign-in (/api/v1/auth/*), shared by the BFF and the client.
 *
 * A sign-in returns an opaque access token (short-lived, sent as `Authorization: Bearer …`) and
 * a refresh token (long-lived, single use: every refresh returns a new pair, and presenting an
 * already used refresh token ends the whole session). Tokens are random strings, not JWTs: the
 * BFF keeps only keyed hashes and checks every request against the database, so sign-out takes
 * effect at once.
 */
import { z } from 'zod';

export const USER_ROLES = ['PATIENT', 'DOCTOR', 'PHARMACIST', 'ADMIN'] as const;
export type UserRole = (typeof USER_ROLES)[number];
export const STAFF_ROLES = ['DOCTOR', 'PHARMACIST'] as const satisfies readonly UserRole[];

export const ROLE_LABELS: Record<UserRole, string> = {
  PATIENT: '患者',
  DOCTOR: '医生',
  PHARMACIST: '药师',
  ADMIN: '管理员',
};

/** Where a session was opened (the client build). */
export const CLIENT_CHANNELS = ['WEAPP', 'ALIPAY', 'H5'] as const;
export type ClientChannel = (typeof CLIENT_CHANNELS)[number];

/** Request header naming the client build: weapp | alipay | h5 (sent by the client's request layer). */
export const CLIENT_PLATFORM_HEADER = 'x-client-platform';
export const CHANNEL_BY_PLATFORM: Record<string, ClientChannel> = { weapp: 'WEAPP', alipay: 'ALIPAY', h5: 'H5' };

// ── requests ──────────────────────────────────────────────────────────────────────────────────
export const StaffLoginRequestSchema = z.object({
  username: z.string({ error: '请输入账号' }).trim().min(1, '请输入账号').max(64, '账号不能超过 64 个字符'),
  password: z.string({ error: '请输入密码' }).min(1, '请输入密码').max(128, '密码不能超过 128 个字符'),
});
export type StaffLoginRequest = z.input<typeof StaffLoginRequestSchema>;

export const RefreshRequestSchema = z.object({
  refreshToken: z.string({ error: '缺少登录凭据，请重新登录' }).min(1, '缺少登录凭据，请重新登录').max(256, '登录凭据格式不正确'),
});
export type RefreshRequest = z.infer<typeof RefreshRequestSchema>;

// ── responses ─────────────────────────────────────────────────────────────────────────────────
export const SessionTokensSchema = z.object({
  tokenType: z.literal('Bearer'),
  accessToken: z.string().min(1),
  /** ISO time the access token stops working (refresh before or on SESSION_EXPIRED). */
  accessExpiresAt: z.string(),
  refreshToken: z.string().min(1),
  /** ISO time after which the session cannot be renewed (sign in again). */
  refreshExpiresAt: z.string(),
});
export type SessionTokens = z.infer<typeof SessionTokensSchema>;

/** GET /api/v1/auth/me: who is signed in, with masked display data only. */
export const MeResponseSchema = z.object({
  id: z.string(),
  role: z.enum(USER_ROLES),
  roleLabel: z.string(),
  /** Masked (张*明 / 138****0001); never a full name or number. */
  displayName: z.string(),
  sessionId: z.string(),
  channel: z.enum(CLIENT_CHANNELS),
  patient: z
    .object({
      phoneMasked: z.string().nullable(),
      /** The account owner's own 就诊人 (from the e-voucher authorization), masked; null until authorized. */
      selfNameMasked: z.string().nullable(),
    })
    .nullable(),
  staff: z
    .object({
      nameMasked: z.string(),
      hospitalName: z.string().nullable(),
      departmentName: z.string().nullable(),
      title: z.string().nullable(),
    })
    .nullable(),
});
export type MeResponse = z.infer<typeof MeResponseSchema>;

export const StaffLoginResponseSchema = z.object({ tokens: SessionTokensSchema, user: MeResponseSchema });
export type StaffLoginResponse = z.infer<typeof StaffLoginResponseSchema>;

export const RefreshResponseSchema = z.object({ tokens: SessionTokensSchema });
export type RefreshResponse = z.infer<typeof RefreshResponseSchema>;

export const LogoutResponseSchema = z.object({ revokedSessions: z.number().int() });
export type LogoutResponse = z.infer<typeof LogoutResponseSchema>;

/** Staff display titles (doctors' professional titles). */
export const DOCTOR_TITLE_LABELS: Record<string, string> = {
  CHIEF_PHYSICIAN: '主任医师',
  ASSOCIATE_CHIEF_PHYSICIAN: '副主任医师',
  ATTENDING_PHYSICIAN: '主治医师',
  RESIDENT_PHYSICIAN: '住院医师',
};
