/**
 * The demo people as the WeChat mocks see them, read (read-only) from the DB seed so that the
 * mocks and the database agree: accounts (wechatOpenId), people (name, ID number), insured
 * persons (psnNo, voucher activated) and the family links between an account and its patients.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

export const DEMO_JSON_PATH = resolve(__dirname, '..', '..', '..', '..', 'prisma', 'src', 'seed', 'data', 'demo.json');

export interface DemoPerson {
  key: string;
  name: string;
  idNumber: string;
  psnNo?: string;
  insutype?: string;
  insuplcAdmdvs?: string;
  voucherActivated: boolean;
  suspended: boolean;
}

export interface DemoAccount {
  key: string;
  openid: string;
  /** The account holder (relationship SELF), if any. */
  self?: string;
  /** person key → relationship (SELF, PARENT, CHILD, …). */
  relations: Record<string, string>;
}

export interface DemoDirectory {
  people: Map<string, DemoPerson>;
  accounts: Map<string, DemoAccount>;
  byOpenid(openid: string): DemoAccount | undefined;
  byIdNumber(idNumber: string): DemoPerson | undefined;
}

interface DemoJson {
  accounts: Array<{ key: string; wechatOpenId?: string }>;
  patients: Array<{ account: string; person: string; relationship: string }>;
  people: Array<{ key: string; name: string; idNumber: string }>;
  insured: Array<{ person: string; psnNo: string; insutype: string; insuplcAdmdvs: string; voucherActivated?: boolean; suspended?: boolean }>;
}

export function loadDemoDirectory(path: string = DEMO_JSON_PATH): DemoDirectory {
  const data = JSON.parse(readFileSync(path, 'utf8')) as DemoJson;
  const people = new Map<string, DemoPerson>();
  for (const p of data.people) people.set(p.key, { key: p.key, name: p.name, idNumber: p.idNumber.toUpperCase(), voucherActivated: false, suspended: false });
  for (const i of data.insured) {
    const person = people.get(i.person);
    if (!person) continue;
    Object.assign(person, {
      psnNo: i.psnNo,
      insutype: i.insutype,
      insuplcAdmdvs: i.insuplcAdmdvs,
      voucherActivated: i.voucherActivated === true,
      suspended: i.suspended === true,
    });
  }
  const accounts = new Map<string, DemoAccount>();
  for (const a of data.accounts) {
    if (!a.wechatOpenId) continue;
    accounts.set(a.key, { key: a.key, openid: a.wechatOpenId, relations: {} });
  }
  for (const link of data.patients) {
    const account = accounts.get(link.account);
    if (!account) continue;
    account.relations[link.person] = link.relationship;
    if (link.relationship === 'SELF') account.self = link.person;
  }
  return {
    people,
    accounts,
    byOpenid: (openid) => [...accounts.values()].find((a) => a.openid === openid),
    byIdNumber: (idNumber) => [...people.values()].find((p) => p.idNumber === idNumber.toUpperCase()),
  };
}
