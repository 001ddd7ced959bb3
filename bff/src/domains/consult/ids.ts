/** Ids, numbers and list cursors of consultations. */
import { randomBytes, randomInt } from 'node:crypto';
import { chinaStamp14 } from '@ih/contract';
import { AppError } from '../../lib/errors';

/** UUID v7 (time-ordered, like the database default), made here because the id is needed before the insert (encryption AAD). */
export function uuidv7(now: number = Date.now()): string {
  const b = randomBytes(16);
  b.writeUIntBE(now, 0, 6);
  b[6] = (b[6]! & 0x0f) | 0x70;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** 问诊单号: "C" + China time yyyyMMddHHmmss + 6 random digits (21 characters). */
export function newConsultationNo(now: Date = new Date()): string {
  return `C${chinaStamp14(now.getTime())}${String(randomInt(0, 1_000_000)).padStart(6, '0')}`;
}

/** A keyset cursor: the sort value (ms, or null) and the id of the last item. */
export interface Cursor {
  t: number | null;
  id: string;
}

export function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify([c.t, c.id])).toString('base64url');
}

export function decodeCursor(raw: string | undefined): Cursor | null {
  if (!raw) return null;
  try {
    const v = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(v) && v.length === 2 && (v[0] === null || Number.isSafeInteger(v[0])) && typeof v[1] === 'string' && /^[0-9a-f-]{36}$/i.test(v[1])) {
      return { t: v[0] as number | null, id: v[1] };
    }
  } catch {
    // fall through
  }
  throw new AppError('VALIDATION_FAILED', { fields: [{ path: 'cursor', message: '分页参数不正确，请刷新后重试' }] });
}

/**
 * Prisma `where` for "after the cursor" on (field, id), both in `dir` order. Rows with a null
 * sort value are not expected (the lists sort on fields set for every listed row).
 */
export function afterCursor(field: string, dir: 'asc' | 'desc', cursor: Cursor | null): Record<string, unknown> {
  if (!cursor || cursor.t === null) return cursor ? { id: dir === 'asc' ? { gt: cursor.id } : { lt: cursor.id } } : {};
  const at = new Date(cursor.t);
  const beyond = dir === 'asc' ? 'gt' : 'lt';
  return { OR: [{ [field]: { [beyond]: at } }, { [field]: at, id: { [beyond]: cursor.id } }] };
}
