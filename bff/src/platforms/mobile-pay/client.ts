/**
 * The BFF's client for the national insurance mobile-pay center (6201/6202/6203/6301/6401, 1101
 * person lookup, 6302 notify verification). Production code: the mock only stands in for the
 * center, every path here runs in tests against it over HTTP.
 *
 * Rules it enforces:
 * - Envelope: requests are signed (SM3withSM2 over the plaintext sign string) then SM4-encrypted;
 *   answers and notifies are decrypted and verified with the platform's public key, and their
 *   timestamp must be fresh. An answer that does not verify is never used (kind 'signature').
 * - Money: integer fen inside, yuan strings with two decimals on the wire, exact conversion. Every
 *   identity is checked before a request leaves (MobilePayInvariantError, nothing sent) and after
 *   an answer arrives (PlatformError 'bad_response', code AMOUNT_IDENTITY / AMOUNT_MISMATCH /
 *   ID_MISMATCH). Nothing is ever rounded away.
 * - Retries: only 6301 (query) and 1101 (lookup) are idempotent and retried with backoff. 6201,
 *   6202, 6203, 6401 are sent once. A 6202 whose outcome is unknown (timeout, 5xx, connection
 *   reset, unverifiable answer) must be resolved with 6301, never re-sent: use
 *   `payOrderResolvingByQuery`, which does exactly that.
 * - ordStas: classified into processing / settled_candidate / refunded / failed; unknown codes
 *   are 'unknown' and never count as paid. "Paid" means a verified 6302 notify or a 6301 answer
 *   whose ordStas is a settled candidate (`settled: true`).
 * - Nothing here logs bodies, tokens, names or ID numbers.
 */
import { chinaDateTime, chinaStamp14, fenToYuan, yuanToFen } from '@ih/contract';
import {
  DEFAULT_SM2_USER_ID,
  EnvelopeError,
  EnvelopeSignatureError,
  EnvelopeStaleError,
  Sm2PrivateKey,
  Sm2PublicKey,
  type TimestampFormat,
  openEnvelope,
  sealRequest,
} from '@ih/crypto';
import type { MobilePayConfig } from '../../config';
import { type FetchLike, type PlatformCallEvent, PlatformError, expectOk, parseJson, platformRequest } from '../http';
import {
  type FeeUploadRequest,
  type FeeUploadResult,
  type OrdStasClass,
  type PayOrderRequest,
  type PayOrderResult,
  type PersonInfo,
  type PersonLookupRequest,
  type RefundRequest,
  type RefundResult,
  type RevokeRequest,
  type SettlementAmounts,
  type SettlementNotify,
  type SettlementQueryRequest,
  type SettlementQueryResult,
  type VoucherCredential,
  classifyOrdStas,
} from './types';

export const MOBILE_PAY = 'mobile-pay';
export const HOS_PATH = '/org/local/api/hos';
export const PATHS = {
  '6201': `${HOS_PATH}/uldFeeInfo`,
  '6202': `${HOS_PATH}/pay_order`,
  '6203': `${HOS_PATH}/refund_Order`,
  '6301': `${HOS_PATH}/query_order_info`,
  '6401': `${HOS_PATH}/revoke_order`,
} as const;
export type MobilePayInterface = keyof typeof PATHS | '1101' | '6302';

/** A request that breaks an invariant before it is sent (nothing left the BFF). */
export class MobilePayInvariantError extends Error {
  constructor(
    readonly code: 'AMOUNT_IDENTITY' | 'CREDENTIAL_CHOICE' | 'REFUND_RULE' | 'INVALID_FIELD',
    message: string,
  ) {
    super(message);
    this.name = 'MobilePayInvariantError';
  }
}

export interface MobilePayClientOptions {
  baseUrl: string;
  /** 1101 endpoint; default `${baseUrl}/fsi/api/rsfComIfsService/callService`. */
  psnInfoUrl?: string;
  appId: string;
  appSecret: string;
  orgCode: string;
  orgPrivateKey: string;
  platformPublicKey: string;
  sm2UserIdMode?: 'appSecret' | 'default';
  timestampFormat?: TimestampFormat;
  /** Max clock distance of notify/answer timestamps (default 300 s). */
  notifyMaxAgeSeconds?: number;
  /** Max clock distance of answers (default: notifyMaxAgeSeconds). */
  responseMaxAgeSeconds?: number;
  /** Bound of one attempt (default 10 s). */
  timeoutMs: number;
  /** Retries of idempotent calls (default 2). */
  queryRetries?: number;
  backoffMs?: number;
  fetch?: FetchLike;
  onEvent?: (event: PlatformCallEvent) => void;
  now?: () => number;
}

/** Builds the client options from the BFF configuration; refuses when keys are missing. */
export function mobilePayOptionsFromConfig(cfg: MobilePayConfig, timeoutMs: number): MobilePayClientOptions {
  const missing = (['appSecret', 'orgPrivateKey', 'platformPublicKey'] as const).filter((k) => !cfg[k]);
  if (missing.length > 0) {
    throw new Error(`移动支付中心未配置：缺少 ${missing.map((k) => ({ appSecret: 'MOBILE_PAY_APP_SECRET', orgPrivateKey: 'MOBILE_PAY_ORG_PRIVATE_KEY', platformPublicKey: 'MOBILE_PAY_PLATFORM_PUBLIC_KEY' })[k]).join('、')}`);
  }
  return {
    baseUrl: cfg.baseUrl,
    psnInfoUrl: cfg.psnInfoUrl,
    appId: cfg.appId,
    appSecret: cfg.appSecret!,
    orgCode: cfg.orgCode,
    orgPrivateKey: cfg.orgPrivateKey!,
    platformPublicKey: cfg.platformPublicKey!,
    sm2UserIdMode: cfg.sm2UserIdMode,
    timestampFormat: cfg.timestampFormat,
    notifyMaxAgeSeconds: cfg.notifyMaxAgeSeconds,
    timeoutMs,
  };
}

// ───────────────────────────── wire helpers ─────────────────────────────

type Data = Record<string, unknown>;

/** "yyyy-MM-dd HH:mm:ss" in CST. */
export function wireDateTime(d: Date): string {
  return chinaDateTime(d.getTime());
}
/** "yyyyMMddHHmmss" in CST. */
export function wireStamp(d: Date): string {
  return chinaStamp14(d.getTime());
}

function invariant(cond: boolean, code: MobilePayInvariantError['code'], message: string): asserts cond {
  if (!cond) throw new MobilePayInvariantError(code, message);
}

function fenArg(value: number, field: string): string {
  invariant(Number.isSafeInteger(value) && value >= 0, 'INVALID_FIELD', `${field} 必须是非负整数分`);
  return fenToYuan(value);
}

function credentialFields(c: VoucherCredential): Data {
  const pa = (c as { payAuthNo?: string }).payAuthNo;
  const ec = (c as { ecToken?: string }).ecToken;
  invariant(!!pa !== !!ec, 'CREDENTIAL_CHOICE', 'ecToken 与 payAuthNo 必须且只能有一个');
  return pa ? { payAuthNo: pa } : { ecToken: ec };
}

/** Reads a wire amount (yuan string or number, ≤ 2 decimals) as fen, or fails the answer. */
function readFen(d: Data, field: string, op: string, required: true): number;
function readFen(d: Data, field: string, op: string, required: false): number | undefined;
function readFen(d: Data, field: string, op: string, required: boolean): number | undefined {
  const v = d[field];
  if (v === undefined || v === null || v === '') {
    if (!required) return undefined;
    throw new PlatformError({ platform: MOBILE_PAY, operation: op, kind: 'bad_response', code: 'MISSING_FIELD', message: `answer lacks ${field}`, retryable: false });
  }
  try {
    if (typeof v !== 'string' && typeof v !== 'number') throw new RangeError('type');
    const fen = yuanToFen(String(v));
    if (fen < 0) throw new RangeError('negative');
    return fen;
  } catch {
    throw new PlatformError({ platform: MOBILE_PAY, operation: op, kind: 'bad_response', code: 'BAD_AMOUNT', message: `answer field ${field} is not a yuan amount with at most 2 decimals`, retryable: false });
  }
}

function readStr(d: Data, field: string, op: string, required: true): string;
function readStr(d: Data, field: string, op: string, required: false): string | undefined;
function readStr(d: Data, field: string, op: string, required: boolean): string | undefined {
  const v = d[field];
  if (v === undefined || v === null || v === '') {
    if (!required) return undefined;
    throw new PlatformError({ platform: MOBILE_PAY, operation: op, kind: 'bad_response', code: 'MISSING_FIELD', message: `answer lacks ${field}`, retryable: false });
  }
  if (typeof v !== 'string' && typeof v !== 'number') {
    throw new PlatformError({ platform: MOBILE_PAY, operation: op, kind: 'bad_response', code: 'BAD_FIELD', message: `answer field ${field} is not a string`, retryable: false });
  }
  return String(v);
}

function badResponse(op: string, code: string, message: string): PlatformError {
  return new PlatformError({ platform: MOBILE_PAY, operation: op, kind: 'bad_response', code, message, retryable: false });
}

/** Amounts of a 6202/6301/6302 data object, with the identity feeSumamt = own + acct + fund. */
function readAmounts(d: Data, op: string): SettlementAmounts {
  const a: SettlementAmounts = {
    feeSumamtFen: readFen(d, 'feeSumamt', op, true),
    ownPayAmtFen: readFen(d, 'ownPayAmt', op, true),
    psnAcctPayFen: readFen(d, 'psnAcctPay', op, true),
    fundPayFen: readFen(d, 'fundPay', op, true),
    acctMulaidPayFen: readFen(d, 'acctMulaidPay', op, false) ?? 0,
    hospPartAmtFen: readFen(d, 'hospPartAmt', op, false) ?? 0,
    othFeeAmtFen: readFen(d, 'othFeeAmt', op, false) ?? 0,
    depositFen: readFen(d, 'deposit', op, false) ?? 0,
  };
  if (a.feeSumamtFen !== a.ownPayAmtFen + a.psnAcctPayFen + a.fundPayFen) {
    throw badResponse(op, 'AMOUNT_IDENTITY', 'feeSumamt != ownPayAmt + psnAcctPay + fundPay');
  }
  return a;
}

function readSetlType(d: Data, op: string): 'ALL' | 'CASH' | 'HI' | undefined {
  const v = readStr(d, 'setlType', op, false);
  if (v === undefined) return undefined;
  if (v !== 'ALL' && v !== 'CASH' && v !== 'HI') throw badResponse(op, 'BAD_FIELD', 'unknown setlType');
  return v;
}

/** setlType must agree with the parts (CASH: no insurance; HI: no cash). */
function checkSetlType(t: 'ALL' | 'CASH' | 'HI' | undefined, a: SettlementAmounts, op: string): void {
  if (t === undefined) return;
  const hi = a.psnAcctPayFen + a.fundPayFen;
  if ((t === 'CASH' && hi !== 0) || (t === 'HI' && a.ownPayAmtFen !== 0)) throw badResponse(op, 'AMOUNT_IDENTITY', `setlType ${t} does not match the amounts`);
}

// ───────────────────────────── the client ─────────────────────────────

export class MobilePayClient {
  private readonly privateKey: Sm2PrivateKey;
  private readonly publicKey: Sm2PublicKey;
  private readonly userId: string;
  private readonly now: () => number;

  constructor(private readonly o: MobilePayClientOptions) {
    this.privateKey = Sm2PrivateKey.from(o.orgPrivateKey);
    this.publicKey = Sm2PublicKey.from(o.platformPublicKey).precompute();
    this.userId = o.sm2UserIdMode === 'default' ? DEFAULT_SM2_USER_ID : o.appSecret;
    this.now = o.now ?? Date.now;
  }

  get orgCode(): string {
    return this.o.orgCode;
  }

  private url(path: string): string {
    return `${this.o.baseUrl.replace(/\/+$/, '')}${path}`;
  }

  /** Seal, send, open, check `code`. Returns the verified plaintext data (or {} when none). */
  private async call(op: MobilePayInterface, url: string, data: Data, idempotent: boolean): Promise<Data> {
    const envelope = sealRequest(data, {
      appId: this.o.appId,
      appSecret: this.o.appSecret,
      privateKey: this.privateKey,
      sm2UserId: this.userId,
      ...(this.o.timestampFormat ? { timestampFormat: this.o.timestampFormat } : {}),
      now: this.now,
    });
    const res = expectOk(
      await platformRequest({
        platform: MOBILE_PAY,
        operation: op,
        url,
        method: 'POST',
        json: envelope,
        timeoutMs: this.o.timeoutMs,
        idempotent,
        ...(this.o.queryRetries !== undefined ? { retries: this.o.queryRetries } : {}),
        ...(this.o.backoffMs !== undefined ? { backoffMs: this.o.backoffMs } : {}),
        ...(this.o.fetch ? { fetch: this.o.fetch } : {}),
        ...(this.o.onEvent ? { onEvent: this.o.onEvent } : {}),
      }),
      MOBILE_PAY,
      op,
    );
    const body = parseJson<unknown>(res.text, MOBILE_PAY, op);
    let opened: { data: unknown; fields: Record<string, unknown> };
    try {
      opened = openEnvelope(body, {
        appId: this.o.appId,
        appSecret: this.o.appSecret,
        publicKey: this.publicKey,
        sm2UserId: this.userId,
        maxAgeMs: (this.o.responseMaxAgeSeconds ?? this.o.notifyMaxAgeSeconds ?? 300) * 1000,
        ...(this.o.timestampFormat ? { timestampFormat: this.o.timestampFormat } : {}),
        now: this.now,
      });
    } catch (e) {
      if (!(e instanceof EnvelopeError)) throw e;
      const sig = e instanceof EnvelopeSignatureError || e instanceof EnvelopeStaleError;
      // An answer we cannot trust: for a call that moves money its outcome is unknown.
      throw new PlatformError({
        platform: MOBILE_PAY,
        operation: op,
        kind: sig ? 'signature' : 'bad_response',
        code: e.code,
        message: `answer rejected: ${e.message}`,
        retryable: false,
        outcomeUnknown: !idempotent,
      });
    }
    const code = opened.fields.code;
    const success = opened.fields.success;
    const codeStr = typeof code === 'number' ? String(code) : code;
    if (codeStr !== '0') {
      const message = typeof opened.fields.message === 'string' && opened.fields.message ? opened.fields.message : '移动支付中心拒绝了请求';
      throw new PlatformError({ platform: MOBILE_PAY, operation: op, kind: 'rejected', code: typeof codeStr === 'string' ? codeStr : 'UNKNOWN', message, retryable: false });
    }
    if (success === false || success === 'false') throw badResponse(op, 'INCONSISTENT', 'code "0" with success=false');
    const out = opened.data;
    if (out === undefined || out === null) return {};
    if (typeof out !== 'object' || Array.isArray(out)) throw badResponse(op, 'BAD_DATA', 'answer data is not an object');
    return out as Data;
  }

  // ── 6201 ──────────────────────────────────────────────

  /** 6201 fee detail upload. Sent once (not idempotent: a re-upload of medOrgOrd is refused). */
  async uploadFees(r: FeeUploadRequest): Promise<FeeUploadResult> {
    const cred = credentialFields(r.credential);
    invariant(r.feedetailList.length > 0, 'INVALID_FIELD', '费用明细不能为空');
    const sns = new Set<string>();
    let sum = 0;
    const feedetailList = r.feedetailList.map((it, i) => {
      invariant(!sns.has(it.feedetlSn), 'INVALID_FIELD', `费用明细流水号重复（第 ${i + 1} 条）`);
      sns.add(it.feedetlSn);
      const fee = fenArg(it.detItemFeeSumamtFen, `feedetailList[${i}].detItemFeeSumamtFen`);
      fenArg(it.pricFen, `feedetailList[${i}].pricFen`);
      invariant(Number.isFinite(it.cnt) && it.cnt > 0 && /^\d+(\.\d{1,4})?$/.test(String(it.cnt)), 'INVALID_FIELD', `feedetailList[${i}].cnt 必须是正数（最多 4 位小数）`);
      // cnt × pric must give the item total exactly (cnt may have decimals: compare in 1/10000 fen).
      const [whole, frac = ''] = String(it.cnt).split('.');
      const cnt1e4 = BigInt(whole! + frac.padEnd(4, '0'));
      const product = cnt1e4 * BigInt(it.pricFen);
      const rounded = (product + 5000n) / 10000n;
      invariant(rounded === BigInt(it.detItemFeeSumamtFen), 'AMOUNT_IDENTITY', `feedetailList[${i}] 数量×单价与明细金额不一致`);
      sum += it.detItemFeeSumamtFen;
      return {
        feedetlSn: it.feedetlSn,
        ...(it.rxno ? { rxno: it.rxno } : {}),
        medListCodg: it.medListCodg,
        medinsListCodg: it.medinsListCodg,
        detItemFeeSumamt: fee,
        cnt: String(it.cnt),
        pric: fenToYuan(it.pricFen),
        bilgDeptCodg: it.bilgDeptCodg,
        ...(it.bilgDeptName ? { bilgDeptName: it.bilgDeptName } : {}),
        bilgDrCodg: it.bilgDrCodg,
        ...(it.bilgDrName ? { bilgDrName: it.bilgDrName } : {}),
        feeOcurTime: wireDateTime(it.feeOcurTime),
        ...(it.extra ?? {}),
      };
    });
    const total = fenArg(r.medfeeSumamtFen, 'medfeeSumamtFen');
    invariant(sum === r.medfeeSumamtFen, 'AMOUNT_IDENTITY', 'medfeeSumamt 不等于费用明细金额之和');
    const data: Data = {
      orgCodg: this.o.orgCode,
      orgId: this.o.orgCode,
      psnNo: r.psnNo,
      insutype: r.insutype,
      medOrgOrd: r.medOrgOrd,
      begntime: wireDateTime(r.begntime),
      idNo: r.idNo,
      userName: r.userName,
      idType: r.idType ?? '01',
      ...cred,
      insuCode: r.insuCode,
      iptOtpNo: r.iptOtpNo,
      atddrNo: r.atddrNo,
      ...(r.drName ? { drName: r.drName } : {}),
      deptCode: r.deptCode,
      deptName: r.deptName,
      caty: r.caty,
      ...(r.mdtrtId ? { mdtrtId: r.mdtrtId } : {}),
      medType: r.medType,
      feeType: r.feeType,
      medfeeSumamt: total,
      acctUsedFlag: r.acctUsedFlag ? '1' : '0',
      psnSetlway: r.psnSetlway ?? '01',
      chrgBchno: r.chrgBchno,
      pubHospRfomFlag: r.pubHospRfomFlag ?? '0',
      ...(r.uldLatlnt ? { uldLatlnt: r.uldLatlnt } : {}),
      mdtrtCertType: r.mdtrtCertType ?? '01',
      diseinfoList: r.diseinfoList.map((d) => ({ ...d, ...(d.diagTime ? { diagTime: wireDateTime(d.diagTime) } : {}) })),
      feedetailList,
      ...(r.notifyUrl ? { notifyUrl: r.notifyUrl } : {}),
    };
    const out = await this.call('6201', this.url(PATHS['6201']), data, false);
    return { payOrdId: readStr(out, 'payOrdId', '6201', true), payToken: readStr(out, 'payToken', '6201', true) };
  }

  // ── 6202 ──────────────────────────────────────────────

  /**
   * 6202 pay order (pre-settlement). Sent ONCE. If it throws a PlatformError with
   * `outcomeUnknown` (timeout, 5xx, reset, unverifiable answer) the order may have been placed:
   * resolve it with `querySettlement` (or call `payOrderResolvingByQuery` instead), never re-send.
   * A success answer is not "paid": wait for the 6302 notify or a settled 6301.
   */
  async payOrder(r: PayOrderRequest): Promise<PayOrderResult> {
    const cred = credentialFields(r.credential);
    fenArg(r.expectedFeeSumamtFen, 'expectedFeeSumamtFen');
    const data: Data = {
      ...cred,
      payOrdId: r.payOrdId,
      payToken: r.payToken,
      orgCodg: this.o.orgCode,
      orgBizSer: r.orgBizSer,
      chrgBchno: r.chrgBchno,
      feeType: r.feeType,
      ...(r.mdtrtId ? { mdtrtId: r.mdtrtId } : {}),
      acctUsedFlag: r.acctUsedFlag ? '1' : '0',
      ...(r.notifyUrl ? { notifyUrl: r.notifyUrl } : {}),
    };
    const out = await this.call('6202', this.url(PATHS['6202']), data, false);
    return this.readPayAnswer(out, '6202', r.payOrdId, r.expectedFeeSumamtFen, r.acctUsedFlag);
  }

  private readPayAnswer(out: Data, op: string, payOrdId: string, expectedFee: number, acctUsed: boolean): PayOrderResult {
    const id = readStr(out, 'payOrdId', op, true);
    if (id !== payOrdId) throw badResponse(op, 'ID_MISMATCH', 'payOrdId in the answer is not the one sent');
    const amounts = readAmounts(out, op);
    if (amounts.feeSumamtFen !== expectedFee) throw badResponse(op, 'AMOUNT_MISMATCH', 'feeSumamt differs from the uploaded medfeeSumamt');
    if (!acctUsed && amounts.psnAcctPayFen !== 0) throw badResponse(op, 'AMOUNT_MISMATCH', 'personal account used although acctUsedFlag=0');
    const ordStas = readStr(out, 'ordStas', op, true);
    const ordStasClass = classifyOrdStas(ordStas);
    if (ordStasClass === 'unknown') throw badResponse(op, 'UNKNOWN_ORD_STAS', 'ordStas is not a known state');
    const ext = out.extData as Data | undefined;
    const preSetl = ext && typeof ext === 'object' && typeof ext.preSetl === 'object' && ext.preSetl !== null ? (ext.preSetl as Record<string, unknown>) : undefined;
    return { payOrdId: id, ordStas, ordStasClass, ...amounts, ...(preSetl ? { preSetl } : {}) };
  }

  /**
   * 6202, and when its outcome is unknown, 6301 instead of a second 6202. Returns the 6202 answer,
   * or the 6301 answer when the order had to be resolved by querying. Throws the 6202 error when
   * the call was refused or its answer failed a check (known outcome), or the 6301 error when the
   * outcome stays unknown (then try `querySettlement` again later; never re-send 6202).
   */
  async payOrderResolvingByQuery(
    r: PayOrderRequest,
    identity: { idNo: string; userName: string; idType?: string },
  ): Promise<{ via: '6202'; result: PayOrderResult } | { via: '6301'; result: SettlementQueryResult; payError: PlatformError }> {
    try {
      return { via: '6202', result: await this.payOrder(r) };
    } catch (e) {
      if (!(e instanceof PlatformError) || !e.outcomeUnknown) throw e;
      const result = await this.querySettlement({ payOrdId: r.payOrdId, payToken: r.payToken, ...identity, expected: { feeSumamtFen: r.expectedFeeSumamtFen } });
      return { via: '6301', result, payError: e };
    }
  }

  // ── 6301 ──────────────────────────────────────────────

  /** 6301 settlement query (idempotent: retried with backoff on timeouts and 5xx). */
  async querySettlement(r: SettlementQueryRequest): Promise<SettlementQueryResult> {
    const data: Data = { payOrdId: r.payOrdId, orgCodg: this.o.orgCode, payToken: r.payToken, idNo: r.idNo, userName: r.userName, idType: r.idType ?? '01' };
    const out = await this.call('6301', this.url(PATHS['6301']), data, true);
    const op = '6301';
    const id = readStr(out, 'payOrdId', op, true);
    if (id !== r.payOrdId) throw badResponse(op, 'ID_MISMATCH', 'payOrdId in the answer is not the one asked for');
    const ordStas = readStr(out, 'ordStas', op, true);
    const ordStasClass: OrdStasClass = classifyOrdStas(ordStas);
    const medOrgOrd = readStr(out, 'medOrgOrd', op, false);
    if (r.expected?.medOrgOrd !== undefined && medOrgOrd !== undefined && medOrgOrd !== r.expected.medOrgOrd) throw badResponse(op, 'ID_MISMATCH', 'medOrgOrd differs from the order');
    const hasAmounts = out.ownPayAmt !== undefined || out.fundPay !== undefined || out.psnAcctPay !== undefined;
    let amounts: Partial<SettlementAmounts> = {};
    if (hasAmounts) amounts = readAmounts(out, op);
    else {
      const fee = readFen(out, 'feeSumamt', op, false);
      if (fee !== undefined) amounts = { feeSumamtFen: fee };
    }
    if (r.expected?.feeSumamtFen !== undefined && amounts.feeSumamtFen !== undefined && amounts.feeSumamtFen !== r.expected.feeSumamtFen) {
      throw badResponse(op, 'AMOUNT_MISMATCH', 'feeSumamt differs from the order');
    }
    const setlType = readSetlType(out, op);
    if (hasAmounts) checkSetlType(setlType, amounts as SettlementAmounts, op);
    const settled = ordStasClass === 'settled_candidate' && hasAmounts;
    const ext = out.extData as Data | undefined;
    const preSetl = ext && typeof ext === 'object' && typeof ext.preSetl === 'object' && ext.preSetl !== null ? (ext.preSetl as Record<string, unknown>) : undefined;
    const opt = (k: string) => readStr(out, k, op, false);
    const callType = opt('callType');
    const traceTime = opt('traceTime');
    const revsToken = opt('revsToken');
    return {
      payOrdId: id,
      ordStas,
      ordStasClass,
      ...amounts,
      ...(medOrgOrd !== undefined ? { medOrgOrd } : {}),
      ...(setlType ? { setlType } : {}),
      ...(callType !== undefined ? { callType } : {}),
      ...(traceTime !== undefined ? { traceTime } : {}),
      ...(revsToken !== undefined ? { revsToken } : {}),
      settled,
      ...(preSetl ? { preSetl } : {}),
    };
  }

  // ── 6203 ──────────────────────────────────────────────

  /**
   * 6203 refund, whole order only. Sent once; after an unknown outcome query 6301 (ordStas
   * refunded?) and only then re-send with the SAME appRefdSn.
   */
  async refund(r: RefundRequest): Promise<RefundResult> {
    const cred = credentialFields(r.credential);
    const totl = fenArg(r.totlRefdAmtFen, 'totlRefdAmtFen');
    const cash = fenArg(r.cashRefdAmtFen, 'cashRefdAmtFen');
    const acct = fenArg(r.psnAcctRefdAmtFen, 'psnAcctRefdAmtFen');
    const fund = fenArg(r.fundRefdAmtFen, 'fundRefdAmtFen');
    invariant(r.totlRefdAmtFen === r.cashRefdAmtFen + r.psnAcctRefdAmtFen + r.fundRefdAmtFen, 'AMOUNT_IDENTITY', 'totlRefdAmt 不等于现金、个人账户、基金退款之和');
    invariant(r.totlRefdAmtFen > 0, 'REFUND_RULE', '退款金额必须大于 0');
    if (r.refdType === 'CASH') invariant(r.psnAcctRefdAmtFen === 0 && r.fundRefdAmtFen === 0, 'REFUND_RULE', 'CASH 退款只能退现金部分');
    if (r.refdType === 'HI') invariant(r.cashRefdAmtFen === 0, 'REFUND_RULE', 'HI 退款不能包含现金');
    if (r.original) {
      const o = r.original;
      const okAll = r.cashRefdAmtFen === o.ownPayAmtFen && r.psnAcctRefdAmtFen === o.psnAcctPayFen && r.fundRefdAmtFen === o.fundPayFen;
      const okCash = r.cashRefdAmtFen === o.ownPayAmtFen;
      const okHi = r.psnAcctRefdAmtFen === o.psnAcctPayFen && r.fundRefdAmtFen === o.fundPayFen;
      invariant(r.refdType === 'ALL' ? okAll : r.refdType === 'CASH' ? okCash : okHi, 'REFUND_RULE', '处方须整单退费：退款金额必须等于原订单对应部分');
    }
    const data: Data = {
      payOrdId: r.payOrdId,
      appRefdSn: r.appRefdSn,
      appRefdTime: wireStamp(r.appRefdTime),
      totlRefdAmt: totl,
      cashRefdAmt: cash,
      psnAcctRefdAmt: acct,
      fundRefdAmt: fund,
      ...cred,
      refdType: r.refdType,
    };
    const out = await this.call('6203', this.url(PATHS['6203']), data, false);
    const op = '6203';
    const refStatus = readStr(out, 'refStatus', op, true);
    if (refStatus !== 'SUCC' && refStatus !== 'FAIL' && refStatus !== 'EXP') throw badResponse(op, 'UNKNOWN_REF_STATUS', 'refStatus is not SUCC/FAIL/EXP');
    // When the answer echoes the amounts they must be the ones asked for.
    const echo: Array<[string, number]> = [['totlRefdAmt', r.totlRefdAmtFen], ['cashRefdAmt', r.cashRefdAmtFen], ['psnAcctRefdAmt', r.psnAcctRefdAmtFen], ['fundRefdAmt', r.fundRefdAmtFen]];
    for (const [field, asked] of echo) {
      const got = readFen(out, field, op, false);
      if (got !== undefined && got !== asked) throw badResponse(op, 'AMOUNT_MISMATCH', `${field} in the answer differs from the request`);
    }
    const echoId = readStr(out, 'payOrdId', op, false);
    if (echoId !== undefined && echoId !== r.payOrdId) throw badResponse(op, 'ID_MISMATCH', 'payOrdId in the answer is not the one sent');
    const opt = (k: string) => readStr(out, k, op, false);
    const hiFefdSn = opt('hiFefdSn');
    const hiTrnsDate = opt('hiTrnsDate');
    const hiTrnsTime = opt('hiTrnsTime');
    return {
      refdSn: (refStatus === 'SUCC' ? readStr(out, 'refdSn', op, true) : readStr(out, 'refdSn', op, false)) ?? '',
      refStatus,
      ...(hiFefdSn !== undefined ? { hiFefdSn } : {}),
      ...(hiTrnsDate !== undefined ? { hiTrnsDate } : {}),
      ...(hiTrnsTime !== undefined ? { hiTrnsTime } : {}),
    };
  }

  // ── 6401 ──────────────────────────────────────────────

  /** 6401 upload revoke (only before settlement; the center refuses afterwards). Sent once. */
  async revokeUpload(r: RevokeRequest): Promise<void> {
    const data: Data = { payOrdId: r.payOrdId, orgCodg: this.o.orgCode, payToken: r.payToken, idNo: r.idNo, userName: r.userName, idType: r.idType ?? '01' };
    await this.call('6401', this.url(PATHS['6401']), data, false);
  }

  // ── 1101 ──────────────────────────────────────────────

  /**
   * Person lookup after authorization (FSI 1101 message in the envelope, INF). With a payAuthNo:
   * the authorizing person (or, for a family authorization, the member named by certno). The
   * payAuthNo is not consumed. Idempotent: retried.
   */
  async lookupPerson(r: PersonLookupRequest): Promise<PersonInfo> {
    const op = '1101';
    const input: Data = r.payAuthNo
      ? { mdtrt_cert_type: '01', mdtrt_cert_no: r.payAuthNo, ...(r.certno ? { certno: r.certno, psn_cert_type: '01' } : {}), ...(r.psnName ? { psn_name: r.psnName } : {}) }
      : { mdtrt_cert_type: '02', mdtrt_cert_no: r.certno, certno: r.certno, psn_cert_type: '01', ...(r.psnName ? { psn_name: r.psnName } : {}) };
    const msg: Data = {
      infno: '1101',
      msgid: `${this.o.orgCode}${wireStamp(new Date(this.now()))}${String(Math.floor(Math.random() * 10000)).padStart(4, '0')}`,
      inf_time: wireDateTime(new Date(this.now())),
      fixmedins_code: this.o.orgCode,
      input: { data: input },
    };
    const out = await this.call(op, this.o.psnInfoUrl ?? this.url('/fsi/api/rsfComIfsService/callService'), msg, true);
    const infcode = out.infcode;
    if (infcode !== 0 && infcode !== '0') {
      throw new PlatformError({ platform: MOBILE_PAY, operation: op, kind: 'rejected', code: `INFCODE_${String(infcode)}`, message: typeof out.err_msg === 'string' && out.err_msg ? out.err_msg : '人员信息查询失败', retryable: false });
    }
    const output = out.output as Data | undefined;
    const base = output?.baseinfo as Data | undefined;
    if (!output || !base) throw badResponse(op, 'MISSING_FIELD', 'answer lacks output.baseinfo');
    const insuinfo = Array.isArray(output.insuinfo) ? (output.insuinfo as Data[]) : [];
    if (insuinfo.length === 0) throw badResponse(op, 'MISSING_FIELD', 'answer lacks output.insuinfo');
    const certno = readStr(base, 'certno', op, true);
    if (r.certno && certno.toUpperCase() !== r.certno.toUpperCase()) throw badResponse(op, 'ID_MISMATCH', 'the person returned is not the one asked for');
    const exp = (typeof output.exp_content === 'object' && output.exp_content !== null ? output.exp_content : {}) as Data;
    const flag = (k: string) => (exp[k] === '1' ? true : exp[k] === '0' ? false : undefined);
    const voucherActivated = flag('ec_actv_flag');
    const onlinePaySuspended = flag('onln_pay_paus_flag');
    const gend = readStr(base, 'gend', op, false);
    const brdy = readStr(base, 'brdy', op, false);
    return {
      psnNo: readStr(base, 'psn_no', op, true),
      psnCertType: readStr(base, 'psn_cert_type', op, false) ?? '01',
      certno,
      psnName: readStr(base, 'psn_name', op, true),
      ...(gend !== undefined ? { gend } : {}),
      ...(brdy !== undefined ? { brdy } : {}),
      insurances: insuinfo.map((i) => {
        const balcFen = readFen(i, 'balc', op, false);
        const psnType = readStr(i, 'psn_type', op, false);
        const stas = readStr(i, 'psn_insu_stas', op, false);
        return {
          insutype: readStr(i, 'insutype', op, true),
          insuplcAdmdvs: readStr(i, 'insuplc_admdvs', op, true),
          ...(psnType !== undefined ? { psnType } : {}),
          ...(stas !== undefined ? { psnInsuStas: stas } : {}),
          pausInsuDate: typeof i.paus_insu_date === 'string' ? i.paus_insu_date : null,
          ...(balcFen !== undefined ? { balcFen } : {}),
        };
      }),
      ...(typeof exp.insuplc_name === 'string' ? { insuplcName: exp.insuplc_name } : {}),
      ...(voucherActivated !== undefined ? { voucherActivated } : {}),
      ...(onlinePaySuspended !== undefined ? { onlinePaySuspended } : {}),
      ...(typeof exp.onln_pay_paus_rea === 'string' ? { onlinePaySuspendedReason: exp.onln_pay_paus_rea } : {}),
    };
  }

  // ── 6302 ──────────────────────────────────────────────

  /**
   * Verifies and parses a 6302 settlement notify from its raw body: JSON envelope, appId, fresh
   * timestamp (notifyMaxAgeSeconds), SM2 signature with the platform key, data shape and the
   * amount identity. Throws PlatformError: 'signature' (bad/missing signature, stale or
   * unparseable timestamp — code ENVELOPE_BAD_SIGNATURE / ENVELOPE_STALE) or 'bad_response'
   * (not JSON, not an envelope, undecryptable, missing fields, AMOUNT_IDENTITY). Compare the
   * event with the local order with `assertNotifyMatchesOrder` before marking anything paid.
   */
  verifyAndParseSettlementNotify(rawBody: string | Uint8Array): SettlementNotify {
    const op = '6302';
    const text = typeof rawBody === 'string' ? rawBody : Buffer.from(rawBody).toString('utf8');
    const body = parseJson<unknown>(text, MOBILE_PAY, op);
    let opened: { data: unknown; timestampMs: number | null };
    try {
      opened = openEnvelope(body, {
        appId: this.o.appId,
        appSecret: this.o.appSecret,
        publicKey: this.publicKey,
        sm2UserId: this.userId,
        maxAgeMs: (this.o.notifyMaxAgeSeconds ?? 300) * 1000,
        ...(this.o.timestampFormat ? { timestampFormat: this.o.timestampFormat } : {}),
        now: this.now,
      });
    } catch (e) {
      if (!(e instanceof EnvelopeError)) throw e;
      const sig = e instanceof EnvelopeSignatureError || e instanceof EnvelopeStaleError;
      throw new PlatformError({ platform: MOBILE_PAY, operation: op, kind: sig ? 'signature' : 'bad_response', code: e.code, message: `notify rejected: ${e.message}`, retryable: false });
    }
    const d = opened.data;
    if (typeof d !== 'object' || d === null || Array.isArray(d)) throw badResponse(op, 'BAD_DATA', 'notify data is not an object');
    const data = d as Data;
    const payOrdId = readStr(data, 'payOrdId', op, true);
    const callType = readStr(data, 'callType', op, true);
    const medOrgOrd = readStr(data, 'medOrgOrd', op, true);
    const amounts = readAmounts(data, op);
    const setlType = readSetlType(data, op);
    checkSetlType(setlType, amounts, op);
    const ordStas = readStr(data, 'ordStas', op, false);
    const traceTime = readStr(data, 'traceTime', op, false);
    const revsToken = readStr(data, 'revsToken', op, false);
    return {
      payOrdId,
      callType,
      medOrgOrd,
      ...amounts,
      ...(traceTime !== undefined ? { traceTime } : {}),
      ...(ordStas !== undefined ? { ordStas } : {}),
      ordStasClass: ordStas === undefined ? 'not_given' : classifyOrdStas(ordStas),
      ...(setlType ? { setlType } : {}),
      ...(revsToken !== undefined ? { revsToken } : {}),
      sentAt: opened.timestampMs ?? 0,
      dedupKey: `${payOrdId}:${callType}`,
    };
  }
}

/**
 * The verified notify must describe OUR order: same payOrdId/medOrgOrd and the amounts 6202/6301
 * gave. Throws PlatformError 'bad_response' (ID_MISMATCH / AMOUNT_MISMATCH) otherwise.
 */
export function assertNotifyMatchesOrder(
  n: SettlementNotify,
  order: { payOrdId: string; medOrgOrd?: string; feeSumamtFen: number; ownPayAmtFen?: number; psnAcctPayFen?: number; fundPayFen?: number },
): void {
  if (n.payOrdId !== order.payOrdId || (order.medOrgOrd !== undefined && n.medOrgOrd !== order.medOrgOrd)) throw badResponse('6302', 'ID_MISMATCH', 'notify is for another order');
  const diffs: Array<[number, number | undefined]> = [
    [n.feeSumamtFen, order.feeSumamtFen],
    [n.ownPayAmtFen, order.ownPayAmtFen],
    [n.psnAcctPayFen, order.psnAcctPayFen],
    [n.fundPayFen, order.fundPayFen],
  ];
  if (diffs.some(([got, want]) => want !== undefined && got !== want)) throw badResponse('6302', 'AMOUNT_MISMATCH', 'notify amounts differ from the order');
}

/** The acknowledgement the center expects from the notify endpoint. */
export function settlementNotifyAck(ok: boolean, message = ok ? '成功' : '失败'): { success: boolean; message: string } {
  return { success: ok, message };
}
