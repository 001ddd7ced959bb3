/**
 * Creating orders (amounts from our own records only), choosing the fulfilment of a prescription
 * order, listing, and ending unpaid orders (close / revoke on both sides).
 */
import type { Fulfilment, OrderList, OrderListQuery } from '@ih/contract';
import { ORDER_KIND_LABELS, ORDER_STATE_LABELS } from '@ih/contract';
import type { OrderState, Prisma } from '@ih/db';
import type { Db } from '../../deps';
import { payablePrescription } from '../prescription/hooks';
import { AppError } from '../../lib/errors';
import { CASH_CHANNELS } from './channels';
import type { OrderContext } from './context';
import { newOrderNo } from './ids';
import { revokeAtCenter } from './insurance';
import { refundAfterClosedService, reconcileOrder } from './reconcile';
import { requestRefund, type RefundRequester } from './refunds';
import { orderSetting } from './settings';
import { recordEvent, transition, withOrderLock, type TransitionName } from './stateMachine';
import { loadFullOrder, loadOwnOrder, isPaidState } from './views';

export interface CreatedOrderRef {
  orderId: string;
  orderNo: string;
}

const OPEN_UNPAID: readonly OrderState[] = ['CREATED', 'UPLOADED', 'PRE_SETTLED', 'PAYING', 'PAY_FAILED'];

/** Writes the order and its creation event together. */
async function createWithEvent(db: Db | Prisma.TransactionClient, data: Prisma.OrderUncheckedCreateInput, actor: string): Promise<CreatedOrderRef> {
  const write = async (tx: Prisma.TransactionClient) => {
    const o = await tx.order.create({ data, select: { id: true, orderNo: true } });
    await tx.orderEvent.create({ data: { orderId: o.id, transition: 'create', fromState: null, toState: 'CREATED', actor, detail: { kind: data.kind, totalFen: data.totalFen, deliveryFeeFen: data.deliveryFeeFen ?? 0 } } });
    return { orderId: o.id, orderNo: o.orderNo };
  };
  // Inside the caller's transaction (CONSULT-BFF creates the consultation and its order together) or in our own.
  return '$transaction' in db && typeof db.$transaction === 'function' ? (db as Db).$transaction(write) : write(db);
}

export async function createConsultationOrder(db: Db | Prisma.TransactionClient, consultationId: string, now = new Date()): Promise<CreatedOrderRef> {
  const c = await db.consultation.findUnique({
    where: { id: consultationId },
    select: { id: true, userId: true, patientId: true, hospitalId: true, feeFen: true, insured: true, doctor: { select: { consultationFeeFen: true } } },
  });
  if (!c) throw new AppError('NOT_FOUND', { message: '问诊不存在' });
  const existing = await db.order.findFirst({ where: { consultationId: c.id, kind: 'CONSULTATION' }, orderBy: { createdAt: 'desc' }, select: { id: true, orderNo: true } });
  if (existing) return { orderId: existing.id, orderNo: existing.orderNo };
  // The fee CONSULT-BFF copied from the doctor's catalog entry when the consultation was created.
  const fee = c.feeFen;
  if (!Number.isSafeInteger(fee) || fee < 0) throw new AppError('INTERNAL');
  const minutes = await orderSetting(db as Db, 'expireMinutes');
  return createWithEvent(
    db,
    {
      orderNo: newOrderNo(now),
      kind: 'CONSULTATION',
      userId: c.userId,
      patientId: c.patientId,
      hospitalId: c.hospitalId,
      consultationId: c.id,
      totalFen: fee,
      payMode: c.insured ? 'INSURANCE' : 'SELF_PAY',
      selfPayReason: c.insured ? null : 'OUT_OF_CATALOG',
      expiresAt: new Date(now.getTime() + minutes * 60_000),
    },
    'consult',
  );
}

async function checkAddress(db: Db, userId: string, fulfilment: Fulfilment, addressId?: string | null): Promise<string | null> {
  if (fulfilment !== 'DELIVERY') return null;
  if (!addressId) throw new AppError('VALIDATION_FAILED', { fields: [{ path: 'addressId', message: '请选择收货地址' }] });
  const a = await db.address.findFirst({ where: { id: addressId, userId, deletedAt: null }, select: { id: true } });
  if (!a) throw new AppError('NOT_FOUND', { message: '收货地址不存在' });
  return a.id;
}

/** The prescription's order (an open unpaid one is reused with the new fulfilment). */
export async function createPrescriptionOrder(db: Db, args: { prescriptionId: string; userId: string; fulfilment: Fulfilment; addressId?: string | null }, now = new Date()): Promise<CreatedOrderRef> {
  // RX-BFF: the approved, signed (doctor + pharmacist, verified), current, unexpired version — or a coded refusal.
  await payablePrescription(db, args.prescriptionId, args.userId);
  const rx = await db.prescription.findFirst({
    where: { id: args.prescriptionId, patient: { ownerUserId: args.userId } },
    select: { id: true, status: true, patientId: true, hospitalId: true, totalFen: true, items: { select: { amountFen: true, quantity: true, unitPriceFen: true } } },
  });
  if (!rx) throw new AppError('NOT_FOUND', { message: '处方不存在' });
  if (rx.status !== 'APPROVED' && rx.status !== 'UPLOADED') throw new AppError('ORDER_PRESCRIPTION_NOT_PAYABLE');
  const sum = rx.items.reduce((s, i) => s + i.amountFen, 0);
  if (rx.items.length === 0 || sum !== rx.totalFen || rx.items.some((i) => i.amountFen !== i.unitPriceFen * i.quantity)) throw new AppError('ORDER_PRESCRIPTION_NOT_PAYABLE');
  const addressId = await checkAddress(db, args.userId, args.fulfilment, args.addressId);
  const deliveryFeeFen = args.fulfilment === 'DELIVERY' ? await orderSetting(db, 'deliveryFeeFen') : 0;
  const open = await db.order.findFirst({ where: { prescriptionId: rx.id, kind: 'PRESCRIPTION', state: { in: [...OPEN_UNPAID] } }, orderBy: { createdAt: 'desc' }, select: { id: true, orderNo: true, state: true } });
  if (open) {
    if (['CREATED', 'UPLOADED', 'PRE_SETTLED'].includes(open.state)) await setFulfilment(db, open.id, args.userId, args.fulfilment, addressId, deliveryFeeFen);
    return { orderId: open.id, orderNo: open.orderNo };
  }
  const paid = await db.order.findFirst({ where: { prescriptionId: rx.id, state: { in: ['PAID', 'REFUNDING', 'REFUND_FAILED'] } }, select: { id: true } });
  if (paid) throw new AppError('PAYMENT_ALREADY_PAID');
  const minutes = await orderSetting(db, 'expireMinutes');
  return createWithEvent(
    db,
    {
      orderNo: newOrderNo(now),
      kind: 'PRESCRIPTION',
      userId: args.userId,
      patientId: rx.patientId,
      hospitalId: rx.hospitalId,
      prescriptionId: rx.id,
      totalFen: rx.totalFen,
      fulfilment: args.fulfilment,
      addressId,
      deliveryFeeFen,
      expiresAt: new Date(now.getTime() + minutes * 60_000),
    },
    `user:${args.userId}`,
  );
}

/** Pick-up or delivery (and the delivery fee, cash only) while the order is not being paid. */
async function setFulfilment(db: Db, orderId: string, userId: string, fulfilment: Fulfilment, addressId: string | null, deliveryFeeFen: number): Promise<void> {
  const ok = await withOrderLock(db, orderId, (tx, o) => {
    if (!['CREATED', 'UPLOADED', 'PRE_SETTLED'].includes(o.state)) throw new AppError('ORDER_FULFILMENT_LOCKED');
    return recordEvent(tx, o, 'FULFILMENT_CHOSEN', { actor: `user:${userId}`, data: { fulfilment, addressId, deliveryFeeFen }, detail: { fulfilment, deliveryFeeFen } });
  });
  if (!ok) throw new AppError('CONFLICT');
}

export async function chooseFulfilment(ctx: OrderContext, userId: string, orderId: string, fulfilment: Fulfilment, addressId?: string | null): Promise<void> {
  const o = await loadOwnOrder(ctx, userId, orderId);
  if (o.kind !== 'PRESCRIPTION') throw new AppError('BAD_REQUEST', { message: '问诊订单无需选择取药方式' });
  if (o.flagged) throw new AppError('ORDER_UNDER_REVIEW');
  if (!['CREATED', 'UPLOADED', 'PRE_SETTLED'].includes(o.state)) throw new AppError('ORDER_FULFILMENT_LOCKED');
  const address = await checkAddress(ctx.prisma, userId, fulfilment, addressId);
  const fee = fulfilment === 'DELIVERY' ? await orderSetting(ctx.prisma, 'deliveryFeeFen', ctx.logger) : 0;
  await setFulfilment(ctx.prisma, orderId, userId, fulfilment, address, fee);
}

const LIST_FILTERS: Record<NonNullable<OrderListQuery['status']>, readonly OrderState[] | null> = {
  unpaid: OPEN_UNPAID,
  paid: ['PAID'],
  refund: ['REFUNDING', 'REFUNDED', 'REFUND_FAILED'],
  closed: ['CLOSED', 'CANCELLED'],
  all: null,
};

export async function listOrders(ctx: OrderContext, userId: string, q: { status: NonNullable<OrderListQuery['status']>; page: number; pageSize: number }): Promise<OrderList> {
  const states = LIST_FILTERS[q.status];
  const where: Prisma.OrderWhereInput = { userId, ...(states ? { state: { in: [...states] } } : {}) };
  const [total, rows] = await Promise.all([
    ctx.prisma.order.count({ where }),
    ctx.prisma.order.findMany({ where, orderBy: { createdAt: 'desc' }, skip: (q.page - 1) * q.pageSize, take: q.pageSize, include: { hospital: { select: { name: true } }, patient: { select: { nameMasked: true } } } }),
  ]);
  return {
    total,
    page: q.page,
    pageSize: q.pageSize,
    items: rows.map((o) => ({
      id: o.id,
      orderNo: o.orderNo,
      kind: o.kind,
      kindLabel: ORDER_KIND_LABELS[o.kind],
      state: o.state,
      stateLabel: ORDER_STATE_LABELS[o.state],
      hospitalName: o.hospital.name,
      patientNameMasked: o.patient.nameMasked,
      totalFen: o.totalFen,
      deliveryFeeFen: o.deliveryFeeFen,
      payMode: o.payMode,
      createdAt: o.createdAt.toISOString(),
    })),
  };
}

export type EndOutcome = 'closed' | 'revoked' | 'paid' | 'pending' | 'nothing_to_do';

/**
 * Ends an unpaid order on both sides: asks the channel and the center first (if it turns out
 * paid, it is settled instead and 'paid' is returned), closes the channel order, revokes the
 * upload (6401), then the guarded transition (close: CLOSED; revoke: CANCELLED after 6401).
 */
export async function endUnpaidOrder(ctx: OrderContext, orderId: string, how: 'close' | 'revoke', reason: string, actor: string): Promise<EndOutcome> {
  let o = await loadFullOrder(ctx, orderId);
  if (!o) return 'nothing_to_do';
  if (isPaidState(o.state)) return 'paid';
  if (!OPEN_UNPAID.includes(o.state)) return 'nothing_to_do';
  if (o.state === 'PAYING' || o.state === 'PRE_SETTLED' || o.state === 'UPLOADED') {
    await reconcileOrder(ctx, orderId, actor).catch((err: unknown) => ctx.logger.warn({ err, orderId }, 'query before closing failed'));
    o = (await loadFullOrder(ctx, orderId))!;
    if (isPaidState(o.state)) return 'paid';
    if (!OPEN_UNPAID.includes(o.state)) return 'nothing_to_do';
  }
  const p = o.payments[0];
  if (p && (p.status === 'CREATED' || p.status === 'PENDING')) {
    const q = await CASH_CHANNELS[p.channel].query(ctx, o, p).catch(() => ({ status: 'UNKNOWN' as const }));
    if (q.status === 'PAID' || q.status === 'MISMATCH' || q.status === 'UNKNOWN') return 'pending';
    await CASH_CHANNELS[p.channel].close(ctx, o, p).catch((err: unknown) => ctx.logger.warn({ err, orderId }, 'closing the channel order failed'));
  }
  if (o.payOrdId && o.state !== 'PAY_FAILED' && o.state !== 'CREATED') {
    const r = await revokeAtCenter(ctx, o);
    if (r === 'settled') {
      await reconcileOrder(ctx, orderId, actor).catch(() => undefined);
      return 'pending';
    }
    if (r === 'unknown') return 'pending';
  }
  const name: TransitionName = how === 'revoke' && ['UPLOADED', 'PRE_SETTLED', 'PAYING'].includes(o.state) ? 'revoke' : 'close';
  const ok = await withOrderLock(ctx.prisma, orderId, async (tx, locked) => {
    const t = await transition(tx, locked, name, { actor, data: { failureReason: reason.slice(0, 255) }, detail: { why: reason.slice(0, 120) } });
    if (t.ok) await tx.payment.updateMany({ where: { orderId, status: { in: ['CREATED', 'PENDING'] } }, data: { status: 'CLOSED', completedAt: new Date() } });
    return t.ok;
  });
  return ok ? (name === 'revoke' ? 'revoked' : 'closed') : 'pending';
}

/** Refund after the service was closed (consult, rx), or close when unpaid. */
export async function refundOrClose(ctx: OrderContext, orderId: string, reason: string, actor: string, requester: RefundRequester): Promise<'closed' | 'refund_started' | 'nothing_to_do' | 'pending'> {
  const o = await ctx.prisma.order.findUnique({ where: { id: orderId }, select: { state: true } });
  if (!o) return 'nothing_to_do';
  if (o.state === 'PAID') {
    await requestRefund(ctx, { orderId, reason, requester });
    return 'refund_started';
  }
  if (['REFUNDING', 'REFUNDED', 'REFUND_FAILED', 'CLOSED', 'CANCELLED'].includes(o.state)) return 'nothing_to_do';
  const r = await endUnpaidOrder(ctx, orderId, 'close', reason, actor);
  if (r === 'paid') {
    await refundAfterClosedService(ctx, orderId, actor);
    return 'refund_started';
  }
  return r === 'closed' ? 'closed' : r === 'nothing_to_do' ? 'nothing_to_do' : 'pending';
}
