/**
 * WeChat flavour of the sign-in and the e-voucher round trip: the identity module of the weapp
 * build (identity.weapp.ts) stands in for the H5 one. The jump to the insurance auth mini-program
 * and the return (App onShow, scene 1038, referrerInfo.extraData.authCode) are scripted on the
 * Taro double.
 */
import { act, render, waitFor } from '@testing-library/react';
import Taro from '@tarojs/taro';
import { __setRouterParams } from './doubles/taro';
import { clearSession, getToken, saveSession } from '../src/services/session';
import { resetSignInRedirect } from '../src/services/request';
import { signInWithChannel } from '../src/services/channelAuth';
import { PENDING_KEY, loadPending, resumeVoucherAuthorization, startVoucherAuthorization } from '../src/services/voucherFlow';
import { platform } from '../src/platform/index.h5';
import VoucherEntry from '../src/pages/auth/voucher/index';
import { err, fakeBff, tokens } from './fakeBff';

jest.mock('../src/platform/identity.h5', () => jest.requireActual('../src/platform/identity.weapp'));

const LAUNCH = {
  appId: 'wxe183cd55df4b4369',
  path: 'auth/pages/bindcard/auth/index?openType=getAuthCode&bizType=04107&cityCode=640100&channel=AAG1&orgChnlCrtfCodg=BqK1kMStlhVDgN2uHf4EsLK9W/+=&orgCodg=H00000000001&orgAppId=1ABC',
  envVersion: 'release',
};
const PATIENT = '01a2022a-d1c0-71ae-b9a6-a04c9ec3ebd6';
const AUTHORIZED = {
  status: 'authorized', channel: 'WECHAT', purpose: 'PAYMENT', orderId: null,
  identity: { patientId: PATIENT, relationship: 'SELF', nameMasked: '张*国', idType: 'ID_CARD', idNumberMasked: '640***********0131' },
  insured: null, family: null, authorizedAt: '2026-11-22T08:00:00.000Z', expiresAt: '2026-11-22T08:05:00.000Z',
};

/** What WeChat calls on the App when the user comes back from the insurance auth mini-program. */
function appShow(options: Record<string, unknown>) {
  const listeners = (Taro.onAppShow as jest.Mock).mock.calls.map((c) => c[0] as (o: unknown) => void);
  expect(listeners.length).toBeGreaterThan(0);
  for (const l of listeners) l(options);
}
const backFromAuth = (authCode?: string) => appShow({ scene: 1038, path: 'pages/auth/voucher/index', referrerInfo: { appId: LAUNCH.appId, extraData: authCode ? { authCode } : {} } });

// onAppShow is registered when the identity module loads: keep that registration for the whole file.
const onAppShowCalls = (Taro.onAppShow as jest.Mock).mock.calls.slice();
beforeEach(() => {
  (Taro.onAppShow as jest.Mock).mock.calls.push(...onAppShowCalls);
  clearSession();
  resetSignInRedirect();
});

describe('WeChat sign-in', () => {
  it('wx.login code → POST /auth/wechat/login → session saved', async () => {
    const t = tokens();
    const bff = fakeBff({
      'POST /api/v1/auth/wechat/login': () => ({
        status: 200,
        body: { tokens: t, isNewUser: false, returnTo: null, user: { id: 'u1', role: 'PATIENT', roleLabel: '患者', displayName: '患者用户', sessionId: 's', channel: 'WEAPP', patient: { phoneMasked: null, selfNameMasked: null }, staff: null } },
      }),
    });
    const r = await signInWithChannel();
    expect(r).not.toBe('redirected');
    expect(Taro.login).toHaveBeenCalled();
    expect(bff.of('POST', '/api/v1/auth/wechat/login')[0]!.data).toEqual({ code: 'wx-login-code' });
    expect(getToken()).toBe(t.accessToken);
  });

  it('an expired code is an error with its message, no session', async () => {
    fakeBff({ 'POST /api/v1/auth/wechat/login': () => err(401, 'LOGIN_CODE_EXPIRED') });
    await expect(signInWithChannel()).rejects.toMatchObject({ code: 'LOGIN_CODE_EXPIRED', message: '登录凭证无效或已过期，请重新登录' });
    expect(getToken()).toBeNull();
  });
});

describe('WeChat e-voucher round trip', () => {
  beforeEach(() => saveSession(tokens()));

  it('jumps with the exact path, then reads the authCode on return (scene 1038) and exchanges it once', async () => {
    const bff = fakeBff({
      'GET /api/v1/voucher/wechat/launch': () => ({ status: 200, body: LAUNCH }),
      'POST /api/v1/voucher/wechat': () => ({ status: 200, body: AUTHORIZED }),
    });
    const step = await startVoucherAuthorization({ purpose: 'PAYMENT', patientId: PATIENT, orderId: 'o-1' });
    expect(step).toEqual({ step: 'waiting' });
    expect(Taro.navigateToMiniProgram).toHaveBeenCalledWith({ appId: LAUNCH.appId, path: LAUNCH.path, envVersion: 'release' });
    expect(loadPending()).toMatchObject({ channel: 'wechat', appId: LAUNCH.appId, target: { purpose: 'PAYMENT', patientId: PATIENT } });

    // Shown again before anything came back: nothing to do yet.
    expect(await resumeVoucherAuthorization()).toBeNull();
    backFromAuth('384188081113592029');
    const r = await resumeVoucherAuthorization();
    expect(r?.step).toEqual({ step: 'done', result: AUTHORIZED });
    expect(bff.of('POST', '/api/v1/voucher/wechat')[0]!.data).toEqual({ purpose: 'PAYMENT', patientId: PATIENT, orderId: 'o-1', authCode: '384188081113592029' });
    expect(platform.storage.get(PENDING_KEY)).toBeNull();
    // Shown again later: the same code is never sent twice.
    expect(await resumeVoucherAuthorization()).toBeNull();
    expect(bff.of('POST', '/api/v1/voucher/wechat')).toHaveLength(1);
  });

  it('back without an authCode, or the jump refused, is a cancel the BFF confirms (nothing charged)', async () => {
    const bff = fakeBff({
      'GET /api/v1/voucher/wechat/launch': () => ({ status: 200, body: LAUNCH }),
      'POST /api/v1/voucher/wechat': () => ({ status: 200, body: { status: 'cancelled', message: '您已取消医保授权，本次未扣费。' } }),
    });
    await startVoucherAuthorization({ purpose: 'PAYMENT' });
    backFromAuth();
    const r = await resumeVoucherAuthorization();
    expect(r?.step).toEqual({ step: 'done', result: { status: 'cancelled', message: '您已取消医保授权，本次未扣费。' } });
    expect(bff.of('POST', '/api/v1/voucher/wechat')[0]!.data).toEqual({ purpose: 'PAYMENT' });

    (Taro.navigateToMiniProgram as jest.Mock).mockRejectedValueOnce({ errMsg: 'navigateToMiniProgram:fail cancel' });
    const refused = await startVoucherAuthorization({ purpose: 'PAYMENT' });
    expect(refused).toEqual({ step: 'done', result: expect.objectContaining({ status: 'cancelled' }) });
    expect(loadPending()).toBeNull();
  });

  it('a cold start by the return reads the enter options', async () => {
    fakeBff({
      'GET /api/v1/voucher/wechat/launch': () => ({ status: 200, body: LAUNCH }),
      'POST /api/v1/voucher/wechat': () => ({ status: 200, body: AUTHORIZED }),
    });
    await startVoucherAuthorization({ purpose: 'PAYMENT' });
    (Taro.getEnterOptionsSync as jest.Mock).mockReturnValueOnce({ scene: 1038, referrerInfo: { appId: LAUNCH.appId, extraData: { authCode: '111222333444555666' } } });
    const r = await resumeVoucherAuthorization();
    expect(r?.step).toMatchObject({ step: 'done', result: { status: 'authorized' } });
  });

  it('the entry page finishes the round trip on show and opens the result page', async () => {
    fakeBff({
      'GET /api/v1/voucher/wechat/launch': () => ({ status: 200, body: LAUNCH }),
      'POST /api/v1/voucher/wechat': () => err(409, 'INSURANCE_IDENTITY_MISMATCH'),
      'GET /api/v1/voucher/status': () => ({ status: 200, body: { items: [] } }),
    });
    __setRouterParams({ purpose: 'PAYMENT', patientId: PATIENT });
    await startVoucherAuthorization({ purpose: 'PAYMENT', patientId: PATIENT });
    backFromAuth('999888777666555444');
    render(<VoucherEntry />);
    await waitFor(() => expect(Taro.redirectTo).toHaveBeenCalled());
    expect((Taro.redirectTo as jest.Mock).mock.calls[0][0].url).toBe(
      `/pages/auth/voucher-result/index?outcome=failed&channel=wechat&purpose=PAYMENT&patientId=${PATIENT}&code=INSURANCE_IDENTITY_MISMATCH`,
    );
    await act(async () => undefined);
  });
});
