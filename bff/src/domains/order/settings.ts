/**
 * Order settings (rows of the `settings` table; thresholds differ per hospital and city, so they
 * are data). Defaults apply when a row is missing or malformed.
 */
import type { Db } from '../../deps';
import type { Logger } from '../../logger';
import { settingInt } from '../../lib/settings';

export const ORDER_SETTINGS = {
  /** An unpaid order closes (both sides) after this many minutes. */
  expireMinutes: { key: 'unpaid_order_timeout_minutes', fallback: 30, min: 1, max: 24 * 60 },
  /** Delivery fee of a prescription (cash only, never insurance). */
  deliveryFeeFen: { key: 'delivery_fee_fen', fallback: 800, min: 0, max: 100_000 },
  /** How often a BFF instance runs the reconciliation job. */
  reconcileIntervalSeconds: { key: 'order_reconcile_interval_seconds', fallback: 30, min: 1, max: 3600 },
  /** An order still paying / refunding after this long is asked about by the job. */
  reconcileAfterSeconds: { key: 'order_reconcile_after_seconds', fallback: 60, min: 0, max: 24 * 3600 },
  /** How long one instance holds an order it is reconciling. */
  reconcileLeaseSeconds: { key: 'order_reconcile_lease_seconds', fallback: 60, min: 5, max: 3600 },
  /** Status polls ask the platforms at most this often per order. */
  statusPollSeconds: { key: 'order_status_poll_seconds', fallback: 3, min: 1, max: 300 },
  /** After this many reconciliation attempts without a final answer the order is flagged. */
  reconcileMaxAttempts: { key: 'order_reconcile_max_attempts', fallback: 20, min: 1, max: 1000 },
  /** Orders one instance reconciles at the same time. */
  reconcileConcurrency: { key: 'order_reconcile_concurrency', fallback: 4, min: 1, max: 32 },
  /** Saved delivery addresses per account. */
  maxAddresses: { key: 'order_max_addresses', fallback: 20, min: 1, max: 100 },
} as const;

export type OrderSettingName = keyof typeof ORDER_SETTINGS;

export function orderSetting(prisma: Db, name: OrderSettingName, logger?: Logger): Promise<number> {
  const s = ORDER_SETTINGS[name];
  return settingInt(prisma, s.key, s.fallback, { min: s.min, max: s.max }, logger);
}

/** Settings with string values (6201 codes the city assigns). */
export const ORDER_TEXT_SETTINGS = {
  /** 医疗类别 of an internet re-visit (6201 medType; city-specific). */
  medType: { key: 'order_med_type', fallback: '11' },
  /** 医保目录编码 of the internet re-visit consultation fee (6201 medListCodg). */
  consultationItemCode: { key: 'order_consultation_item_code', fallback: '001102000010100' },
  /** Where the order is placed when the device gave no location ("lng,lat", WeChat geo_location). */
  defaultGeoLocation: { key: 'order_default_geo_location', fallback: '106.230909,38.487193' },
} as const;

export async function orderTextSetting(prisma: Db, name: keyof typeof ORDER_TEXT_SETTINGS): Promise<string> {
  const s = ORDER_TEXT_SETTINGS[name];
  const row = await prisma.setting.findUnique({ where: { key: s.key }, select: { value: true } });
  return typeof row?.value === 'string' && row.value.trim() ? row.value.trim() : s.fallback;
}
