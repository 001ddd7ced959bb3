/**
 * Alipay flavour: my.getAuthCode (auth_base for sign-in; auth_user + nhsamp for the voucher),
 * pending → Alipay's authorization page → resume on show. `my` is scripted here.
 */
import Taro from '@tarojs/taro';
import { clearSession, getToken, saveSession } from '../src/services/session';
import { resetSignInRedirect } from '../src/services/request';
import { signInWithChannel } from '../src/services/channelAuth';
import { loadPending, resumeVoucherAuthorization, startVoucherAuthorization } from '../src/services/voucherFlow';
import { err, fakeBff, tokens } from './fakeBff';

jest.mock('../src/platform/identity.h5', () => jest.requireActual('../src/platform/identity.alipay'));

type GetAuthCode = (o: { scopes: string[]; success?: (r: { authCode?: string }) => void; fail?: (e: { error?: number }) => void }) => void;
const my = {
  getAuthCode: jest.fn<void, Parameters<GetAuthCode>>((o) => o.success?.({ authCode: `ac-${o.scopes.join('+')}` })),
  ap: { navigateToAlipayPage: jest.fn((o: { path: string; success?: () => void }) => o.success?.()) },
};
(globalThis as unknown as { my: typeof my }).my = my;

const AUTHORIZED = {
  status: 'authorized', channel: 'ALIPAY', purpose: 'PAYMENT', orderId: null,
  identity: { patientId: '01a2022a-d1c0-71ae-b9a6-a04c9ec3ebd6', relationship: 'SELF', nameMasked: '王*华', idType: 'ID_CARD', idNumberMasked: '640***********0669' },
  insured: null, family: null, authorizedAt: '2026-11-22T08:00:00.000Z', expiresAt: '2026-11-22T08:05:00.000Z',
};

beforeEach(() => {
  clearSession();
  resetSignInRedirect();
});

it('sign-in: my.getAuthCode(auth_base) → POST /auth/alipay/login', async () => {
  const t = tokens();
  const bff = fakeBff({
    'POST /api/v1/auth/alipay/login': () => ({
      status: 200,
      body: { tokens: t, isNewUser: true, returnTo: null, user: { id: 'u', role: 'PATIENT', roleLabel: '患者', displayName: '患者用户', sessionId: 's', channel: 'ALIPAY', patient: { phoneMasked: null, selfNameMasked: null }, staff: null } },
    }),
  });
  await signInWithChannel();
  expect(my.getAuthCode.mock.calls[0]![0].scopes).toEqual(['auth_base']);
  expect(bff.of('POST', '/api/v1/auth/alipay/login')[0]!.data).toEqual({ authCode: 'ac-auth_base' });
  expect(getToken()).toBe(t.accessToken);
});

it('voucher: auth_user + nhsamp → pending → Alipay page → resume → authorized', async () => {
  saveSession(tokens());
  const bff = fakeBff({
    'POST /api/v1/voucher/alipay': () => ({ status: 200, body: { status: 'pending', attemptId: 'A'.repeat(43), authUrl: 'https://render.alipay.com/auth?ticket=t1', expiresAt: '2026-11-22T08:10:00.000Z' } }),
    'POST /api/v1/voucher/alipay/resume': () => ({ status: 200, body: AUTHORIZED }),
  });
  const step = await startVoucherAuthorization({ purpose: 'PAYMENT' });
  expect(step).toEqual({ step: 'waiting' });
  expect(my.getAuthCode.mock.calls[0]![0].scopes).toEqual(['auth_user', 'nhsamp']);
  expect(bff.of('POST', '/api/v1/voucher/alipay')[0]!.data).toEqual({ purpose: 'PAYMENT', authCode: 'ac-auth_user+nhsamp' });
  expect(my.ap.navigateToAlipayPage.mock.calls[0]![0].path).toBe('https://render.alipay.com/auth?ticket=t1');
  expect(loadPending()).toMatchObject({ channel: 'alipay', attemptId: 'A'.repeat(43) });

  const r = await resumeVoucherAuthorization();
  expect(r?.step).toEqual({ step: 'done', result: AUTHORIZED });
  expect(bff.of('POST', '/api/v1/voucher/alipay/resume')[0]!.data).toEqual({ attemptId: 'A'.repeat(43) });
  expect(loadPending()).toBeNull();
  expect(Taro.navigateToMiniProgram).not.toHaveBeenCalled();
});

it('the user declines my.getAuthCode: the BFF is told (cancelled), nothing charged; a refusal is an ApiError', async () => {
  saveSession(tokens());
  my.getAuthCode.mockImplementationOnce((o) => o.fail?.({ error: 11 }));
  const bff = fakeBff({ 'POST /api/v1/voucher/alipay': (c) => ((c.data as { authCode?: string }).authCode ? err(409, 'INSURANCE_VOUCHER_NOT_ACTIVATED') : { status: 200, body: { status: 'cancelled', message: '已取消，未扣费' } }) });
  expect(await startVoucherAuthorization({ purpose: 'PAYMENT' })).toEqual({ step: 'done', result: { status: 'cancelled', message: '已取消，未扣费' } });
  expect(bff.of('POST', '/api/v1/voucher/alipay')[0]!.data).toEqual({ purpose: 'PAYMENT' });
  await expect(startVoucherAuthorization({ purpose: 'PAYMENT' })).rejects.toMatchObject({ code: 'INSURANCE_VOUCHER_NOT_ACTIVATED' });
  expect(loadPending()).toBeNull();
});
