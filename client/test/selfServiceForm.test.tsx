/**
 * The generic application form (packageSelfService/pages/apply): rendered from the catalog's
 * field specs, checked with the contract's validateSelfServiceForm (the BFF runs the same), then
 * the BFF's /validate before the review page. Items come from the real catalog data.
 */
import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import Taro from '@tarojs/taro';
import { BANK_ACCOUNT_MESSAGES, ID_CARD_MESSAGES, addDaysYmd, idCardCheckChar, type ValidateResponse } from '@ih/contract';
import Apply from '../src/packageSelfService/pages/apply/index';
import { chinaToday } from '../src/packageSelfService/components/DateInput';
import { clearDraft, getDraft } from '../src/packageSelfService/services/draft';
import { resetSignInRedirect } from '../src/services/request';
import { clearSession, saveSession } from '../src/services/session';
import { __setRouterParams } from './doubles/taro';
import { err, fakeBff, tokens, type FakeCall } from './fakeBff';
import { MOTHER, PATIENTS, choose, fieldError, item, pickDate, scriptUpload, typeInto } from './selfServiceFixtures';

const OK_REVIEW: ValidateResponse = {
  ok: true, fields: [], warnings: [],
  review: [{ key: 'phone', label: '联系电话', value: '139****8000' }],
  due: { date: '2026-11-24', workingDays: 2, calendarDays: null, estimated: false }, facts: [],
};

function bff(code: string, over: Record<string, (c: FakeCall) => { status: number; body: unknown }> = {}) {
  return fakeBff({
    [`GET /api/v1/self-service/items/${code}`]: () => ({ status: 200, body: item(code) }),
    'GET /api/v1/patients': () => ({ status: 200, body: PATIENTS }),
    'POST /api/v1/self-service/validate': () => ({ status: 200, body: OK_REVIEW }),
    ...over,
  });
}

async function open(code: string) {
  __setRouterParams({ code });
  const view = render(<Apply />);
  await screen.findByText(item(code).title);
  await screen.findByText(/张\*国/);
  return view;
}

const next = () => fireEvent.click(screen.getByText('下一步：核对信息'));

beforeEach(() => {
  clearSession();
  resetSignInRedirect();
  saveSession(tokens());
  clearDraft();
});

describe('the generic form from field specs', () => {
  it('renders each spec type and shows the contract\'s messages on every empty required field, sending nothing', async () => {
    const calls = bff('remote-filing-temporary');
    const { container } = await open('remote-filing-temporary');
    // select → choices, region → city picker, dates → date pickers, phone → input.
    expect(container.querySelector('.choice--insutype .choice__item--310')).not.toBeNull();
    expect(container.querySelector('.ss-area--place')).not.toBeNull();
    expect(container.querySelector('.ss-date--startDate')).not.toBeNull();
    expect(container.querySelector('.form-input--phone')).not.toBeNull();
    next();
    expect(fieldError(container, 'insutype')).toBe('请选择参保险种');
    expect(fieldError(container, 'place')).toBe('请选择就医地');
    expect(fieldError(container, 'startDate')).toBe('请选择备案开始日期');
    expect(fieldError(container, 'phone')).toBe('请填写联系电话');
    expect(screen.getByText(/还有 \d+ 处需要修改/)).toBeTruthy();
    expect(calls.of('POST', '/api/v1/self-service/validate')).toHaveLength(0);
  });

  it('refuses an end date before the start date, and a span under 6 months (the catalog\'s rules), then goes on', async () => {
    const calls = bff('remote-filing-temporary');
    const { container } = await open('remote-filing-temporary');
    const start = addDaysYmd(chinaToday(), 10);
    choose(container, 'insutype', '390');
    fireEvent.click(container.querySelector('.ss-area--place .ss-area__value')!);
    fireEvent.click(container.querySelector('.ss-area__province--510000')!);
    fireEvent.click(container.querySelector('.ss-area__city--510100')!);
    expect(container.querySelector('.ss-area--place .ss-area__value')!.textContent).toBe('四川省 成都市');
    pickDate(container, 'startDate', start);
    pickDate(container, 'endDate', addDaysYmd(start, -5));
    typeInto(container, 'phone', '13900008000');
    next();
    expect(fieldError(container, 'endDate')).toBe('备案结束日期不能早于开始日期');
    pickDate(container, 'endDate', addDaysYmd(start, 30));
    expect(fieldError(container, 'endDate')).toBe('临时外出就医备案有效期原则上不少于 6 个月，请延后结束日期');
    pickDate(container, 'endDate', addDaysYmd(start, 200));
    expect(fieldError(container, 'endDate')).toBeNull();
    next();
    await waitFor(() => expect(Taro.navigateTo).toHaveBeenCalledWith({ url: '/packageSelfService/pages/review/index?code=remote-filing-temporary' }));
    const [call] = calls.of('POST', '/api/v1/self-service/validate');
    expect(call!.data).toEqual({
      itemCode: 'remote-filing-temporary', patientId: PATIENTS.items[0]!.id,
      form: { insutype: '390', place: '510100', startDate: start, endDate: addDaysYmd(start, 200), phone: '13900008000' }, materials: [],
    });
    expect(getDraft('remote-filing-temporary')?.review).toEqual(OK_REVIEW);
  });

  it('checks an ID number\'s check digit (a field shown by a condition) and only then asks the BFF', async () => {
    const calls = bff('newborn-enrollment');
    const { container } = await open('newborn-enrollment');
    expect(container.querySelector('.form-field--babyIdNumber')).toBeNull();
    choose(container, 'registered', 'YES');
    expect(container.querySelector('.form-field--babyIdNumber')).not.toBeNull();
    typeInto(container, 'babyIdNumber', `64010220240901001${idCardCheckChar('64010220240901001') === '0' ? '1' : '0'}`);
    next();
    expect(fieldError(container, 'babyIdNumber')).toBe(ID_CARD_MESSAGES.checksum);
    typeInto(container, 'babyIdNumber', `64010220240901001${idCardCheckChar('64010220240901001')}`);
    expect(fieldError(container, 'babyIdNumber')).toBeNull();
    expect(calls.of('POST', '/api/v1/self-service/validate')).toHaveLength(0);
  });

  it('bank account: 16–19 digits is an error, a failed Luhn check only a warning', async () => {
    bff('resident-refund');
    const { container } = await open('resident-refund');
    typeInto(container, 'bankAccount', '6222 0212');
    next();
    expect(fieldError(container, 'bankAccount')).toBe(BANK_ACCOUNT_MESSAGES.format);
    typeInto(container, 'bankAccount', '6222021234567890123'); // 19 digits, Luhn fails
    expect(fieldError(container, 'bankAccount')).toBeNull();
    expect(container.querySelector('.ss-form__warning--bankAccount')!.textContent).toBe(BANK_ACCOUNT_MESSAGES.luhn);
    typeInto(container, 'bankAccount', '6222021234567890128'); // Luhn passes
    expect(container.querySelector('.ss-form__warning--bankAccount')).toBeNull();
  });

  it('a refund for an insurance year that has started is refused with the catalog\'s message', async () => {
    bff('resident-refund');
    const { container } = await open('resident-refund');
    const thisYear = chinaToday().slice(0, 4);
    choose(container, 'premiumYear', thisYear);
    next();
    expect(fieldError(container, 'premiumYear')).toMatch(/该医保年度已经开始/);
    choose(container, 'premiumYear', String(Number(thisYear) + 1));
    expect(fieldError(container, 'premiumYear')).toBeNull();
  });

  it('the personal promise replaces a material where the catalog allows it; the upload then is not asked for', async () => {
    const calls = bff('remote-filing-residence');
    const { container } = await open('remote-filing-residence');
    choose(container, 'insutype', '310');
    fireEvent.click(container.querySelector('.ss-area--place .ss-area__value')!);
    fireEvent.change(container.querySelector('.ss-area__filter')!, { target: { value: '三亚' } });
    fireEvent.click(container.querySelector('.ss-area__city--460200')!);
    pickDate(container, 'startDate', addDaysYmd(chinaToday(), -1));
    typeInto(container, 'address', '三亚市天涯区某小区');
    typeInto(container, 'phone', '13900008000');
    // Forms filled in online replace the registration form: shown, not uploaded.
    expect(container.querySelector('.ss-material--m2.ss-material--by-form')).not.toBeNull();
    next();
    expect(container.querySelector('.ss-material--m3 .ss-material__error')!.textContent).toBe('请上传「长期居住认定材料」，或选择签署个人承诺书');
    choose(container, 'promise-m3', 'promise');
    expect(container.querySelector('.ss-material--m3 .upload')).toBeNull();
    expect(container.querySelector('.ss-material--m3 .ss-material__promise')!.textContent).toMatch(/本人承诺/);
    expect(container.querySelector('.ss-material--m3 .ss-material__error')).toBeNull();
    next();
    await waitFor(() => expect(calls.of('POST', '/api/v1/self-service/validate')).toHaveLength(1));
    expect((calls.of('POST', '/api/v1/self-service/validate')[0]!.data as { materials: unknown }).materials).toEqual([{ code: 'm3', fileIds: [], promise: true }]);
  });

  it('uploads a material with the shared Upload component and sends its file id', async () => {
    const calls = bff('remote-filing-residence');
    const { container } = await open('remote-filing-residence');
    choose(container, 'insutype', '310');
    fireEvent.click(container.querySelector('.ss-area--place .ss-area__value')!);
    fireEvent.click(container.querySelector('.ss-area__province--110000')!); // a municipality: one tap
    pickDate(container, 'startDate', addDaysYmd(chinaToday(), -1));
    typeInto(container, 'address', '北京市朝阳区某小区');
    typeInto(container, 'phone', '13900008000');
    const fileId = scriptUpload();
    fireEvent.click(container.querySelector('.ss-material--m3 .upload__add')!);
    await waitFor(() => expect(container.querySelector('.ss-material--m3 .upload__item--done')).not.toBeNull());
    next();
    await waitFor(() => expect(calls.of('POST', '/api/v1/self-service/validate')).toHaveLength(1));
    const body = calls.of('POST', '/api/v1/self-service/validate')[0]!.data as { form: Record<string, string>; materials: unknown };
    expect(body.form.place).toBe('110100');
    expect(body.materials).toEqual([{ code: 'm3', fileIds: [fileId], promise: false }]);
    expect(getDraft('remote-filing-residence')!.files.m3!.map((f) => f.id)).toEqual([fileId]);
  });

  it('puts the BFF\'s field messages on their fields and lets the user choose another 就诊人', async () => {
    const calls = bff('remote-filing-residence', {
      'POST /api/v1/self-service/validate': () => ({ status: 200, body: { ...OK_REVIEW, ok: false, fields: [{ path: 'form.place', message: '就医地与参保地相同，无需备案' }] } }),
    });
    const { container } = await open('remote-filing-residence');
    fireEvent.click(screen.getByText(/李\*英/));
    choose(container, 'insutype', '310');
    fireEvent.click(container.querySelector('.ss-area--place .ss-area__value')!);
    fireEvent.click(container.querySelector('.ss-area__province--640000')!);
    fireEvent.click(container.querySelector('.ss-area__city--640100')!);
    pickDate(container, 'startDate', addDaysYmd(chinaToday(), -1));
    typeInto(container, 'address', '银川市兴庆区');
    typeInto(container, 'phone', '13900008000');
    choose(container, 'promise-m3', 'promise');
    next();
    await screen.findByText('就医地与参保地相同，无需备案');
    expect(fieldError(container, 'place')).toBe('就医地与参保地相同，无需备案');
    expect((calls.of('POST', '/api/v1/self-service/validate')[0]!.data as { patientId: string }).patientId).toBe(MOTHER.id);
    expect(Taro.navigateTo).not.toHaveBeenCalled();
  });

  it('shows a failed check with its request id and keeps everything entered', async () => {
    bff('remote-filing-residence', { 'POST /api/v1/self-service/validate': () => err(503, 'AGENCY_UNAVAILABLE') });
    const { container } = await open('remote-filing-residence');
    choose(container, 'insutype', '310');
    fireEvent.click(container.querySelector('.ss-area--place .ss-area__value')!);
    fireEvent.click(container.querySelector('.ss-area__province--110000')!);
    pickDate(container, 'startDate', addDaysYmd(chinaToday(), -1));
    typeInto(container, 'address', '北京');
    typeInto(container, 'phone', '13900008000');
    choose(container, 'promise-m3', 'promise');
    next();
    await waitFor(() => expect(container.querySelector('.form-error--AGENCY_UNAVAILABLE')).not.toBeNull());
    expect(container.querySelector('.form-error--AGENCY_UNAVAILABLE')!.textContent).toMatch(/req-AGENCY_UNAVAILABLE/);
    expect((container.querySelector('.form-input--phone') as HTMLInputElement).value).toBe('13900008000');
  });

  it('a long list of choices (门诊慢特病 diseases) can be filtered by name', async () => {
    bff('chronic-recognition');
    const { container } = await open('chronic-recognition');
    const labels = () => [...container.querySelectorAll('.choice--diseaseCode .choice__item')].map((e) => e.textContent);
    expect(labels().length).toBeGreaterThan(12);
    fireEvent.change(container.querySelector('.ss-long-choice--diseaseCode .ss-long-choice__filter')!, { target: { value: '糖尿病' } });
    expect(labels()).toEqual(['2型糖尿病', '1型糖尿病']);
    fireEvent.click(screen.getByText('2型糖尿病'));
    fireEvent.change(container.querySelector('.ss-long-choice--diseaseCode .ss-long-choice__filter')!, { target: { value: '高血压' } });
    expect(labels()).toContain('2型糖尿病'); // the chosen one stays visible
    expect(labels()).toContain('高血压');
    next();
    expect(fieldError(container, 'diseaseCode')).toBeNull();
  });
});

describe('items that are not online forms', () => {
  it('an offline-only item gets no form on the apply page', async () => {
    bff('flexible-suspend');
    __setRouterParams({ code: 'flexible-suspend' });
    const { container } = render(<Apply />);
    await screen.findByText('该事项不能在线申请');
    expect(container.querySelector('.ss-apply__form')).toBeNull();
    fireEvent.click(screen.getByText('查看办理指引'));
    expect(Taro.navigateTo).toHaveBeenCalledWith({ url: '/packageSelfService/pages/item/index?code=flexible-suspend' });
  });

  it('asks to sign in first (and loads nothing)', async () => {
    clearSession();
    const calls = fakeBff({});
    __setRouterParams({ code: 'resident-refund' });
    const { container } = render(<Apply />);
    await act(async () => undefined);
    expect(calls.calls).toHaveLength(0);
    expect(container.querySelector('.ss-apply--signed-out')).not.toBeNull();
    expect(screen.getByText('请先登录')).toBeTruthy();
  });
});
