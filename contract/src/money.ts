/**
 * Money is integer fen everywhere inside the product. The insurance platform speaks yuan
 * strings with at most two decimals; these convert exactly (string arithmetic, no floats).
 */
export type Fen = number;

export function assertFen(value: number): asserts value is Fen {
  if (!Number.isSafeInteger(value)) throw new RangeError(`金额必须是整数分: ${value}`);
}

/** 12345 -> "123.45"; -5 -> "-0.05". */
export function fenToYuan(fen: Fen): string {
  assertFen(fen);
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  const yuan = Math.floor(abs / 100);
  const cents = String(abs % 100).padStart(2, '0');
  return `${sign}${yuan}.${cents}`;
}

const YUAN_RE = /^(-)?(\d{1,13})(?:\.(\d{1,2}))?$/;

/** "123.4" -> 12340. Throws on anything that is not a yuan amount with at most 2 decimals. */
export function yuanToFen(yuan: string | number): Fen {
  const text = typeof yuan === 'number' ? String(yuan) : yuan.trim();
  const m = YUAN_RE.exec(text);
  if (!m) throw new RangeError(`不是合法的金额: ${text}`);
  const [, neg, whole, frac = ''] = m;
  const fen = Number(whole) * 100 + Number(frac.padEnd(2, '0'));
  return neg && fen !== 0 ? -fen : fen;
}

/** For display: "¥123.45". */
export function formatFen(fen: Fen): string {
  return `¥${fenToYuan(fen)}`;
}
