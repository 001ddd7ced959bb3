/**
 * Orders, cashier, payment, result, refunds and delivery addresses (patients), refund approval and
 * dispatch (staff), and the platforms' callbacks (no session; see callbacks.ts).
 *
 * Patients (requireAuth PATIENT; another user's order answers 404):
 *   GET    /api/v1/orders?status=unpaid|paid|refund|closed|all&page&pageSize → OrderList
 *   POST   /api/v1/orders/prescription {prescriptionId, fulfilment, addressId?} → 201 CreatedOrder
 *   GET    /api/v1/orders/:id                         → OrderView
 *   PUT    /api/v1/orders/:id/fulfilment {fulfilment, addressId?} → OrderView
 *   GET    /api/v1/orders/:id/cashier                 → CashierView (no platform call)
 *   POST   /api/v1/orders/:id/prepare-insurance {acctUsedFlag?, selfPay?, location?} → CashierView
 *   POST   /api/v1/orders/:id/pay {channel}  [Idempotency-Key] → PayResponse
 *   GET    /api/v1/orders/:id/status                  → OrderStatus (queries the platforms, rate-limited)
 *   POST   /api/v1/orders/:id/refund {reason}         → 201 RefundView (again: resumes one waiting for authorization)
 *   GET    /api/v1/addresses                          → AddressList
 *   POST   /api/v1/addresses                          → 201 Address
 *   PUT    /api/v1/addresses/:id                      → Address
 *   DELETE /api/v1/addresses/:id                      → {id, deleted: true}
 * Staff (DOCTOR / PHARMACIST / ADMIN of the order's hospital):
 *   GET    /api/v1/staff/refunds                      → StaffRefundList (waiting for approval)
 *   POST   /api/v1/staff/refunds/:id/decision {approve, comment?} → RefundView
 *   POST   /api/v1/staff/orders/:id/dispatch          → {orderId, dispatchedAt}
 */
import Router from '@koa/router';
import {
  API_PREFIX,
  AddressInputSchema,
  AddressListSchema,
  CashierViewSchema,
  CreatePrescriptionOrderRequestSchema,
  FulfilmentRequestSchema,
  OrderListQuerySchema,
  PAY_MODE_LABELS,
  SELF_PAY_REASON_TEXT,
  OrderStatusSchema,
  OrderViewSchema,
  PayRequestSchema,
  PayResponseSchema,
  PrepareInsuranceRequestSchema,
  RefundRequestSchema,
  RefundViewSchema,
  StaffRefundDecisionSchema,
  StaffRefundListSchema,
} from '@ih/contract';
import type { Context } from 'koa';
import { z } from 'zod';
import { audit } from '../../lib/audit';
import { AppError } from '../../lib/errors';
import { input, validate } from '../../lib/validate';
import type { AppDeps } from '../../deps';
import { authUser, requireAuth, type AuthState } from '../auth/middleware';
import { limits } from '../auth/limits';
import { AddressService } from './addresses';
import { callbacksRouter } from './callbacks';
import { createOrderContext, registerOrderContext, type OrderContext, type OrderPlatforms } from './context';
import { automaticSelfPayReason, prepareCashier } from './insurance';
import { chooseFulfilment, createPrescriptionOrder, listOrders } from './orders';
import { pay } from './payments';
import { pollOrder, runReconciliation } from './reconcile';
import { decideRefund, requestRefund } from './refunds';
import { orderSetting } from './settings';
import { recordEvent, withOrderLock } from './stateMachine';
import { DbNonceStore } from '../../lib/nonceStore';
import { buildCashierView, buildOrderView, loadOwnOrder, statusView } from './views';

const IdParams = z.object({ id: z.string().min(1).max(64) });
const IdempotencyKey = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, '幂等键格式不正确');

export interface OrderRouterDeps extends AppDeps {
  /** Tests pass their own platform clients. */
  orderPlatforms?: OrderPlatforms;
}

export function orderRouters(deps: OrderRouterDeps): { api: Router; callbacks: Router; ctx: OrderContext } {
  const ctx = createOrderContext({ prisma: deps.prisma, logger: deps.logger, config: deps.config, ...(deps.orderPlatforms ? { platforms: deps.orderPlatforms } : {}) });
  registerOrderContext(ctx);
  const { prisma, logger } = deps;
  const addresses = new AddressService(ctx);
  const router = new Router({ prefix: API_PREFIX });
  const patientOnly = requireAuth({ roles: ['PATIENT'] });
  // Actions that reach the insurance center or a payment channel: a budget per user (auth/limits.ts).
  const paymentLimit = limits(deps).payment;
  const staffOnly = requireAuth({ roles: ['DOCTOR', 'PHARMACIST', 'ADMIN'] });
  const record = (c: Context, action: string, targetType: string, targetId: string, details?: Record<string, string | number | boolean | null>) => {
    const user = authUser(c);
    return audit(prisma, logger, c, { action, targetType, targetId, actorUserId: user.id, actorRole: user.role, ...(details ? { details } : {}) });
  };

  // ── orders ──
  router.get('/orders', patientOnly, validate(OrderListQuerySchema, 'query'), async (c) => {
    const q = input(c, 'query', OrderListQuerySchema);
    c.body = await listOrders(ctx, authUser(c).id, q);
  });

  router.post('/orders/prescription', patientOnly, paymentLimit, validate(CreatePrescriptionOrderRequestSchema), async (c) => {
    const b = input(c, 'body', CreatePrescriptionOrderRequestSchema);
    const created = await createPrescriptionOrder(prisma, { prescriptionId: b.prescriptionId, userId: authUser(c).id, fulfilment: b.fulfilment, addressId: b.addressId ?? null });
    await record(c, 'order.created', 'order', created.orderId, { kind: 'PRESCRIPTION', fulfilment: b.fulfilment });
    c.status = 201;
    c.body = created;
  });

  /** The order as the confirm page shows it: before the cashier, an order that cannot use insurance already says so and why. */
  const orderView = async (userId: string, id: string) => {
    const o = await loadOwnOrder(ctx, userId, id);
    const view = await buildOrderView(ctx, o);
    if (o.state === 'CREATED' && o.payMode === 'INSURANCE') {
      const reason = await automaticSelfPayReason(ctx, o);
      if (reason) Object.assign(view, { payMode: 'SELF_PAY', payModeLabel: PAY_MODE_LABELS.SELF_PAY, selfPayReason: reason, selfPayReasonText: SELF_PAY_REASON_TEXT[reason] });
    }
    return OrderViewSchema.parse(view);
  };

  router.get('/orders/:id', patientOnly, validate(IdParams, 'params'), async (c) => {
    const { id } = input(c, 'params', IdParams);
    c.body = await orderView(authUser(c).id, id);
  });

  router.put('/orders/:id/fulfilment', patientOnly, validate(IdParams, 'params'), validate(FulfilmentRequestSchema), async (c) => {
    const { id } = input(c, 'params', IdParams);
    const b = input(c, 'body', FulfilmentRequestSchema);
    await chooseFulfilment(ctx, authUser(c).id, id, b.fulfilment, b.addressId ?? null);
    await record(c, 'order.fulfilment', 'order', id, { fulfilment: b.fulfilment });
    c.body = await orderView(authUser(c).id, id);
  });

  router.get('/orders/:id/cashier', patientOnly, validate(IdParams, 'params'), async (c) => {
    const { id } = input(c, 'params', IdParams);
    c.body = CashierViewSchema.parse(await buildCashierView(ctx, await loadOwnOrder(ctx, authUser(c).id, id)));
  });

  router.post('/orders/:id/prepare-insurance', patientOnly, paymentLimit, validate(IdParams, 'params'), validate(PrepareInsuranceRequestSchema), async (c) => {
    const { id } = input(c, 'params', IdParams);
    const b = input(c, 'body', PrepareInsuranceRequestSchema);
    try {
      const view = await prepareCashier(ctx, authUser(c).id, id, b);
      await record(c, 'order.prepared', 'order', id, { payMode: view.payMode, acctUsedFlag: view.acctUsedFlag, selfPayReason: view.selfPayReason });
      c.body = CashierViewSchema.parse(view);
    } catch (err) {
      await record(c, 'order.prepare_refused', 'order', id, { code: err instanceof AppError ? err.code : 'INTERNAL' });
      throw err;
    }
  });

  router.post('/orders/:id/pay', patientOnly, paymentLimit, validate(IdParams, 'params'), validate(PayRequestSchema), async (c) => {
    const { id } = input(c, 'params', IdParams);
    const b = input(c, 'body', PayRequestSchema);
    const rawKey = c.get('idempotency-key');
    let key: string | null = null;
    if (rawKey) {
      const parsed = IdempotencyKey.safeParse(rawKey);
      if (!parsed.success) throw new AppError('VALIDATION_FAILED', { fields: [{ path: 'headers.idempotency-key', message: '幂等键格式不正确' }] });
      key = parsed.data;
    }
    const session = (c.state as AuthState).session!;
    try {
      const r = await pay(ctx, { userId: authUser(c).id, sessionChannel: session.channel }, id, b.channel, key);
      await record(c, 'order.pay', 'order', id, { channel: b.channel, paymentId: r.paymentId, cashFen: r.cashFen });
      c.body = PayResponseSchema.parse(r);
    } catch (err) {
      await record(c, 'order.pay_refused', 'order', id, { channel: b.channel, code: err instanceof AppError ? err.code : 'INTERNAL' });
      throw err;
    }
  });

  router.get('/orders/:id/status', patientOnly, validate(IdParams, 'params'), async (c) => {
    const { id } = input(c, 'params', IdParams);
    const user = authUser(c);
    await loadOwnOrder(ctx, user.id, id);
    await pollOrder(ctx, id, `user:${user.id}`);
    const o = await loadOwnOrder(ctx, user.id, id);
    const every = await orderSetting(prisma, 'statusPollSeconds', logger);
    c.body = OrderStatusSchema.parse(statusView(o, Math.max(1000, every * 1000)));
  });

  router.post('/orders/:id/refund', patientOnly, paymentLimit, validate(IdParams, 'params'), validate(RefundRequestSchema), async (c) => {
    const { id } = input(c, 'params', IdParams);
    const b = input(c, 'body', RefundRequestSchema);
    const user = authUser(c);
    try {
      const view = await requestRefund(ctx, { orderId: id, reason: b.reason, requester: { kind: 'user', userId: user.id }, ownerUserId: user.id });
      await record(c, 'order.refund_requested', 'order', id, { refundId: view.id, status: view.status });
      c.status = 201;
      c.body = RefundViewSchema.parse(view);
    } catch (err) {
      await record(c, 'order.refund_refused', 'order', id, { code: err instanceof AppError ? err.code : 'INTERNAL' });
      throw err;
    }
  });

  // ── addresses ──
  router.get('/addresses', patientOnly, async (c) => {
    c.body = AddressListSchema.parse({ items: await addresses.list(authUser(c).id) });
  });
  router.post('/addresses', patientOnly, validate(AddressInputSchema), async (c) => {
    const a = await addresses.create(authUser(c).id, input(c, 'body', AddressInputSchema));
    await record(c, 'address.created', 'address', a.id);
    c.status = 201;
    c.body = a;
  });
  router.put('/addresses/:id', patientOnly, validate(IdParams, 'params'), validate(AddressInputSchema), async (c) => {
    const { id } = input(c, 'params', IdParams);
    const a = await addresses.update(authUser(c).id, id, input(c, 'body', AddressInputSchema));
    await record(c, 'address.updated', 'address', id);
    c.body = a;
  });
  router.delete('/addresses/:id', patientOnly, validate(IdParams, 'params'), async (c) => {
    const { id } = input(c, 'params', IdParams);
    await addresses.remove(authUser(c).id, id);
    await record(c, 'address.deleted', 'address', id);
    c.body = { id, deleted: true };
  });

  // ── staff ──
  const staffHospital = async (userId: string): Promise<string> => {
    const [d, p] = await Promise.all([prisma.doctor.findUnique({ where: { userId }, select: { hospitalId: true } }), prisma.pharmacist.findUnique({ where: { userId }, select: { hospitalId: true } })]);
    const h = d?.hospitalId ?? p?.hospitalId;
    if (!h) throw new AppError('FORBIDDEN');
    return h;
  };
  router.get('/staff/refunds', staffOnly, async (c) => {
    const hospitalId = await staffHospital(authUser(c).id);
    const rows = await prisma.refund.findMany({
      where: { status: 'AWAITING_APPROVAL', order: { hospitalId } },
      orderBy: { createdAt: 'asc' },
      take: 100,
      include: { order: { select: { id: true, orderNo: true, kind: true, dispatchedAt: true, patient: { select: { nameMasked: true } } } } },
    });
    c.body = StaffRefundListSchema.parse({
      items: rows.map((r) => ({ refundId: r.id, refundNo: r.refundNo, orderId: r.order.id, orderNo: r.order.orderNo, kind: r.order.kind, status: r.status, totalFen: r.totalFen, reason: r.reason, patientNameMasked: r.order.patient.nameMasked, dispatched: !!r.order.dispatchedAt, createdAt: r.createdAt.toISOString() })),
    });
  });
  router.post('/staff/refunds/:id/decision', staffOnly, validate(IdParams, 'params'), validate(StaffRefundDecisionSchema), async (c) => {
    const { id } = input(c, 'params', IdParams);
    const b = input(c, 'body', StaffRefundDecisionSchema);
    const user = authUser(c);
    const view = await decideRefund(ctx, { refundId: id, approve: b.approve, ...(b.comment ? { comment: b.comment } : {}), staffUserId: user.id, staffHospitalId: await staffHospital(user.id) });
    await record(c, b.approve ? 'refund.approved' : 'refund.rejected', 'refund', id);
    c.body = RefundViewSchema.parse(view);
  });
  router.post('/staff/orders/:id/dispatch', requireAuth({ roles: ['PHARMACIST', 'ADMIN'] }), validate(IdParams, 'params'), async (c) => {
    const { id } = input(c, 'params', IdParams);
    const user = authUser(c);
    const hospitalId = await staffHospital(user.id);
    const o = await prisma.order.findUnique({ where: { id }, select: { hospitalId: true, kind: true } });
    if (!o || o.hospitalId !== hospitalId || o.kind !== 'PRESCRIPTION') throw new AppError('NOT_FOUND', { message: '订单不存在' });
    const at = ctx.now();
    const ok = await withOrderLock(prisma, id, (tx, locked) =>
      locked.state !== 'PAID' ? Promise.resolve(false) : recordEvent(tx, locked, 'DISPATCHED', { actor: `staff:${user.id}`, where: { dispatchedAt: null }, data: { dispatchedAt: at }, detail: { by: user.id } }),
    );
    if (!ok) throw new AppError('CONFLICT', { message: '订单未支付、正在退款或已发药' });
    await record(c, 'order.dispatched', 'order', id);
    c.body = { orderId: id, dispatchedAt: at.toISOString() };
  });

  // ── the reconciliation job (every order_reconcile_interval_seconds; the tick is 1 s) ──
  if (deps.jobs) {
    let last = 0;
    let every = 30_000;
    let lastRead = 0;
    deps.jobs.register({
      name: 'order.reconcile',
      everyMs: 1000,
      run: async () => {
        const now = Date.now();
        if (now - lastRead > 10_000) {
          every = (await orderSetting(prisma, 'reconcileIntervalSeconds', logger)) * 1000;
          lastRead = now;
        }
        if (now - last < every) return { skipped: true };
        last = now;
        return runReconciliation(ctx);
      },
    });
  }

  // ── callback nonces whose time is over (any instance may sweep; a plain DELETE) ──
  if (deps.jobs) {
    const nonces = new DbNonceStore(prisma);
    deps.jobs.register({ name: 'callbacks.nonces', everyMs: 10 * 60_000, run: async () => ({ deleted: await nonces.sweep() }) });
  }

  return { api: router, callbacks: callbacksRouter(ctx), ctx };
}
