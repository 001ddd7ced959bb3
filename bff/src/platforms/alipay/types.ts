/** Alipay adapter types. Money is integer fen here; the wire speaks yuan strings. */

export interface AlipayClientConfig {
  /** OpenAPI v2 gateway (real: https://openapi.alipay.com/gateway.do). */
  gatewayUrl: string;
  appId: string;
  /** The app's RSA2 private key: Base64 of DER (PKCS#8 or PKCS#1) as Alipay's key tool prints it, or PEM. */
  appPrivateKey: string;
  /** Alipay's RSA2 public key (public-key mode): Base64 of SPKI DER, or PEM. */
  alipayPublicKey: string;
  /** Upper bound of one call. */
  timeoutMs: number;
  /** Notifications whose notify_time is further than this from now are refused (replay). */
  notifyMaxAgeMs: number;
  /** The institution's credentials for the insurance authorization (channel feedback form). */
  medical: { orgAppId: string; orgChnlCrtfCode: string; orgCode: string };
  /** Retries of idempotent calls (query, close, refund with out_request_no). Default 2. */
  retries?: number;
}

export interface AlipayOauthToken {
  userId: string;
  accessToken: string;
  refreshToken: string;
  /** Seconds. */
  expiresIn: number;
}

/** auth_stas 0: the user must open `authUrl` (Alipay's authorization page) and come back. */
export interface MedicalAuthPending {
  authorized: false;
  reqBizNo: string;
  authUrl: string;
  /** Whether the user's own e-voucher is activated (medical_card_status "1"). */
  voucherActivated: boolean;
}

/**
 * auth_stas 1. `payAuthNo` is NOT enumerable: it never shows up in JSON.stringify or a logged
 * object; read it explicitly and pass it straight to 6201/6202. It lives minutes and works once.
 */
export interface MedicalAuthGranted {
  authorized: true;
  reqBizNo: string;
  authNo?: string;
  authTime?: string;
  /** 参保地 (insu_org, admdvs code). */
  insuOrg?: string;
  voucherActivated: boolean;
  /** Self (rels_pay_flag 0) or a family (亲情) authorization (1). */
  family: boolean;
  /** Masked name of the main account when family (rels_pay_user_name). */
  relsPayUserName?: string;
  /** Only for ol_biz_type_code 04107. */
  readonly payAuthNo?: string;
}

export type MedicalAuthResult = MedicalAuthPending | MedicalAuthGranted;

export type AlipayTradeStatus = 'WAIT_BUYER_PAY' | 'TRADE_CLOSED' | 'TRADE_SUCCESS' | 'TRADE_FINISHED';
export const ALIPAY_TRADE_STATUSES: readonly AlipayTradeStatus[] = ['WAIT_BUYER_PAY', 'TRADE_CLOSED', 'TRADE_SUCCESS', 'TRADE_FINISHED'];

export interface CreateTradeInput {
  outTradeNo: string;
  totalFen: number;
  subject: string;
  /** The payer's Alipay user id (2088…), from the oauth token. */
  buyerId: string;
  notifyUrl: string;
  /** e.g. "30m" (trade closes unpaid after that). */
  timeoutExpress?: string;
  /**
   * The insurance part of a mixed order (INF: sent as extend_params.med_pay_ord_id /
   * med_org_ord; Alipay settles the center's pay order when the user pays). Confirm the field
   * names with Alipay's medical team before going live.
   */
  medical?: { payOrdId: string; medOrgOrd: string };
}

export interface AlipayTrade {
  tradeNo: string;
  outTradeNo: string;
  status: AlipayTradeStatus;
  totalFen: number;
  /** What the buyer paid (0 until paid). */
  buyerPayFen: number;
  /** Cumulative refunded amount. */
  refundFen: number;
  buyerUserId?: string;
  /** "yyyy-MM-dd HH:mm:ss" (China time) when paid. */
  paidAt?: string;
}

export interface RefundInput {
  outTradeNo: string;
  /** Idempotency key of this refund: the same number never refunds twice. */
  outRequestNo: string;
  refundFen: number;
  reason?: string;
}

export interface AlipayRefund {
  outTradeNo: string;
  tradeNo: string;
  /** Whether this call moved money (N: the refund had already been made with this out_request_no). */
  fundChange: boolean;
  /** Cumulative refunded amount of the trade. */
  totalRefundedFen: number;
}

export interface AlipayRefundQuery {
  outRequestNo: string;
  /** Found and successful, or not found (never made, or still unknown to Alipay). */
  status: 'REFUND_SUCCESS' | 'NOT_FOUND';
  refundFen: number;
}

/** A verified trade_status_sync notification. */
export interface AlipayTradeEvent {
  notifyId: string;
  /** Epoch ms of notify_time. */
  notifyTime: number;
  appId: string;
  outTradeNo: string;
  tradeNo: string;
  tradeStatus: AlipayTradeStatus;
  totalFen: number;
  receiptFen?: number;
  buyerPayFen?: number;
  buyerId?: string;
  sellerId?: string;
  gmtPayment?: string;
  /** Present on refund notifications: cumulative refunded amount and the refund's out_request_no. */
  refundFeeFen?: number;
  outBizNo?: string;
  gmtRefund?: string;
}

export type AlipayNotifyRejectReason = 'malformed' | 'app_mismatch' | 'signature' | 'stale' | 'unsupported';

export type AlipayNotifyResult =
  | { ok: true; event: AlipayTradeEvent }
  | { ok: false; reason: AlipayNotifyRejectReason; message: string };
