/**
 * The steps between the order pages: addresses of the pages, the e-voucher authorization right
 * before the cashier (services/voucherFlow + pages/auth/voucher*, reused as they are), short
 * messages handed from one page to the next, and the address picked for an order.
 *
 *   confirm (?orderId=) ── 去支付 ──▶ voucher entry (purpose PAYMENT, returnTo = cashier)
 *        ▲                               │ authorized → 继续医保支付 → cashier (prepare 6201+6202)
 *        │                               │ cancelled  → 返回订单 → cashier → BFF: no usable
 *        └──── UNAUTHORIZED notice ◀─────┘   authorization (INSURANCE_AUTH_INVALID) → back here, 未扣费
 *   cashier ── 确认支付 ──▶ channel's cashier (platform/pay.*) ──▶ result (?orderId=): polls the BFF
 */
import Taro from '@tarojs/taro';
import { URLS } from '../routes';
import { platform } from '../platform';
import { query } from './voucherFlow';

type OrderPage = 'orderConfirm' | 'cashier' | 'payResult' | 'orderDetail' | 'orderRefund';
const PARAM: Record<OrderPage, string> = { orderConfirm: 'orderId', cashier: 'orderId', payResult: 'orderId', orderDetail: 'id', orderRefund: 'id' };

/** `/pages/…?orderId=…` (detail and refund take `id`). */
export function orderUrl(page: OrderPage, orderId: string, extra: Record<string, string | undefined> = {}): string {
  return `${URLS[page]}${query({ [PARAM[page]]: orderId, ...extra })}`;
}

export interface CashierOptions {
  /** Self-pay instead of insurance (no authorization). */
  selfPay?: boolean;
  /** Use the personal account for the personal share (职工医保 only; the BFF checks). */
  acctUsed?: boolean;
}

/** The cashier page the e-voucher pages return to (an in-app route, see isSafeReturnTo). */
export function cashierReturnTo(orderId: string, o: CashierOptions = {}): string {
  return orderUrl('cashier', orderId, { ...(o.selfPay ? { selfPay: '1' } : {}), ...(o.acctUsed ? { acct: '1' } : {}) });
}

/** The e-voucher authorization (purpose PAYMENT) for this order's patient, then the cashier. */
export function paymentVoucherUrl(orderId: string, patientId: string, o: { acctUsed?: boolean } = {}): string {
  return `${URLS.voucher}${query({ purpose: 'PAYMENT', patientId, orderId, returnTo: cashierReturnTo(orderId, o) })}`;
}

/**
 * The e-voucher authorization (purpose REFUND) the insurance part of a refund waits for; back on
 * the order (`resumeRefund=1`), the page asks the BFF to go on with the refund.
 */
export function refundVoucherUrl(orderId: string, patientId: string): string {
  return `${URLS.voucher}${query({ purpose: 'REFUND', patientId, orderId, returnTo: orderUrl('orderDetail', orderId, { resumeRefund: '1' }) })}`;
}

/** A key for one cashier visit: every pay request of the visit is the same attempt for the BFF. */
export function newIdempotencyKey(): string {
  const rand = () => Math.floor(Math.random() * 0x100000000).toString(36);
  return `pay-${Date.now().toString(36)}-${rand()}${rand()}`.slice(0, 64);
}

// ── one-shot messages between pages (survive a navigateBack, which carries no query) ─────────────
export type OrderNotice = 'UNAUTHORIZED' | 'PAY_CANCELLED' | 'REFUND_REQUESTED';
const NOTICE_KEY = 'ih.order.notice';

export function setOrderNotice(orderId: string, notice: OrderNotice): void {
  platform.storage.set(NOTICE_KEY, JSON.stringify({ orderId, notice, at: Date.now() }));
}

/** The message left for this order in the last 10 minutes, once. */
export function takeOrderNotice(orderId: string): OrderNotice | null {
  const raw = platform.storage.get(NOTICE_KEY);
  if (!raw) return null;
  try {
    const v = JSON.parse(raw) as { orderId?: string; notice?: OrderNotice; at?: number };
    if (v.orderId !== orderId) return null;
    platform.storage.remove(NOTICE_KEY);
    return typeof v.at === 'number' && Date.now() - v.at < 600_000 && v.notice ? v.notice : null;
  } catch {
    platform.storage.remove(NOTICE_KEY);
    return null;
  }
}

// ── the address picked on the address list for an order ────────────────────────────────────────
const PICKED_KEY = 'ih.order.address.picked';

export function setPickedAddress(addressId: string): void {
  platform.storage.set(PICKED_KEY, addressId);
}

export function takePickedAddress(): string | null {
  const v = platform.storage.get(PICKED_KEY);
  if (v) platform.storage.remove(PICKED_KEY);
  return v;
}

// ── leaving for the order ──────────────────────────────────────────────────────────────────────
function routeOf(page: unknown): string {
  const p = (page ?? {}) as { route?: unknown; __route__?: unknown; path?: unknown; $taroPath?: unknown };
  const r = [p.route, p.__route__, p.path, p.$taroPath].find((v) => typeof v === 'string' && v !== '') as string | undefined;
  return (r ?? '').replace(/^\//, '').split('?')[0]!;
}

/**
 * Back to the unpaid order: the page below when it is this order's confirm page (no second copy
 * on the stack), otherwise the confirm page in place of this one.
 */
export function backToOrder(orderId: string): Promise<unknown> {
  let pages: unknown[] = [];
  try {
    pages = Taro.getCurrentPages?.() ?? [];
  } catch {
    pages = [];
  }
  const below = pages.length > 1 ? routeOf(pages[pages.length - 2]) : '';
  const go = below === URLS.orderConfirm.slice(1) ? Taro.navigateBack({ delta: 1 }) : Taro.redirectTo({ url: orderUrl('orderConfirm', orderId) });
  return Promise.resolve(go).catch((e: unknown) => {
    console.warn('[order] could not go back to the order', e);
    return Taro.redirectTo({ url: orderUrl('orderConfirm', orderId) });
  });
}
