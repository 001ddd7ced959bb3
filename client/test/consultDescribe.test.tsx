/**
 * 描述病情 page: the description's checks (minimum, counter), images through Upload (busy and
 * failed uploads block), the confirm step (doctor, masked 就诊人, disease, insurance or the self-pay
 * reasons with the acknowledgement, fee), submitting once per content (requestKey; a double tap
 * creates one), going to the order confirm page with ?orderId=, and the BFF's refusals.
 */
import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import Taro from '@tarojs/taro';
import { eligibilityReason, type CreateConsultationResponse, type EligibilityResult, type Patient } from '@ih/contract';
import DescribePage from '../src/packageConsult/pages/describe/index';
import { forgetEligibility, rememberEligibility } from '../src/packageConsult/services/handoff';
import { resetSignInRedirect } from '../src/services/request';
import { clearSession, saveSession } from '../src/services/session';
import { CID, DOCTOR_ID, ORDER_ID, P1, detail, fakeUploads, fileId, pickH5, uploaded } from './consultFixtures';
import { __setRouterParams } from './doubles/taro';
import { err, fakeBff, gate, tokens, type FakeAnswer } from './fakeBff';

const REF = { hospitalCode: 'H64010000001', visitNo: 'MZ-1', diagnosisCode: 'I10.x00' };
const REQ = { patientId: P1, doctorId: DOCTOR_ID, offlineDiagnosis: REF };
const PATIENT: Patient = {
  id: P1, relationship: 'SELF', nameMasked: '张*国', idType: 'ID_CARD', idNumberMasked: '640***********0131', phoneMasked: null, gender: 'MALE', age: 58,
  isDefault: true, fromVoucher: true, createdAt: '2026-11-22T00:00:00.000Z',
};
const base: Omit<EligibilityResult, 'canConsult' | 'insurance' | 'reasons'> = {
  revisitWindowDays: 90,
  recognition: null,
  offlineDiagnosis: { ...REF, hospitalName: '宁夏医科大学总医院', visitDate: '2026-10-13', visitType: 'OUTPATIENT', departmentName: '心血管内科门诊', diagnosisName: '高血压', daysSinceVisit: 40 },
  disease: { code: 'I10.x00', name: '高血压', category: 'CHRONIC', payableOnline: true },
  doctor: { id: DOCTOR_ID, name: '纳红梅', title: 'CHIEF_PHYSICIAN', hospitalId: 'h1', hospitalName: '宁夏医科大学总医院', departmentId: 'd1', departmentName: '心血管内科', consultationFeeFen: 3000 },
  checkedAt: '2026-11-22T08:00:00.000Z',
};
const COVERED: EligibilityResult = { ...base, canConsult: true, insurance: 'covered', reasons: [eligibilityReason('VOUCHER_NOT_ACTIVATED')] };
const SELF_PAY: EligibilityResult = { ...base, canConsult: true, insurance: 'self_pay', reasons: [eligibilityReason('DOCTOR_SUSPENDED', { doctorName: '纳红梅', suspendedReason: '核查期间暂停' })] };
const CREATED: CreateConsultationResponse = { consultation: detail({ status: 'PENDING_PAYMENT' }), order: { id: ORDER_ID, orderNo: 'DD1' }, replayed: false };
const GOOD_TEXT = '血压近一周在 140/90 左右，每天服用氨氯地平 5mg';

function routes(over: Record<string, (c: { data?: unknown }) => FakeAnswer | Promise<FakeAnswer>> = {}) {
  return fakeBff({
    'GET /api/v1/patients': () => ({ status: 200, body: { items: [PATIENT], limit: 10 } }),
    'POST /api/v1/consultations/eligibility': () => ({ status: 200, body: COVERED }),
    'POST /api/v1/consultations': () => ({ status: 201, body: CREATED }),
    ...over,
  });
}

function textarea(container: HTMLElement) {
  return container.querySelector('textarea.describe__text') as HTMLTextAreaElement;
}

async function writeAndConfirm(container: HTMLElement, text = GOOD_TEXT) {
  fireEvent.change(textarea(container), { target: { value: text } });
  fireEvent.click(screen.getByText('下一步：确认信息'));
  return screen.findByText('确认问诊信息');
}

beforeEach(() => {
  forgetEligibility();
  resetSignInRedirect();
  saveSession(tokens());
  __setRouterParams({ doctorId: DOCTOR_ID, patientId: P1, ...REF });
});

describe('writing', () => {
  it('checks the minimum length in the contract\'s words and counts characters', async () => {
    const bff = routes();
    const { container } = render(<DescribePage />);
    expect(await screen.findByText('病情描述（必填）')).toBeTruthy();
    expect(screen.getByText('0/1000')).toBeTruthy();
    fireEvent.change(textarea(container), { target: { value: '头晕' } });
    expect(screen.getByText('2/1000')).toBeTruthy();
    fireEvent.click(screen.getByText('下一步：确认信息'));
    expect(screen.getAllByText('请描述病情（至少 5 个字），如症状变化、目前用药').length).toBeGreaterThan(0);
    expect(textarea(container).className).toContain('describe__text--invalid');
    expect(screen.queryByText('确认问诊信息')).toBeNull();
    // Spaces do not count.
    fireEvent.change(textarea(container), { target: { value: '   头晕    ' } });
    fireEvent.click(screen.getByText('下一步：确认信息'));
    expect(screen.queryByText('确认问诊信息')).toBeNull();
    expect(bff.of('POST', '/api/v1/consultations')).toHaveLength(0);
  });

  it('waits for uploads: busy or failed images keep the patient on the form', async () => {
    routes();
    const uploads = fakeUploads();
    const { container } = render(<DescribePage />);
    await screen.findByText('病情描述（必填）');
    pickH5([{ name: 'report.jpg', type: 'image/jpeg', size: 100_000 }]);
    fireEvent.click(screen.getByText('添加图片'));
    await waitFor(() => expect(uploads).toHaveLength(1));
    fireEvent.change(textarea(container), { target: { value: GOOD_TEXT } });
    fireEvent.click(screen.getByText('下一步：确认信息'));
    expect(screen.getByText('图片正在上传，请等待上传完成')).toBeTruthy();
    await act(async () => uploads[0]!.fail('uploadFile:fail network'));
    fireEvent.click(screen.getByText('下一步：确认信息'));
    expect(screen.getByText('有图片上传失败，请点“重试”或删除后再继续')).toBeTruthy();
    expect(screen.queryByText('确认问诊信息')).toBeNull();
  });
});

describe('confirming and submitting', () => {
  it('shows doctor, masked 就诊人, disease, insurance and fee; submits once (double tap) and goes to the order with ?orderId=', async () => {
    const held = gate<FakeAnswer>();
    const bff = routes({ 'POST /api/v1/consultations': () => held.promise });
    const uploads = fakeUploads((u) => ({ status: 201, body: uploaded(uploads.indexOf(u) + 1) }));
    const { container } = render(<DescribePage />);
    await screen.findByText('病情描述（必填）');
    pickH5([{ name: 'a.jpg', type: 'image/jpeg', size: 1000 }, { name: 'b.jpg', type: 'image/jpeg', size: 1000 }]);
    fireEvent.click(screen.getByText('添加图片'));
    await waitFor(() => expect(container.querySelectorAll('.upload__item--done')).toHaveLength(2));
    await writeAndConfirm(container);

    const fact = (name: string) => container.querySelector(`.describe-fact--${name}`)!.textContent;
    expect(fact('doctor')).toContain('纳红梅 主任医师 · 宁夏医科大学总医院 心血管内科');
    expect(fact('patient')).toContain('张*国（本人）');
    expect(fact('patient')).toContain('640***********0131');
    expect(fact('disease')).toContain('高血压（门诊慢性病）');
    expect(fact('insurance')).toContain('医保可参与支付');
    expect(fact('insurance')).toContain('医保电子凭证尚未激活'); // the notice before paying
    expect(fact('fee')).toBe('诊查费¥30.00');
    expect(fact('description')).toContain('已上传 2 张图片');
    expect(container.querySelector('.describe-ack')).toBeNull(); // covered: nothing to acknowledge

    const submit = screen.getByText('提交并支付 ¥30.00');
    fireEvent.click(submit);
    fireEvent.click(submit);
    expect(await screen.findByText('正在提交…')).toBeTruthy();
    held.release({ status: 201, body: CREATED });
    await waitFor(() => expect(Taro.redirectTo).toHaveBeenCalledWith({ url: `/pages/orders/confirm/index?orderId=${ORDER_ID}` }));
    const posts = bff.of('POST', '/api/v1/consultations');
    expect(posts).toHaveLength(1);
    expect(posts[0]!.data).toEqual({
      patientId: P1,
      doctorId: DOCTOR_ID,
      offlineDiagnosis: REF,
      description: GOOD_TEXT,
      imageFileIds: [fileId(1), fileId(2)],
      acknowledgeSelfPay: false,
      requestKey: expect.stringMatching(/^[A-Za-z0-9_-]{8,64}$/),
    });
    // The eligibility was asked once (this page had nothing handed over).
    expect(bff.of('POST', '/api/v1/consultations/eligibility')).toHaveLength(1);
  });

  it('uses the answer the eligibility page handed over instead of asking the HIS again', async () => {
    rememberEligibility(REQ, COVERED);
    const bff = routes();
    render(<DescribePage />);
    await screen.findByText('病情描述（必填）');
    expect(bff.of('POST', '/api/v1/consultations/eligibility')).toHaveLength(0);
  });

  it('self-pay: shows why insurance does not pay and will not submit until the patient acknowledges it', async () => {
    const bff = routes({ 'POST /api/v1/consultations/eligibility': () => ({ status: 200, body: SELF_PAY }) });
    const { container } = render(<DescribePage />);
    await screen.findByText('病情描述（必填）');
    await writeAndConfirm(container);
    expect(container.querySelector('.describe--self-pay')).not.toBeNull();
    expect(screen.getByText('本次不能使用医保，需全部自费')).toBeTruthy();
    expect(container.querySelector('.describe-reason--DOCTOR_SUSPENDED')!.textContent).toContain('医生的医保服务已暂停');
    expect(container.querySelector('.describe-fact--fee')!.textContent).toContain('（全部自费）');
    fireEvent.click(screen.getByText('提交并支付 ¥30.00'));
    expect(await screen.findByText('请先勾选“我已了解本次需全部自费”')).toBeTruthy();
    expect(bff.of('POST', '/api/v1/consultations')).toHaveLength(0);
    fireEvent.click(container.querySelector('.describe-ack')!);
    expect(container.querySelector('.describe-ack')!.getAttribute('aria-checked')).toBe('true');
    fireEvent.click(screen.getByText('提交并支付 ¥30.00'));
    await waitFor(() => expect(bff.of('POST', '/api/v1/consultations')).toHaveLength(1));
    expect((bff.of('POST', '/api/v1/consultations')[0]!.data as { acknowledgeSelfPay: boolean }).acknowledgeSelfPay).toBe(true);
  });

  it('a retry of the same content keeps its requestKey; changed content gets a new one', async () => {
    let n = 0;
    const bff = routes({ 'POST /api/v1/consultations': () => (++n === 1 ? err(503, 'CONSULTATION_ORDER_FAILED') : { status: 201, body: CREATED }) });
    const { container } = render(<DescribePage />);
    await screen.findByText('病情描述（必填）');
    await writeAndConfirm(container);
    fireEvent.click(screen.getByText('提交并支付 ¥30.00'));
    expect(await screen.findByText('订单暂时无法创建，问诊未生效、未扣费，请稍后重试')).toBeTruthy();
    expect(screen.getByText('错误编号：req-CONSULTATION_ORDER_FAILED')).toBeTruthy();
    fireEvent.click(screen.getByText('提交并支付 ¥30.00'));
    await waitFor(() => expect(Taro.redirectTo).toHaveBeenCalled());
    const keys = bff.of('POST', '/api/v1/consultations').map((c) => (c.data as { requestKey: string }).requestKey);
    expect(keys).toHaveLength(2);
    expect(keys[0]).toBe(keys[1]);

    // Back to edit, changed text: a new submission.
    (Taro.redirectTo as jest.Mock).mockClear();
    n = 0;
    fireEvent.click(screen.getByText('返回修改'));
    await writeAndConfirm(container, `${GOOD_TEXT}，偶有头晕`);
    fireEvent.click(screen.getByText('提交并支付 ¥30.00'));
    await screen.findByText('订单暂时无法创建，问诊未生效、未扣费，请稍后重试');
    const third = (bff.of('POST', '/api/v1/consultations')[2]!.data as { requestKey: string }).requestKey;
    expect(third).not.toBe(keys[0]);
  });

  it('an open consultation with this doctor already: says so and leads to 我的问诊', async () => {
    routes({ 'POST /api/v1/consultations': () => err(409, 'CONSULTATION_ALREADY_OPEN') });
    const { container } = render(<DescribePage />);
    await screen.findByText('病情描述（必填）');
    await writeAndConfirm(container);
    fireEvent.click(screen.getByText('提交并支付 ¥30.00'));
    expect(await screen.findByText('您已为该就诊人向这位医生发起了问诊，请在“问诊”列表中继续，无需重复发起')).toBeTruthy();
    fireEvent.click(screen.getByText('查看我的问诊'));
    expect(Taro.switchTab).toHaveBeenCalledWith({ url: '/pages/consult/index' });
  });
});

describe('page states', () => {
  it('eligibility failing to load shows the error with 重新加载; refused shows why and leads back', async () => {
    let answer: FakeAnswer = err(502, 'HIS_UNAVAILABLE');
    routes({ 'POST /api/v1/consultations/eligibility': () => answer });
    const { container } = render(<DescribePage />);
    expect(await screen.findByText('加载失败')).toBeTruthy();
    answer = { status: 200, body: { ...base, canConsult: false, insurance: 'self_pay', reasons: [eligibilityReason('DOCTOR_NOT_QUALIFIED', { doctorName: '纳红梅' })] } };
    fireEvent.click(screen.getByText('重新加载'));
    expect(await screen.findByText('暂不能在线复诊')).toBeTruthy();
    expect(container.querySelector('.describe--refused')!.textContent).toContain('医生暂无互联网诊疗资格');
  });

  it('without the request in the URL, or signed out, it says what to do and asks nothing', () => {
    fakeBff({});
    __setRouterParams({ doctorId: DOCTOR_ID });
    const { unmount } = render(<DescribePage />);
    expect(screen.getByText('缺少复诊信息')).toBeTruthy();
    unmount();
    __setRouterParams({ doctorId: DOCTOR_ID, patientId: P1, ...REF });
    clearSession();
    const { container } = render(<DescribePage />);
    expect(container.querySelector('.describe--signed-out')).not.toBeNull();
    expect(Taro.request).not.toHaveBeenCalled();
    void CID;
  });
});
