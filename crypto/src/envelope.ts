/**
 * The national medical insurance mobile-pay envelope (see shared/domain/mobile-pay.md):
 *   request  {appId, encType:"SM4", signType:"SM2", timestamp, version:"2.0.1", encData, signData}
 *   response the same plus {code, message, success}
 * signData = Base64(r ‖ s) of SM3withSM2 over the sign string of the PLAINTEXT fields (data
 * included, signData/encData/extra excluded, `&key=<appSecret>` appended); encData = UPPER hex of
 * SM4-ECB-PKCS#7 of the data's JSON under a key derived from appId and appSecret.
 * Used by both sides: the BFF seals requests and opens responses/notifies; the mock does the reverse.
 */
import { sm2SignBase64, sm2Verify, type PrivateKeyInput, type PublicKeyInput, type UserId } from './sm2';
import { sm4DecryptEcb, sm4EncryptEcb } from './sm4';

export const ENVELOPE_VERSION = '2.0.1';
/** Fields never part of the sign string. */
const UNSIGNED_FIELDS = new Set(['signData', 'encData', 'extra']);

// ───────────────────────────── errors ─────────────────────────────

export type EnvelopeErrorCode =
  | 'ENVELOPE_MALFORMED'
  | 'ENVELOPE_UNDECRYPTABLE'
  | 'ENVELOPE_BAD_SIGNATURE'
  | 'ENVELOPE_STALE';

/** Base class: every failure to open an envelope is one of the subclasses below. */
export class EnvelopeError extends Error {
  override name = 'EnvelopeError';
  constructor(
    readonly code: EnvelopeErrorCode,
    message: string,
  ) {
    super(message);
  }
}
/** Missing/invalid fields (wrong encType/signType, encData not hex, unknown appId…). */
export class EnvelopeFormatError extends EnvelopeError {
  override name = 'EnvelopeFormatError';
  constructor(message: string) {
    super('ENVELOPE_MALFORMED', message);
  }
}
/** encData does not decrypt with the derived key, or the plaintext is not JSON. */
export class EnvelopeDecryptError extends EnvelopeError {
  override name = 'EnvelopeDecryptError';
  constructor(message = 'encData cannot be decrypted with the derived SM4 key') {
    super('ENVELOPE_UNDECRYPTABLE', message);
  }
}
/** signData missing or not a valid SM2 signature of the sign string under the counterpart's key. */
export class EnvelopeSignatureError extends EnvelopeError {
  override name = 'EnvelopeSignatureError';
  constructor(message = 'signData does not verify') {
    super('ENVELOPE_BAD_SIGNATURE', message);
  }
}
/** timestamp unparseable or outside the allowed window (replay protection). */
export class EnvelopeStaleError extends EnvelopeError {
  override name = 'EnvelopeStaleError';
  constructor(message: string) {
    super('ENVELOPE_STALE', message);
  }
}

// ───────────────────────────── sign string ─────────────────────────────

function compareAscii(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Compact JSON with object keys sorted recursively, non-ASCII left as is (JSON.stringify never
 * escapes it). Like fastjson's default, null/undefined members of objects are omitted; array
 * elements are kept (undefined → null).
 */
export function canonicalJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return '[' + value.map((v) => canonicalJson(v)).join(',') + ']';
  if (typeof value === 'object') {
    if (typeof (value as { toJSON?: unknown }).toJSON === 'function') {
      return canonicalJson((value as { toJSON: () => unknown }).toJSON());
    }
    const obj = value as Record<string, unknown>;
    const parts: string[] = [];
    for (const k of Object.keys(obj).sort(compareAscii)) {
      const v = obj[k];
      if (v === null || v === undefined || typeof v === 'function' || typeof v === 'symbol') continue;
      parts.push(JSON.stringify(k) + ':' + canonicalJson(v));
    }
    return '{' + parts.join(',') + '}';
  }
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number' && !Number.isFinite(value)) throw new TypeError('non-finite number in signed data');
  return JSON.stringify(value);
}

/** A top-level value in the sign string: strings as is, numbers/booleans as strings, objects as canonical JSON. */
function signValue(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  return canonicalJson(v);
}

/** Fields of an envelope (before encryption / after decryption). Extra fields (code, message, success) are signed too. */
export interface SignFields {
  appId: string;
  data?: unknown;
  encType?: string;
  signType?: string;
  timestamp: string | number;
  version?: string;
  [field: string]: unknown;
}

/**
 * The string that is signed: every field except signData/encData/extra, null/undefined/'' dropped,
 * keys in ASCII order, `k=v` joined by `&`, then `&key=<appSecret>`.
 */
export function buildSignString(fields: SignFields, appSecret: string): string {
  const parts: string[] = [];
  for (const k of Object.keys(fields).sort(compareAscii)) {
    if (UNSIGNED_FIELDS.has(k)) continue;
    const v = fields[k];
    if (v === null || v === undefined || typeof v === 'function') continue;
    const s = signValue(v);
    if (s === '') continue;
    parts.push(`${k}=${s}`);
  }
  parts.push(`key=${appSecret}`);
  return parts.join('&');
}

// ───────────────────────────── SM4 key and data ─────────────────────────────

const ASCII_RE = /^[\x20-\x7e]*$/;

/** k0 = appId[0:16]; t = SM4-ECB-PKCS7(k0, appSecret); key = ASCII of UPPER(hex(t))[0:16]. */
export function deriveSm4Key(appId: string, appSecret: string): Buffer {
  if (!ASCII_RE.test(appId) || appId.length < 16) throw new RangeError('appId must be at least 16 printable ASCII characters');
  const k0 = Buffer.from(appId.slice(0, 16), 'latin1');
  const t = sm4EncryptEcb(k0, appSecret);
  return Buffer.from(t.toString('hex').toUpperCase().slice(0, 16), 'latin1');
}

/** encData: UPPER hex of SM4-ECB-PKCS7(key, UTF-8 JSON of data). */
export function encryptData(data: unknown, key: Uint8Array): string {
  return sm4EncryptEcb(key, JSON.stringify(data)).toString('hex').toUpperCase();
}

/** Inverse of encryptData; throws EnvelopeDecryptError. Returns the parsed JSON. */
export function decryptData(encData: string, key: Uint8Array): unknown {
  if (typeof encData !== 'string' || encData.length === 0 || encData.length % 32 !== 0 || !/^[0-9a-fA-F]+$/.test(encData)) {
    throw new EnvelopeDecryptError('encData is not hex of whole SM4 blocks');
  }
  let plain: string;
  try {
    plain = new TextDecoder('utf-8', { fatal: true }).decode(sm4DecryptEcb(key, Buffer.from(encData, 'hex')));
  } catch {
    throw new EnvelopeDecryptError();
  }
  try {
    return JSON.parse(plain) as unknown;
  } catch {
    throw new EnvelopeDecryptError('decrypted encData is not JSON');
  }
}

// ───────────────────────────── timestamps ─────────────────────────────

/** `ms`: milliseconds since the epoch (default); `yyyyMMddHHmmss`: China Standard Time (UTC+8). */
export type TimestampFormat = 'ms' | 'yyyyMMddHHmmss';
const CST_OFFSET_MS = 8 * 3600 * 1000;

export function formatTimestamp(epochMs: number, format: TimestampFormat = 'ms'): string {
  if (format === 'ms') return String(Math.trunc(epochMs));
  const d = new Date(epochMs + CST_OFFSET_MS);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(d.getUTCFullYear(), 4)}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}`;
}

/** Epoch ms of a timestamp in the given format, or null if it does not parse. */
export function parseTimestamp(value: unknown, format: TimestampFormat = 'ms'): number | null {
  const s = typeof value === 'number' ? String(value) : value;
  if (typeof s !== 'string') return null;
  if (format === 'ms') return /^\d{1,15}$/.test(s) ? Number(s) : null;
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(s);
  if (!m) return null;
  const [y, mo, d, h, mi, se] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const t = Date.UTC(y, mo - 1, d, h, mi, se) - CST_OFFSET_MS;
  // Reject rollovers such as month 13 or 25:00.
  return formatTimestamp(t, format) === s ? t : null;
}

// ───────────────────────────── seal / open ─────────────────────────────

export interface EnvelopeKeys {
  appId: string;
  appSecret: string;
  /**
   * SM2 user id. Default: the appSecret's bytes (the platform's Java demo). Pass
   * DEFAULT_SM2_USER_ID ('1234567812345678') for peers that use the standard default.
   */
  sm2UserId?: UserId;
}

export interface SealOptions extends EnvelopeKeys {
  /** Our private key (Base64 of raw d, hex, or an Sm2PrivateKey). */
  privateKey: PrivateKeyInput;
  timestampFormat?: TimestampFormat;
  version?: string;
  /** Clock, for tests. */
  now?: () => number;
}

export interface Envelope {
  appId: string;
  encType: 'SM4';
  signType: 'SM2';
  timestamp: string;
  version: string;
  encData?: string;
  signData: string;
  [field: string]: unknown;
}

function seal(data: unknown, extra: Record<string, unknown>, o: SealOptions): Envelope {
  const fields: SignFields = {
    ...extra,
    appId: o.appId,
    encType: 'SM4',
    signType: 'SM2',
    timestamp: formatTimestamp((o.now ?? Date.now)(), o.timestampFormat),
    version: o.version ?? ENVELOPE_VERSION,
  };
  const hasData = data !== undefined && data !== null;
  if (hasData && typeof data !== 'object') {
    // A pre-serialized string would be signed as is but canonicalized by the receiver: refuse it.
    throw new TypeError('envelope data must be an object or an array');
  }
  if (hasData) fields.data = data;
  const signData = sm2SignBase64(buildSignString(fields, o.appSecret), o.privateKey, {
    userId: o.sm2UserId ?? o.appSecret,
  });
  const { data: _plain, ...rest } = fields;
  const env = { ...rest, signData } as Envelope;
  if (hasData) env.encData = encryptData(data, deriveSm4Key(o.appId, o.appSecret));
  return env;
}

/** A request to the platform (or a notify from it): sign over the plaintext, then encrypt and drop `data`. */
export function sealRequest(data: unknown, options: SealOptions): Envelope {
  return seal(data, {}, options);
}

/** A response: like a request plus `code` ("0" = ok), `message`, `success`, all signed. */
export function sealResponse(
  data: unknown,
  status: { code: string; message: string; success: boolean },
  options: SealOptions,
): Envelope {
  return seal(data, { code: status.code, message: status.message, success: status.success }, options);
}

export interface OpenOptions extends EnvelopeKeys {
  /** The counterpart's public key (Base64 04‖X‖Y, hex, or an Sm2PublicKey). */
  publicKey: PublicKeyInput;
  /** Reject timestamps further than this from now (either direction). Omit to skip the check. */
  maxAgeMs?: number;
  timestampFormat?: TimestampFormat;
  now?: () => number;
}

export interface Opened<T> {
  /** The decrypted data (undefined when the envelope carries no encData). */
  data: T;
  /** The envelope's other fields (appId, timestamp, code, message, …), without encData/signData. */
  fields: Record<string, unknown>;
  /** Parsed timestamp, epoch ms (null if unparseable and no maxAgeMs was asked). */
  timestampMs: number | null;
}

/**
 * Open an envelope: check its shape, the timestamp window, decrypt encData, put it back as `data`,
 * and verify signData with the counterpart's public key. Throws an EnvelopeError subclass on any
 * failure; never returns unverified data.
 */
export function openEnvelope<T = unknown>(envelope: unknown, options: OpenOptions): Opened<T> {
  if (typeof envelope !== 'object' || envelope === null || Array.isArray(envelope)) {
    throw new EnvelopeFormatError('envelope is not an object');
  }
  const env = envelope as Record<string, unknown>;
  if (env.appId !== options.appId) throw new EnvelopeFormatError('appId does not match');
  if (env.encType !== 'SM4') throw new EnvelopeFormatError('encType must be SM4');
  if (env.signType !== 'SM2') throw new EnvelopeFormatError('signType must be SM2');
  if (typeof env.signData !== 'string' || env.signData === '') throw new EnvelopeSignatureError('signData missing');
  if (env.encData !== undefined && env.encData !== null && typeof env.encData !== 'string') {
    throw new EnvelopeFormatError('encData must be a string');
  }
  if ('data' in env && env.data !== undefined && env.data !== null) {
    throw new EnvelopeFormatError('plaintext data next to encData is not accepted');
  }

  const timestampMs = parseTimestamp(env.timestamp, options.timestampFormat);
  if (options.maxAgeMs !== undefined) {
    if (timestampMs === null) throw new EnvelopeStaleError('timestamp missing or unparseable');
    const now = (options.now ?? Date.now)();
    if (Math.abs(now - timestampMs) > options.maxAgeMs) throw new EnvelopeStaleError('timestamp outside the allowed window');
  }

  const encData = typeof env.encData === 'string' && env.encData !== '' ? env.encData : undefined;
  const data = encData === undefined ? undefined : decryptData(encData, deriveSm4Key(options.appId, options.appSecret));

  const { signData, encData: _enc, data: _d, ...rest } = env;
  const signString = buildSignString({ ...(rest as SignFields), data }, options.appSecret);
  const ok = sm2Verify(signString, signData as string, options.publicKey, { userId: options.sm2UserId ?? options.appSecret });
  if (!ok) throw new EnvelopeSignatureError();
  return { data: data as T, fields: rest, timestampMs };
}
