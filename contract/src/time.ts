/**
 * Wall-clock time in China (UTC+8, no daylight saving) as the outside platforms write it:
 * the insurance center (yyyyMMddHHmmss), Alipay (yyyy-MM-dd HH:mm:ss), WeChat Pay (RFC 3339 +08:00).
 * One implementation for the BFF, the mocks and the client, whatever the server's time zone.
 */
export const CHINA_OFFSET_MS = 8 * 3600_000;

export interface ChinaParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

export function chinaParts(ms: number = Date.now()): ChinaParts {
  const d = new Date(ms + CHINA_OFFSET_MS);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: d.getUTCHours(), minute: d.getUTCMinutes(), second: d.getUTCSeconds() };
}

const p2 = (n: number) => String(n).padStart(2, '0');

/** "yyyyMMddHHmmss" */
export function chinaStamp14(ms: number = Date.now()): string {
  const t = chinaParts(ms);
  return `${t.year}${p2(t.month)}${p2(t.day)}${p2(t.hour)}${p2(t.minute)}${p2(t.second)}`;
}

/** "yyyy-MM-dd HH:mm:ss" */
export function chinaDateTime(ms: number = Date.now()): string {
  const t = chinaParts(ms);
  return `${t.year}-${p2(t.month)}-${p2(t.day)} ${p2(t.hour)}:${p2(t.minute)}:${p2(t.second)}`;
}

/** "yyyy-MM-ddTHH:mm:ss+08:00" */
export function chinaRfc3339(ms: number = Date.now()): string {
  return `${chinaDateTime(ms).replace(' ', 'T')}+08:00`;
}

/** Inverse of chinaDateTime: epoch ms, or null when the text is not an existing China date-time. */
export function parseChinaDateTime(value: unknown): number | null {
  if (typeof value !== 'string') return null;
  const m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(value);
  if (!m) return null;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const t = Date.UTC(y, mo - 1, d, h, mi, s) - CHINA_OFFSET_MS;
  return chinaDateTime(t) === value ? t : null;
}
