/**
 * E-voucher (医保电子凭证) authorization. For the payment and refund work:
 *   consumePayAuthorization(deps, userId, patientId, orderId, purpose?) — takes the newest usable
 *     authorization once (guarded UPDATE … WHERE used_at IS NULL AND expires_at > now); its
 *     `payAuthNo` is non-enumerable: pass it straight to 6201/6202 (or 6203 for a refund).
 */
export { VoucherService, consumePayAuthorization, payAuthAad, SETTING_PAY_AUTH_TTL, type ChannelGrant, type ConsumedAuthorization, type AuthorizationTarget } from './service';
export { voucherRouter, VOUCHER_COOKIE } from './routes';
