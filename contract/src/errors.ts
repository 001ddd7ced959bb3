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
  // Consultations (CONSULT-BFF; contract/src/consult.ts).
  CONSULTATION_NOT_ELIGIBLE: { status: 409, message: '根据复诊规则，本次不能在线问诊，请返回查看原因，选择其他诊断或医生，或到医院线下就诊' },
  CONSULTATION_SELF_PAY_NOT_CONFIRMED: { status: 409, message: '本次问诊医保不予支付，需要全部自费，请确认自费后再提交' },
  CONSULTATION_ALREADY_OPEN: { status: 409, message: '您已为该就诊人向这位医生发起了问诊，请在“问诊”列表中继续，无需重复发起' },
  CONSULTATION_REQUEST_KEY_REUSED: { status: 409, message: '提交的内容与之前的请求不一致，请刷新页面后重新提交' },
  CONSULTATION_NOT_CANCELLABLE: { status: 409, message: '医生已接诊或问诊已结束，不能取消；如有疑问请联系医院' },
  CONSULTATION_CLOSED: { status: 409, message: '问诊已结束或已取消，不能再发送消息' },
  CONSULTATION_NOT_ACCEPTED: { status: 409, message: '请先接诊，再回复患者' },
  CONSULTATION_ALREADY_ACCEPTED: { status: 409, message: '该问诊已被其他医生接诊，请刷新列表' },
  CONSULTATION_STATE_CHANGED: { status: 409, message: '问诊状态已变化，请刷新后查看' },
  CONSULTATION_IMAGE_LIMIT: { status: 409, message: '每次问诊最多上传 9 张图片' },
  CONSULTATION_ORDER_FAILED: { status: 503, message: '订单暂时无法创建，问诊未生效、未扣费，请稍后重试' },
  DOCTOR_CANNOT_ACCEPT: { status: 403, message: '您当前不能接诊该问诊（需实名认证、具备互联网诊疗资格且执业状态正常；医保问诊还需登记为医保医师）' },
  // Uploads (CONSULT-BFF; contract/src/files.ts).
  FILE_MISSING: { status: 400, message: '请选择要上传的文件' },
  FILE_TOO_LARGE: { status: 413, message: '文件过大，请压缩图片或选择较小的文件后重试' },
  FILE_TYPE_NOT_ALLOWED: { status: 415, message: '不支持该文件类型，请上传 JPG、PNG、WEBP、HEIC 格式的图片（申请材料也可上传 PDF）' },
  FILE_TYPE_MISMATCH: { status: 415, message: '文件内容与文件类型不符，请重新选择原始图片或文件后上传' },
  FILE_DAMAGED: { status: 415, message: '图片已损坏或无法识别，请重新拍摄或选择其他图片后上传' },
  FILE_NOT_USABLE: { status: 409, message: '图片已失效或已被使用，请重新上传' },
  FILE_LINK_EXPIRED: { status: 403, message: '文件链接已过期，请刷新页面后查看' },
  FILE_UPLOAD_LIMIT: { status: 429, message: '上传的文件过多，请稍后再试' },
  // ── ORDER-BFF: orders, cashier, payments, refunds, addresses ──
  ORDER_NOT_PAYABLE: { status: 409, message: '订单当前状态不能支付，请返回订单详情查看' },
  ORDER_FULFILMENT_REQUIRED: { status: 409, message: '请先选择取药方式（到院自取或配送到家）后再支付' },
  ORDER_FULFILMENT_LOCKED: { status: 409, message: '订单已进入支付，不能再修改取药方式；如需修改，请等待订单关闭后重新下单' },
  ORDER_ACCOUNT_NOT_ALLOWED: { status: 409, message: '个人账户支付仅限职工医保参保人使用，本次请不使用个人账户' },
  ORDER_CHANNEL_UNAVAILABLE: { status: 409, message: '当前使用的小程序或 APP 不支持该支付方式，请选择页面上提供的支付方式' },
  ORDER_PAYMENT_IN_PROGRESS: { status: 409, message: '支付正在处理中，请稍候在订单详情查看结果，请勿重复支付' },
  ORDER_UNDER_REVIEW: { status: 409, message: '订单正在由医院核对，暂不能继续操作，核对完成后会通知您；如有疑问请联系医院' },
  ORDER_REFUND_NOT_ALLOWED: { status: 409, message: '该订单当前不能申请退款（未支付、已退款或正在退款），请在订单详情查看' },
  ORDER_REFUND_IN_PROGRESS: { status: 409, message: '该订单已有退款申请正在处理，请勿重复申请' },
  ORDER_REFUND_USE_CANCEL: { status: 409, message: '问诊费的退款请在问诊页取消问诊，未接诊的问诊取消后自动退款' },
  ORDER_PRESCRIPTION_NOT_PAYABLE: { status: 409, message: '该处方尚未审核通过或已失效，暂不能支付，请联系医生' },
  ADDRESS_LIMIT_REACHED: { status: 409, message: '收货地址数量已达上限，请先删除不用的地址' },
  // 医保自助经办 (contract/src/selfService.ts; SELF-BFF).
  SELF_SERVICE_ITEM_NOT_FOUND: { status: 404, message: '未找到该办事事项，请返回办事大厅重新选择' },
  /** The item is offline-only / a query / a guide: no online application. */
  SELF_SERVICE_NOT_ONLINE: { status: 409, message: '该事项暂不能在线申请，请按页面上的办理指引准备材料，到医保经办窗口办理' },
  SELF_SERVICE_DUPLICATE_OPEN: { status: 409, message: '该就诊人已有一笔同类申请正在办理中，请在“我的申请”中查看进度，办结后再申请' },
  SELF_SERVICE_REQUEST_KEY_REUSED: { status: 409, message: '该提交编号已用于另一笔申请，请返回重新填写后提交' },
  SELF_SERVICE_WITHDRAW_REFUSED: { status: 409, message: '经办机构已受理该申请，不能再撤回；如需变更，请联系参保地医保经办机构' },
  SELF_SERVICE_NOT_SUPPLEMENTABLE: { status: 409, message: '该申请当前不需要补正材料，请刷新查看最新进度' },
  SELF_SERVICE_READ_ONLY: { status: 403, message: '该申请由其他账号提交，您只能查看进度，如需操作请联系提交人' },
  SELF_SERVICE_FILING_ACTIVE: { status: 409, message: '您已有有效的异地就医备案，同一时间只能备案一个就医地；如需更换，请先取消原备案' },
  SELF_SERVICE_FILING_LOCKED: { status: 409, message: '长期异地就医备案生效未满规定期限，备案原因未变化的不能变更或取消，请到期后再办理，或咨询参保地医保经办机构' },
  SELF_SERVICE_FILING_NOT_ACTIVE: { status: 409, message: '该备案已取消或已过期，无需再取消' },
  SELF_SERVICE_ALREADY_RECOGNIZED: { status: 409, message: '该就诊人的此病种已认定，无需重复申请，可直接在线复诊' },
  /** The agency does not know the person as insured (queries, certificate). */
  SELF_SERVICE_NOT_INSURED: { status: 409, message: '未查询到有效的参保信息，请核对就诊人信息，或到参保地医保经办机构咨询' },
  AGENCY_UNAVAILABLE: { status: 502, message: '医保经办系统暂时无法连接，请稍后重试' },
  AGENCY_TIMEOUT: { status: 504, message: '医保经办系统响应超时，请稍后查看办理进度，请勿重复提交' },
  // ── RX-BFF: diagnosis, e-prescriptions, signatures, pharmacist review (contract/src/prescription.ts) ──
  PRESCRIPTION_CONSULTATION_NOT_ACTIVE: { status: 409, message: '只能在您已接诊、正在进行中的问诊里下诊断和开处方，请刷新问诊状态' },
  PRESCRIPTION_DIAGNOSIS_REQUIRED: { status: 409, message: '请先从病种目录中选择诊断，再开具处方' },
  PRESCRIPTION_DISEASE_NOT_AVAILABLE: { status: 409, message: '该病种不在互联网诊疗病种目录中或已停用，请选择目录内的病种；不适合线上复诊的请建议患者到医院就诊' },
  PRESCRIPTION_DRUG_NOT_FOUND: { status: 409, message: '药品不在本院药品目录中或已停用，请从药品目录中重新选择' },
  PRESCRIPTION_DRUG_UNFIT_FOR_INTERNET: { status: 409, message: '该药品不适用于互联网复诊处方，不能在线开具，请更换药品或建议患者到医院线下就诊' },
  PRESCRIPTION_DRUG_DUPLICATE: { status: 409, message: '同一种药品在处方中重复出现，请合并为一行' },
  PRESCRIPTION_DAYS_EXCEEDED: { status: 409, message: '用药天数超过了互联网复诊处方的上限，请减少天数或数量' },
  PRESCRIPTION_QUANTITY_EXCEEDED: { status: 409, message: '开具数量超过了用药天数所需或处方上限，请核对数量' },
  PRESCRIPTION_NOT_EDITABLE: { status: 409, message: '处方已提交审核或已生效，不能直接修改；审核通过后如需修改，请使用“修改处方”生成新版本' },
  PRESCRIPTION_NOT_SUBMITTABLE: { status: 409, message: '只有草稿状态的处方可以签名提交，请刷新后查看处方状态' },
  PRESCRIPTION_NOT_REVISABLE: { status: 409, message: '该处方当前不能修改（已支付、已作废或正在审核），请刷新后查看；已支付的处方需先退款' },
  PRESCRIPTION_OPEN_EXISTS: { status: 409, message: '本次问诊已有一张未完成的处方，请在原处方上继续编辑' },
  PRESCRIPTION_NOT_REVIEWABLE: { status: 409, message: '该处方不在待审核状态（可能已被其他药师审核或医生已修改），请刷新审核列表' },
  PRESCRIPTION_CHANGED: { status: 409, message: '处方内容已被修改，请刷新后重新核对' },
  PRESCRIPTION_NOT_PAYABLE: { status: 409, message: '该处方尚未通过药师审核、已作废或已过期，暂不能支付；如有疑问请在问诊中联系医生' },
  PRESCRIPTION_ALREADY_PAID: { status: 409, message: '该处方已支付，不能再修改；如需调整用药，请先为患者办理退款' },
  PRESCRIPTION_SIGNATURE_INVALID: { status: 409, message: '处方电子签名校验未通过，已停止处理，请联系医院信息科核查' },
  SIGNER_NOT_ENROLLED: { status: 409, message: '您的电子签名证书尚未开通或已停用，暂不能签名，请联系医院信息科办理' },
  SIGNER_UNAVAILABLE: { status: 503, message: '电子签名服务暂时不可用，处方未提交，请稍后重试' },
  STAFF_NOT_QUALIFIED: { status: 403, message: '您的执业状态或互联网诊疗资质不允许进行此操作（需实名认证、具备互联网诊疗资格且执业状态正常；医保处方还需登记为医保医师），请联系医务科' },
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
