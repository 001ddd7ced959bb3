/**
 * POST /orders/:id/pay {channel}: one payment attempt per order at a time, one charge.
 *
 * - The attempt is claimed by the guarded transition PRE_SETTLED → PAYING (self-pay: CREATED →
 *   PAYING) together with the payment row, in one transaction under the order's row lock. A
 *   double tap (or a retry with the same Idempotency-Key) finds the order PAYING and gets the SAME
 *   attempt's launch parameters: never a second channel order, never a second charge.
 * - The channel call happens after the claim. A refusal that certainly created nothing returns the
 *   order to where it was (abandonPayment); an unknown outcome leaves it PAYING for the status poll
 *   and the reconciliation job to resolve by querying the channel (never by creating again).
 */
import { PAY_CHANNELS, type PayChannel, type PayLaunch, type PayResponse } from '@ih/contract';
import type { ClientChannel, Payment } from '@ih/db';
import { AppError } from '../../lib/errors';
import { CASH_CHANNELS, CHANNEL_OF_SESSION } from './channels';
import type { OrderContext } from './context';
import { newOutTradeNo } from './ids';
import { outcomeUnknown, platformUserError } from './platformErrors';
import { transition, withOrderLock } from './stateMachine';
import { addressSnapshot } from './addresses';
import { cashDue, loadOwnOrder, type FullOrder } from './views';
import { isUniqueViolation } from '../../lib/dbErrors';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface PayCaller {
  userId: string;
  /** The signed-in client build (WEAPP → WeChat Pay, ALIPAY → Alipay, H5 → the national APP). */
  sessionChannel: ClientChannel;
}

export async function pay(ctx: OrderContext, caller: PayCaller, orderId: string, channel: PayChannel, idempotencyKey: string | null): Promise<PayResponse> {
  if (!PAY_CHANNELS.includes(channel)) throw new AppError('VALIDATION_FAILED');
  if (CHANNEL_OF_SESSION[caller.sessionChannel] !== channel) throw new AppError('ORDER_CHANNEL_UNAVAILABLE');
  let o = await loadOwnOrder(ctx, caller.userId, orderId);
  if (idempotencyKey) {
    const same = await ctx.prisma.payment.findFirst({ where: { orderId, idempotencyKey } });
    if (same) return answerExisting(ctx, caller, orderId, same.id);
  }
  if (o.flagged) throw new AppError('ORDER_UNDER_REVIEW');
  if (['PAID', 'REFUNDING', 'REFUNDED', 'REFUND_FAILED'].includes(o.state)) throw new AppError('PAYMENT_ALREADY_PAID');
  if (o.state === 'PAYING') {
    const latest = o.payments[0];
    if (latest && latest.channel === channel) return answerExisting(ctx, caller, orderId, latest.id);
    throw new AppError('ORDER_PAYMENT_IN_PROGRESS');
  }
  if (o.state === 'CLOSED' || o.state === 'CANCELLED') throw new AppError('PAYMENT_ORDER_CLOSED');
  if (o.expiresAt && o.expiresAt.getTime() <= ctx.now().getTime()) throw new AppError('PAYMENT_ORDER_CLOSED', { message: '订单已超时，请返回重新下单' });
  if (o.kind === 'PRESCRIPTION' && !o.fulfilment) throw new AppError('ORDER_FULFILMENT_REQUIRED');
  const selfPay = o.payMode === 'SELF_PAY';
  if (selfPay ? o.state !== 'CREATED' || !o.selfPayReason : o.state !== 'PRE_SETTLED') {
    throw new AppError('ORDER_NOT_PAYABLE', { message: '请先在订单页确认医保结算信息（或选择自费）后再支付' });
  }
  const cash = cashDue(o);
  if (cash === null) throw new AppError('ORDER_NOT_PAYABLE');

  // Claim the attempt: guarded transition + payment row in one transaction.
  let claimed: Payment | null = null;
  try {
    claimed = await withOrderLock(ctx.prisma, orderId, async (tx, locked) => {
      const attemptNo = (await tx.payment.count({ where: { orderId } })) + 1;
      const address = locked.kind === 'PRESCRIPTION' && locked.fulfilment === 'DELIVERY' && locked.addressId ? await tx.address.findUnique({ where: { id: locked.addressId } }) : null;
      const t = await transition(tx, locked, selfPay ? 'startSelfPay' : 'startPaying', {
        actor: `user:${caller.userId}`,
        data: { channel: caller.sessionChannel, ...(address ? { deliveryAddrEnc: addressSnapshot(ctx.cipher, address, locked.id) } : {}) },
        detail: { channel, attemptNo, cashFen: cash },
      });
      if (!t.ok) return null;
      return tx.payment.create({
        data: {
          orderId,
          attemptNo,
          channel,
          outTradeNo: newOutTradeNo(ctx.now()),
          cashFen: cash,
          insuranceFen: selfPay ? 0 : locked.fundPayFen + locked.psnAcctPayFen,
          ...(idempotencyKey ? { idempotencyKey } : {}),
        },
      });
    });
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
  }
  if (!claimed) {
    // Someone else (the other tap) claimed it: answer that attempt.
    const latest = await ctx.prisma.payment.findFirst({ where: { orderId }, orderBy: { attemptNo: 'desc' } });
    if (!latest) throw new AppError('CONFLICT');
    return answerExisting(ctx, caller, orderId, latest.id);
  }

  o = await loadOwnOrder(ctx, caller.userId, orderId);
  const ch = CASH_CHANNELS[channel];
  let created;
  try {
    created = await ch.create(ctx, o, claimed);
  } catch (err) {
    if (outcomeUnknown(err)) {
      ctx.logger.warn({ err, orderId, paymentId: claimed.id }, 'pay: channel outcome unknown; the order stays PAYING until a query resolves it');
      throw new AppError('UPSTREAM_TIMEOUT', { cause: err, message: '支付平台响应超时，请稍后在订单详情查看结果，请勿重复支付' });
    }
    await abandon(ctx, o, claimed, err instanceof Error ? err.message : 'refused', caller.userId);
    throw platformUserError(err);
  }
  await ctx.prisma.payment.updateMany({
    where: { id: claimed.id, status: 'CREATED' },
    data: { status: 'PENDING', ...(created.channelTradeNo ? { channelTradeNo: created.channelTradeNo } : {}), ...(created.prepayId ? { prepayId: created.prepayId } : {}) },
  });
  return { orderId, paymentId: claimed.id, channel, cashFen: claimed.cashFen, launch: created.launch };
}

/** The channel refused before anything could be charged: the attempt fails, the order may be paid again. */
async function abandon(ctx: OrderContext, o: FullOrder, p: Payment, reason: string, userId: string): Promise<void> {
  // A prepay may exist already (WeChat: prepay made, mixed order refused): close it so it can never be paid.
  await CASH_CHANNELS[p.channel].close(ctx, o, p).catch((e: unknown) => ctx.logger.warn({ err: e, orderId: o.id }, 'closing an abandoned attempt failed'));
  await withOrderLock(ctx.prisma, o.id, async (tx, locked) => {
    await tx.payment.updateMany({ where: { id: p.id, status: 'CREATED' }, data: { status: 'FAILED', failureMessage: reason.slice(0, 255), completedAt: new Date() } });
    await transition(tx, locked, locked.payMode === 'SELF_PAY' ? 'abandonSelfPayment' : 'abandonPayment', { actor: `user:${userId}`, detail: { paymentId: p.id, why: 'channel refused' } });
  });
}

/** The same attempt again (double tap, Idempotency-Key repeat, back from the channel). */
async function answerExisting(ctx: OrderContext, caller: PayCaller, orderId: string, paymentId: string): Promise<PayResponse> {
  let p = await ctx.prisma.payment.findUniqueOrThrow({ where: { id: paymentId } });
  // The first tap may still be talking to the channel: wait for it briefly.
  for (let i = 0; i < 40 && p.status === 'CREATED'; i++) {
    await sleep(200);
    p = await ctx.prisma.payment.findUniqueOrThrow({ where: { id: paymentId } });
  }
  if (p.status === 'CREATED') throw new AppError('ORDER_PAYMENT_IN_PROGRESS');
  if (p.status === 'FAILED' || p.status === 'CLOSED') throw new AppError('ORDER_NOT_PAYABLE', { message: '上一次支付未成功，请返回订单重新确认后支付' });
  const o = await loadOwnOrder(ctx, caller.userId, orderId);
  let launch: PayLaunch = { kind: 'NONE' };
  if (p.status === 'PENDING' && o.state === 'PAYING') launch = await CASH_CHANNELS[p.channel].relaunch(ctx, o, p).catch((err: unknown) => { throw platformUserError(err); });
  return { orderId, paymentId: p.id, channel: p.channel, cashFen: p.cashFen, launch };
}
