/**
 * How the WeChat mocks reach the mobile-pay center mock's state. The real WeChat insurance
 * authorization gets the pay_auth_no from the national platform, and the real WeChat Pay mixed
 * order is settled by the national platform; in the mocks the mobile-pay center mock owns that
 * state (persons, pay_auth_no, pay orders). `allPlatforms()` wires the center's implementation;
 * when the WeChat mocks run alone (unit tests) a small local stand-in is used.
 */
import { randomInt } from 'node:crypto';
import { chinaStamp14 } from '@ih/contract';

export interface PayAuthGrant {
  payAuthNo: string;
  /** Epoch ms. */
  expiresAt: number;
}

export interface IssuePayAuthOptions {
  channel: 'wechat';
  openid: string;
  /**
   * A family (亲情) authorization: `psnNo` is the card holder, who authorizes payment for a
   * family member (`forPsnNo`) — the mobile-pay center's semantics.
   */
  family: boolean;
  forPsnNo?: string;
  ttlSeconds?: number;
}

/** What the center knows about a pay_auth_no (for the WeChat Pay mixed order's checks). */
export interface PayAuthInfo {
  payAuthNo: string;
  /** The card holder who authorized (for a family authorization: not the patient). */
  psnNo: string;
  /** Family authorization narrowed to one family member. */
  forPsnNo?: string;
  expiresAt: number;
  family: boolean;
  /** The WeChat user the authorization was made for, when the channel is WeChat. */
  openid?: string;
}

/** A pay order as the center sees it after 6201/6202 (amounts in fen). */
export interface CenterPayOrder {
  payOrdId: string;
  payAuthNo?: string;
  /** The patient of the order. */
  psnNo: string;
  /** 6201 medOrgOrd (= the mixed order's serial_no). */
  medOrgOrd?: string;
  feeSumamt: number;
  fundPay: number;
  psnAcctPay: number;
  /** Other funds (acctMulaidPay + hospPartAmt + othFeeAmt). */
  othPay: number;
  ownPayAmt: number;
  ordStas: string;
}

export interface InsuranceCenterLink {
  /** Issues a pay_auth_no for an insured person. Throws PayAuthRefused when the center refuses. */
  issuePayAuthNo(psnNo: string, opts: IssuePayAuthOptions): PayAuthGrant;
  describePayAuthNo?(payAuthNo: string): PayAuthInfo | undefined;
  getPayOrder?(payOrdId: string): CenterPayOrder | undefined;
  /**
   * The user confirmed the mixed order in WeChat: the center settles the pay order (6302 follows).
   * The outcome is read back with getPayOrder (ordStas 3–6 settled; anything else failed).
   */
  settlePayOrder?(payOrdId: string): void;
}

export class PayAuthRefused extends Error {
  constructor(
    readonly reason: 'VOUCHER_NOT_ACTIVATED' | 'PERSON_UNKNOWN' | 'SUSPENDED' | 'OTHER',
    message: string,
  ) {
    super(message);
    this.name = 'PayAuthRefused';
  }
}

const cstStamp = chinaStamp14;

/** "AUTH" + 6-digit division + yyyyMMddHHmmss + 7 digits, like the official sample. */
export function formatPayAuthNo(admdvs: string, now = Date.now()): string {
  return `AUTH${admdvs.slice(0, 6).padEnd(6, '0')}${cstStamp(now)}${String(randomInt(0, 10_000_000)).padStart(7, "0")}`;
}

/** Stand-in used when no mobile-pay center mock is wired (the WeChat mocks alone). */
export function createLocalInsuranceLink(admdvsOf: (psnNo: string) => string | undefined = () => '640100'): InsuranceCenterLink & {
  grants: Map<string, PayAuthInfo>;
} {
  const grants = new Map<string, PayAuthInfo>();
  return {
    grants,
    issuePayAuthNo(psnNo, opts) {
      const admdvs = admdvsOf(psnNo);
      if (!admdvs) throw new PayAuthRefused('PERSON_UNKNOWN', 'person not insured');
      const payAuthNo = formatPayAuthNo(admdvs);
      const expiresAt = Date.now() + (opts.ttlSeconds ?? 300) * 1000;
      grants.set(payAuthNo, { payAuthNo, psnNo, expiresAt, family: opts.family, openid: opts.openid, ...(opts.forPsnNo ? { forPsnNo: opts.forPsnNo } : {}) });
      return { payAuthNo, expiresAt };
    },
    describePayAuthNo: (payAuthNo) => grants.get(payAuthNo),
  };
}
