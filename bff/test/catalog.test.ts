/**
 * Public catalogs on the real MariaDB: hospitals (self-pay flags with reasons), departments,
 * doctors (filters, search by specialty and by disease, flags), diseases and drugs (search by
 * name, pinyin initials, code), paging, validation. Every row this file makes carries a random
 * tag, and every query filters by it, so other test files' rows never change the counts.
 */
import request from 'supertest';
import { randomBytes } from 'node:crypto';
import { DoctorListResponseSchema, DrugListResponseSchema, DiseaseListResponseSchema, HospitalListResponseSchema } from '@ih/contract';
import { makeApp, type TestApp } from './helpers';

const TAG = randomBytes(3).toString('hex').toUpperCase(); // e.g. "A1B2C3"
const t = (s: string) => `${s}${TAG}`;
const HOSP = `目录测试${TAG}医院`;
let app: TestApp;
const ids: Record<string, string> = {};

async function get(path: string, query: Record<string, string | number | boolean | undefined> = {}) {
  return request(app.app.callback()).get(path).query(query as Record<string, string | number | boolean>);
}

beforeAll(async () => {
  app = makeApp();
  const p = app.prisma;
  const hospital = (key: string, data: { batch: number; live: boolean; insuranceEnabled: boolean; city?: string }) =>
    p.hospital.create({
      data: {
        code: `HC${TAG}${key}`, name: `${HOSP}${key}`, city: data.city ?? t('测试市'), admdvs: '640100', batch: data.batch,
        goLiveDeadline: new Date(['2021-12-31', '2022-06-30', '2022-12-31', '2023-06-30'][data.batch - 1]!), live: data.live,
        insuranceEnabled: data.insuranceEnabled, level: '三级甲等',
      },
    });
  const h1 = await hospital('A', { batch: 1, live: true, insuranceEnabled: true });
  const h2 = await hospital('B', { batch: 4, live: false, insuranceEnabled: true });
  const h3 = await hospital('C', { batch: 2, live: true, insuranceEnabled: false, city: t('另一市') });
  Object.assign(ids, { h1: h1.id, h2: h2.id, h3: h3.id });
  const dept = (hospitalId: string, code: string, name: string, intro: string, enabled = true, sortOrder = 0) =>
    p.internetDepartment.create({ data: { hospitalId, code, name, caty: 'A03', intro, enabled, sortOrder } });
  const card = await dept(h1.id, 'XXGNK', '心血管内科', t('高血压、冠心病复诊') + t('心病'), true, 0);
  const endo = await dept(h1.id, 'NFMK', '内分泌科', '糖尿病、甲状腺疾病复诊', true, 1);
  const off = await dept(h1.id, 'OFF', '停用科室', '不再提供互联网诊疗', false, 2);
  const h2dept = await dept(h2.id, 'XXGNK', '心血管内科', '高血压复诊', true, 0);
  Object.assign(ids, { card: card.id, endo: endo.id, off: off.id, h2dept: h2dept.id });
  let n = 0;
  const doctor = (hospitalId: string, departmentId: string, name: string, data: Partial<{ title: 'CHIEF_PHYSICIAN' | 'ASSOCIATE_CHIEF_PHYSICIAN' | 'ATTENDING_PHYSICIAN' | 'RESIDENT_PHYSICIAN'; status: 'ACTIVE' | 'SUSPENDED'; internetQualified: boolean; realNameVerified: boolean; insured: boolean; specialty: string; workingHours: unknown }> = {}) => {
    n += 1;
    return p.doctor.create({
      data: {
        hospitalId, departmentId, name: t(name), title: data.title ?? 'ATTENDING_PHYSICIAN', specialty: data.specialty ?? '慢病随访',
        status: data.status ?? 'ACTIVE', suspendedReason: data.status === 'SUSPENDED' ? '医保违规核查期间暂停互联网医保服务' : null,
        internetQualified: data.internetQualified ?? true, realNameVerified: data.realNameVerified ?? true,
        insuranceDoctorCode: data.insured === false ? null : `D${TAG}${n}`, practiceCertNo: `P${TAG}${n}`, consultationFeeFen: 2000,
        ...(data.workingHours !== undefined ? { workingHours: data.workingHours as object } : {}),
      },
    });
  };
  const hours = [{ weekday: 3, start: '14:00', end: '17:30' }, { weekday: 1, start: '08:30', end: '12:00' }];
  ids.chief = (await doctor(h1.id, card.id, '甲主任', { title: 'CHIEF_PHYSICIAN', specialty: t('高压症') + '规范化诊治', workingHours: hours })).id;
  ids.suspended = (await doctor(h1.id, card.id, '乙暂停', { status: 'SUSPENDED' })).id;
  ids.attending = (await doctor(h1.id, card.id, '丙主治', { title: 'ASSOCIATE_CHIEF_PHYSICIAN' })).id;
  ids.endoDoc = (await doctor(h1.id, endo.id, '丁内分泌', { specialty: '糖尿病胰岛素方案调整', insured: false })).id;
  ids.unqualified = (await doctor(h1.id, endo.id, '戊无资格', { internetQualified: false })).id;
  ids.hidden = (await doctor(h1.id, off.id, '己停用科室')).id;
  ids.h2doc = (await doctor(h2.id, h2dept.id, '庚未上线')).id;
  ids.broken = (await doctor(h1.id, card.id, '辛坏排班', { workingHours: [{ weekday: 9, start: 'x', end: 'y' }], specialty: t('冠心') + '随访' })).id;

  await p.disease.createMany({
    data: [
      { code: `T${TAG}.01`, name: t('高压症'), category: 'CHRONIC', payableOnline: true, pinyin: `g${TAG.toLowerCase()}y`, keywords: t('心病') },
      { code: `T${TAG}.02`, name: t('冠状动脉病'), category: 'SPECIAL_CHRONIC', payableOnline: true, pinyin: `gz${TAG.toLowerCase()}`, keywords: `${t('冠心')},${t('胸痛')}` },
      { code: `T${TAG}.03`, name: t('急腹症'), category: 'COMMON', payableOnline: false, pinyin: `jf${TAG.toLowerCase()}` },
      { code: `T${TAG}.04`, name: t('停用病种'), category: 'COMMON', payableOnline: true, enabled: false },
    ],
  });
  const drug = (i: number, data: { name: string; pinyin: string; insuranceClass: 'CLASS_A' | 'CLASS_B' | 'SELF_PAY'; unfit?: boolean; tradeName?: string; enabled?: boolean }) =>
    p.drug.create({
      data: {
        nationalCode: `XT${TAG}${String(i).padStart(4, '0')}`, name: t(data.name), tradeName: data.tradeName ? t(data.tradeName) : null,
        specification: '5mg*28片', dosageForm: '片剂', unit: '盒', manufacturer: '测试药业', priceFen: 1000 + i,
        insuranceClass: data.insuranceClass, unfitForInternet: data.unfit ?? false, pinyin: `${data.pinyin}${TAG.toLowerCase()}`, enabled: data.enabled ?? true,
      },
    });
  await drug(1, { name: '氨氯地平片', pinyin: 'aldpp', insuranceClass: 'CLASS_A', tradeName: '络活喜' });
  await drug(2, { name: '二甲双胍片', pinyin: 'ejsgp', insuranceClass: 'CLASS_A' });
  await drug(3, { name: '阿托伐他汀片', pinyin: 'atfttp', insuranceClass: 'CLASS_B' });
  await drug(4, { name: '吗啡注射液', pinyin: 'mfzsy', insuranceClass: 'CLASS_A', unfit: true });
  await drug(5, { name: '维生素片', pinyin: 'wssp', insuranceClass: 'SELF_PAY' });
  await drug(6, { name: '停用药', pinyin: 'tyy', insuranceClass: 'CLASS_A', enabled: false });
});

afterAll(async () => {
  await app.prisma.$disconnect();
});

describe('hospitals', () => {
  it('lists designated hospitals with batch, deadline, live and insurance flags; not live / insurance off are self-pay only with the reason', async () => {
    const res = await get('/api/v1/catalog/hospitals', { keyword: HOSP });
    expect(res.status).toBe(200);
    const body = HospitalListResponseSchema.parse(res.body);
    expect(body.total).toBe(3);
    // Ordered by batch.
    expect(body.items.map((h) => h.name)).toEqual([`${HOSP}A`, `${HOSP}C`, `${HOSP}B`]);
    const [a, c, b] = body.items as [typeof body.items[0], typeof body.items[0], typeof body.items[0]];
    expect(a).toMatchObject({ batch: 1, goLiveDeadline: '2021-12-31', live: true, insuranceEnabled: true, insurance: { mode: 'covered', reasons: [] }, departmentCount: 2 });
    expect(b.insurance.mode).toBe('self_pay_only');
    expect(b.insurance.reasons).toEqual([{ code: 'HOSPITAL_NOT_LIVE', message: expect.stringContaining('2023-06-30') }]);
    expect(c.insurance).toMatchObject({ mode: 'self_pay_only', reasons: [{ code: 'HOSPITAL_INSURANCE_OFF', message: expect.stringContaining('自费') }] });
    expect(res.headers['cache-control']).toBe('public, max-age=60');
  });

  it('filters by insurance mode, batch and city, and pages', async () => {
    const covered = await get('/api/v1/catalog/hospitals', { keyword: HOSP, insurance: 'covered' });
    expect(covered.body.items.map((h: { name: string }) => h.name)).toEqual([`${HOSP}A`]);
    const selfPay = await get('/api/v1/catalog/hospitals', { keyword: HOSP, insurance: 'self_pay_only' });
    expect(selfPay.body.total).toBe(2);
    expect((await get('/api/v1/catalog/hospitals', { keyword: HOSP, batch: 4 })).body.items.map((h: { name: string }) => h.name)).toEqual([`${HOSP}B`]);
    expect((await get('/api/v1/catalog/hospitals', { city: t('另一市') })).body.items.map((h: { name: string }) => h.name)).toEqual([`${HOSP}C`]);
    const p1 = await get('/api/v1/catalog/hospitals', { keyword: HOSP, pageSize: 2, page: 1 });
    const p2 = await get('/api/v1/catalog/hospitals', { keyword: HOSP, pageSize: 2, page: 2 });
    expect(p1.body).toMatchObject({ page: 1, pageSize: 2, total: 3 });
    expect(p1.body.items).toHaveLength(2);
    expect(p2.body.items).toHaveLength(1);
    expect(new Set([...p1.body.items, ...p2.body.items].map((h: { id: string }) => h.id)).size).toBe(3);
  });

  it('treats search words literally (no SQL wildcards) and validates queries in Chinese', async () => {
    expect((await get('/api/v1/catalog/hospitals', { keyword: '%' })).body.total).toBe(0);
    expect((await get('/api/v1/catalog/hospitals', { keyword: '_' })).body.total).toBe(0);
    const bad = await get('/api/v1/catalog/hospitals', { pageSize: 500, insurance: 'maybe' });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('VALIDATION_FAILED');
    expect(bad.body.fields.map((f: { path: string }) => f.path).sort()).toEqual(['insurance', 'pageSize']);
    expect(bad.body.fields.find((f: { path: string }) => f.path === 'pageSize').message).toBe('每页最多 100 条');
  });

  it('one hospital by id; unknown → 404; malformed id → 400', async () => {
    expect((await get(`/api/v1/catalog/hospitals/${ids.h2}`)).body).toMatchObject({ name: `${HOSP}B`, insurance: { mode: 'self_pay_only' } });
    const missing = await get('/api/v1/catalog/hospitals/0190a000-0000-7000-8000-000000000000');
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ code: 'NOT_FOUND', message: '未找到该医院' });
    expect((await get('/api/v1/catalog/hospitals/abc')).status).toBe(400);
  });
});

describe('departments', () => {
  it('lists only enabled internet departments of the hospital, in order, with doctor counts and the hospital insurance mode', async () => {
    const res = await get(`/api/v1/catalog/hospitals/${ids.h1}/departments`);
    expect(res.status).toBe(200);
    expect(res.body.total).toBe(2);
    expect(res.body.items.map((d: { name: string; doctorCount: number }) => [d.name, d.doctorCount])).toEqual([['心血管内科', 4], ['内分泌科', 2]]);
    expect(res.body.hospital).toMatchObject({ id: ids.h1, insurance: { mode: 'covered' } });
    expect((await get(`/api/v1/catalog/hospitals/${ids.h1}/departments`, { keyword: '糖尿病' })).body.items.map((d: { name: string }) => d.name)).toEqual(['内分泌科']);
    expect((await get(`/api/v1/catalog/hospitals/${ids.h2}/departments`)).body.hospital.insurance.reasons[0].code).toBe('HOSPITAL_NOT_LIVE');
    expect((await get('/api/v1/catalog/hospitals/0190a000-0000-7000-8000-000000000000/departments')).status).toBe(404);
  });

  it('one department; a disabled one is 404', async () => {
    expect((await get(`/api/v1/catalog/departments/${ids.endo}`)).body).toMatchObject({ name: '内分泌科', hospital: { id: ids.h1 } });
    expect((await get(`/api/v1/catalog/departments/${ids.off}`)).status).toBe(404);
  });
});

describe('doctors', () => {
  const names = (body: { items: { name: string }[] }) => body.items.map((d) => d.name);

  it('lists a department: active and qualified first, by title; with flags, fee, working hours; photo placeholder null', async () => {
    const res = await get('/api/v1/catalog/doctors', { departmentId: ids.card });
    expect(res.status).toBe(200);
    const body = DoctorListResponseSchema.parse(res.body);
    expect(names(body)).toEqual([t('甲主任'), t('丙主治'), t('辛坏排班'), t('乙暂停')]);
    const chief = body.items[0]!;
    expect(chief).toMatchObject({
      title: 'CHIEF_PHYSICIAN', photoUrl: null, realNameVerified: true, insuranceDoctorRegistered: true, internetQualified: true,
      status: 'ACTIVE', suspendedReason: null, consultationFeeFen: 2000, acceptsConsultation: true, acceptsInsurance: true,
      hospital: { id: ids.h1, insurance: { mode: 'covered' } }, department: { id: ids.card, name: '心血管内科' },
    });
    expect(chief.workingHours).toEqual([{ weekday: 3, start: '14:00', end: '17:30' }, { weekday: 1, start: '08:30', end: '12:00' }]);
    const suspended = body.items.find((d) => d.id === ids.suspended)!;
    expect(suspended).toMatchObject({ status: 'SUSPENDED', suspendedReason: expect.stringContaining('暂停'), acceptsConsultation: true, acceptsInsurance: false });
    // Malformed hours in the database are not passed on (and the doctor is still listed).
    expect(body.items.find((d) => d.id === ids.broken)!.workingHours).toBeNull();
    expect(app.log.text()).toContain('working_hours malformed');
  });

  it('never lists doctors of a disabled department; a hospital not live means no insured doctors there', async () => {
    const all = await get('/api/v1/catalog/doctors', { hospitalId: ids.h1, pageSize: 50 });
    expect(all.body.total).toBe(6);
    expect(all.body.items.map((d: { id: string }) => d.id)).not.toContain(ids.hidden);
    const h2 = await get('/api/v1/catalog/doctors', { hospitalId: ids.h2 });
    expect(h2.body.items[0]).toMatchObject({ acceptsConsultation: true, acceptsInsurance: false, hospital: { insurance: { mode: 'self_pay_only' } } });
  });

  it('filters: available, insuranceOnly, title, keyword (name, specialty, department)', async () => {
    const endo = await get('/api/v1/catalog/doctors', { departmentId: ids.endo });
    expect(endo.body.items.find((d: { id: string }) => d.id === ids.unqualified)).toMatchObject({ internetQualified: false, acceptsConsultation: false, acceptsInsurance: false });
    expect(endo.body.items.find((d: { id: string }) => d.id === ids.endoDoc)).toMatchObject({ insuranceDoctorRegistered: false, acceptsConsultation: true, acceptsInsurance: false });
    expect(names((await get('/api/v1/catalog/doctors', { departmentId: ids.endo, available: true })).body)).toEqual([t('丁内分泌')]);
    expect(names((await get('/api/v1/catalog/doctors', { hospitalId: ids.h1, insuranceOnly: 'true', pageSize: 50 })).body)).toEqual([t('甲主任'), t('丙主治'), t('辛坏排班')]);
    expect((await get('/api/v1/catalog/doctors', { hospitalId: ids.h2, insuranceOnly: '1' })).body.total).toBe(0);
    expect(names((await get('/api/v1/catalog/doctors', { hospitalId: ids.h1, title: 'ASSOCIATE_CHIEF_PHYSICIAN' })).body)).toEqual([t('丙主治')]);
    expect(names((await get('/api/v1/catalog/doctors', { keyword: `甲主任${TAG}` })).body)).toEqual([t('甲主任')]);
    expect(names((await get('/api/v1/catalog/doctors', { hospitalId: ids.h1, keyword: '胰岛素' })).body)).toEqual([t('丁内分泌')]);
    expect((await get('/api/v1/catalog/doctors', { hospitalId: ids.h1, keyword: '内分泌科' })).body.total).toBe(2);
  });

  it('pages without overlap', async () => {
    const seen: string[] = [];
    for (const page of [1, 2, 3]) {
      const res = await get('/api/v1/catalog/doctors', { hospitalId: ids.h1, pageSize: 2, page });
      expect(res.body).toMatchObject({ page, pageSize: 2, total: 6 });
      seen.push(...res.body.items.map((d: { id: string }) => d.id));
    }
    expect(new Set(seen).size).toBe(6);
    expect((await get('/api/v1/catalog/doctors', { hospitalId: ids.h1, pageSize: 2, page: 4 })).body.items).toEqual([]);
  });

  it('finds doctors by disease: name, code, pinyin initials or another name, through specialties and department introductions', async () => {
    // 高压症 (keyword 心病) → the card department's intro mentions 心病; the chief's specialty names 高压症.
    const byName = await get('/api/v1/catalog/doctors', { disease: t('高压症'), pageSize: 50 });
    expect(byName.body.matchedDiseases).toEqual([{ code: `T${TAG}.01`, name: t('高压症') }]);
    expect(byName.body.items.map((d: { id: string }) => d.id).sort()).toEqual([ids.chief, ids.suspended, ids.attending, ids.broken].sort());
    expect((await get('/api/v1/catalog/doctors', { disease: `T${TAG}.01` })).body.total).toBe(4);
    expect((await get('/api/v1/catalog/doctors', { disease: `g${TAG.toLowerCase()}y` })).body.total).toBe(4);
    // 冠状动脉病 via its other name 冠心 → only the doctor whose specialty says so.
    const byAlias = await get('/api/v1/catalog/doctors', { disease: t('冠心') });
    expect(byAlias.body.matchedDiseases).toEqual([{ code: `T${TAG}.02`, name: t('冠状动脉病') }]);
    expect(byAlias.body.items.map((d: { id: string }) => d.id)).toEqual([ids.broken]);
    // Combined with other filters.
    expect((await get('/api/v1/catalog/doctors', { disease: t('高压症'), available: true, title: 'CHIEF_PHYSICIAN' })).body.items.map((d: { id: string }) => d.id)).toEqual([ids.chief]);
    // Nothing in the catalog: no doctors, and the answer says no disease matched.
    const none = await get('/api/v1/catalog/doctors', { disease: t('不存在的病') });
    expect(none.body).toMatchObject({ total: 0, items: [], matchedDiseases: [] });
    // A disabled catalog entry is not searchable.
    expect((await get('/api/v1/catalog/doctors', { disease: t('停用病种') })).body.matchedDiseases).toEqual([]);
  });

  it('one doctor by id; unknown → 404', async () => {
    expect((await get(`/api/v1/catalog/doctors/${ids.unqualified}`)).body).toMatchObject({ name: t('戊无资格'), acceptsConsultation: false });
    expect((await get(`/api/v1/catalog/doctors/${ids.hidden}`)).body).toMatchObject({ acceptsConsultation: false });
    const missing = await get('/api/v1/catalog/doctors/0190a000-0000-7000-8000-000000000000');
    expect(missing.body).toMatchObject({ code: 'NOT_FOUND', message: '未找到该医生' });
  });
});

describe('diseases', () => {
  it('searches by name, code prefix, pinyin initials and other names; filters by category and payableOnline; disabled entries hidden', async () => {
    const all = DiseaseListResponseSchema.parse((await get('/api/v1/catalog/diseases', { keyword: `T${TAG}` })).body);
    expect(all.items.map((d) => d.code)).toEqual([`T${TAG}.01`, `T${TAG}.02`, `T${TAG}.03`]); // CHRONIC, SPECIAL_CHRONIC, COMMON
    expect(all.items[1]).toMatchObject({ name: t('冠状动脉病'), category: 'SPECIAL_CHRONIC', payableOnline: true, keywords: [t('冠心'), t('胸痛')] });
    expect((await get('/api/v1/catalog/diseases', { keyword: t('胸痛') })).body.items.map((d: { code: string }) => d.code)).toEqual([`T${TAG}.02`]);
    expect((await get('/api/v1/catalog/diseases', { keyword: `JF${TAG}` })).body.items.map((d: { code: string }) => d.code)).toEqual([`T${TAG}.03`]);
    expect((await get('/api/v1/catalog/diseases', { keyword: `T${TAG}`, payableOnline: false })).body.items.map((d: { code: string }) => d.code)).toEqual([`T${TAG}.03`]);
    expect((await get('/api/v1/catalog/diseases', { keyword: `T${TAG}`, category: 'CHRONIC' })).body.items.map((d: { code: string }) => d.code)).toEqual([`T${TAG}.01`]);
    expect((await get('/api/v1/catalog/diseases', { category: 'RARE' })).status).toBe(400);
  });
});

describe('drugs', () => {
  const codes = (body: { items: { nationalCode: string }[] }) => body.items.map((d) => d.nationalCode.slice(-1)).join('');

  it('lists national code, name, spec, price in fen, insurance class and the unfit-for-internet flag; disabled drugs hidden', async () => {
    const res = await get('/api/v1/catalog/drugs', { keyword: `XT${TAG}`, pageSize: 50 });
    const body = DrugListResponseSchema.parse(res.body);
    expect(body.total).toBe(5);
    const morphine = body.items.find((d) => d.name === t('吗啡注射液'))!;
    expect(morphine).toMatchObject({ nationalCode: `XT${TAG}0004`, specification: '5mg*28片', priceFen: 1004, insuranceClass: 'CLASS_A', unfitForInternet: true, unit: '盒' });
  });

  it('searches by name, trade name, pinyin initials (any case) and national code prefix', async () => {
    expect(codes((await get('/api/v1/catalog/drugs', { keyword: t('二甲双胍片') })).body)).toBe('2');
    expect(codes((await get('/api/v1/catalog/drugs', { keyword: t('络活喜') })).body)).toBe('1');
    expect(codes((await get('/api/v1/catalog/drugs', { keyword: `ATFTTP${TAG}` })).body)).toBe('3');
    expect(codes((await get('/api/v1/catalog/drugs', { keyword: `xt${TAG.toLowerCase()}000` , pageSize: 50 })).body).length).toBe(5);
  });

  it('filters by insurance class and internet fitness, and pages', async () => {
    expect(codes((await get('/api/v1/catalog/drugs', { keyword: `XT${TAG}`, insuranceClass: 'CLASS_B' })).body)).toBe('3');
    const fit = await get('/api/v1/catalog/drugs', { keyword: `XT${TAG}`, fitForInternet: true, pageSize: 50 });
    expect(fit.body.total).toBe(4);
    expect(codes((await get('/api/v1/catalog/drugs', { keyword: `XT${TAG}`, fitForInternet: false })).body)).toBe('4');
    const p2 = await get('/api/v1/catalog/drugs', { keyword: `XT${TAG}`, pageSize: 2, page: 3 });
    expect(p2.body).toMatchObject({ total: 5, page: 3 });
    expect(p2.body.items).toHaveLength(1);
  });
});
