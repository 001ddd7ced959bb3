/**
 * Reading orders for the patient: ownership, items (from the consultation or the prescription),
 * the masked patient, the platform's split, the cashier rows, refund parts. Nothing here writes.
 */
import {
  FULFILMENT_LABELS,
  ORDER_KIND_LABELS,
  ORDER_STATE_LABELS,
  PAY_MODE_LABELS,
  REFUND_PART_STATUS_LABELS,
  REFUND_RULE_TEXT,
  REFUND_STATUS_LABELS,
  SELF_PAY_REASONS,
  SELF_PAY_REASON_TEXT,
  insutypeLabel,
  type AmountRow,
  type CashierView,
  type OrderItem,
  type OrderSplit,
  type OrderState,
  type OrderStatus,
  type OrderView,
  type RefundView,
  type SelfPayReason,
} from '@ih/contract';
import type { Prisma } from '@ih/db';
import { AppError } from '../../lib/errors';
import type { OrderContext } from './context';
import { toAddressView } from './addresses';

void FULFILMENT_LABELS;

export const ORDER_FULL_INCLUDE = {
  hospital: { select: { id: true, name: true, code: true, admdvs: true } },
  patient: { select: { id: true, nameMasked: true, idNumberMasked: true } },
  address: true,
  consultation: {
    select: {
      id: true,
      consultationNo: true,
      createdAt: true,
      insured: true,
      selfPayReason: true,
      doctor: { select: { id: true, name: true, insuranceDoctorCode: true, title: true } },
      department: { select: { id: true, code: true, name: true, caty: true } },
      disease: { select: { code: true, name: true } },
    },
  },
  prescription: {
    select: {
      id: true,
      rxNo: true,
      status: true,
      version: true,
      insured: true,
      totalFen: true,
      diagnosisCode: true,
      diagnosisName: true,
      createdAt: true,
      consultationId: true,
      consultation: { select: { id: true, consultationNo: true, insured: true, selfPayReason: true, department: { select: { code: true, name: true, caty: true } } } },
      doctor: { select: { id: true, name: true, insuranceDoctorCode: true } },
      items: { orderBy: { sortOrder: 'asc' as const }, select: { id: true, drugName: true, specification: true, insuranceClass: true, quantity: true, unit: true, unitPriceFen: true, amountFen: true, drug: { select: { nationalCode: true } } } },
    },
  },
  payments: { orderBy: { attemptNo: 'desc' as const }, take: 1 },
  refunds: { orderBy: { createdAt: 'desc' as const }, take: 1 },
} satisfies Prisma.OrderInclude;

export type FullOrder = Prisma.OrderGetPayload<{ include: typeof ORDER_FULL_INCLUDE }>;

export async function loadFullOrder(ctx: OrderContext, orderId: string): Promise<FullOrder | null> {
  return ctx.prisma.order.findUnique({ where: { id: orderId }, include: ORDER_FULL_INCLUDE });
}

/** The order of this user, or 404 (another user's order looks like a missing one). */
export async function loadOwnOrder(ctx: OrderContext, userId: string, orderId: string): Promise<FullOrder> {
  const o = await loadFullOrder(ctx, orderId);
  if (!o || o.userId !== userId) throw new AppError('NOT_FOUND', { message: '订单不存在' });
  return o;
}

export const CONSULTATION_ITEM_NAME = '互联网复诊诊查费';

/** What the patient pays for, as lines (the consultation fee, or the prescription's drugs). */
export function orderItems(o: FullOrder): OrderItem[] {
  if (o.kind === 'PRESCRIPTION' && o.prescription) {
    return o.prescription.items.map((i) => ({
      name: i.drugName,
      specification: i.specification,
      quantity: i.quantity,
      unit: i.unit,
      unitPriceFen: i.unitPriceFen,
      amountFen: i.amountFen,
      insuranceClass: i.insuranceClass,
    }));
  }
  return [{ name: CONSULTATION_ITEM_NAME, specification: o.consultation?.doctor ? `${o.consultation.doctor.name}医生` : null, quantity: 1, unit: '次', unitPriceFen: o.totalFen, amountFen: o.totalFen, insuranceClass: null }];
}

export function isSelfPayReason(v: unknown): v is SelfPayReason {
  return typeof v === 'string' && (SELF_PAY_REASONS as readonly string[]).includes(v);
}

/** The split once the platform gave it (insurance orders); null before and for self-pay. */
export function orderSplit(o: { payMode: string; preSettledAt: Date | null; totalFen: number; fundPayFen: number; psnAcctPayFen: number; cashPayFen: number; acctMulaidPayFen: number; hospPartFen: number; othFeeFen: number }): OrderSplit | null {
  if (o.payMode !== 'INSURANCE' || !o.preSettledAt) return null;
  return { feeSumamtFen: o.totalFen, fundPayFen: o.fundPayFen, psnAcctPayFen: o.psnAcctPayFen, cashPayFen: o.cashPayFen, acctMulaidPayFen: o.acctMulaidPayFen, hospPartFen: o.hospPartFen, othFeeFen: o.othFeeFen };
}

/** Cash the patient pays through the channel (cash share + delivery fee); null while unknown. */
export function cashDue(o: { payMode: string; preSettledAt: Date | null; totalFen: number; cashPayFen: number; deliveryFeeFen: number }): number | null {
  if (o.payMode === 'SELF_PAY') return o.totalFen + o.deliveryFeeFen;
  return o.preSettledAt ? o.cashPayFen + o.deliveryFeeFen : null;
}

/** The cashier's amount rows in the order the national UI lists them (zero rows left out where the spec says "when non-zero"). */
export function amountRows(o: { payMode: string; totalFen: number; deliveryFeeFen: number }, split: OrderSplit | null): AmountRow[] {
  const rows: AmountRow[] = [{ key: 'feeSumamt', label: '费用总额', amountFen: o.totalFen, emphasis: false }];
  if (split) {
    rows.push({ key: 'fundPay', label: '医保基金支付', amountFen: split.fundPayFen, emphasis: false });
    rows.push({ key: 'psnAcctPay', label: '个人账户支付', amountFen: split.psnAcctPayFen, emphasis: false });
    if (split.acctMulaidPayFen > 0) rows.push({ key: 'acctMulaidPay', label: '共济账户支付', amountFen: split.acctMulaidPayFen, emphasis: false });
    if (split.hospPartFen > 0) rows.push({ key: 'hospPart', label: '医院负担', amountFen: split.hospPartFen, emphasis: false });
    if (split.othFeeFen > 0) rows.push({ key: 'othFee', label: '其他支付', amountFen: split.othFeeFen, emphasis: false });
    rows.push({ key: 'cashPay', label: '个人现金支付', amountFen: split.cashPayFen, emphasis: true });
  } else if (o.payMode === 'SELF_PAY') {
    rows.push({ key: 'cashPay', label: '个人现金支付', amountFen: o.totalFen, emphasis: true });
  }
  if (o.deliveryFeeFen > 0) rows.push({ key: 'deliveryFee', label: '配送费（现金支付）', amountFen: o.deliveryFeeFen, emphasis: false });
  const due = split ? split.cashPayFen + o.deliveryFeeFen : o.payMode === 'SELF_PAY' ? o.totalFen + o.deliveryFeeFen : null;
  if (due !== null) rows.push({ key: 'cashDue', label: '需支付', amountFen: due, emphasis: true });
  return rows;
}

export async function insuredOf(ctx: OrderContext, o: { insutype: string | null; insuplcAdmdvs: string | null; patientId: string }) {
  if (!o.insutype || !o.insuplcAdmdvs) return null;
  const known = await ctx.prisma.insuredIdentity.findFirst({ where: { insuplcAdmdvs: o.insuplcAdmdvs, insutype: o.insutype, insuplcName: { not: null } }, select: { insuplcName: true } });
  return { insutype: o.insutype, insutypeLabel: insutypeLabel(o.insutype), insuplcAdmdvs: o.insuplcAdmdvs, insuplcName: known?.insuplcName ?? null };
}

const PAID_STATES: readonly OrderState[] = ['PAID', 'REFUNDING', 'REFUNDED', 'REFUND_FAILED'];
const FINAL_STATES: readonly OrderState[] = ['PAID', 'PAY_FAILED', 'CANCELLED', 'CLOSED', 'REFUNDED'];

export function isPaidState(s: OrderState): boolean {
  return PAID_STATES.includes(s);
}

export function refundView(r: FullOrder['refunds'][number] | null | undefined): RefundView | null {
  if (!r) return null;
  const hiFen = r.fundFen + r.psnAcctFen;
  const cashFen = r.cashFen + r.deliveryFeeFen;
  const message =
    r.status === 'AWAITING_APPROVAL'
      ? '药品已发出，退款需医院审核，审核通过后原路退回'
      : r.status === 'REJECTED'
        ? `退款申请未通过${r.decisionComment ? `：${r.decisionComment}` : ''}`
        : r.hiStatus === 'AWAITING_AUTH'
          ? '医保部分退款需要您再次进行医保电子凭证授权，授权后自动退回'
          : r.status === 'SUCCEEDED'
            ? '已原路退回：医保部分退回医保账户，现金部分退回支付账户'
            : r.status === 'FAILED'
              ? '部分退款未成功，医院正在处理，款项不会丢失'
              : '退款处理中，请耐心等待';
  return {
    id: r.id,
    refundNo: r.refundNo,
    status: r.status,
    statusLabel: REFUND_STATUS_LABELS[r.status],
    reason: r.reason,
    totalFen: r.totalFen,
    insurance: { amountFen: hiFen, status: r.hiStatus, statusLabel: REFUND_PART_STATUS_LABELS[r.hiStatus] },
    cash: { amountFen: cashFen, status: r.cashStatus, statusLabel: REFUND_PART_STATUS_LABELS[r.cashStatus] },
    needsVoucherAuthorization: r.hiStatus === 'AWAITING_AUTH',
    createdAt: r.createdAt.toISOString(),
    completedAt: r.completedAt?.toISOString() ?? null,
    message,
  };
}

export async function buildOrderView(ctx: OrderContext, o: FullOrder): Promise<OrderView> {
  const split = orderSplit(o);
  const reason = isSelfPayReason(o.selfPayReason) ? o.selfPayReason : null;
  const payment = o.payments[0];
  const refund = o.refunds[0];
  const unpaid = ['CREATED', 'UPLOADED', 'PRE_SETTLED', 'PAY_FAILED'].includes(o.state);
  const expired = !!o.expiresAt && o.expiresAt.getTime() <= ctx.now().getTime();
  let address = null;
  if (o.address) address = toAddressView(ctx.cipher, o.address);
  return {
    id: o.id,
    orderNo: o.orderNo,
    kind: o.kind,
    kindLabel: ORDER_KIND_LABELS[o.kind],
    state: o.state,
    stateLabel: ORDER_STATE_LABELS[o.state],
    createdAt: o.createdAt.toISOString(),
    expiresAt: o.expiresAt?.toISOString() ?? null,
    paidAt: o.paidAt?.toISOString() ?? null,
    hospital: { id: o.hospital.id, name: o.hospital.name },
    patient: { patientId: o.patient.id, nameMasked: o.patient.nameMasked, idNumberMasked: o.patient.idNumberMasked },
    consultationId: o.consultationId,
    prescriptionId: o.prescriptionId,
    doctorName: o.consultation?.doctor.name ?? o.prescription?.doctor.name ?? null,
    departmentName: o.consultation?.department.name ?? o.prescription?.consultation.department.name ?? null,
    rxNo: o.prescription?.rxNo ?? null,
    items: orderItems(o),
    fulfilment: o.fulfilment,
    address,
    totalFen: o.totalFen,
    deliveryFeeFen: o.deliveryFeeFen,
    payMode: o.payMode,
    payModeLabel: PAY_MODE_LABELS[o.payMode],
    selfPayReason: o.payMode === 'SELF_PAY' ? reason : null,
    selfPayReasonText: o.payMode === 'SELF_PAY' && reason ? SELF_PAY_REASON_TEXT[reason] : null,
    split,
    cashDueFen: cashDue(o),
    acctUsedFlag: o.acctUsedFlag,
    insured: await insuredOf(ctx, o),
    payment: payment ? { channel: payment.channel, status: payment.status } : null,
    refund: refundView(refund),
    underReview: o.flagged,
    failureReason: o.failureReason,
    refundRule: REFUND_RULE_TEXT,
    actions: {
      chooseFulfilment: o.kind === 'PRESCRIPTION' && ['CREATED', 'UPLOADED', 'PRE_SETTLED'].includes(o.state) && !expired,
      prepareInsurance: unpaid && !expired && !o.flagged,
      pay: !expired && !o.flagged && (o.state === 'PRE_SETTLED' || o.state === 'PAYING' || (o.state === 'CREATED' && o.payMode === 'SELF_PAY' && !!o.selfPayReason)),
      refund: o.kind === 'PRESCRIPTION' && o.state === 'PAID' && !refund?.openKey,
    },
  };
}

export async function buildCashierView(ctx: OrderContext, o: FullOrder): Promise<CashierView> {
  const split = orderSplit(o);
  const reason = isSelfPayReason(o.selfPayReason) ? o.selfPayReason : null;
  const insured = await insuredOf(ctx, o);
  const is310 = o.insutype === '310';
  return {
    orderId: o.id,
    orderNo: o.orderNo,
    orderTime: o.createdAt.toISOString(),
    state: o.state,
    kind: o.kind,
    hospitalName: o.hospital.name,
    patient: { patientId: o.patient.id, nameMasked: o.patient.nameMasked, idNumberMasked: o.patient.idNumberMasked },
    insured,
    payMode: o.payMode,
    selfPayReason: o.payMode === 'SELF_PAY' ? reason : null,
    selfPayReasonText: o.payMode === 'SELF_PAY' && reason ? SELF_PAY_REASON_TEXT[reason] : null,
    items: orderItems(o),
    split,
    deliveryFeeFen: o.deliveryFeeFen,
    cashDueFen: cashDue(o) ?? 0,
    rows: amountRows(o, split),
    acctUsedFlag: o.acctUsedFlag,
    accountSwitch: {
      available: o.payMode === 'INSURANCE' && is310,
      reason: o.payMode !== 'INSURANCE' ? '自费订单不使用医保个人账户' : is310 ? null : '个人账户支付仅限职工医保参保人',
    },
    refundRule: REFUND_RULE_TEXT,
    expiresAt: o.expiresAt?.toISOString() ?? null,
  };
}

export function statusView(o: { id: string; kind: 'CONSULTATION' | 'PRESCRIPTION'; state: OrderState; failureReason: string | null; flagged: boolean; consultationId: string | null; prescriptionId: string | null }, pollMs: number): OrderStatus {
  const paid = isPaidState(o.state);
  const final = FINAL_STATES.includes(o.state) || (o.flagged && !paid);
  const message: Record<OrderState, string> = {
    CREATED: '订单待支付',
    UPLOADED: '订单待支付',
    PRE_SETTLED: '订单待支付',
    PAYING: '正在确认支付结果，请稍候，请勿重复支付',
    PAID: '支付成功',
    PAY_FAILED: '支付未成功，本次未扣费或将原路退回，可返回订单重新支付',
    CANCELLED: '订单已撤销（处方已变更），请按新处方重新下单',
    CLOSED: '订单已超时关闭，未扣费',
    REFUNDING: '退款处理中',
    REFUNDED: '已退款',
    REFUND_FAILED: '退款处理中，医院正在处理，款项不会丢失',
  };
  return {
    orderId: o.id,
    kind: o.kind,
    state: o.state,
    stateLabel: ORDER_STATE_LABELS[o.state],
    paid,
    final,
    message: o.flagged && !paid ? '支付结果核对中，医院将尽快处理，请勿重复支付' : message[o.state],
    failureReason: o.failureReason,
    underReview: o.flagged,
    consultationId: o.consultationId,
    prescriptionId: o.prescriptionId,
    nextPollMs: final ? null : pollMs,
  };
}
