/** Wire shapes of WeChat Pay v3 (snake_case as on the wire; amounts integer fen). */

export type MixPayType = 'CASH_ONLY' | 'INSURANCE_ONLY' | 'CASH_AND_INSURANCE';
export type MedInsOrderType =
  | 'REG_PAY'
  | 'DIAG_PAY'
  | 'IN_HOSP_PAY'
  | 'PHARMACY_PAY'
  | 'INSURANCE_PAY'
  | 'INT_REG_PAY'
  | 'INT_RE_DIAG_PAY'
  | 'INT_RX_PAY'
  | 'MED_PAY';
export type MixPayStatus = 'MIX_PAY_CREATED' | 'MIX_PAY_SUCCESS' | 'MIX_PAY_REFUND' | 'MIX_PAY_FAIL';
export type SelfPayStatus = 'SELF_PAY_CREATED' | 'SELF_PAY_SUCCESS' | 'SELF_PAY_REFUND' | 'SELF_PAY_FAIL' | 'NO_SELF_PAY';
export type MedInsPayStatus = 'MED_INS_PAY_CREATED' | 'MED_INS_PAY_SUCCESS' | 'MED_INS_PAY_REFUND' | 'MED_INS_PAY_FAIL' | 'NO_MED_INS_PAY';
export type UserCardType = 'ID_CARD' | 'HOUSEHOLD_REGISTRATION' | 'FOREIGNER_PASSPORT' | 'MAINLAND_TRAVEL_PERMIT_FOR_TW' | 'MAINLAND_TRAVEL_PERMIT_FOR_MO' | 'MAINLAND_TRAVEL_PERMIT_FOR_HK' | 'FOREIGN_PERMANENT_RESIDENT';

/** The mixed order as WeChat Pay answers it (create, queries, MEDICAL_INSURANCE.SUCCESS). */
export interface MedInsOrderEntity {
  mix_trade_no: string;
  mix_pay_status: MixPayStatus;
  self_pay_status: SelfPayStatus;
  med_ins_pay_status: MedInsPayStatus;
  paid_time?: string;
  passthrough_response_content?: string;
  mix_pay_type: MixPayType;
  order_type: MedInsOrderType;
  appid: string;
  openid: string;
  pay_for_relatives?: boolean;
  out_trade_no: string;
  serial_no: string;
  pay_order_id?: string;
  pay_auth_no?: string;
  geo_location?: string;
  city_id: string;
  med_inst_name: string;
  med_inst_no: string;
  med_ins_order_create_time?: string;
  total_fee: number;
  med_ins_gov_fee?: number;
  med_ins_self_fee?: number;
  med_ins_other_fee?: number;
  med_ins_cash_fee?: number;
  wechat_pay_cash_fee?: number;
  cash_add_detail?: Array<{ cash_add_fee: number; cash_add_type: string }>;
  cash_reduce_detail?: Array<{ cash_reduce_fee: number; cash_reduce_type: string }>;
  callback_url: string;
  prepay_id?: string;
  attach?: string;
  channel_no?: string;
  med_ins_test_env?: boolean;
  /** Only on queries, when the insurance part failed: show it to the user. */
  med_ins_fail_reason?: string;
}

export interface TransactionEntity {
  appid: string;
  mchid: string;
  out_trade_no: string;
  transaction_id?: string;
  trade_type?: string;
  trade_state: 'SUCCESS' | 'REFUND' | 'NOTPAY' | 'CLOSED' | 'REVOKED' | 'USERPAYING' | 'PAYERROR';
  trade_state_desc?: string;
  success_time?: string;
  attach?: string;
  payer?: { openid: string };
  amount: { total: number; payer_total?: number; currency?: string; payer_currency?: string };
}

export interface RefundEntity {
  refund_id: string;
  out_refund_no: string;
  transaction_id: string;
  out_trade_no: string;
  channel?: string;
  user_received_account?: string;
  success_time?: string;
  create_time: string;
  status: 'SUCCESS' | 'CLOSED' | 'PROCESSING' | 'ABNORMAL';
  funds_account?: string;
  amount: { total: number; refund: number; payer_total: number; payer_refund: number; currency?: string };
}

/** The decrypted resource of REFUND.* callbacks. */
export interface RefundNotifyResource {
  mchid: string;
  out_trade_no: string;
  transaction_id: string;
  out_refund_no: string;
  refund_id: string;
  refund_status: 'SUCCESS' | 'CLOSED' | 'ABNORMAL';
  success_time?: string;
  user_received_account?: string;
  amount: { total: number; refund: number; payer_total: number; payer_refund: number };
}

/** Parameters for wx.requestMedicalInsurancePay (cash fields only when there is a cash share). */
export interface MedicalInsurancePayLaunch {
  mixTradeNo: string;
  appId: string;
  timeStamp?: string;
  nonceStr?: string;
  package?: string;
  signType?: 'RSA';
  paySign?: string;
}

/** Parameters for wx.requestPayment (plain JSAPI / mini-program payment). */
export interface JsapiPayLaunch {
  appId: string;
  timeStamp: string;
  nonceStr: string;
  package: string;
  signType: 'RSA';
  paySign: string;
}
