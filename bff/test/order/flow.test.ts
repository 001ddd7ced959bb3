/**
 * The happy paths end to end against the mocks: consultation order paid with insurance through
 * WeChat (6201 → 6202 → /v3/med-ins/orders → the user pays in WeChat → 6302 + WeChat callbacks →
 * PAID, consultation WAITING), prescriptions with delivery (FREIGHT cash), self-pay, the national APP.
 */
// RX-BFF's payablePrescription verifies the doctor's and pharmacist's SM2 signatures (its own tests
// cover that); here it is observed and answers from the row, so fixtures need no signing keys.
jest.mock('../../src/domains/prescription/hooks', () => {
  const actual = jest.requireActual('../../src/domains/prescription/hooks');
  return { ...actual, payablePrescription: jest.fn(async (db: { prescription: { findFirstOrThrow: (a: unknown) => Promise<{ id: string; totalFen: number }> } }, id: string) => db.prescription.findFirstOrThrow({ where: { id, status: 'APPROVED' } })) };
});
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

describe('prescription order: fulfilment, delivery fee (cash only), personal account', () => {
  it('delivery adds the fee as cash (WeChat FREIGHT), the personal-account switch re-runs the split with a new authorization', async () => {
    const u = await patientUser(h, 'zhang');
    const { consultationId } = await consultationOrder(h, w, u);
    const rxId = await approvedPrescription(h, w, u, consultationId);
    // An address, then the order with delivery.
    const addr = await h.http().post('/api/v1/addresses').set(u.auth).send({ name: '张建国', phone: '138 0000 0001', province: '宁夏回族自治区', city: '银川市', district: '兴庆区', detail: '解放西街 1 号', isDefault: true });
    expect(addr.status).toBe(201);
    expect(addr.body).toMatchObject({ name: '张建国', phoneMasked: '138****0001', isDefault: true });
    const created = await h.http().post('/api/v1/orders/prescription').set(u.auth).send({ prescriptionId: rxId, fulfilment: 'DELIVERY', addressId: addr.body.id });
    expect(created.status).toBe(201);
    const orderId = created.body.orderId as string;
    const view = await h.http().get(`/api/v1/orders/${orderId}`).set(u.auth);
    expect(view.body).toMatchObject({ kind: 'PRESCRIPTION', fulfilment: 'DELIVERY', deliveryFeeFen: 800, totalFen: 2 * 3360 + 2 * 3185, address: { detail: '解放西街 1 号' }, split: null, cashDueFen: null, actions: { chooseFulfilment: true, prepareInsurance: true, pay: false } });
    expect(view.body.items).toHaveLength(2);
    // Creating it again reuses the open order.
    const again = await h.http().post('/api/v1/orders/prescription').set(u.auth).send({ prescriptionId: rxId, fulfilment: 'DELIVERY', addressId: addr.body.id });
    expect(again.body.orderId).toBe(orderId);

    const { authorize } = await import('./harness');
    await authorize(h, u, 'PAYMENT', orderId);
    const first = await h.http().post(`/api/v1/orders/${orderId}/prepare-insurance`).set(u.auth).send({ acctUsedFlag: false });
    expect(first.status).toBe(200);
    expect(first.body.split.psnAcctPayFen).toBe(0);
    expect(first.body.rows.map((r: { key: string }) => r.key)).toEqual(['feeSumamt', 'fundPay', 'psnAcctPay', 'cashPay', 'deliveryFee', 'cashDue']);
    expect(first.body.cashDueFen).toBe(first.body.split.cashPayFen + 800);
    const payOrdA = (await order(h, orderId)).payOrdId!;

    // Switch on the personal account without a new authorization: refused, nothing revoked.
    const noAuth = await h.http().post(`/api/v1/orders/${orderId}/prepare-insurance`).set(u.auth).send({ acctUsedFlag: true });
    expect(noAuth.status).toBe(409);
    expect(noAuth.body.code).toBe('INSURANCE_AUTH_INVALID');
    expect(h.mobilePay.state.getPayOrder(payOrdA)!.ordStas).toBe('1');
    await authorize(h, u, 'PAYMENT', orderId);
    const switched = await h.http().post(`/api/v1/orders/${orderId}/prepare-insurance`).set(u.auth).send({ acctUsedFlag: true });
    expect(switched.status).toBe(200);
    expect(switched.body.acctUsedFlag).toBe(true);
    expect(switched.body.split.psnAcctPayFen).toBeGreaterThan(0);
    const payOrdB = (await order(h, orderId)).payOrdId!;
    expect(payOrdB).not.toBe(payOrdA);
    expect(h.mobilePay.state.getPayOrder(payOrdA)!.ordStas).toBe('12'); // revoked (6401)
    expect(await events(h, orderId)).toEqual(expect.arrayContaining(['resplit']));

    const pay = await h.http().post(`/api/v1/orders/${orderId}/pay`).set(u.auth).send({ channel: 'WECHAT' });
    expect(pay.status).toBe(200);
    const mixed = h.wechatPay.orders.get(pay.body.launch.mixTradeNo)!.entity;
    expect(mixed).toMatchObject({ order_type: 'INT_RX_PAY', mix_pay_type: 'CASH_AND_INSURANCE', cash_add_detail: [{ cash_add_fee: 800, cash_add_type: 'FREIGHT' }], med_ins_self_fee: switched.body.split.psnAcctPayFen });
    expect(pay.body.cashFen).toBe(switched.body.cashDueFen);
    // Fulfilment cannot change while paying.
    const locked = await h.http().put(`/api/v1/orders/${orderId}/fulfilment`).set(u.auth).send({ fulfilment: 'PICKUP' });
    expect(locked.body.code).toBe('ORDER_FULFILMENT_LOCKED');
    h.wechatPay.payMixedOrder(pay.body.launch.mixTradeNo);
    const paid = await waitForState(h, orderId, ['PAID']);
    expect(paid.deliveryAddrEnc).toBeTruthy();
    expect(JSON.stringify(paid)).not.toContain('解放西街');
  });

  it('an order needs a fulfilment choice before it can be prepared; pick-up has no delivery fee', async () => {
    const u = await patientUser(h, 'zhang');
    const { consultationId } = await consultationOrder(h, w, u);
    const rxId = await approvedPrescription(h, w, u, consultationId);
    const bad = await h.http().post('/api/v1/orders/prescription').set(u.auth).send({ prescriptionId: rxId, fulfilment: 'DELIVERY' });
    expect(bad.status).toBe(400);
    expect(bad.body.fields).toEqual([{ path: 'addressId', message: '请选择收货地址' }]);
    const created = await h.http().post('/api/v1/orders/prescription').set(u.auth).send({ prescriptionId: rxId, fulfilment: 'PICKUP' });
    const view = await h.http().get(`/api/v1/orders/${created.body.orderId}`).set(u.auth);
    expect(view.body).toMatchObject({ fulfilment: 'PICKUP', deliveryFeeFen: 0 });
    const other = await patientUser(h, 'wang');
    expect((await h.http().get(`/api/v1/orders/${created.body.orderId}`).set(other.auth)).status).toBe(404);
  });
});

describe('self-pay', () => {
  it('a consultation outside the catalog is paid in cash only (WeChat JSAPI), no insurance call, reason shown', async () => {
    const u = await patientUser(h, 'zhang');
    const { orderId, consultationId } = await consultationOrder(h, w, u, { insured: false });
    const prep = await h.http().post(`/api/v1/orders/${orderId}/prepare-insurance`).set(u.auth).send({});
    expect(prep.status).toBe(200);
    expect(prep.body).toMatchObject({ payMode: 'SELF_PAY', selfPayReason: 'OUT_OF_CATALOG', split: null, cashDueFen: 2500, selfPayReasonText: expect.stringContaining('自费') });
    expect((await order(h, orderId)).payOrdId).toBeNull();
    const pay = await h.http().post(`/api/v1/orders/${orderId}/pay`).set(u.auth).send({ channel: 'WECHAT' });
    expect(pay.body).toMatchObject({ cashFen: 2500, launch: { kind: 'WECHAT_JSAPI', package: expect.stringMatching(/^prepay_id=/) } });
    const outTradeNo = (await h.prisma.payment.findFirstOrThrow({ where: { orderId } })).outTradeNo;
    h.wechatPay.payTransaction(outTradeNo);
    await waitForState(h, orderId, ['PAID']);
    expect((await h.prisma.consultation.findUniqueOrThrow({ where: { id: consultationId } })).status).toBe('WAITING');
  });

  it('the patient may choose self-pay; a suspended patient and a hospital not live get it automatically', async () => {
    const u = await patientUser(h, 'zhang');
    const { orderId } = await consultationOrder(h, w, u);
    const chosen = await h.http().post(`/api/v1/orders/${orderId}/prepare-insurance`).set(u.auth).send({ selfPay: true });
    expect(chosen.body).toMatchObject({ payMode: 'SELF_PAY', selfPayReason: 'PATIENT_CHOICE' });

    const ma = await patientUser(h, 'ma');
    const { orderId: o2 } = await consultationOrder(h, w, ma);
    const suspended = await h.http().post(`/api/v1/orders/${o2}/prepare-insurance`).set(ma.auth).send({});
    expect(suspended.body).toMatchObject({ payMode: 'SELF_PAY', selfPayReason: 'SUSPENDED' });

    const notLive = await makeWorld(h, { live: false });
    const u3 = await patientUser(h, 'zhang');
    const { orderId: o3 } = await consultationOrder(h, notLive, u3);
    // The confirm page says so before the cashier.
    const preview = await h.http().get(`/api/v1/orders/${o3}`).set(u3.auth);
    expect(preview.body).toMatchObject({ payMode: 'SELF_PAY', selfPayReason: 'HOSPITAL_NOT_LIVE', selfPayReasonText: expect.stringContaining('尚未开通') });
    const r3 = await h.http().post(`/api/v1/orders/${o3}/prepare-insurance`).set(u3.auth).send({});
    expect(r3.body).toMatchObject({ payMode: 'SELF_PAY', selfPayReason: 'HOSPITAL_NOT_LIVE' });
  });

  it('the personal account is for 职工医保 (310) only', async () => {
    const u = await patientUser(h, 'wang'); // 390
    const { orderId } = await consultationOrder(h, w, u);
    const { authorize } = await import('./harness');
    await authorize(h, u, 'PAYMENT', orderId);
    const r = await h.http().post(`/api/v1/orders/${orderId}/prepare-insurance`).set(u.auth).send({ acctUsedFlag: true });
    expect(r.status).toBe(409);
    expect(r.body.code).toBe('ORDER_ACCOUNT_NOT_ALLOWED');
  });
});

describe('national APP (H5) and Alipay', () => {
  it('national APP: the cashier URL (signed, with the pay order); paying there settles insurance + cash', async () => {
    const u = await patientUser(h, 'zhang', 'H5');
    const { orderId } = await consultationOrder(h, w, u);
    const { authorize } = await import('./harness');
    await authorize(h, u, 'PAYMENT', orderId);
    expect((await h.http().post(`/api/v1/orders/${orderId}/prepare-insurance`).set(u.auth).send({})).status).toBe(200);
    const wrong = await h.http().post(`/api/v1/orders/${orderId}/pay`).set(u.auth).send({ channel: 'WECHAT' });
    expect(wrong.body.code).toBe('ORDER_CHANNEL_UNAVAILABLE');
    const pay = await h.http().post(`/api/v1/orders/${orderId}/pay`).set(u.auth).send({ channel: 'NHSA_APP' });
    expect(pay.status).toBe(200);
    expect(pay.body.launch.kind).toBe('REDIRECT');
    const url = new URL(pay.body.launch.url);
    expect(url.pathname).toBe('/national-app/cashier');
    expect(url.searchParams.get('payOrdId')).toBe((await order(h, orderId)).payOrdId);
    const page = await fetch(url);
    expect(page.status).toBe(200);
    const p = await h.prisma.payment.findFirstOrThrow({ where: { orderId } });
    h.nationalApp.payCashierOrder(p.outTradeNo);
    const paid = await waitForState(h, orderId, ['PAID']);
    expect(paid.hiSettledAt && paid.cashPaidAt).toBeTruthy();
  });

  it('Alipay: a trade for the cash share carrying the pay order; paying it settles', async () => {
    const u = await patientUser(h, 'zhang', 'ALIPAY');
    const { orderId } = await consultationOrder(h, w, u);
    const { authorize } = await import('./harness');
    await authorize(h, u, 'PAYMENT', orderId);
    expect((await h.http().post(`/api/v1/orders/${orderId}/prepare-insurance`).set(u.auth).send({})).status).toBe(200);
    const pay = await h.http().post(`/api/v1/orders/${orderId}/pay`).set(u.auth).send({ channel: 'ALIPAY' });
    expect(pay.status).toBe(200);
    expect(pay.body.launch).toMatchObject({ kind: 'ALIPAY_TRADE', tradeNo: expect.any(String) });
    const p = await h.prisma.payment.findFirstOrThrow({ where: { orderId } });
    h.alipay.payTrade(p.outTradeNo);
    const paid = await waitForState(h, orderId, ['PAID']);
    expect(paid.cashPaidAt).toBeTruthy();
  });
});

describe('addresses', () => {
  it('CRUD with encryption at rest, one default, validation in Chinese', async () => {
    const u = await patientUser(h, 'wang');
    const bad = await h.http().post('/api/v1/addresses').set(u.auth).send({ name: '', phone: '123', province: '宁夏', city: '吴忠市', district: '利通区', detail: 'x' });
    expect(bad.status).toBe(400);
    expect(bad.body.fields.map((f: { path: string }) => f.path).sort()).toEqual(['detail', 'name', 'phone']);
    const a = await h.http().post('/api/v1/addresses').set(u.auth).send({ name: '王丽华', phone: '13800000002', province: '宁夏回族自治区', city: '吴忠市', district: '利通区', detail: '裕民街 8 号' });
    const b = await h.http().post('/api/v1/addresses').set(u.auth).send({ name: '王丽华', phone: '13800000002', province: '宁夏回族自治区', city: '吴忠市', district: '利通区', detail: '朝阳街 2 号', isDefault: true });
    const list = await h.http().get('/api/v1/addresses').set(u.auth);
    expect(list.body.items.map((x: { id: string; isDefault: boolean }) => [x.id, x.isDefault])).toEqual([[b.body.id, true], [a.body.id, false]]);
    const row = await h.prisma.address.findUniqueOrThrow({ where: { id: a.body.id } });
    expect(row.detailEnc).not.toContain('裕民街');
    expect(row.nameEnc).not.toContain('王丽华');
    const upd = await h.http().put(`/api/v1/addresses/${a.body.id}`).set(u.auth).send({ name: '王丽华', phone: '13800000002', province: '宁夏回族自治区', city: '吴忠市', district: '利通区', detail: '裕民街 9 号', isDefault: true });
    expect(upd.body).toMatchObject({ detail: '裕民街 9 号', isDefault: true });
    const del = await h.http().delete(`/api/v1/addresses/${a.body.id}`).set(u.auth);
    expect(del.body).toEqual({ id: a.body.id, deleted: true });
    const after = await h.http().get('/api/v1/addresses').set(u.auth);
    expect(after.body.items).toEqual([expect.objectContaining({ id: b.body.id, isDefault: true })]);
    const other = await patientUser(h, 'li');
    expect((await h.http().delete(`/api/v1/addresses/${b.body.id}`).set(other.auth)).status).toBe(404);
  });
});
