/** Sign-in pages and 我的 with a session (H5 flavour). */
import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import Taro from '@tarojs/taro';
import { ERROR_CATALOG, type MeResponse } from '@ih/contract';
import Login from '../src/pages/auth/login/index';
import StaffLogin from '../src/pages/auth/staff/index';
import Mine from '../src/pages/mine/index';
import Doctor from '../src/packageDoctor/pages/index/index';
import { resetSignInRedirect } from '../src/services/request';
import { clearSession, getRefreshToken, getToken, saveSession } from '../src/services/session';
import { err, fakeBff, tokens } from './fakeBff';
import { identity } from '../src/platform/identity.h5';

beforeEach(() => {
  clearSession();
  resetSignInRedirect();
});

function type(container: HTMLElement, name: string, value: string) {
  fireEvent.change(container.querySelector(`.form-input--${name}`)!, { target: { value } });
}

const PATIENT_ME: MeResponse = {
  id: 'u1', role: 'PATIENT', roleLabel: '患者', displayName: '张*国', sessionId: 's1', channel: 'H5',
  patient: { phoneMasked: '138****0001', selfNameMasked: '张*国' }, staff: null,
};
const DOCTOR_ME: MeResponse = {
  id: 'u2', role: 'DOCTOR', roleLabel: '医生', displayName: '纳*梅 · 医生', sessionId: 's2', channel: 'H5', patient: null,
  staff: { nameMasked: '纳*梅', hospitalName: '宁夏医科大学总医院', departmentName: '心血管内科', title: '主任医师' },
};

describe('登录', () => {
  it("offers this build's patient channel (H5: the national APP's page) and leads staff to their sign-in", () => {
    const redirect = jest.spyOn(identity, 'redirect').mockImplementation(() => undefined);
    const { container } = render(<Login />);
    expect(container.querySelector('.login__channel--nhsa_app')).not.toBeNull();
    const channel = screen.getByText('使用国家医保服务平台 APP 登录').closest('.nut-button')!;
    expect(channel.className).not.toContain('nut-button-disabled');
    fireEvent.click(channel);
    // A browser navigation to the BFF, which redirects to the APP's authorization page.
    expect(redirect).toHaveBeenCalledWith('/api/v1/auth/national-app/start');
    expect(Taro.request).not.toHaveBeenCalled();
    fireEvent.click(screen.getByText('医护人员登录'));
    expect(Taro.navigateTo).toHaveBeenLastCalledWith({ url: '/pages/auth/staff/index' });
    redirect.mockRestore();
  });

  it('the doctor workspace entry leads to the staff sign-in', async () => {
    render(<Doctor />);
    fireEvent.click(await screen.findByText('医护人员登录'));
    expect(Taro.navigateTo).toHaveBeenLastCalledWith({ url: '/pages/auth/staff/index' });
  });
});

describe('医护人员登录', () => {
  it('checks the fields before sending', async () => {
    const bff = fakeBff({});
    const { container } = render(<StaffLogin />);
    fireEvent.click(screen.getByText('登录'));
    expect(await screen.findByText('请输入账号')).toBeTruthy();
    expect(screen.getByText('请输入密码')).toBeTruthy();
    expect(container.querySelector('.form-field--username.form-field--invalid')).not.toBeNull();
    expect(bff.calls).toHaveLength(0);
  });

  it('signs in, stores the session and opens the workspace in place of the sign-in page', async () => {
    const t = tokens();
    const bff = fakeBff({ 'POST /api/v1/auth/staff/login': () => ({ status: 200, body: { tokens: t, user: DOCTOR_ME } }) });
    const { container } = render(<StaffLogin />);
    type(container, 'username', 'doctor01');
    type(container, 'password', 'Doctor@2026');
    fireEvent.click(screen.getByText('登录'));
    await waitFor(() => expect(Taro.redirectTo).toHaveBeenCalledWith({ url: '/packageDoctor/pages/index/index' }));
    expect(Taro.switchTab).not.toHaveBeenCalled();
    expect(bff.calls[0]!.data).toEqual({ username: 'doctor01', password: 'Doctor@2026' });
    expect(bff.calls[0]!.header.Authorization).toBeUndefined();
    expect(getToken()).toBe(t.accessToken);
    expect(getRefreshToken()).toBe(t.refreshToken);
  });

  it.each(['INVALID_CREDENTIALS', 'ACCOUNT_LOCKED', 'ACCOUNT_DISABLED'] as const)('shows %s in words and clears the password', async (code) => {
    fakeBff({ 'POST /api/v1/auth/staff/login': () => err(ERROR_CATALOG[code].status, code) });
    const { container } = render(<StaffLogin />);
    type(container, 'username', 'doctor01');
    type(container, 'password', 'bad');
    fireEvent.click(screen.getByText('登录'));
    expect(await screen.findByText(ERROR_CATALOG[code].message)).toBeTruthy();
    expect(container.querySelector(`.form-error--${code}`)).not.toBeNull();
    expect((container.querySelector('.form-input--password') as HTMLInputElement).value).toBe('');
    expect(getToken()).toBeNull();
    expect(Taro.showToast).not.toHaveBeenCalled();
  });
});

describe('我的 with a session', () => {
  it('shows a patient masked, with 就诊人 and sign-out', async () => {
    saveSession(tokens());
    const bff = fakeBff({
      'GET /api/v1/auth/me': () => ({ status: 200, body: PATIENT_ME }),
      'POST /api/v1/auth/logout': () => ({ status: 200, body: { revokedSessions: 1 } }),
    });
    const { container } = render(<Mine />);
    expect(await screen.findByText('张*国')).toBeTruthy();
    expect(container.querySelector('.mine__profile--signed-in')).not.toBeNull();
    expect(screen.getByText('手机号 138****0001')).toBeTruthy();
    fireEvent.click(screen.getByText('就诊人管理'));
    expect(Taro.navigateTo).toHaveBeenLastCalledWith({ url: '/pages/patients/index' });

    fireEvent.click(screen.getByText('退出登录'));
    await waitFor(() => expect(bff.of('POST', '/api/v1/auth/logout')).toHaveLength(1));
    await screen.findByText('未登录');
    expect(getToken()).toBeNull();
    expect(getRefreshToken()).toBeNull();
  });

  it('signs out everywhere after confirming, and not when cancelled', async () => {
    saveSession(tokens());
    const bff = fakeBff({
      'GET /api/v1/auth/me': () => ({ status: 200, body: DOCTOR_ME }),
      'POST /api/v1/auth/logout-all': () => ({ status: 200, body: { revokedSessions: 3 } }),
    });
    render(<Mine />);
    expect(await screen.findByText('纳*梅 · 医生')).toBeTruthy();
    expect(screen.getByText('宁夏医科大学总医院 · 心血管内科 · 主任医师')).toBeTruthy();
    expect(screen.getByText('医生工作台')).toBeTruthy();
    expect(screen.queryByText('就诊人管理')).toBeNull();

    (Taro.showModal as jest.Mock).mockResolvedValueOnce({ confirm: false, cancel: true });
    await act(async () => {
      fireEvent.click(screen.getByText('退出所有设备'));
    });
    expect(bff.of('POST', '/api/v1/auth/logout-all')).toHaveLength(0);
    expect(getToken()).not.toBeNull();

    fireEvent.click(screen.getByText('退出所有设备'));
    await waitFor(() => expect(bff.of('POST', '/api/v1/auth/logout-all')).toHaveLength(1));
    await screen.findByText('未登录');
    expect(getToken()).toBeNull();
  });

  it('a session the BFF no longer knows shows signed-out without jumping to sign-in', async () => {
    saveSession(tokens());
    fakeBff({ 'GET /api/v1/auth/me': () => err(401, 'SESSION_REVOKED') });
    render(<Mine />);
    expect(await screen.findByText('未登录')).toBeTruthy();
    expect(getToken()).toBeNull();
    expect(Taro.navigateTo).not.toHaveBeenCalled();
  });

  it('a network failure keeps the session and offers to retry', async () => {
    saveSession(tokens());
    (Taro.request as unknown as jest.Mock).mockImplementation(() => Object.assign(Promise.reject({ errMsg: 'request:fail' }), { abort: jest.fn() }));
    render(<Mine />);
    expect(await screen.findByText('登录状态读取失败')).toBeTruthy();
    expect(screen.getByText('重新读取')).toBeTruthy();
    expect(getToken()).not.toBeNull();
  });
});
