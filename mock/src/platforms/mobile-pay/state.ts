/**
 * State and business rules of the mobile-pay center mock: insured persons, the one-time payAuthNo
 * values issued by the authorization channels (WeChat, Alipay, the national APP), ecTokens, pay
 * orders with their ordStas, refunds, personal-account balances.
 *
 * The HTTP layer (index.ts) opens and seals envelopes; everything here works on plaintext `data`
 * objects with the platform's field names (amounts as yuan strings on the wire, integer fen in
 * the state) and throws MobilePayRefusal for every broken rule, with a Chinese message.
 *
 * Programmatic API for the other mocks and tests (also exposed on the admin routes):
 *   issuePayAuthNo(psnNo, {channel, family, ttlSeconds}) → {payAuthNo, expiresAt, psnNo, family}
 *   describePayAuthNo(payAuthNo), findPerson({psnNo|idNo|wechatOpenId|alipayUserId}),
 *   getPayOrder(payOrdId) (fen), settlePayOrder(payOrdId) = the user confirmed the payment,
 *   issueEcToken(psnNo).
 */
import { randomBytes, randomInt } from 'node:crypto';
import { chinaDateTime, chinaStamp14, fenToYuan, yuanToFen } from '@ih/contract';
import { MP_CODES, MobilePayRefusal, ORD_STAS } from './codes';
import { type InsuredPerson, loadInsuredPersons, payAuthTtlFromDemo, readDemoJson } from './people';
import { type CatalogClass, type Split, computeSplit, loadCatalog } from './split';

// ───────────────────────────── types ─────────────────────────────

export type PayAuthRefusedReason = 'VOUCHER_NOT_ACTIVATED' | 'PERSON_UNKNOWN' | 'SUSPENDED' | 'OTHER';

/** Thrown by issuePayAuthNo when the center would not authorize (same shape as the WeChat mock's PayAuthRefused). */
export class PayAuthRefused extends Error {
  constructor(
    readonly reason: PayAuthRefusedReason,
    message: string,
  ) {
    super(message);
    this.name = 'PayAuthRefused';
  }
}

export interface IssuePayAuthOptions {
  /** Which channel asked ("wechat", "alipay", "app", "test"…): recorded only. */
  channel?: string;
  /**
   * Family (亲情) authorization: the holder (psnNo) authorizes payment for a family member. The
   * payAuthNo then covers psnNo and every person family-linked to psnNo.
   */
  family?: boolean;
  /** Narrow a family authorization to one family member. */
  forPsnNo?: string;
  /** Lifetime (default: the seed's pay_auth_ttl_seconds, 300 s). Fractions allowed (tests). */
  ttlSeconds?: number;
  [extra: string]: unknown;
}

export interface PayAuthGrant {
  payAuthNo: string;
  /** Epoch ms. */
  expiresAt: number;
  /** The person who authorized (the voucher holder). */
  psnNo: string;
  family: boolean;
}

export interface PayAuthInfo extends PayAuthGrant {
  channel: string;
  forPsnNo?: string;
  issuedAt: number;
  /** payOrdId this payAuthNo was bound to by 6201 (single use). */
  boundTo?: string;
  /** Consumed by a settlement or a refund. */
  consumed: boolean;
  kind: 'payAuthNo' | 'ecToken';
}

export interface RefundRecord {
  appRefdSn: string;
  refdType: 'ALL' | 'CASH' | 'HI';
  totlRefdAmt: number;
  cashRefdAmt: number;
  psnAcctRefdAmt: number;
  fundRefdAmt: number;
  refdSn: string;
  hiFefdSn: string;
  hiTrnsDate: string;
  hiTrnsTime: string;
  refStatus: 'SUCC' | 'FAIL' | 'EXP';
  at: number;
}

export interface MockOrderItem {
  feedetlSn: string;
  medListCodg: string;
  feeFen: number;
  cls: CatalogClass;
}

export interface MockPayOrder {
  payOrdId: string;
  payToken: string;
  medOrgOrd: string;
  orgCodg: string;
  /** The patient (insured person of the order). */
  psnNo: string;
  insutype: string;
  insuCode: string;
  /** The authorization used (payAuthNo or ecToken value). */
  authToken: string;
  authKind: 'payAuthNo' | 'ecToken';
  /** Holder of the authorization (differs from psnNo for a family authorization). */
  authPsnNo: string;
  family: boolean;
  chrgBchno: string;
  mdtrtId: string;
  feeType: string;
  acctUsedFlag: boolean;
  items: MockOrderItem[];
  feeSumamt: number;
  split?: Split;
  ordStas: string;
  createdAt: number;
  preSetlAt?: number;
  setlAt?: number;
  traceTime?: string;
  revsToken?: string;
  setlType?: 'ALL' | 'CASH' | 'HI';
  notifyUrl?: string;
  cashRefunded: boolean;
  hiRefunded: boolean;
  refunds: RefundRecord[];
}

/** What other mocks see of an order (amounts in fen). */
export interface CenterPayOrder {
  payOrdId: string;
  payAuthNo?: string;
  psnNo: string;
  medOrgOrd: string;
  feeSumamt: number;
  fundPay: number;
  psnAcctPay: number;
  /** acctMulaidPay + hospPartAmt + othFeeAmt (always 0 in this mock). */
  othPay: number;
  ownPayAmt: number;
  ordStas: string;
}

export interface MobilePayStateOptions {
  /** The institution code bound to the appId (orgCodg). */
  orgCode: string;
  demoJsonPath?: string;
  drugsJsonPath?: string;
  payAuthTtlSeconds?: number;
  now?: () => number;
  /** Called after a successful settlement (index.ts sends the 6302 notify). */
  onSettled?: (order: MockPayOrder) => void;
}

// ───────────────────────────── helpers ─────────────────────────────

export const stamp14 = (ms: number): string => chinaStamp14(ms);
export const dateTime = (ms: number): string => chinaDateTime(ms);
const digits = (n: number) => Array.from({ length: n }, () => randomInt(0, 10)).join('');

function refuse(code: string, message: string): never {
  throw new MobilePayRefusal(code, message);
}

type Data = Record<string, unknown>;

function str(d: Data, field: string, required = true): string {
  const v = d[field];
  if (v === undefined || v === null || v === '') {
    if (required) refuse(MP_CODES.PARAM_INVALID, `参数[${field}]不能为空`);
    return '';
  }
  if (typeof v !== 'string' && typeof v !== 'number') refuse(MP_CODES.PARAM_INVALID, `参数[${field}]格式不正确`);
  return String(v);
}

/** A yuan amount (string or number, ≤ 2 decimals, ≥ 0) → fen. */
function amount(d: Data, field: string): number {
  const raw = str(d, field);
  let fen: number;
  try {
    fen = yuanToFen(raw);
  } catch {
    refuse(MP_CODES.PARAM_INVALID, `金额[${field}]格式不正确，应为不超过两位小数的元`);
  }
  if (fen < 0) refuse(MP_CODES.PARAM_INVALID, `金额[${field}]不能为负数`);
  return fen;
}

/** Decimal string → [BigInt scaled, scale]. */
function decimal(raw: string): { v: bigint; scale: number } | null {
  const m = /^(\d{1,13})(?:\.(\d{1,6}))?$/.exec(raw.trim());
  if (!m) return null;
  const frac = m[2] ?? '';
  return { v: BigInt(m[1]! + frac), scale: frac.length };
}

// ───────────────────────────── the state ─────────────────────────────

export class MobilePayCenterState {
  persons = new Map<string, InsuredPerson>();
  readonly auths = new Map<string, PayAuthInfo>();
  readonly orders = new Map<string, MockPayOrder>();
  readonly catalog: Map<string, CatalogClass>;
  payAuthTtlSeconds: number;
  onSettled?: (order: MockPayOrder) => void;
  private readonly now: () => number;

  constructor(private readonly opts: MobilePayStateOptions) {
    this.now = opts.now ?? Date.now;
    this.catalog = loadCatalog(opts.drugsJsonPath);
    const demo = readDemoJson(opts.demoJsonPath);
    this.payAuthTtlSeconds = opts.payAuthTtlSeconds ?? payAuthTtlFromDemo(demo);
    if (opts.onSettled) this.onSettled = opts.onSettled;
    this.reset();
  }

  get orgCode(): string {
    return this.opts.orgCode;
  }

  reset(): void {
    this.persons = loadInsuredPersons(readDemoJson(this.opts.demoJsonPath));
    this.auths.clear();
    this.orders.clear();
  }

  // ── persons ──────────────────────────────────────────────

  findPerson(q: { psnNo?: string; idNo?: string; wechatOpenId?: string; alipayUserId?: string }): InsuredPerson | undefined {
    if (q.psnNo) return this.persons.get(q.psnNo);
    for (const p of this.persons.values()) {
      if (q.idNo && p.idNo === q.idNo.toUpperCase()) return p;
      if (q.wechatOpenId && p.wechatOpenId === q.wechatOpenId) return p;
      if (q.alipayUserId && p.alipayUserId === q.alipayUserId) return p;
    }
    return undefined;
  }

  private person(psnNo: string): InsuredPerson {
    const p = this.persons.get(psnNo);
    if (!p) refuse(MP_CODES.PERSON_UNKNOWN, '未查询到该参保人信息');
    return p;
  }

  // ── authorizations ───────────────────────────────────────

  /**
   * Mint a one-time payAuthNo, as the national platform does when the patient authorizes the
   * voucher in WeChat / Alipay / the APP. Expires in minutes, binds to one order at 6201, and is
   * consumed by the settlement (or by a refund).
   */
  issuePayAuthNo(psnNo: string, opts: IssuePayAuthOptions = {}): PayAuthGrant {
    const p = this.persons.get(psnNo);
    if (!p) throw new PayAuthRefused('PERSON_UNKNOWN', '未查询到该参保人信息');
    if (!p.voucherActivated) throw new PayAuthRefused('VOUCHER_NOT_ACTIVATED', '医保电子凭证未激活，请先激活');
    const family = opts.family === true || (opts.forPsnNo !== undefined && opts.forPsnNo !== psnNo);
    if (opts.forPsnNo !== undefined && opts.forPsnNo !== psnNo && !p.familyPsnNos.has(opts.forPsnNo)) {
      throw new PayAuthRefused('OTHER', '亲情授权仅限已绑定的家庭成员');
    }
    const issuedAt = this.now();
    const ttlMs = Math.round((opts.ttlSeconds ?? this.payAuthTtlSeconds) * 1000);
    const payAuthNo = `AUTH${p.insuplcAdmdvs.slice(0, 6).padEnd(6, '0')}${stamp14(issuedAt)}${digits(7)}`;
    const info: PayAuthInfo = {
      payAuthNo,
      psnNo,
      family,
      expiresAt: issuedAt + ttlMs,
      issuedAt,
      channel: typeof opts.channel === 'string' ? opts.channel : 'unknown',
      consumed: false,
      kind: 'payAuthNo',
      ...(opts.forPsnNo !== undefined ? { forPsnNo: opts.forPsnNo } : {}),
    };
    this.auths.set(payAuthNo, info);
    return { payAuthNo, expiresAt: info.expiresAt, psnNo, family };
  }

  /** An ecToken as from the offline voucher QR code (the other of the two 6201 credentials). */
  issueEcToken(psnNo: string, ttlSeconds = 600): PayAuthGrant {
    const p = this.persons.get(psnNo);
    if (!p) throw new PayAuthRefused('PERSON_UNKNOWN', '未查询到该参保人信息');
    if (!p.voucherActivated) throw new PayAuthRefused('VOUCHER_NOT_ACTIVATED', '医保电子凭证未激活，请先激活');
    const issuedAt = this.now();
    const token = `${p.insuplcAdmdvs.slice(0, 6)}${randomBytes(16).toString('hex').toUpperCase()}`;
    const info: PayAuthInfo = { payAuthNo: token, psnNo, family: false, expiresAt: issuedAt + ttlSeconds * 1000, issuedAt, channel: 'qrcode', consumed: false, kind: 'ecToken' };
    this.auths.set(token, info);
    return { payAuthNo: token, expiresAt: info.expiresAt, psnNo, family: false };
  }

  describePayAuthNo(payAuthNo: string): PayAuthInfo | undefined {
    const a = this.auths.get(payAuthNo);
    return a ? { ...a } : undefined;
  }

  /** Checks a credential for a patient; returns it or refuses. Does not bind or consume. */
  private checkAuth(token: string, kind: 'payAuthNo' | 'ecToken', patientPsnNo: string, forOrder?: string): PayAuthInfo {
    const a = this.auths.get(token);
    const label = kind === 'payAuthNo' ? '医保授权码(payAuthNo)' : '电子凭证令牌(ecToken)';
    if (!a || a.kind !== kind) refuse(MP_CODES.PAY_AUTH_INVALID, `${label}无效，请重新授权`);
    if (this.now() >= a.expiresAt) refuse(MP_CODES.PAY_AUTH_INVALID, `${label}已过期，请重新授权`);
    if (a.consumed || (a.boundTo !== undefined && a.boundTo !== forOrder)) refuse(MP_CODES.PAY_AUTH_USED, `${label}已使用，请重新授权`);
    if (a.psnNo !== patientPsnNo) {
      const holder = this.persons.get(a.psnNo);
      const covered = a.family && holder?.familyPsnNos.has(patientPsnNo) && (a.forPsnNo === undefined || a.forPsnNo === patientPsnNo);
      if (!covered) refuse(MP_CODES.PAY_AUTH_OTHER_PERSON, '授权人与就诊人不一致，医保电子凭证仅限本人授权使用');
    }
    return a;
  }

  /** Exactly one of ecToken / payAuthNo. */
  private credential(d: Data): { token: string; kind: 'payAuthNo' | 'ecToken' } {
    const pa = str(d, 'payAuthNo', false);
    const ec = str(d, 'ecToken', false);
    if ((pa === '') === (ec === '')) refuse(MP_CODES.AUTH_TOKEN_CHOICE, 'ecToken与payAuthNo必须且只能传其中一个');
    return pa ? { token: pa, kind: 'payAuthNo' } : { token: ec, kind: 'ecToken' };
  }

  private checkOrg(d: Data, required = true): void {
    const org = str(d, 'orgCodg', required);
    if (org && org !== this.opts.orgCode) refuse(MP_CODES.ORG_MISMATCH, '机构编码与渠道不匹配');
  }

  // ── 6201 fee upload ──────────────────────────────────────

  uploadFee(d: Data): Data {
    this.checkOrg(d);
    const psnNo = str(d, 'psnNo');
    const medOrgOrd = str(d, 'medOrgOrd');
    const insutype = str(d, 'insutype');
    const insuCode = str(d, 'insuCode');
    const chrgBchno = str(d, 'chrgBchno');
    const mdtrtId = str(d, 'mdtrtId', false);
    const feeType = str(d, 'feeType');
    if (feeType !== '01' && feeType !== '02') refuse(MP_CODES.PARAM_INVALID, '参数[feeType]只能为01（门诊）或02（住院）');
    const acctUsedFlag = str(d, 'acctUsedFlag');
    if (acctUsedFlag !== '0' && acctUsedFlag !== '1') refuse(MP_CODES.PARAM_INVALID, '参数[acctUsedFlag]只能为0或1');
    const cred = this.credential(d);
    const p = this.person(psnNo);
    const idNo = str(d, 'idNo');
    const userName = str(d, 'userName');
    if (idNo.toUpperCase() !== p.idNo || userName !== p.name) refuse(MP_CODES.PERSON_MISMATCH, '参保人姓名或证件号码与医保登记信息不一致');
    if (insutype !== p.insutype) refuse(MP_CODES.PERSON_MISMATCH, `险种类型[${insutype}]与参保人参保险种不一致`);
    if (insuCode !== p.insuplcAdmdvs) refuse(MP_CODES.PERSON_MISMATCH, '参保地与参保人参保地不一致');
    if (p.suspended) refuse(MP_CODES.PERSON_SUSPENDED, `该参保人互联网医保支付已暂停${p.suspendedReason ? `（${p.suspendedReason}）` : ''}，请使用自费支付`);

    const list = d.feedetailList;
    if (!Array.isArray(list) || list.length === 0) refuse(MP_CODES.PARAM_INVALID, '费用明细[feedetailList]不能为空');
    const medfeeSumamt = amount(d, 'medfeeSumamt');
    const items: MockOrderItem[] = [];
    const seenSn = new Set<string>();
    list.forEach((raw, i) => {
      if (typeof raw !== 'object' || raw === null) refuse(MP_CODES.PARAM_INVALID, `费用明细第${i + 1}条格式不正确`);
      const it = raw as Data;
      const feedetlSn = str(it, 'feedetlSn');
      if (seenSn.has(feedetlSn)) refuse(MP_CODES.PARAM_INVALID, `费用明细流水号[${feedetlSn}]重复`);
      seenSn.add(feedetlSn);
      const medListCodg = str(it, 'medListCodg');
      const feeFen = amount(it, 'detItemFeeSumamt');
      const cnt = it.cnt !== undefined ? decimal(String(it.cnt)) : null;
      const pric = it.pric !== undefined ? decimal(String(it.pric)) : null;
      if (it.cnt !== undefined && !cnt) refuse(MP_CODES.PARAM_INVALID, `费用明细第${i + 1}条数量[cnt]格式不正确`);
      if (it.pric !== undefined && !pric) refuse(MP_CODES.PARAM_INVALID, `费用明细第${i + 1}条单价[pric]格式不正确`);
      if (cnt && pric) {
        // cnt × pric rounded half-up to the fen must equal detItemFeeSumamt.
        const product = cnt.v * pric.v;
        const scale = cnt.scale + pric.scale;
        const fen = scale <= 2 ? product * 10n ** BigInt(2 - scale) : (product + 5n * 10n ** BigInt(scale - 3)) / 10n ** BigInt(scale - 2);
        if (fen !== BigInt(feeFen)) refuse(MP_CODES.AMOUNT_MISMATCH, `费用明细第${i + 1}条金额与数量×单价不一致`);
      }
      const cls = this.catalog.get(medListCodg);
      if (!cls) refuse(MP_CODES.CATALOG_UNKNOWN, `费用明细第${i + 1}条医保目录编码[${medListCodg}]未对照`);
      items.push({ feedetlSn, medListCodg, feeFen, cls });
    });
    const sum = items.reduce((s, it) => s + it.feeFen, 0);
    if (sum !== medfeeSumamt) refuse(MP_CODES.AMOUNT_MISMATCH, `医疗费总额[medfeeSumamt]与费用明细合计不一致`);
    for (const o of this.orders.values()) {
      if (o.medOrgOrd === medOrgOrd && o.ordStas !== ORD_STAS.REVOKED) refuse(MP_CODES.ORDER_DUPLICATE, `医院订单号[${medOrgOrd}]已上传，请勿重复上传；处方变更请先撤销`);
    }

    const payOrdId = `ORD${p.insuplcAdmdvs.slice(0, 6)}${stamp14(this.now())}${digits(7)}`;
    const auth = this.checkAuth(cred.token, cred.kind, psnNo, payOrdId);
    auth.boundTo = payOrdId;
    const order: MockPayOrder = {
      payOrdId,
      payToken: randomBytes(16).toString('hex').toUpperCase(),
      medOrgOrd,
      orgCodg: this.opts.orgCode,
      psnNo,
      insutype,
      insuCode,
      authToken: cred.token,
      authKind: cred.kind,
      authPsnNo: auth.psnNo,
      family: auth.psnNo !== psnNo,
      chrgBchno,
      mdtrtId,
      feeType,
      acctUsedFlag: acctUsedFlag === '1',
      items,
      feeSumamt: medfeeSumamt,
      ordStas: ORD_STAS.SAVED,
      createdAt: this.now(),
      cashRefunded: false,
      hiRefunded: false,
      refunds: [],
    };
    const notifyUrl = str(d, 'notifyUrl', false);
    if (notifyUrl) order.notifyUrl = notifyUrl;
    this.orders.set(payOrdId, order);
    return { payOrdId, payToken: order.payToken, extData: {} };
  }

  private order(payOrdId: string): MockPayOrder {
    const o = this.orders.get(payOrdId);
    if (!o) refuse(MP_CODES.ORDER_NOT_FOUND, '支付订单不存在');
    return o;
  }

  private checkPayToken(o: MockPayOrder, d: Data): void {
    if (str(d, 'payToken') !== o.payToken) refuse(MP_CODES.PAY_TOKEN_INVALID, '支付令牌[payToken]与订单不匹配');
  }

  /** idNo / userName / idType of the order's patient (6301, 6401). */
  private checkIdentity(o: MockPayOrder, d: Data): void {
    const p = this.person(o.psnNo);
    const idNo = str(d, 'idNo');
    const userName = str(d, 'userName');
    const idType = str(d, 'idType', false);
    if (idType && idType !== '01') refuse(MP_CODES.PARAM_INVALID, '证件类型[idType]不支持');
    if (idNo.toUpperCase() !== p.idNo || userName !== p.name) refuse(MP_CODES.PERSON_MISMATCH, '参保人姓名或证件号码与订单不一致');
  }

  private amounts(o: MockPayOrder): Data {
    const s = o.split!;
    return {
      feeSumamt: fenToYuan(s.feeSumamt),
      ownPayAmt: fenToYuan(s.ownPayAmt),
      psnAcctPay: fenToYuan(s.psnAcctPay),
      fundPay: fenToYuan(s.fundPay),
      acctMulaidPay: '0.00',
      hospPartAmt: '0.00',
      othFeeAmt: '0.00',
      deposit: '0.00',
    };
  }

  private preSetl(o: MockPayOrder): Data {
    const s = o.split!;
    const p = this.person(o.psnNo);
    return {
      medfee_sumamt: fenToYuan(s.feeSumamt),
      fulamt_ownpay_amt: fenToYuan(s.fulamtOwnpayAmt),
      overlmt_selfpay: '0.00',
      preselfpay_amt: fenToYuan(s.preselfpayAmt),
      inscp_scp_amt: fenToYuan(s.inscpScpAmt),
      hifp_pay: fenToYuan(s.fundPay),
      fund_pay_sumamt: fenToYuan(s.fundPay),
      acct_pay: fenToYuan(s.psnAcctPay),
      psn_part_amt: fenToYuan(s.psnPartAmt),
      psn_cash_pay: fenToYuan(s.ownPayAmt),
      balc: fenToYuan(p.balanceFen),
      insutype: o.insutype,
      psn_no: o.psnNo,
      psn_name: p.name,
      certno: p.idNo,
      psn_cert_type: '01',
      insuplc_admdvs: o.insuCode,
      med_type: '11',
    };
  }

  // ── 6202 pay order ───────────────────────────────────────

  payOrder(d: Data): Data {
    const o = this.order(str(d, 'payOrdId'));
    this.checkPayToken(o, d);
    this.checkOrg(d);
    if (o.ordStas !== ORD_STAS.SAVED) refuse(MP_CODES.ORDER_STATE, `订单状态[${o.ordStas}]不允许下单，请勿重复下单；结果请用6301查询`);
    const cred = str(d, 'payAuthNo', false) ? { token: str(d, 'payAuthNo'), kind: 'payAuthNo' as const } : str(d, 'ecToken', false) ? { token: str(d, 'ecToken'), kind: 'ecToken' as const } : null;
    if (!cred) refuse(MP_CODES.AUTH_TOKEN_CHOICE, '参数[payAuthNo]不能为空');
    if (cred.token !== o.authToken) refuse(MP_CODES.PAY_AUTH_INVALID, '医保授权码与费用上传时不一致，请重新授权');
    this.checkAuth(cred.token, cred.kind, o.psnNo, o.payOrdId);
    const p = this.person(o.psnNo);
    if (p.suspended) refuse(MP_CODES.PERSON_SUSPENDED, '该参保人互联网医保支付已暂停，请使用自费支付');
    const flag = str(d, 'acctUsedFlag', false);
    if (flag && flag !== '0' && flag !== '1') refuse(MP_CODES.PARAM_INVALID, '参数[acctUsedFlag]只能为0或1');
    if (flag) o.acctUsedFlag = flag === '1';
    const notifyUrl = str(d, 'notifyUrl', false);
    if (notifyUrl) o.notifyUrl = notifyUrl;
    o.split = computeSplit({ items: o.items, insutype: o.insutype, acctUsedFlag: o.acctUsedFlag, balanceFen: p.balanceFen });
    o.ordStas = ORD_STAS.PRE_SETTLED;
    o.preSetlAt = this.now();
    return { payOrdId: o.payOrdId, ordStas: o.ordStas, ...this.amounts(o), extData: { preSetl: this.preSetl(o) } };
  }

  // ── the user confirms (client-side pay) → settlement ─────

  /**
   * The patient confirmed the payment in the channel's cashier (WeChat requestMedicalInsurancePay,
   * Alipay, the APP): the center settles the order and then sends the 6302 notify.
   * `fail: true` simulates a failed settlement (ordStas 15, no notify).
   */
  settlePayOrder(payOrdId: string, opts: { fail?: boolean } = {}): MockPayOrder {
    const o = this.order(payOrdId);
    if (o.ordStas !== ORD_STAS.PRE_SETTLED) refuse(MP_CODES.ORDER_STATE, `订单状态[${o.ordStas}]不能结算`);
    const p = this.person(o.psnNo);
    const s = o.split!;
    if (opts.fail || p.suspended || p.balanceFen < s.psnAcctPay) {
      o.ordStas = ORD_STAS.FAILED;
      return { ...o };
    }
    p.balanceFen -= s.psnAcctPay;
    const now = this.now();
    o.ordStas = ORD_STAS.SETTLED;
    o.setlAt = now;
    o.traceTime = dateTime(now);
    o.revsToken = randomBytes(12).toString('hex').toUpperCase();
    const hi = s.fundPay + s.psnAcctPay;
    o.setlType = hi > 0 && s.ownPayAmt > 0 ? 'ALL' : hi > 0 ? 'HI' : 'CASH';
    const auth = this.auths.get(o.authToken);
    if (auth) auth.consumed = true;
    this.onSettled?.(o);
    return { ...o };
  }

  /** The 6302 notify body (plaintext data) of a settled order. */
  notifyData(o: MockPayOrder): Data {
    return {
      payOrdId: o.payOrdId,
      callType: '02',
      medOrgOrd: o.medOrgOrd,
      traceTime: o.traceTime,
      ordStas: o.ordStas,
      setlType: o.setlType,
      revsToken: o.revsToken,
      ...this.amounts(o),
      selfAcctPay: '0.00',
      delvFee: '0.00',
    };
  }

  getPayOrder(payOrdId: string): CenterPayOrder | undefined {
    const o = this.orders.get(payOrdId);
    if (!o) return undefined;
    const s = o.split;
    return {
      payOrdId: o.payOrdId,
      ...(o.authKind === 'payAuthNo' ? { payAuthNo: o.authToken } : {}),
      psnNo: o.psnNo,
      medOrgOrd: o.medOrgOrd,
      feeSumamt: o.feeSumamt,
      fundPay: s?.fundPay ?? 0,
      psnAcctPay: s?.psnAcctPay ?? 0,
      othPay: 0,
      ownPayAmt: s?.ownPayAmt ?? 0,
      ordStas: o.ordStas,
    };
  }

  // ── 6301 settlement query ────────────────────────────────

  queryOrder(d: Data): Data {
    const o = this.order(str(d, 'payOrdId'));
    this.checkOrg(d);
    this.checkPayToken(o, d);
    this.checkIdentity(o, d);
    const base: Data = { payOrdId: o.payOrdId, ordStas: o.ordStas, medOrgOrd: o.medOrgOrd };
    if (!o.split) return { ...base, feeSumamt: fenToYuan(o.feeSumamt) };
    const settled = o.setlAt !== undefined;
    return {
      ...base,
      ...this.amounts(o),
      ...(settled ? { setlType: o.setlType, callType: '02', traceTime: o.traceTime, revsToken: o.revsToken } : {}),
      extData: { preSetl: this.preSetl(o) },
    };
  }

  // ── 6401 upload revoke ───────────────────────────────────

  revokeOrder(d: Data): Data | null {
    const o = this.order(str(d, 'payOrdId'));
    this.checkOrg(d);
    this.checkPayToken(o, d);
    this.checkIdentity(o, d);
    if (o.ordStas === ORD_STAS.REVOKED) refuse(MP_CODES.ORDER_STATE, '订单已撤销，请勿重复撤销');
    if (o.ordStas !== ORD_STAS.SAVED && o.ordStas !== ORD_STAS.PRE_SETTLED) refuse(MP_CODES.ORDER_STATE, `订单状态[${o.ordStas}]已结算或正在结算，不能撤销费用上传，请走退费`);
    o.ordStas = ORD_STAS.REVOKED;
    return null;
  }

  // ── 6203 refund ──────────────────────────────────────────

  refund(d: Data): Data {
    const o = this.order(str(d, 'payOrdId'));
    const appRefdSn = str(d, 'appRefdSn');
    const appRefdTime = str(d, 'appRefdTime');
    if (!/^\d{14}$/.test(appRefdTime)) refuse(MP_CODES.PARAM_INVALID, '参数[appRefdTime]格式应为yyyyMMddHHmmss');
    const refdType = str(d, 'refdType');
    if (refdType !== 'ALL' && refdType !== 'CASH' && refdType !== 'HI') refuse(MP_CODES.PARAM_INVALID, '参数[refdType]只能为ALL、CASH或HI');
    const totl = amount(d, 'totlRefdAmt');
    const cash = amount(d, 'cashRefdAmt');
    const acct = amount(d, 'psnAcctRefdAmt');
    const fund = amount(d, 'fundRefdAmt');
    if (totl !== cash + acct + fund) refuse(MP_CODES.AMOUNT_MISMATCH, '退款总额[totlRefdAmt]不等于现金、个人账户、基金退款之和');

    const prior = o.refunds.find((r) => r.appRefdSn === appRefdSn);
    if (prior) {
      // Idempotent on appRefdSn: the same request answers the same result.
      if (prior.refdType !== refdType || prior.totlRefdAmt !== totl || prior.cashRefdAmt !== cash || prior.psnAcctRefdAmt !== acct || prior.fundRefdAmt !== fund) {
        refuse(MP_CODES.REFUND_RULE, '退款流水号[appRefdSn]重复且内容不一致');
      }
      return this.refundAnswer(o, prior);
    }

    const cred = this.credential(d);
    const s = o.split;
    if (!s || o.setlAt === undefined) refuse(MP_CODES.ORDER_STATE, `订单状态[${o.ordStas}]未结算，不能退费；未结算的订单请撤销（6401）`);
    if (o.cashRefunded && o.hiRefunded) refuse(MP_CODES.ORDER_STATE, '订单已全部退款');
    switch (refdType) {
      case 'ALL':
        if (o.cashRefunded || o.hiRefunded) refuse(MP_CODES.REFUND_RULE, '订单已部分退款，不能再全额退款');
        if (cash !== s.ownPayAmt || acct !== s.psnAcctPay || fund !== s.fundPay) refuse(MP_CODES.REFUND_RULE, '全额退款（ALL）金额必须与原订单现金、个人账户、基金支付金额一致，处方须整单退费');
        break;
      case 'CASH':
        if (o.cashRefunded) refuse(MP_CODES.REFUND_RULE, '订单现金部分已退款');
        if (acct !== 0 || fund !== 0) refuse(MP_CODES.REFUND_RULE, '现金退款（CASH）只能退现金部分');
        if (s.ownPayAmt === 0 || cash !== s.ownPayAmt) refuse(MP_CODES.REFUND_RULE, '现金退款金额必须等于原订单现金支付金额，处方须整单退费');
        break;
      case 'HI':
        if (o.hiRefunded) refuse(MP_CODES.REFUND_RULE, '订单医保部分已退款');
        if (cash !== 0) refuse(MP_CODES.REFUND_RULE, '医保退款（HI）不能包含现金');
        if (s.fundPay + s.psnAcctPay === 0 || acct !== s.psnAcctPay || fund !== s.fundPay) refuse(MP_CODES.REFUND_RULE, '医保退款金额必须等于原订单个人账户与基金支付金额，处方须整单退费');
        break;
    }
    // A refund needs a fresh voucher verification of the patient (or a family authorization).
    const auth = this.checkAuth(cred.token, cred.kind, o.psnNo);
    auth.consumed = true;

    const p = this.person(o.psnNo);
    if (refdType !== 'CASH') {
      p.balanceFen += acct;
      o.hiRefunded = true;
    }
    if (refdType !== 'HI') o.cashRefunded = true;
    if (s.ownPayAmt === 0) o.cashRefunded = true;
    if (s.fundPay + s.psnAcctPay === 0) o.hiRefunded = true;
    o.ordStas = o.cashRefunded && o.hiRefunded ? ORD_STAS.REFUNDED : o.hiRefunded ? ORD_STAS.HI_REFUNDED : ORD_STAS.CASH_REFUNDED;
    const now = this.now();
    const t = stamp14(now);
    const rec: RefundRecord = {
      appRefdSn,
      refdType,
      totlRefdAmt: totl,
      cashRefdAmt: cash,
      psnAcctRefdAmt: acct,
      fundRefdAmt: fund,
      refdSn: `RF${t}${digits(8)}`,
      hiFefdSn: refdType === 'CASH' ? '' : `HIRF${t}${digits(8)}`,
      hiTrnsDate: t.slice(0, 8),
      hiTrnsTime: t.slice(8),
      refStatus: 'SUCC',
      at: now,
    };
    o.refunds.push(rec);
    return this.refundAnswer(o, rec);
  }

  private refundAnswer(o: MockPayOrder, r: RefundRecord): Data {
    return {
      payOrdId: o.payOrdId,
      appRefdSn: r.appRefdSn,
      refdSn: r.refdSn,
      hiFefdSn: r.hiFefdSn,
      hiTrnsDate: r.hiTrnsDate,
      hiTrnsTime: r.hiTrnsTime,
      refStatus: r.refStatus,
      totlRefdAmt: fenToYuan(r.totlRefdAmt),
      cashRefdAmt: fenToYuan(r.cashRefdAmt),
      psnAcctRefdAmt: fenToYuan(r.psnAcctRefdAmt),
      fundRefdAmt: fenToYuan(r.fundRefdAmt),
    };
  }

  // ── 1101 person lookup ───────────────────────────────────

  /**
   * FSI 1101-like person lookup (人员信息获取) after authorization. input.data:
   *   mdtrt_cert_type "01" (电子凭证): mdtrt_cert_no = the payAuthNo (or ecToken); the holder is
   *     returned, or — for a family authorization — the family member given by certno.
   *     The payAuthNo is checked (valid, unexpired, not consumed) but not consumed.
   *   mdtrt_cert_type "02" (居民身份证): certno (+ psn_name when given) identify the person.
   * Output: {baseinfo, insuinfo[], idetinfo[], exp_content} as FSI 1101; exp_content carries
   * the online-payment fields this product needs (voucher activated, online pay suspended) — INF.
   */
  personInfo(d: Data): Data {
    const infno = str(d, 'infno', false);
    if (infno && infno !== '1101') refuse(MP_CODES.PARAM_INVALID, `交易编号[infno]${infno}不支持`);
    const input = (d.input as Data | undefined)?.data as Data | undefined;
    if (!input || typeof input !== 'object') refuse(MP_CODES.PARAM_INVALID, '参数[input.data]不能为空');
    const certType = str(input, 'mdtrt_cert_type');
    const certno = str(input, 'certno', false).toUpperCase();
    const psnName = str(input, 'psn_name', false);
    let p: InsuredPerson | undefined;
    if (certType === '01') {
      const token = str(input, 'mdtrt_cert_no');
      const a = this.auths.get(token);
      if (!a) refuse(MP_CODES.PAY_AUTH_INVALID, '电子凭证授权码无效，请重新授权');
      if (this.now() >= a.expiresAt) refuse(MP_CODES.PAY_AUTH_INVALID, '电子凭证授权码已过期，请重新授权');
      if (a.consumed) refuse(MP_CODES.PAY_AUTH_USED, '电子凭证授权码已使用，请重新授权');
      const holder = this.person(a.psnNo);
      if (!certno || certno === holder.idNo) p = holder;
      else {
        const member = this.findPerson({ idNo: certno });
        const covered = member && a.family && holder.familyPsnNos.has(member.psnNo) && (a.forPsnNo === undefined || a.forPsnNo === member.psnNo);
        if (!covered) refuse(MP_CODES.PAY_AUTH_OTHER_PERSON, '授权人与查询人不一致，医保电子凭证仅限本人授权使用');
        p = member;
      }
    } else if (certType === '02') {
      if (!certno) refuse(MP_CODES.PARAM_INVALID, '参数[certno]不能为空');
      p = this.findPerson({ idNo: certno });
      if (!p) refuse(MP_CODES.PERSON_UNKNOWN, '未查询到该参保人信息');
    } else refuse(MP_CODES.PARAM_INVALID, `就诊凭证类型[mdtrt_cert_type]${certType}不支持`);
    if (psnName && psnName !== p.name) refuse(MP_CODES.PERSON_MISMATCH, '姓名与证件号码不一致');
    const birth = new Date(`${p.birthDate}T00:00:00+08:00`).getTime();
    const age = Math.floor((this.now() - birth) / (365.2425 * 86400_000));
    return {
      infcode: 0,
      err_msg: '',
      output: {
        baseinfo: {
          psn_no: p.psnNo,
          psn_cert_type: '01',
          certno: p.idNo,
          psn_name: p.name,
          gend: p.gend,
          naty: '01',
          brdy: p.birthDate,
          age: String(age),
        },
        insuinfo: [
          {
            insutype: p.insutype,
            psn_type: p.insutype === '310' ? '11' : '16',
            psn_insu_stas: '1',
            psn_insu_date: '2010-01-01',
            paus_insu_date: null,
            balc: fenToYuan(p.balanceFen),
            cvlserv_flag: '0',
            insuplc_admdvs: p.insuplcAdmdvs,
            emp_name: p.insutype === '310' ? '演示单位' : '',
          },
        ],
        idetinfo: [],
        exp_content: {
          insuplc_name: p.insuplcName,
          ec_actv_flag: p.voucherActivated ? '1' : '0',
          onln_pay_paus_flag: p.suspended ? '1' : '0',
          ...(p.suspended && p.suspendedReason ? { onln_pay_paus_rea: p.suspendedReason } : {}),
        },
      },
    };
  }
}
