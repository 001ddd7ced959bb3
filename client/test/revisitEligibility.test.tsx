/**
 * 复诊资格核对 page: sign-in first; 就诊人 and offline visits (from the HIS) with their states;
 * choosing a diagnosis; the result — covered, self-pay with reasons, refused with reasons and
 * alternatives — and the honest "next step coming soon" state; failures of the check.
 */
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import Taro from '@tarojs/taro';
import { ERROR_CATALOG, eligibilityReason, type EligibilityResult, type OfflineVisitsResponse, type Patient } from '@ih/contract';
import Eligibility from '../src/packageConsult/pages/eligibility/index';
import { EligibilityResult as ResultView, verdictOf } from '../src/packageConsult/components/EligibilityResult';
import { resetSignInRedirect } from '../src/services/request';
import { clearSession, saveSession } from '../src/services/session';
import { __setRouterParams } from './doubles/taro';
import { err, fakeBff, gate, tokens, type FakeAnswer } from './fakeBff';

const DOCTOR_ID = '0190a000-0000-7000-8000-0000000000d1';
const P1 = '0190a000-0000-7000-8000-000000000001';
const P2 = '0190a000-0000-7000-8000-000000000002';
const patient = (id: string, over: Partial<Patient> = {}): Patient => ({
  id, relationship: 'SELF', nameMasked: '张*国', idType: 'ID_CARD', idNumberMasked: '640***********0131', phoneMasked: null, gender: 'MALE', age: 58,
  isDefault: false, fromVoucher: true, createdAt: '2026-11-22T00:00:00.000Z', ...over,
});
const MOTHER = patient(P2, { relationship: 'PARENT', nameMasked: '李*英', isDefault: true, fromVoucher: false });
const DOCTOR = {
  id: DOCTOR_ID, name: '纳红梅', gender: 'FEMALE', title: 'CHIEF_PHYSICIAN', photoUrl: null, specialty: '高血压', intro: null,
  hospital: { id: '0190a000-0000-7000-8000-0000000000a1', code: 'H64010000001', name: '宁夏医科大学总医院', insurance: { mode: 'covered', reasons: [] } },
  department: { id: '0190a000-0000-7000-8000-0000000000e1', name: '心血管内科' }, realNameVerified: true, insuranceDoctorRegistered: true, internetQualified: true,
  status: 'ACTIVE', suspendedReason: null, consultationFeeFen: 3000, workingHours: null, acceptsConsultation: true, acceptsInsurance: true,
};
const VISITS: OfflineVisitsResponse = {
  revisitWindowDays: 90,
  listedSince: '2025-08-01',
  items: [
    {
      hospitalCode: 'H64010000001', hospitalName: '宁夏医科大学总医院', visitNo: 'MZ-1', visitDate: '2026-10-13', visitType: 'OUTPATIENT', departmentName: '心血管内科门诊',
      doctorName: '纳红梅', daysSinceVisit: 40, withinWindow: true,
      diagnoses: [
        { code: 'I10.x00', name: '高血压', primary: true, inCatalog: true, payableOnline: true, category: 'CHRONIC', recognized: false },
        { code: 'E78.500', name: '高脂血症', primary: false, inCatalog: false, payableOnline: false, category: null, recognized: false },
      ],
    },
    {
      hospitalCode: 'H64010000002', hospitalName: '自治区人民医院', visitNo: 'MZ-2', visitDate: '2026-05-06', visitType: 'OUTPATIENT', departmentName: '内分泌科门诊',
      doctorName: null, daysSinceVisit: 200, withinWindow: false,
      diagnoses: [{ code: 'E11.900', name: '2型糖尿病', primary: true, inCatalog: true, payableOnline: true, category: 'CHRONIC', recognized: false }],
    },
  ],
};
const base: Omit<EligibilityResult, 'canConsult' | 'insurance' | 'reasons'> = {
  revisitWindowDays: 90,
  recognition: null,
  offlineDiagnosis: { hospitalCode: 'H64010000001', hospitalName: '宁夏医科大学总医院', visitNo: 'MZ-1', visitDate: '2026-10-13', visitType: 'OUTPATIENT', departmentName: '心血管内科门诊', diagnosisCode: 'I10.x00', diagnosisName: '高血压', daysSinceVisit: 40 },
  disease: { code: 'I10.x00', name: '高血压', category: 'CHRONIC', payableOnline: true },
  doctor: { id: DOCTOR_ID, name: '纳红梅', title: 'CHIEF_PHYSICIAN', hospitalId: '0190a000-0000-7000-8000-0000000000a1', hospitalName: '宁夏医科大学总医院', departmentId: '0190a000-0000-7000-8000-0000000000e1', departmentName: '心血管内科', consultationFeeFen: 3000 },
  checkedAt: '2026-11-22T08:00:00.000Z',
};
const COVERED: EligibilityResult = { ...base, canConsult: true, insurance: 'covered', reasons: [] };
const SELF_PAY: EligibilityResult = {
  ...base, canConsult: true, insurance: 'self_pay',
  reasons: [eligibilityReason('DISEASE_NOT_COVERED', { diagnosisName: '高脂血症' }), eligibilityReason('DOCTOR_SUSPENDED', { doctorName: '纳红梅', suspendedReason: '核查期间暂停' })],
};
const REFUSED: EligibilityResult = {
  ...base, canConsult: false, insurance: 'self_pay', offlineDiagnosis: null,
  reasons: [eligibilityReason('REVISIT_WINDOW_EXPIRED', { diagnosisName: '2型糖尿病', visitDate: '2026-05-06', daysSinceVisit: 200, windowDays: 90 }), eligibilityReason('DOCTOR_NOT_QUALIFIED', { doctorName: '纳红梅' }), eligibilityReason('HOSPITAL_NOT_LIVE', { hospitalName: '泾源县人民医院', goLiveDeadline: '2023-06-30' })],
};

function routes(over: Record<string, (c: { data?: unknown }) => FakeAnswer | Promise<FakeAnswer>> = {}) {
  return fakeBff({
    [`GET /api/v1/catalog/doctors/${DOCTOR_ID}`]: () => ({ status: 200, body: DOCTOR }),
    'GET /api/v1/patients': () => ({ status: 200, body: { items: [patient(P1), MOTHER], limit: 10 } }),
    [`GET /api/v1/patients/${P1}/offline-visits`]: () => ({ status: 200, body: VISITS }),
    [`GET /api/v1/patients/${P2}/offline-visits`]: () => ({ status: 200, body: { ...VISITS, items: [] } }),
    'POST /api/v1/consultations/eligibility': () => ({ status: 200, body: COVERED }),
    ...over,
  });
}

beforeEach(() => {
  clearSession();
  resetSignInRedirect();
  __setRouterParams({ doctorId: DOCTOR_ID });
});

describe('before the check', () => {
  it('not signed in: explains and leads to sign-in, asks nothing personal', async () => {
    const bff = routes();
    const { container } = render(<Eligibility />);
    expect(await screen.findByText('纳红梅 主任医师')).toBeTruthy();
    expect(container.querySelector('.eligibility--signed-out')).not.toBeNull();
    expect(screen.getByText('请先登录')).toBeTruthy();
    fireEvent.click(screen.getByText('去登录'));
    expect(Taro.navigateTo).toHaveBeenLastCalledWith({ url: '/pages/auth/login/index' });
    expect(bff.of('GET', '/api/v1/patients')).toHaveLength(0);
  });

  it('signed in: the default 就诊人 first; their visits; no visits is an empty state that says to see a doctor offline', async () => {
    saveSession(tokens());
    const bff = routes();
    const { container } = render(<Eligibility />);
    expect(await screen.findByText('未查询到线下就诊记录')).toBeTruthy(); // MOTHER (default) has none
    expect(screen.getByText(/请先到实体医院线下就诊/)).toBeTruthy();
    expect(container.querySelector('.patient-option.option--selected')?.textContent).toContain('李*英');
    fireEvent.click(screen.getByText(/张\*国/));
    expect(await screen.findByText('高血压')).toBeTruthy();
    expect(bff.of('GET', `/api/v1/patients/${P1}/offline-visits`)).toHaveLength(1);
    expect(screen.getByText(/在线复诊须在线下就诊后 90 天内/)).toBeTruthy();
    // Flags per diagnosis and visit, in words.
    expect(container.querySelector('.visit--stale .badge--stale')?.textContent).toBe('已超过 90 天复诊期限');
    expect(container.querySelector('.diagnosis[data-code="E78.500"] .badge--not-in-catalog')?.textContent).toContain('不在医保病种目录');
    expect(container.querySelector('.diagnosis[data-code="I10.x00"] .badge--payable')?.textContent).toBe('医保可支付');
    // Nothing chosen yet: the check cannot run.
    expect(container.querySelector('.eligibility__check')!.className).toContain('nut-button-disabled');
    fireEvent.click(screen.getByText('核对复诊资格'));
    expect(bff.of('POST', '/api/v1/consultations/eligibility')).toHaveLength(0);
  });

  it('no 就诊人 yet: leads to adding one', async () => {
    saveSession(tokens());
    routes({ 'GET /api/v1/patients': () => ({ status: 200, body: { items: [], limit: 10 } }) });
    render(<Eligibility />);
    expect(await screen.findByText('还没有就诊人')).toBeTruthy();
    fireEvent.click(screen.getByText('添加就诊人'));
    expect(Taro.navigateTo).toHaveBeenLastCalledWith({ url: '/pages/patients/edit/index' });
  });

  it('HIS down while listing visits: the error in Chinese with a retry', async () => {
    saveSession(tokens());
    let fail = true;
    routes({
      'GET /api/v1/patients': () => ({ status: 200, body: { items: [patient(P1)], limit: 10 } }),
      [`GET /api/v1/patients/${P1}/offline-visits`]: () => (fail ? err(504, 'HIS_TIMEOUT') : { status: 200, body: VISITS }),
    });
    const { container } = render(<Eligibility />);
    expect(await screen.findByText(ERROR_CATALOG.HIS_TIMEOUT.message)).toBeTruthy();
    expect(container.querySelector('.eligibility__visits .page-state--error')).not.toBeNull();
    fail = false;
    fireEvent.click(screen.getByText('重新加载'));
    expect(await screen.findByText('高血压')).toBeTruthy();
  });
});

async function chooseAndCheck(code = 'I10.x00') {
  saveSession(tokens());
  const utils = render(<Eligibility />);
  fireEvent.click(await screen.findByText(/张\*国/));
  await screen.findByText('高血压');
  fireEvent.click(utils.container.querySelector(`.diagnosis[data-code="${code}"]`)!);
  fireEvent.click(screen.getByText('核对复诊资格'));
  return utils;
}

describe('the result', () => {
  it('covered: says insurance takes part, shows the facts, and the next step opens the describe page with the same request', async () => {
    const held = gate<FakeAnswer>();
    const bff = routes({ 'POST /api/v1/consultations/eligibility': () => held.promise });
    const { container } = await chooseAndCheck();
    expect(await screen.findByText('正在核对…')).toBeTruthy();
    held.release({ status: 200, body: COVERED });
    expect(await screen.findByText('可以在线复诊，医保可参与支付')).toBeTruthy();
    expect(bff.of('POST', '/api/v1/consultations/eligibility')[0]!.data).toEqual({ patientId: P1, doctorId: DOCTOR_ID, offlineDiagnosis: { hospitalCode: 'H64010000001', visitNo: 'MZ-1', diagnosisCode: 'I10.x00' } });
    expect(container.querySelector('.eligibility-result--covered')).not.toBeNull();
    expect(screen.getByText(/复诊依据：2026-10-13 宁夏医科大学总医院 心血管内科门诊「高血压」（40 天前，复诊期限 90 天）/)).toBeTruthy();
    expect(container.querySelectorAll('.eligibility-reason')).toHaveLength(0);
    const next = container.querySelector('.eligibility-next__button')!;
    expect(next.textContent).toBe('下一步：描述病情');
    expect(next.className).not.toContain('nut-button-disabled');
    expect(screen.getByText(/不会产生任何费用，也不会创建订单/)).toBeTruthy();
    fireEvent.click(next);
    expect(Taro.navigateTo).toHaveBeenLastCalledWith({
      url: `/packageConsult/pages/describe/index?doctorId=${DOCTOR_ID}&patientId=${P1}&hospitalCode=H64010000001&visitNo=MZ-1&diagnosisCode=I10.x00`,
    });
  });

  it('self-pay: every reason with its explanation and suggestion; going on is still offered', async () => {
    routes({ 'POST /api/v1/consultations/eligibility': () => ({ status: 200, body: SELF_PAY }) });
    const { container } = await chooseAndCheck('E78.500');
    expect(await screen.findByText('可以在线复诊，本次需全部自费')).toBeTruthy();
    expect(container.querySelector('.eligibility-result--self-pay')).not.toBeNull();
    expect(screen.getByText('需要自费的原因（共 2 条）')).toBeTruthy();
    expect(container.querySelector('.eligibility-reason--DISEASE_NOT_COVERED .eligibility-reason__message')?.textContent).toContain('高脂血症');
    expect(container.querySelector('.eligibility-reason--DOCTOR_SUSPENDED .eligibility-reason__message')?.textContent).toContain('（核查期间暂停）');
    expect(container.querySelector('.eligibility-reason--DOCTOR_SUSPENDED .eligibility-reason__suggestion')?.textContent).toMatch(/^建议：/);
    expect(screen.getByText(/诊查费 ¥30.00（全部自费）/)).toBeTruthy();
    expect(container.querySelector('.eligibility-next')).not.toBeNull();
    // "Continue (self-pay)" is the next step itself, not a separate button.
    expect(container.querySelector('.eligibility-action--CONTINUE_SELF_PAY')).toBeNull();
    fireEvent.click(container.querySelector('.eligibility-reason--DOCTOR_SUSPENDED .eligibility-action--CHOOSE_DOCTOR')!);
    expect(Taro.navigateBack).toHaveBeenCalled();
  });

  it('refused: reasons with alternatives (other doctor/hospital, offline visit), no next step, back to choosing', async () => {
    routes({ 'POST /api/v1/consultations/eligibility': () => ({ status: 200, body: REFUSED }) });
    const { container } = await chooseAndCheck('E11.900');
    expect(await screen.findByText('暂不能在线复诊')).toBeTruthy();
    expect(container.querySelector('.eligibility-result--refused')).not.toBeNull();
    expect(container.querySelector('.eligibility-next')).toBeNull();
    expect([...container.querySelectorAll('.eligibility-reason')].map((e) => e.className.match(/eligibility-reason--([A-Z_]+)/)![1])).toEqual(['REVISIT_WINDOW_EXPIRED', 'DOCTOR_NOT_QUALIFIED', 'HOSPITAL_NOT_LIVE']);
    expect([...container.querySelectorAll('.eligibility-reason__effect')].map((e) => e.textContent)).toEqual(['不能复诊', '不能复诊', '需自费']);
    expect(screen.getByText(/距今已 200 天；在线复诊要求线下就诊后 90 天以内/)).toBeTruthy();
    fireEvent.click(container.querySelector('.eligibility-reason--REVISIT_WINDOW_EXPIRED .eligibility-action--VISIT_OFFLINE')!);
    expect(Taro.showModal).toHaveBeenLastCalledWith(expect.objectContaining({ title: '到医院线下就诊', showCancel: false }));
    fireEvent.click(container.querySelector('.eligibility-reason--HOSPITAL_NOT_LIVE .eligibility-action--CHOOSE_HOSPITAL')!);
    expect(Taro.redirectTo).toHaveBeenLastCalledWith({ url: '/packageConsult/pages/revisit/index' });
    fireEvent.click(screen.getByText('重新选择线下诊断'));
    expect(await screen.findByText('核对复诊资格')).toBeTruthy();
    expect(container.querySelector('.diagnosis--selected')?.getAttribute('data-code')).toBe('E11.900'); // the choice is kept
  });

  it('a failed check says why, keeps the choice and can be retried', async () => {
    let fail = true;
    const bff = routes({ 'POST /api/v1/consultations/eligibility': () => (fail ? err(502, 'HIS_UNAVAILABLE') : { status: 200, body: COVERED }) });
    const { container } = await chooseAndCheck();
    expect(await screen.findByText(`核对失败：${ERROR_CATALOG.HIS_UNAVAILABLE.message}`)).toBeTruthy();
    expect(screen.getByText('错误编号：req-HIS_UNAVAILABLE')).toBeTruthy();
    fail = false;
    fireEvent.click(screen.getByText('重新核对'));
    expect(await screen.findByText('可以在线复诊，医保可参与支付')).toBeTruthy();
    expect(bff.of('POST', '/api/v1/consultations/eligibility')).toHaveLength(2);
    expect(container.querySelector('.eligibility__error')).toBeNull();
  });
});

describe('a recognized 慢特病 (self-service hall)', () => {
  it('the picker marks the recognized diagnosis and states the longer window; a visit within it is not stale', async () => {
    saveSession(tokens());
    const recognizedVisits: OfflineVisitsResponse = {
      ...VISITS,
      recognizedWindowDays: 180,
      items: [VISITS.items[0]!, { ...VISITS.items[1]!, daysSinceVisit: 150, withinWindow: true, diagnoses: [{ ...VISITS.items[1]!.diagnoses[0]!, recognized: true }] }],
    };
    routes({ [`GET /api/v1/patients/${P1}/offline-visits`]: () => ({ status: 200, body: recognizedVisits }) });
    const { container } = render(<Eligibility />);
    fireEvent.click(await screen.findByText(/张\*国/));
    expect(await screen.findByText('2型糖尿病')).toBeTruthy();
    expect(screen.getByText(/已认定的门诊慢特病为 180 天内/)).toBeTruthy();
    expect(container.querySelector('.diagnosis[data-code="E11.900"] .badge--recognized')?.textContent).toBe('已认定慢特病');
    expect(container.querySelector('.diagnosis[data-code="I10.x00"] .badge--recognized')).toBeNull();
    expect(container.querySelector('.visit--stale')).toBeNull();
  });

  it('the result names the recognition and the window it used', () => {
    const result: EligibilityResult = { ...COVERED, revisitWindowDays: 180, recognition: { diseaseCode: 'I10.x00', diseaseName: '高血压', kind: 'TWO_DISEASES', validUntil: '2027-12-31' } };
    const { container } = render(<ResultView result={result} onChooseDiagnosis={jest.fn()} onContinue={jest.fn()} />);
    expect(container.querySelector('.eligibility-result__fact--recognized')?.textContent).toBe('已认定“两病”：高血压（有效期至 2027-12-31），复诊期限按 180 天计算');
    expect(screen.getByText(/复诊期限 180 天）/)).toBeTruthy();
    const plain = render(<ResultView result={COVERED} onChooseDiagnosis={jest.fn()} onContinue={jest.fn()} />);
    expect(plain.container.querySelector('.eligibility-result__fact--recognized')).toBeNull();
  });
});

describe('result rendering on its own', () => {
  it('maps canConsult/insurance to covered, self-pay, refused', () => {
    expect(verdictOf(COVERED)).toBe('covered');
    expect(verdictOf(SELF_PAY)).toBe('self-pay');
    expect(verdictOf(REFUSED)).toBe('refused');
  });

  it('a notice (voucher not activated) is shown apart, with the way to activate', async () => {
    const result: EligibilityResult = { ...COVERED, reasons: [eligibilityReason('VOUCHER_NOT_ACTIVATED')] };
    const onContinue = jest.fn();
    const { container } = render(<ResultView result={result} onChooseDiagnosis={jest.fn()} onContinue={onContinue} />);
    expect(container.querySelector('.eligibility-result--covered')).not.toBeNull();
    expect(screen.getByText('支付前请注意')).toBeTruthy();
    expect(container.querySelector('.eligibility-result__reasons')).toBeNull();
    fireEvent.click(screen.getByText('激活医保电子凭证'));
    expect(Taro.navigateTo).toHaveBeenLastCalledWith({ url: '/pages/auth/voucher/index' });
    fireEvent.click(container.querySelector('.eligibility-next__button')!);
    expect(onContinue).toHaveBeenCalledTimes(1);
    await waitFor(() => expect(Taro.request).not.toHaveBeenCalled());
  });
});
