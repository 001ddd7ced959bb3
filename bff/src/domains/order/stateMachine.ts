/**
 * The order state machine: the ONLY code that changes `orders.state` (a test greps the sources).
 *
 * Every transition is named, lists the states it may start from and the one it ends in, and runs
 * as one guarded UPDATE … WHERE id = ? AND state = <the state the caller read> (Prisma updateMany
 * with the expected state in `where`, `count` checked), plus an `order_events` row in the SAME
 * transaction. A transition that does not apply (wrong state, or another process moved the order
 * first) changes nothing, writes no event and returns false.
 *
 *   CREATED ──upload(6201)──▶ UPLOADED ──placePayOrder(6202)──▶ PRE_SETTLED ──startPaying──▶ PAYING ──settle──▶ PAID
 *   CREATED ──startSelfPay──▶ PAYING                      (self-pay: no insurance steps)
 *   UPLOADED/PRE_SETTLED ──resplit (after 6401)──▶ CREATED  (personal-account switch: upload again)
 *   PAYING ──abandonPayment──▶ PRE_SETTLED | ──abandonSelfPayment──▶ CREATED   (channel refused before any charge)
 *   UPLOADED/PRE_SETTLED/PAYING ──fail──▶ PAY_FAILED ──retry──▶ CREATED
 *   UPLOADED/PRE_SETTLED/PAYING ──revoke (after 6401)──▶ CANCELLED      (prescription changed)
 *   CREATED…PAYING, PAY_FAILED ──close──▶ CLOSED                         (expired / cancelled unpaid, both sides closed)
 *   CLOSED/CANCELLED/PAY_FAILED ──settleAfterClose──▶ PAID (always flagged: money arrived after we gave up)
 *   PAID ──startRefund──▶ REFUNDING ──completeRefund──▶ REFUNDED
 *   REFUNDING ──refundFailed──▶ REFUND_FAILED ──retryRefund──▶ REFUNDING; REFUND_FAILED ──completeRefund──▶ REFUNDED
 *
 * Non-state events (flag, part confirmations, dispatch, fulfilment) are written by `recordEvent`,
 * which refuses to touch `state`.
 *
 * Domain hooks run inside the same transaction: a paid consultation order → onConsultationPaid,
 * a paid prescription order → onPrescriptionPaid; refunds likewise (hooks.ts).
 */
import type { OrderState, Prisma } from '@ih/db';
import type { Db } from '../../deps';
import { orderPaidHook, orderRefundedHook, type PaidHookOutcome } from './hooks';

export type Tx = Prisma.TransactionClient;

export const TRANSITIONS = {
  upload: { from: ['CREATED'], to: 'UPLOADED' },
  placePayOrder: { from: ['UPLOADED'], to: 'PRE_SETTLED' },
  resplit: { from: ['UPLOADED', 'PRE_SETTLED'], to: 'CREATED' },
  startPaying: { from: ['PRE_SETTLED'], to: 'PAYING' },
  startSelfPay: { from: ['CREATED'], to: 'PAYING' },
  abandonPayment: { from: ['PAYING'], to: 'PRE_SETTLED' },
  abandonSelfPayment: { from: ['PAYING'], to: 'CREATED' },
  settle: { from: ['PRE_SETTLED', 'PAYING'], to: 'PAID' },
  settleAfterClose: { from: ['CLOSED', 'CANCELLED', 'PAY_FAILED'], to: 'PAID' },
  fail: { from: ['UPLOADED', 'PRE_SETTLED', 'PAYING'], to: 'PAY_FAILED' },
  retry: { from: ['PAY_FAILED'], to: 'CREATED' },
  revoke: { from: ['UPLOADED', 'PRE_SETTLED', 'PAYING'], to: 'CANCELLED' },
  close: { from: ['CREATED', 'UPLOADED', 'PRE_SETTLED', 'PAYING', 'PAY_FAILED'], to: 'CLOSED' },
  startRefund: { from: ['PAID'], to: 'REFUNDING' },
  completeRefund: { from: ['REFUNDING', 'REFUND_FAILED'], to: 'REFUNDED' },
  refundFailed: { from: ['REFUNDING'], to: 'REFUND_FAILED' },
  retryRefund: { from: ['REFUND_FAILED'], to: 'REFUNDING' },
} as const satisfies Record<string, { from: readonly OrderState[]; to: OrderState }>;

export type TransitionName = keyof typeof TRANSITIONS;

/** Fields a transition may set besides the state (never `state` or `version`). */
export type TransitionData = Omit<Prisma.OrderUncheckedUpdateManyInput, 'id' | 'state' | 'version'>;

export interface TransitionOptions {
  /** `user:<id>`, `staff:<id>`, `system`, `notify:<source>`, `reconcile:<instance>`. */
  actor: string;
  data?: TransitionData;
  /** Written to the event (no personal data). */
  detail?: Record<string, string | number | boolean | null>;
}

export interface TransitionResult {
  ok: boolean;
  /** What the consultation/prescription hook answered (settle, completeRefund), when it ran. */
  hook?: PaidHookOutcome;
}

/** Whether `name` may start from `state` (pure check; the UPDATE still decides). */
export function canTransition(name: TransitionName, state: OrderState): boolean {
  return (TRANSITIONS[name].from as readonly OrderState[]).includes(state);
}

/** Platform ids of one upload: cleared when the order starts over (resplit, retry). */
export const CLEARED_UPLOAD: TransitionData = {
  payOrdId: null,
  payToken: null,
  medOrgOrd: null,
  chrgBchno: null,
  mdtrtId: null,
  ordStas: null,
  setlType: null,
  payAuthorizationId: null,
  fundPayFen: 0,
  psnAcctPayFen: 0,
  cashPayFen: 0,
  acctMulaidPayFen: 0,
  hospPartFen: 0,
  othFeeFen: 0,
  preSettledAt: null,
  hiSettledAt: null,
  cashPaidAt: null,
};

/**
 * Runs one transition inside `tx`: UPDATE orders SET state = to … WHERE id = ? AND state = expected,
 * then the event row. `expected` is the state the caller read (it must be one the transition
 * starts from). Returns {ok: false} and changes nothing when the order is no longer in `expected`.
 */
export async function transition(tx: Tx, order: { id: string; state: OrderState }, name: TransitionName, opts: TransitionOptions): Promise<TransitionResult> {
  const t = TRANSITIONS[name];
  if (!canTransition(name, order.state)) return { ok: false };
  const now = new Date();
  const stamps: TransitionData = {};
  if (t.to === 'PAID') stamps.paidAt = now;
  if (t.to === 'CLOSED') stamps.closedAt = now;
  if (t.to === 'CANCELLED') stamps.cancelledAt = now;
  if (t.to === 'REFUNDED') stamps.refundedAt = now;
  const moved = await tx.order.updateMany({
    where: { id: order.id, state: order.state },
    data: { ...stamps, ...opts.data, state: t.to, version: { increment: 1 } },
  });
  if (moved.count !== 1) return { ok: false };
  await tx.orderEvent.create({
    data: { orderId: order.id, transition: name, fromState: order.state, toState: t.to, actor: opts.actor.slice(0, 80), ...(opts.detail ? { detail: opts.detail } : {}) },
  });
  if (t.to === 'PAID') return { ok: true, hook: await orderPaidHook(tx, order.id, now) };
  if (t.to === 'REFUNDED') {
    await orderRefundedHook(tx, order.id, now);
  }
  return { ok: true };
}

/** Non-state events (the `transition` column of their order_events rows). */
export type OrderEventName = 'FLAGGED' | 'UNFLAGGED' | 'HI_CONFIRMED' | 'CASH_CONFIRMED' | 'DISPATCHED' | 'FULFILMENT_CHOSEN' | 'PAY_MODE_CHOSEN' | 'PAYMENT_STARTED' | 'NOTE';

/**
 * A change that is not a state change (flag, part confirmed, dispatched, fulfilment chosen):
 * guarded by the state the caller read (and an optional extra condition), logged as an event
 * whose from and to are that state. Returns whether it happened.
 */
export async function recordEvent(
  tx: Tx,
  order: { id: string; state: OrderState },
  event: OrderEventName,
  opts: TransitionOptions & { where?: Prisma.OrderWhereInput },
): Promise<boolean> {
  const moved = await tx.order.updateMany({
    where: { ...opts.where, id: order.id, state: order.state },
    data: { ...opts.data, version: { increment: 1 } },
  });
  if (moved.count !== 1) return false;
  await tx.orderEvent.create({
    data: { orderId: order.id, transition: event, fromState: order.state, toState: order.state, actor: opts.actor.slice(0, 80), ...(opts.detail ? { detail: opts.detail } : {}) },
  });
  return true;
}

/** Marks the order for staff attention (idempotent per reason; any state). */
export async function flagOrder(tx: Tx, order: { id: string; state: OrderState }, reason: string, actor: string, detail?: TransitionOptions['detail']): Promise<boolean> {
  return recordEvent(tx, order, 'FLAGGED', {
    actor,
    data: { flagged: true, flagReason: reason.slice(0, 255), flaggedAt: new Date() },
    detail: { reason: reason.slice(0, 200), ...detail },
  });
}

/**
 * One short transaction holding the order's row lock (SELECT … FOR UPDATE), READ COMMITTED so the
 * reads after the lock see what other processes committed. Every money-related step on one order
 * (notify, query result, refund part) runs inside one of these: they serialise per order.
 */
export async function withOrderLock<T>(db: Db, orderId: string, fn: (tx: Tx, order: LockedOrder) => Promise<T>): Promise<T | null> {
  return db.$transaction(
    async (tx) => {
      const rows = await tx.$queryRaw<Array<{ id: string }>>`SELECT id FROM orders WHERE id = ${orderId} FOR UPDATE`;
      if (rows.length === 0) return null;
      const order = await tx.order.findUniqueOrThrow({ where: { id: orderId } });
      return fn(tx, order);
    },
    { isolationLevel: 'ReadCommitted', timeout: 20_000, maxWait: 10_000 },
  );
}

export type LockedOrder = Awaited<ReturnType<Tx['order']['findUniqueOrThrow']>>;

/** A transition in its own transaction (with the row lock): for callers that have nothing else to write. */
export async function runTransition(db: Db, orderId: string, name: TransitionName, opts: TransitionOptions & { expected?: OrderState }): Promise<TransitionResult> {
  const r = await withOrderLock(db, orderId, (tx, order) => (opts.expected && order.state !== opts.expected ? Promise.resolve({ ok: false }) : transition(tx, order, name, opts)));
  return r ?? { ok: false };
}
