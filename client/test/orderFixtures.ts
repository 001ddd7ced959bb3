/**
 * Answers of the order BFF for the client's order tests, each checked against the contract's
 * schema (a fixture that drifts from the contract fails here, not silently in a page).
 * The amounts are odd fen on purpose and do NOT add up in places: the pages must show the BFF's
 * numbers as they are, never recompute them.
 */
import {
  CashierViewSchema,
  OrderListSchema,
  OrderStatusSchema,
  OrderViewSchema,
  PayResponseSchema,
  REFUND_RULE_TEXT,
  type CashierView,
  type OrderList,
  type OrderStatus,
  type OrderView,
  type PayLaunch,
  type PayResponse,
} from '@ih/contract';

export const ORDER = '0193a000-0000-7000-8000-00000000a001';
export const PATIENT = '0193a000-0000-7000-8000-00000000b001';
export const CONSULTATION = '0193a000-0000-7000-8000-00000000c001';
export const FULL_ID = '640102196601010131';

const ITEMS = [
  { name: '二甲双胍缓释片', specification: '0.5g×30片', quantity: 2, unit: '盒', unitPriceFen: 2333, amountFen: 4666, insuranceClass: 'CLASS_A' as const },
  { name: '阿卡波糖片', specification: '50mg×30片', quantity: 1, unit: '盒', unitPriceFen: 7679, amountFen: 7679, insuranceClass: 'CLASS_B' as const },
];

/** 职工医保 (310), insurance, delivery: the rows as the BFF lists them. */
export function cashierView(over: Partial<CashierView> = {}): CashierView {
  return CashierViewSchema.parse({
    orderId: ORDER,
    orderNo: 'IH20261122160501123456',
    orderTime: '2026-11-22T08:05:01.000Z',
    state: 'PRE_SETTLED',
    kind: 'PRESCRIPTION',
    hospitalName: '宁夏医科大学总医院互联网医院',
    patient: { patientId: PATIENT, nameMasked: '张*国', idNumberMasked: '640***********0131' },
    insured: { insutype: '310', insutypeLabel: '职工医保', insuplcAdmdvs: '640100', insuplcName: '银川市' },
    payMode: 'INSURANCE',
    selfPayReason: null,
    selfPayReasonText: null,
    items: ITEMS,
    split: { feeSumamtFen: 12345, fundPayFen: 8634, psnAcctPayFen: 0, cashPayFen: 3704, acctMulaidPayFen: 0, hospPartFen: 7, othFeeFen: 0 },
    deliveryFeeFen: 1001,
    cashDueFen: 4706,
    rows: [
      { key: 'feeSumamt', label: '费用总额', amountFen: 12345, emphasis: false },
      { key: 'fundPay', label: '医保基金支付', amountFen: 8634, emphasis: false },
      { key: 'psnAcctPay', label: '个人账户支付', amountFen: 0, emphasis: false },
      { key: 'acctMulaidPay', label: '共济账户支付', amountFen: 0, emphasis: false },
      { key: 'hospPart', label: '医院负担', amountFen: 7, emphasis: false },
      { key: 'cashPay', label: '个人现金支付', amountFen: 3704, emphasis: true },
      { key: 'deliveryFee', label: '运费', amountFen: 1001, emphasis: false },
      { key: 'cashDue', label: '需支付', amountFen: 4706, emphasis: true },
    ],
    acctUsedFlag: false,
    accountSwitch: { available: true, reason: null },
    refundRule: REFUND_RULE_TEXT,
    expiresAt: null,
    ...over,
  });
}

/** 城乡居民医保 (390): no personal-account switch. */
export function residentCashierView(over: Partial<CashierView> = {}): CashierView {
  return cashierView({
    insured: { insutype: '390', insutypeLabel: '城乡居民医保', insuplcAdmdvs: '640100', insuplcName: '银川市' },
    accountSwitch: { available: false, reason: '城乡居民医保无个人账户，不能使用个人账户支付' },
    ...over,
  });
}

export function payResponse(launch: PayLaunch, cashFen = 4706): PayResponse {
  return PayResponseSchema.parse({ orderId: ORDER, paymentId: 'pay-1', channel: 'NHSA_APP', cashFen, launch });
}

export function orderView(over: Partial<OrderView> = {}): OrderView {
  return OrderViewSchema.parse({
    id: ORDER,
    orderNo: 'IH20261122160501123456',
    kind: 'PRESCRIPTION',
    kindLabel: '处方药品费',
    state: 'CREATED',
    stateLabel: '待支付',
    createdAt: '2026-11-22T08:05:01.000Z',
    expiresAt: '2026-11-22T08:35:01.000Z',
    paidAt: null,
    hospital: { id: 'h1', name: '宁夏医科大学总医院互联网医院' },
    patient: { patientId: PATIENT, nameMasked: '张*国', idNumberMasked: '640***********0131' },
    consultationId: null,
    prescriptionId: 'rx-1',
    doctorName: '王*明',
    departmentName: '内分泌科',
    rxNo: 'RX20261122000001',
    items: ITEMS,
    fulfilment: 'DELIVERY',
    address: { id: 'addr-1', name: '张*国', phoneMasked: '138****0000', province: '宁夏回族自治区', city: '银川市', district: '兴庆区', areaCode: '640104', detail: '解放东街 1 号', isDefault: true },
    totalFen: 12345,
    deliveryFeeFen: 1001,
    payMode: 'INSURANCE',
    payModeLabel: '医保支付',
    selfPayReason: null,
    selfPayReasonText: null,
    split: null,
    cashDueFen: null,
    acctUsedFlag: false,
    insured: { insutype: '310', insutypeLabel: '职工医保', insuplcAdmdvs: '640100', insuplcName: '银川市' },
    payment: null,
    refund: null,
    underReview: false,
    failureReason: null,
    refundRule: REFUND_RULE_TEXT,
    actions: { chooseFulfilment: true, prepareInsurance: true, pay: false, refund: false },
    ...over,
  });
}

/** A paid prescription order with the platform's split. */
export function paidOrderView(over: Partial<OrderView> = {}): OrderView {
  return orderView({
    state: 'PAID',
    stateLabel: '已支付',
    paidAt: '2026-11-22T08:07:00.000Z',
    split: { feeSumamtFen: 12345, fundPayFen: 8634, psnAcctPayFen: 0, cashPayFen: 3704, acctMulaidPayFen: 0, hospPartFen: 7, othFeeFen: 0 },
    cashDueFen: 4706,
    payment: { channel: 'NHSA_APP', status: 'SUCCEEDED' },
    actions: { chooseFulfilment: false, prepareInsurance: false, pay: false, refund: true },
    ...over,
  });
}

export function orderStatus(over: Partial<OrderStatus> = {}): OrderStatus {
  return OrderStatusSchema.parse({
    orderId: ORDER,
    kind: 'PRESCRIPTION',
    state: 'PAYING',
    stateLabel: '支付中',
    paid: false,
    final: false,
    message: '正在确认支付结果',
    failureReason: null,
    underReview: false,
    consultationId: null,
    prescriptionId: 'rx-1',
    nextPollMs: 1000,
    ...over,
  });
}

export function orderList(page: number, total: number, count: number): OrderList {
  return OrderListSchema.parse({
    items: Array.from({ length: count }, (_, i) => {
      const n = (page - 1) * 20 + i + 1;
      return {
        id: `order-${n}`,
        orderNo: `IH2026112216050100${String(n).padStart(4, '0')}`,
        kind: n % 2 ? 'PRESCRIPTION' : 'CONSULTATION',
        kindLabel: n % 2 ? '处方药品费' : '复诊诊查费',
        state: 'PAID',
        stateLabel: '已支付',
        hospitalName: '宁夏医科大学总医院互联网医院',
        patientNameMasked: '张*国',
        totalFen: 1000 + n,
        deliveryFeeFen: n % 2 ? 1001 : 0,
        payMode: 'INSURANCE',
        createdAt: '2026-11-22T08:05:01.000Z',
      };
    }),
    total,
    page,
    pageSize: 20,
  });
}
