/**
 * Orders, the cashier (待结算详情), payments, refunds and delivery addresses: the request and
 * response schemas of /api/v1/orders/*, /api/v1/addresses/* and the staff refund approval.
 *
 * Rules (rules.md 9–21, seed 003):
 * - Amounts are integer fen. The split (fund / personal account / cash) comes from the platform
 *   (6202/6301) and is shown as the platform gave it; the client never computes or sends amounts.
 * - The delivery fee is cash only (never paid by insurance).
 * - A prescription is refunded whole, never per item; an online refund of the insurance part
 *   needs a fresh e-voucher verification (purpose REFUND).
 * - Personal data is masked (name, ID number, phone).
 */
import { z } from 'zod';

// ── enumerations (same names as the database enums) ──────────────────────────────────────────
export const ORDER_KINDS = ['CONSULTATION', 'PRESCRIPTION'] as const;
export type OrderKind = (typeof ORDER_KINDS)[number];
export const ORDER_KIND_LABELS: Record<OrderKind, string> = { CONSULTATION: '复诊诊查费', PRESCRIPTION: '处方药品费' };

/**
 * CREATED → UPLOADED (6201 fee upload) → PRE_SETTLED (6202 pay order: split known) → PAYING
 * (the channel's pay step started) → PAID (verified 6302 notify or final 6301 query, plus the
 * cash part confirmed by its channel). CANCELLED = revoked (6401) because the prescription changed;
 * CLOSED = expired unpaid (closed on both sides); PAY_FAILED = the platform or channel said no.
 * PAID → REFUNDING → REFUNDED, or REFUND_FAILED (a part failed: flagged for staff, retried).
 */
export const ORDER_STATES = [
  'CREATED',
  'UPLOADED',
  'PRE_SETTLED',
  'PAYING',
  'PAID',
  'PAY_FAILED',
  'CANCELLED',
  'CLOSED',
  'REFUNDING',
  'REFUNDED',
  'REFUND_FAILED',
] as const;
export type OrderState = (typeof ORDER_STATES)[number];

export const ORDER_STATE_LABELS: Record<OrderState, string> = {
  CREATED: '待支付',
  UPLOADED: '待支付',
  PRE_SETTLED: '待支付',
  PAYING: '支付中',
  PAID: '已支付',
  PAY_FAILED: '支付失败',
  CANCELLED: '已撤销',
  CLOSED: '已关闭',
  REFUNDING: '退款中',
  REFUNDED: '已退款',
  REFUND_FAILED: '退款处理中',
};

/** States in which the patient still has to pay (shown under 待支付). */
export const UNPAID_ORDER_STATES = ['CREATED', 'UPLOADED', 'PRE_SETTLED', 'PAYING', 'PAY_FAILED'] as const satisfies readonly OrderState[];

export const PAY_MODES = ['INSURANCE', 'SELF_PAY'] as const;
export type PayMode = (typeof PAY_MODES)[number];
export const PAY_MODE_LABELS: Record<PayMode, string> = { INSURANCE: '医保支付', SELF_PAY: '自费支付' };

/** Why an order is paid as self-pay (shown before paying: rules 3–5, 14). */
export const SELF_PAY_REASONS = ['OUT_OF_CATALOG', 'SUSPENDED', 'HOSPITAL_NOT_LIVE', 'NO_VOUCHER', 'PATIENT_CHOICE', 'NOT_INSURED'] as const;
export type SelfPayReason = (typeof SELF_PAY_REASONS)[number];
export const SELF_PAY_REASON_TEXT: Record<SelfPayReason, string> = {
  OUT_OF_CATALOG: '本次就诊的疾病不在互联网医保支付病种目录内，需自费支付',
  SUSPENDED: '您的医保互联网支付已暂停，本次需自费支付',
  HOSPITAL_NOT_LIVE: '该医院尚未开通互联网医保结算，本次需自费支付',
  NO_VOUCHER: '未激活医保电子凭证，本次按自费支付；激活后可使用医保支付',
  PATIENT_CHOICE: '您选择了自费支付',
  NOT_INSURED: '未查询到有效的医保参保信息，本次需自费支付',
};

export const FULFILMENTS = ['PICKUP', 'DELIVERY'] as const;
export type Fulfilment = (typeof FULFILMENTS)[number];
export const FULFILMENT_LABELS: Record<Fulfilment, string> = { PICKUP: '到院自取', DELIVERY: '配送到家' };

export const PAY_CHANNELS = ['WECHAT', 'ALIPAY', 'NHSA_APP'] as const;
export type PayChannel = (typeof PAY_CHANNELS)[number];
export const PAY_CHANNEL_LABELS: Record<PayChannel, string> = { WECHAT: '微信支付', ALIPAY: '支付宝', NHSA_APP: '国家医保服务平台' };

/** 6203 refdType and the states of each refund part. */
export const REFUND_STATUSES = ['AWAITING_APPROVAL', 'PROCESSING', 'SUCCEEDED', 'FAILED', 'REJECTED'] as const;
export type RefundStatus = (typeof REFUND_STATUSES)[number];
export const REFUND_STATUS_LABELS: Record<RefundStatus, string> = {
  AWAITING_APPROVAL: '待医院审核',
  PROCESSING: '退款中',
  SUCCEEDED: '已退款',
  FAILED: '退款异常，医院处理中',
  REJECTED: '退款申请未通过',
};
/** One part of a refund: the insurance part (fund + personal account, 6203) or the cash part (the channel). */
export const REFUND_PART_STATUSES = ['NONE', 'AWAITING_AUTH', 'PENDING', 'PROCESSING', 'SUCCEEDED', 'FAILED'] as const;
export type RefundPartStatus = (typeof REFUND_PART_STATUSES)[number];
export const REFUND_PART_STATUS_LABELS: Record<RefundPartStatus, string> = {
  NONE: '无需退款',
  AWAITING_AUTH: '待医保电子凭证授权',
  PENDING: '待处理',
  PROCESSING: '退款中',
  SUCCEEDED: '已退回',
  FAILED: '退款异常，医院处理中',
};

/** The refund rule shown on the cashier and the order page (seed 003 §4(6)). */
export const REFUND_RULE_TEXT =
  '处方须整单退费，不支持单独退其中某一项；药品发出前可在线申请退款，发出后需医院审核。医保基金和个人账户部分原路退回医保，现金部分原路退回支付账户；线上退费需再次进行医保电子凭证授权。配送费随订单一并退回。';

// ── shared pieces ────────────────────────────────────────────────────────────────────────────
const id = z.string().min(1).max(64);

export const OrderItemSchema = z.object({
  name: z.string(),
  specification: z.string().nullable(),
  quantity: z.number(),
  unit: z.string().nullable(),
  unitPriceFen: z.number().int(),
  amountFen: z.number().int(),
  /** 甲类 / 乙类 / 丙类 (自费) or null for service items. */
  insuranceClass: z.enum(['CLASS_A', 'CLASS_B', 'SELF_PAY']).nullable(),
});
export type OrderItem = z.infer<typeof OrderItemSchema>;

/** The platform's split as 6202/6301 gave it (never computed locally). */
export const OrderSplitSchema = z.object({
  feeSumamtFen: z.number().int(),
  fundPayFen: z.number().int(),
  psnAcctPayFen: z.number().int(),
  cashPayFen: z.number().int(),
  acctMulaidPayFen: z.number().int(),
  hospPartFen: z.number().int(),
  othFeeFen: z.number().int(),
});
export type OrderSplit = z.infer<typeof OrderSplitSchema>;

/** A labelled amount row of the cashier, in the order the national UI rules list them. */
export const AmountRowSchema = z.object({
  key: z.enum(['feeSumamt', 'fundPay', 'psnAcctPay', 'acctMulaidPay', 'hospPart', 'othFee', 'cashPay', 'deliveryFee', 'cashDue']),
  label: z.string(),
  amountFen: z.number().int(),
  /** 个人现金支付 / 需支付 are emphasised. */
  emphasis: z.boolean(),
});
export type AmountRow = z.infer<typeof AmountRowSchema>;

export const OrderPatientSchema = z.object({ patientId: z.string(), nameMasked: z.string(), idNumberMasked: z.string() });

export const OrderInsuredSchema = z.object({
  insutype: z.string(),
  /** 职工医保 / 居民医保. */
  insutypeLabel: z.string(),
  insuplcAdmdvs: z.string(),
  insuplcName: z.string().nullable(),
});
export type OrderInsured = z.infer<typeof OrderInsuredSchema>;

// ── addresses ────────────────────────────────────────────────────────────────────────────────
const PHONE_RE = /^1[3-9]\d{9}$/;
export const AddressInputSchema = z.object({
  name: z.string().trim().min(1, '请填写收货人').max(32, '收货人不能超过 32 个字'),
  phone: z
    .string()
    .trim()
    .transform((s) => s.replace(/^\+?86/, '').replace(/[\s-]/g, ''))
    .pipe(z.string().regex(PHONE_RE, '请填写正确的 11 位手机号')),
  province: z.string().trim().min(1, '请选择省份').max(32),
  city: z.string().trim().min(1, '请选择城市').max(32),
  district: z.string().trim().min(1, '请选择区县').max(32),
  /** 6-digit area code of the district (@vant/area-data), optional. */
  areaCode: z.string().regex(/^\d{6}$/, '地区编码不正确').optional(),
  detail: z.string().trim().min(2, '请填写详细地址').max(120, '详细地址不能超过 120 个字'),
  isDefault: z.boolean().optional(),
});
export type AddressInput = z.input<typeof AddressInputSchema>;

export const AddressSchema = z.object({
  id: z.string(),
  /** The owner sees their own address; the phone is masked. */
  name: z.string(),
  phoneMasked: z.string(),
  province: z.string(),
  city: z.string(),
  district: z.string(),
  areaCode: z.string().nullable(),
  detail: z.string(),
  isDefault: z.boolean(),
});
export type Address = z.infer<typeof AddressSchema>;
export const AddressListSchema = z.object({ items: z.array(AddressSchema) });
export type AddressList = z.infer<typeof AddressListSchema>;

// ── order view (GET /api/v1/orders/:id) ──────────────────────────────────────────────────────
export const RefundPartSchema = z.object({ amountFen: z.number().int(), status: z.enum(REFUND_PART_STATUSES), statusLabel: z.string() });
export const RefundViewSchema = z.object({
  id: z.string(),
  refundNo: z.string(),
  status: z.enum(REFUND_STATUSES),
  statusLabel: z.string(),
  reason: z.string(),
  totalFen: z.number().int(),
  /** Insurance part (fund + personal account), 6203. */
  insurance: RefundPartSchema,
  /** Cash part (cash share + delivery fee), through the channel that took it. */
  cash: RefundPartSchema,
  /** The patient must authorize the e-voucher (purpose REFUND) for the insurance part to go on. */
  needsVoucherAuthorization: z.boolean(),
  createdAt: z.string(),
  completedAt: z.string().nullable(),
  message: z.string(),
});
export type RefundView = z.infer<typeof RefundViewSchema>;

export const OrderActionsSchema = z.object({
  chooseFulfilment: z.boolean(),
  prepareInsurance: z.boolean(),
  pay: z.boolean(),
  refund: z.boolean(),
});

export const OrderViewSchema = z.object({
  id: z.string(),
  orderNo: z.string(),
  kind: z.enum(ORDER_KINDS),
  kindLabel: z.string(),
  state: z.enum(ORDER_STATES),
  stateLabel: z.string(),
  createdAt: z.string(),
  expiresAt: z.string().nullable(),
  paidAt: z.string().nullable(),
  hospital: z.object({ id: z.string(), name: z.string() }),
  patient: OrderPatientSchema,
  consultationId: z.string().nullable(),
  prescriptionId: z.string().nullable(),
  /** Who and what: doctor and department for a consultation; rx number for a prescription. */
  doctorName: z.string().nullable(),
  departmentName: z.string().nullable(),
  rxNo: z.string().nullable(),
  items: z.array(OrderItemSchema),
  /** Prescriptions only: pick-up or delivery (null until chosen). */
  fulfilment: z.enum(FULFILMENTS).nullable(),
  address: AddressSchema.nullable(),
  /** Medical fees (feeSumamt). */
  totalFen: z.number().int(),
  /** Cash only (never insurance). */
  deliveryFeeFen: z.number().int(),
  payMode: z.enum(PAY_MODES),
  payModeLabel: z.string(),
  /** Why self-pay (null for insurance). */
  selfPayReason: z.enum(SELF_PAY_REASONS).nullable(),
  selfPayReasonText: z.string().nullable(),
  /** The platform's split once 6202 answered (null before, and for self-pay). */
  split: OrderSplitSchema.nullable(),
  /** What the patient pays in cash now: cash share + delivery fee (self-pay: everything). Null until known. */
  cashDueFen: z.number().int().nullable(),
  acctUsedFlag: z.boolean(),
  insured: OrderInsuredSchema.nullable(),
  payment: z.object({ channel: z.enum(PAY_CHANNELS), status: z.string() }).nullable(),
  refund: RefundViewSchema.nullable(),
  /** Under review by the hospital (amounts or states did not agree): nothing more can be done online. */
  underReview: z.boolean(),
  failureReason: z.string().nullable(),
  refundRule: z.string(),
  actions: OrderActionsSchema,
});
export type OrderView = z.infer<typeof OrderViewSchema>;

export const OrderListQuerySchema = z.object({
  status: z.enum(['unpaid', 'paid', 'refund', 'closed', 'all']).default('all'),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(50).default(20),
});
export type OrderListQuery = z.input<typeof OrderListQuerySchema>;
export const OrderSummarySchema = z.object({
  id: z.string(),
  orderNo: z.string(),
  kind: z.enum(ORDER_KINDS),
  kindLabel: z.string(),
  state: z.enum(ORDER_STATES),
  stateLabel: z.string(),
  hospitalName: z.string(),
  patientNameMasked: z.string(),
  totalFen: z.number().int(),
  deliveryFeeFen: z.number().int(),
  payMode: z.enum(PAY_MODES),
  createdAt: z.string(),
});
export const OrderListSchema = z.object({ items: z.array(OrderSummarySchema), total: z.number().int(), page: z.number().int(), pageSize: z.number().int() });
export type OrderList = z.infer<typeof OrderListSchema>;

// ── choose fulfilment (PUT /api/v1/orders/:id/fulfilment) ────────────────────────────────────
export const FulfilmentRequestSchema = z
  .object({ fulfilment: z.enum(FULFILMENTS), addressId: id.optional() })
  .refine((v) => v.fulfilment !== 'DELIVERY' || !!v.addressId, { message: '请选择收货地址', path: ['addressId'] });
export type FulfilmentRequest = z.input<typeof FulfilmentRequestSchema>;

// ── prescription order (POST /api/v1/orders/prescription) ────────────────────────────────────
export const CreatePrescriptionOrderRequestSchema = z
  .object({ prescriptionId: id, fulfilment: z.enum(FULFILMENTS), addressId: id.optional() })
  .refine((v) => v.fulfilment !== 'DELIVERY' || !!v.addressId, { message: '请选择收货地址', path: ['addressId'] });
export type CreatePrescriptionOrderRequest = z.input<typeof CreatePrescriptionOrderRequestSchema>;
export const CreatedOrderSchema = z.object({ orderId: z.string(), orderNo: z.string() });
export type CreatedOrder = z.infer<typeof CreatedOrderSchema>;

// ── cashier (POST /api/v1/orders/:id/prepare-insurance) ──────────────────────────────────────
export const PrepareInsuranceRequestSchema = z.object({
  /** Pay the personal share from the personal account (职工医保 310 only). */
  acctUsedFlag: z.boolean().default(false),
  /** The patient chooses self-pay instead of insurance (no voucher needed). */
  selfPay: z.boolean().default(false),
  /** "longitude,latitude" of the device, when the patient allowed it (6201 uldLatlnt, WeChat geo_location). */
  location: z
    .string()
    .regex(/^-?\d{1,3}\.\d{1,8},-?\d{1,2}\.\d{1,8}$/, '位置格式不正确')
    .optional(),
});
export type PrepareInsuranceRequest = z.input<typeof PrepareInsuranceRequestSchema>;

export const CashierViewSchema = z.object({
  orderId: z.string(),
  orderNo: z.string(),
  /** Order time (ISO). */
  orderTime: z.string(),
  state: z.enum(ORDER_STATES),
  kind: z.enum(ORDER_KINDS),
  hospitalName: z.string(),
  patient: OrderPatientSchema,
  insured: OrderInsuredSchema.nullable(),
  payMode: z.enum(PAY_MODES),
  selfPayReason: z.enum(SELF_PAY_REASONS).nullable(),
  selfPayReasonText: z.string().nullable(),
  items: z.array(OrderItemSchema),
  split: OrderSplitSchema.nullable(),
  deliveryFeeFen: z.number().int(),
  /** Cash to pay now (cash share + delivery fee); 0 = insurance covers everything (no cash step). */
  cashDueFen: z.number().int(),
  /** Rows to show, in order: 费用总额, 医保基金支付, 个人账户支付, 共济账户支付 / 医院负担 (non-zero only), 个人现金支付, 配送费, 需支付. */
  rows: z.array(AmountRowSchema),
  acctUsedFlag: z.boolean(),
  /** The personal-account switch: only for 职工医保 (310). */
  accountSwitch: z.object({ available: z.boolean(), reason: z.string().nullable() }),
  refundRule: z.string(),
  expiresAt: z.string().nullable(),
});
export type CashierView = z.infer<typeof CashierViewSchema>;

// ── pay (POST /api/v1/orders/:id/pay) ────────────────────────────────────────────────────────
export const PayRequestSchema = z.object({ channel: z.enum(PAY_CHANNELS) });
export type PayRequest = z.input<typeof PayRequestSchema>;

/** wx.requestMedicalInsurancePay parameters (cash fields only when there is a cash share). */
export const WechatMedInsLaunchSchema = z.object({
  kind: z.literal('WECHAT_MED_INS'),
  mixTradeNo: z.string(),
  appId: z.string(),
  timeStamp: z.string().optional(),
  nonceStr: z.string().optional(),
  package: z.string().optional(),
  signType: z.literal('RSA').optional(),
  paySign: z.string().optional(),
});
/** wx.requestPayment parameters (self-pay orders). */
export const WechatJsapiLaunchSchema = z.object({
  kind: z.literal('WECHAT_JSAPI'),
  appId: z.string(),
  timeStamp: z.string(),
  nonceStr: z.string(),
  package: z.string(),
  signType: z.literal('RSA'),
  paySign: z.string(),
});
/** my.tradePay({tradeNO}). */
export const AlipayLaunchSchema = z.object({ kind: z.literal('ALIPAY_TRADE'), tradeNo: z.string() });
/** Navigate the H5 to the national APP cashier page. */
export const RedirectLaunchSchema = z.object({ kind: z.literal('REDIRECT'), url: z.string().url() });
/** Nothing to launch on the device (e.g. settled already). */
export const NoLaunchSchema = z.object({ kind: z.literal('NONE') });
export const PayLaunchSchema = z.discriminatedUnion('kind', [WechatMedInsLaunchSchema, WechatJsapiLaunchSchema, AlipayLaunchSchema, RedirectLaunchSchema, NoLaunchSchema]);
export type PayLaunch = z.infer<typeof PayLaunchSchema>;

export const PayResponseSchema = z.object({
  orderId: z.string(),
  paymentId: z.string(),
  channel: z.enum(PAY_CHANNELS),
  /** Cash the channel takes (0 = insurance only). */
  cashFen: z.number().int(),
  launch: PayLaunchSchema,
});
export type PayResponse = z.infer<typeof PayResponseSchema>;

// ── result polling (GET /api/v1/orders/:id/status) ───────────────────────────────────────────
export const OrderStatusSchema = z.object({
  orderId: z.string(),
  kind: z.enum(ORDER_KINDS),
  state: z.enum(ORDER_STATES),
  stateLabel: z.string(),
  /** PAID and beyond. */
  paid: z.boolean(),
  /** No further change expected without the patient (paid, failed, closed, cancelled, refunded). */
  final: z.boolean(),
  /** A sentence for the result page. */
  message: z.string(),
  failureReason: z.string().nullable(),
  underReview: z.boolean(),
  consultationId: z.string().nullable(),
  prescriptionId: z.string().nullable(),
  /** Poll again after this many milliseconds (when not final). */
  nextPollMs: z.number().int().nullable(),
});
export type OrderStatus = z.infer<typeof OrderStatusSchema>;

// ── refunds ──────────────────────────────────────────────────────────────────────────────────
export const RefundRequestSchema = z.object({ reason: z.string().trim().min(1, '请填写退款原因').max(200, '退款原因不能超过 200 个字') });
export type RefundRequest = z.input<typeof RefundRequestSchema>;

export const StaffRefundDecisionSchema = z.object({
  approve: z.boolean(),
  comment: z.string().trim().max(200, '审核意见不能超过 200 个字').optional(),
});
export type StaffRefundDecision = z.input<typeof StaffRefundDecisionSchema>;

export const StaffRefundItemSchema = z.object({
  refundId: z.string(),
  refundNo: z.string(),
  orderId: z.string(),
  orderNo: z.string(),
  kind: z.enum(ORDER_KINDS),
  status: z.enum(REFUND_STATUSES),
  totalFen: z.number().int(),
  reason: z.string(),
  patientNameMasked: z.string(),
  dispatched: z.boolean(),
  createdAt: z.string(),
});
export const StaffRefundListSchema = z.object({ items: z.array(StaffRefundItemSchema) });
export type StaffRefundList = z.infer<typeof StaffRefundListSchema>;
