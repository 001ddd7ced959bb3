/**
 * The timeout job, called directly (as the scheduler would), against the real database and the
 * real order domain: abandoned consultations are closed (WAITING → CANCELLED with the refund
 * hook; idle IN_PROGRESS → COMPLETED; unpaid past the order's expiry → CANCELLED with the order
 * closed), fresh ones are left alone, settings rows change the limits, two instances running at
 * once close each one once, a failed refund request is retried, every close is audited.
 */
import { createPrisma } from '@ih/db';
import { buildConsultModule, type ConsultModule } from '../../src/domains/consult/routes';
import { defaultOrderPort, type OrderPort } from '../../src/domains/consult/core';
import { api, createConsultation, inProgressConsultation, makeWorld, newOwner, waitingConsultation, type World } from './world';

let w: World;
const refundCalls: string[] = [];
let refundFails = false;
const observed: OrderPort = {
  createConsultationOrder: defaultOrderPort.createConsultationOrder,
  refundConsultationFee: async (db, args) => {
    refundCalls.push(args.consultationId);
    if (refundFails) throw new Error('order domain down');
    return defaultOrderPort.refundConsultationFee(db, args);
  },
};

beforeAll(async () => {
  w = await makeWorld({ settings: { acceptTimeoutMinutes: 60, idleTimeoutMinutes: 120, paymentTimeoutMinutes: 30 } });
  w.module.core.deps.orders = observed;
});
afterAll(async () => {
  await w.prisma.setting.deleteMany({ where: { key: { in: ['consult_accept_timeout_minutes', 'consult_idle_timeout_minutes'] } } });
  await w.close();
});
beforeEach(() => {
  refundCalls.length = 0;
  refundFails = false;
});

const ago = (minutes: number) => new Date(Date.now() - minutes * 60_000);
const row = (id: string) => w.prisma.consultation.findUniqueOrThrow({ where: { id } });

describe('closing abandoned consultations', () => {
  it('WAITING not accepted in time → CANCELLED (NOT_ACCEPTED_TIMEOUT), the fee refund asked for, the patient told, audited; a fresh one stays', async () => {
    const old = await waitingConsultation(w);
    const fresh = await waitingConsultation(w);
    await w.prisma.consultation.update({ where: { id: old.id }, data: { paidAt: ago(61) } });
    const result = await w.module.timeouts.run();
    expect(result.notAccepted).toBeGreaterThanOrEqual(1);
    expect(await row(old.id)).toMatchObject({ status: 'CANCELLED', closeReason: 'NOT_ACCEPTED_TIMEOUT', cancelledAt: expect.any(Date), refundRequestedAt: expect.any(Date) });
    expect((await row(fresh.id)).status).toBe('WAITING');
    expect(refundCalls).toContain(old.id);
    expect(refundCalls).not.toContain(fresh.id);
    const detail = (await api(w).get(`/consultations/${old.id}`, old.owner.token)).body;
    expect(detail).toMatchObject({ status: 'CANCELLED', closeReason: 'NOT_ACCEPTED_TIMEOUT', closeReasonLabel: expect.stringContaining('退回'), lastMessage: { sender: 'SYSTEM', preview: expect.stringContaining('未接诊') } });
    const audit = await w.prisma.auditLog.findFirstOrThrow({ where: { action: 'consultation.timeout.not_accepted_timeout', targetId: old.id } });
    expect(audit).toMatchObject({ actorRole: 'SYSTEM', actorUserId: null, details: { from: 'WAITING', to: 'CANCELLED', reason: 'NOT_ACCEPTED_TIMEOUT' } });
    expect(await w.prisma.auditLog.count({ where: { action: 'consultation.refund_requested', targetId: old.id } })).toBe(1);
  });

  it('IN_PROGRESS without messages for the idle time → COMPLETED (IDLE_TIMEOUT), no refund; an active one stays', async () => {
    const idle = await inProgressConsultation(w);
    const active = await inProgressConsultation(w, w.doctor.B);
    await w.prisma.consultation.update({ where: { id: idle.id }, data: { lastActivityAt: ago(121) } });
    await w.prisma.consultation.update({ where: { id: active.id }, data: { lastActivityAt: ago(121) } });
    // A message just now counts as activity.
    await api(w).post(`/consultations/${active.id}/messages`, active.owner.token, { kind: 'TEXT', text: '还在吗' });
    await w.module.timeouts.run();
    expect(await row(idle.id)).toMatchObject({ status: 'COMPLETED', closeReason: 'IDLE_TIMEOUT', endedAt: expect.any(Date) });
    expect((await row(active.id)).status).toBe('IN_PROGRESS');
    expect(refundCalls).not.toContain(idle.id);
    const msgs = (await api(w).get(`/consultations/${idle.id}/messages`, idle.owner.token)).body;
    expect(msgs.items.at(-1)).toMatchObject({ systemCode: 'IDLE_ENDED' });
    expect(msgs.canSend).toBe(false);
  });

  it('PENDING_PAYMENT past its order’s expiry → CANCELLED (PAYMENT_TIMEOUT), the order closed; one within its time stays', async () => {
    const owner = await newOwner();
    const late = await createConsultation(w, {}, owner);
    const onTime = await createConsultation(w, { doctorId: w.doctor.B.doctorId }, owner);
    await w.prisma.order.update({ where: { id: late.orderId }, data: { expiresAt: ago(1) } });
    await w.prisma.order.update({ where: { id: onTime.orderId }, data: { expiresAt: new Date(Date.now() + 10 * 60_000) } });
    await w.module.timeouts.run();
    expect(await row(late.id)).toMatchObject({ status: 'CANCELLED', closeReason: 'PAYMENT_TIMEOUT' });
    expect((await row(onTime.id)).status).toBe('PENDING_PAYMENT');
    expect(refundCalls).toContain(late.id);
    expect((await w.prisma.order.findUniqueOrThrow({ where: { id: late.orderId } })).state).not.toBe('CREATED');
    await api(w).post(`/consultations/${onTime.id}/cancel`, owner.token);
  });

  it('the limits are settings rows when present (consult_accept_timeout_minutes)', async () => {
    const c = await waitingConsultation(w);
    await w.prisma.consultation.update({ where: { id: c.id }, data: { paidAt: ago(20) } });
    await w.module.timeouts.run();
    expect((await row(c.id)).status).toBe('WAITING');
    await w.prisma.setting.upsert({ where: { key: 'consult_accept_timeout_minutes' }, create: { key: 'consult_accept_timeout_minutes', value: 15 }, update: { value: 15 } });
    try {
      const detail = (await api(w).get(`/consultations/${c.id}`, c.owner.token)).body;
      expect(Date.parse(detail.acceptDeadline) - Date.parse(detail.paidAt)).toBe(15 * 60_000);
      await w.module.timeouts.run();
      expect((await row(c.id)).status).toBe('CANCELLED');
    } finally {
      await w.prisma.setting.deleteMany({ where: { key: 'consult_accept_timeout_minutes' } });
    }
  });

  it('a doctor accepting just before the job: the guarded update leaves the accepted one alone', async () => {
    const c = await waitingConsultation(w);
    await w.prisma.consultation.update({ where: { id: c.id }, data: { paidAt: ago(61) } });
    expect((await api(w).post(`/workspace/consultations/${c.id}/accept`, w.doctor.A.token)).status).toBe(200);
    await w.module.timeouts.run();
    expect((await row(c.id)).status).toBe('IN_PROGRESS');
    expect(refundCalls).not.toContain(c.id);
  });
});

describe('two instances', () => {
  let second: ConsultModule;
  let prisma2: ReturnType<typeof createPrisma>;

  beforeAll(() => {
    prisma2 = createPrisma(w.config.databaseUrl);
    second = buildConsultModule({ config: w.config, prisma: prisma2, logger: w.log.logger, consultSettings: { acceptTimeoutMinutes: 60, idleTimeoutMinutes: 120, files: { dir: w.filesDir } }, orders: observed });
  });
  afterAll(() => prisma2.$disconnect());

  it('running at the same moment, each abandoned consultation is closed once: one system message, one audit row, one refund request', async () => {
    const cs = await Promise.all([waitingConsultation(w), waitingConsultation(w), waitingConsultation(w)]);
    await w.prisma.consultation.updateMany({ where: { id: { in: cs.map((c) => c.id) } }, data: { paidAt: ago(90) } });
    const [a, b] = await Promise.all([w.module.timeouts.run(), second.timeouts.run()]);
    expect(a.notAccepted + b.notAccepted).toBeGreaterThanOrEqual(3);
    for (const c of cs) {
      expect((await row(c.id)).status).toBe('CANCELLED');
      expect(await w.prisma.consultationMessage.count({ where: { consultationId: c.id, systemCode: 'NOT_ACCEPTED_CANCELLED' } })).toBe(1);
      expect(await w.prisma.auditLog.count({ where: { action: 'consultation.timeout.not_accepted_timeout', targetId: c.id } })).toBe(1);
      expect(refundCalls.filter((id) => id === c.id)).toHaveLength(1);
    }
  });
});

describe('refund retries', () => {
  it('a refund request that failed is asked again by a later run (after its lease), then not again', async () => {
    const c = await waitingConsultation(w);
    await w.prisma.consultation.update({ where: { id: c.id }, data: { paidAt: ago(61) } });
    refundFails = true;
    await w.module.timeouts.run();
    expect(await row(c.id)).toMatchObject({ status: 'CANCELLED', refundRequestedAt: null, refundAttemptAt: expect.any(Date) });
    refundFails = false;
    // Within the lease nothing is asked again; once the lease and a minute have passed, it is.
    await w.module.timeouts.run();
    expect(refundCalls.filter((id) => id === c.id)).toHaveLength(1);
    await w.prisma.consultation.update({ where: { id: c.id }, data: { refundAttemptAt: ago(6), cancelledAt: ago(2) } });
    const r = await w.module.timeouts.run();
    expect(r.refundsRetried).toBeGreaterThanOrEqual(1);
    expect(refundCalls.filter((id) => id === c.id)).toHaveLength(2);
    expect((await row(c.id)).refundRequestedAt).not.toBeNull();
    await w.module.timeouts.run();
    expect(refundCalls.filter((id) => id === c.id)).toHaveLength(2);
  });

  it('the job is registered with the scheduler at the configured interval', () => {
    const job = w.app.jobs.list().find((j) => j.name === 'consult.timeouts');
    expect(job).toBeDefined();
    expect(job!.everyMs).toBe(60_000);
  });
});
