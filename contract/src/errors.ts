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
  // Sessions and sign-in (contract/src/auth.ts). The client refreshes on SESSION_EXPIRED by itself.
  SESSION_EXPIRED: { status: 401, message: '登录已过期，请重新登录' },
  SESSION_REVOKED: { status: 401, message: '登录已失效（可能已在其他设备退出登录），请重新登录' },
  INVALID_CREDENTIALS: { status: 401, message: '账号或密码错误，请核对后重试。连续输错多次，账号将被暂时锁定' },
  ACCOUNT_LOCKED: { status: 423, message: '密码连续输错次数过多，账号已暂时锁定，请稍后再试，或联系医院信息科解锁' },
  ACCOUNT_DISABLED: { status: 403, message: '账号已停用，请联系医院信息科' },
  // 就诊人 (contract/src/patients.ts).
  PATIENT_DUPLICATE: { status: 409, message: '该证件号码的就诊人已添加，无需重复添加，可在就诊人列表中查看' },
  PATIENT_LIMIT_REACHED: { status: 409, message: '就诊人数量已达上限，请先删除不再需要的就诊人再添加' },
  PATIENT_HAS_OPEN_ORDERS: { status: 409, message: '该就诊人还有待支付或退款中的订单，请先支付、取消订单或等待退款完成后再删除' },
  PATIENT_SELF_UNDELETABLE: { status: 409, message: '本人信息来自医保电子凭证授权，不能删除；如需更换本人，请联系客服' },
  SELF_IDENTITY_CONFLICT: { status: 409, message: '授权的医保电子凭证与本账号已登记的本人信息不一致，请使用本人的医保电子凭证授权' },
  // Insurance authorization and payment channels (the platform adapters map their typed errors here).
  WECHAT_LOGIN_FAILED: { status: 401, message: '微信登录失败，请关闭小程序后重新进入' },
  INSURANCE_AUTH_INVALID: { status: 409, message: '医保授权已失效，请重新授权后再支付' },
  INSURANCE_VOUCHER_NOT_ACTIVATED: { status: 409, message: '您的医保电子凭证尚未激活或未绑定，请先激活医保电子凭证后再使用医保支付' },
  INSURANCE_NOT_INSURED: { status: 409, message: '未查询到有效的医保参保信息，本次可使用自费支付' },
  INSURANCE_IDENTITY_MISMATCH: { status: 409, message: '医保电子凭证的实名信息与就诊人不一致，请使用就诊人本人的医保电子凭证授权，或使用亲情账户授权' },
  INSURANCE_FAMILY_NOT_BOUND: { status: 409, message: '未查询到亲情账户关系，请先在国家医保服务平台或当地医保小程序绑定亲情账户' },
  INSURANCE_PAY_SUSPENDED: { status: 409, message: '您的医保互联网支付已暂停，本次请使用自费支付，或到医保经办机构咨询' },
  INSURANCE_SETTLEMENT_FAILED: { status: 502, message: '医保结算校验未通过，本次未扣费，请稍后重试或联系医院' },
  PAYMENT_AMOUNT_MISMATCH: { status: 502, message: '支付金额核对不一致，订单已暂停处理，请勿重复支付，医院将尽快核实' },
  ALIPAY_LOGIN_FAILED: { status: 401, message: '支付宝授权已失效，请关闭小程序后重新进入' },
  INSURANCE_AUTH_CANCELLED: { status: 409, message: '您已取消医保授权，可返回订单重新授权，或选择自费支付' },
  PAYMENT_ALREADY_PAID: { status: 409, message: '该订单已支付，请勿重复支付，可在订单详情查看支付结果' },
  PAYMENT_ORDER_CLOSED: { status: 409, message: '支付单已关闭或已失效，请返回订单重新发起支付' },
  PAYMENT_REFUND_REJECTED: { status: 409, message: '退款暂未受理（金额或订单状态不符），医院将尽快核实处理' },
  HIS_UNAVAILABLE: { status: 502, message: '医院系统暂时无法查询，请稍后重试' },
  /** The hospital's HIS did not answer in time (offline visits for the re-visit check). */
  HIS_TIMEOUT: { status: 504, message: '医院系统响应超时，暂时无法核对线下就诊记录，请稍后重试' },
  // Channel sign-in and e-voucher authorization (contract/src/voucher.ts).
  /** A sign-in code (wx.login / my.getAuthCode / national APP) that is invalid or past its few minutes. */
  LOGIN_CODE_EXPIRED: { status: 401, message: '登录凭证无效或已过期，请重新登录' },
  /** A sign-in code presented a second time. */
  LOGIN_CODE_USED: { status: 401, message: '登录凭证已使用过，请重新登录' },
  /** National APP sign-in with a family member's voucher: sign-in is for the APP user themself. */
  LOGIN_SELF_ONLY: { status: 409, message: '登录时请选择本人的医保电子凭证授权，不能使用亲情账户登录' },
  /** The one-time code the H5 swaps for its session is unknown, used, expired or from another browser. */
  LOGIN_HANDOFF_INVALID: { status: 401, message: '登录结果已失效，请重新登录' },
  /** A redirect came back with a state we did not hand out, that expired, or from another browser. */
  AUTH_STATE_INVALID: { status: 400, message: '授权请求已失效或与当前页面不匹配，请返回重新发起' },
  /** A redirect came back a second time with a state that was already used. */
  AUTH_STATE_USED: { status: 409, message: '该授权结果已处理过，请勿重复提交，如需授权请重新发起' },
  INSURANCE_AUTH_CODE_EXPIRED: { status: 409, message: '医保授权已超时，请重新授权，本次未扣费' },
  INSURANCE_AUTH_CODE_USED: { status: 409, message: '该医保授权已使用过，请重新授权，本次未扣费' },
  /** The authorization channel does not belong to how the user signed in (e.g. WeChat authorization for an Alipay account). */
  VOUCHER_CHANNEL_MISMATCH: { status: 409, message: '当前登录方式不支持此授权渠道，请在登录所用的小程序或 APP 中授权医保电子凭证' },
  /** The Alipay account that authorized is not the one signed in. */
  ALIPAY_ACCOUNT_MISMATCH: { status: 409, message: '授权的支付宝账号与当前登录账号不一致，请使用登录时的支付宝账号授权' },
  /** The platform (or our configuration of it) cannot do this right now. */
  CHANNEL_NOT_CONFIGURED: { status: 503, message: '该渠道的医保服务暂未开通，请使用其他方式或稍后再试' },
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
