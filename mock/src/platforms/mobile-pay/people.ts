/**
 * The insured persons the mobile-pay center mock knows: the demo people of the DB seed
 * (prisma/src/seed/data/demo.json, read-only), so the mock, the BFF's database and the other
 * mocks (WeChat, Alipay, APP) agree on psnNo, insutype, 参保地, voucher and suspension.
 *
 * Not in the seed, added here (documented demo values): the personal-account balance. Only
 * employees (insutype 310) have a personal account that pays for outpatient fees; residents
 * (390) have none (balance 0).
 * Family links: every patient an account holds is linked to the account's own person (SELF),
 * both ways — the relation a family (亲情) authorization may cover.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

export interface InsuredPerson {
  psnNo: string;
  idNo: string;
  name: string;
  /** yyyy-MM-dd */
  birthDate: string;
  /** '1' male, '2' female (from the ID number). */
  gend: '1' | '2';
  insutype: string;
  insuplcAdmdvs: string;
  insuplcName: string;
  voucherActivated: boolean;
  suspended: boolean;
  suspendedReason?: string;
  /** Personal-account balance, fen. */
  balanceFen: number;
  familyPsnNos: Set<string>;
  wechatOpenId?: string;
  alipayUserId?: string;
}

/** Demo personal-account balances (fen) by psnNo; anyone else starts at DEFAULT_BALANCE_FEN[insutype] or 0. */
export const DEMO_BALANCES_FEN: Record<string, number> = {
  '64010000000000012301': 128_000, // 张建国 310: ¥1280.00
  '64020000000000078901': 3_000, // 刘志强 310 (voucher not activated): ¥30.00
  '64040000000000032101': 50_000, // 马海燕 310 (suspended): ¥500.00
};
export const DEFAULT_BALANCE_FEN: Record<string, number> = { '310': 20_000 };

interface DemoJson {
  accounts: Array<{ key: string; wechatOpenId?: string; alipayUserId?: string }>;
  patients: Array<{ account: string; person: string; relationship: string }>;
  people: Array<{ key: string; name: string; birthDate: string; idNumber: string }>;
  insured: Array<{
    person: string;
    psnNo: string;
    insutype: string;
    insuplcAdmdvs: string;
    insuplcName: string;
    voucherActivated?: boolean;
    suspended?: boolean;
    suspendedReason?: string;
  }>;
  settings?: Array<{ key: string; value: unknown }>;
}

export const DEFAULT_DEMO_JSON = resolve(__dirname, '../../../../prisma/src/seed/data/demo.json');

export function readDemoJson(path = DEFAULT_DEMO_JSON): DemoJson {
  return JSON.parse(readFileSync(path, 'utf8')) as DemoJson;
}

export function loadInsuredPersons(demo: DemoJson): Map<string, InsuredPerson> {
  const peopleByKey = new Map(demo.people.map((p) => [p.key, p]));
  const psnNoByKey = new Map(demo.insured.map((i) => [i.person, i.psnNo]));
  const persons = new Map<string, InsuredPerson>();
  for (const ins of demo.insured) {
    const person = peopleByKey.get(ins.person);
    if (!person) continue;
    const gendDigit = Number(person.idNumber.charAt(16));
    persons.set(ins.psnNo, {
      psnNo: ins.psnNo,
      idNo: person.idNumber.toUpperCase(),
      name: person.name,
      birthDate: person.birthDate,
      gend: gendDigit % 2 === 1 ? '1' : '2',
      insutype: ins.insutype,
      insuplcAdmdvs: ins.insuplcAdmdvs,
      insuplcName: ins.insuplcName,
      voucherActivated: ins.voucherActivated !== false,
      suspended: ins.suspended === true,
      ...(ins.suspendedReason ? { suspendedReason: ins.suspendedReason } : {}),
      balanceFen: DEMO_BALANCES_FEN[ins.psnNo] ?? DEFAULT_BALANCE_FEN[ins.insutype] ?? 0,
      familyPsnNos: new Set(),
    });
  }
  // Account → its own person (SELF) carries the account's channel ids; family links SELF ↔ others.
  for (const account of demo.accounts) {
    const held = demo.patients.filter((p) => p.account === account.key);
    const self = held.find((p) => p.relationship === 'SELF');
    const selfPsn = self ? persons.get(psnNoByKey.get(self.person) ?? '') : undefined;
    if (!selfPsn) continue;
    if (account.wechatOpenId) selfPsn.wechatOpenId = account.wechatOpenId;
    if (account.alipayUserId) selfPsn.alipayUserId = account.alipayUserId;
    for (const other of held) {
      if (other === self) continue;
      const otherPsn = persons.get(psnNoByKey.get(other.person) ?? '');
      if (!otherPsn) continue;
      selfPsn.familyPsnNos.add(otherPsn.psnNo);
      otherPsn.familyPsnNos.add(selfPsn.psnNo);
    }
  }
  return persons;
}

/** pay_auth_ttl_seconds from the seed's settings (default 300). */
export function payAuthTtlFromDemo(demo: DemoJson): number {
  const v = demo.settings?.find((s) => s.key === 'pay_auth_ttl_seconds')?.value;
  return typeof v === 'number' && v > 0 ? v : 300;
}
