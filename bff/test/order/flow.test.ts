/**
 * The happy paths end to end against the mocks: consultation order paid with insurance through
 * WeChat (6201 → 6202 → /v3/med-ins/orders → the user pays in WeChat → 6302 + WeChat callbacks →
 * PAID, consultation WAITING), prescriptions with delivery (FREIGHT cash), self-pay, the national APP.
 */
import { approvedPrescription, assertNoSecretsInLogs, consultationOrder, events, makeWorld, order, patientUser, prepareAndPayWechat, startOrderHarness, waitForState, type OrderHarness, type World } from './harness';

let h: OrderHarness;
let w: World;
beforeAll(async () => {
  h = await startOrderHarness();
  w = await makeWorld(h);
});
afterAll(() => h.close());

describe('consultation order, insurance, WeChat', () => {
  it('prepares the cashier with the platform split, pays, settles on the verified 6302 and calls onConsultationPaid', async () => {
    const u = await patientUser(h, 'zhang');
    const { orderId, consultationId } = await consultationOrder(h, w, u);
    const { cashier, pay, mixTradeNo } = await prepareAndPayWechat(h, u, orderId);
    expect(cashier).toMatchObject({ orderId, payMode: 'INSURANCE', kind: 'CONSULTATION', insured: { insutype: '310', insutypeLabel: expect.any(String) }, acctUsedFlag: false, accountSwitch: { available: true } });
    const center = h.mobilePay.state.getPayOrder((await order(h, orderId)).payOrdId!)!;
    expect(cashier.split).toEqual({ feeSumamtFen: 2500, fundPayFen: center.fundPay, psnAcctPayFen: 0, cashPayFen: center.ownPayAmt, acctMulaidPayFen: 0, hospPartFen: 0, othFeeFen: 0 });
    expect(cashier.rows.map((r: { label: string }) => r.label)).toEqual(['费用总额', '医保基金支付', '个人账户支付', '个人现金支付', '需支付']);
    expect(pay).toMatchObject({ channel: 'WECHAT', cashFen: center.ownPayAmt, launch: { kind: 'WECHAT_MED_INS', mixTradeNo: expect.any(String), package: expect.stringMatching(/^prepay_id=/), signType: 'RSA' } });
    expect((await order(h, orderId)).state).toBe('PAYING');

    h.wechatPay.payMixedOrder(mixTradeNo);
    const paid = await waitForState(h, orderId, ['PAID']);
    expect(paid.hiSettledAt).not.toBeNull();
    expect(paid.cashPaidAt).not.toBeNull();
    expect(paid.flagged).toBe(false);
    expect(await events(h, orderId)).toEqual(expect.arrayContaining(['create', 'upload', 'placePayOrder', 'startPaying', 'settle']));
    expect((await events(h, orderId)).filter((e) => e === 'settle')).toHaveLength(1);
    const c = await h.prisma.consultation.findUniqueOrThrow({ where: { id: consultationId } });
    expect(c.status).toBe('WAITING');
    const status = await h.http().get(`/api/v1/orders/${orderId}/status`).set(u.auth);
    expect(status.body).toMatchObject({ state: 'PAID', paid: true, final: true, stateLabel: '已支付', consultationId });
    assertNoSecretsInLogs(h);
  });
});
