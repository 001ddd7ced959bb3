/**
 * Verification of WeChat Pay v3 callbacks (what wechatpay-node-v3 lacks), in this order:
 *   1. the four Wechatpay-* headers are present; a `WECHATPAY/SIGNTEST/` signature is a probe → reject;
 *   2. Wechatpay-Serial names a key we trust (public key id or platform certificate serial);
 *   3. Wechatpay-Timestamp is fresh (|now − ts| ≤ maxAgeSeconds, default 300);
 *   4. SHA256withRSA signature over "timestamp\nnonce\nbody\n" (the exact raw body bytes);
 *   5. the nonce was not seen before within the freshness window (replay);
 *   6. only then the resource is decrypted (AEAD_AES_256_GCM, APIv3 key) into a typed event.
 * Any failure throws WechatPayNotifyError: answer non-2xx so that WeChat Pay retries, and query.
 * Idempotency (mix_trade_no + event type) and comparing amounts with the local order are the
 * caller's next steps (`assertMixedOrderMatches`, `assertTransactionMatches`, `assertRefundMatches`).
 */
import { createDecipheriv } from 'node:crypto';
import { WechatPayAmountMismatchError, WechatPayNotifyError } from './errors';
import type { WechatPayKeys } from './keys';
import type { MedInsOrderEntity, RefundNotifyResource, TransactionEntity } from './types';

/** Remembers callback nonces. In-memory by default (one process); the BFF passes its database store (lib/nonceStore.ts) so every instance sees every nonce. */
export interface NonceStore {
  /** Records the key; returns false when it was already there (a replay). */
  remember(key: string, ttlMs: number): boolean | Promise<boolean>;
}

export class MemoryNonceStore implements NonceStore {
  private readonly seen = new Map<string, number>();
  private lastSweep = 0;
  constructor(private readonly maxEntries = 100_000) {}

  remember(key: string, ttlMs: number): boolean {
    const now = Date.now();
    if (now - this.lastSweep > 10_000 || this.seen.size >= this.maxEntries) {
      for (const [k, exp] of this.seen) if (exp <= now) this.seen.delete(k);
      this.lastSweep = now;
    }
    const exp = this.seen.get(key);
    if (exp !== undefined && exp > now) return false;
    // Fail closed when full of live entries: drop the oldest rather than forget freshness rules.
    if (this.seen.size >= this.maxEntries) this.seen.delete(this.seen.keys().next().value as string);
    this.seen.set(key, now + ttlMs);
    return true;
  }

  get size(): number {
    return this.seen.size;
  }
}

export type WechatPayEvent =
  | { type: 'MEDICAL_INSURANCE.SUCCESS'; id: string; createTime: string; order: MedInsOrderEntity }
  | { type: 'TRANSACTION.SUCCESS'; id: string; createTime: string; transaction: TransactionEntity }
  | { type: 'REFUND.SUCCESS' | 'REFUND.ABNORMAL' | 'REFUND.CLOSED'; id: string; createTime: string; refund: RefundNotifyResource }
  | { type: 'OTHER'; eventType: string; id: string; createTime: string; resource: unknown };

export interface NotifyVerifierOptions {
  keys: WechatPayKeys;
  apiV3Key: string;
  nonceStore?: NonceStore;
  maxAgeSeconds?: number;
  now?: () => number;
}

type HeaderBag = Record<string, string | string[] | undefined> | Headers;
function header(h: HeaderBag, name: string): string | undefined {
  if (typeof (h as Headers).get === 'function') return (h as Headers).get(name) ?? undefined;
  const bag = h as Record<string, string | string[] | undefined>;
  const v = bag[name.toLowerCase()] ?? Object.entries(bag).find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1];
  return Array.isArray(v) ? v[0] : v;
}

export function decryptResource(apiV3Key: string, r: { ciphertext: string; nonce: string; associated_data?: string }): string {
  const buf = Buffer.from(r.ciphertext, 'base64');
  if (buf.length < 17) throw new Error('ciphertext too short');
  const decipher = createDecipheriv('aes-256-gcm', Buffer.from(apiV3Key, 'utf8'), Buffer.from(r.nonce, 'utf8'));
  decipher.setAuthTag(buf.subarray(buf.length - 16));
  decipher.setAAD(Buffer.from(r.associated_data ?? '', 'utf8'));
  return Buffer.concat([decipher.update(buf.subarray(0, buf.length - 16)), decipher.final()]).toString('utf8');
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isFen = (v: unknown) => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

export function createNotifyVerifier(opts: NotifyVerifierOptions) {
  const store = opts.nonceStore ?? new MemoryNonceStore();
  const maxAge = opts.maxAgeSeconds ?? 300;
  const now = opts.now ?? Date.now;

  return async function verifyAndParseWechatPayNotify(headers: HeaderBag, rawBody: string | Buffer): Promise<WechatPayEvent> {
    const body = typeof rawBody === 'string' ? rawBody : rawBody.toString('utf8');
    const timestamp = header(headers, 'wechatpay-timestamp');
    const nonce = header(headers, 'wechatpay-nonce');
    const signature = header(headers, 'wechatpay-signature');
    const serial = header(headers, 'wechatpay-serial');
    if (!timestamp || !nonce || !signature || !serial) throw new WechatPayNotifyError('MISSING_HEADERS', 'callback without Wechatpay-Timestamp/-Nonce/-Signature/-Serial');
    if (signature.startsWith('WECHATPAY/SIGNTEST/')) throw new WechatPayNotifyError('SIGNATURE_PROBE', 'signature probe: answer non-2xx');
    if (!opts.keys.has(serial)) throw new WechatPayNotifyError('UNKNOWN_SERIAL', 'Wechatpay-Serial names no key we trust');
    if (!/^\d{1,12}$/.test(timestamp) || Math.abs(now() / 1000 - Number(timestamp)) > maxAge) {
      throw new WechatPayNotifyError('STALE_TIMESTAMP', `Wechatpay-Timestamp outside ±${maxAge} s`);
    }
    if (!opts.keys.verify(serial, timestamp, nonce, body, signature)) throw new WechatPayNotifyError('BAD_SIGNATURE', 'callback signature does not verify');
    // A retry by WeChat Pay carries a new nonce; the same nonce again is a replay. Keep nonces at
    // least as long as a timestamp can be accepted (both sides of the window).
    if (!(await store.remember(`${serial}|${nonce}`, 2 * maxAge * 1000))) throw new WechatPayNotifyError('REPLAYED_NONCE', 'callback nonce already seen');

    let envelope: Record<string, unknown>;
    try {
      envelope = JSON.parse(body) as Record<string, unknown>;
    } catch {
      throw new WechatPayNotifyError('BAD_BODY', 'callback body is not JSON');
    }
    const resource = envelope.resource;
    if (!isObj(resource) || typeof envelope.event_type !== 'string' || typeof envelope.id !== 'string') throw new WechatPayNotifyError('BAD_BODY', 'callback without id/event_type/resource');
    if (resource.algorithm !== 'AEAD_AES_256_GCM' || typeof resource.ciphertext !== 'string' || typeof resource.nonce !== 'string') {
      throw new WechatPayNotifyError('BAD_BODY', 'unsupported callback resource');
    }
    let plain: unknown;
    try {
      plain = JSON.parse(decryptResource(opts.apiV3Key, resource as { ciphertext: string; nonce: string; associated_data?: string }));
    } catch {
      throw new WechatPayNotifyError('DECRYPT_FAILED', 'callback resource does not decrypt with the APIv3 key');
    }
    if (!isObj(plain)) throw new WechatPayNotifyError('BAD_BODY', 'callback resource is not an object');
    const base = { id: envelope.id, createTime: typeof envelope.create_time === 'string' ? envelope.create_time : '' };
    const type = envelope.event_type;
    if (type === 'MEDICAL_INSURANCE.SUCCESS') {
      if (typeof plain.mix_trade_no !== 'string' || typeof plain.out_trade_no !== 'string' || !isFen(plain.total_fee)) throw new WechatPayNotifyError('BAD_BODY', 'med-ins callback without mix_trade_no/out_trade_no/total_fee');
      return { type, ...base, order: plain as unknown as MedInsOrderEntity };
    }
    if (type === 'TRANSACTION.SUCCESS') {
      if (typeof plain.out_trade_no !== 'string' || !isObj(plain.amount) || !isFen(plain.amount.total)) throw new WechatPayNotifyError('BAD_BODY', 'transaction callback without out_trade_no/amount');
      return { type, ...base, transaction: plain as unknown as TransactionEntity };
    }
    if (type === 'REFUND.SUCCESS' || type === 'REFUND.ABNORMAL' || type === 'REFUND.CLOSED') {
      if (typeof plain.out_refund_no !== 'string' || !isObj(plain.amount) || !isFen(plain.amount.refund)) throw new WechatPayNotifyError('BAD_BODY', 'refund callback without out_refund_no/amount');
      return { type, ...base, refund: plain as unknown as RefundNotifyResource };
    }
    return { type: 'OTHER', eventType: type, ...base, resource: plain };
  };
}

/** What to answer WeChat Pay: 204 once verified and stored; 4xx/5xx `{code:'FAIL'}` otherwise. */
export function notifyAnswer(error?: unknown): { status: number; body?: { code: string; message: string } } {
  if (!error) return { status: 204 };
  if (error instanceof WechatPayNotifyError) return { status: error.reason === 'BAD_BODY' || error.reason === 'DECRYPT_FAILED' ? 400 : 401, body: { code: 'FAIL', message: '失败' } };
  return { status: 500, body: { code: 'FAIL', message: '失败' } };
}

export function assertTransactionMatches(operation: string, expected: { outTradeNo: string; totalFen: number }, t: { out_trade_no?: unknown; amount?: unknown }): void {
  const fields: string[] = [];
  if (t.out_trade_no !== expected.outTradeNo) fields.push('out_trade_no');
  const amount = isObj(t.amount) ? t.amount : {};
  if (amount.total !== expected.totalFen) fields.push('amount.total');
  if (amount.payer_total !== undefined && amount.payer_total !== expected.totalFen) fields.push('amount.payer_total');
  if (fields.length) throw new WechatPayAmountMismatchError(operation, fields);
}

export function assertRefundMatches(operation: string, expected: { outRefundNo: string; refundFen: number; totalFen?: number }, r: { out_refund_no?: unknown; amount?: unknown }): void {
  const fields: string[] = [];
  if (r.out_refund_no !== expected.outRefundNo) fields.push('out_refund_no');
  const amount = isObj(r.amount) ? r.amount : {};
  if (amount.refund !== expected.refundFen) fields.push('amount.refund');
  if (expected.totalFen !== undefined && amount.total !== expected.totalFen) fields.push('amount.total');
  if (fields.length) throw new WechatPayAmountMismatchError(operation, fields);
}
