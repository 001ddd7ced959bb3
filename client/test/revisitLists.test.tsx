/**
 * 在线复诊 lists: hospitals (entry), departments, doctors (by department or disease), diseases and
 * the doctor page — loading / error with retry / empty states, search and filters sent to the
 * BFF, infinite paging (button and reaching the bottom, a failed page with retry), navigation.
 */
import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import Taro from '@tarojs/taro';
import { ERROR_CATALOG, type Department, type Disease, type Doctor, type Hospital } from '@ih/contract';
import Revisit from '../src/packageConsult/pages/revisit/index';
import Departments from '../src/packageConsult/pages/departments/index';
import Doctors from '../src/packageConsult/pages/doctors/index';
import Diseases from '../src/packageConsult/pages/diseases/index';
import DoctorDetail from '../src/packageConsult/pages/doctor/index';
import { __setRouterParams } from './doubles/taro';
import { err, fakeBff, gate, type FakeAnswer, type FakeCall } from './fakeBff';

const H_ID = '0190a000-0000-7000-8000-0000000000a1';
const hospital = (n: number, over: Partial<Hospital> = {}): Hospital => ({
  id: `0190a000-0000-7000-8000-${String(n).padStart(12, '0')}`, code: `H6401000000${n}`, name: `测试医院${n}`, city: '银川市', admdvs: '640100', level: '三级甲等', address: null,
  batch: 1, goLiveDeadline: '2021-12-31', live: true, liveAt: '2021-12-10', insuranceEnabled: true, insurance: { mode: 'covered', reasons: [] }, departmentCount: 3, ...over,
});
const NOT_LIVE = hospital(99, {
  name: '泾源县人民医院', batch: 4, goLiveDeadline: '2023-06-30', live: false, liveAt: null,
  insurance: { mode: 'self_pay_only', reasons: [{ code: 'HOSPITAL_NOT_LIVE', message: '泾源县人民医院尚未开通互联网医保结算（开通时限 2023-06-30），目前在线复诊仅支持自费' }] },
});
const page = <T,>(items: T[], total = items.length, p = 1, extra: object = {}): FakeAnswer => ({ status: 200, body: { items, page: p, pageSize: 20, total, ...extra } });
const query = (c: FakeCall) => Object.fromEntries(new URL(c.url, 'http://x').searchParams);

const doctor = (over: Partial<Doctor> = {}): Doctor => ({
  id: '0190a000-0000-7000-8000-0000000000d1', name: '纳红梅', gender: 'FEMALE', title: 'CHIEF_PHYSICIAN', photoUrl: null, specialty: '血脂异常与动脉粥样硬化防治', intro: null,
  hospital: { id: H_ID, code: 'H64010000001', name: '宁夏医科大学总医院', insurance: { mode: 'covered', reasons: [] } }, department: { id: '0190a000-0000-7000-8000-0000000000e1', name: '心血管内科' },
  realNameVerified: true, insuranceDoctorRegistered: true, internetQualified: true, status: 'ACTIVE', suspendedReason: null, consultationFeeFen: 3000,
  workingHours: [{ weekday: 1, start: '08:30', end: '12:00' }], acceptsConsultation: true, acceptsInsurance: true, ...over,
});

function lastReachBottom(): () => void {
  const calls = (Taro.useReachBottom as unknown as jest.Mock).mock.calls;
  return calls[calls.length - 1]![0] as () => void;
}

describe('hospitals (the entry page)', () => {
  it('loading, then hospitals with their insurance status in words; a self-pay-only hospital says why', async () => {
    const held = gate<FakeAnswer>();
    const bff = fakeBff({ 'GET /api/v1/catalog/hospitals': () => held.promise });
    const { container } = render(<Revisit />);
    expect(container.querySelector('.page-state--loading')).not.toBeNull();
    held.release(page([hospital(1), NOT_LIVE]));
    expect(await screen.findByText('测试医院1')).toBeTruthy();
    expect(query(bff.calls[0]!)).toEqual({ page: '1', pageSize: '20' });
    expect(container.querySelector('.hospital-card--covered .badge--insurance')?.textContent).toBe('医保可用');
    expect(container.querySelector('.hospital-card--self-pay .badge--self-pay')?.textContent).toBe('仅自费');
    expect(container.querySelector('.hospital-card__reason--HOSPITAL_NOT_LIVE')?.textContent).toContain('2023-06-30');
    expect(screen.getByText('银川市 · 三级甲等 · 第4批定点 · 3 个互联网科室')).toBeTruthy();
    fireEvent.click(screen.getByText('泾源县人民医院'));
    expect(Taro.navigateTo).toHaveBeenLastCalledWith({ url: `/packageConsult/pages/departments/index?hospitalId=${NOT_LIVE.id}` });
  });

  it('error with the Chinese message and a retry that loads again', async () => {
    let fail = true;
    fakeBff({ 'GET /api/v1/catalog/hospitals': () => (fail ? err(503, 'DB_UNAVAILABLE') : page([hospital(1)])) });
    const { container } = render(<Revisit />);
    expect(await screen.findByText(ERROR_CATALOG.DB_UNAVAILABLE.message)).toBeTruthy();
    expect(container.querySelector('.page-state--error')).not.toBeNull();
    expect(screen.getByText('错误编号：req-DB_UNAVAILABLE')).toBeTruthy();
    fail = false;
    fireEvent.click(screen.getByText('重新加载'));
    expect(await screen.findByText('测试医院1')).toBeTruthy();
    expect(Taro.showToast).not.toHaveBeenCalled(); // the page shows the error, no toast on top
  });

  it('search and the insurance filter go to the BFF; nothing found is an empty state naming the word', async () => {
    const bff = fakeBff({ 'GET /api/v1/catalog/hospitals': (c) => (query(c).keyword ? page([]) : page([hospital(1)])) });
    const { container } = render(<Revisit />);
    await screen.findByText('测试医院1');
    fireEvent.change(container.querySelector('.search-bar__input')!, { target: { value: ' 固原 ' } });
    fireEvent.click(screen.getByText('搜索'));
    expect(await screen.findByText('没有找到医院')).toBeTruthy();
    expect(container.querySelector('.page-state--empty')).not.toBeNull();
    expect(screen.getByText(/没有与「固原」相关的互联网医院/)).toBeTruthy();
    expect(query(bff.calls.at(-1)!)).toMatchObject({ keyword: '固原', page: '1' });
    fireEvent.click(screen.getByText('可用医保'));
    await waitFor(() => expect(query(bff.calls.at(-1)!)).toMatchObject({ keyword: '固原', insurance: 'covered' }));
    expect(container.querySelector('.chips--insurance .chip--covered')?.getAttribute('aria-checked')).toBe('true');
    fireEvent.click(screen.getByText('清除'));
    expect(await screen.findByText('测试医院1')).toBeTruthy();
    expect(query(bff.calls.at(-1)!).keyword).toBeUndefined();
  });

  it('pages: 加载更多 and reaching the bottom load the next page; a failed page keeps the list and retries; then the end', async () => {
    const first = Array.from({ length: 20 }, (_, i) => hospital(i + 1));
    const second = Array.from({ length: 20 }, (_, i) => hospital(i + 21));
    const third = [hospital(41)];
    let failThird = true;
    const bff = fakeBff({
      'GET /api/v1/catalog/hospitals': (c) => {
        const p = Number(query(c).page);
        if (p === 1) return page(first, 41, 1);
        if (p === 2) return page(second, 41, 2);
        return failThird ? err(502, 'HIS_UNAVAILABLE') : page(third, 41, 3);
      },
    });
    const { container } = render(<Revisit />);
    await screen.findByText('测试医院20');
    expect(screen.getByText('共 41 条')).toBeTruthy();
    fireEvent.click(screen.getByText('加载更多'));
    expect(await screen.findByText('测试医院40')).toBeTruthy();
    expect(query(bff.calls.at(-1)!).page).toBe('2');
    act(() => lastReachBottom()());
    expect(await screen.findByText(ERROR_CATALOG.HIS_UNAVAILABLE.message)).toBeTruthy();
    expect(container.querySelector('.paged-list__footer--error')).not.toBeNull();
    expect(screen.getByText('测试医院40')).toBeTruthy(); // still there
    failThird = false;
    fireEvent.click(screen.getByText('重试'));
    expect(await screen.findByText('测试医院41')).toBeTruthy();
    expect(container.querySelector('.paged-list__footer--end')?.textContent).toBe('没有更多了');
    const count = bff.calls.length;
    act(() => lastReachBottom()()); // nothing more to load
    expect(bff.calls.length).toBe(count);
    expect(container.querySelectorAll('.hospital-card')).toHaveLength(41);
  });

  it('drops an older answer when the filter changed meanwhile', async () => {
    const slow = gate<FakeAnswer>();
    fakeBff({ 'GET /api/v1/catalog/hospitals': (c) => (query(c).insurance ? page([hospital(2)]) : slow.promise) });
    const { container } = render(<Revisit />);
    fireEvent.click(screen.getByText('可用医保'));
    expect(await screen.findByText('测试医院2')).toBeTruthy();
    await act(async () => {
      slow.release(page([hospital(1)]));
      await new Promise((r) => setTimeout(r, 10));
    });
    expect(screen.queryByText('测试医院1')).toBeNull();
    expect(container.querySelectorAll('.hospital-card')).toHaveLength(1);
  });

  it('leads to searching by disease', async () => {
    fakeBff({ 'GET /api/v1/catalog/hospitals': () => page([hospital(1)]) });
    render(<Revisit />);
    await screen.findByText('测试医院1');
    fireEvent.click(screen.getByText('按疾病找医生'));
    expect(Taro.navigateTo).toHaveBeenLastCalledWith({ url: '/packageConsult/pages/diseases/index' });
  });
});

describe('departments', () => {
  const dept: Department = { id: '0190a000-0000-7000-8000-0000000000e1', hospitalId: H_ID, code: 'XXGNK', name: '心血管内科', caty: 'A03.04', intro: '高血压、冠心病复诊', doctorCount: 12 };

  it('shows the hospital with its self-pay reason and the departments; opens the doctors of one', async () => {
    __setRouterParams({ hospitalId: H_ID });
    const bff = fakeBff({ [`GET /api/v1/catalog/hospitals/${H_ID}/departments`]: () => page([dept], 1, 1, { hospital: { id: H_ID, name: '泾源县人民医院', insurance: NOT_LIVE.insurance } }) });
    const { container } = render(<Departments />);
    expect(await screen.findByText('心血管内科')).toBeTruthy();
    expect(screen.getByText('泾源县人民医院')).toBeTruthy();
    expect(container.querySelector('.departments__reason--HOSPITAL_NOT_LIVE')).not.toBeNull();
    expect(screen.getByText('12 位医生')).toBeTruthy();
    expect(bff.calls).toHaveLength(1);
    fireEvent.click(screen.getByText('心血管内科'));
    expect(Taro.navigateTo).toHaveBeenLastCalledWith({ url: `/packageConsult/pages/doctors/index?departmentId=${dept.id}` });
  });

  it('empty and missing-hospital states', async () => {
    __setRouterParams({ hospitalId: H_ID });
    fakeBff({ [`GET /api/v1/catalog/hospitals/${H_ID}/departments`]: () => page([], 0, 1, { hospital: { id: H_ID, name: '某医院', insurance: { mode: 'covered', reasons: [] } } }) });
    const { container, unmount } = render(<Departments />);
    expect(await screen.findByText('该医院暂未开通互联网诊疗科室。')).toBeTruthy();
    expect(container.querySelector('.page-state--empty')).not.toBeNull();
    unmount();
    __setRouterParams({});
    render(<Departments />);
    expect(screen.getByText('未选择医院')).toBeTruthy();
  });
});

describe('doctors', () => {
  const suspended = doctor({ id: '0190a000-0000-7000-8000-0000000000d2', name: '雷振华', status: 'SUSPENDED', suspendedReason: '医保违规核查期间暂停互联网医保服务', acceptsInsurance: false });
  const unqualified = doctor({ id: '0190a000-0000-7000-8000-0000000000d3', name: '王五', internetQualified: false, acceptsConsultation: false, acceptsInsurance: false });

  it('by department: flags in words, filters sent to the BFF, opens a doctor', async () => {
    __setRouterParams({ departmentId: '0190a000-0000-7000-8000-0000000000e1' });
    const bff = fakeBff({
      'GET /api/v1/catalog/departments/0190a000-0000-7000-8000-0000000000e1': () => ({ status: 200, body: { id: '0190a000-0000-7000-8000-0000000000e1', hospitalId: H_ID, code: 'XXGNK', name: '心血管内科', caty: 'A03.04', intro: null, doctorCount: 3, hospital: { id: H_ID, name: '宁夏医科大学总医院', insurance: { mode: 'covered', reasons: [] } } } }),
      'GET /api/v1/catalog/doctors': () => page([doctor(), suspended, unqualified]),
    });
    const { container } = render(<Doctors />);
    expect(await screen.findByText('纳红梅')).toBeTruthy();
    await screen.findByText('宁夏医科大学总医院');
    const cards = container.querySelectorAll('.doctor-card');
    expect(cards[0]!.querySelector('.badge--insurance')?.textContent).toBe('医保可用');
    expect([...cards[1]!.querySelectorAll('.badge')].map((b) => b.textContent)).toEqual(['仅自费', '医保服务暂停']);
    expect([...cards[2]!.querySelectorAll('.badge')].map((b) => b.textContent)).toEqual(['暂不接诊', '无互联网诊疗资格']);
    expect(cards[2]!.className).toContain('doctor-card--unavailable');
    expect(screen.getAllByText('诊查费 ¥30.00')).toHaveLength(3);
    const doctorCalls = () => bff.of('GET', '/api/v1/catalog/doctors');
    expect(query(doctorCalls()[0]!)).toEqual({ page: '1', pageSize: '20', departmentId: '0190a000-0000-7000-8000-0000000000e1' });
    fireEvent.click(screen.getByText('可用医保'));
    await waitFor(() => expect(query(doctorCalls().at(-1)!)).toMatchObject({ insuranceOnly: 'true' }));
    fireEvent.click(screen.getByText('主任医师'));
    await waitFor(() => expect(query(doctorCalls().at(-1)!)).toMatchObject({ insuranceOnly: 'true', title: 'CHIEF_PHYSICIAN' }));
    fireEvent.click(screen.getByText('可在线接诊'));
    await waitFor(() => expect(query(doctorCalls().at(-1)!)).toMatchObject({ available: 'true' }));
    expect(query(doctorCalls().at(-1)!).insuranceOnly).toBeUndefined();
    fireEvent.click(await screen.findByText('雷振华'));
    expect(Taro.navigateTo).toHaveBeenLastCalledWith({ url: `/packageConsult/pages/doctor/index?id=${suspended.id}` });
  });

  it('by disease: says which catalog diseases matched, or that none did', async () => {
    __setRouterParams({ disease: 'I10.x00' });
    fakeBff({ 'GET /api/v1/catalog/doctors': () => page([doctor()], 1, 1, { matchedDiseases: [{ code: 'I10.x00', name: '高血压' }] }) });
    const { unmount } = render(<Doctors />);
    expect(await screen.findByText('擅长或科室诊治：高血压')).toBeTruthy();
    unmount();
    __setRouterParams({ disease: 'XYZ' });
    fakeBff({ 'GET /api/v1/catalog/doctors': () => page([], 0, 1, { matchedDiseases: [] }) });
    const { container } = render(<Doctors />);
    expect(await screen.findByText('没有找到医生')).toBeTruthy();
    expect(screen.getByText('疾病目录中没有「XYZ」')).toBeTruthy();
    expect(container.querySelector('.page-state--empty')).not.toBeNull();
    fireEvent.click(screen.getByText('换个疾病'));
    expect(Taro.navigateBack).toHaveBeenCalled();
  });
});

describe('diseases', () => {
  const disease = (over: Partial<Disease>): Disease => ({ id: '0190a000-0000-7000-8000-0000000000f1', code: 'I10.x00', name: '高血压', category: 'CHRONIC', payableOnline: true, pinyin: 'gxy', keywords: ['血压高'], ...over });

  it('lists what insurance pays online, filters, and opens the doctors of a disease', async () => {
    const bff = fakeBff({ 'GET /api/v1/catalog/diseases': () => page([disease({}), disease({ id: '0190a000-0000-7000-8000-0000000000f2', code: 'K35.900', name: '急性阑尾炎', category: 'COMMON', payableOnline: false, keywords: [] })]) });
    const { container } = render(<Diseases />);
    expect(await screen.findByText('高血压')).toBeTruthy();
    expect(container.querySelector('.disease-card--payable .badge--payable')?.textContent).toBe('医保可支付线上复诊');
    expect(container.querySelector('.disease-card--self-pay .badge--not-payable')?.textContent).toContain('可自费');
    expect(screen.getByText('门诊慢性病 · 编码 I10.x00 · 又称 血压高')).toBeTruthy();
    fireEvent.click(screen.getByText('仅看医保可支付'));
    await waitFor(() => expect(query(bff.calls.at(-1)!)).toMatchObject({ payableOnline: 'true' }));
    fireEvent.click(container.querySelector('.chips--category .chip--SPECIAL_CHRONIC')!);
    await waitFor(() => expect(query(bff.calls.at(-1)!)).toMatchObject({ payableOnline: 'true', category: 'SPECIAL_CHRONIC' }));
    fireEvent.click(await screen.findByText('高血压'));
    expect(Taro.navigateTo).toHaveBeenLastCalledWith({ url: '/packageConsult/pages/doctors/index?disease=I10.x00' });
  });
});

describe('doctor page', () => {
  it('shows registrations, hours, fee and starts the re-visit check', async () => {
    __setRouterParams({ id: '0190a000-0000-7000-8000-0000000000d1' });
    fakeBff({ 'GET /api/v1/catalog/doctors/0190a000-0000-7000-8000-0000000000d1': () => ({ status: 200, body: doctor() }) });
    const { container } = render(<DoctorDetail />);
    expect(await screen.findByText('发起复诊')).toBeTruthy();
    expect(container.querySelector('.doctor-detail__row--hours .panel__value')?.textContent).toBe('周一 08:30–12:00');
    expect(container.querySelector('.doctor-detail__row--insurance-doctor .panel__value')?.textContent).toBe('已登记');
    expect(container.querySelector('.doctor-detail__row--fee .panel__value')?.textContent).toBe('¥30.00');
    fireEvent.click(screen.getByText('发起复诊'));
    expect(Taro.navigateTo).toHaveBeenLastCalledWith({ url: '/packageConsult/pages/eligibility/index?doctorId=0190a000-0000-7000-8000-0000000000d1' });
  });

  it('a doctor who cannot see patients online has no start button, and says why; a suspended one says self-pay', async () => {
    __setRouterParams({ id: 'x1' });
    fakeBff({ 'GET /api/v1/catalog/doctors/x1': () => ({ status: 200, body: doctor({ internetQualified: false, acceptsConsultation: false, acceptsInsurance: false }) }) });
    const { unmount } = render(<DoctorDetail />);
    expect(await screen.findByText(/尚未取得互联网诊疗资格/)).toBeTruthy();
    expect(screen.queryByText('发起复诊')).toBeNull();
    unmount();
    __setRouterParams({ id: 'x2' });
    fakeBff({ 'GET /api/v1/catalog/doctors/x2': () => ({ status: 200, body: doctor({ status: 'SUSPENDED', suspendedReason: '核查期间暂停', acceptsInsurance: false }) }) });
    render(<DoctorDetail />);
    expect(await screen.findByText('该医生的医保服务已暂停（核查期间暂停），由其接诊需全部自费。')).toBeTruthy();
    expect(screen.getByText('发起复诊')).toBeTruthy();
  });

  it('404 is an error state with retry', async () => {
    __setRouterParams({ id: 'gone' });
    fakeBff({});
    const { container } = render(<DoctorDetail />);
    await waitFor(() => expect(container.querySelector('.page-state--error')).not.toBeNull());
    expect(screen.getByText(ERROR_CATALOG.NOT_FOUND.message)).toBeTruthy();
  });
});
