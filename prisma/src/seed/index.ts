/**
 * Demo and reference data. Idempotent: every row is upserted by its natural key, so running it
 * twice changes nothing. Catalog rows (hospitals' descriptive fields, departments, diseases,
 * drugs, doctors) are refreshed from the data files; state that people change at runtime
 * (hospital live flags, settings, accounts, patients, visits) is only written when created.
 *
 * Data lives in ./data/*.json:
 *   hospitals.json     the 38 designated internet hospitals of seed 000 (附件1), 4 batches with
 *                      deadlines, city and 医保区划; codes are synthetic (H + 区划 + serial)
 *   departments.json   internet departments (科别 caty) and per-hospital-type templates
 *   doctors.json       doctors (some suspended, some without internet qualification) and their
 *                      internet clinic hours
 *   pharmacists.json   pharmacists
 *   diseases.json      internet disease catalog (ICD-10 national insurance codes; keywords =
 *                      other names, used to find doctors by disease)
 *   drugs.json         insurance drug catalog (national code pattern, price in fen, 甲/乙/丙)
 *   demo.json          demo accounts, patients (synthetic ID numbers), insured identities,
 *                      offline HIS visits, settings
 * Demo staff accounts and passwords are listed in prisma/README.md.
 */
import { Prisma, type PrismaClient } from '../../generated/client/client';
import { maskIdNo, maskName, maskPhone } from '@ih/contract';
import { normalizeIdNumber, normalizePhone, type FieldCipher } from '../cipher';
import { hashPassword } from '../password';
import { genderFromIdNumber, isValidIdNumber } from './idcard';
import hospitalsData from './data/hospitals.json';
import departmentsData from './data/departments.json';
import doctorsData from './data/doctors.json';
import pharmacistsData from './data/pharmacists.json';
import diseasesData from './data/diseases.json';
import drugsData from './data/drugs.json';
import demoData from './data/demo.json';
import { seedSelfService } from './selfService/seedItems';
import { seedSigningKeys } from './signingKeys';

export interface SeedOptions {
  log?: (msg: string) => void;
  /** Reference time for demo visit dates (default: now). */
  now?: Date;
  /** Demo accounts and patients (default: on unless NODE_ENV=production). Catalogs always. */
  demo?: boolean;
}

export interface SeedResult {
  counts: Record<string, number>;
}

/** Demo staff credentials (documented in README.md; never used outside demo/test databases). */
export const DEMO_STAFF = {
  doctorPassword: 'Doctor@2026',
  pharmacistPassword: 'Pharm@2026',
} as const;

type HospitalRow = (typeof hospitalsData)[number];
type DoctorRow = (typeof doctorsData)[number] & { suspendedReason?: string; insuranceDoctorCode?: string; account?: string; workingHours?: { weekday: number; start: string; end: string }[] };
type PharmacistRow = (typeof pharmacistsData)[number] & { account?: string };
type DrugRow = (typeof drugsData)[number] & { tradeName?: string };
type Templates = Record<string, Record<string, string[] | undefined>>;

const date = (ymd: string): Date => new Date(`${ymd}T00:00:00.000Z`);

/** Runs `fn` over `items` with at most `n` in flight (the pool has 10 connections). */
async function eachLimit<T>(items: readonly T[], n: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  let i = 0;
  const worker = async (): Promise<void> => {
    while (i < items.length) {
      const item = items[i++]!;
      await fn(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
}

export async function seed(prisma: PrismaClient, cipher: FieldCipher, opts: SeedOptions = {}): Promise<SeedResult> {
  const log = opts.log ?? (() => undefined);
  const now = opts.now ?? new Date();
  const demo = opts.demo ?? process.env.NODE_ENV !== 'production';

  // ── hospitals and departments
  const hospitalIds = new Map<string, string>();
  await eachLimit(hospitalsData as HospitalRow[], 6, async (h) => {
    const catalog = { name: h.name, city: h.city, admdvs: h.admdvs, batch: h.batch, goLiveDeadline: date(h.goLiveDeadline), level: h.level };
    const row = await prisma.hospital.upsert({
      where: { code: h.code },
      create: { code: h.code, ...catalog, insuranceEnabled: h.insuranceEnabled, live: h.live, liveAt: h.liveAt ? date(h.liveAt) : null },
      update: catalog,
      select: { id: true },
    });
    hospitalIds.set(h.code, row.id);
  });
  log(`hospitals: ${hospitalIds.size}`);

  const deptByKey = new Map(departmentsData.departments.map((d) => [d.key, d]));
  const templates = departmentsData.templates as Templates;
  const departmentIds = new Map<string, string>(); // `${hospitalCode}/${deptCode}` → id
  const deptJobs = (hospitalsData as HospitalRow[]).flatMap((h) => {
    const byType = templates[h.type];
    const keys = byType?.[h.size] ?? byType?.M;
    if (!keys) throw new Error(`no department template for ${h.type}/${h.size}`);
    return keys.map((k, sortOrder) => ({ h, d: deptByKey.get(k)!, sortOrder }));
  });
  await eachLimit(deptJobs, 6, async ({ h, d, sortOrder }) => {
    const hospitalId = hospitalIds.get(h.code)!;
    const catalog = { name: d.name, caty: d.caty, intro: d.intro, sortOrder };
    const row = await prisma.internetDepartment.upsert({
      where: { hospitalId_code: { hospitalId, code: d.code } },
      create: { hospitalId, code: d.code, ...catalog },
      update: catalog,
      select: { id: true },
    });
    departmentIds.set(`${h.code}/${d.code}`, row.id);
  });
  log(`internet departments: ${departmentIds.size}`);

  // ── catalogs
  await eachLimit(diseasesData, 6, async (d) => {
    const data = { name: d.name, category: d.category as 'CHRONIC' | 'SPECIAL_CHRONIC' | 'COMMON', payableOnline: d.payableOnline, pinyin: d.pinyin, keywords: d.keywords ?? null };
    await prisma.disease.upsert({ where: { code: d.code }, create: { code: d.code, ...data }, update: data });
  });
  await eachLimit(drugsData as DrugRow[], 6, async (d) => {
    const data = {
      name: d.name,
      tradeName: d.tradeName ?? null,
      specification: d.specification,
      dosageForm: d.dosageForm,
      unit: d.unit,
      manufacturer: d.manufacturer,
      priceFen: d.priceFen,
      insuranceClass: d.insuranceClass as 'CLASS_A' | 'CLASS_B' | 'SELF_PAY',
      unfitForInternet: d.unfitForInternet,
      prescriptionOnly: d.prescriptionOnly,
      pinyin: d.pinyin,
    };
    await prisma.drug.upsert({ where: { nationalCode: d.nationalCode }, create: { nationalCode: d.nationalCode, ...data }, update: data });
  });
  log(`diseases: ${diseasesData.length}, drugs: ${drugsData.length}`);

  // ── staff accounts (demo only), doctors, pharmacists
  const staffUserIds = new Map<string, string>();
  if (demo) {
    const accounts = [
      ...(doctorsData as DoctorRow[]).filter((d) => d.account).map((d) => ({ username: d.account!, role: 'DOCTOR' as const, password: DEMO_STAFF.doctorPassword })),
      ...(pharmacistsData as PharmacistRow[]).filter((p) => p.account).map((p) => ({ username: p.account!, role: 'PHARMACIST' as const, password: DEMO_STAFF.pharmacistPassword })),
    ];
    for (const a of accounts) {
      const existing = await prisma.user.findUnique({ where: { username: a.username }, select: { id: true } });
      const row = existing ?? (await prisma.user.create({ data: { username: a.username, role: a.role, passwordHash: await hashPassword(a.password) }, select: { id: true } }));
      staffUserIds.set(a.username, row.id);
    }
  }
  await eachLimit(doctorsData as DoctorRow[], 6, async (d) => {
    const hospitalId = hospitalIds.get(d.hospitalCode);
    const departmentId = departmentIds.get(`${d.hospitalCode}/${d.departmentCode}`);
    if (!hospitalId || !departmentId) throw new Error(`doctor ${d.practiceCertNo}: unknown hospital/department ${d.hospitalCode}/${d.departmentCode}`);
    const data = {
      hospitalId,
      departmentId,
      name: d.name,
      gender: d.gender as 'MALE' | 'FEMALE',
      title: d.title as 'CHIEF_PHYSICIAN' | 'ASSOCIATE_CHIEF_PHYSICIAN' | 'ATTENDING_PHYSICIAN' | 'RESIDENT_PHYSICIAN',
      specialty: d.specialty,
      realNameVerified: d.realNameVerified,
      insuranceDoctorCode: d.insuranceDoctorCode ?? null,
      internetQualified: d.internetQualified,
      status: d.status as 'ACTIVE' | 'SUSPENDED',
      suspendedReason: d.suspendedReason ?? null,
      consultationFeeFen: d.consultationFeeFen,
      workingHours: d.workingHours ?? Prisma.DbNull,
      ...(d.account && staffUserIds.has(d.account) ? { userId: staffUserIds.get(d.account)! } : {}),
    };
    await prisma.doctor.upsert({ where: { practiceCertNo: d.practiceCertNo }, create: { practiceCertNo: d.practiceCertNo, ...data }, update: data });
  });
  await eachLimit(pharmacistsData as PharmacistRow[], 6, async (p) => {
    const hospitalId = hospitalIds.get(p.hospitalCode);
    if (!hospitalId) throw new Error(`pharmacist ${p.licenseNo}: unknown hospital ${p.hospitalCode}`);
    const data = {
      hospitalId,
      name: p.name,
      status: p.status as 'ACTIVE' | 'SUSPENDED',
      internetQualified: p.internetQualified ?? false,
      ...(p.account && staffUserIds.has(p.account) ? { userId: staffUserIds.get(p.account)! } : {}),
    };
    await prisma.pharmacist.upsert({ where: { licenseNo: p.licenseNo }, create: { licenseNo: p.licenseNo, ...data }, update: data });
  });
  log(`doctors: ${doctorsData.length}, pharmacists: ${pharmacistsData.length}`);
  // SM2 signing keys of the demo staff (prescriptions and pharmacist approvals are signed).
  if (demo) await seedSigningKeys(prisma, cipher, log);

  // ── settings (created once; later changes are kept)
  for (const s of demoData.settings) {
    await prisma.setting.upsert({ where: { key: s.key }, create: { key: s.key, value: s.value, description: s.description }, update: {} });
  }

  // ── self-service hall (seed 002 catalog and its settings)
  await seedSelfService(prisma, log);

  // ── demo patients
  if (demo) {
    // Demo rows are encrypted and hashed with the keys of the first seed; seeding again with
    // other keys would duplicate patients that nobody can decrypt. Refuse clearly instead.
    const first = await prisma.user.findUnique({ where: { wechatOpenId: demoData.accounts[0]!.wechatOpenId }, select: { phoneEnc: true } });
    if (first?.phoneEnc) {
      try {
        cipher.decrypt(first.phoneEnc);
      } catch {
        throw new Error(
          '数据库中的演示数据是用另一组 DATA_ENCRYPTION_KEY/DATA_HASH_KEY 写入的：请使用同一组密钥，或删除数据库后重新迁移和写入。 / ' +
            'The demo data in this database was written with other DATA_ENCRYPTION_KEY/DATA_HASH_KEY values: use the same keys, or drop the database and migrate + seed again.',
        );
      }
    }
    const people = new Map(demoData.people.map((p) => [p.key, p]));
    const accountIds = new Map<string, string>();
    for (const a of demoData.accounts) {
      const phone = normalizePhone(a.phone);
      const row = await prisma.user.upsert({
        where: { wechatOpenId: a.wechatOpenId },
        create: {
          role: 'PATIENT',
          wechatOpenId: a.wechatOpenId,
          alipayUserId: a.alipayUserId,
          phoneEnc: cipher.encrypt(phone),
          phoneHash: cipher.hash(phone),
          phoneMasked: maskPhone(phone),
          nickname: a.nickname,
        },
        update: {},
        select: { id: true },
      });
      accountIds.set(a.key, row.id);
    }
    for (const p of demoData.patients) {
      const person = people.get(p.person)!;
      const idNumber = normalizeIdNumber(person.idNumber);
      if (!isValidIdNumber(idNumber)) throw new Error(`demo ID number of ${p.person} is invalid`);
      const ownerUserId = accountIds.get(p.account)!;
      const idNumberHash = cipher.hash(idNumber);
      const phone = 'phone' in p && p.phone ? normalizePhone(p.phone) : null;
      await prisma.patient.upsert({
        where: { ownerUserId_idNumberHash: { ownerUserId, idNumberHash } },
        create: {
          ownerUserId,
          relationship: p.relationship as 'SELF' | 'PARENT' | 'CHILD',
          nameEnc: cipher.encrypt(person.name),
          nameMasked: maskName(person.name),
          idType: 'ID_CARD',
          idNumberEnc: cipher.encrypt(idNumber),
          idNumberHash,
          idNumberMasked: maskIdNo(idNumber),
          phoneEnc: phone ? cipher.encrypt(phone) : null,
          phoneMasked: phone ? maskPhone(phone) : null,
          birthDate: date(person.birthDate),
          gender: genderFromIdNumber(idNumber),
          isDefault: 'isDefault' in p ? Boolean(p.isDefault) : false,
        },
        update: {},
      });
    }
    for (const ins of demoData.insured) {
      const person = people.get(ins.person)!;
      const suspended = 'suspended' in ins && Boolean(ins.suspended);
      await prisma.insuredIdentity.upsert({
        where: { psnNo: ins.psnNo },
        create: {
          idNumberHash: cipher.hash(normalizeIdNumber(person.idNumber)),
          psnNo: ins.psnNo,
          insutype: ins.insutype,
          insuplcAdmdvs: ins.insuplcAdmdvs,
          insuplcName: ins.insuplcName,
          voucherActivated: ins.voucherActivated,
          voucherActivatedAt: ins.voucherActivated ? new Date(now.getTime() - 365 * 86_400_000) : null,
          suspended,
          suspendedReason: suspended && 'suspendedReason' in ins ? ins.suspendedReason : null,
          suspendedAt: suspended ? new Date(now.getTime() - 7 * 86_400_000) : null,
        },
        update: {},
      });
    }
    for (const v of demoData.hisVisits) {
      const person = people.get(v.person)!;
      const hospitalId = hospitalIds.get(v.hospitalCode);
      if (!hospitalId) throw new Error(`HIS visit ${v.hisVisitNo}: unknown hospital ${v.hospitalCode}`);
      const day = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) - v.daysAgo * 86_400_000);
      await prisma.hisVisitRecord.upsert({
        where: { hospitalId_hisVisitNo: { hospitalId, hisVisitNo: v.hisVisitNo } },
        create: {
          hospitalId,
          hisVisitNo: v.hisVisitNo,
          idNumberHash: cipher.hash(normalizeIdNumber(person.idNumber)),
          visitType: ('visitType' in v ? v.visitType : 'OUTPATIENT') as 'OUTPATIENT' | 'INPATIENT',
          departmentName: v.departmentName,
          doctorName: 'doctorName' in v ? v.doctorName : null,
          visitDate: day,
          diagnoses: { create: v.diagnoses.map(([code, name], i) => ({ diseaseCode: code!, diseaseName: name!, isPrimary: i === 0 })) },
        },
        update: {},
      });
    }
    log(`demo: ${demoData.accounts.length} patient accounts, ${demoData.patients.length} patients, ${demoData.hisVisits.length} HIS visits`);
  }

  const counts = {
    hospitals: await prisma.hospital.count(),
    internetDepartments: await prisma.internetDepartment.count(),
    doctors: await prisma.doctor.count(),
    pharmacists: await prisma.pharmacist.count(),
    diseases: await prisma.disease.count(),
    drugs: await prisma.drug.count(),
    users: await prisma.user.count(),
    patients: await prisma.patient.count(),
    insuredIdentities: await prisma.insuredIdentity.count(),
    hisVisitRecords: await prisma.hisVisitRecord.count(),
    settings: await prisma.setting.count(),
    selfServiceItems: await prisma.selfServiceItem.count(),
  };
  return { counts };
}
