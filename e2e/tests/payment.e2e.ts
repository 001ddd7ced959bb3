/**
 * Issue 6 in the H5 (inside the national insurance APP), end to end in Chromium against the real
 * BFF, the mocks and the demo seed: the demo patient pays an approved prescription with insurance
 * + cash and delivery to a new address, sees the cashier with the platform's numbers (checked
 * against the BFF's answer), pays the cash on the APP's cashier page (mock), reaches 已结算, asks
 * for a refund (reason, fresh e-voucher authorization for the refund) and follows both parts of
 * the refund to 已退回. Cashier screenshots: e2e/artifacts/h5-cashier-*.png.
 *
 * Setup (API, not UI: the consultation and workspace UIs have their own e2e): e2e/src/rx-setup.ts.
 */
import type { Browser, Locator, Page } from 'playwright-core';
import { join } from 'node:path';
import { ARTIFACTS, launchChromium } from '../src/browser';
import { answerOnAppPage, apiFromPage, base, mockUrl, route } from '../src/flows';
import { approvedPrescriptionForDemoPatient, call, RX_DRUGS, type ApprovedRx } from '../src/rx-setup';

const STEP = { timeout: 20_000 };

/** Fen → "¥12.34", independently of the client's formatter (what the national rules show). */
function yuan(fen: number): string {
  if (!Number.isInteger(fen) || fen < 0) throw new Error(`not a fen amount: ${fen}`);
  return `¥${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;
}

/**
 * A screenshot of the step. Taro's H5 pages scroll inside their own container (a full-page
 * screenshot stops at the viewport): bring the part that matters into view first.
 */
async function shot(page: Page, step: string, focus?: Locator): Promise<void> {
  if (focus) await focus.scrollIntoViewIfNeeded(STEP);
  await page.screenshot({ path: join(ARTIFACTS, `${step}.png`), fullPage: !focus });
}
const text = async (l: Locator) => ((await l.textContent({ timeout: STEP.timeout })) ?? '').trim();

interface Split {
  feeSumamtFen: number;
  fundPayFen: number;
  psnAcctPayFen: number;
  cashPayFen: number;
  acctMulaidPayFen: number;
  hospPartFen: number;
  othFeeFen: number;
}
interface RefundPart {
  amountFen: number;
  status: string;
  statusLabel: string;
}
interface OrderView {
  id: string;
  state: string;
  kind: string;
  fulfilment: string | null;
  address: { detail: string } | null;
  totalFen: number;
  deliveryFeeFen: number;
  payMode: string;
  split: Split | null;
  cashDueFen: number | null;
  items: { name: string; quantity: number; amountFen: number }[];
  payment: { channel: string; status: string } | null;
  refund: { status: string; totalFen: number; insurance: RefundPart; cash: RefundPart; needsVoucherAuthorization: boolean } | null;
  prescriptionId: string | null;
}
interface CashierView {
  rows: { key: string; label: string; amountFen: number }[];
  cashDueFen: number;
  deliveryFeeFen: number;
  split: Split | null;
  payMode: string;
}

let browser: Browser;
let rx: ApprovedRx;
beforeAll(async () => {
  browser = await launchChromium();
  rx = await approvedPrescriptionForDemoPatient(browser);
}, 120_000);
afterAll(async () => {
  await rx?.patient.close();
  await browser?.close();
});

/** 配送到家 to a new address made on the address pages (region picker 宁夏 → 银川市 → 兴庆区). */
async function deliverToNewAddress(page: Page): Promise<void> {
  const start = page.locator('.confirm--start');
  await start.locator('.choice--fulfilment .choice__item--DELIVERY').click(STEP);
  // No saved address yet: the list (select mode) opens with its empty state.
  const list = page.locator('.addresses--select');
  await list.locator('.addresses__add').first().click(STEP);
  const form = page.locator('.address-edit--create');
  await form.locator('.address-edit__region').click(STEP);
  const picker = page.locator('.address-edit--picking .region-picker');
  await picker.locator('.region-picker__option--640000').click(STEP);
  await picker.locator('.region-picker__option--640100').click(STEP);
  await picker.locator('.region-picker__option--640104').click(STEP);
  await expect(text(form.locator('.address-edit__region'))).resolves.toMatch(/宁夏回族自治区\s*银川市\s*兴庆区/);
  await form.locator('.form-input--name input').fill('张建国');
  await form.locator('.form-input--phone input').fill('13800000001');
  await form.locator('.form-input--detail input').fill('解放西街 1 号 2 单元 301');
  await shot(page, 'h5-payment-address');
  await form.locator('.address-edit__save').click(STEP);
  // Saved while choosing: back on the order start with that address picked.
  await start.locator('.confirm__address', { hasText: '解放西街 1 号' }).waitFor(STEP);
  await expect(text(start.locator('.confirm__address'))).resolves.toContain('138****0001');
}

/** On the voucher entry page: agree, authorize on the APP's page (mock), continue from the result page. */
async function authorizeOnApp(page: Page, purpose: '支付' | '退款'): Promise<void> {
  const entry = page.locator('.voucher-entry');
  await entry.waitFor(STEP);
  await expect(text(entry.locator('.voucher-page__lead'))).resolves.toContain(purpose);
  await entry.locator('.voucher-entry__agree').click(STEP);
  await answerOnAppPage(page);
  const result = page.locator('.voucher-result--authorized');
  await result.waitFor(STEP);
  await result.locator('.voucher-result__continue').click(STEP);
}

const orderIdOf = (url: string): string => {
  const m = /[?&](?:orderId|id)=([0-9a-f-]{36})/i.exec(url);
  if (!m) throw new Error(`no order id in ${url}`);
  return m[1]!;
};

test('prescription paid with insurance + cash + delivery, settled, refunded in full', async () => {
  const started = Date.now();
  const page = await rx.patient.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const order = async (id: string) => call<OrderView>(page, `/orders/${id}`);

  // ── the approved prescription → 去支付 ──
  await page.goto(route('packageConsult/pages/prescription/index', `id=${rx.prescriptionId}`));
  const rxPage = page.locator('.rx-page');
  await rxPage.locator('.rx-page__pay').waitFor(STEP);
  for (const d of RX_DRUGS) await rxPage.locator('.rx-sheet', { hasText: d.name }).waitFor(STEP);
  await shot(page, 'h5-payment-prescription');
  await rxPage.locator('.rx-page__pay').click(STEP);

  // ── order confirmation: 配送到家 to a new address, then the order is created ──
  await page.locator('.confirm--start').waitFor(STEP);
  await deliverToNewAddress(page);
  await page.locator('.confirm--start .confirm__create').click(STEP);
  const confirm = page.locator('.confirm--prescription');
  await confirm.waitFor(STEP);
  const orderId = orderIdOf(page.url());
  const created = await order(orderId);
  expect(created).toMatchObject({ kind: 'PRESCRIPTION', state: 'CREATED', fulfilment: 'DELIVERY', payMode: 'INSURANCE', prescriptionId: rx.prescriptionId });
  expect(created.address?.detail).toContain('解放西街');
  expect(created.deliveryFeeFen).toBeGreaterThan(0);
  expect(created.items.map((i) => [i.name, i.quantity])).toEqual(expect.arrayContaining(RX_DRUGS.map((d) => [d.name, d.quantity])));
  expect(created.totalFen).toBe(created.items.reduce((s, i) => s + i.amountFen, 0));
  await expect(text(confirm.locator('.order-row--deliveryFee .order-row__value'))).resolves.toBe(yuan(created.deliveryFeeFen));
  await expect(text(confirm.locator('.order-row--total .order-row__value'))).resolves.toBe(yuan(created.totalFen));
  await expect(text(confirm.locator('.confirm__pay-mode'))).resolves.toContain('医保支付');
  await shot(page, 'h5-payment-confirm');
  await confirm.locator('.confirm__pay').click(STEP);

  // ── a fresh e-voucher authorization (purpose PAYMENT) right before the cashier ──
  await authorizeOnApp(page, '支付');

  // ── the cashier: the platform's split (6202) as the BFF gives it ──
  const cashier = page.locator('.cashier-page .cashier');
  await cashier.waitFor({ timeout: 30_000 });
  const view = await call<CashierView>(page, `/orders/${orderId}/cashier`);
  const prepared = await order(orderId);
  expect(prepared.state).toBe('PRE_SETTLED');
  const split = prepared.split!;
  expect(split).not.toBeNull();
  expect(view.split).toEqual(split);
  // Insurance and cash both take part; the identity of the split holds; the delivery fee is cash only.
  expect(split.fundPayFen).toBeGreaterThan(0);
  expect(split.cashPayFen).toBeGreaterThan(0);
  expect(split.feeSumamtFen).toBe(created.totalFen);
  expect(split.fundPayFen + split.psnAcctPayFen + split.cashPayFen + split.acctMulaidPayFen + split.hospPartFen + split.othFeeFen).toBe(split.feeSumamtFen);
  expect(view.deliveryFeeFen).toBe(created.deliveryFeeFen);
  expect(view.cashDueFen).toBe(split.cashPayFen + created.deliveryFeeFen);
  expect(prepared.cashDueFen).toBe(view.cashDueFen);

  const shown = async (key: string) => text(cashier.locator(`.cashier__row--${key} .cashier__row-value`));
  await expect(shown('feeSumamt')).resolves.toBe(yuan(split.feeSumamtFen));
  await expect(shown('fundPay')).resolves.toBe(yuan(split.fundPayFen));
  await expect(shown('psnAcctPay')).resolves.toBe(yuan(split.psnAcctPayFen));
  await expect(shown('cashPay')).resolves.toBe(yuan(split.cashPayFen));
  await expect(shown('deliveryFee')).resolves.toBe(yuan(created.deliveryFeeFen));
  await expect(shown('cashDue')).resolves.toBe(yuan(view.cashDueFen));
  await expect(text(cashier.locator('.cashier__row--deliveryFee .cashier__row-label'))).resolves.toContain('现金');
  // Every row the BFF gives (non-zero extras only) and nothing else, in its order.
  const expectedRows = view.rows.filter((r) => !(['acctMulaidPay', 'hospPart', 'othFee', 'deliveryFee'].includes(r.key) && r.amountFen === 0));
  const rowClasses = await cashier.locator('.cashier__row').evaluateAll((els) => els.map((e) => /cashier__row--(\w+)/.exec(e.className)?.[1]));
  expect(rowClasses).toEqual(expectedRows.map((r) => r.key));
  for (const r of expectedRows) await expect(shown(r.key)).resolves.toBe(yuan(r.amountFen));
  await expect(text(cashier.locator('.cashier__due-value'))).resolves.toBe(yuan(view.cashDueFen));
  await expect(text(cashier.locator('.cashier__info--patient'))).resolves.toContain('张*国');
  await expect(text(cashier.locator('.cashier__info--insutype'))).resolves.toContain('职工');
  await expect(text(cashier.locator('.cashier__info--insuplc'))).resolves.toContain('银川');
  await expect(text(cashier.locator('.cashier__pay'))).resolves.toContain(yuan(view.cashDueFen));
  await shot(page, 'h5-cashier-insurance-cash-delivery');
  // 职工医保: the personal-account switch is offered (off: the split above has no account part); the refund rule in one line.
  await expect(cashier.locator('.cashier__account-switch').count()).resolves.toBe(1);
  await expect(cashier.locator('.cashier__account-switch--on').count()).resolves.toBe(0);
  await expect(text(cashier.locator('.cashier__refund-rule'))).resolves.toContain('整单退费');
  await shot(page, 'h5-cashier-account-and-refund-rule', cashier.locator('.cashier__refund-rule'));
  await cashier.locator('.cashier__pay').click(STEP);

  // ── the national APP's cashier (mock): the cash share + delivery fee, the fund part shown ──
  await page.waitForURL((u) => u.href.startsWith(`${mockUrl()}/national-app/cashier`), STEP);
  const appText = (await page.locator('body').textContent()) ?? '';
  expect(appText).toContain(yuan(view.cashDueFen));
  expect(appText).toContain(yuan(split.fundPayFen));
  await shot(page, 'h5-payment-app-cashier');
  await page.locator('button[value=pay]').click(STEP);

  // ── back in the H5: the result page waits for the BFF's settlement ──
  await page.waitForURL((u) => u.href.startsWith(base()), STEP);
  const result = page.locator('.pay-result--paid');
  await result.waitFor({ timeout: 30_000 });
  await expect(text(result.locator('.pay-result__title'))).resolves.toBe('已结算');
  await shot(page, 'h5-payment-settled');
  const paid = await order(orderId);
  expect(paid).toMatchObject({ state: 'PAID', payment: { channel: 'NHSA_APP' }, split, cashDueFen: view.cashDueFen });
  await expect(call<{ status: string }>(page, `/prescriptions/${rx.prescriptionId}`)).resolves.toMatchObject({ status: 'PAID' });

  // ── the order: paid, with the settled split; 申请退款 ──
  await result.locator('.pay-result__detail').click(STEP);
  const detail = page.locator('.order-detail--paid');
  await detail.waitFor(STEP);
  await expect(text(detail.locator('.order-state--paid'))).resolves.toBe('已支付');
  await expect(text(detail.locator('.order-row--fundPay .order-row__value'))).resolves.toBe(yuan(split.fundPayFen));
  await expect(text(detail.locator('.order-row--cashPay .order-row__value'))).resolves.toBe(yuan(split.cashPayFen));
  await expect(text(detail.locator('.order-row--deliveryFee .order-row__value'))).resolves.toBe(yuan(created.deliveryFeeFen));
  await expect(text(detail.locator('.order-row--channel .order-row__value'))).resolves.toContain('国家医保服务平台');
  await shot(page, 'h5-payment-detail-paid', detail.locator('.order-section--payment'));
  await detail.locator('.order-detail__refund').click(STEP);

  // ── refund: the whole order, a reason, confirmed ──
  const refundPage = page.locator('.refund-page');
  await refundPage.locator('.refund-page__submit').waitFor(STEP);
  await refundPage.locator('.choice--refund-reason .choice__item--NOT_NEEDED').click(STEP);
  await shot(page, 'h5-payment-refund-request', refundPage.locator('.order-section--reason'));
  await refundPage.locator('.refund-page__submit').click(STEP);
  await page.locator('.taro-model__confirm', { hasText: '确认退款' }).click(STEP);

  // The insurance part needs a fresh authorization (purpose REFUND): the product asks for it now.
  await page.locator('.voucher-entry').waitFor(STEP);
  const waiting = await order(orderId);
  expect(waiting.state).toBe('REFUNDING');
  expect(waiting.refund).toMatchObject({ needsVoucherAuthorization: true, insurance: { status: 'AWAITING_AUTH' } });
  await authorizeOnApp(page, '退款');
  await page.waitForURL(/orders\/detail\/index\?.*resumeRefund=1/, STEP);

  // ── both parts followed to 已退回 (the page asks again while the refund is open) ──
  const refunded = page.locator('.order-detail--refunded');
  await refunded.waitFor({ timeout: 40_000 });
  const hi = refunded.locator('.refund-part--insurance');
  const cash = refunded.locator('.refund-part--cash');
  await refunded.locator('.refund-part--insurance.refund-part--succeeded').waitFor(STEP);
  await refunded.locator('.refund-part--cash.refund-part--succeeded').waitFor(STEP);
  await expect(text(hi.locator('.refund-part__status'))).resolves.toBe('已退回');
  await expect(text(cash.locator('.refund-part__status'))).resolves.toBe('已退回');
  await expect(text(hi.locator('.refund-part__amount'))).resolves.toBe(yuan(split.fundPayFen + split.psnAcctPayFen));
  await expect(text(cash.locator('.refund-part__amount'))).resolves.toBe(yuan(split.cashPayFen + created.deliveryFeeFen));
  await expect(text(refunded.locator('.order-row--refund-total .order-row__value'))).resolves.toBe(yuan(split.feeSumamtFen + created.deliveryFeeFen));
  await expect(text(refunded.locator('.order-row--refund-reason .order-row__value'))).resolves.toContain('不需要了');
  await expect(refunded.locator('.order-detail__refund').count()).resolves.toBe(0);
  await shot(page, 'h5-payment-refunded', refunded.locator('.order-section--refund'));

  // ── the BFF agrees: the order is refunded in full, both parts succeeded, once ──
  const final = await order(orderId);
  expect(final.state).toBe('REFUNDED');
  expect(final.refund).toMatchObject({
    status: 'SUCCEEDED',
    totalFen: split.feeSumamtFen + created.deliveryFeeFen,
    needsVoucherAuthorization: false,
    insurance: { status: 'SUCCEEDED', amountFen: split.fundPayFen + split.psnAcctPayFen },
    cash: { status: 'SUCCEEDED', amountFen: split.cashPayFen + created.deliveryFeeFen },
  });
  const status = await apiFromPage<{ state: string; final: boolean }>(page, `/api/v1/orders/${orderId}/status`);
  expect(status.body).toMatchObject({ state: 'REFUNDED', final: true });
  // The APP's cashier took the cash once and gave all of it back.
  const appOrders = (await (await fetch(`${mockUrl()}/national-app/__mock/cashier`)).json()) as { totalFen: number; refundedFen: number; status: string; payOrdId?: string }[];
  const mine = appOrders.filter((o) => o.totalFen === view.cashDueFen && o.status === 'REFUND');
  expect(mine).toHaveLength(1);
  expect(mine[0]!.refundedFen).toBe(view.cashDueFen);

  expect(errors).toEqual([]);
  await page.close();
  // Keep the spec honest about its budget (setup excluded): the flow itself is well under two minutes.
  expect(Date.now() - started).toBeLessThan(150_000);
}, 170_000);
