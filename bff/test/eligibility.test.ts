/**
 * Re-visit eligibility on the real MariaDB, with the offline visits coming from the HIS mock over
 * HTTP (signed both ways): every reason alone and combined, the window as a setting, the
 * disease catalog, suspended patients, hospitals not live / insurance off, every doctor check,
 * own-patient enforcement, sign-in and roles, validation, HIS down / slow, the offline-visit
 * picker, audit rows and logs without personal data.
 */
import request from 'supertest';
import { randomBytes } from 'node:crypto';
import { EligibilityResultSchema, OfflineVisitsResponseSchema, type EligibilityReasonCode } from '@ih/contract';
import { createHisMock } from '../../mock/src/platforms/his';
import { generateHisDemoKeys } from '../../mock/src/platforms/his/keys';
import { startMock, type RunningMock } from './platforms/alipay-helpers';
import { makeApp, type TestApp } from './helpers';
import { bearer, createStaff, patientWithSession, signIn } from './authHelpers';
import { fieldCipher } from '../src/lib/cipher';
import { EligibilityService, chinaToday, daysBetween, type OfflineVisitSource } from '../src/domains/consult/eligibility';

const TAG = randomBytes(3).toString('hex').toUpperCase();
const PEOPLE = {
  zhang: { id: '640104196803150131', name: '张建国' }, // 高血压 40 d (H64010000001 MZ-DEMO-0001, + 高脂血症), 2型糖尿病 200 d (H64010000002 MZ-DEMO-0002)
  li: { id: '640104194508020247', name: '李秀英' }, // 冠心病 20 d (H64010000004 MZ-DEMO-0003)
  liu: { id: '640202198501270172', name: '刘志强' }, // 高血压 10 d (H64020000002 MZ-DEMO-0009); voucher not activated
  ma: { id: '64040219720530088X', name: '马海燕' }, // 慢性胃炎 50 d (H64040000001 MZ-DEMO-0010); 急性阑尾炎 inpatient 15 d (MZ-DEMO-0011); suspended
} as const;
type Person = keyof typeof PEOPLE;

const keys = generateHisDemoKeys();
let mock: RunningMock;
let app: TestApp;
const ids: Record<string, string> = {};
let owner: { userId: string; access: string };
let other: { userId: string; access: string };
const patients: Partial<Record<Person, string>> = {};

const HTN = { hospitalCode: 'H64010000001', visitNo: 'MZ-DEMO-0001', diagnosisCode: 'I10.x00' };
const HLP = { ...HTN, diagnosisCode: 'E78.500' }; // same visit, 高脂血症: in the HIS, not in our test catalog
const DM_OLD = { hospitalCode: 'H64010000002', visitNo: 'MZ-DEMO-0002', diagnosisCode: 'E11.900' };
const LI_CAD = { hospitalCode: 'H64010000004', visitNo: 'MZ-DEMO-0003', diagnosisCode: 'I25.103' };
const LIU_HTN = { hospitalCode: 'H64020000002', visitNo: 'MZ-DEMO-0009', diagnosisCode: 'I10.x00' };
const MA_GASTRITIS = { hospitalCode: 'H64040000001', visitNo: 'MZ-DEMO-0010', diagnosisCode: 'K29.500' };
const MA_APPENDICITIS = { hospitalCode: 'H64040000001', visitNo: 'MZ-DEMO-0011', diagnosisCode: 'K35.900' };

function check(patient: Person, doctor: string, offlineDiagnosis: Record<string, string>, who = owner) {
  return request(app.app.callback())
    .post('/api/v1/consultations/eligibility')
    .set(bearer(who.access))
    .send({ patientId: patients[patient], doctorId: ids[doctor], offlineDiagnosis });
}

async function codesOf(patient: Person, doctor: string, dx: Record<string, string>): Promise<{ codes: EligibilityReasonCode[]; canConsult: boolean; insurance: string }> {
  const res = await check(patient, doctor, dx);
  expect(res.status).toBe(200);
  const body = EligibilityResultSchema.parse(res.body);
  return { codes: body.reasons.map((r) => r.code), canConsult: body.canConsult, insurance: body.insurance };
}

async function setWindow(days: number | null): Promise<void> {
  if (days === null) await app.prisma.setting.deleteMany({ where: { key: 'revisit_window_days' } });
  else await app.prisma.setting.upsert({ where: { key: 'revisit_window_days' }, create: { key: 'revisit_window_days', value: days }, update: { value: days } });
}

beforeAll(async () => {
  process.env.MOCK_TIMEOUT_HOLD_MS = '1000';
  mock = await startMock([createHisMock({ appId: 'his_test_app', appSecret: keys.MOCK_HIS_APP_SECRET! })]);
  app = makeApp({ env: { HIS_BASE_URL: `${mock.baseUrl}/his`, HIS_APP_ID: 'his_test_app', HIS_APP_SECRET: keys.HIS_APP_SECRET!, PLATFORM_TIMEOUT_MS: '300' } });
  const p = app.prisma;
  const cipher = fieldCipher(app.config);

  // Catalog: the diseases the HIS mock reports (E78.500 and J45.900 deliberately left out).
  for (const d of [
    { code: 'I10.x00', name: '高血压', category: 'CHRONIC' as const, payableOnline: true },
    { code: 'E11.900', name: '2型糖尿病', category: 'CHRONIC' as const, payableOnline: true },
    { code: 'I25.103', name: '冠状动脉粥样硬化性心脏病', category: 'CHRONIC' as const, payableOnline: true },
    { code: 'K29.500', name: '慢性胃炎', category: 'CHRONIC' as const, payableOnline: true },
    { code: 'K35.900', name: '急性阑尾炎', category: 'COMMON' as const, payableOnline: false },
  ]) {
    await p.disease.upsert({ where: { code: d.code }, create: d, update: d });
  }

  // Hospitals: live with insurance, not live, insurance off, neither.
  const hospital = (key: string, live: boolean, insuranceEnabled: boolean) =>
    p.hospital.create({ data: { code: `HE${TAG}${key}`, name: `资格测试${TAG}医院${key}`, city: '银川市', admdvs: '640100', batch: 4, goLiveDeadline: new Date('2023-06-30'), live, insuranceEnabled } });
  const hLive = await hospital('L', true, true);
  const hNotLive = await hospital('N', false, true);
  const hOff = await hospital('O', true, false);
  const hNeither = await hospital('X', false, false);
  const dept = (hospitalId: string, code: string, enabled = true) => p.internetDepartment.create({ data: { hospitalId, code, name: '心血管内科', caty: 'A03.04', enabled } });
  const dLive = await dept(hLive.id, 'XXGNK');
  const dOff = await dept(hLive.id, 'CLOSED', false);
  const dNotLive = await dept(hNotLive.id, 'XXGNK');
  const dInsOff = await dept(hOff.id, 'XXGNK');
  const dNeither = await dept(hNeither.id, 'XXGNK');
  let n = 0;
  const doctor = async (key: string, hospitalId: string, departmentId: string, over: Partial<{ realNameVerified: boolean; internetQualified: boolean; status: 'ACTIVE' | 'SUSPENDED'; insured: boolean }> = {}) => {
    n += 1;
    const d = await p.doctor.create({
      data: {
        hospitalId, departmentId, name: `医生${key}`, title: 'CHIEF_PHYSICIAN', specialty: '高血压', consultationFeeFen: 3000,
        realNameVerified: over.realNameVerified ?? true, internetQualified: over.internetQualified ?? true, status: over.status ?? 'ACTIVE',
        suspendedReason: over.status === 'SUSPENDED' ? '医保违规核查期间暂停互联网医保服务' : null,
        insuranceDoctorCode: over.insured === false ? null : `DE${TAG}${n}`, practiceCertNo: `PE${TAG}${n}`,
      },
    });
    ids[key] = d.id;
  };
  await doctor('good', hLive.id, dLive.id);
  await doctor('notRealName', hLive.id, dLive.id, { realNameVerified: false });
  await doctor('notQualified', hLive.id, dLive.id, { internetQualified: false });
  await doctor('suspended', hLive.id, dLive.id, { status: 'SUSPENDED' });
  await doctor('notInsured', hLive.id, dLive.id, { insured: false });
  await doctor('closedDept', hLive.id, dOff.id);
  await doctor('atNotLive', hNotLive.id, dNotLive.id);
  await doctor('atInsOff', hOff.id, dInsOff.id);
  await doctor('worst', hNeither.id, dNeither.id, { realNameVerified: false, internetQualified: false, status: 'SUSPENDED', insured: false });
  ids.hLive = hLive.id;

  // People: 就诊人 of two accounts, insured identities.
  owner = await patientWithSession(app);
  other = await patientWithSession(app);
  const addPatient = async (userId: string, person: Person) => {
    const { id, name } = PEOPLE[person];
    const row = await p.patient.create({
      data: {
        ownerUserId: userId, relationship: 'OTHER', nameEnc: cipher.encrypt(name), nameMasked: `*${name.slice(1)}`, idType: 'ID_CARD',
        idNumberEnc: cipher.encrypt(id), idNumberHash: cipher.hash(id), idNumberMasked: `${id.slice(0, 1)}****************${id.slice(-1)}`,
        birthDate: new Date('1970-01-01'), gender: 'UNKNOWN',
      },
    });
    return row.id;
  };
  for (const person of ['zhang', 'liu', 'ma'] as const) patients[person] = await addPatient(owner.userId, person);
  patients.li = await addPatient(other.userId, 'li');
  const insured = (person: Person, over: { voucherActivated: boolean; suspended?: boolean }) =>
    p.insuredIdentity.create({
      data: {
        idNumberHash: cipher.hash(PEOPLE[person].id), psnNo: `PSN${TAG}${person}`, insutype: '310', insuplcAdmdvs: '640100',
        voucherActivated: over.voucherActivated, suspended: over.suspended ?? false, suspendedReason: over.suspended ? '涉嫌违规使用医保基金' : null,
      },
    });
  await insured('zhang', { voucherActivated: true });
  await insured('liu', { voucherActivated: false });
  await insured('ma', { voucherActivated: true, suspended: true });
  await setWindow(90);
});

afterAll(async () => {
  await app.prisma.$disconnect();
  await mock.close();
});

beforeEach(() => mock.faults.clear());

describe('covered', () => {
  it('a re-visit of a catalog disease within the window, at a live hospital, with a registered doctor: insurance takes part', async () => {
    const res = await check('zhang', 'good', HTN);
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    const body = EligibilityResultSchema.parse(res.body);
    expect(body).toMatchObject({ canConsult: true, insurance: 'covered', reasons: [], revisitWindowDays: 90 });
    expect(body.offlineDiagnosis).toMatchObject({ hospitalCode: 'H64010000001', hospitalName: '宁夏医科大学总医院', visitNo: 'MZ-DEMO-0001', diagnosisCode: 'I10.x00', diagnosisName: '高血压', departmentName: '心血管内科门诊', visitType: 'OUTPATIENT' });
    expect(Math.abs(body.offlineDiagnosis!.daysSinceVisit - 40)).toBeLessThanOrEqual(1);
    expect(body.disease).toEqual({ code: 'I10.x00', name: '高血压', category: 'CHRONIC', payableOnline: true });
    expect(body.doctor).toMatchObject({ id: ids.good, name: '医生good', consultationFeeFen: 3000, hospitalId: ids.hLive, departmentName: '心血管内科' });
  });

  it('is audited with the outcome and reason codes only (no diagnosis, no personal data)', async () => {
    await check('liu', 'suspended', LIU_HTN).expect(200);
    const row = await app.prisma.auditLog.findFirst({ where: { action: 'consultation.eligibility_checked', actorUserId: owner.userId, targetId: patients.liu }, orderBy: { id: 'desc' } });
    expect(row).toMatchObject({ targetType: 'patient', actorRole: 'PATIENT' });
    expect(row!.details).toEqual({ doctorId: ids.suspended, canConsult: true, insurance: 'self_pay', reasons: 'DOCTOR_SUSPENDED' });
    expect(JSON.stringify({ ...row, id: String(row!.id) })).not.toMatch(/I10|高血压|刘志强|640202/);
  });
});

describe('each reason alone', () => {
  it('NOT_REVISIT: the visit is somebody else’s, or does not exist (refused; insurance never takes part)', async () => {
    const notMine = await check('zhang', 'good', LI_CAD);
    expect(notMine.body).toMatchObject({ canConsult: false, insurance: 'self_pay', offlineDiagnosis: null });
    expect(notMine.body.reasons).toEqual([
      { code: 'NOT_REVISIT', effect: 'refuse', title: '不属于复诊', message: expect.stringContaining('没有查到'), suggestion: expect.stringContaining('线下就诊'), actions: ['CHOOSE_DIAGNOSIS', 'VISIT_OFFLINE'] },
    ]);
    expect((await codesOf('zhang', 'good', { ...HTN, visitNo: 'MZ-NOPE-404' })).codes).toEqual(['NOT_REVISIT']);
    expect((await codesOf('zhang', 'good', { ...HTN, hospitalCode: 'H64010000002' })).codes).toEqual(['NOT_REVISIT']);
  });

  it('NOT_REVISIT: the visit has no diagnosis of that disease (the patient’s word is not enough)', async () => {
    const res = await check('zhang', 'good', { ...HTN, diagnosisCode: 'E11.900' });
    expect(res.body.reasons.map((r: { code: string }) => r.code)).toEqual(['NOT_REVISIT']);
    expect(res.body.reasons[0].message).toContain('2型糖尿病');
    expect(res.body.offlineDiagnosis).toBeNull();
  });

  it('REVISIT_WINDOW_EXPIRED: older than the window; the window is the revisit_window_days setting', async () => {
    const res = await check('zhang', 'good', DM_OLD);
    expect(res.body).toMatchObject({ canConsult: false, insurance: 'self_pay', revisitWindowDays: 90 });
    expect(res.body.reasons).toHaveLength(1);
    expect(res.body.reasons[0]).toMatchObject({ code: 'REVISIT_WINDOW_EXPIRED', effect: 'refuse', message: expect.stringContaining('90 天以内') });
    expect(res.body.offlineDiagnosis).toMatchObject({ visitNo: 'MZ-DEMO-0002', diagnosisName: '2型糖尿病' });
    try {
      await setWindow(365);
      expect(await codesOf('zhang', 'good', DM_OLD)).toEqual({ codes: [], canConsult: true, insurance: 'covered' });
      await setWindow(30);
      expect((await codesOf('zhang', 'good', HTN)).codes).toEqual(['REVISIT_WINDOW_EXPIRED']);
      // Missing or malformed setting: the 3-month default.
      await setWindow(null);
      expect((await check('zhang', 'good', HTN)).body.revisitWindowDays).toBe(90);
      await app.prisma.setting.create({ data: { key: 'revisit_window_days', value: 'ninety' } });
      expect((await check('zhang', 'good', DM_OLD)).body).toMatchObject({ revisitWindowDays: 90, canConsult: false });
    } finally {
      await setWindow(90);
    }
  });

  it('a recognized 慢特病 (self-service recognition, valid today) gets the longer revisit_window_days_recognized window', async () => {
    const p = app.prisma;
    const hash = fieldCipher(app.config).hash(PEOPLE.zhang.id);
    const setRecognized = (v: unknown) => p.setting.upsert({ where: { key: 'revisit_window_days_recognized' }, create: { key: 'revisit_window_days_recognized', value: v as never }, update: { value: v as never } });
    const picker = async () => OfflineVisitsResponseSchema.parse((await request(app.app.callback()).get(`/api/v1/patients/${patients.zhang}/offline-visits`).set(bearer(owner.access))).body);
    try {
      await setRecognized(365);
      // Without a recognition the 200-day-old diabetes visit is too old.
      expect((await codesOf('zhang', 'good', DM_OLD)).codes).toEqual(['REVISIT_WINDOW_EXPIRED']);
      // An expired or revoked recognition does not count.
      await p.recognizedDisease.create({ data: { idNumberHash: hash, diseaseCode: 'E11.900', diseaseName: '2型糖尿病', kind: 'TWO_DISEASES', recognizedAt: new Date('2024-01-01'), validUntil: new Date('2025-01-01') } });
      expect((await codesOf('zhang', 'good', DM_OLD)).codes).toEqual(['REVISIT_WINDOW_EXPIRED']);
      await p.recognizedDisease.update({ where: { idNumberHash_diseaseCode: { idNumberHash: hash, diseaseCode: 'E11.900' } }, data: { validUntil: null, revokedAt: new Date() } });
      expect((await codesOf('zhang', 'good', DM_OLD)).codes).toEqual(['REVISIT_WINDOW_EXPIRED']);

      // Valid (codes compared case-insensitively): covered, the applied window and the recognition in the answer.
      await p.recognizedDisease.update({ where: { idNumberHash_diseaseCode: { idNumberHash: hash, diseaseCode: 'E11.900' } }, data: { revokedAt: null, diseaseCode: 'e11.900' } });
      const res = await check('zhang', 'good', DM_OLD);
      expect(res.body).toMatchObject({ canConsult: true, insurance: 'covered', reasons: [], revisitWindowDays: 365, recognition: { diseaseName: '2型糖尿病', kind: 'TWO_DISEASES', validUntil: null } });
      // Only for that disease: the unrecognized hypertension keeps the general window and no recognition.
      expect((await check('zhang', 'good', HTN)).body).toMatchObject({ revisitWindowDays: 90, recognition: null });
      // The picker marks the diagnosis and counts the visit as within its window.
      const body = await picker();
      expect(body.recognizedWindowDays).toBe(365);
      const dm = body.items.find((v) => v.visitNo === 'MZ-DEMO-0002')!;
      expect(dm.withinWindow).toBe(true);
      expect(dm.diagnoses.find((d) => d.code === 'E11.900')!.recognized).toBe(true);

      // The recognized window is a city setting: 180 days is too short for a 200-day-old visit…
      await setRecognized(180);
      expect((await check('zhang', 'good', DM_OLD)).body).toMatchObject({ canConsult: false, revisitWindowDays: 180, reasons: [{ code: 'REVISIT_WINDOW_EXPIRED', message: expect.stringContaining('180 天以内') }] });
      // …and it is never shorter than the general window.
      await setRecognized(10);
      await setWindow(365);
      expect((await check('zhang', 'good', DM_OLD)).body).toMatchObject({ canConsult: true, revisitWindowDays: 365 });
      // The same person's offline visit must still exist: a recognition is no visit.
      expect((await codesOf('zhang', 'good', { ...DM_OLD, visitNo: 'MZ-NOPE' })).codes).toEqual(['NOT_REVISIT']);
    } finally {
      await p.recognizedDisease.deleteMany({ where: { idNumberHash: hash } });
      await p.setting.deleteMany({ where: { key: 'revisit_window_days_recognized' } });
      await setWindow(90);
    }
  });

  it('DISEASE_NOT_COVERED: not in the internet disease catalog, or in it but not payable online (self-pay offered)', async () => {
    const absent = await check('zhang', 'good', HLP);
    expect(absent.body).toMatchObject({ canConsult: true, insurance: 'self_pay', disease: null });
    expect(absent.body.reasons).toEqual([expect.objectContaining({ code: 'DISEASE_NOT_COVERED', effect: 'self_pay', message: expect.stringContaining('高脂血症'), actions: ['CONTINUE_SELF_PAY', 'VISIT_OFFLINE'] })]);
    // 急性阑尾炎 is in the catalog but not payable online (ma is also suspended: both reasons).
    const res = await check('ma', 'good', MA_APPENDICITIS);
    expect(res.body.disease).toMatchObject({ code: 'K35.900', payableOnline: false });
    expect(res.body.reasons.map((r: { code: string }) => r.code)).toEqual(['DISEASE_NOT_COVERED', 'PATIENT_INSURANCE_SUSPENDED']);
    // Switching the catalog entry changes the answer (data, not code).
    await app.prisma.disease.update({ where: { code: 'I10.x00' }, data: { payableOnline: false } });
    try {
      expect((await codesOf('zhang', 'good', HTN)).codes).toEqual(['DISEASE_NOT_COVERED']);
    } finally {
      await app.prisma.disease.update({ where: { code: 'I10.x00' }, data: { payableOnline: true } });
    }
  });

  it('PATIENT_INSURANCE_SUSPENDED: self-pay, without revealing why', async () => {
    const res = await check('ma', 'good', MA_GASTRITIS);
    expect(res.body).toMatchObject({ canConsult: true, insurance: 'self_pay' });
    expect(res.body.reasons).toEqual([expect.objectContaining({ code: 'PATIENT_INSURANCE_SUSPENDED', effect: 'self_pay', actions: ['CONTINUE_SELF_PAY', 'CONTACT_INSURANCE'] })]);
    expect(JSON.stringify(res.body)).not.toContain('涉嫌');
  });

  it('HOSPITAL_NOT_LIVE and HOSPITAL_INSURANCE_OFF: self-pay with the hospital named', async () => {
    const notLive = await check('zhang', 'atNotLive', HTN);
    expect(notLive.body).toMatchObject({ canConsult: true, insurance: 'self_pay' });
    expect(notLive.body.reasons).toEqual([expect.objectContaining({ code: 'HOSPITAL_NOT_LIVE', message: expect.stringContaining('2023-06-30'), actions: ['CONTINUE_SELF_PAY', 'CHOOSE_HOSPITAL'] })]);
    expect(notLive.body.reasons[0].message).toContain(`资格测试${TAG}医院N`);
    expect(await codesOf('zhang', 'atInsOff', HTN)).toEqual({ codes: ['HOSPITAL_INSURANCE_OFF'], canConsult: true, insurance: 'self_pay' });
  });

  it('doctor checks: not real-name, not qualified, not in an internet department refuse; suspended or not an insurance doctor mean self-pay', async () => {
    expect(await codesOf('zhang', 'notRealName', HTN)).toEqual({ codes: ['DOCTOR_NOT_REAL_NAME'], canConsult: false, insurance: 'self_pay' });
    expect(await codesOf('zhang', 'notQualified', HTN)).toEqual({ codes: ['DOCTOR_NOT_QUALIFIED'], canConsult: false, insurance: 'self_pay' });
    expect(await codesOf('zhang', 'closedDept', HTN)).toEqual({ codes: ['DOCTOR_NOT_IN_INTERNET_DEPARTMENT'], canConsult: false, insurance: 'self_pay' });
    expect(await codesOf('zhang', 'suspended', HTN)).toEqual({ codes: ['DOCTOR_SUSPENDED'], canConsult: true, insurance: 'self_pay' });
    expect(await codesOf('zhang', 'notInsured', HTN)).toEqual({ codes: ['DOCTOR_NOT_INSURANCE_DOCTOR'], canConsult: true, insurance: 'self_pay' });
    const suspended = await check('zhang', 'suspended', HTN);
    expect(suspended.body.reasons[0].message).toContain('医保违规核查期间暂停互联网医保服务');
  });

  it('VOUCHER_NOT_ACTIVATED: insurance would take part, but the voucher must be activated first (a notice)', async () => {
    const res = await check('liu', 'good', LIU_HTN);
    expect(res.body).toMatchObject({ canConsult: true, insurance: 'covered' });
    expect(res.body.reasons).toEqual([expect.objectContaining({ code: 'VOUCHER_NOT_ACTIVATED', effect: 'notice', actions: ['ACTIVATE_VOUCHER'] })]);
    // Not added when insurance does not take part anyway.
    expect((await codesOf('liu', 'notInsured', LIU_HTN)).codes).toEqual(['DOCTOR_NOT_INSURANCE_DOCTOR']);
  });
});

describe('combined reasons', () => {
  it('answers every reason that applies, refusals first, then self-pay', async () => {
    const res = await check('ma', 'worst', MA_APPENDICITIS);
    const body = EligibilityResultSchema.parse(res.body);
    expect(body).toMatchObject({ canConsult: false, insurance: 'self_pay' });
    expect(body.reasons.map((r) => r.code)).toEqual([
      'DOCTOR_NOT_REAL_NAME',
      'DOCTOR_NOT_QUALIFIED',
      'DISEASE_NOT_COVERED',
      'PATIENT_INSURANCE_SUSPENDED',
      'HOSPITAL_NOT_LIVE',
      'HOSPITAL_INSURANCE_OFF',
      'DOCTOR_SUSPENDED',
      'DOCTOR_NOT_INSURANCE_DOCTOR',
    ]);
    for (const r of body.reasons) expect(r.message).toMatch(/[\u4e00-\u9fff]/);
  });

  it('a stale visit of a disease outside the catalog with an unqualified doctor at a hospital without insurance', async () => {
    try {
      await app.prisma.disease.update({ where: { code: 'E11.900' }, data: { enabled: false } });
      expect(await codesOf('zhang', 'notQualified', DM_OLD)).toEqual({ codes: ['REVISIT_WINDOW_EXPIRED', 'DOCTOR_NOT_QUALIFIED', 'DISEASE_NOT_COVERED'], canConsult: false, insurance: 'self_pay' });
      expect((await codesOf('zhang', 'atInsOff', DM_OLD)).codes).toEqual(['REVISIT_WINDOW_EXPIRED', 'DISEASE_NOT_COVERED', 'HOSPITAL_INSURANCE_OFF']);
    } finally {
      await app.prisma.disease.update({ where: { code: 'E11.900' }, data: { enabled: true } });
    }
  });

  it('self-pay reasons together still allow the consultation', async () => {
    expect(await codesOf('ma', 'atNotLive', MA_GASTRITIS)).toEqual({ codes: ['PATIENT_INSURANCE_SUSPENDED', 'HOSPITAL_NOT_LIVE'], canConsult: true, insurance: 'self_pay' });
    expect(await codesOf('zhang', 'suspended', HLP)).toEqual({ codes: ['DISEASE_NOT_COVERED', 'DOCTOR_SUSPENDED'], canConsult: true, insurance: 'self_pay' });
  });
});

describe('who may ask', () => {
  it('only the owner’s own 就诊人: another user’s patient, a deleted one or an unknown one answer 404', async () => {
    const res = await check('li', 'good', LI_CAD); // owner asking for other's patient
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ code: 'NOT_FOUND', message: '就诊人不存在或已删除' });
    // The rightful owner gets an answer.
    expect((await check('li', 'good', LI_CAD, other)).body).toMatchObject({ canConsult: true, insurance: 'covered' });
    const gone = await app.prisma.patient.create({ data: { ...(await app.prisma.patient.findUniqueOrThrow({ where: { id: patients.zhang! }, omit: { id: true, createdAt: true, updatedAt: true } })), ownerUserId: other.userId, deletedAt: new Date() } });
    const deleted = await request(app.app.callback()).post('/api/v1/consultations/eligibility').set(bearer(other.access)).send({ patientId: gone.id, doctorId: ids.good, offlineDiagnosis: HTN });
    expect(deleted.status).toBe(404);
    expect(mock.faults.list()).toEqual([]);
  });

  it('an unknown doctor is 404', async () => {
    const res = await request(app.app.callback()).post('/api/v1/consultations/eligibility').set(bearer(owner.access))
      .send({ patientId: patients.zhang, doctorId: '0190a000-0000-7000-8000-000000000000', offlineDiagnosis: HTN });
    expect(res.status).toBe(404);
    expect(res.body.message).toBe('未找到该医生');
  });

  it('needs a signed-in patient: 401 without a session, 403 for staff', async () => {
    const anon = await request(app.app.callback()).post('/api/v1/consultations/eligibility').send({ patientId: patients.zhang, doctorId: ids.good, offlineDiagnosis: HTN });
    expect(anon.status).toBe(401);
    expect(anon.body.code).toBe('UNAUTHENTICATED');
    const staff = await createStaff(app, 'DOCTOR', 'Doctor@2026');
    const session = await signIn(app, staff.id);
    const res = await request(app.app.callback()).post('/api/v1/consultations/eligibility').set(bearer(session.tokens.accessToken)).send({ patientId: patients.zhang, doctorId: ids.good, offlineDiagnosis: HTN });
    expect(res.status).toBe(403);
    expect((await request(app.app.callback()).get(`/api/v1/patients/${patients.zhang}/offline-visits`)).status).toBe(401);
  });

  it('validates the request with Chinese field messages', async () => {
    const res = await request(app.app.callback()).post('/api/v1/consultations/eligibility').set(bearer(owner.access))
      .send({ patientId: 'x', doctorId: ids.good, offlineDiagnosis: { hospitalCode: 'H64010000001', visitNo: '', diagnosisCode: 'I10.x00' } });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    expect(res.body.fields).toEqual(expect.arrayContaining([{ path: 'patientId', message: '请选择就诊人' }, { path: 'offlineDiagnosis.visitNo', message: '请选择线下就诊记录' }]));
  });
});

describe('HIS failures', () => {
  it('HIS answering errors → 502 HIS_UNAVAILABLE (after retries), with a Chinese message', async () => {
    mock.faults.add({ platform: 'his', kind: 'http_error', params: { status: 503 }, times: 20 });
    const res = await check('zhang', 'good', HTN);
    expect(res.status).toBe(502);
    expect(res.body).toMatchObject({ code: 'HIS_UNAVAILABLE', message: '医院系统暂时无法查询，请稍后重试' });
    expect(res.body.requestId).toBeTruthy();
  });

  it('a tampered HIS answer (bad signature) is never trusted → 502', async () => {
    mock.faults.add({ platform: 'his', kind: 'bad_signature', times: 20 });
    expect((await check('zhang', 'good', HTN)).body.code).toBe('HIS_UNAVAILABLE');
  });

  it('HIS too slow → 504 HIS_TIMEOUT, within the deadline', async () => {
    mock.faults.add({ platform: 'his', kind: 'timeout', times: 20 });
    const started = Date.now();
    const res = await check('zhang', 'good', HTN);
    expect(res.status).toBe(504);
    expect(res.body.code).toBe('HIS_TIMEOUT');
    expect(Date.now() - started).toBeLessThan(5000);
    const visits = await request(app.app.callback()).get(`/api/v1/patients/${patients.zhang}/offline-visits`).set(bearer(owner.access));
    expect(visits.status).toBe(504);
  });

  it('no personal data in the logs of any of this', () => {
    const text = app.log.text();
    for (const { id, name } of Object.values(PEOPLE)) {
      expect(text).not.toContain(id);
      expect(text).not.toContain(id.toLowerCase());
      expect(text).not.toContain(name);
    }
    expect(text).not.toMatch(/idNoHash=[0-9a-f]{64}/);
  });
});

describe('offline visits (the picker)', () => {
  it('lists the patient’s visits from the HIS, newest first, with window and catalog flags per diagnosis', async () => {
    const res = await request(app.app.callback()).get(`/api/v1/patients/${patients.zhang}/offline-visits`).set(bearer(owner.access));
    expect(res.status).toBe(200);
    const body = OfflineVisitsResponseSchema.parse(res.body);
    expect(body.revisitWindowDays).toBe(90);
    expect(body.items.map((v) => [v.visitNo, v.withinWindow])).toEqual([['MZ-DEMO-0001', true], ['MZ-DEMO-0002', false]]);
    expect(body.items[0]!.diagnoses).toEqual([
      { code: 'I10.x00', name: '高血压', primary: true, inCatalog: true, payableOnline: true, category: 'CHRONIC', recognized: false },
      { code: 'E78.500', name: '高脂血症', primary: false, inCatalog: false, payableOnline: false, category: null, recognized: false },
    ]);
    expect(body.items[0]).toMatchObject({ hospitalName: '宁夏医科大学总医院', departmentName: '心血管内科门诊', doctorName: '纳红梅', visitType: 'OUTPATIENT' });
  });

  it('filters by hospital; an unknown hospital is 404; another user’s patient is 404', async () => {
    const h2 = await app.prisma.hospital.upsert({
      where: { code: 'H64010000002' },
      create: { code: 'H64010000002', name: '自治区人民医院', city: '银川市', admdvs: '640100', batch: 1, goLiveDeadline: new Date('2021-12-31'), live: true, insuranceEnabled: true },
      update: {},
    });
    const res = await request(app.app.callback()).get(`/api/v1/patients/${patients.zhang}/offline-visits`).query({ hospitalId: h2.id }).set(bearer(owner.access));
    expect(res.body.items.map((v: { visitNo: string }) => v.visitNo)).toEqual(['MZ-DEMO-0002']);
    expect((await request(app.app.callback()).get(`/api/v1/patients/${patients.zhang}/offline-visits`).query({ hospitalId: '0190a000-0000-7000-8000-000000000000' }).set(bearer(owner.access))).status).toBe(404);
    expect((await request(app.app.callback()).get(`/api/v1/patients/${patients.li}/offline-visits`).set(bearer(owner.access))).status).toBe(404);
    expect((await request(app.app.callback()).get(`/api/v1/patients/${patients.ma}/offline-visits`).set(bearer(owner.access))).body.items.map((v: { visitNo: string; visitType: string }) => [v.visitNo, v.visitType])).toEqual([
      ['MZ-DEMO-0011', 'INPATIENT'],
      ['MZ-DEMO-0010', 'OUTPATIENT'],
    ]);
  });

  it('HIS down → 502', async () => {
    mock.faults.add({ platform: 'his', kind: 'http_error', params: { status: 500 }, times: 20 });
    const res = await request(app.app.callback()).get(`/api/v1/patients/${patients.zhang}/offline-visits`).set(bearer(owner.access));
    expect(res.status).toBe(502);
    expect(res.body.code).toBe('HIS_UNAVAILABLE');
  });
});

describe('the service with its own HIS source', () => {
  const visit = (visitDate: string) => ({
    visitNo: 'V1', patientId: 'P1', hospitalCode: 'HX', hospitalName: '某医院', visitDate, visitType: 'OUTPATIENT' as const, departmentName: '内科门诊',
    diagnoses: [{ code: 'I10.x00', name: '高血压', primary: true }],
  });
  const source = (v: ReturnType<typeof visit>): OfflineVisitSource => ({
    getVisit: async () => v,
    findPatients: async () => [{ patientId: 'P1', hospitalCode: 'HX', visitCount: 1 }],
    allVisits: async () => [v],
  });
  const service = (v: ReturnType<typeof visit>, now: Date) =>
    new EligibilityService({ prisma: app.prisma, logger: app.log.logger, cipher: fieldCipher(app.config), his: () => source(v), now: () => now });
  const req = () => ({ patientId: patients.zhang!, doctorId: ids.good!, offlineDiagnosis: { hospitalCode: 'HX', visitNo: 'V1', diagnosisCode: 'I10.x00' } });

  it('counts days on China’s calendar: the window’s last day is still inside, the next is not', async () => {
    // 2026-03-31 16:30 UTC is 2026-04-01 00:30 in China.
    const now = new Date('2026-03-31T16:30:00Z');
    expect(chinaToday(now)).toBe('2026-04-01');
    expect(daysBetween('2026-01-01', '2026-04-01')).toBe(90);
    expect((await service(visit('2026-01-01'), now).check(owner.userId, req())).canConsult).toBe(true);
    const late = await service(visit('2025-12-31'), now).check(owner.userId, req());
    expect(late.reasons.map((r) => r.code)).toEqual(['REVISIT_WINDOW_EXPIRED']);
    expect(late.offlineDiagnosis?.daysSinceVisit).toBe(91);
  });

  it('a visit dated in the future is no proof', async () => {
    const res = await service(visit('2026-04-02'), new Date('2026-04-01T04:00:00Z')).check(owner.userId, req());
    expect(res.reasons.map((r) => [r.code, r.message])).toEqual([['NOT_REVISIT', expect.stringContaining('晚于今天')]]);
  });

  it('a missing HIS configuration is a 502, not a crash', async () => {
    const broken = new EligibilityService({ prisma: app.prisma, logger: app.log.logger, cipher: fieldCipher(app.config), his: () => { throw new Error('医院 HIS 接口未配置：缺少 HIS_APP_SECRET'); } });
    await expect(broken.check(owner.userId, req())).rejects.toMatchObject({ code: 'HIS_UNAVAILABLE', status: 502 });
  });
});
