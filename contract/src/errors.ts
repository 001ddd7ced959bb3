/**
 * Stable error codes shared by the BFF (which answers them) and the client (which shows them).
 * Codes never change meaning once published; the Chinese message says what the user can do.
 * Every BFF error body is `{ code, message, requestId }` (see ApiErrorBody).
 */
import { z } from 'zod';

export const ERROR_CATALOG = {
  // 4xx: the request was wrong; nothing was changed.
  VALIDATION_FAILED: { status: 400, message: '填写的信息有误，请按提示修改后重试' },
  BAD_JSON: { status: 400, message: '请求格式有误，请刷新页面后重试' },
  BAD_REQUEST: { status: 400, message: '请求有误，请刷新页面后重试' },
  UNAUTHENTICATED: { status: 401, message: '登录已过期，请重新登录' },
  FORBIDDEN: { status: 403, message: '您没有权限进行此操作' },
  NOT_FOUND: { status: 404, message: '请求的内容不存在或已被删除' },
  METHOD_NOT_ALLOWED: { status: 405, message: '不支持的操作' },
  CONFLICT: { status: 409, message: '数据已发生变化，请刷新后重试' },
  PAYLOAD_TOO_LARGE: { status: 413, message: '提交的内容过大，请减少内容或压缩图片后重试' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: '不支持的内容格式' },
  RATE_LIMITED: { status: 429, message: '操作过于频繁，请稍后再试' },
  // 5xx: our side or an outside platform failed; the user may retry later.
  INTERNAL: { status: 500, message: '系统繁忙，请稍后重试' },
  DB_UNAVAILABLE: { status: 503, message: '服务暂时不可用，请稍后重试' },
  /** The BFF's own time limit for one request (REQUEST_TIMEOUT_MS); the work may still finish. */
  REQUEST_TIMEOUT: { status: 503, message: '服务处理超时，请稍后查看结果，请勿重复提交' },
  UPSTREAM_UNAVAILABLE: { status: 502, message: '医保或支付平台暂时无法连接，请稍后重试' },
  UPSTREAM_TIMEOUT: { status: 504, message: '医保或支付平台响应超时，请稍后查看结果，请勿重复支付' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERROR_CATALOG;
export const ERROR_CODES = Object.keys(ERROR_CATALOG) as ErrorCode[];

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(ERROR_CATALOG, value);
}

/** Field-level problems for forms: path like "patient.idNo", a Chinese message. */
export const FieldIssueSchema = z.object({ path: z.string(), message: z.string() });
export type FieldIssue = z.infer<typeof FieldIssueSchema>;

export const ApiErrorBodySchema = z.object({
  code: z.string(),
  message: z.string(),
  requestId: z.string().optional(),
  fields: z.array(FieldIssueSchema).optional(),
});
export type ApiErrorBody = z.infer<typeof ApiErrorBodySchema>;

/** The Chinese message for a code; unknown codes (e.g. from a newer BFF) get the generic one. */
export function messageForCode(code: string): string {
  return isErrorCode(code) ? ERROR_CATALOG[code].message : ERROR_CATALOG.INTERNAL.message;
}
