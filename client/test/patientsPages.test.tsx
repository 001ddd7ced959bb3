/** 就诊人 pages: list states, the add form's checks from the contract, edit and delete. */
import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import Taro from '@tarojs/taro';
import { ERROR_CATALOG, ID_CARD_MESSAGES, type Patient } from '@ih/contract';
import Patients from '../src/pages/patients/index';
import PatientEdit from '../src/pages/patients/edit/index';
import { resetSignInRedirect } from '../src/services/request';
import { clearSession, saveSession } from '../src/services/session';
import { __setRouterParams } from './doubles/taro';
import { err, fakeBff, gate, tokens, type FakeAnswer } from './fakeBff';

beforeEach(() => {
  clearSession();
  resetSignInRedirect();
  saveSession(tokens());
});

const MOTHER: Patient = {
  id: '0190a000-0000-7000-8000-000000000001', relationship: 'PARENT', nameMasked: '李*英', idType: 'ID_CARD', idNumberMasked: '640***********0247',
  phoneMasked: '138****0002', gender: 'FEMALE', age: 81, isDefault: true, fromVoucher: false, createdAt: '2026-11-22T00:00:00.000Z',
};
const SELF: Patient = { ...MOTHER, id: '0190a000-0000-7000-8000-000000000002', relationship: 'SELF', nameMasked: '张*国', idNumberMasked: '640***********0131', isDefault: false, fromVoucher: true, gender: 'MALE', age: 58 };

function type(container: HTMLElement, name: string, value: string) {
  fireEvent.change(container.querySelector(`.form-input--${name}`)!, { target: { value } });
}
function choose(container: HTMLElement, name: string, value: string) {
  fireEvent.click(container.querySelector(`.choice--${name} .choice__item--${value}`)!);
}
function fieldError(container: HTMLElement, name: string): string | null {
  return container.querySelector(`.form-field--${name} .form-field__error`)?.textContent ?? null;
}

describe('就诊人 list', () => {
  it('shows loading, then the masked list with 本人 and the default', async () => {
    const held = gate<FakeAnswer>();
    fakeBff({ 'GET /api/v1/patients': () => held.promise });
    const { container } = render(<Patients />);
    expect(container.querySelector('.page-state--loading')).not.toBeNull();
    held.release({ status: 200, body: { items: [SELF, MOTHER], limit: 10 } });
    expect(await screen.findByText('李*英')).toBeTruthy();
    expect(screen.getByText('张*国')).toBeTruthy();
    expect(screen.getByText('居民身份证 640***********0247')).toBeTruthy();
    expect(screen.getByText('女 · 81 岁 · 手机 138****0002')).toBeTruthy();
    expect(screen.getByText('默认')).toBeTruthy();
    expect(screen.getByText('来自医保电子凭证授权')).toBeTruthy();
    expect(screen.getByText('已添加 2 位，最多 10 位')).toBeTruthy();
    fireEvent.click(screen.getByText('李*英'));
    expect(Taro.navigateTo).toHaveBeenLastCalledWith({ url: `/pages/patients/edit/index?id=${MOTHER.id}` });
  });

  it('has an empty state that says where 本人 comes from and leads to adding', async () => {
    fakeBff({ 'GET /api/v1/patients': () => ({ status: 200, body: { items: [], limit: 10 } }) });
    const { container } = render(<Patients />);
    expect(await screen.findByText('还没有就诊人')).toBeTruthy();
    expect(container.querySelector('.page-state--empty')).not.toBeNull();
    expect(screen.getByText(/本人信息将在授权医保电子凭证后自动添加/)).toBeTruthy();
    fireEvent.click(screen.getByText('添加就诊人'));
    expect(Taro.navigateTo).toHaveBeenLastCalledWith({ url: '/pages/patients/edit/index' });
  });

  it('shows the error with a retry that loads again', async () => {
    let fail = true;
    fakeBff({ 'GET /api/v1/patients': () => (fail ? err(503, 'DB_UNAVAILABLE') : { status: 200, body: { items: [MOTHER], limit: 10 } }) });
    const { container } = render(<Patients />);
    expect(await screen.findByText(ERROR_CATALOG.DB_UNAVAILABLE.message)).toBeTruthy();
    expect(container.querySelector('.page-state--error')).not.toBeNull();
    fail = false;
    fireEvent.click(screen.getByText('重新加载'));
    expect(await screen.findByText('李*英')).toBeTruthy();
  });

  it('disables adding at the limit and says why', async () => {
    fakeBff({ 'GET /api/v1/patients': () => ({ status: 200, body: { items: [MOTHER], limit: 1 } }) });
    render(<Patients />);
    expect(await screen.findByText(/已达上限（最多 1 位）/)).toBeTruthy();
    expect(screen.getByText('添加就诊人').closest('.nut-button')!.className).toContain('nut-button-disabled');
  });

  it('asks to sign in when there is no session, without calling the BFF', async () => {
    clearSession();
    const bff = fakeBff({});
    render(<Patients />);
    expect(await screen.findByText('请先登录')).toBeTruthy();
    expect(bff.calls).toHaveLength(0);
    fireEvent.click(screen.getByText('去登录'));
    expect(Taro.navigateTo).toHaveBeenLastCalledWith({ url: '/pages/auth/login/index' });
  });
});

describe('添加就诊人', () => {
  it('shows the contract messages on each field and sends nothing while the form is wrong', async () => {
    const bff = fakeBff({});
    const { container } = render(<PatientEdit />);
    fireEvent.click(screen.getByText('保存'));
    await waitFor(() => expect(fieldError(container, 'name')).toBe('请填写姓名'));
    expect(fieldError(container, 'idNumber')).toBe('请填写证件号码');
    expect(fieldError(container, 'phone')).toBe('请填写手机号码');
    expect(fieldError(container, 'relationship')).toBe('请选择与您的关系');

    type(container, 'idNumber', '640104194508020248');
    fireEvent.click(screen.getByText('保存'));
    await waitFor(() => expect(fieldError(container, 'idNumber')).toBe(ID_CARD_MESSAGES.checksum));
    type(container, 'idNumber', '640104450802024');
    fireEvent.click(screen.getByText('保存'));
    await waitFor(() => expect(fieldError(container, 'idNumber')).toBe(ID_CARD_MESSAGES.fifteen_digits));
    expect(bff.calls).toHaveLength(0);
  });

  it('never offers 本人 and asks birth date and gender only for other certificates', () => {
    const { container } = render(<PatientEdit />);
    const relations = Array.from(container.querySelectorAll('.choice--relationship .choice__item')).map((e) => e.textContent);
    expect(relations).toEqual(['配偶', '父母', '子女', '其他']);
    expect(container.querySelector('.form-field--birthDate')).toBeNull();
    choose(container, 'idType', 'PASSPORT');
    expect(container.querySelector('.form-field--birthDate')).not.toBeNull();
    expect(container.querySelector('.form-field--gender')).not.toBeNull();
  });

  it('sends a valid form and goes back', async () => {
    const bff = fakeBff({ 'POST /api/v1/patients': () => ({ status: 201, body: MOTHER }) });
    const { container } = render(<PatientEdit />);
    type(container, 'name', '李秀英');
    type(container, 'idNumber', '640104194508020247');
    type(container, 'phone', '13800000002');
    choose(container, 'relationship', 'PARENT');
    fireEvent.click(screen.getByText('保存'));
    await waitFor(() => expect(Taro.navigateBack).toHaveBeenCalled());
    expect(bff.of('POST', '/api/v1/patients')[0]!.data).toEqual({
      name: '李秀英', idType: 'ID_CARD', idNumber: '640104194508020247', phone: '13800000002', relationship: 'PARENT', isDefault: false, birthDate: '', gender: '',
    });
  });

  it('sends a passport with the picked birth date and gender', async () => {
    const bff = fakeBff({ 'POST /api/v1/patients': () => ({ status: 201, body: MOTHER }) });
    const { container } = render(<PatientEdit />);
    type(container, 'name', 'John Smith');
    choose(container, 'idType', 'PASSPORT');
    type(container, 'idNumber', 'E12345678');
    fireEvent.change(container.querySelector('.form-field--birthDate input')!, { target: { value: '1980-02-28' } });
    choose(container, 'gender', 'MALE');
    type(container, 'phone', '13900000009');
    choose(container, 'relationship', 'OTHER');
    fireEvent.click(screen.getByText('保存'));
    await waitFor(() => expect(bff.of('POST', '/api/v1/patients')).toHaveLength(1));
    expect(bff.of('POST', '/api/v1/patients')[0]!.data).toMatchObject({ idType: 'PASSPORT', idNumber: 'E12345678', birthDate: '1980-02-28', gender: 'MALE' });
  });

  it('shows the BFF refusal: a duplicate above the button, field problems on their fields', async () => {
    let answer: FakeAnswer = err(409, 'PATIENT_DUPLICATE');
    fakeBff({ 'POST /api/v1/patients': () => answer });
    const { container } = render(<PatientEdit />);
    type(container, 'name', '李秀英');
    type(container, 'idNumber', '640104194508020247');
    type(container, 'phone', '13800000002');
    choose(container, 'relationship', 'PARENT');
    fireEvent.click(screen.getByText('保存'));
    expect(await screen.findByText(ERROR_CATALOG.PATIENT_DUPLICATE.message)).toBeTruthy();
    expect(Taro.navigateBack).not.toHaveBeenCalled();

    answer = err(400, 'VALIDATION_FAILED', [{ path: 'phone', message: '服务端：手机号码不正确' }]);
    fireEvent.click(screen.getByText('保存'));
    await waitFor(() => expect(fieldError(container, 'phone')).toBe('服务端：手机号码不正确'));
  });
});

describe('编辑就诊人', () => {
  it('shows masked values, sends only what changed, and goes back', async () => {
    __setRouterParams({ id: MOTHER.id });
    const bff = fakeBff({
      [`GET /api/v1/patients/${MOTHER.id}`]: () => ({ status: 200, body: MOTHER }),
      [`PATCH /api/v1/patients/${MOTHER.id}`]: () => ({ status: 200, body: { ...MOTHER, phoneMasked: '139****0005' } }),
    });
    const { container } = render(<PatientEdit />);
    expect(await screen.findByText('李*英')).toBeTruthy();
    expect(screen.getByText('居民身份证 640***********0247')).toBeTruthy();
    expect((container.querySelector('.form-input--phone') as HTMLInputElement).value).toBe('');

    fireEvent.click(screen.getByText('保存'));
    expect(await screen.findByText('没有需要修改的内容')).toBeTruthy();
    type(container, 'phone', '139');
    fireEvent.click(screen.getByText('保存'));
    await waitFor(() => expect(fieldError(container, 'phone')).toBe('请填写 11 位中国大陆手机号码（1 开头）'));
    type(container, 'phone', '13900000005');
    fireEvent.click(screen.getByText('保存'));
    await waitFor(() => expect(Taro.navigateBack).toHaveBeenCalled());
    expect(bff.of('PATCH', `/api/v1/patients/${MOTHER.id}`).map((c) => c.data)).toEqual([{ phone: '13900000005' }]);
  });

  it('deletes after confirming, and explains a refusal for open orders', async () => {
    __setRouterParams({ id: MOTHER.id });
    const bff = fakeBff({
      [`GET /api/v1/patients/${MOTHER.id}`]: () => ({ status: 200, body: MOTHER }),
      [`DELETE /api/v1/patients/${MOTHER.id}`]: () => err(409, 'PATIENT_HAS_OPEN_ORDERS'),
    });
    render(<PatientEdit />);
    await screen.findByText('李*英');
    (Taro.showModal as jest.Mock).mockResolvedValueOnce({ confirm: false, cancel: true });
    await act(async () => {
      fireEvent.click(screen.getByText('删除就诊人'));
    });
    expect(bff.of('DELETE', `/api/v1/patients/${MOTHER.id}`)).toHaveLength(0);
    fireEvent.click(screen.getByText('删除就诊人'));
    expect(await screen.findByText(ERROR_CATALOG.PATIENT_HAS_OPEN_ORDERS.message)).toBeTruthy();
    expect(Taro.navigateBack).not.toHaveBeenCalled();
  });

  it('本人: name, relationship and delete are not offered', async () => {
    __setRouterParams({ id: SELF.id });
    fakeBff({ [`GET /api/v1/patients/${SELF.id}`]: () => ({ status: 200, body: SELF }) });
    const { container } = render(<PatientEdit />);
    expect(await screen.findByText(/本人信息来自医保电子凭证授权/)).toBeTruthy();
    expect(container.querySelector('.form-field--name')).toBeNull();
    expect(container.querySelector('.form-field--relationship')).toBeNull();
    expect(screen.queryByText('删除就诊人')).toBeNull();
  });

  it('shows a load failure with a retry', async () => {
    __setRouterParams({ id: MOTHER.id });
    fakeBff({ [`GET /api/v1/patients/${MOTHER.id}`]: () => err(404, 'NOT_FOUND') });
    const { container } = render(<PatientEdit />);
    expect(await screen.findByText(ERROR_CATALOG.NOT_FOUND.message)).toBeTruthy();
    expect(container.querySelector('.page-state--error')).not.toBeNull();
  });
});
