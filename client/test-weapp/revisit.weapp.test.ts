/**
 * 在线复诊 in the real WeChat build (client/dist/weapp, subpackage packageConsult): hospital →
 * department → doctor → 发起复诊 → 就诊人 and offline diagnosis → the eligibility result, with
 * navigation followed for real. `npm run build:weapp` first (root `npm test` does it).
 */
import { API_PREFIX } from '@ih/contract';
import { json, launch, type MiniProgram } from './harness';

const H = '0190a000-0000-7000-8000-0000000000a1';
const DEPT = '0190a000-0000-7000-8000-0000000000e1';
const DOC = '0190a000-0000-7000-8000-0000000000d1';
const P1 = '0190a000-0000-7000-8000-000000000001';
const covered = { mode: 'covered', reasons: [] };
const HOSPITAL = {
  id: H, code: 'H64010000001', name: '宁夏医科大学总医院', city: '银川市', admdvs: '640100', level: '三级甲等', address: null, batch: 1,
  goLiveDeadline: '2021-12-31', live: true, liveAt: '2021-12-10', insuranceEnabled: true, insurance: covered, departmentCount: 1,
};
const DOCTOR = {
  id: DOC, name: '纳红梅', gender: 'FEMALE', title: 'CHIEF_PHYSICIAN', photoUrl: null, specialty: '血脂异常与动脉粥样硬化防治', intro: null,
  hospital: { id: H, code: 'H64010000001', name: '宁夏医科大学总医院', insurance: covered }, department: { id: DEPT, name: '心血管内科' },
  realNameVerified: true, insuranceDoctorRegistered: true, internetQualified: true, status: 'ACTIVE', suspendedReason: null, consultationFeeFen: 3000,
  workingHours: [{ weekday: 1, start: '08:30', end: '12:00' }], acceptsConsultation: true, acceptsInsurance: true,
};
const page1 = (items: unknown[], extra: object = {}) => json({ items, page: 1, pageSize: 20, total: items.length, ...extra });

let mp: MiniProgram | undefined;
afterEach(async () => {
  const closing = mp;
  mp = undefined;
  await closing?.close();
});

test('hospital → department → doctor → eligibility: covered, with the next step honestly not open yet', async () => {
  mp = await launch({
    followNavigation: true,
    storage: { 'ih.session.token': 'ih_at_sim', 'ih.session.refresh': 'ih_rt_sim' },
    routes: {
      [`GET ${API_PREFIX}/catalog/hospitals`]: () => page1([HOSPITAL]),
      [`GET ${API_PREFIX}/catalog/hospitals/:id/departments`]: () =>
        page1([{ id: DEPT, hospitalId: H, code: 'XXGNK', name: '心血管内科', caty: 'A03.04', intro: '高血压、冠心病复诊', doctorCount: 1 }], { hospital: { id: H, name: '宁夏医科大学总医院', insurance: covered } }),
      [`GET ${API_PREFIX}/catalog/departments/:id`]: () =>
        json({ id: DEPT, hospitalId: H, code: 'XXGNK', name: '心血管内科', caty: 'A03.04', intro: null, doctorCount: 1, hospital: { id: H, name: '宁夏医科大学总医院', insurance: covered } }),
      [`GET ${API_PREFIX}/catalog/doctors`]: () => page1([DOCTOR]),
      [`GET ${API_PREFIX}/catalog/doctors/:id`]: () => json(DOCTOR),
      [`GET ${API_PREFIX}/patients`]: () =>
        json({ items: [{ id: P1, relationship: 'SELF', nameMasked: '张*国', idType: 'ID_CARD', idNumberMasked: '640***********0131', phoneMasked: null, gender: 'MALE', age: 58, isDefault: true, fromVoucher: true, createdAt: '2026-11-22T00:00:00.000Z' }], limit: 10 }),
      [`GET ${API_PREFIX}/patients/:id/offline-visits`]: () =>
        json({
          revisitWindowDays: 90, listedSince: '2025-08-01',
          items: [{ hospitalCode: 'H64010000001', hospitalName: '宁夏医科大学总医院', visitNo: 'MZ-1', visitDate: '2026-10-13', visitType: 'OUTPATIENT', departmentName: '心血管内科门诊', doctorName: '纳红梅', daysSinceVisit: 40, withinWindow: true, diagnoses: [{ code: 'I10.x00', name: '高血压', primary: true, inCatalog: true, payableOnline: true, category: 'CHRONIC' }] }],
        }),
      [`POST ${API_PREFIX}/consultations/eligibility`]: () =>
        json({
          canConsult: true, insurance: 'covered', reasons: [], revisitWindowDays: 90,
          offlineDiagnosis: { hospitalCode: 'H64010000001', hospitalName: '宁夏医科大学总医院', visitNo: 'MZ-1', visitDate: '2026-10-13', visitType: 'OUTPATIENT', departmentName: '心血管内科门诊', diagnosisCode: 'I10.x00', diagnosisName: '高血压', daysSinceVisit: 40 },
          disease: { code: 'I10.x00', name: '高血压', category: 'CHRONIC', payableOnline: true },
          doctor: { id: DOC, name: '纳红梅', title: 'CHIEF_PHYSICIAN', hospitalId: H, hospitalName: '宁夏医科大学总医院', departmentId: DEPT, departmentName: '心血管内科', consultationFeeFen: 3000 },
          checkedAt: '2026-11-22T08:00:00.000Z',
        }),
    },
  });

  const hospitals = await mp.openPage('/packageConsult/pages/revisit/index');
  const card = await hospitals.waitFor('.hospital-card');
  expect(card.get('.hospital-card__name').text).toBe('宁夏医科大学总医院');
  expect(card.get('.badge--insurance').text).toBe('医保可用');
  await card.tap();

  const departments = await mp.waitForPage('/packageConsult/pages/departments/index');
  await (await departments.waitFor('.department-card')).tap();

  const doctors = await mp.waitForPage('/packageConsult/pages/doctors/index');
  const doctorCard = await doctors.waitFor('.doctor-card');
  expect(doctorCard.get('.doctor-card__fee').text).toBe('诊查费 ¥30.00');
  await doctorCard.tap();

  const detail = await mp.waitForPage('/packageConsult/pages/doctor/index');
  await (await detail.waitFor('.doctor-detail__start')).tap();

  const eligibility = await mp.waitForPage('/packageConsult/pages/eligibility/index');
  await (await eligibility.waitFor('.diagnosis')).tap();
  await eligibility.tap('.eligibility__check');
  const result = await eligibility.waitFor('.eligibility-result--covered');
  expect(result.get('.eligibility-result__title').text).toBe('可以在线复诊，医保可参与支付');
  expect(result.get('.eligibility-next__title').text).toBe('下一步：描述病情');

  const post = mp.requests.find((r) => r.method === 'POST');
  expect(post?.path).toBe(`${API_PREFIX}/consultations/eligibility`);
  expect(post?.headers.Authorization ?? post?.headers.authorization).toBe('Bearer ih_at_sim');
  expect(post?.data).toEqual({ patientId: P1, doctorId: DOC, offlineDiagnosis: { hospitalCode: 'H64010000001', visitNo: 'MZ-1', diagnosisCode: 'I10.x00' } });
  expect(mp.navigations.map((n) => n.path)).toEqual([
    'packageConsult/pages/departments/index',
    'packageConsult/pages/doctors/index',
    'packageConsult/pages/doctor/index',
    'packageConsult/pages/eligibility/index',
  ]);
  expect(mp.navigations.map((n) => n.query)).toEqual([{ hospitalId: H }, { departmentId: DEPT }, { id: DOC }, { doctorId: DOC }]);
  expect(mp.callsOf('showToast')).toEqual([]);
});
