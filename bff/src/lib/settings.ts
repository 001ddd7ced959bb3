/**
 * Runtime settings from the `settings` table (thresholds that differ per city or hospital are
 * data). A missing or malformed row falls back to the configured default; a malformed row is
 * logged once per key so an operator notices.
 */
import type { Db } from '../deps';
import type { Logger } from '../logger';

const warned = new Set<string>();

/** An integer setting within [min, max], or `fallback`. */
export async function settingInt(
  prisma: Db,
  key: string,
  fallback: number,
  range: { min: number; max: number },
  logger?: Logger,
): Promise<number> {
  const row = await prisma.setting.findUnique({ where: { key }, select: { value: true } });
  if (!row) return fallback;
  const value = row.value;
  if (typeof value === 'number' && Number.isInteger(value) && value >= range.min && value <= range.max) return value;
  if (!warned.has(key)) {
    warned.add(key);
    logger?.warn({ setting: key, range }, 'setting ignored: not an integer in range; using the configured default');
  }
  return fallback;
}
