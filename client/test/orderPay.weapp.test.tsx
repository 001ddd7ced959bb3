/**
 * WeChat flavour of the cashier's pay step: platform/pay.weapp.ts stands in for the H5 module.
 * wx.requestMedicalInsurancePay gets exactly the BFF's parameters (cash fields only when there is
 * a cash share); a WeChat without it (system:function_not_exist) gets the "please update WeChat"
 * prompt and NEVER a plain wx.requestPayment; cancelling charges nothing; the result is always
 * asked of the BFF afterwards.
 */
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import Taro from '@tarojs/taro';
import { __setRouterParams } from './doubles/taro';
import CashierPage from '../src/pages/cashier/index';
import { pay } from '../src/platform/pay.h5';
import { WECHAT_UPGRADE_MESSAGE } from '../src/platform/pay.types';
import { resetSignInRedirect } from '../src/services/request';
import { clearSession, saveSession } from '../src/services/session';
import { fakeBff, tokens, type FakeAnswer } from './fakeBff';
import { ORDER, cashierView, payResponse } from './orderFixtures';

jest.mock('../src/platform/pay.h5', () => jest.requireActual('../src/platform/pay.weapp'));

const PREPARE = `/api/v1/orders/${ORDER}/prepare-insurance`;
const PAY = `/api/v1/orders/${ORDER}/pay`;
const ok = (body: unknown): FakeAnswer => ({ status: 200, body });
const RESULT_URL = `/pages/orders/result/index?orderId=${ORDER}`;

const MED_INS = {
  kind: 'WECHAT_MED_INS' as const,
  mixTradeNo: 'mix_20261122_0001',
  appId: 'wx0000000000000001',
  timeStamp: '1795334700',
  nonceStr: '5K8264ILTKCH16CQ2502SI8ZNMTM67VS',
  package: 'prepay_id=wx201410272009395522657a690389285100',
  signType: 'RSA' as const,
  paySign: 'oR9d8PuhnIc+YZ8cBHFCwfgpaK9gd7vaRvkYD7rthRAZ',
};

type MedInsOptions = { mixTradeNo: string; paySign?: string; success?: (r: unknown) => void; fail?: (e: unknown) => void } & Record<string, unknown>;
const g = globalThis as unknown as { wx?: { requestMedicalInsurancePay?: jest.Mock } };
const requestPayment = jest.fn(() => Promise.resolve({ errMsg: 'requestPayment:ok' }));

beforeAll(() => {
  (Taro as unknown as Record<string, unknown>).requestPayment = requestPayment;
});
beforeEach(() => {
  clearSession();
  resetSignInRedirect();
  saveSession(tokens());
  __setRouterParams({ orderId: ORDER });
});
afterEach(() => {
  delete g.wx;
});

async function openAndPay(launch: unknown) {
  const bff = fakeBff({ [`POST ${PREPARE}`]: () => ok(cashierView()), [`POST ${PAY}`]: () => ok(payResponse(launch as never)) });
  const view = render(<CashierPage />);
  await waitFor(() => expect(view.container.querySelector('.cashier__pay')).not.toBeNull());
  fireEvent.click(view.container.querySelector('.cashier__pay')!);
  return { bff, ...view };
}

it('this build pays through WeChat', () => {
  expect(pay.channel).toBe('WECHAT');
});

it('wx.requestMedicalInsurancePay gets the BFF parameters exactly; back → the result page (the BFF decides)', async () => {
  const api = jest.fn((o: MedInsOptions) => o.success?.({ errMsg: 'requestMedicalInsurancePay:ok' }));
  g.wx = { requestMedicalInsurancePay: api };
  const { bff } = await openAndPay(MED_INS);
  await waitFor(() => expect(Taro.redirectTo).toHaveBeenCalledWith({ url: RESULT_URL }));
  expect(bff.of('POST', PAY)[0]!.data).toEqual({ channel: 'WECHAT' });
  expect(api).toHaveBeenCalledTimes(1);
  const { success, fail, ...sent } = api.mock.calls[0]![0];
  expect(typeof success).toBe('function');
  expect(typeof fail).toBe('function');
  expect(sent).toEqual({ mixTradeNo: MED_INS.mixTradeNo, timeStamp: MED_INS.timeStamp, nonceStr: MED_INS.nonceStr, package: MED_INS.package, signType: 'RSA', paySign: MED_INS.paySign });
  expect(requestPayment).not.toHaveBeenCalled();
});

it('insurance covers everything: only mixTradeNo, no cash fields', async () => {
  const api = jest.fn((o: MedInsOptions) => o.success?.({}));
  g.wx = { requestMedicalInsurancePay: api };
  await openAndPay({ kind: 'WECHAT_MED_INS', mixTradeNo: 'mix_ins_only', appId: 'wx0000000000000001' });
  await waitFor(() => expect(Taro.redirectTo).toHaveBeenCalledWith({ url: RESULT_URL }));
  const { success: _s, fail: _f, ...sent } = api.mock.calls[0]![0];
  expect(sent).toEqual({ mixTradeNo: 'mix_ins_only' });
});

it('WeChat without the API: "please update WeChat", nothing paid, never a plain payment', async () => {
  g.wx = {};
  const { container } = await openAndPay(MED_INS);
  await waitFor(() => expect(Taro.showModal).toHaveBeenCalled());
  expect(Taro.showModal).toHaveBeenCalledWith(expect.objectContaining({ title: '请升级微信', content: WECHAT_UPGRADE_MESSAGE, showCancel: false }));
  expect(await screen.findByText(WECHAT_UPGRADE_MESSAGE)).toBeTruthy();
  expect(container.querySelector('.cashier__notice--warn')).not.toBeNull();
  expect(requestPayment).not.toHaveBeenCalled();
  expect(Taro.redirectTo).not.toHaveBeenCalled();
  // The button is usable again (after updating WeChat the patient pays here).
  expect(container.querySelector('.cashier__pay')!.className).not.toContain('nut-button-disabled');
});

it('the API answers system:function_not_exist: the same prompt, no fallback', async () => {
  g.wx = { requestMedicalInsurancePay: jest.fn((o: MedInsOptions) => o.fail?.({ errMsg: 'requestMedicalInsurancePay:fail system:function_not_exist' })) };
  await openAndPay(MED_INS);
  expect(await screen.findByText(WECHAT_UPGRADE_MESSAGE)).toBeTruthy();
  expect(Taro.showModal).toHaveBeenCalledWith(expect.objectContaining({ title: '请升级微信' }));
  expect(requestPayment).not.toHaveBeenCalled();
});

it('the patient cancels in WeChat: 未扣费, stays on the cashier, may pay again', async () => {
  const api = jest.fn((o: MedInsOptions) => o.fail?.({ errMsg: 'requestMedicalInsurancePay:fail cancel' }));
  g.wx = { requestMedicalInsurancePay: api };
  const { bff, container } = await openAndPay(MED_INS);
  expect(await screen.findByText(/您已取消支付，本次未扣费/)).toBeTruthy();
  expect(Taro.redirectTo).not.toHaveBeenCalled();
  fireEvent.click(container.querySelector('.cashier__pay')!);
  await waitFor(() => expect(bff.of('POST', PAY)).toHaveLength(2));
});

it('a self-pay order uses the ordinary WeChat payment (no insurance part)', async () => {
  g.wx = {};
  await openAndPay({ kind: 'WECHAT_JSAPI', appId: 'wx0000000000000001', timeStamp: '1795334700', nonceStr: 'n', package: 'prepay_id=wx1', signType: 'RSA', paySign: 'sig' });
  await waitFor(() => expect(Taro.redirectTo).toHaveBeenCalledWith({ url: RESULT_URL }));
  expect(requestPayment).toHaveBeenCalledWith({ timeStamp: '1795334700', nonceStr: 'n', package: 'prepay_id=wx1', signType: 'RSA', paySign: 'sig' });
});

it('a launch for another channel is refused on the device (nothing opened)', async () => {
  g.wx = { requestMedicalInsurancePay: jest.fn() };
  await openAndPay({ kind: 'ALIPAY_TRADE', tradeNo: '2026112222001' });
  expect(await screen.findByText(/支付方式与当前使用的小程序或 APP 不一致/)).toBeTruthy();
  expect(g.wx!.requestMedicalInsurancePay).not.toHaveBeenCalled();
});
