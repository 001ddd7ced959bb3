/**
 * Amounts of the medical-insurance mixed order, all integer fen, and the identities WeChat Pay
 * checks (checked here before sending and after every answer/callback):
 *   total_fee = gov + self + other + wechat_pay_cash_fee + Σreduce
 *             = gov + self + other + med_ins_cash_fee   + Σadd
 *   wechat_pay_cash_fee = med_ins_cash_fee + Σadd − Σreduce
 * gov = fundPay (统筹), self = psnAcctPay (个账), other = other funds, med_ins_cash_fee = ownPayAmt
 * (cash after insurance). A delivery fee goes in cash_add_detail as FREIGHT: insurance never pays it.
 */
import { createHash } from 'node:crypto';
import { WechatPayAmountMismatchError } from './errors';

export type CashAddType = 'DEFAULT_ADD_TYPE' | 'FREIGHT' | 'OTHER_MEDICAL_EXPENSES';
export type CashReduceType = 'DEFAULT_REDUCE_TYPE' | 'HOSPITAL_REDUCE' | 'PHARMACY_DISCOUNT' | 'DISCOUNT' | 'PRE_PAYMENT' | 'DEPOSIT_DEDUCTION';

export interface MixedOrderAmounts {
  totalFee: number;
  medInsGovFee: number;
  medInsSelfFee: number;
  medInsOtherFee: number;
  medInsCashFee: number;
  wechatPayCashFee: number;
  cashAdd: Array<{ type: CashAddType; fee: number }>;
  cashReduce: Array<{ type: CashReduceType; fee: number }>;
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

/** Builds the amounts from the insurance split (6202/6301) plus additions/reductions. */
export function mixedOrderAmounts(input: {
  fundPay: number;
  psnAcctPay: number;
  otherPay?: number;
  ownPayAmt: number;
  freightFen?: number;
  cashAdd?: MixedOrderAmounts['cashAdd'];
  cashReduce?: MixedOrderAmounts['cashReduce'];
}): MixedOrderAmounts {
  const cashAdd = [...(input.cashAdd ?? []), ...(input.freightFen ? [{ type: 'FREIGHT' as const, fee: input.freightFen }] : [])];
  const cashReduce = [...(input.cashReduce ?? [])];
  const other = input.otherPay ?? 0;
  const addSum = sum(cashAdd.map((a) => a.fee));
  const reduceSum = sum(cashReduce.map((r) => r.fee));
  const amounts: MixedOrderAmounts = {
    totalFee: input.fundPay + input.psnAcctPay + other + input.ownPayAmt + addSum,
    medInsGovFee: input.fundPay,
    medInsSelfFee: input.psnAcctPay,
    medInsOtherFee: other,
    medInsCashFee: input.ownPayAmt,
    wechatPayCashFee: input.ownPayAmt + addSum - reduceSum,
    cashAdd,
    cashReduce,
  };
  checkMixedOrderAmounts(amounts);
  return amounts;
}

/** Throws a RangeError naming the broken rule; never sends amounts that WeChat Pay would refuse. */
export function checkMixedOrderAmounts(a: MixedOrderAmounts): void {
  const all: Array<[string, number]> = [
    ['total_fee', a.totalFee],
    ['med_ins_gov_fee', a.medInsGovFee],
    ['med_ins_self_fee', a.medInsSelfFee],
    ['med_ins_other_fee', a.medInsOtherFee],
    ['med_ins_cash_fee', a.medInsCashFee],
    ['wechat_pay_cash_fee', a.wechatPayCashFee],
    ...a.cashAdd.map((x) => ['cash_add_fee', x.fee] as [string, number]),
    ...a.cashReduce.map((x) => ['cash_reduce_fee', x.fee] as [string, number]),
  ];
  for (const [k, v] of all) if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`${k} 必须是非负整数（分）`);
  const base = a.medInsGovFee + a.medInsSelfFee + a.medInsOtherFee;
  const addSum = sum(a.cashAdd.map((x) => x.fee));
  const reduceSum = sum(a.cashReduce.map((x) => x.fee));
  if (a.wechatPayCashFee !== a.medInsCashFee + addSum - reduceSum) throw new RangeError('wechat_pay_cash_fee ≠ med_ins_cash_fee + Σadd − Σreduce');
  if (a.totalFee !== base + a.wechatPayCashFee + reduceSum) throw new RangeError('total_fee ≠ gov + self + other + wechat_pay_cash_fee + Σreduce');
  if (a.totalFee !== base + a.medInsCashFee + addSum) throw new RangeError('total_fee ≠ gov + self + other + med_ins_cash_fee + Σadd');
}

/** The wire fields of the amounts (integer fen). */
export function amountsToWire(a: MixedOrderAmounts): Record<string, unknown> {
  return {
    total_fee: a.totalFee,
    med_ins_gov_fee: a.medInsGovFee,
    med_ins_self_fee: a.medInsSelfFee,
    med_ins_other_fee: a.medInsOtherFee,
    med_ins_cash_fee: a.medInsCashFee,
    wechat_pay_cash_fee: a.wechatPayCashFee,
    ...(a.cashAdd.length ? { cash_add_detail: a.cashAdd.map((x) => ({ cash_add_fee: x.fee, cash_add_type: x.type })) } : {}),
    ...(a.cashReduce.length ? { cash_reduce_detail: a.cashReduce.map((x) => ({ cash_reduce_fee: x.fee, cash_reduce_type: x.type })) } : {}),
  };
}

/**
 * Compares an answer's/callback's amounts with the local order; throws WechatPayAmountMismatchError
 * naming the fields that differ (and any broken identity). Missing amounts count as a mismatch.
 */
export function assertMixedOrderMatches(operation: string, expected: { outTradeNo: string; amounts: MixedOrderAmounts }, actual: Record<string, unknown>): void {
  const fields: string[] = [];
  if (actual.out_trade_no !== expected.outTradeNo) fields.push('out_trade_no');
  const wire = amountsToWire(expected.amounts);
  for (const k of ['total_fee', 'med_ins_gov_fee', 'med_ins_self_fee', 'med_ins_other_fee', 'med_ins_cash_fee', 'wechat_pay_cash_fee']) {
    // INSURANCE_ONLY orders may omit wechat_pay_cash_fee (0).
    const got = actual[k] ?? (k === 'wechat_pay_cash_fee' ? 0 : undefined);
    if (got !== wire[k]) fields.push(k);
  }
  const addGot = Array.isArray(actual.cash_add_detail) ? sum((actual.cash_add_detail as Array<{ cash_add_fee?: number }>).map((x) => Number(x.cash_add_fee))) : 0;
  const reduceGot = Array.isArray(actual.cash_reduce_detail) ? sum((actual.cash_reduce_detail as Array<{ cash_reduce_fee?: number }>).map((x) => Number(x.cash_reduce_fee))) : 0;
  if (addGot !== sum(expected.amounts.cashAdd.map((x) => x.fee))) fields.push('cash_add_detail');
  if (reduceGot !== sum(expected.amounts.cashReduce.map((x) => x.fee))) fields.push('cash_reduce_detail');
  if (fields.length) throw new WechatPayAmountMismatchError(operation, fields);
}

/** id_digest: MD5 (lower-case hex) of the upper-case 18-digit ID number (15-digit IDs are upgraded). */
export function idDigest(idNumber: string): string {
  return createHash('md5').update(to18(idNumber.trim().toUpperCase()), 'utf8').digest('hex');
}

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';
/** 15-digit resident ID → 18 digits (century 19, GB 11643 check digit); other values unchanged. */
export function to18(id: string): string {
  if (!/^\d{15}$/.test(id)) return id;
  const body = `${id.slice(0, 6)}19${id.slice(6)}`;
  const s = sum(body.split('').map((d, i) => Number(d) * WEIGHTS[i]!));
  return body + CHECK[s % 11];
}
