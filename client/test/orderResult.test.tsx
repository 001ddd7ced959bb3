/**
 * 支付结果: asks the BFF (never the channel) until the state is final, at the BFF's pace;
 * 已结算 (a consultation continues to the room), 支付失败 with the platform's reason, 处理中 with
 * what to do when it takes long.
 */
import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import Taro from '@tarojs/taro';
import { __setRouterParams } from './doubles/taro';
import PayResult, { RESULT_POLL_WINDOW_MS } from '../src/pages/orders/result/index';
import { URLS } from '../src/routes';
import { resetSignInRedirect } from '../src/services/request';
import { clearSession, saveSession } from '../src/services/session';
import { err, fakeBff, tokens, type FakeAnswer } from './fakeBff';
import { CONSULTATION, ORDER, orderStatus } from './orderFixtures';

const STATUS = `/api/v1/orders/${ORDER}/status`;
const ok = (body: unknown): FakeAnswer => ({ status: 200, body });
const PAID = { state: 'PAID' as const, stateLabel: '已支付', paid: true, final: true, message: '医保结算成功', nextPollMs: null };

beforeEach(() => {
  clearSession();
  resetSignInRedirect();
  saveSession(tokens());
  __setRouterParams({ orderId: ORDER });
});
afterEach(() => {
  jest.useRealTimers();
});

it('polls while processing, at the pace the BFF asks, until settled; a prescription → 查看订单', async () => {
  jest.useFakeTimers();
  let n = 0;
  const bff = fakeBff({ [`GET ${STATUS}`]: () => ok(++n < 3 ? orderStatus({ nextPollMs: 1500 }) : orderStatus(PAID)) });
  const { container } = render(<PayResult />);
  expect(screen.getByText('正在确认支付结果…')).toBeTruthy();
  await act(async () => undefined);
  expect(container.querySelector('.pay-result--pending')).not.toBeNull();
  expect(screen.getByText('处理中')).toBeTruthy();
  expect(screen.getByText(/请勿重复支付/)).toBeTruthy();
  await act(async () => {
    await jest.advanceTimersByTimeAsync(1400);
  });
  expect(bff.of('GET', STATUS)).toHaveLength(1);
  await act(async () => {
    await jest.advanceTimersByTimeAsync(200);
  });
  expect(bff.of('GET', STATUS)).toHaveLength(2);
  await act(async () => {
    await jest.advanceTimersByTimeAsync(1600);
  });
  expect(container.querySelector('.pay-result--paid')).not.toBeNull();
  expect(screen.getByText('已结算')).toBeTruthy();
  expect(screen.getByText('医保结算成功')).toBeTruthy();
  // Final: no more asking.
  await act(async () => {
    await jest.advanceTimersByTimeAsync(10_000);
  });
  expect(bff.of('GET', STATUS)).toHaveLength(3);
  expect(container.querySelector('.pay-result__room')).toBeNull();
  fireEvent.click(screen.getByText('查看订单'));
  expect(Taro.redirectTo).toHaveBeenCalledWith({ url: `/pages/orders/detail/index?id=${ORDER}` });
});

it('a paid consultation continues to the consultation room', async () => {
  fakeBff({ [`GET ${STATUS}`]: () => ok(orderStatus({ ...PAID, kind: 'CONSULTATION', consultationId: CONSULTATION, prescriptionId: null })) });
  render(<PayResult />);
  fireEvent.click(await screen.findByText('进入问诊室'));
  const room = (URLS as Record<string, string>).consultRoom ?? URLS.consult;
  expect(Taro.redirectTo).toHaveBeenCalledWith({ url: `${room}?id=${CONSULTATION}` });
});

it('支付失败 shows the platform’s reason (med_ins_fail_reason) and leads back to pay again', async () => {
  fakeBff({
    [`GET ${STATUS}`]: () => ok(orderStatus({ state: 'PAY_FAILED', stateLabel: '支付失败', final: true, nextPollMs: null, message: '医保结算未成功', failureReason: '参保人医保账户状态异常，请联系参保地医保经办机构' })),
  });
  const { container } = render(<PayResult />);
  expect(await screen.findByText('支付失败')).toBeTruthy();
  expect(container.querySelector('.pay-result__reason')!.textContent).toBe('失败原因：参保人医保账户状态异常，请联系参保地医保经办机构');
  fireEvent.click(screen.getByText('返回订单重新支付'));
  expect(Taro.redirectTo).toHaveBeenCalledWith({ url: `/pages/orders/confirm/index?orderId=${ORDER}` });
});

it('still processing after the window: says what to do (no second payment), 刷新结果 asks again', async () => {
  jest.useFakeTimers();
  const bff = fakeBff({ [`GET ${STATUS}`]: () => ok(orderStatus({ nextPollMs: 5000 })) });
  const { container } = render(<PayResult />);
  await act(async () => {
    await jest.advanceTimersByTimeAsync(RESULT_POLL_WINDOW_MS + 6000);
  });
  const asked = bff.of('GET', STATUS).length;
  expect(asked).toBeGreaterThanOrEqual(12);
  expect(asked).toBeLessThanOrEqual(14);
  expect(container.querySelector('.pay-result--pending')).not.toBeNull();
  expect(screen.getByText(/支付结果仍在确认中，请勿重复支付/)).toBeTruthy();
  await act(async () => {
    await jest.advanceTimersByTimeAsync(30_000);
  });
  expect(bff.of('GET', STATUS)).toHaveLength(asked);
  fireEvent.click(screen.getByText('刷新结果'));
  await act(async () => undefined);
  expect(bff.of('GET', STATUS)).toHaveLength(asked + 1);
});

it('a network hiccup while waiting is retried; an error with nothing known is shown with 重新加载', async () => {
  jest.useFakeTimers();
  let n = 0;
  fakeBff({ [`GET ${STATUS}`]: () => (++n === 1 ? Promise.reject({ errMsg: 'request:fail' }) : ok(orderStatus(PAID))) as never });
  render(<PayResult />);
  await act(async () => {
    await jest.advanceTimersByTimeAsync(2500);
  });
  expect(screen.getByText('已结算')).toBeTruthy();
  jest.useRealTimers();

  fakeBff({ [`GET ${STATUS}`]: () => err(404, 'NOT_FOUND') });
  const again = render(<PayResult />);
  await waitFor(() => expect(again.container.querySelector('.page-state--error')).not.toBeNull());
});
