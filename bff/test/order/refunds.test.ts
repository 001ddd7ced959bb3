/**
 * Refunds (whole order only, two tracked parts), cancelling and revoking orders, expiry.
 */
jest.mock('../../src/domains/prescription/hooks', () => {
  const actual = jest.requireActual('../../src/domains/prescription/hooks');
  return { ...actual, payablePrescription: jest.fn(async (db: { prescription: { findFirstOrThrow: (a: unknown) => Promise<unknown> } }, id: string) => db.prescription.findFirstOrThrow({ where: { id, status: 'APPROVED' } })) };
});
import { refundConsultationFee, revokePrescriptionOrders, runReconciliation } from '../../src/domains/order';
import { createStaff } from '../authHelpers';
import { approvedPrescription, assertNoSecretsInLogs, authorize, consultationOrder, events, makeWorld, order, patientUser, prepareAndPayWechat, startOrderHarness, waitForState, type OrderHarness, type PatientUser, type World } from './harness';
import { signIn } from '../authHelpers';

let h: OrderHarness;
let w: World;
beforeAll(async () => {
  h = await startOrderHarness();
  w = await makeWorld(h);
  await h.prisma.setting.upsert({ where: { key: 'order_reconcile_after_seconds' }, update: { value: 0 }, create: { key: 'order_reconcile_after_seconds', value: 0 } });
});
afterAll(() => h.close());
afterEach(() => h.faults.clear());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A paid prescription order (WeChat, insurance + cash + delivery). */
async function paidPrescription(u: PatientUser): Promise<{ orderId: string; prescriptionId: string }> {
  const { consultationId } = await consultationOrder(h, w, u);
  const prescriptionId = await approvedPrescription(h, w, u, consultationId);
  const addr = await h.http().post('/api/v1/addresses').set(u.auth).send({ name: '张建国', phone: '13800000001', province: '宁夏回族自治区', city: '银川市', district: '兴庆区', detail: '解放西街 1 号' });
  const created = await h.http().post('/api/v1/orders/prescription').set(u.auth).send({ prescriptionId, fulfilment: 'DELIVERY', addressId: addr.body.id });
  const orderId = created.body.orderId as string;
  const { mixTradeNo } = await prepareAndPayWechat(h, u, orderId);
  h.wechatPay.payMixedOrder(mixTradeNo);
  await waitForState(h, orderId, ['PAID']);
  return { orderId, prescriptionId };
}

async function waitRefund(orderId: string, states: string[]) {
  return waitForState(h, orderId, states, 6000);
}

describe('patient refund before dispatch', () => {
  it('with a fresh authorization: 6203 ALL for the insurance part, the cash (share + delivery) back through WeChat; REFUNDED', async () => {
    const u = await patientUser(h);
    const { orderId, prescriptionId } = await paidPrescription(u);
    expect((await h.prisma.prescription.findUniqueOrThrow({ where: { id: prescriptionId } })).status).toBe('PAID'); // onPrescriptionPaid
    const o = await order(h, orderId);
    await authorize(h, u, 'REFUND', orderId);
    const r = await h.http().post(`/api/v1/orders/${orderId}/refund`).set(u.auth).send({ reason: '不需要了' });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ status: 'PROCESSING', insurance: { amountFen: o.fundPayFen + o.psnAcctPayFen }, cash: { amountFen: o.cashPayFen + o.deliveryFeeFen }, needsVoucherAuthorization: false });
    const refunded = await waitRefund(orderId, ['REFUNDED']);
    expect(refunded.refundedAt).not.toBeNull();
    const refund = await h.prisma.refund.findFirstOrThrow({ where: { orderId } });
    expect(refund).toMatchObject({ type: 'ALL', status: 'SUCCEEDED', hiStatus: 'SUCCEEDED', cashStatus: 'SUCCEEDED', openKey: null, cashChannel: 'WECHAT' });
    expect(h.mobilePay.state.getPayOrder(o.payOrdId!)!.ordStas).toBe('7');
    const wx = [...h.wechatPay.refunds.values()].find((x) => x.out_refund_no === refund.refundNo)!;
    expect(wx.amount.refund).toBe(o.cashPayFen + o.deliveryFeeFen);
    expect(await events(h, orderId)).toEqual(expect.arrayContaining(['startRefund', 'completeRefund']));
    expect((await h.prisma.prescription.findUniqueOrThrow({ where: { id: prescriptionId } })).status).toBe('REFUNDED'); // onPrescriptionRefunded
    // Whole order only, once.
    const again = await h.http().post(`/api/v1/orders/${orderId}/refund`).set(u.auth).send({ reason: '再退一次' });
    expect(again.body.code).toBe('ORDER_REFUND_NOT_ALLOWED');
  });

  it('without an authorization: the insurance part waits for the patient (cash goes back at once); authorizing and asking again finishes it', async () => {
    const u = await patientUser(h);
    const { orderId } = await paidPrescription(u);
    const r = await h.http().post(`/api/v1/orders/${orderId}/refund`).set(u.auth).send({ reason: '不需要了' });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ needsVoucherAuthorization: true, insurance: { status: 'AWAITING_AUTH' } });
    expect((await order(h, orderId)).state).toBe('REFUNDING');
    const view = await h.http().get(`/api/v1/orders/${orderId}`).set(u.auth);
    expect(view.body.refund).toMatchObject({ needsVoucherAuthorization: true, message: expect.stringContaining('授权') });
    await authorize(h, u, 'REFUND', orderId);
    // Asking again resumes it (the WeChat refund callback may have resumed it first: then it is done already).
    const resumed = await h.http().post(`/api/v1/orders/${orderId}/refund`).set(u.auth).send({ reason: '继续' });
    if (resumed.status === 201) expect(resumed.body.needsVoucherAuthorization).toBe(false);
    else expect(resumed.body.code).toBe('ORDER_REFUND_NOT_ALLOWED');
    await waitRefund(orderId, ['REFUNDED']);
    const done = await h.http().get(`/api/v1/orders/${orderId}`).set(u.auth);
    expect(done.body.refund).toMatchObject({ status: 'SUCCEEDED', insurance: { status: 'SUCCEEDED' }, cash: { status: 'SUCCEEDED' } });
  });

  it('a consultation order is refunded by cancelling the consultation, not here', async () => {
    const u = await patientUser(h);
    const { orderId } = await consultationOrder(h, w, u);
    const r = await h.http().post(`/api/v1/orders/${orderId}/refund`).set(u.auth).send({ reason: 'x' });
    expect(r.body.code).toBe('ORDER_REFUND_USE_CANCEL');
  });
});

describe('after dispatch: staff approval', () => {
  it('waits for approval; staff of another hospital cannot see it; approval refunds, rejection returns to PAID', async () => {
    const u = await patientUser(h);
    const { orderId } = await paidPrescription(u);
    const pharm = await createStaff({ app: h.app, config: h.config, prisma: h.prisma, log: h.log }, 'PHARMACIST', 'Pharm@2026x');
    // The pharmacist of the order's hospital.
    await h.prisma.pharmacist.updateMany({ where: { userId: pharm.id }, data: { hospitalId: w.hospitalId } });
    const staffAuth = { Authorization: `Bearer ${(await signIn({ app: h.app, config: h.config, prisma: h.prisma, log: h.log }, pharm.id, 'H5')).tokens.accessToken}` };
    const dispatched = await h.http().post(`/api/v1/staff/orders/${orderId}/dispatch`).set(staffAuth).send({});
    expect(dispatched.status).toBe(200);
    await authorize(h, u, 'REFUND', orderId);
    const r = await h.http().post(`/api/v1/orders/${orderId}/refund`).set(u.auth).send({ reason: '药品不需要了' });
    expect(r.body).toMatchObject({ status: 'AWAITING_APPROVAL', statusLabel: '待医院审核' });
    expect((await order(h, orderId)).state).toBe('PAID');
    const dup = await h.http().post(`/api/v1/orders/${orderId}/refund`).set(u.auth).send({ reason: '再申请' });
    expect(dup.body.code).toBe('ORDER_REFUND_IN_PROGRESS');

    const other = await createStaff({ app: h.app, config: h.config, prisma: h.prisma, log: h.log }, 'PHARMACIST', 'Pharm@2026y');
    const otherAuth = { Authorization: `Bearer ${(await signIn({ app: h.app, config: h.config, prisma: h.prisma, log: h.log }, other.id, 'H5')).tokens.accessToken}` };
    expect((await h.http().get('/api/v1/staff/refunds').set(otherAuth)).body.items).toEqual([]);
    expect((await h.http().post(`/api/v1/staff/refunds/${r.body.id}/decision`).set(otherAuth).send({ approve: true })).status).toBe(404);
    const patientTry = await h.http().get('/api/v1/staff/refunds').set(u.auth);
    expect(patientTry.status).toBe(403);

    const list = await h.http().get('/api/v1/staff/refunds').set(staffAuth);
    expect(list.body.items).toEqual([expect.objectContaining({ refundId: r.body.id, orderId, dispatched: true, patientNameMasked: '张*国' })]);
    const ok = await h.http().post(`/api/v1/staff/refunds/${r.body.id}/decision`).set(staffAuth).send({ approve: true, comment: '同意' });
    expect(ok.status).toBe(200);
    await waitRefund(orderId, ['REFUNDED']);
    const twice = await h.http().post(`/api/v1/staff/refunds/${r.body.id}/decision`).set(staffAuth).send({ approve: true });
    expect(twice.status).toBe(409);

    const u2 = await patientUser(h);
    const second = await paidPrescription(u2);
    await h.http().post(`/api/v1/staff/orders/${second.orderId}/dispatch`).set(staffAuth).send({});
    const r2 = await h.http().post(`/api/v1/orders/${second.orderId}/refund`).set(u2.auth).send({ reason: '想退' });
    const no = await h.http().post(`/api/v1/staff/refunds/${r2.body.id}/decision`).set(staffAuth).send({ approve: false, comment: '药品已签收' });
    expect(no.body).toMatchObject({ status: 'REJECTED', message: expect.stringContaining('药品已签收') });
    expect((await order(h, second.orderId)).state).toBe('PAID');
  });
});

describe('a refund part failing', () => {
  it('the WeChat cash refund is refused at first: refund FAILED, order REFUND_FAILED and flagged; reconciliation retries and finishes it', async () => {
    const u = await patientUser(h);
    const { orderId } = await paidPrescription(u);
    await authorize(h, u, 'REFUND', orderId);
    h.fault({ platform: 'wechat-pay', operation: '/v3/refund/domestic/refunds', kind: 'platform_error', params: { status: 403, code: 'NOT_ENOUGH', message: '基本账户余额不足，请充值后重新发起' }, times: 1 });
    await h.http().post(`/api/v1/orders/${orderId}/refund`).set(u.auth).send({ reason: '不需要了' });
    const failed = await order(h, orderId);
    expect(failed).toMatchObject({ state: 'REFUND_FAILED', flagged: true });
    const refund = await h.prisma.refund.findFirstOrThrow({ where: { orderId } });
    expect(refund).toMatchObject({ status: 'FAILED', hiStatus: 'SUCCEEDED', cashStatus: 'FAILED' });
    const view = await h.http().get(`/api/v1/orders/${orderId}`).set(u.auth);
    expect(view.body).toMatchObject({ state: 'REFUND_FAILED', stateLabel: '退款处理中', refund: { status: 'FAILED', message: expect.stringContaining('不会丢失') } });
    await runReconciliation(h.ctx);
    await sleep(300); // WeChat completes the refund shortly after accepting it
    await runReconciliation(h.ctx);
    const done = await waitRefund(orderId, ['REFUNDED']);
    expect(done.flagged).toBe(false);
    expect(await h.prisma.refund.findFirstOrThrow({ where: { orderId } })).toMatchObject({ status: 'SUCCEEDED', cashAttempts: 2, hiAttempts: 1 });
    expect(await events(h, orderId)).toEqual(expect.arrayContaining(['refundFailed', 'FLAGGED', 'retryRefund', 'completeRefund', 'UNFLAGGED']));
  });

  it('a 6203 whose answer is lost stays PROCESSING and is confirmed by 6301 (never a second refund)', async () => {
    const u = await patientUser(h);
    const { orderId } = await paidPrescription(u);
    await authorize(h, u, 'REFUND', orderId);
    h.fault({ platform: 'mobile-pay', operation: '6203', kind: 'timeout', params: { afterProcessing: true, holdMs: 2500 }, times: 1 });
    await h.http().post(`/api/v1/orders/${orderId}/refund`).set(u.auth).send({ reason: '不需要了' });
    expect(await h.prisma.refund.findFirstOrThrow({ where: { orderId } })).toMatchObject({ hiStatus: 'PROCESSING' });
    await runReconciliation(h.ctx);
    await sleep(300);
    await runReconciliation(h.ctx);
    await waitRefund(orderId, ['REFUNDED']);
    expect(await h.prisma.refund.findFirstOrThrow({ where: { orderId } })).toMatchObject({ hiAttempts: 1, hiStatus: 'SUCCEEDED' });
  });
});

describe('consultation cancelled (refundConsultationFee)', () => {
  it('unpaid: the order is closed on both sides (no upload: just closed); uploaded: 6401 first', async () => {
    const u = await patientUser(h);
    const a = await consultationOrder(h, w, u);
    expect(await refundConsultationFee(h.prisma, { consultationId: a.consultationId, reason: '患者取消', actor: 'SYSTEM' })).toMatchObject({ outcome: 'closed' });
    expect((await order(h, a.orderId)).state).toBe('CLOSED');

    const b = await consultationOrder(h, w, u);
    await authorize(h, u, 'PAYMENT', b.orderId);
    await h.http().post(`/api/v1/orders/${b.orderId}/prepare-insurance`).set(u.auth).send({});
    const payOrdId = (await order(h, b.orderId)).payOrdId!;
    expect(await refundConsultationFee(h.prisma, { consultationId: b.consultationId, reason: '医生未接诊', actor: 'SYSTEM' })).toMatchObject({ outcome: 'closed' });
    expect((await order(h, b.orderId)).state).toBe('CLOSED');
    expect(h.mobilePay.state.getPayOrder(payOrdId)!.ordStas).toBe('12');
  });

  it('paid: the fee is refunded (insurance part waits for the patient to authorize)', async () => {
    const u = await patientUser(h);
    const { orderId, consultationId } = await consultationOrder(h, w, u);
    const { mixTradeNo } = await prepareAndPayWechat(h, u, orderId);
    h.wechatPay.payMixedOrder(mixTradeNo);
    await waitForState(h, orderId, ['PAID']);
    await h.prisma.consultation.update({ where: { id: consultationId }, data: { status: 'CANCELLED', cancelledAt: new Date() } });
    expect(await refundConsultationFee(h.prisma, { consultationId, reason: '医生超时未接诊', actor: 'SYSTEM' })).toMatchObject({ outcome: 'refund_started' });
    const refund = await h.prisma.refund.findFirstOrThrow({ where: { orderId } });
    expect(refund).toMatchObject({ requestedBy: 'consult', hiStatus: 'AWAITING_AUTH' });
    await authorize(h, u, 'REFUND', orderId);
    await runReconciliation(h.ctx);
    await sleep(300);
    await runReconciliation(h.ctx);
    await waitRefund(orderId, ['REFUNDED']);
    expect((await h.prisma.consultation.findUniqueOrThrow({ where: { id: consultationId } })).status).toBe('REFUNDED');
  });
});

describe('prescription changed (revokePrescriptionOrders) and expiry', () => {
  it('uploaded-but-unpaid orders are revoked (6401 → CANCELLED), created ones closed, paid ones left alone', async () => {
    const u = await patientUser(h);
    const { consultationId } = await consultationOrder(h, w, u);
    const rxId = await approvedPrescription(h, w, u, consultationId);
    const created = await h.http().post('/api/v1/orders/prescription').set(u.auth).send({ prescriptionId: rxId, fulfilment: 'PICKUP' });
    const orderId = created.body.orderId as string;
    await authorize(h, u, 'PAYMENT', orderId);
    await h.http().post(`/api/v1/orders/${orderId}/prepare-insurance`).set(u.auth).send({});
    const payOrdId = (await order(h, orderId)).payOrdId!;
    const r = await revokePrescriptionOrders(h.prisma, { prescriptionId: rxId, reason: '处方已修改' });
    expect(r).toEqual({ revoked: 1, closed: 0, pending: 0 });
    expect(await order(h, orderId)).toMatchObject({ state: 'CANCELLED', failureReason: '处方已修改' });
    expect(h.mobilePay.state.getPayOrder(payOrdId)!.ordStas).toBe('12');
    const pay = await h.http().post(`/api/v1/orders/${orderId}/pay`).set(u.auth).send({ channel: 'WECHAT' });
    expect(pay.body.code).toBe('PAYMENT_ORDER_CLOSED');

    const rx2 = await approvedPrescription(h, w, u, consultationId);
    const c2 = await h.http().post('/api/v1/orders/prescription').set(u.auth).send({ prescriptionId: rx2, fulfilment: 'PICKUP' });
    expect(await revokePrescriptionOrders(h.prisma, { prescriptionId: rx2, reason: '处方已修改' })).toEqual({ revoked: 0, closed: 1, pending: 0 });
    expect((await order(h, c2.body.orderId)).state).toBe('CLOSED');
  });

  it('a paying order whose money already arrived is not revoked but settled', async () => {
    const u = await patientUser(h);
    const { consultationId } = await consultationOrder(h, w, u);
    const rxId = await approvedPrescription(h, w, u, consultationId);
    const created = await h.http().post('/api/v1/orders/prescription').set(u.auth).send({ prescriptionId: rxId, fulfilment: 'PICKUP' });
    const orderId = created.body.orderId as string;
    const { mixTradeNo } = await prepareAndPayWechat(h, u, orderId);
    h.fault({ platform: 'mobile-pay', operation: '6302', kind: 'notify_never', times: 1 });
    h.fault({ platform: 'wechat-pay', operation: 'MEDICAL_INSURANCE.SUCCESS', kind: 'notify_never', times: 1 });
    h.fault({ platform: 'wechat-pay', operation: 'TRANSACTION.SUCCESS', kind: 'notify_never', times: 1 });
    h.wechatPay.payMixedOrder(mixTradeNo);
    expect(await revokePrescriptionOrders(h.prisma, { prescriptionId: rxId, reason: '处方已修改' })).toEqual({ revoked: 0, closed: 0, pending: 1 });
    expect((await order(h, orderId)).state).toBe('PAID');
  });

  it('expired unpaid orders are closed on both sides by the job (6401 + channel close)', async () => {
    const u = await patientUser(h);
    const { orderId } = await consultationOrder(h, w, u);
    await prepareAndPayWechat(h, u, orderId);
    const before = await order(h, orderId);
    const p = await h.prisma.payment.findFirstOrThrow({ where: { orderId } });
    // The clock moved past the expiry (fixture edit of a timestamp, not of the state).
    await h.prisma.order.update({ where: { id: orderId }, data: { expiresAt: new Date(Date.now() - 1000) } });
    await runReconciliation(h.ctx);
    expect(await order(h, orderId)).toMatchObject({ state: 'CLOSED', failureReason: '订单超时未支付，已关闭' });
    expect(h.mobilePay.state.getPayOrder(before.payOrdId!)!.ordStas).toBe('12');
    expect(h.wechatPay.transactions.get(p.outTradeNo)!.trade_state).toBe('CLOSED');
    expect((await h.prisma.payment.findUniqueOrThrow({ where: { id: p.id } })).status).toBe('CLOSED');
    const pay = await h.http().post(`/api/v1/orders/${orderId}/pay`).set(u.auth).send({ channel: 'WECHAT' });
    expect(pay.body.code).toBe('PAYMENT_ORDER_CLOSED');
  });
});

describe('logs', () => {
  it('no pay_auth_no, ID number or name reached a log line', () => {
    assertNoSecretsInLogs(h);
  });
});
