/**
 * E-voucher pages and the channel sign-in (H5 flavour: the national APP): entry, result,
 * activation guide, my authorization state, and the sign-in page's return from the APP.
 */
import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import Taro from '@tarojs/taro';
import { __setRouterParams } from './doubles/taro';
import { ACTIVATION_CHANNELS, type VoucherPatientStatus } from '@ih/contract';
import Login from '../src/pages/auth/login/index';
import VoucherEntry from '../src/pages/auth/voucher/index';
import VoucherResult from '../src/pages/auth/voucher-result/index';
import Activation from '../src/pages/auth/activation/index';
import VoucherStatus from '../src/pages/auth/voucher-status/index';
import { identity } from '../src/platform/identity.h5';
import { resetSignInRedirect } from '../src/services/request';
import { clearSession, getToken, saveSession } from '../src/services/session';
import { err, fakeBff, gate, tokens } from './fakeBff';

const PATIENT = '01a2022a-d1c0-71ae-b9a6-a04c9ec3ebd6';
const ORDER = '01a2022a-0000-71ae-b9a6-a04c9ec3ebd6';

const status = (over: Partial<VoucherPatientStatus> = {}): VoucherPatientStatus => ({
  identity: { patientId: PATIENT, relationship: 'PARENT', nameMasked: '李*英', idType: 'ID_CARD', idNumberMasked: '640***********0247' },
  insured: { insutype: '390', insutypeLabel: '城乡居民医保', insuplcAdmdvs: '640100', insuplcName: '银川市', voucherActivated: true, suspended: false },
  lastAuthorization: {
    channel: 'NHSA_APP', purpose: 'PAYMENT', authorizedAt: '2026-11-22T08:00:00.000Z', expiresAt: '2026-11-22T08:05:00.000Z',
    usable: true, used: false, family: { authorizerNameMasked: '张*国' },
  },
  ...over,
});

let redirect: jest.SpyInstance;
beforeEach(() => {
  clearSession();
  resetSignInRedirect();
  saveSession(tokens());
  redirect = jest.spyOn(identity, 'redirect').mockImplementation(() => undefined);
});
afterEach(() => redirect.mockRestore());

describe('授权入口', () => {
  it('says what is shared and why, for whom (masked), and the self-only / cancel rules', async () => {
    __setRouterParams({ purpose: 'PAYMENT', patientId: PATIENT, orderId: ORDER, returnTo: encodeURIComponent('/pages/cashier/index?orderId=o1') });
    const bff = fakeBff({ 'GET /api/v1/voucher/status': () => ({ status: 200, body: { items: [status({ lastAuthorization: null })] } }) });
    const { container } = render(<VoucherEntry />);
    expect(screen.getByText('医保电子凭证授权')).toBeTruthy();
    expect(screen.getByText('· 证件类型及证件号码（脱敏显示）')).toBeTruthy();
    expect(screen.getByText(/仅限参保人本人办理/)).toBeTruthy();
    expect(screen.getByText(/取消授权不会产生任何费用/)).toBeTruthy();
    expect(await screen.findByText('李*英（父母）')).toBeTruthy();
    expect(screen.getByText('640***********0247')).toBeTruthy();
    expect(bff.of('GET', '/api/v1/voucher/status')[0]!.url).toContain(`patientId=${PATIENT}`);
    expect(container.textContent).not.toMatch(/\d{17}[\dX]/);
  });

  it('同意并授权 (H5): asks the BFF for the APP page and leaves for it; the target travels along', async () => {
    __setRouterParams({ purpose: 'PAYMENT', orderId: ORDER, returnTo: '/pages/cashier/index' });
    const bff = fakeBff({ 'POST /api/v1/voucher/national-app/start': () => ({ status: 200, body: { redirectUrl: 'https://app.example/oauth/authorize?state=s' } }) });
    render(<VoucherEntry />);
    await act(async () => undefined);
    fireEvent.click(screen.getByText('同意并授权'));
    await waitFor(() => expect(redirect).toHaveBeenCalledWith('https://app.example/oauth/authorize?state=s'));
    expect(bff.of('POST', '/api/v1/voucher/national-app/start')[0]!.data).toEqual({ purpose: 'PAYMENT', orderId: ORDER, returnTo: '/pages/cashier/index' });
    expect(await screen.findByText('请在打开的授权页完成授权，完成后返回本页。')).toBeTruthy();
  });

  it('a refusal goes to the result page with its code; a network failure stays here with a retry', async () => {
    __setRouterParams({ purpose: 'PAYMENT' });
    let answer = err(409, 'INSURANCE_VOUCHER_NOT_ACTIVATED');
    fakeBff({ 'POST /api/v1/voucher/national-app/start': () => answer });
    render(<VoucherEntry />);
    await act(async () => undefined);
    fireEvent.click(screen.getByText('同意并授权'));
    await waitFor(() => expect(Taro.redirectTo).toHaveBeenCalled());
    expect((Taro.redirectTo as jest.Mock).mock.calls[0][0].url).toBe(
      '/pages/auth/voucher-result/index?outcome=failed&channel=nhsa_app&purpose=PAYMENT&code=INSURANCE_VOUCHER_NOT_ACTIVATED',
    );

    answer = err(502, 'UPSTREAM_UNAVAILABLE');
    (Taro.redirectTo as jest.Mock).mockClear();
    fireEvent.click(screen.getByText('同意并授权'));
    expect(await screen.findByText('医保或支付平台暂时无法连接，请稍后重试')).toBeTruthy();
    expect(screen.getByText('错误编号：req-UPSTREAM_UNAVAILABLE')).toBeTruthy();
    expect(Taro.redirectTo).not.toHaveBeenCalled();
    expect(redirect).not.toHaveBeenCalled();
  });

  it('取消 changes nothing and shows the cancelled result', async () => {
    __setRouterParams({ purpose: 'PAYMENT', returnTo: '/pages/cashier/index' });
    const bff = fakeBff({});
    render(<VoucherEntry />);
    await act(async () => undefined);
    fireEvent.click(screen.getByText('取消'));
    expect(bff.calls).toHaveLength(0);
    expect((Taro.redirectTo as jest.Mock).mock.calls[0][0].url).toBe(
      `/pages/auth/voucher-result/index?outcome=cancelled&channel=nhsa_app&purpose=PAYMENT&returnTo=${encodeURIComponent('/pages/cashier/index')}`,
    );
  });
});

describe('授权结果', () => {
  it('authorized: masked identity, insurance, the family authorizer, the expiry; continue goes back to the order', async () => {
    __setRouterParams({ outcome: 'authorized', purpose: 'PAYMENT', patientId: PATIENT, returnTo: '/pages/cashier/index?orderId=o1' });
    fakeBff({ 'GET /api/v1/voucher/status': () => ({ status: 200, body: { items: [status()] } }) });
    const { container } = render(<VoucherResult />);
    expect(screen.getByText('授权成功')).toBeTruthy();
    expect(await screen.findByText('亲情账户授权（授权人：张*国）')).toBeTruthy();
    expect(screen.getByText('城乡居民医保')).toBeTruthy();
    expect(screen.getByText('银川市')).toBeTruthy();
    expect(container.querySelector('.voucher-card__row--expires')?.textContent).toContain('仅可使用一次');
    fireEvent.click(screen.getByText('继续医保支付'));
    expect(Taro.redirectTo).toHaveBeenLastCalledWith({ url: '/pages/cashier/index?orderId=o1' });
  });

  it('authorized, but the status cannot be read: an error with retry, never a fake identity', async () => {
    __setRouterParams({ outcome: 'authorized', purpose: 'PAYMENT', patientId: PATIENT });
    let fail = true;
    fakeBff({ 'GET /api/v1/voucher/status': () => (fail ? err(503, 'DB_UNAVAILABLE') : { status: 200, body: { items: [status({ lastAuthorization: { ...status().lastAuthorization!, family: null } })] } }) });
    render(<VoucherResult />);
    expect(await screen.findByText('服务暂时不可用，请稍后重试')).toBeTruthy();
    fail = false;
    fireEvent.click(screen.getByText('重新加载'));
    expect(await screen.findByText('本人授权')).toBeTruthy();
  });

  it('cancelled: says nothing was charged; back to the order, or authorize again, or self-pay', async () => {
    __setRouterParams({ outcome: 'cancelled', purpose: 'PAYMENT', orderId: ORDER, returnTo: '/pages/cashier/index' });
    render(<VoucherResult />);
    await act(async () => undefined);
    expect(screen.getByText('已取消授权')).toBeTruthy();
    expect(screen.getByText('本次未扣费')).toBeTruthy();
    fireEvent.click(screen.getByText('返回订单'));
    expect(Taro.redirectTo).toHaveBeenLastCalledWith({ url: '/pages/cashier/index' });
    fireEvent.click(screen.getByText('改为自费支付'));
    expect(Taro.redirectTo).toHaveBeenLastCalledWith({ url: '/pages/cashier/index?selfPay=1' });
    fireEvent.click(screen.getByText('重新授权'));
    expect(Taro.redirectTo).toHaveBeenLastCalledWith({
      url: `/pages/auth/voucher/index?purpose=PAYMENT&orderId=${ORDER}&returnTo=${encodeURIComponent('/pages/cashier/index')}`,
    });
  });

  it('not activated: the activation guide and self-pay are offered', async () => {
    __setRouterParams({ outcome: 'failed', purpose: 'PAYMENT', code: 'INSURANCE_VOUCHER_NOT_ACTIVATED', returnTo: '/pages/cashier/index' });
    const { container } = render(<VoucherResult />);
    await act(async () => undefined);
    expect(screen.getByText('医保电子凭证尚未激活')).toBeTruthy();
    expect(screen.getByText('您的医保电子凭证尚未激活或未绑定，请先激活医保电子凭证后再使用医保支付')).toBeTruthy();
    expect(screen.getByText('本次未扣费，订单仍为待支付。')).toBeTruthy();
    fireEvent.click(screen.getByText('查看激活指引'));
    expect(Taro.redirectTo).toHaveBeenLastCalledWith({ url: `/pages/auth/activation/index?purpose=PAYMENT&returnTo=${encodeURIComponent('/pages/cashier/index')}` });
    fireEvent.click(screen.getByText('继续自费支付'));
    expect(Taro.redirectTo).toHaveBeenLastCalledWith({ url: '/pages/cashier/index?selfPay=1' });
    expect(container.querySelector('.voucher-result--insurance_voucher_not_activated')).not.toBeNull();
  });

  it("suspended: self-pay, no pointless retry; someone else's voucher: the self-only message and a retry", async () => {
    __setRouterParams({ outcome: 'failed', purpose: 'PAYMENT', code: 'INSURANCE_PAY_SUSPENDED' });
    const { unmount } = render(<VoucherResult />);
    await act(async () => undefined);
    expect(screen.getByText('您的医保互联网支付已暂停，本次请使用自费支付，或到医保经办机构咨询')).toBeTruthy();
    expect(screen.queryByText('重新授权')).toBeNull();
    expect(screen.getByText('继续自费支付')).toBeTruthy();
    unmount();

    __setRouterParams({ outcome: 'failed', purpose: 'PAYMENT', code: 'INSURANCE_IDENTITY_MISMATCH', patientId: PATIENT });
    render(<VoucherResult />);
    await act(async () => undefined);
    expect(screen.getByText(/请使用就诊人本人的医保电子凭证授权，或使用亲情账户授权/)).toBeTruthy();
    expect(screen.getByText('重新授权')).toBeTruthy();
    expect(screen.queryByText('继续自费支付')).toBeNull();
  });

  it('a refund refusal offers no self-pay', async () => {
    __setRouterParams({ outcome: 'failed', purpose: 'REFUND', code: 'INSURANCE_PAY_SUSPENDED' });
    render(<VoucherResult />);
    await act(async () => undefined);
    expect(screen.queryByText('继续自费支付')).toBeNull();
  });
});

describe('激活指引', () => {
  it('lists the seed 004 channels (the national APP first on H5) with steps, a way back and self-pay', () => {
    __setRouterParams({ purpose: 'PAYMENT', returnTo: '/pages/cashier/index' });
    const { container } = render(<Activation />);
    const names = [...container.querySelectorAll('.activation__channel .voucher-page__section-title')].map((n) => n.textContent);
    expect(names).toEqual(['国家医保服务平台 APP', '微信', '支付宝', '合作银行手机银行 APP']);
    for (const step of ACTIVATION_CHANNELS[0]!.steps) expect(screen.getByText(new RegExp(step))).toBeTruthy();
    fireEvent.click(screen.getAllByText('查看步骤')[0]!);
    for (const step of ACTIVATION_CHANNELS[1]!.steps) expect(screen.getByText(new RegExp(step))).toBeTruthy();
    fireEvent.click(screen.getByText('继续自费支付'));
    expect(Taro.redirectTo).toHaveBeenLastCalledWith({ url: '/pages/cashier/index?selfPay=1' });
    fireEvent.click(screen.getByText('我已激活，重新授权'));
    expect(Taro.redirectTo).toHaveBeenLastCalledWith({ url: `/pages/auth/voucher/index?purpose=PAYMENT&returnTo=${encodeURIComponent('/pages/cashier/index')}` });
    fireEvent.click(screen.getByText('返回'));
    expect(Taro.redirectTo).toHaveBeenLastCalledWith({ url: '/pages/cashier/index' });
  });
});

describe('我的 → 医保电子凭证', () => {
  it('shows each 就诊人 masked with insurance and the last authorization; authorize leads to the entry', async () => {
    fakeBff({
      'GET /api/v1/voucher/status': () => ({
        status: 200,
        body: {
          items: [
            status({
              identity: { patientId: 'p-self', relationship: 'SELF', nameMasked: '张*国', idType: 'ID_CARD', idNumberMasked: '640***********0131' },
              insured: { insutype: '310', insutypeLabel: '职工医保', insuplcAdmdvs: '640100', insuplcName: '银川市', voucherActivated: true, suspended: false },
              lastAuthorization: { channel: 'WECHAT', purpose: 'PAYMENT', authorizedAt: '2026-11-22T08:00:00.000Z', expiresAt: '2026-11-22T08:05:00.000Z', usable: false, used: true, family: null },
            }),
            status({ insured: { ...status().insured!, voucherActivated: false }, lastAuthorization: null }),
          ],
        },
      }),
    });
    const { container } = render(<VoucherStatus />);
    expect(await screen.findByText('张*国（本人）')).toBeTruthy();
    expect(screen.getByText('职工医保')).toBeTruthy();
    expect(screen.getByText('已使用')).toBeTruthy();
    expect(screen.getByText('暂无')).toBeTruthy();
    expect(screen.getByText('未激活')).toBeTruthy();
    fireEvent.click(container.querySelectorAll('.voucher-status__authorize')[1]!);
    expect(Taro.navigateTo).toHaveBeenLastCalledWith({ url: `/pages/auth/voucher/index?purpose=PAYMENT&patientId=${PATIENT}` });
    fireEvent.click(screen.getByText('激活指引'));
    expect(Taro.navigateTo).toHaveBeenLastCalledWith({ url: '/pages/auth/activation/index' });
  });

  it('loading, error with retry, then no 就诊人 yet: authorize myself', async () => {
    const hold = gate<{ status: number; body: unknown }>();
    let first = true;
    fakeBff({ 'GET /api/v1/voucher/status': () => (first ? ((first = false), hold.promise) : { status: 200, body: { items: [] } }) });
    const { container } = render(<VoucherStatus />);
    expect(screen.getByText('加载中…')).toBeTruthy();
    await act(async () => hold.release(err(503, 'DB_UNAVAILABLE')));
    expect(await screen.findByText('服务暂时不可用，请稍后重试')).toBeTruthy();
    expect(container.querySelector('.page-state--error')).not.toBeNull();
    fireEvent.click(screen.getByText('重新加载'));
    expect(await screen.findByText('还没有就诊人')).toBeTruthy();
    fireEvent.click(screen.getByText('授权本人医保电子凭证'));
    expect(Taro.navigateTo).toHaveBeenLastCalledWith({ url: '/pages/auth/voucher/index?purpose=PAYMENT' });
  });
});

describe('登录 (national APP return)', () => {
  beforeEach(() => clearSession());

  it('swaps the handoff code for the session and goes to returnTo', async () => {
    __setRouterParams({ handoff: 'H'.repeat(43) });
    const t = tokens();
    const bff = fakeBff({
      'POST /api/v1/auth/national-app/handoff': () => ({
        status: 200,
        body: {
          tokens: t,
          isNewUser: true,
          returnTo: '/pages/mine/index',
          user: { id: 'u1', role: 'PATIENT', roleLabel: '患者', displayName: '张*国', sessionId: 's1', channel: 'H5', patient: { phoneMasked: null, selfNameMasked: '张*国' }, staff: null },
        },
      }),
    });
    render(<Login />);
    await waitFor(() => expect(getToken()).toBe(t.accessToken));
    expect(bff.of('POST', '/api/v1/auth/national-app/handoff')[0]!.data).toEqual({ handoff: 'H'.repeat(43) });
    expect(bff.of('POST', '/api/v1/auth/national-app/handoff')[0]!.header.Authorization).toBeUndefined();
    await waitFor(() => expect(Taro.switchTab).toHaveBeenLastCalledWith({ url: '/pages/mine/index' }));
  });

  it('an expired handoff, an error code or a cancel is said in words', async () => {
    __setRouterParams({ handoff: 'H'.repeat(43) });
    fakeBff({ 'POST /api/v1/auth/national-app/handoff': () => err(401, 'LOGIN_HANDOFF_INVALID') });
    const { unmount } = render(<Login />);
    expect(await screen.findByText('登录结果已失效，请重新登录')).toBeTruthy();
    expect(getToken()).toBeNull();
    unmount();

    __setRouterParams({ error: 'AUTH_STATE_USED' });
    const second = render(<Login />);
    expect(screen.getByText('该授权结果已处理过，请勿重复提交，如需授权请重新发起')).toBeTruthy();
    second.unmount();

    __setRouterParams({ cancelled: '1' });
    render(<Login />);
    expect(screen.getByText('您已取消登录授权，可重新登录。')).toBeTruthy();
  });

  it('the sign-in button carries a safe returnTo to the BFF start address', () => {
    __setRouterParams({ returnTo: encodeURIComponent('/pages/cashier/index?orderId=o1') });
    render(<Login />);
    fireEvent.click(screen.getByText('使用国家医保服务平台 APP 登录'));
    expect(redirect).toHaveBeenCalledWith(`/api/v1/auth/national-app/start?returnTo=${encodeURIComponent('/pages/cashier/index?orderId=o1')}`);
  });
});
