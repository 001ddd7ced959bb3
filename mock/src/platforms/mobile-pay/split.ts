/**
 * How the mobile-pay center mock splits a fee into fund / personal account / cash.
 * Simple, documented rules (every real city has its own; the BFF never computes the split itself,
 * it takes it from 6202/6301 — rules.md §9):
 *
 *   1. Per item, by the catalog class of its code (medListCodg, looked up in the insurance
 *      catalog: the seeded drug catalog plus a few medical service items):
 *        甲 (CLASS_A)  the whole item fee is in scope (政策范围内);
 *        乙 (CLASS_B)  in scope = fee − 先行自付, 先行自付 = round(fee × selfPayRatioB), ratio 10 %;
 *        丙 (SELF_PAY) nothing is in scope (全自费).
 *      An item code that is not in the catalog is refused (目录未对照), like the real upload.
 *   2. fundPay = round(Σ in scope × reimbursement ratio of the insutype), no deductible:
 *        310 职工基本医疗保险 85 %, 390 城乡居民基本医疗保险 60 % (other insutypes: 50 %).
 *   3. Personal share = feeSumamt − fundPay. The personal account pays it only for insutype 310
 *      and only when acctUsedFlag = "1": psnAcctPay = min(personal share, account balance).
 *   4. ownPayAmt (cash) = personal share − psnAcctPay.
 *   All in integer fen; rounding is half-up to the fen, on the sums (not per item, except the
 *   乙 self-payment which is per item). acctMulaidPay, hospPartAmt, othFeeAmt are always 0.
 *   Identity: feeSumamt = fundPay + psnAcctPay + ownPayAmt.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

export type CatalogClass = 'CLASS_A' | 'CLASS_B' | 'SELF_PAY';

/** Self-payment ratio of 乙 items, in basis points (10 %). */
export const CLASS_B_SELF_PAY_BP = 1000;
/** Reimbursement ratio by insutype, in basis points. */
export const REIMBURSEMENT_BP: Record<string, number> = { '310': 8500, '390': 6000 };
export const DEFAULT_REIMBURSEMENT_BP = 5000;

/**
 * Medical service items the mock knows besides the drug catalog (codes are demo values in the
 * shape of the national service-item codes, INF). The consultation fees of internet re-visits
 * are 甲 in most cities.
 */
export const SERVICE_ITEMS: Record<string, { name: string; cls: CatalogClass }> = {
  '001102000010000': { name: '普通门诊诊查费', cls: 'CLASS_A' },
  '001102000010100': { name: '互联网复诊诊查费', cls: 'CLASS_A' },
  '001102000020000': { name: '副主任医师门诊诊查费', cls: 'CLASS_A' },
  '001102000030000': { name: '主任医师门诊诊查费', cls: 'CLASS_A' },
  '001102000099900': { name: '互联网特需诊查费（自费）', cls: 'SELF_PAY' },
};

/** The catalog the mock uses: the seeded drug catalog (prisma/src/seed/data/drugs.json) + SERVICE_ITEMS. */
export function loadCatalog(drugsJsonPath = resolve(__dirname, '../../../../prisma/src/seed/data/drugs.json')): Map<string, CatalogClass> {
  const catalog = new Map<string, CatalogClass>();
  const drugs = JSON.parse(readFileSync(drugsJsonPath, 'utf8')) as Array<{ nationalCode: string; insuranceClass: CatalogClass }>;
  for (const d of drugs) catalog.set(d.nationalCode, d.insuranceClass);
  for (const [code, item] of Object.entries(SERVICE_ITEMS)) catalog.set(code, item.cls);
  return catalog;
}

/** round(a × bp / 10000), half-up, for non-negative integers. */
export function mulBp(fen: number, bp: number): number {
  return Math.floor((fen * bp + 5000) / 10000);
}

export interface SplitItem {
  feeFen: number;
  cls: CatalogClass;
}

export interface SplitInput {
  items: SplitItem[];
  insutype: string;
  acctUsedFlag: boolean;
  /** Personal account balance (fen). */
  balanceFen: number;
}

export interface Split {
  feeSumamt: number;
  /** 全自费 (丙 items). */
  fulamtOwnpayAmt: number;
  /** 先行自付 (乙 self-payment). */
  preselfpayAmt: number;
  /** 政策范围内 (in scope). */
  inscpScpAmt: number;
  fundPay: number;
  psnAcctPay: number;
  ownPayAmt: number;
  /** Personal share = psnAcctPay + ownPayAmt. */
  psnPartAmt: number;
}

export function computeSplit(input: SplitInput): Split {
  let feeSumamt = 0;
  let fulamt = 0;
  let preself = 0;
  let inScope = 0;
  for (const item of input.items) {
    if (!Number.isSafeInteger(item.feeFen) || item.feeFen < 0) throw new RangeError('item fee must be a non-negative integer fen');
    feeSumamt += item.feeFen;
    if (item.cls === 'CLASS_A') inScope += item.feeFen;
    else if (item.cls === 'CLASS_B') {
      const self = mulBp(item.feeFen, CLASS_B_SELF_PAY_BP);
      preself += self;
      inScope += item.feeFen - self;
    } else fulamt += item.feeFen;
  }
  const ratio = REIMBURSEMENT_BP[input.insutype] ?? DEFAULT_REIMBURSEMENT_BP;
  const fundPay = mulBp(inScope, ratio);
  const psnPartAmt = feeSumamt - fundPay;
  const psnAcctPay = input.insutype === '310' && input.acctUsedFlag ? Math.max(0, Math.min(psnPartAmt, input.balanceFen)) : 0;
  const ownPayAmt = psnPartAmt - psnAcctPay;
  return { feeSumamt, fulamtOwnpayAmt: fulamt, preselfpayAmt: preself, inscpScpAmt: inScope, fundPay, psnAcctPay, ownPayAmt, psnPartAmt };
}
