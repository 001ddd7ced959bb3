/** Numbers the order domain hands to the platforms (no personal data, China time, random tail). */
import { randomInt } from 'node:crypto';
import { chinaStamp14 } from '@ih/contract';

const digits = (n: number): string => String(randomInt(0, 10 ** Math.min(n, 9))).padStart(Math.min(n, 9), '0') + (n > 9 ? digits(n - 9) : '');

/** Order number: "IH" + yyyyMMddHHmmss + 6 digits (22). */
export function newOrderNo(now: Date = new Date()): string {
  return `IH${chinaStamp14(now.getTime())}${digits(6)}`;
}

/** 6201 medOrgOrd (= WeChat serial_no, at most 20): "M" + yyMMddHHmmss + 7 digits. */
export function newMedOrgOrd(now: Date = new Date()): string {
  return `M${chinaStamp14(now.getTime()).slice(2)}${digits(7)}`;
}

/** 6201 chrgBchno (收费批次号). */
export function newChrgBchno(now: Date = new Date()): string {
  return `B${chinaStamp14(now.getTime())}${digits(6)}`;
}

/** A payment attempt's out_trade_no (WeChat ≤ 32, Alipay ≤ 64). */
export function newOutTradeNo(now: Date = new Date()): string {
  return `P${chinaStamp14(now.getTime())}${digits(10)}`;
}

/** A refund's appRefdSn / out_refund_no. */
export function newRefundNo(now: Date = new Date()): string {
  return `R${chinaStamp14(now.getTime())}${digits(10)}`;
}
