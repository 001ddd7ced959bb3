/**
 * Faults of the outside platforms (injected in the mocks) and what the order domain does:
 * 6202 timeouts (resolved by 6301, never a second 6202), 6302 notifies twice / late / out of
 * order / never / badly signed / stale / with a wrong amount, WeChat callbacks with a wrong amount,
 * unknown ordStas, a failed settlement, and the double tap on 支付.
 */
import { assertNoSecretsInLogs, authorize, consultationOrder, events, makeWorld, order, patientUser, prepareAndPayWechat, startOrderHarness, waitForState, type OrderHarness, type World } from './harness';
import { reconcileOrder, runReconciliation } from '../../src/domains/order';

let h: OrderHarness;
let w: World;
beforeAll(async () => {
  h = await startOrderHarness();
  w = await makeWorld(h);
  await h.prisma.setting.upsert({ where: { key: 'order_reconcile_after_seconds' }, update: { value: 0 }, create: { key: 'order_reconcile_after_seconds', value: 0 } });
});
afterAll(() => h.close());
afterEach(() => h.faults.clear());

/** The WeChat callbacks of the next payment never come (only 6302 and queries decide). */
function silenceWechat() {
  h.fault({ platform: 'wechat-pay', operation: 'MEDICAL_INSURANCE.SUCCESS', kind: 'notify_never', times: 1 });
  h.fault({ platform: 'wechat-pay', operation: 'TRANSACTION.SUCCESS', kind: 'notify_never', times: 1 });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('6202 timeouts', () => {
  it('a 6202 that was processed but whose answer was lost is resolved by 6301, and never sent again', async () => {
    const u = await patientUser(h);
    const { orderId } = await consultationOrder(h, w, u);
    await authorize(h, u, 'PAYMENT', orderId);
    h.fault({ platform: 'mobile-pay', operation: '6202', kind: 'timeout', params: { afterProcessing: true, holdMs: 2500 }, times: 1 });
    // The center refuses a second 6202 for a placed order (300002): had the BFF sent one, the prepare would fail.
    const r = await h.http().post(`/api/v1/orders/${orderId}/prepare-insurance`).set(u.auth).send({});
    expect(r.status).toBe(200);
    expect(r.body.split.feeSumamtFen).toBe(2500);
    expect(h.faults.list()).toHaveLength(0); // the lost answer happened
    expect(h.mobilePay.state.getPayOrder((await order(h, orderId)).payOrdId!)!.ordStas).toBe('1');
    const evs = await h.prisma.orderEvent.findMany({ where: { orderId, transition: 'placePayOrder' } });
    expect(evs).toEqual([expect.objectContaining({ detail: expect.objectContaining({ via: '6301' }) })]);
  });

  it('a 6202 that never reached the center: 504, the order stays UPLOADED; the next prepare asks 6301, then starts over (6401 + new upload)', async () => {
    const u = await patientUser(h);
    const { orderId } = await consultationOrder(h, w, u);
    await authorize(h, u, 'PAYMENT', orderId);
    h.fault({ platform: 'mobile-pay', operation: '6202', kind: 'timeout', times: 1 });
    const r = await h.http().post(`/api/v1/orders/${orderId}/prepare-insurance`).set(u.auth).send({});
    expect(r.status).toBe(504);
    expect(r.body.code).toBe('UPSTREAM_TIMEOUT');
    const stuck = await order(h, orderId);
    expect(stuck.state).toBe('UPLOADED');
    expect(h.mobilePay.state.getPayOrder(stuck.payOrdId!)!.ordStas).toBe('0');
    await authorize(h, u, 'PAYMENT', orderId);
    const again = await h.http().post(`/api/v1/orders/${orderId}/prepare-insurance`).set(u.auth).send({});
    expect(again.status).toBe(200);
    const now = await order(h, orderId);
    expect(now.state).toBe('PRE_SETTLED');
    expect(now.payOrdId).not.toBe(stuck.payOrdId);
    expect(h.mobilePay.state.getPayOrder(stuck.payOrdId!)!.ordStas).toBe('12');
  });
});

describe('6302 settlement notify', () => {
  it('twice: processed once, acknowledged twice, one settlement', async () => {
    const u = await patientUser(h);
    const { orderId } = await consultationOrder(h, w, u);
    const { mixTradeNo } = await prepareAndPayWechat(h, u, orderId);
    silenceWechat();
    h.fault({ platform: 'mobile-pay', operation: '6302', kind: 'notify_duplicate', params: { gapMs: 100 }, times: 1 });
    h.wechatPay.payMixedOrder(mixTradeNo);
    await waitForState(h, orderId, ['PAID']);
    await h.mobilePay.notifier.idle();
    const o = await order(h, orderId);
    const n = await h.prisma.inboundNotification.findUniqueOrThrow({ where: { idempotencyKey: `6302:${o.payOrdId}:02` } });
    expect(n).toMatchObject({ deliveries: 2, signatureValid: true, status: 'PROCESSED' });
    const acks = h.mobilePay.notifier.deliveries.filter((d) => d.payOrdId === o.payOrdId);
    expect(acks).toHaveLength(2);
    expect(acks.every((d) => d.acked)).toBe(true);
    expect((await events(h, orderId)).filter((e) => e === 'settle')).toHaveLength(1);
  });

  it('late (after the WeChat callback): the channel confirms the cash, a 6301 confirms the insurance, the late notify changes nothing', async () => {
    const u = await patientUser(h);
    const { orderId } = await consultationOrder(h, w, u);
    const { mixTradeNo } = await prepareAndPayWechat(h, u, orderId);
    h.fault({ platform: 'mobile-pay', operation: '6302', kind: 'notify_late', params: { ms: 4000 }, times: 1 });
    h.wechatPay.payMixedOrder(mixTradeNo);
    // A moment after the WeChat callback the BFF asks 6301 itself (NUDGE_DELAY_MS), long before the late notify.
    const paid = await waitForState(h, orderId, ['PAID'], 3800);
    expect(paid.state).toBe('PAID');
    await h.mobilePay.notifier.idle();
    const n = await h.prisma.inboundNotification.findUniqueOrThrow({ where: { idempotencyKey: `6302:${paid.payOrdId}:02` } });
    expect(n.status).toBe('IGNORED');
    expect((await events(h, orderId)).filter((e) => e === 'settle')).toHaveLength(1);
    const ev = await h.prisma.orderEvent.findFirstOrThrow({ where: { orderId, transition: 'HI_CONFIRMED' } });
    expect(ev.detail).toMatchObject({ source: '6301' });
  });

  it('out of order (two orders): each settles once', async () => {
    const u = await patientUser(h);
    const a = await consultationOrder(h, w, u);
    const b = await consultationOrder(h, w, u);
    const pa = await prepareAndPayWechat(h, u, a.orderId);
    const pb = await prepareAndPayWechat(h, u, b.orderId);
    for (let i = 0; i < 2; i++) silenceWechat();
    h.fault({ platform: 'mobile-pay', operation: '6302', kind: 'notify_out_of_order', params: { holdMs: 3000 }, times: 1 });
    h.wechatPay.payMixedOrder(pa.mixTradeNo);
    await sleep(200);
    expect((await order(h, a.orderId)).state).toBe('PAYING'); // its notify is held back
    h.wechatPay.payMixedOrder(pb.mixTradeNo);
    await waitForState(h, b.orderId, ['PAID']);
    await waitForState(h, a.orderId, ['PAID']);
    for (const id of [a.orderId, b.orderId]) expect((await events(h, id)).filter((e) => e === 'settle')).toHaveLength(1);
  });

  it('never: the order stays PAYING until the status poll / reconciliation asks 6301 and the channel', async () => {
    const u = await patientUser(h);
    const { orderId } = await consultationOrder(h, w, u);
    const { mixTradeNo } = await prepareAndPayWechat(h, u, orderId);
    silenceWechat();
    h.fault({ platform: 'mobile-pay', operation: '6302', kind: 'notify_never', times: 1 });
    h.wechatPay.payMixedOrder(mixTradeNo);
    await sleep(500);
    expect((await order(h, orderId)).state).toBe('PAYING');
    const s = await h.http().get(`/api/v1/orders/${orderId}/status`).set(u.auth);
    expect(s.body).toMatchObject({ state: 'PAID', paid: true });
    // Polling again right away does not ask the platforms again (rate limit).
    const before = (await order(h, orderId)).lastPolledAt;
    await h.http().get(`/api/v1/orders/${orderId}/status`).set(u.auth);
    expect((await order(h, orderId)).lastPolledAt).toEqual(before);
  });

  it('never, settled by the reconciliation job (recorded as a run)', async () => {
    const u = await patientUser(h);
    const { orderId } = await consultationOrder(h, w, u);
    const { mixTradeNo } = await prepareAndPayWechat(h, u, orderId);
    silenceWechat();
    h.fault({ platform: 'mobile-pay', operation: '6302', kind: 'notify_never', times: 1 });
    h.wechatPay.payMixedOrder(mixTradeNo);
    await sleep(300);
    const summary = await runReconciliation(h.ctx);
    expect(summary.examined).toBeGreaterThanOrEqual(1);
    expect((await order(h, orderId)).state).toBe('PAID');
    const run = await h.prisma.reconciliationRun.findUniqueOrThrow({ where: { id: summary.runId } });
    expect(run).toMatchObject({ status: 'SUCCEEDED', instanceId: h.ctx.instanceId });
    expect(run.settled).toBeGreaterThanOrEqual(1);
    expect(run.finishedAt).not.toBeNull();
    const settle = await h.prisma.orderEvent.findFirstOrThrow({ where: { orderId, transition: 'settle' } });
    expect(settle.actor).toMatch(/^reconcile:/);
  });

  it('with a wrong signature (or stale): recorded as rejected, never used; 6301 decides', async () => {
    const u = await patientUser(h);
    const { orderId } = await consultationOrder(h, w, u);
    const { mixTradeNo } = await prepareAndPayWechat(h, u, orderId);
    silenceWechat();
    h.fault({ platform: 'mobile-pay', operation: '6302', kind: 'bad_signature', times: 1 });
    h.wechatPay.payMixedOrder(mixTradeNo);
    await h.mobilePay.notifier.idle();
    const o = await order(h, orderId);
    expect(o.state).toBe('PAYING');
    expect(o.hiSettledAt).toBeNull();
    const rejected = await h.prisma.inboundNotification.findFirstOrThrow({ where: { source: 'NHSA', signatureValid: false, eventType: 'REJECTED' }, orderBy: { id: 'desc' } });
    expect(rejected.deliveries).toBeGreaterThanOrEqual(3); // the center retried; every delivery refused
    expect(JSON.stringify(rejected.payload)).not.toContain(o.payOrdId!);
    expect(h.mobilePay.notifier.deliveries.filter((d) => d.payOrdId === o.payOrdId).every((d) => !d.acked)).toBe(true);
    expect(await reconcileOrder(h.ctx, orderId, 'test')).toBe('settled');

    const u2 = await patientUser(h);
    const second = await consultationOrder(h, w, u2);
    const p2 = await prepareAndPayWechat(h, u2, second.orderId);
    silenceWechat();
    h.fault({ platform: 'mobile-pay', operation: '6302', kind: 'stale_timestamp', params: { ageMs: 3_600_000 }, times: 1 });
    h.wechatPay.payMixedOrder(p2.mixTradeNo);
    await h.mobilePay.notifier.idle();
    expect((await order(h, second.orderId)).state).toBe('PAYING');
  });

  it('with a wrong amount (identity kept): the order is flagged, not paid, and the job leaves it to staff', async () => {
    const u = await patientUser(h);
    const { orderId } = await consultationOrder(h, w, u);
    const { mixTradeNo } = await prepareAndPayWechat(h, u, orderId);
    silenceWechat();
    h.fault({ platform: 'mobile-pay', operation: '6302', kind: 'wrong_amount', params: { deltaFen: 100, keepIdentity: true }, times: 1 });
    h.wechatPay.payMixedOrder(mixTradeNo);
    await h.mobilePay.notifier.idle();
    const o = await order(h, orderId);
    expect(o.state).toBe('PAYING');
    expect(o.flagged).toBe(true);
    expect(o.flagReason).toContain('differ');
    expect(o.hiSettledAt).toBeNull();
    const n = await h.prisma.inboundNotification.findUniqueOrThrow({ where: { idempotencyKey: `6302:${o.payOrdId}:02` } });
    expect(n.status).toBe('FAILED');
    expect(await reconcileOrder(h.ctx, orderId, 'test')).toBe('none');
    const s = await h.http().get(`/api/v1/orders/${orderId}/status`).set(u.auth);
    expect(s.body).toMatchObject({ paid: false, underReview: true, final: true });
    const pay = await h.http().post(`/api/v1/orders/${orderId}/pay`).set(u.auth).send({ channel: 'WECHAT' });
    expect(pay.body.code).toBe('ORDER_UNDER_REVIEW');
  });
});

describe('WeChat callbacks and failures', () => {
  it('a MEDICAL_INSURANCE.SUCCESS with a wrong amount flags the order', async () => {
    const u = await patientUser(h);
    const { orderId } = await consultationOrder(h, w, u);
    const { mixTradeNo } = await prepareAndPayWechat(h, u, orderId);
    h.fault({ platform: 'mobile-pay', operation: '6302', kind: 'notify_never', times: 1 });
    h.fault({ platform: 'wechat-pay', operation: 'TRANSACTION.SUCCESS', kind: 'notify_never', times: 1 });
    h.fault({ platform: 'wechat-pay', operation: 'MEDICAL_INSURANCE.SUCCESS', kind: 'wrong_amount', params: { deltaFen: 50 }, times: 1 });
    h.wechatPay.payMixedOrder(mixTradeNo);
    const until = Date.now() + 5000;
    while (!(await order(h, orderId)).flagged && Date.now() < until) await sleep(100);
    const o = await order(h, orderId);
    expect(o.flagged).toBe(true);
    expect(o.cashPaidAt).toBeNull();
    expect(o.state).not.toBe('PAID');
  });

  it('a settlement that fails in WeChat (MIX_PAY_FAIL) fails the order; the patient may prepare and pay again', async () => {
    const u = await patientUser(h);
    const { orderId } = await consultationOrder(h, w, u);
    const { mixTradeNo } = await prepareAndPayWechat(h, u, orderId);
    h.wechatPay.payMixedOrder(mixTradeNo, { result: 'FAIL', fail_reason: '医保余额不足' });
    expect(await reconcileOrder(h.ctx, orderId, 'test')).toBe('failed');
    const failed = await order(h, orderId);
    expect(failed).toMatchObject({ state: 'PAY_FAILED', failureReason: '医保余额不足' });
    const second = await prepareAndPayWechat(h, u, orderId);
    expect((await order(h, orderId)).state).toBe('PAYING');
    h.wechatPay.payMixedOrder(second.mixTradeNo);
    await waitForState(h, orderId, ['PAID']);
    expect(await events(h, orderId)).toEqual(expect.arrayContaining(['fail', 'retry', 'settle']));
  });

  it('an unknown ordStas from 6301 fails closed: flagged, not paid', async () => {
    const u = await patientUser(h);
    const { orderId } = await consultationOrder(h, w, u);
    await prepareAndPayWechat(h, u, orderId);
    const o = await order(h, orderId);
    h.mobilePay.state.orders.get(o.payOrdId!)!.ordStas = '42';
    expect(await reconcileOrder(h.ctx, orderId, 'test')).toBe('flagged');
    expect(await order(h, orderId)).toMatchObject({ state: 'PAYING', flagged: true });
  });
});

describe('double tap', () => {
  it('two concurrent pay requests: one attempt, one channel order, the same launch', async () => {
    const u = await patientUser(h);
    const { orderId } = await consultationOrder(h, w, u);
    await authorize(h, u, 'PAYMENT', orderId);
    expect((await h.http().post(`/api/v1/orders/${orderId}/prepare-insurance`).set(u.auth).send({})).status).toBe(200);
    const taps = await Promise.all([0, 1, 2].map(() => h.http().post(`/api/v1/orders/${orderId}/pay`).set(u.auth).send({ channel: 'WECHAT' })));
    const [a, b, c] = taps as [(typeof taps)[number], (typeof taps)[number], (typeof taps)[number]];
    for (const r of [a, b, c]) expect(r.status).toBe(200);
    expect(new Set([a.body.paymentId, b.body.paymentId, c.body.paymentId]).size).toBe(1);
    expect(new Set([a.body.launch.mixTradeNo, b.body.launch.mixTradeNo, c.body.launch.mixTradeNo]).size).toBe(1);
    const payments = await h.prisma.payment.findMany({ where: { orderId } });
    expect(payments).toHaveLength(1);
    expect([...h.wechatPay.orders.values()].filter((m) => m.entity.out_trade_no === payments[0]!.outTradeNo)).toHaveLength(1);
    expect([...h.wechatPay.transactions.values()].filter((t) => t.out_trade_no === payments[0]!.outTradeNo)).toHaveLength(1);
    expect((await events(h, orderId)).filter((e) => e === 'startPaying')).toHaveLength(1);
    h.wechatPay.payMixedOrder(a.body.launch.mixTradeNo);
    await waitForState(h, orderId, ['PAID']);
    const after = await h.http().post(`/api/v1/orders/${orderId}/pay`).set(u.auth).send({ channel: 'WECHAT' });
    expect(after.body.code).toBe('PAYMENT_ALREADY_PAID');
  });

  it('the same Idempotency-Key answers the same attempt', async () => {
    const u = await patientUser(h);
    const { orderId } = await consultationOrder(h, w, u, { insured: false });
    await h.http().post(`/api/v1/orders/${orderId}/prepare-insurance`).set(u.auth).send({});
    const key = 'tap-0123456789';
    const a = await h.http().post(`/api/v1/orders/${orderId}/pay`).set(u.auth).set('Idempotency-Key', key).send({ channel: 'WECHAT' });
    const b = await h.http().post(`/api/v1/orders/${orderId}/pay`).set(u.auth).set('Idempotency-Key', key).send({ channel: 'WECHAT' });
    expect(a.status).toBe(200);
    expect(b.body.paymentId).toBe(a.body.paymentId);
    expect(await h.prisma.payment.count({ where: { orderId } })).toBe(1);
    const bad = await h.http().post(`/api/v1/orders/${orderId}/pay`).set(u.auth).set('Idempotency-Key', 'x').send({ channel: 'WECHAT' });
    expect(bad.status).toBe(400);
  });
});

describe('logs', () => {
  it('no pay_auth_no, ID number or name reached a log line', () => {
    assertNoSecretsInLogs(h);
  });
});
