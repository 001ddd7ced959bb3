/**
 * The one HTTP helper for calls from the BFF to outside platforms (mobile-pay center, WeChat,
 * WeChat Pay, Alipay, HIS, national APP, agency).
 *
 * - Every attempt is bounded by `timeoutMs` (AbortSignal.timeout); an optional `deadlineMs`
 *   bounds the whole call including retries and backoff.
 * - Failures are typed `PlatformError`s: `timeout` | `unavailable` (network, HTTP 5xx/429) |
 *   `bad_response` (unparsable/oversized/unexpected shape) | `rejected` (HTTP 4xx or a platform
 *   business error code) | `signature` (bad or missing signature, tampered/stale callback).
 * - Retries happen ONLY when the caller says `idempotent: true` (a query, a GET). A call that
 *   moves money (pay, refund, create order) must pass `idempotent: false` (the default): when it
 *   times out its outcome is unknown (`outcomeUnknown: true`) and the caller must resolve it by
 *   querying, never by sending it again.
 * - Nothing here logs or attaches request or response bodies, query strings or headers: the
 *   optional `onEvent` hook receives platform, operation, method, host, path, status, attempt,
 *   duration and the error kind only.
 */

export type PlatformErrorKind = 'timeout' | 'unavailable' | 'bad_response' | 'rejected' | 'signature';

export interface PlatformErrorInit {
  platform: string;
  kind: PlatformErrorKind;
  /** Platform or HTTP code, e.g. "1001", "HTTP_503", "PAY_AUTH_NO_INVALID". Never personal data. */
  code?: string;
  /** Developer-facing text (may be the platform's own message). Never contains bodies or secrets. */
  message: string;
  /** Whether trying again later may succeed (transient). Retrying is still only allowed for idempotent calls. */
  retryable?: boolean;
  /** True when the request may have reached the platform and been processed (timeout, 5xx, reset). */
  outcomeUnknown?: boolean;
  operation?: string;
  httpStatus?: number;
  cause?: unknown;
}

export class PlatformError extends Error {
  readonly platform: string;
  readonly kind: PlatformErrorKind;
  readonly code?: string;
  readonly retryable: boolean;
  readonly outcomeUnknown: boolean;
  readonly operation?: string;
  readonly httpStatus?: number;

  constructor(init: PlatformErrorInit) {
    super(init.message, init.cause !== undefined ? { cause: init.cause } : undefined);
    this.name = 'PlatformError';
    this.platform = init.platform;
    this.kind = init.kind;
    if (init.code !== undefined) this.code = init.code;
    this.retryable = init.retryable ?? (init.kind === 'timeout' || init.kind === 'unavailable');
    this.outcomeUnknown = init.outcomeUnknown ?? false;
    if (init.operation !== undefined) this.operation = init.operation;
    if (init.httpStatus !== undefined) this.httpStatus = init.httpStatus;
  }

  /** Safe summary for logs (no bodies, no personal data). */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      platform: this.platform,
      operation: this.operation,
      kind: this.kind,
      code: this.code,
      httpStatus: this.httpStatus,
      retryable: this.retryable,
      outcomeUnknown: this.outcomeUnknown,
      message: this.message,
    };
  }
}

export function isPlatformError(err: unknown): err is PlatformError {
  return err instanceof PlatformError;
}

/** What the optional observer sees for each attempt: never bodies, headers or query strings. */
export interface PlatformCallEvent {
  platform: string;
  operation: string;
  method: string;
  host: string;
  path: string;
  attempt: number;
  durationMs: number;
  status?: number;
  errorKind?: PlatformErrorKind;
  willRetry: boolean;
}

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

export interface PlatformRequest {
  platform: string;
  /** Interface name for errors and events, e.g. "6202" or "userQuery". */
  operation: string;
  url: string;
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';
  headers?: Record<string, string>;
  /** Raw body (already serialised). Use `json` for JSON bodies. */
  body?: string | Uint8Array | URLSearchParams;
  /** JSON body: serialised with JSON.stringify and sent with content-type application/json. */
  json?: unknown;
  /** Upper bound of one attempt. */
  timeoutMs: number;
  /** Only idempotent calls are ever retried. Default false. */
  idempotent?: boolean;
  /** Retries after the first attempt for idempotent calls (default 2). Ignored when not idempotent. */
  retries?: number;
  /** First backoff delay (default 200 ms), doubled each retry with ±25 % jitter, capped at 2 s. */
  backoffMs?: number;
  /** Upper bound of the whole call including retries (default: no extra bound). */
  deadlineMs?: number;
  /** Largest accepted response body (default 5 MiB). */
  maxResponseBytes?: number;
  /** Caller's cancellation (e.g. the inbound request was aborted). */
  signal?: AbortSignal;
  fetch?: FetchLike;
  onEvent?: (event: PlatformCallEvent) => void;
}

export interface PlatformResponse {
  status: number;
  headers: Headers;
  /** Raw body bytes as text (UTF-8). */
  text: string;
  attempts: number;
}

const DEFAULT_MAX_BYTES = 5 * 1024 * 1024;
const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });

/** Network error codes that mean the request never reached the platform. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

function causeCode(err: unknown): string | undefined {
  let e: unknown = err;
  for (let i = 0; i < 4 && e && typeof e === 'object'; i++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

async function readBody(res: Response, limit: number, platform: string, operation: string): Promise<string> {
  const declared = Number(res.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > limit) {
    await res.body?.cancel().catch(() => undefined);
    throw new PlatformError({ platform, operation, kind: 'bad_response', code: 'RESPONSE_TOO_LARGE', message: `response larger than ${limit} bytes`, httpStatus: res.status });
  }
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      throw new PlatformError({ platform, operation, kind: 'bad_response', code: 'RESPONSE_TOO_LARGE', message: `response larger than ${limit} bytes`, httpStatus: res.status });
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** One attempt: returns the response or throws a typed PlatformError. */
async function attemptOnce(req: PlatformRequest, init: RequestInit, deadline: number | undefined): Promise<{ status: number; headers: Headers; text: string }> {
  const { platform, operation } = req;
  const remaining = deadline !== undefined ? Math.max(1, deadline - Date.now()) : Infinity;
  const attemptMs = Math.min(req.timeoutMs, remaining);
  const timeoutSignal = AbortSignal.timeout(attemptMs);
  const signal = req.signal ? AbortSignal.any([timeoutSignal, req.signal]) : timeoutSignal;
  const doFetch: FetchLike = req.fetch ?? ((input, i) => fetch(input, i));
  let res: Response;
  try {
    res = await doFetch(req.url, { ...init, signal, redirect: 'manual' });
  } catch (err) {
    if (req.signal?.aborted && !timeoutSignal.aborted) {
      throw new PlatformError({ platform, operation, kind: 'unavailable', code: 'ABORTED', message: 'call aborted by caller', retryable: false, outcomeUnknown: true, cause: err });
    }
    if (timeoutSignal.aborted) {
      throw new PlatformError({ platform, operation, kind: 'timeout', code: 'TIMEOUT', message: `no answer within ${attemptMs} ms`, outcomeUnknown: true });
    }
    const code = causeCode(err);
    const notSent = code !== undefined && NOT_SENT_CODES.has(code);
    throw new PlatformError({ platform, operation, kind: 'unavailable', code: code ?? 'NETWORK', message: `network error${code ? ` (${code})` : ''}`, outcomeUnknown: !notSent });
  }
  let text: string;
  try {
    text = await readBody(res, req.maxResponseBytes ?? DEFAULT_MAX_BYTES, platform, operation);
  } catch (err) {
    if (isPlatformError(err)) throw err;
    if (timeoutSignal.aborted) {
      throw new PlatformError({ platform, operation, kind: 'timeout', code: 'TIMEOUT', message: `response body not complete within ${attemptMs} ms`, outcomeUnknown: true, httpStatus: res.status });
    }
    throw new PlatformError({ platform, operation, kind: 'unavailable', code: causeCode(err) ?? 'NETWORK', message: 'connection lost while reading the response', outcomeUnknown: true, httpStatus: res.status });
  }
  if (res.status >= 500 || res.status === 429) {
    throw new PlatformError({ platform, operation, kind: 'unavailable', code: `HTTP_${res.status}`, message: `platform answered HTTP ${res.status}`, outcomeUnknown: res.status !== 429 && res.status !== 503, httpStatus: res.status });
  }
  if (res.status >= 300 && res.status < 400) {
    throw new PlatformError({ platform, operation, kind: 'bad_response', code: `HTTP_${res.status}`, message: `unexpected redirect (HTTP ${res.status})`, httpStatus: res.status });
  }
  return { status: res.status, headers: res.headers, text };
}

/**
 * Sends one request to an outside platform with a bounded timeout and, for idempotent calls only,
 * retries with exponential backoff on `timeout`/`unavailable`. 4xx answers are returned (not
 * thrown) so the caller can read the platform's error body; use `expectOk` or the JSON helpers
 * to turn them into `rejected` errors.
 */
export async function platformRequest(req: PlatformRequest): Promise<PlatformResponse> {
  const method = req.method ?? (req.body !== undefined || req.json !== undefined ? 'POST' : 'GET');
  const headers: Record<string, string> = { accept: 'application/json', ...req.headers };
  let body: RequestInit['body'];
  if (req.json !== undefined) {
    body = JSON.stringify(req.json);
    if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json; charset=utf-8';
  } else if (req.body !== undefined) {
    body = req.body as RequestInit['body'];
  }
  const init: RequestInit = { method, headers, ...(body !== undefined ? { body } : {}) };
  const retries = req.idempotent ? Math.max(0, req.retries ?? 2) : 0;
  const deadline = req.deadlineMs !== undefined ? Date.now() + req.deadlineMs : undefined;
  let host = '';
  let path = '';
  try {
    const u = new URL(req.url);
    host = u.host;
    path = u.pathname;
  } catch {
    throw new PlatformError({ platform: req.platform, operation: req.operation, kind: 'unavailable', code: 'BAD_URL', message: 'platform URL is not valid', retryable: false });
  }

  for (let attempt = 1; ; attempt++) {
    const started = Date.now();
    try {
      const res = await attemptOnce(req, init, deadline);
      req.onEvent?.({ platform: req.platform, operation: req.operation, method, host, path, attempt, durationMs: Date.now() - started, status: res.status, willRetry: false });
      return { ...res, attempts: attempt };
    } catch (err) {
      const pe = err as PlatformError;
      const backoff = Math.min(2000, (req.backoffMs ?? 200) * 2 ** (attempt - 1)) * (0.75 + Math.random() * 0.5);
      const withinDeadline = deadline === undefined || Date.now() + backoff < deadline;
      const willRetry = attempt <= retries && pe.retryable && withinDeadline && !req.signal?.aborted;
      req.onEvent?.({
        platform: req.platform, operation: req.operation, method, host, path, attempt, durationMs: Date.now() - started,
        ...(pe.httpStatus !== undefined ? { status: pe.httpStatus } : {}), errorKind: pe.kind, willRetry,
      });
      if (!willRetry) throw pe;
      await sleep(backoff, req.signal);
    }
  }
}

/** Throws `rejected` for a 4xx answer (code HTTP_<status>); returns the response otherwise. */
export function expectOk(res: PlatformResponse, platform: string, operation: string): PlatformResponse {
  if (res.status >= 400) {
    throw new PlatformError({ platform, operation, kind: 'rejected', code: `HTTP_${res.status}`, message: `platform refused the request (HTTP ${res.status})`, httpStatus: res.status, retryable: false });
  }
  return res;
}

/** Parses a JSON text or throws `bad_response` (the text is never included in the error). */
export function parseJson<T = unknown>(text: string, platform: string, operation: string): T {
  try {
    return JSON.parse(text) as T;
  } catch (err) {
    throw new PlatformError({ platform, operation, kind: 'bad_response', code: 'INVALID_JSON', message: 'platform answer is not valid JSON', retryable: false, cause: err instanceof Error ? new Error(err.name) : undefined });
  }
}

export interface JsonResponse<T> {
  status: number;
  headers: Headers;
  body: T;
  /** Raw text (for signature checks over the exact bytes). Never log it. */
  text: string;
  attempts: number;
}

/**
 * Request + parse. 4xx answers become `rejected` unless `acceptStatus` lists them (some platforms
 * put their error body on a 4xx: pass e.g. `acceptStatus: [400, 401, 403, 404]` and read it).
 */
export async function platformJson<T = unknown>(req: PlatformRequest & { acceptStatus?: number[] }): Promise<JsonResponse<T>> {
  const res = await platformRequest(req);
  if (res.status >= 400 && !(req.acceptStatus ?? []).includes(res.status)) expectOk(res, req.platform, req.operation);
  const body = res.text === '' && res.status === 204 ? (undefined as T) : parseJson<T>(res.text, req.platform, req.operation);
  return { status: res.status, headers: res.headers, body, text: res.text, attempts: res.attempts };
}

/** POST a JSON body, parse the JSON answer. */
export function postJson<T = unknown>(req: Omit<PlatformRequest, 'method' | 'body'> & { json: unknown; acceptStatus?: number[] }): Promise<JsonResponse<T>> {
  return platformJson<T>({ ...req, method: 'POST' });
}

/** GET and parse the JSON answer. GETs are idempotent by default. */
export function getJson<T = unknown>(req: Omit<PlatformRequest, 'method' | 'body' | 'json'> & { acceptStatus?: number[] }): Promise<JsonResponse<T>> {
  return platformJson<T>({ idempotent: true, ...req, method: 'GET' });
}
