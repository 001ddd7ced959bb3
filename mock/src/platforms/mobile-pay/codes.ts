/**
 * Answer codes and order states of the mobile-pay center mock.
 *
 * The real center answers `code: "0"` on success and a non-"0" code with a Chinese `message`
 * otherwise (success=false), inside the signed envelope. The individual non-zero codes of the
 * real center are not public (INF): the mock uses the stable codes below so tests and the BFF's
 * error mapping can tell the cases apart. The BFF must treat any non-"0" code as a refusal and
 * must not depend on these exact numbers in production.
 */

export const MP_CODES = {
  OK: '0',
  /** Request envelope malformed / unknown appId / wrong encType. */
  ENVELOPE_MALFORMED: '100001',
  /** The institution's signature does not verify. */
  SIGNATURE_INVALID: '100002',
  /** Request timestamp outside the allowed window (replay). */
  TIMESTAMP_STALE: '100003',
  /** encData cannot be decrypted. */
  DECRYPT_FAILED: '100004',
  /** A field is missing or malformed. */
  PARAM_INVALID: '100010',
  /** An amount identity does not hold (sums, refund parts). */
  AMOUNT_MISMATCH: '100011',
  /** An item code is not in the insurance catalog mapping. */
  CATALOG_UNKNOWN: '100012',
  /** The institution code is not the one bound to this appId. */
  ORG_MISMATCH: '100013',
  /** Neither or both of ecToken/payAuthNo. */
  AUTH_TOKEN_CHOICE: '200000',
  /** payAuthNo unknown or expired. */
  PAY_AUTH_INVALID: '200001',
  /** payAuthNo already used for another order / a refund. */
  PAY_AUTH_USED: '200002',
  /** payAuthNo belongs to another person (and is not a family authorization covering this one). */
  PAY_AUTH_OTHER_PERSON: '200003',
  /** Name / ID number / insutype / 参保地 do not match the insured person. */
  PERSON_MISMATCH: '200004',
  /** Person unknown to the center. */
  PERSON_UNKNOWN: '200005',
  /** Internet insurance payment suspended for this person. */
  PERSON_SUSPENDED: '200006',
  /** Voucher (医保电子凭证) not activated. */
  VOUCHER_NOT_ACTIVATED: '200007',
  ORDER_NOT_FOUND: '300001',
  /** The order is not in a state that allows the operation. */
  ORDER_STATE: '300002',
  /** medOrgOrd already uploaded and not revoked. */
  ORDER_DUPLICATE: '300003',
  /** payToken does not belong to the order. */
  PAY_TOKEN_INVALID: '300004',
  /** Refund type / amount rule broken. */
  REFUND_RULE: '300010',
  /** Injected by the `platform_error` fault when no code is given. */
  SYSTEM_BUSY: '999999',
} as const;
export type MpCode = (typeof MP_CODES)[keyof typeof MP_CODES];

/** A business refusal: answered as a signed envelope with `code`/`message`, success=false. */
export class MobilePayRefusal extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'MobilePayRefusal';
  }
}

/**
 * ordStas (订单状态). The groups are from public code (0–2 processing; 3–6 settled candidates,
 * confirm by 6301; 7–13 refunded/cancelled; 14–16 failed); individual meanings are INF.
 * The mock uses: 0 on 6201, 1 after 6202, 6 after the user confirms payment, 7/8/9 on refund,
 * 12 on 6401, 15 when the settlement fails.
 */
export const ORD_STAS = {
  SAVED: '0', // 已保存（费用已上传）
  PRE_SETTLED: '1', // 预结算完成（6202 下单完成）
  SETTLING: '2', // 结算中
  CASH_DONE: '3', // 自费完成
  HI_DONE: '4', // 医保支付完成
  HOSP_SETTLED: '5', // 院内结算完成
  SETTLED: '6', // 结算完成
  REFUNDED: '7', // 已退款（全部）
  HI_REFUNDED: '8', // 医保部分已全部退款
  CASH_REFUNDED: '9', // 自费部分已全部退款
  REVOKED: '12', // 已撤销（6401）
  FAILED: '15', // 结算失败
} as const;
export type OrdStas = (typeof ORD_STAS)[keyof typeof ORD_STAS];
