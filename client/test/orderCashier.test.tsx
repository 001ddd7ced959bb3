/**
 * 医保收银台 (H5 flavour): the BFF prepares (6201+6202) behind a loading animation, the one
 * Cashier component shows the platform's numbers exactly as sent (no client arithmetic), the
 * personal-account switch exists only for 职工医保 and re-asks the BFF, one tap = one payment,
 * and a missing authorization returns to the unpaid order (未扣费).
 */
import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import Taro from '@tarojs/taro';
import { __setRouterParams } from './doubles/taro';
import CashierPage from '../src/pages/cashier/index';
import ConfirmPage from '../src/pages/orders/confirm/index';
import { resetSignInRedirect } from '../src/services/request';
import { clearSession, saveSession } from '../src/services/session';
import { err, fakeBff, gate, tokens, type FakeAnswer } from './fakeBff';
import { FULL_ID, ORDER, cashierView, orderView, payResponse, residentCashierView } from './orderFixtures';

const PREPARE = `/api/v1/orders/${ORDER}/prepare-insurance`;
const PAY = `/api/v1/orders/${ORDER}/pay`;
const ok = (body: unknown): FakeAnswer => ({ status: 200, body });

const value = (c: HTMLElement, key: string) => c.querySelector(`.cashier__row--${key} .cashier__row-value`)?.textContent;

beforeEach(() => {
  clearSession();
  resetSignInRedirect();
  saveSession(tokens());
  __setRouterParams({ orderId: ORDER });
});

describe('preparing', () => {
  it('shows a loading animation in the centre while the BFF prepares, then the cashier', async () => {
    const held = gate<FakeAnswer>();
    const bff = fakeBff({ [`POST ${PREPARE}`]: () => held.promise });
    const { container } = render(<CashierPage />);
    expect(container.querySelector('.cashier-preparing')).not.toBeNull();
    expect(screen.getByText('正在进行医保预结算…')).toBeTruthy();
    expect(container.querySelector('.cashier-preparing .nut-loading, .cashier-preparing [class*=loading]')).not.toBeNull();
    expect(bff.of('POST', PREPARE)[0]!.data).toEqual({ acctUsedFlag: false, selfPay: false });
    await act(async () => held.release(ok(cashierView())));
    expect(container.querySelector('.cashier')).not.toBeNull();
    expect(container.querySelector('.cashier-preparing')).toBeNull();
  });

  it('self-pay (?selfPay=1): asks the BFF for self-pay, and says why insurance does not take part', async () => {
    __setRouterParams({ orderId: ORDER, selfPay: '1' });
    const bff = fakeBff({
      [`POST ${PREPARE}`]: () =>
        ok(cashierView({ payMode: 'SELF_PAY', selfPayReason: 'PATIENT_CHOICE', selfPayReasonText: '您选择了自费支付', split: null, accountSwitch: { available: false, reason: null }, rows: [{ key: 'feeSumamt', label: '费用总额', amountFen: 12345, emphasis: false }, { key: 'deliveryFee', label: '运费', amountFen: 1001, emphasis: false }, { key: 'cashDue', label: '需支付', amountFen: 13346, emphasis: true }], cashDueFen: 13346 })),
    });
    const { container } = render(<CashierPage />);
    expect(screen.getByText('正在生成支付信息…')).toBeTruthy();
    await screen.findByText('您选择了自费支付');
    expect(bff.of('POST', PREPARE)[0]!.data).toEqual({ acctUsedFlag: false, selfPay: true });
    expect(container.querySelector('.cashier--self-pay')).not.toBeNull();
    expect(container.querySelector('.cashier__account-switch')).toBeNull();
    expect(value(container, 'cashDue')).toBe('¥133.46');
  });
});

describe('the cashier shows the BFF numbers', () => {
  it('every amount exactly as sent, fen → yuan only (even where they do not add up)', async () => {
    fakeBff({ [`POST ${PREPARE}`]: () => ok(cashierView()) });
    const { container } = render(<CashierPage />);
    await waitFor(() => expect(container.querySelector('.cashier')).not.toBeNull());
    expect(value(container, 'feeSumamt')).toBe('¥123.45');
    expect(value(container, 'fundPay')).toBe('¥86.34');
    expect(value(container, 'psnAcctPay')).toBe('¥0.00');
    expect(value(container, 'hospPart')).toBe('¥0.07');
    expect(value(container, 'cashPay')).toBe('¥37.04');
    expect(value(container, 'deliveryFee')).toBe('¥10.01');
    // 37.04 + 10.01 = 47.05; the BFF says 47.06: the page shows the BFF's number, it never adds.
    expect(value(container, 'cashDue')).toBe('¥47.06');
    expect(container.querySelector('.cashier__due-value')!.textContent).toBe('¥47.06');
    expect(container.textContent).not.toContain('47.05');
    // 共济账户支付 is 0: not shown; 运费 says it is cash, never insurance.
    expect(container.querySelector('.cashier__row--acctMulaidPay')).toBeNull();
    expect(container.querySelector('.cashier__row--deliveryFee')!.textContent).toContain('现金支付，医保不予支付');
    // 个人现金支付 is emphasised.
    expect(container.querySelector('.cashier__row--cashPay')!.className).toContain('cashier__row--emphasis');
    // Items with their own amounts.
    expect(container.querySelectorAll('.cashier__item')).toHaveLength(2);
    expect(container.textContent).toContain('¥46.66');
    expect(container.textContent).toContain('¥76.79');
  });

  it('who, where, when: masked patient and ID, insurance type, 参保地, hospital, order number and time (China time)', async () => {
    fakeBff({ [`POST ${PREPARE}`]: () => ok(cashierView()) });
    const { container } = render(<CashierPage />);
    await screen.findByText('医保收银台');
    const info = (name: string) => container.querySelector(`.cashier__info--${name} .cashier__info-value`)?.textContent;
    expect(info('patient')).toBe('张*国');
    expect(info('id')).toBe('640***********0131');
    expect(info('insutype')).toBe('职工医保');
    expect(info('insuplc')).toBe('银川市');
    expect(info('hospital')).toBe('宁夏医科大学总医院互联网医院');
    expect(info('order-no')).toBe('IH20261122160501123456');
    expect(info('order-time')).toBe('2026-11-22 16:05:01');
    expect(container.textContent).not.toContain(FULL_ID);
    expect(container.querySelector('.cashier__refund-rule')!.textContent).toContain('整单退费');
    expect(screen.getByText('返回订单')).toBeTruthy();
  });
});

describe('personal-account switch', () => {
  it('职工医保 (310): the switch re-asks the BFF and shows its new split', async () => {
    const bff = fakeBff({
      [`POST ${PREPARE}`]: (c) =>
        (c.data as { acctUsedFlag: boolean }).acctUsedFlag
          ? ok(cashierView({ acctUsedFlag: true, cashDueFen: 1001, rows: [
              { key: 'feeSumamt', label: '费用总额', amountFen: 12345, emphasis: false },
              { key: 'fundPay', label: '医保基金支付', amountFen: 8634, emphasis: false },
              { key: 'psnAcctPay', label: '个人账户支付', amountFen: 3697, emphasis: false },
              { key: 'hospPart', label: '医院负担', amountFen: 7, emphasis: false },
              { key: 'cashPay', label: '个人现金支付', amountFen: 0, emphasis: true },
              { key: 'deliveryFee', label: '运费', amountFen: 1001, emphasis: false },
              { key: 'cashDue', label: '需支付', amountFen: 1001, emphasis: true },
            ] }))
          : ok(cashierView()),
    });
    const { container } = render(<CashierPage />);
    const sw = await waitFor(() => {
      const el = container.querySelector('.cashier__account-switch');
      expect(el).not.toBeNull();
      return el!;
    });
    expect(sw.getAttribute('role')).toBe('switch');
    expect(sw.getAttribute('aria-checked')).toBe('false');
    fireEvent.click(sw);
    await waitFor(() => expect(value(container, 'psnAcctPay')).toBe('¥36.97'));
    expect(bff.of('POST', PREPARE).map((c) => c.data)).toEqual([
      { acctUsedFlag: false, selfPay: false },
      { acctUsedFlag: true, selfPay: false },
    ]);
    expect(container.querySelector('.cashier__account-switch')!.getAttribute('aria-checked')).toBe('true');
    expect(value(container, 'cashDue')).toBe('¥10.01');
  });

  it('the re-split needs a fresh authorization: asks, then re-authorizes with the new choice and comes back to the cashier', async () => {
    const bff = fakeBff({ [`POST ${PREPARE}`]: (c) => ((c.data as { acctUsedFlag: boolean }).acctUsedFlag ? err(409, 'INSURANCE_AUTH_INVALID') : ok(cashierView())) });
    const { container } = render(<CashierPage />);
    await waitFor(() => expect(container.querySelector('.cashier__account-switch')).not.toBeNull());
    (Taro.showModal as jest.Mock).mockResolvedValueOnce({ confirm: false, cancel: true });
    fireEvent.click(container.querySelector('.cashier__account-switch')!);
    await waitFor(() => expect(Taro.showModal).toHaveBeenCalledWith(expect.objectContaining({ title: '需要重新授权' })));
    expect(Taro.redirectTo).not.toHaveBeenCalled();
    expect(value(container, 'cashDue')).toBe('¥47.06');

    fireEvent.click(container.querySelector('.cashier__account-switch')!);
    await waitFor(() => expect(Taro.redirectTo).toHaveBeenCalled());
    const url = (Taro.redirectTo as jest.Mock).mock.calls[0]![0].url as string;
    expect(url.split('?')[0]).toBe('/pages/auth/voucher/index');
    const q = Object.fromEntries(new URLSearchParams(url.split('?')[1]));
    expect(q).toMatchObject({ purpose: 'PAYMENT', orderId: ORDER, returnTo: `/pages/cashier/index?orderId=${ORDER}&acct=1` });
    expect(bff.of('POST', PREPARE)).toHaveLength(3);
  });

  it('back from that authorization (?acct=1): prepares with the personal account', async () => {
    __setRouterParams({ orderId: ORDER, acct: '1' });
    const bff = fakeBff({ [`POST ${PREPARE}`]: () => ok(cashierView({ acctUsedFlag: true })) });
    const { container } = render(<CashierPage />);
    await waitFor(() => expect(container.querySelector('.cashier__account-switch--on')).not.toBeNull());
    expect(bff.of('POST', PREPARE)[0]!.data).toEqual({ acctUsedFlag: true, selfPay: false });
  });

  it('居民医保 (390): no switch, the reason instead', async () => {
    fakeBff({ [`POST ${PREPARE}`]: () => ok(residentCashierView()) });
    const { container } = render(<CashierPage />);
    await screen.findByText('城乡居民医保');
    expect(container.querySelector('.cashier__account-switch')).toBeNull();
    expect(screen.getByText('城乡居民医保无个人账户，不能使用个人账户支付')).toBeTruthy();
  });

  it('a refusal of the re-split keeps the old numbers and says why', async () => {
    fakeBff({ [`POST ${PREPARE}`]: (c) => ((c.data as { acctUsedFlag: boolean }).acctUsedFlag ? err(409, 'ORDER_ACCOUNT_NOT_ALLOWED') : ok(cashierView())) });
    const { container } = render(<CashierPage />);
    await waitFor(() => expect(container.querySelector('.cashier__account-switch')).not.toBeNull());
    fireEvent.click(container.querySelector('.cashier__account-switch')!);
    expect(await screen.findByText('个人账户支付仅限职工医保参保人使用，本次请不使用个人账户')).toBeTruthy();
    expect(value(container, 'cashDue')).toBe('¥47.06');
  });
});

describe('paying', () => {
  it('a double tap sends ONE pay request; the channel is this build’s; then the result page', async () => {
    const held = gate<FakeAnswer>();
    const bff = fakeBff({ [`POST ${PREPARE}`]: () => ok(cashierView()), [`POST ${PAY}`]: () => held.promise });
    const { container } = render(<CashierPage />);
    const button = await waitFor(() => {
      const b = container.querySelector('.cashier__pay') as HTMLElement | null;
      expect(b).not.toBeNull();
      return b!;
    });
    expect(button.textContent).toContain('确认支付 ¥47.06');
    // Two taps before the page re-renders (one batch), then a third on the re-rendered button.
    act(() => {
      fireEvent.click(button);
      fireEvent.click(button);
    });
    fireEvent.click(container.querySelector('.cashier__pay')!);
    await act(async () => undefined);
    expect(bff.of('POST', PAY)).toHaveLength(1);
    expect(bff.of('POST', PAY)[0]!.data).toEqual({ channel: 'NHSA_APP' });
    // The account switch is locked while paying.
    fireEvent.click(container.querySelector('.cashier__account-switch')!);
    expect(bff.of('POST', PREPARE)).toHaveLength(1);
    await act(async () => held.release(ok(payResponse({ kind: 'NONE' }))));
    await waitFor(() => expect(Taro.redirectTo).toHaveBeenCalledWith({ url: `/pages/orders/result/index?orderId=${ORDER}` }));
    expect(bff.of('POST', PAY)).toHaveLength(1);
  });

  it('a payment already open goes to the result page instead of paying twice', async () => {
    fakeBff({ [`POST ${PREPARE}`]: () => ok(cashierView()), [`POST ${PAY}`]: () => err(409, 'ORDER_PAYMENT_IN_PROGRESS') });
    const { container } = render(<CashierPage />);
    await waitFor(() => expect(container.querySelector('.cashier__pay')).not.toBeNull());
    fireEvent.click(container.querySelector('.cashier__pay')!);
    await waitFor(() => expect(Taro.redirectTo).toHaveBeenCalledWith({ url: `/pages/orders/result/index?orderId=${ORDER}` }));
  });

  it('a refusal is shown above the button and the patient may try again', async () => {
    const bff = fakeBff({ [`POST ${PREPARE}`]: () => ok(cashierView()), [`POST ${PAY}`]: () => err(409, 'ORDER_UNDER_REVIEW') });
    const { container } = render(<CashierPage />);
    await waitFor(() => expect(container.querySelector('.cashier__pay')).not.toBeNull());
    fireEvent.click(container.querySelector('.cashier__pay')!);
    expect(await screen.findByText(/订单正在由医院核对/)).toBeTruthy();
    expect(container.querySelector('.cashier__notice--warn')).not.toBeNull();
    fireEvent.click(container.querySelector('.cashier__pay')!);
    await waitFor(() => expect(bff.of('POST', PAY)).toHaveLength(2));
    // Both requests are the same attempt for the BFF (one key per cashier visit).
    const keys = bff.of('POST', PAY).map((c) => c.header['Idempotency-Key']);
    expect(keys[0]).toMatch(/^[A-Za-z0-9_-]{8,64}$/);
    expect(keys[1]).toBe(keys[0]);
  });
});

describe('back to the unpaid order', () => {
  it('no usable authorization (cancelled / expired): back to the order, which says 未扣费', async () => {
    fakeBff({ [`POST ${PREPARE}`]: () => err(409, 'INSURANCE_AUTH_INVALID') });
    render(<CashierPage />);
    await waitFor(() => expect(Taro.redirectTo).toHaveBeenCalledWith({ url: `/pages/orders/confirm/index?orderId=${ORDER}` }));

    // The order page shows the message once.
    fakeBff({ [`GET /api/v1/orders/${ORDER}`]: () => ok(orderView()) });
    const { container } = render(<ConfirmPage />);
    expect(await screen.findByText(/本次未扣费/)).toBeTruthy();
    expect(container.querySelector('.confirm__notice')!.textContent).toContain('医保电子凭证未授权或授权已失效');
  });

  it('other refusals: the error in words with 重新加载 and 返回订单', async () => {
    let n = 0;
    const bff = fakeBff({ [`POST ${PREPARE}`]: () => (++n === 1 ? err(409, 'ORDER_FULFILMENT_REQUIRED') : ok(cashierView())) });
    const { container } = render(<CashierPage />);
    expect(await screen.findByText('请先选择取药方式（到院自取或配送到家）后再支付')).toBeTruthy();
    expect(container.querySelector('.page-state--error')).not.toBeNull();
    fireEvent.click(screen.getByText('重新加载'));
    await waitFor(() => expect(container.querySelector('.cashier')).not.toBeNull());
    expect(bff.of('POST', PREPARE)).toHaveLength(2);
  });
});
