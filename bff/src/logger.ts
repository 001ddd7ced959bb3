/**
 * Structured logs (pino). Personal data and secrets must never reach a log line:
 *   1. pino `redact` paths for the known sensitive keys (first line of defence);
 *   2. a formatter that walks every logged object, censors any key that looks sensitive at any
 *      depth, and masks 18-digit ID numbers and 11-digit mobile numbers inside any string;
 *   3. a log-method hook that applies the same masking to the message text;
 *   4. an error serializer that keeps only type, code, a cleaned message and the stack frames
 *      (never request bodies that body parsers attach, never SQL values, never Prisma query args).
 * The destination is injectable so tests can capture every line.
 */
import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import { maskIdNo, maskPhone } from '@ih/contract';
import type { LogLevel } from './config';

export type { Logger };

export const CENSOR = '[REDACTED]';

/** Keys logged anywhere under these names are censored (normalised: lower case, no _ or -). */
const SENSITIVE_EXACT = new Set([
  'name', 'username', 'psnname', 'patientname', 'realname', 'fullname', 'truename', 'certname', 'contactname',
  'tel', 'address', 'addr', 'cookie', 'setcookie', 'authorization', 'proxyauthorization',
]);
const SENSITIVE_PARTS = [
  'password', 'passwd', 'secret', 'token', 'authorization', 'cookie', 'payauthno', 'authcode', 'idno', 'certno',
  'idcard', 'cardno', 'phone', 'privatekey', 'apikey', 'sessionid', 'encryptionkey', 'hashkey',
];
// "mobile" is a phone number (mobile, userMobile) except in the mobile-pay domain (mobilePayBaseUrl).
const MOBILE_RE = /mobile(?!pay)/;

export function isSensitiveKey(key: string): boolean {
  const k = key.toLowerCase().replace(/[^a-z0-9]/g, '');
  return SENSITIVE_EXACT.has(k) || SENSITIVE_PARTS.some((p) => k.includes(p)) || MOBILE_RE.test(k);
}

/** Explicit pino redact paths (fast path; the formatter below is the net for everything else). */
const REDACT_KEYS = [
  'password', 'secret', 'token', 'accessToken', 'refreshToken', 'sessionSecret', 'authorization', 'cookie',
  'pay_auth_no', 'payAuthNo', 'family_pay_auth_no', 'familyPayAuthNo', 'ecToken', 'payToken', 'authCode',
  'idNo', 'id_no', 'certno', 'certNo', 'id_card', 'idCard', 'user_card_no', 'userCardNo',
  'name', 'userName', 'user_name', 'psn_name', 'psnName', 'phone', 'mobile', 'tel',
];
export const REDACT_PATHS = [
  ...REDACT_KEYS.flatMap((k) => [k, `*.${k}`]),
  'req.headers.authorization', 'req.headers.cookie', 'headers.authorization', 'headers.cookie', 'res.headers["set-cookie"]',
];

// 18-digit resident ID (last char may be X) and mainland mobile numbers, not inside longer digit runs.
const ID_NO_RE = /(?<!\d)\d{17}[\dXx](?![\dA-Za-z])/g;
const MOBILE_NO_RE = /(?<!\d)1[3-9]\d{9}(?!\d)/g;

/** Masks ID numbers and mobile numbers in free text (110***********1234, 138****5678). */
export function maskText(text: string): string {
  return text.replace(ID_NO_RE, (m) => maskIdNo(m)).replace(MOBILE_NO_RE, (m) => maskPhone(m));
}

const MAX_DEPTH = 8;

export interface SafeError {
  type: string;
  message: string;
  code?: string | number;
  stack?: string;
  cause?: SafeError;
}

/** Messages of database errors quote the offending values ('张三', '1101…'): drop them. */
function stripQuotedValues(text: string): string {
  return text.replace(/'[^']*'/g, "'?'").replace(/"[^"]*"/g, '"?"');
}

/** An error as it may be logged: whitelisted fields only (bodies, SQL values, query args dropped). */
export function serializeError(err: unknown, depth = 0): SafeError {
  if (!(err instanceof Error)) {
    if (err && typeof err === 'object') {
      const o = err as Record<string, unknown>;
      // Driver adapter causes: {kind, originalCode, originalMessage}; keep the kind and code only.
      return { type: typeof o.kind === 'string' ? o.kind : 'Object', message: '', code: typeof o.originalCode === 'string' ? o.originalCode : undefined };
    }
    return { type: typeof err, message: maskText(String(err)).slice(0, 200) };
  }
  const type = err.name || err.constructor?.name || 'Error';
  let message = err.message ?? '';
  if (/^Prisma|DriverAdapter|SqlError/.test(type) || /^Prisma/.test(err.constructor?.name ?? '')) {
    // Prisma prints the query's arguments between the first and the last line.
    const lines = message.split('\n').map((l) => l.trim()).filter(Boolean);
    message = stripQuotedValues(lines.length > 1 ? `${lines[0]} … ${lines[lines.length - 1]}` : (lines[0] ?? ''));
  } else if (err instanceof SyntaxError) {
    // JSON.parse quotes the input it failed on.
    message = stripQuotedValues(message);
  }
  const out: SafeError = { type, message: maskText(message).slice(0, 500) };
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' || typeof code === 'number') out.code = code;
  if (err.stack) {
    const frames = err.stack.split('\n').filter((l) => /^\s+at /.test(l));
    if (frames.length) out.stack = maskText(frames.join('\n'));
  }
  if (err.cause !== undefined && depth < 3) out.cause = serializeError(err.cause, depth + 1);
  return out;
}

/** Deep copy for logging: sensitive keys censored, strings masked, errors serialized safely. */
export function sanitize(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (typeof value === 'string') return maskText(value);
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Error) return serializeError(value);
  if (Buffer.isBuffer(value) || ArrayBuffer.isView(value)) return '[binary]';
  if (value instanceof Date) return value;
  if (seen.has(value)) return '[circular]';
  if (depth >= MAX_DEPTH) return '[depth]';
  seen.add(value);
  if (Array.isArray(value)) return value.map((v) => sanitize(v, depth + 1, seen));
  if (value instanceof Map) return sanitize(Object.fromEntries(value), depth, seen);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = isSensitiveKey(k) ? CENSOR : sanitize(v, depth + 1, seen);
  }
  return out;
}

export interface LoggerSettings {
  level?: LogLevel;
  format?: 'json' | 'pretty';
  /** Where lines go (tests pass a stream that collects them); default stdout. */
  destination?: DestinationStream;
}

export function loggerOptions(level: LogLevel = 'info'): LoggerOptions {
  return {
    level,
    base: { service: 'bff', pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACT_PATHS, censor: CENSOR },
    serializers: { err: (e: unknown) => (e && typeof e === 'object' && 'type' in e && 'message' in e && !(e instanceof Error) ? e : serializeError(e)) },
    formatters: {
      bindings: (bindings) => sanitize(bindings) as Record<string, unknown>,
      log: (obj) => sanitize(obj) as Record<string, unknown>,
    },
    hooks: {
      logMethod(args, method) {
        const masked = args.map((a) => (typeof a === 'string' ? maskText(a) : a)) as unknown[];
        // logger.error(err) would take err.message verbatim as the message: use the safe one.
        if (masked[0] instanceof Error) {
          const err = serializeError(masked[0]);
          masked[0] = { err };
          if (typeof masked[1] !== 'string') masked.splice(1, 0, err.message);
        }
        return method.apply(this, masked as Parameters<typeof method>);
      },
    },
  };
}

export function createLogger(settings: LoggerSettings = {}): Logger {
  const options = loggerOptions(settings.level);
  if (settings.destination) return pino(options, settings.destination);
  if (settings.format === 'pretty') {
    // Development only (pino-pretty is a dev dependency); synchronous, no worker thread.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const pretty = require('pino-pretty') as (o: object) => DestinationStream;
    return pino(options, pretty({ colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,service' }));
  }
  return pino(options);
}
