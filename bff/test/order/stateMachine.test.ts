/**
 * The state machine: every named transition from every state — allowed ones move the order once
 * and write exactly one event in the same transaction; every other one changes nothing. And the
 * rule that nothing else in the BFF writes `orders.state` (checked on the sources).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ORDER_STATES, type OrderState } from '@ih/contract';
import { TRANSITIONS, canTransition, transition, withOrderLock, type TransitionName } from '../../src/domains/order/stateMachine';
import { makeWorld, patientUser, startOrderHarness, uniq, type OrderHarness, type World } from './harness';

let h: OrderHarness;
let w: World;
let patient: { userId: string; patientId: string };
beforeAll(async () => {
  h = await startOrderHarness();
  w = await makeWorld(h);
  patient = await patientUser(h, 'zhang');
});
afterAll(() => h.close());

async function orderIn(state: OrderState) {
  // Test fixture: a row created directly in a state (creation, not a state change).
  return h.prisma.order.create({ data: { orderNo: `T${uniq()}${uniq()}`, kind: 'CONSULTATION', state, userId: patient.userId, patientId: patient.patientId, hospitalId: w.hospitalId, totalFen: 100 } });
}

const names = Object.keys(TRANSITIONS) as TransitionName[];
// settle / settleAfterClose / completeRefund run domain hooks; the order has no consultation here.
const cases = names.flatMap((name) => ORDER_STATES.map((from) => [name, from] as const));

describe('every transition from every state', () => {
  it.each(cases)('%s from %s', async (name, from) => {
    const o = await orderIn(from);
    const allowed = (TRANSITIONS[name].from as readonly string[]).includes(from);
    expect(canTransition(name, from)).toBe(allowed);
    const r = await withOrderLock(h.prisma, o.id, (tx, locked) => transition(tx, locked, name, { actor: 'test' }));
    const after = await h.prisma.order.findUniqueOrThrow({ where: { id: o.id } });
    const evs = await h.prisma.orderEvent.findMany({ where: { orderId: o.id } });
    if (allowed) {
      expect(r?.ok).toBe(true);
      expect(after.state).toBe(TRANSITIONS[name].to);
      expect(after.version).toBe(o.version + 1);
      expect(evs).toEqual([expect.objectContaining({ transition: name, fromState: from, toState: TRANSITIONS[name].to, actor: 'test' })]);
    } else {
      expect(r?.ok).toBe(false);
      expect(after.state).toBe(from);
      expect(after.version).toBe(o.version);
      expect(evs).toHaveLength(0);
    }
  });
});

describe('guarded by the state the caller read', () => {
  it('a transition with a stale expected state changes nothing (another process moved it first)', async () => {
    const o = await orderIn('PAYING');
    const first = await h.prisma.$transaction((tx) => transition(tx, o, 'settle', { actor: 'a' }));
    const second = await h.prisma.$transaction((tx) => transition(tx, o, 'settle', { actor: 'b' }));
    expect(first.ok).toBe(true);
    expect(second.ok).toBe(false);
    expect(await h.prisma.orderEvent.count({ where: { orderId: o.id, transition: 'settle' } })).toBe(1);
  });

  it('two racing settles of one order: exactly one wins', async () => {
    const o = await orderIn('PAYING');
    const rs = await Promise.all(Array.from({ length: 8 }, (_, i) => withOrderLock(h.prisma, o.id, (tx, locked) => transition(tx, locked, 'settle', { actor: `racer${i}` }))));
    expect(rs.filter((r) => r?.ok)).toHaveLength(1);
    expect(await h.prisma.orderEvent.count({ where: { orderId: o.id } })).toBe(1);
  });

  it('the event is in the same transaction: a failure after the update rolls both back', async () => {
    const o = await orderIn('PAYING');
    await expect(
      h.prisma.$transaction(async (tx) => {
        await transition(tx, o, 'settle', { actor: 'x' });
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect((await h.prisma.order.findUniqueOrThrow({ where: { id: o.id } })).state).toBe('PAYING');
    expect(await h.prisma.orderEvent.count({ where: { orderId: o.id } })).toBe(0);
  });
});

describe('nothing else changes orders.state', () => {
  function files(dir: string): string[] {
    return readdirSync(dir).flatMap((f) => {
      const p = join(dir, f);
      return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
    });
  }
  it('only stateMachine.ts writes a state into the orders table', () => {
    const src = join(__dirname, '../../src');
    const offenders: string[] = [];
    for (const f of files(src)) {
      if (f.endsWith(join('order', 'stateMachine.ts'))) continue;
      const text = readFileSync(f, 'utf8');
      // order.update / updateMany / upsert calls whose data names `state`, and raw SQL updating orders.state
      const re = /\.order\.(update|updateMany|upsert)\(\{[\s\S]{0,400}?\bdata:\s*\{[^}]*\bstate\s*:/g;
      if (re.test(text)) offenders.push(f);
      if (/UPDATE\s+`?orders`?\s+SET[^;]*\bstate\b/i.test(text)) offenders.push(f);
    }
    expect(offenders).toEqual([]);
  });
});
