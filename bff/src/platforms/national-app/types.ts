/**
 * National insurance APP channel (国家医保服务平台 APP, H5 inside the APP). INF: no public document
 * shows this channel's endpoints; the shapes mirror the WeChat/Alipay channels and use the
 * mobile-pay center's SM2/SM4 envelope. Everything is configurable.
 */
import type { TimestampFormat, UserId } from '@ih/crypto';

export interface NationalAppClientConfig {
  /** Channel API / page root (mock: <MOCK_BASE_URL>/national-app). */
  baseUrl: string;
  /** Envelope appId; at least 16 ASCII characters (SM4 key derivation). */
  orgAppId: string;
  /** 机构渠道认证编码 from the channel feedback form (may contain / + =). */
  orgChnlCrtfCodg: string;
  /** 定点医药机构编码. */
  orgCodg: string;
  appSecret: string;
  /** The institution's SM2 private key (Base64 raw d). */
  orgPrivateKey: string;
  /** The platform's SM2 public key (Base64 04‖X‖Y). */
  platformPublicKey: string;
  /** Default: the appSecret bytes (as the envelope); DEFAULT_SM2_USER_ID for '1234567812345678'. */
  sm2UserId?: UserId;
  timestampFormat?: TimestampFormat;
  timeoutMs: number;
  /** Answers and notifications with a timestamp further than this from now are refused. */
  maxAgeMs: number;
  /** Retries of idempotent calls. Default 2. */
  retries?: number;
}

/** The person the APP says authorized (the voucher holder), plus a single-use payAuthNo. */
export interface NationalAppAuthorization {
  bizType: '04107' | '04106';
  person: {
    name: string;
    /** ID number (certno). Never log it. */
    idNo: string;
    /** psnCertType, "01" = resident ID card. */
    idType: string;
    /** 参保地 admdvs. */
    insuplcAdmdvs: string;
  };
  /** A family (亲情) authorization: the APP user authorized for a relative. */
  family: boolean;
  /** Masked name of the APP user who authorized for the relative. */
  relsPayUserName?: string;
  /** Epoch ms when payAuthNo stops working (04107 only). */
  expiresAt?: number;
  /** Non-enumerable: never serialised or logged. 04107 only. Works once, minutes. */
  readonly payAuthNo?: string;
}

export type AuthorizeReturn =
  | { ok: true; authCode: string }
  | { ok: false; reason: 'cancelled' | 'state_mismatch' | 'missing_code' | 'error'; message: string };

export type CashierStatus = 'WAIT_PAY' | 'SUCCESS' | 'CLOSED' | 'REFUND';
export const CASHIER_STATUSES: readonly CashierStatus[] = ['WAIT_PAY', 'SUCCESS', 'CLOSED', 'REFUND'];

export interface CashierOrderInput {
  outTradeNo: string;
  totalFen: number;
  subject: string;
  notifyUrl: string;
  returnUrl: string;
  /**
   * The insurance part (INF): the center's pay order the APP cashier settles together with the
   * cash (the APP is the center's own channel). With it the cash may be 0.00 (insurance only).
   */
  payOrdId?: string;
}

export interface CashierOrderInfo {
  outTradeNo: string;
  tradeNo: string;
  status: CashierStatus;
  totalFen: number;
  refundFen: number;
  /** yyyyMMddHHmmss (China time). */
  payTime?: string;
}

export interface NationalAppPayEvent {
  notifyId: string;
  outTradeNo: string;
  tradeNo: string;
  payStatus: 'SUCCESS';
  totalFen: number;
  payTime?: string;
  /** Envelope timestamp, epoch ms. */
  sentAt: number | null;
}

export type NationalAppNotifyResult =
  | { ok: true; event: NationalAppPayEvent }
  | { ok: false; reason: 'malformed' | 'signature' | 'stale' | 'app_mismatch' | 'unsupported'; message: string };
