/** Masking of personal data for display (rule 21). The full values never reach the client. */

/** 张三 -> 张*, 欧阳娜娜 -> 欧**娜, 李 -> 李 */
export function maskName(name: string): string {
  const chars = Array.from(name.trim());
  if (chars.length <= 1) return chars.join('');
  if (chars.length === 2) return `${chars[0]}*`;
  return `${chars[0]}${'*'.repeat(chars.length - 2)}${chars[chars.length - 1]}`;
}

/** 18-digit ID -> first 3 and last 4 kept: 110***********1234 (national APP style: 1****************4 also seen). */
export function maskIdNo(idNo: string): string {
  const s = idNo.trim();
  if (s.length <= 7) return '*'.repeat(s.length);
  return `${s.slice(0, 3)}${'*'.repeat(s.length - 7)}${s.slice(-4)}`;
}

/** 13812345678 -> 138****5678 */
export function maskPhone(phone: string): string {
  const s = phone.trim();
  if (s.length < 7) return '*'.repeat(s.length);
  return `${s.slice(0, 3)}${'*'.repeat(s.length - 7)}${s.slice(-4)}`;
}
