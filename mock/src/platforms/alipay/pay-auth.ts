/**
 * How the Alipay and national insurance APP mocks get a pay_auth_no / payAuthNo. The real channels
 * obtain it from the national platform; in the mocks the mobile-pay center mock owns pay_auth_no
 * state (validity, single use), so `allPlatforms()` wires its `issuePayAuthNo`. Alone (unit tests),
 * a local stand-in mints numbers of the same shape.
 */
import { randomInt } from 'node:crypto';
import { chinaStamp14 } from '@ih/contract';

export interface PayAuthGrant {
  payAuthNo: string;
  /** Epoch ms. */
  expiresAt: number;
}

export interface PayAuthIssueOptions {
  channel: 'alipay' | 'national-app';
  /**
   * A family (亲情) authorization: psnNo is the holder (the signed-in user) who authorizes payment
   * for the relative `forPsnNo` (the mobile-pay center mock's convention).
   */
  family: boolean;
  forPsnNo?: string;
  ttlSeconds?: number;
  [extra: string]: unknown;
}

export interface PayAuthIssuer {
  /** Throws when the center refuses (unknown person, voucher not activated …). */
  issuePayAuthNo(psnNo: string, opts: PayAuthIssueOptions): PayAuthGrant;
  /**
   * The user confirmed an insurance order in the channel's cashier (INF: Alipay trade with
   * extend_params.med_pay_ord_id, the national APP cashier with payOrdId): the center settles the
   * pay order (and sends its 6302). Absent without a center mock.
   */
  settlePayOrder?(payOrdId: string): void;
  /** The center's view of a pay order (amounts in fen, ordStas). */
  getPayOrder?(payOrdId: string): { ordStas: string; fundPay: number; psnAcctPay: number; ownPayAmt: number; feeSumamt: number } | undefined;
}

const cstStamp = chinaStamp14;

/** Stand-in: "AUTH" + division + yyyyMMddHHmmss + 7 digits; remembers what it issued. */
export function createLocalPayAuthIssuer(admdvsOf: (psnNo: string) => string | undefined = () => '640100'): PayAuthIssuer & {
  issued: Map<string, { psnNo: string; forPsnNo?: string; expiresAt: number; family: boolean; channel: string }>;
} {
  const issued = new Map<string, { psnNo: string; forPsnNo?: string; expiresAt: number; family: boolean; channel: string }>();
  return {
    issued,
    issuePayAuthNo(psnNo, opts) {
      const admdvs = admdvsOf(opts.forPsnNo ?? psnNo);
      if (!admdvs || !admdvsOf(psnNo)) throw new Error('person not insured');
      const now = Date.now();
      const payAuthNo = `AUTH${admdvs.slice(0, 6).padEnd(6, '0')}${cstStamp(now)}${String(randomInt(0, 10_000_000)).padStart(7, "0")}`;
      const expiresAt = now + (opts.ttlSeconds ?? 300) * 1000;
      issued.set(payAuthNo, { psnNo, ...(opts.forPsnNo ? { forPsnNo: opts.forPsnNo } : {}), expiresAt, family: opts.family, channel: opts.channel });
      return { payAuthNo, expiresAt };
    },
  };
}
