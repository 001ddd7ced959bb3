/**
 * 医保收银台 in the real WeChat build (client/dist/weapp, miniprogram-simulate): the same Cashier
 * component the other targets use. The BFF prepares behind the loading animation, the page shows
 * its numbers exactly (fen → yuan only), the personal-account switch re-asks the BFF, 确认支付
 * opens wx.requestMedicalInsurancePay with exactly the BFF's parameters and the result page asks
 * the BFF; a WeChat without the API gets "请升级微信" and never wx.requestPayment.
 * `npm run build:weapp` first (root `npm test` does it).
 */
import {
  API_PREFIX,
  CashierViewSchema,
  OrderStatusSchema,
  PayRequestSchema,
  PayResponseSchema,
  PrepareInsuranceRequestSchema,
  REFUND_RULE_TEXT,
  type CashierView,
} from '@ih/contract';
import { deferred, json, launch, type MiniProgram, type SimReply } from './harness';

const ORDER = '0193a000-0000-7000-8000-00000000a001';
const O = `${API_PREFIX}/orders/${ORDER}`;
const SESSION = { 'ih.session.token': 'ih_at_sim', 'ih.session.refresh': 'ih_rt_sim' };
const FULL_ID = '640102196601010131';

function view(acctUsed: boolean): CashierView {
  return CashierViewSchema.parse({
    orderId: ORDER,
    orderNo: 'IH20261122160501123456',
    orderTime: '2026-11-22T08:05:01.000Z',
    state: 'PRE_SETTLED',
    kind: 'PRESCRIPTION',
    hospitalName: '宁夏医科大学总医院互联网医院',
    patient: { patientId: 'p1', nameMasked: '张*国', idNumberMasked: '640***********0131' },
    insured: { insutype: '310', insutypeLabel: '职工医保', insuplcAdmdvs: '640100', insuplcName: '银川市' },
    payMode: 'INSURANCE',
    selfPayReason: null,
    selfPayReasonText: null,
    items: [{ name: '二甲双胍缓释片', specification: '0.5g×30片', quantity: 2, unit: '盒', unitPriceFen: 2333, amountFen: 4666, insuranceClass: 'CLASS_A' }],
    split: { feeSumamtFen: 12345, fundPayFen: 8634, psnAcctPayFen: acctUsed ? 3697 : 0, cashPayFen: acctUsed ? 0 : 3704, acctMulaidPayFen: 0, hospPartFen: 7, othFeeFen: 0 },
    deliveryFeeFen: 1001,
    // Deliberately not 37.04 + 10.01: the page must show the BFF's number, not add.
    cashDueFen: acctUsed ? 1001 : 4706,
    rows: [
      { key: 'feeSumamt', label: '费用总额', amountFen: 12345, emphasis: false },
      { key: 'fundPay', label: '医保基金支付', amountFen: 8634, emphasis: false },
      { key: 'psnAcctPay', label: '个人账户支付', amountFen: acctUsed ? 3697 : 0, emphasis: false },
      { key: 'acctMulaidPay', label: '共济账户支付', amountFen: 0, emphasis: false },
      { key: 'hospPart', label: '医院负担', amountFen: 7, emphasis: false },
      { key: 'cashPay', label: '个人现金支付', amountFen: acctUsed ? 0 : 3704, emphasis: true },
      { key: 'deliveryFee', label: '运费', amountFen: 1001, emphasis: false },
      { key: 'cashDue', label: '需支付', amountFen: acctUsed ? 1001 : 4706, emphasis: true },
    ],
    acctUsedFlag: acctUsed,
    accountSwitch: { available: true, reason: null },
    refundRule: REFUND_RULE_TEXT,
    expiresAt: null,
  });
}

const LAUNCH = {
  kind: 'WECHAT_MED_INS',
  mixTradeNo: 'mix_20261122_0001',
  appId: 'wx0000000000000001',
  timeStamp: '1795334700',
  nonceStr: '5K8264ILTKCH16CQ2502SI8ZNMTM67VS',
  package: 'prepay_id=wx201410272009395522657a690389285100',
  signType: 'RSA',
  paySign: 'oR9d8PuhnIc+YZ8cBHFCwfgpaK9gd7vaRvkYD7rthRAZ',
} as const;

let mp: MiniProgram | undefined;
afterEach(async () => {
  const closing = mp;
  mp = undefined;
  await closing?.close();
});

async function openCashier(prepare: (acctUsed: boolean) => SimReply | Promise<SimReply>) {
  mp = await launch({
    followNavigation: true,
    storage: SESSION,
    routes: {
      [`POST ${O}/prepare-insurance`]: (req) => prepare(PrepareInsuranceRequestSchema.parse(req.data).acctUsedFlag),
      [`POST ${O}/pay`]: (req) => {
        expect(PayRequestSchema.parse(req.data)).toEqual({ channel: 'WECHAT' });
        return json(PayResponseSchema.parse({ orderId: ORDER, paymentId: 'pay-1', channel: 'WECHAT', cashFen: 4706, launch: LAUNCH }));
      },
      [`GET ${O}/status`]: () =>
        json(OrderStatusSchema.parse({ orderId: ORDER, kind: 'PRESCRIPTION', state: 'PAID', stateLabel: '已支付', paid: true, final: true, message: '医保结算成功', failureReason: null, underReview: false, consultationId: null, prescriptionId: 'rx-1', nextPollMs: null })),
    },
  });
  const page = await mp.openPage('/pages/cashier/index', { query: { orderId: ORDER } });
  return { mp, page };
}

const rowValue = (page: { get(s: string): { text: string } }, key: string) => page.get(`.cashier__row--${key} .cashier__row-value`).text;

test('loading animation while the BFF prepares, then the BFF numbers exactly; the switch re-asks the BFF', async () => {
  const first = deferred<SimReply>();
  const { mp: m, page } = await openCashier((acctUsed) => (acctUsed ? json(view(true)) : first.promise));

  await page.waitFor('.cashier-preparing');
  expect(page.get('.cashier-preparing__title').text).toBe('正在进行医保预结算…');
  expect(page.query('.cashier')).toBeUndefined();
  const prep = m.requests.filter((r) => r.path === `${O}/prepare-insurance`);
  expect(prep).toHaveLength(1);
  expect(prep[0]!.data).toEqual({ acctUsedFlag: false, selfPay: false });
  expect(prep[0]!.headers.authorization).toBe('Bearer ih_at_sim');

  first.resolve(json(view(false)));
  await page.waitFor('.cashier');
  expect(page.get('.cashier__title').text).toBe('医保收银台');
  expect(page.get('.cashier__info--patient .cashier__info-value').text).toBe('张*国');
  expect(page.get('.cashier__info--id .cashier__info-value').text).toBe('640***********0131');
  expect(page.get('.cashier__info--insutype .cashier__info-value').text).toBe('职工医保');
  expect(page.get('.cashier__info--insuplc .cashier__info-value').text).toBe('银川市');
  expect(page.get('.cashier__info--order-time .cashier__info-value').text).toBe('2026-11-22 16:05:01');
  expect(rowValue(page, 'feeSumamt')).toBe('¥123.45');
  expect(rowValue(page, 'fundPay')).toBe('¥86.34');
  expect(rowValue(page, 'hospPart')).toBe('¥0.07');
  expect(rowValue(page, 'cashPay')).toBe('¥37.04');
  expect(rowValue(page, 'deliveryFee')).toBe('¥10.01');
  expect(rowValue(page, 'cashDue')).toBe('¥47.06');
  expect(page.get('.cashier__due-value').text).toBe('¥47.06');
  expect(page.query('.cashier__row--acctMulaidPay')).toBeUndefined();
  expect(page.get('.cashier__row--deliveryFee').text).toContain('现金支付，医保不予支付');
  expect(page.text).not.toContain(FULL_ID);
  expect(page.text).not.toContain('47.05');

  // 职工医保: the switch re-runs the split with the BFF.
  const sw = page.get('.cashier__account-switch');
  expect(sw.hasClass('cashier__account-switch--on')).toBe(false);
  await sw.tap();
  await page.waitFor(() => page.query('.cashier__account-switch--on'));
  expect(m.requests.filter((r) => r.path === `${O}/prepare-insurance`).map((r) => r.data)).toEqual([
    { acctUsedFlag: false, selfPay: false },
    { acctUsedFlag: true, selfPay: false },
  ]);
  expect(rowValue(page, 'psnAcctPay')).toBe('¥36.97');
  expect(page.get('.cashier__due-value').text).toBe('¥10.01');
});

test('确认支付 → wx.requestMedicalInsurancePay with exactly the BFF parameters → the result page asks the BFF', async () => {
  const { mp: m, page } = await openCashier((acctUsed) => json(view(acctUsed)));
  m.answer('requestMedicalInsurancePay', () => ({}));
  await page.waitFor('.cashier__pay');
  expect(page.get('.cashier__pay').text).toContain('确认支付 ¥47.06');
  await page.tap('.cashier__pay');

  const result = await m.waitForPage('/pages/orders/result/index');
  const calls = m.callsOf('requestMedicalInsurancePay');
  expect(calls).toHaveLength(1);
  const { success: _s, fail: _f, complete: _c, ...sent } = calls[0]!;
  expect(sent).toEqual({ mixTradeNo: LAUNCH.mixTradeNo, timeStamp: LAUNCH.timeStamp, nonceStr: LAUNCH.nonceStr, package: LAUNCH.package, signType: 'RSA', paySign: LAUNCH.paySign });
  expect(m.callsOf('requestPayment')).toHaveLength(0);
  expect(m.requests.filter((r) => r.path === `${O}/pay`)).toHaveLength(1);
  await result.waitFor('.pay-result--paid');
  expect(result.get('.pay-result__title').text).toBe('已结算');
  expect(m.requests.some((r) => r.path === `${O}/status`)).toBe(true);
});

test('WeChat without requestMedicalInsurancePay: 请升级微信, nothing paid, never wx.requestPayment', async () => {
  const { mp: m, page } = await openCashier((acctUsed) => json(view(acctUsed)));
  delete (m.wx as Record<string, unknown>).requestMedicalInsurancePay;
  m.answer('showModal', () => ({ confirm: true, cancel: false }));
  await page.waitFor('.cashier__pay');
  await page.tap('.cashier__pay');
  await page.waitFor('.cashier__notice--warn');
  expect(page.get('.cashier__notice--warn').text).toContain('请将微信升级到最新版本');
  const modal = m.callsOf('showModal');
  expect(modal).toHaveLength(1);
  expect(modal[0]).toMatchObject({ title: '请升级微信', showCancel: false });
  expect(m.callsOf('requestPayment')).toHaveLength(0);
  expect(m.navigations).toEqual([]);
});

test('the API answers system:function_not_exist: the same prompt; cancelling in WeChat is 未扣费', async () => {
  const { mp: m, page } = await openCashier((acctUsed) => json(view(acctUsed)));
  m.answer('requestMedicalInsurancePay', () => {
    throw 'requestMedicalInsurancePay:fail system:function_not_exist';
  });
  m.answer('showModal', () => ({ confirm: true, cancel: false }));
  await page.waitFor('.cashier__pay');
  await page.tap('.cashier__pay');
  await page.waitFor('.cashier__notice--warn');
  expect(m.callsOf('showModal')[0]).toMatchObject({ title: '请升级微信' });
  expect(m.callsOf('requestPayment')).toHaveLength(0);

  m.answer('requestMedicalInsurancePay', () => {
    throw 'requestMedicalInsurancePay:fail cancel';
  });
  await page.tap('.cashier__pay');
  await page.waitFor('.cashier__notice--info');
  expect(page.get('.cashier__notice--info').text).toContain('本次未扣费');
  expect(m.navigations).toEqual([]);
});
