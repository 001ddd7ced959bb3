/**
 * Read-only view of the demo data the database is seeded with (prisma/src/seed/data/*.json), so the
 * mocks' people, Alipay users, HIS visits and prices match what the BFF finds in its database.
 * Loaded once per process; callers must not mutate the returned objects.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

const SEED_DIR = resolve(__dirname, '..', '..', '..', '..', 'prisma', 'src', 'seed', 'data');

export interface SeedPerson {
  key: string;
  name: string;
  birthDate: string;
  idNumber: string;
}
export interface SeedAccount {
  key: string;
  wechatOpenId: string;
  alipayUserId: string;
  phone: string;
  nickname: string;
}
export interface SeedPatientLink {
  account: string;
  person: string;
  relationship: 'SELF' | 'PARENT' | 'CHILD' | string;
  isDefault?: boolean;
}
export interface SeedInsured {
  person: string;
  psnNo: string;
  insutype: string;
  insuplcAdmdvs: string;
  insuplcName: string;
  voucherActivated: boolean;
  suspended?: boolean;
  suspendedReason?: string;
}
export interface SeedHisVisit {
  person: string;
  hospitalCode: string;
  hisVisitNo: string;
  daysAgo: number;
  visitType?: 'OUTPATIENT' | 'INPATIENT';
  departmentName: string;
  doctorName?: string;
  diagnoses: [string, string][];
}
export interface SeedDrug {
  nationalCode: string;
  name: string;
  tradeName?: string;
  specification: string;
  dosageForm: string;
  unit: string;
  manufacturer: string;
  priceFen: number;
  insuranceClass: 'CLASS_A' | 'CLASS_B' | 'SELF_PAY';
  prescriptionOnly: boolean;
  unfitForInternet: boolean;
}
export interface SeedHospital {
  code: string;
  name: string;
  city: string;
  admdvs: string;
  level: string;
}
export interface SeedDoctor {
  hospitalCode: string;
  departmentCode: string;
  title: string;
  consultationFeeFen: number;
}

export interface SeedData {
  people: SeedPerson[];
  accounts: SeedAccount[];
  patients: SeedPatientLink[];
  insured: SeedInsured[];
  hisVisits: SeedHisVisit[];
  drugs: SeedDrug[];
  hospitals: SeedHospital[];
  doctors: SeedDoctor[];
}

let cached: SeedData | undefined;

function readJson<T>(name: string): T {
  return JSON.parse(readFileSync(resolve(SEED_DIR, name), 'utf8')) as T;
}

export function loadSeed(): SeedData {
  if (!cached) {
    const demo = readJson<{ people: SeedPerson[]; accounts: SeedAccount[]; patients: SeedPatientLink[]; insured: SeedInsured[]; hisVisits: SeedHisVisit[] }>('demo.json');
    cached = {
      people: demo.people,
      accounts: demo.accounts,
      patients: demo.patients,
      insured: demo.insured,
      hisVisits: demo.hisVisits,
      drugs: readJson<SeedDrug[]>('drugs.json'),
      hospitals: readJson<SeedHospital[]>('hospitals.json'),
      doctors: readJson<SeedDoctor[]>('doctors.json'),
    };
  }
  return cached;
}

/** A demo person as a channel knows them: identity, insurance, and the family they may act for. */
export interface DemoIdentity {
  person: SeedPerson;
  insured?: SeedInsured;
  /** Other people this person may authorize for (family account: patients linked to their account). */
  family: { person: SeedPerson; insured?: SeedInsured; relationship: string }[];
  account?: SeedAccount;
}

export function identityOf(personKey: string, seed: SeedData = loadSeed()): DemoIdentity | undefined {
  const person = seed.people.find((p) => p.key === personKey);
  if (!person) return undefined;
  const insured = seed.insured.find((i) => i.person === personKey);
  const selfLink = seed.patients.find((l) => l.person === personKey && l.relationship === 'SELF');
  const account = selfLink ? seed.accounts.find((a) => a.key === selfLink.account) : undefined;
  const family = account
    ? seed.patients
        .filter((l) => l.account === account.key && l.relationship !== 'SELF')
        .map((l) => ({
          person: seed.people.find((p) => p.key === l.person)!,
          insured: seed.insured.find((i) => i.person === l.person),
          relationship: l.relationship,
        }))
        .filter((f) => f.person)
    : [];
  return { person, insured, family, account };
}

/** The person whose own account this Alipay user id is (patients link SELF). */
export function personKeyByAlipayUserId(alipayUserId: string, seed: SeedData = loadSeed()): string | undefined {
  const account = seed.accounts.find((a) => a.alipayUserId === alipayUserId);
  if (!account) return undefined;
  return seed.patients.find((l) => l.account === account.key && l.relationship === 'SELF')?.person;
}

/** People who can sign in to a channel in the demo (those with their own account). */
export function demoSignInPeople(seed: SeedData = loadSeed()): SeedPerson[] {
  return seed.patients.filter((l) => l.relationship === 'SELF').map((l) => seed.people.find((p) => p.key === l.person)!).filter(Boolean);
}

/** UTC midnight `daysAgo` days before `now`, as the seed computes visit dates. */
export function visitDate(daysAgo: number, now: Date = new Date()): string {
  const day = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) - daysAgo * 86_400_000);
  return day.toISOString().slice(0, 10);
}
