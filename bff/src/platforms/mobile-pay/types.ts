/**
 * Typed requests and results of the mobile-pay center interfaces. Amounts are integer fen here
 * (`…Fen`); the client converts them to yuan strings on the wire and back, exactly.
 */

/** ordStas groups (mobile-pay.md): 0–2 processing; 3–6 settled candidates; 7–13 refunded/cancelled; 14–16 failed. */
export type OrdStasClass = 'processing' | 'settled_candidate' | 'refunded' | 'failed' | 'unknown';

/** Classifies an ordStas. Anything not a known number in 0–16 is 'unknown' and never counts as paid. */
export function classifyOrdStas(ordStas: unknown): OrdStasClass {
  const s = typeof ordStas === 'number' ? String(ordStas) : ordStas;
  if (typeof s !== 'string' || !/^\d{1,2}$/.test(s)) return 'unknown';
  const n = Number(s);
  if (n <= 2) return 'processing';
  if (n <= 6) return 'settled_candidate';
  if (n <= 13) return 'refunded';
  if (n <= 16) return 'failed';
  return 'unknown';
}

/** Exactly one of the two voucher credentials. */
export type VoucherCredential = { payAuthNo: string; ecToken?: never } | { ecToken: string; payAuthNo?: never };

export interface FeeDetailItem {
  /** 费用明细流水号, unique within the upload. */
  feedetlSn: string;
  /** 处方号. */
  rxno?: string;
  /** 医保目录编码 (national code). */
  medListCodg: string;
  /** 医药机构目录编码 (the hospital's own code). */
  medinsListCodg: string;
  /** 明细项目费用总额 (fen). */
  detItemFeeSumamtFen: number;
  /** 数量 (may have up to 4 decimals). */
  cnt: number;
  /** 单价 (fen). */
  pricFen: number;
  bilgDeptCodg: string;
  bilgDeptName?: string;
  bilgDrCodg: string;
  bilgDrName?: string;
  feeOcurTime: Date;
  /** Other platform fields passed through as is (no amounts). */
  extra?: Record<string, string>;
}

export interface DiseaseInfo {
  diagType: string;
  diagSrtNo: string;
  diagCode: string;
  diagName: string;
  diagDept?: string;
  diseDorNo?: string;
  diseDorName?: string;
  diagTime?: Date;
}

/** 6201 费用明细上传. */
export interface FeeUploadRequest {
  credential: VoucherCredential;
  psnNo: string;
  insutype: string;
  /** 参保地 (insuplc_admdvs). */
  insuCode: string;
  /** 医院订单号 (unique per upload; WeChat serial_no). */
  medOrgOrd: string;
  begntime: Date;
  idNo: string;
  userName: string;
  /** 证件类型, default "01" 居民身份证. */
  idType?: string;
  /** 门诊/住院号. */
  iptOtpNo: string;
  atddrNo: string;
  drName?: string;
  deptCode: string;
  deptName: string;
  caty: string;
  mdtrtId?: string;
  /** 医疗类别 (e.g. "11" 普通门诊; internet re-visit codes are city-specific). */
  medType: string;
  feeType: '01' | '02';
  medfeeSumamtFen: number;
  acctUsedFlag: boolean;
  psnSetlway?: string;
  chrgBchno: string;
  pubHospRfomFlag?: string;
  /** "lng,lat" */
  uldLatlnt?: string;
  /** 就诊凭证类型, default "01" (电子凭证). */
  mdtrtCertType?: string;
  diseinfoList: DiseaseInfo[];
  feedetailList: FeeDetailItem[];
  /** Where the center should POST the 6302 notify for this order (INF: some deployments configure it once). */
  notifyUrl?: string;
}

export interface FeeUploadResult {
  payOrdId: string;
  payToken: string;
}

/** 6202 支付下单. */
export interface PayOrderRequest {
  payOrdId: string;
  payToken: string;
  credential: VoucherCredential;
  orgBizSer: string;
  chrgBchno: string;
  feeType: '01' | '02';
  mdtrtId?: string;
  acctUsedFlag: boolean;
  /** What 6201 uploaded: the answer's feeSumamt must equal it. */
  expectedFeeSumamtFen: number;
  notifyUrl?: string;
}

export interface SettlementAmounts {
  feeSumamtFen: number;
  /** 个人现金支付. */
  ownPayAmtFen: number;
  /** 个人账户支付. */
  psnAcctPayFen: number;
  /** 医保基金支付. */
  fundPayFen: number;
  /** 共济账户支付. */
  acctMulaidPayFen: number;
  /** 医院负担. */
  hospPartAmtFen: number;
  othFeeAmtFen: number;
  depositFen: number;
}

export interface PayOrderResult extends SettlementAmounts {
  payOrdId: string;
  ordStas: string;
  ordStasClass: OrdStasClass;
  /**
   * extData.preSetl as returned (snake_case pre-settlement). Contains the patient's name and ID
   * number: never log it, never send it to the client as is.
   */
  preSetl?: Record<string, unknown>;
}

/** 6301 结算结果查询. */
export interface SettlementQueryRequest {
  payOrdId: string;
  payToken: string;
  idNo: string;
  userName: string;
  idType?: string;
  /** When given, the answer must match (identity checks). */
  expected?: { medOrgOrd?: string; feeSumamtFen?: number };
}

export interface SettlementQueryResult extends Partial<SettlementAmounts> {
  payOrdId: string;
  ordStas: string;
  ordStasClass: OrdStasClass;
  medOrgOrd?: string;
  setlType?: 'ALL' | 'CASH' | 'HI';
  callType?: string;
  traceTime?: string;
  revsToken?: string;
  /** True only for a settled-candidate ordStas with complete, consistent amounts: "paid". */
  settled: boolean;
  preSetl?: Record<string, unknown>;
}

export type RefundType = 'ALL' | 'CASH' | 'HI';

/** 6203 医保退费 (whole order only). */
export interface RefundRequest {
  payOrdId: string;
  /** Our refund serial: reuse the same one when re-sending after an unknown outcome. */
  appRefdSn: string;
  appRefdTime: Date;
  refdType: RefundType;
  totlRefdAmtFen: number;
  cashRefdAmtFen: number;
  psnAcctRefdAmtFen: number;
  fundRefdAmtFen: number;
  /** A FRESH voucher verification (refunds need one: seed 003). */
  credential: VoucherCredential;
  /** The settled order's parts: when given, the refund type rules are checked against them before sending. */
  original?: { ownPayAmtFen: number; psnAcctPayFen: number; fundPayFen: number };
}

export type RefundStatus = 'SUCC' | 'FAIL' | 'EXP';

export interface RefundResult {
  refdSn: string;
  hiFefdSn?: string;
  hiTrnsDate?: string;
  hiTrnsTime?: string;
  refStatus: RefundStatus;
}

/** 6401 费用明细上传撤销. */
export interface RevokeRequest {
  payOrdId: string;
  payToken: string;
  idNo: string;
  userName: string;
  idType?: string;
}

/** 1101 person lookup. */
export type PersonLookupRequest =
  | { payAuthNo: string; certno?: string; psnName?: string }
  | { certno: string; psnName?: string; payAuthNo?: never };

export interface PersonInsurance {
  insutype: string;
  psnType?: string;
  /** 参保地 */
  insuplcAdmdvs: string;
  /** psn_insu_stas: "1" 正常参保. */
  psnInsuStas?: string;
  pausInsuDate?: string | null;
  /** Personal-account balance (fen), when the platform gives it. */
  balcFen?: number;
}

export interface PersonInfo {
  psnNo: string;
  psnCertType: string;
  certno: string;
  psnName: string;
  gend?: string;
  brdy?: string;
  insurances: PersonInsurance[];
  /** From exp_content (INF): undefined when the platform does not say. */
  insuplcName?: string;
  voucherActivated?: boolean;
  onlinePaySuspended?: boolean;
  onlinePaySuspendedReason?: string;
}

/** 6302 settlement notify, verified. */
export interface SettlementNotify extends SettlementAmounts {
  payOrdId: string;
  /** "02" = pay success. */
  callType: string;
  medOrgOrd: string;
  traceTime?: string;
  ordStas?: string;
  ordStasClass: OrdStasClass | 'not_given';
  setlType?: 'ALL' | 'CASH' | 'HI';
  revsToken?: string;
  /** Envelope timestamp (epoch ms). */
  sentAt: number;
  /** Idempotency key for the receiver: payOrdId + callType. */
  dedupKey: string;
}
