/**
 * Order pages (H5 flavour): confirm (items, fulfilment with saved addresses, delivery fee as cash,
 * masked patient, whether insurance takes part and why, then the fresh e-voucher authorization
 * before the cashier), the 订单 tab (filters, paging), the detail (split, refund progress of both
 * parts, the REFUND authorization), the refund (whole order, reason required) and addresses.
 */
import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import Taro from '@tarojs/taro';
import { __setRouterParams } from './doubles/taro';
import { RefundViewSchema, isSafeReturnTo } from '@ih/contract';
import ConfirmPage from '../src/pages/orders/confirm/index';
import Orders from '../src/pages/orders/index';
import OrderDetail from '../src/pages/orders/detail/index';
import RefundPage from '../src/pages/orders/refund/index';
import Addresses from '../src/pages/addresses/index';
import AddressEdit from '../src/pages/addresses/edit/index';
import { takePickedAddress } from '../src/services/orderFlow';
import { resetSignInRedirect } from '../src/services/request';
import { clearSession, saveSession } from '../src/services/session';
import { err, fakeBff, tokens, type FakeAnswer } from './fakeBff';
import { FULL_ID, ORDER, PATIENT, orderList, orderView, paidOrderView } from './orderFixtures';

const O = `/api/v1/orders/${ORDER}`;
const ok = (body: unknown): FakeAnswer => ({ status: 200, body });
const ADDRESS = { id: 'addr-1', name: '张*国', phoneMasked: '138****0000', province: '宁夏回族自治区', city: '银川市', district: '兴庆区', areaCode: '640104', detail: '解放东街 1 号', isDefault: true };
const ADDRESS2 = { ...ADDRESS, id: 'addr-2', detail: '北京中路 8 号', isDefault: false };

function params(url: string): Record<string, string> {
  return Object.fromEntries(new URLSearchParams(url.split('?')[1] ?? ''));
}

beforeEach(() => {
  clearSession();
  resetSignInRedirect();
  saveSession(tokens());
});

describe('确认订单', () => {
  beforeEach(() => __setRouterParams({ orderId: ORDER }));

  it('items, masked patient, hospital, delivery with the address and the fee as cash, insurance and what it pays', async () => {
    fakeBff({ [`GET ${O}`]: () => ok(orderView()) });
    const { container } = render(<ConfirmPage />);
    expect(await screen.findByText('确认订单')).toBeTruthy();
    const row = (name: string) => container.querySelector(`.order-row--${name} .order-row__value`)?.textContent;
    expect(row('patient')).toBe('张*国');
    expect(row('id')).toBe('640***********0131');
    expect(row('hospital')).toBe('宁夏医科大学总医院互联网医院');
    expect(row('total')).toBe('¥123.45');
    expect(row('deliveryFee')).toBe('¥10.01');
    expect(container.querySelector('.order-row--deliveryFee')!.textContent).toContain('现金支付，医保不予支付');
    expect(container.querySelectorAll('.order-item')).toHaveLength(2);
    expect(container.querySelector('.choice--fulfilment .choice__item--DELIVERY')!.getAttribute('aria-checked')).toBe('true');
    expect(screen.getByText('解放东街 1 号', { exact: false })).toBeTruthy();
    expect(container.querySelector('.confirm__pay-mode--insurance')).not.toBeNull();
    expect(row('insutype')).toBe('职工医保');
    expect(container.textContent).not.toContain(FULL_ID);
  });

  it('去支付 (insurance): the fresh e-voucher authorization for this patient and order, returning to the cashier', async () => {
    fakeBff({ [`GET ${O}`]: () => ok(orderView()) });
    const { container } = render(<ConfirmPage />);
    await screen.findByText('确认订单');
    fireEvent.click(container.querySelector('.confirm__pay')!);
    const url = (Taro.navigateTo as jest.Mock).mock.calls.at(-1)![0].url as string;
    expect(url.split('?')[0]).toBe('/pages/auth/voucher/index');
    const q = params(url);
    expect(q).toMatchObject({ purpose: 'PAYMENT', patientId: PATIENT, orderId: ORDER, returnTo: `/pages/cashier/index?orderId=${ORDER}` });
    expect(isSafeReturnTo(q.returnTo)).toBe(true);
  });

  it('already pre-settled (the split is known): 去支付 opens the cashier with the same account choice, no new authorization', async () => {
    fakeBff({ [`GET ${O}`]: () => ok(orderView({ state: 'PRE_SETTLED', acctUsedFlag: true, actions: { chooseFulfilment: true, prepareInsurance: true, pay: true, refund: false } })) });
    const { container } = render(<ConfirmPage />);
    await screen.findByText('确认订单');
    fireEvent.click(container.querySelector('.confirm__pay')!);
    expect(Taro.navigateTo).toHaveBeenLastCalledWith({ url: `/pages/cashier/index?orderId=${ORDER}&acct=1` });
  });

  it('being paid: 查看支付结果 first, 继续支付 back to the cashier', async () => {
    fakeBff({ [`GET ${O}`]: () => ok(orderView({ state: 'PAYING', stateLabel: '支付中', actions: { chooseFulfilment: false, prepareInsurance: true, pay: true, refund: false } })) });
    const { container } = render(<ConfirmPage />);
    fireEvent.click(await screen.findByText('查看支付结果'));
    expect(Taro.navigateTo).toHaveBeenLastCalledWith({ url: `/pages/orders/result/index?orderId=${ORDER}` });
    fireEvent.click(container.querySelector('.confirm__pay')!);
    expect(container.querySelector('.confirm__pay')!.textContent).toBe('继续支付');
    expect(Taro.navigateTo).toHaveBeenLastCalledWith({ url: `/pages/cashier/index?orderId=${ORDER}` });
  });

  it('self-pay order: says why insurance does not take part; 去支付 goes straight to the cashier', async () => {
    fakeBff({ [`GET ${O}`]: () => ok(orderView({ payMode: 'SELF_PAY', payModeLabel: '自费支付', selfPayReason: 'OUT_OF_CATALOG', selfPayReasonText: '本次就诊的疾病不在互联网医保支付病种目录内，需自费支付' })) });
    const { container } = render(<ConfirmPage />);
    expect(await screen.findByText('本次就诊的疾病不在互联网医保支付病种目录内，需自费支付')).toBeTruthy();
    expect(container.querySelector('.confirm__self-pay')).toBeNull();
    fireEvent.click(container.querySelector('.confirm__pay')!);
    expect(Taro.navigateTo).toHaveBeenLastCalledWith({ url: `/pages/cashier/index?orderId=${ORDER}&selfPay=1` });
  });

  it('no fulfilment chosen yet: 去支付 waits; choosing 到院自取 saves it with the BFF and reloads the order', async () => {
    let chosen: string | null = null;
    const bff = fakeBff({
      [`GET ${O}`]: () => ok(orderView({ fulfilment: chosen as never, address: null, deliveryFeeFen: 0 })),
      [`PUT ${O}/fulfilment`]: (c) => {
        chosen = (c.data as { fulfilment: string }).fulfilment;
        return ok({});
      },
    });
    const { container } = render(<ConfirmPage />);
    await screen.findByText('请先选择取药方式，再去支付。');
    expect(container.querySelector('.confirm__pay')!.className).toContain('nut-button-disabled');
    fireEvent.click(container.querySelector('.choice--fulfilment .choice__item--PICKUP')!);
    await waitFor(() => expect(bff.of('GET', O)).toHaveLength(2));
    expect(bff.of('PUT', `${O}/fulfilment`)[0]!.data).toEqual({ fulfilment: 'PICKUP' });
    await waitFor(() => expect(container.querySelector('.confirm__pay')!.className).not.toContain('nut-button-disabled'));
  });

  it('配送到家 without an address opens the address list to pick one', async () => {
    fakeBff({ [`GET ${O}`]: () => ok(orderView({ fulfilment: 'PICKUP', address: null, deliveryFeeFen: 0 })) });
    const { container } = render(<ConfirmPage />);
    await screen.findByText('确认订单');
    fireEvent.click(container.querySelector('.choice--fulfilment .choice__item--DELIVERY')!);
    expect(Taro.navigateTo).toHaveBeenLastCalledWith({ url: '/pages/addresses/index?select=1' });
  });

  it('from the prescription (?prescriptionId=): choose delivery (default address), 提交订单 creates the order and opens it', async () => {
    __setRouterParams({ prescriptionId: 'rx-1' });
    const bff = fakeBff({
      'GET /api/v1/addresses': () => ok({ items: [ADDRESS2, ADDRESS] }),
      'POST /api/v1/orders/prescription': () => ok({ orderId: ORDER, orderNo: 'IH1' }),
    });
    const { container } = render(<ConfirmPage />);
    await screen.findByText('确认取药方式');
    await waitFor(() => expect(bff.of('GET', '/api/v1/addresses')).toHaveLength(1));
    expect(container.querySelector('.confirm__create')!.className).toContain('nut-button-disabled');
    fireEvent.click(container.querySelector('.choice--fulfilment .choice__item--DELIVERY')!);
    expect(await screen.findByText('解放东街 1 号', { exact: false })).toBeTruthy();
    fireEvent.click(container.querySelector('.confirm__create')!);
    await waitFor(() => expect(Taro.redirectTo).toHaveBeenCalledWith({ url: `/pages/orders/confirm/index?orderId=${ORDER}` }));
    expect(bff.of('POST', '/api/v1/orders/prescription')[0]!.data).toEqual({ prescriptionId: 'rx-1', fulfilment: 'DELIVERY', addressId: 'addr-1' });
  });
});

describe('订单 tab', () => {
  it('lists with state labels; filters ask the BFF; more pages on 加载更多', async () => {
    const bff = fakeBff({
      'GET /api/v1/orders': (c) => {
        const q = params(c.url);
        if (q.status === 'unpaid') return ok(orderList(1, 0, 0));
        return ok(q.page === '2' ? orderList(2, 25, 5) : orderList(1, 25, 20));
      },
    });
    const { container } = render(<Orders />);
    await waitFor(() => expect(container.querySelectorAll('.order-card')).toHaveLength(20));
    expect(params(bff.calls[0]!.url)).toEqual({ status: 'all', page: '1', pageSize: '20' });
    expect(container.querySelector('.order-card .order-state')!.textContent).toBe('已支付');
    expect(container.querySelector('.order-card')!.textContent).toContain('医疗费用 ¥10.01');
    expect(container.querySelector('.order-card')!.textContent).toContain('配送费 ¥10.01');
    fireEvent.click(screen.getByText('加载更多'));
    await waitFor(() => expect(container.querySelectorAll('.order-card')).toHaveLength(25));
    expect(params(bff.calls.at(-1)!.url)).toMatchObject({ page: '2' });
    expect(screen.getByText('共 25 笔订单，已全部显示')).toBeTruthy();
    fireEvent.click(container.querySelector('.order-card')!);
    expect(Taro.navigateTo).toHaveBeenLastCalledWith({ url: '/pages/orders/detail/index?id=order-1' });

    fireEvent.click(container.querySelector('.orders__filter--unpaid')!);
    expect(await screen.findByText('该分类下暂无订单。')).toBeTruthy();
    expect(params(bff.calls.at(-1)!.url)).toMatchObject({ status: 'unpaid', page: '1' });
  });

  it('a failed first page shows the error with 重新加载', async () => {
    let n = 0;
    fakeBff({ 'GET /api/v1/orders': () => (++n === 1 ? err(503, 'DB_UNAVAILABLE') : ok(orderList(1, 1, 1))) });
    const { container } = render(<Orders />);
    expect(await screen.findByText('服务暂时不可用，请稍后重试')).toBeTruthy();
    fireEvent.click(screen.getByText('重新加载'));
    await waitFor(() => expect(container.querySelectorAll('.order-card')).toHaveLength(1));
  });
});

describe('订单详情 and refunds', () => {
  const refund = (over: Record<string, unknown> = {}) =>
    RefundViewSchema.parse({
      id: 'r1', refundNo: 'RF20261122001', status: 'PROCESSING', statusLabel: '退款中', reason: '不需要了', totalFen: 13346,
      insurance: { amountFen: 8641, status: 'AWAITING_AUTH', statusLabel: '待医保电子凭证授权' },
      cash: { amountFen: 4705, status: 'SUCCEEDED', statusLabel: '已退回' },
      needsVoucherAuthorization: true, createdAt: '2026-11-22T09:00:00.000Z', completedAt: null, message: '现金部分已原路退回', ...over,
    });

  it('the split as the platform gave it, the payment, and 申请退款', async () => {
    __setRouterParams({ id: ORDER });
    fakeBff({ [`GET ${O}`]: () => ok(paidOrderView()) });
    const { container } = render(<OrderDetail />);
    await screen.findByText('已支付');
    const row = (name: string) => container.querySelector(`.order-split .order-row--${name} .order-row__value`)?.textContent;
    expect(row('feeSumamt')).toBe('¥123.45');
    expect(row('fundPay')).toBe('¥86.34');
    expect(row('cashPay')).toBe('¥37.04');
    expect(row('hospPart')).toBe('¥0.07');
    expect(row('deliveryFee')).toBe('¥10.01');
    expect(row('cashDue')).toBe('¥47.06');
    expect(container.querySelector('.order-split .order-row--acctMulaidPay')).toBeNull();
    fireEvent.click(container.querySelector('.order-detail__refund')!);
    expect(Taro.navigateTo).toHaveBeenLastCalledWith({ url: `/pages/orders/refund/index?id=${ORDER}` });
  });

  it('refund progress of both parts; the insurance part waits for a REFUND authorization; polls until finished', async () => {
    jest.useFakeTimers();
    __setRouterParams({ id: ORDER });
    let n = 0;
    const bff = fakeBff({
      [`GET ${O}`]: () =>
        ok(++n < 3
          ? paidOrderView({ state: 'REFUNDING', stateLabel: '退款中', refund: refund(), actions: { chooseFulfilment: false, prepareInsurance: false, pay: false, refund: false } })
          : paidOrderView({ state: 'REFUNDED', stateLabel: '已退款', refund: refund({ status: 'SUCCEEDED', statusLabel: '已退款', insurance: { amountFen: 8641, status: 'SUCCEEDED', statusLabel: '已退回' }, needsVoucherAuthorization: false, completedAt: '2026-11-22T09:10:00.000Z' }), actions: { chooseFulfilment: false, prepareInsurance: false, pay: false, refund: false } })),
    });
    const { container } = render(<OrderDetail />);
    await act(async () => undefined);
    expect(container.querySelector('.refund-part--insurance .refund-part__status')!.textContent).toBe('待医保电子凭证授权');
    expect(container.querySelector('.refund-part--insurance .refund-part__amount')!.textContent).toBe('¥86.41');
    expect(container.querySelector('.refund-part--cash .refund-part__status')!.textContent).toBe('已退回');
    expect(container.querySelector('.order-detail__refund')).toBeNull();
    fireEvent.click(screen.getByText('授权医保电子凭证以继续退款'));
    const url = (Taro.navigateTo as jest.Mock).mock.calls.at(-1)![0].url as string;
    expect(params(url)).toMatchObject({ purpose: 'REFUND', patientId: PATIENT, orderId: ORDER, returnTo: `/pages/orders/detail/index?id=${ORDER}&resumeRefund=1` });
    expect(isSafeReturnTo(params(url).returnTo)).toBe(true);
    // Each poll is a React update: let the page render between the ticks.
    for (let i = 0; i < 4; i++) {
      await act(async () => {
        await jest.advanceTimersByTimeAsync(5_000);
      });
    }
    expect(bff.of('GET', O)).toHaveLength(3);
    expect(container.querySelector('.refund-part--insurance .refund-part__status')!.textContent).toBe('已退回');
    // Finished: no more asking.
    for (let i = 0; i < 4; i++) {
      await act(async () => {
        await jest.advanceTimersByTimeAsync(5_000);
      });
    }
    expect(bff.of('GET', O)).toHaveLength(3);
    jest.useRealTimers();
  });

  it('申请退款 requires a reason (no request without it), then refunds the whole order', async () => {
    __setRouterParams({ id: ORDER });
    const bff = fakeBff({ [`GET ${O}`]: () => ok(paidOrderView()), [`POST ${O}/refund`]: () => ok(refund({ needsVoucherAuthorization: false, insurance: { amountFen: 8641, status: 'PROCESSING', statusLabel: '退款中' } })) });
    const { container } = render(<RefundPage />);
    await screen.findByText('申请退款', { selector: '.order-page__title' });
    expect(screen.getByText('处方须整单退款，不支持只退其中某一项药品。')).toBeTruthy();
    fireEvent.click(container.querySelector('.refund-page__submit')!);
    expect(await screen.findByText('请填写退款原因')).toBeTruthy();
    // 其他原因 without words is still no reason.
    fireEvent.click(container.querySelector('.choice--refund-reason .choice__item--OTHER')!);
    fireEvent.click(container.querySelector('.refund-page__submit')!);
    await act(async () => undefined);
    expect(container.querySelector('.form-field--reason.form-field--invalid')).not.toBeNull();
    expect(bff.of('POST', `${O}/refund`)).toHaveLength(0);
    expect(Taro.showModal).not.toHaveBeenCalled();

    fireEvent.change(container.querySelector('.form-input--reason')!, { target: { value: '病情好转，不再需要' } });
    fireEvent.click(container.querySelector('.refund-page__submit')!);
    await waitFor(() => expect(Taro.redirectTo).toHaveBeenCalledWith({ url: `/pages/orders/detail/index?id=${ORDER}` }));
    expect(bff.of('POST', `${O}/refund`)).toHaveLength(1);
    expect(bff.of('POST', `${O}/refund`)[0]!.data).toEqual({ reason: '病情好转，不再需要' });
  });

  it('the insurance part needs a fresh authorization: straight to the REFUND authorization; back on the order the refund goes on', async () => {
    __setRouterParams({ id: ORDER });
    const waiting = refund({ reason: '不需要了' });
    const bff = fakeBff({ [`GET ${O}`]: () => ok(paidOrderView()), [`POST ${O}/refund`]: () => ok(waiting) });
    const { container, unmount } = render(<RefundPage />);
    await waitFor(() => expect(container.querySelector('.refund-page__submit')).not.toBeNull());
    fireEvent.click(container.querySelector('.choice--refund-reason .choice__item--NOT_NEEDED')!);
    fireEvent.click(container.querySelector('.refund-page__submit')!);
    await waitFor(() => expect(Taro.redirectTo).toHaveBeenCalled());
    const url = (Taro.redirectTo as jest.Mock).mock.calls.at(-1)![0].url as string;
    expect(url.split('?')[0]).toBe('/pages/auth/voucher/index');
    expect(params(url)).toMatchObject({ purpose: 'REFUND', patientId: PATIENT, orderId: ORDER, returnTo: `/pages/orders/detail/index?id=${ORDER}&resumeRefund=1` });
    unmount();

    // The voucher pages come back to the order with resumeRefund=1: asked once to go on.
    __setRouterParams({ id: ORDER, resumeRefund: '1' });
    let resumed = false;
    const back = fakeBff({
      [`GET ${O}`]: () => ok(paidOrderView({ state: 'REFUNDING', stateLabel: '退款中', refund: resumed ? refund({ needsVoucherAuthorization: false, insurance: { amountFen: 8641, status: 'PROCESSING', statusLabel: '退款中' } }) : waiting, actions: { chooseFulfilment: false, prepareInsurance: false, pay: false, refund: false } })),
      [`POST ${O}/refund`]: (c) => {
        expect(c.data).toEqual({ reason: '不需要了' });
        resumed = true;
        return ok(refund({ needsVoucherAuthorization: false }));
      },
    });
    const detail = render(<OrderDetail />);
    await waitFor(() => expect(detail.container.querySelector('.refund-part--insurance .refund-part__status')?.textContent).toBe('退款中'));
    expect(back.of('POST', `${O}/refund`)).toHaveLength(1);
    expect(bff.of('POST', `${O}/refund`)).toHaveLength(1);
    expect(screen.queryByText('授权医保电子凭证以继续退款')).toBeNull();
  });

  it('a refusal of the refund is shown in words; declining the confirmation sends nothing', async () => {
    __setRouterParams({ id: ORDER });
    const bff = fakeBff({ [`GET ${O}`]: () => ok(paidOrderView()), [`POST ${O}/refund`]: () => err(409, 'ORDER_REFUND_IN_PROGRESS') });
    const { container } = render(<RefundPage />);
    await waitFor(() => expect(container.querySelector('.refund-page__submit')).not.toBeNull());
    fireEvent.click(container.querySelector('.choice--refund-reason .choice__item--NOT_NEEDED')!);
    (Taro.showModal as jest.Mock).mockResolvedValueOnce({ confirm: false, cancel: true });
    fireEvent.click(container.querySelector('.refund-page__submit')!);
    await act(async () => undefined);
    expect(bff.of('POST', `${O}/refund`)).toHaveLength(0);
    fireEvent.click(container.querySelector('.refund-page__submit')!);
    expect(await screen.findByText('该订单已有退款申请正在处理，请勿重复申请')).toBeTruthy();
    expect(bff.of('POST', `${O}/refund`)[0]!.data).toEqual({ reason: '不需要了' });
  });
});

describe('收货地址', () => {
  it('in select mode a tap picks the address for the order and goes back', async () => {
    __setRouterParams({ select: '1' });
    fakeBff({ 'GET /api/v1/addresses': () => ok({ items: [ADDRESS, ADDRESS2] }) });
    const { container } = render(<Addresses />);
    await waitFor(() => expect(container.querySelectorAll('.address-card')).toHaveLength(2));
    fireEvent.click(container.querySelectorAll('.address-card__main')[1]!);
    expect(Taro.navigateBack).toHaveBeenCalledWith({ delta: 1 });
    expect(takePickedAddress()).toBe('addr-2');
  });

  it('add: the contract’s checks first, region picked step by step, then POST', async () => {
    __setRouterParams({});
    const bff = fakeBff({ 'POST /api/v1/addresses': (c) => ok({ ...ADDRESS, id: 'addr-9', ...(c.data as object), phoneMasked: '139****1234', areaCode: '640104' }) });
    const { container } = render(<AddressEdit />);
    fireEvent.click(container.querySelector('.address-edit__save')!);
    expect(await screen.findByText('请填写收货人')).toBeTruthy();
    expect(screen.getByText('请填写正确的 11 位手机号')).toBeTruthy();
    expect(screen.getByText('请选择所在地区')).toBeTruthy();
    expect(bff.calls).toHaveLength(0);

    fireEvent.change(container.querySelector('.form-input--name')!, { target: { value: '张三' } });
    fireEvent.change(container.querySelector('.form-input--phone')!, { target: { value: '13912341234' } });
    fireEvent.change(container.querySelector('.form-input--detail')!, { target: { value: '解放东街 1 号' } });
    fireEvent.click(container.querySelector('.address-edit__region')!);
    fireEvent.click(container.querySelector('.region-picker__option--640000')!);
    fireEvent.click(container.querySelector('.region-picker__option--640100')!);
    fireEvent.click(container.querySelector('.region-picker__option--640104')!);
    expect(container.querySelector('.address-edit__region')!.textContent).toContain('宁夏回族自治区 银川市 兴庆区');
    fireEvent.click(container.querySelector('.address-edit__save')!);
    await waitFor(() => expect(Taro.navigateBack).toHaveBeenCalledWith({ delta: 1 }));
    expect(bff.of('POST', '/api/v1/addresses')[0]!.data).toEqual({
      name: '张三', phone: '13912341234', province: '宁夏回族自治区', city: '银川市', district: '兴庆区', areaCode: '640104', detail: '解放东街 1 号', isDefault: false,
    });
  });
});
