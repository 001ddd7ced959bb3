/**
 * /api/v1/orders/* and /api/v1/addresses/*: orders, the cashier (待结算详情), payment, result,
 * refunds and delivery addresses. Every amount comes from the BFF (the platform's split); the
 * client never computes or sends one. Pages show errors themselves: every call is silent.
 */
import {
  API_PREFIX,
  AddressListSchema,
  AddressSchema,
  CashierViewSchema,
  CreatedOrderSchema,
  OrderListSchema,
  OrderStatusSchema,
  OrderViewSchema,
  PayResponseSchema,
  RefundViewSchema,
  type Address,
  type AddressInput,
  type AddressList,
  type CashierView,
  type CreatePrescriptionOrderRequest,
  type CreatedOrder,
  type FulfilmentRequest,
  type OrderList,
  type OrderListQuery,
  type OrderStatus,
  type OrderView,
  type PayChannel,
  type PayResponse,
  type PrepareInsuranceRequest,
  type RefundView,
} from '@ih/contract';
import { request } from './request';

const O = `${API_PREFIX}/orders`;
const A = `${API_PREFIX}/addresses`;
const silent = { silent: true } as const;
const enc = encodeURIComponent;

export interface OrderListParams {
  status?: NonNullable<OrderListQuery['status']>;
  page?: number;
  pageSize?: number;
}

export function listOrders(q: OrderListParams = {}): Promise<OrderList> {
  return request(O, { ...silent, query: { status: q.status ?? 'all', page: q.page ?? 1, pageSize: q.pageSize ?? 20 }, schema: OrderListSchema });
}

export function getOrder(id: string): Promise<OrderView> {
  return request(`${O}/${enc(id)}`, { ...silent, schema: OrderViewSchema });
}

/** The patient's confirm page: the order of an approved prescription with the fulfilment chosen. */
export function createPrescriptionOrder(body: CreatePrescriptionOrderRequest): Promise<CreatedOrder> {
  return request(`${O}/prescription`, { ...silent, method: 'POST', data: body, schema: CreatedOrderSchema, timeoutMs: 30_000 });
}

/** Pick-up or delivery (with the address); the BFF recomputes the delivery fee. */
export function setFulfilment(id: string, body: FulfilmentRequest): Promise<void> {
  return request(`${O}/${enc(id)}/fulfilment`, { ...silent, method: 'PUT', data: body }).then(() => undefined);
}

/**
 * The cashier: the BFF uploads the fees (6201) and places the pay order (6202) with the fresh
 * e-voucher authorization, and answers with the platform's split. Several platform calls: slow.
 * Called again with another `acctUsedFlag` when the patient flips the personal-account switch.
 */
export function prepareCashier(id: string, body: PrepareInsuranceRequest): Promise<CashierView> {
  return request(`${O}/${enc(id)}/prepare-insurance`, { ...silent, method: 'POST', data: body, schema: CashierViewSchema, timeoutMs: 45_000 });
}

/**
 * Starts the cash step in this build's channel; the answer says what to launch on the device.
 * `idempotencyKey` (one per cashier visit): a repeated call answers the same payment attempt.
 */
export function startPayment(id: string, channel: PayChannel, idempotencyKey: string): Promise<PayResponse> {
  return request(`${O}/${enc(id)}/pay`, {
    ...silent,
    method: 'POST',
    data: { channel },
    headers: { 'Idempotency-Key': idempotencyKey },
    schema: PayResponseSchema,
    timeoutMs: 30_000,
  });
}

/** The state as the BFF knows it (it queries the platforms itself while a payment is open). */
export function getOrderStatus(id: string): Promise<OrderStatus> {
  return request(`${O}/${enc(id)}/status`, { ...silent, schema: OrderStatusSchema });
}

/**
 * Refund of the whole order (prescriptions are never refunded per item). Asked again for a refund
 * waiting for the e-voucher authorization, it resumes that refund.
 */
export function requestRefund(id: string, reason: string): Promise<RefundView> {
  return request(`${O}/${enc(id)}/refund`, { ...silent, method: 'POST', data: { reason }, schema: RefundViewSchema, timeoutMs: 30_000 });
}

// ── addresses ────────────────────────────────────────────────────────────────────────────────
export function listAddresses(): Promise<AddressList> {
  return request(A, { ...silent, schema: AddressListSchema });
}

export function createAddress(body: AddressInput): Promise<Address> {
  return request(A, { ...silent, method: 'POST', data: body, schema: AddressSchema });
}

export function updateAddress(id: string, body: AddressInput): Promise<Address> {
  return request(`${A}/${enc(id)}`, { ...silent, method: 'PUT', data: body, schema: AddressSchema });
}

export function deleteAddress(id: string): Promise<void> {
  return request(`${A}/${enc(id)}`, { ...silent, method: 'DELETE' }).then(() => undefined);
}
