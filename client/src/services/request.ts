/**
 * The one HTTP layer of the client, over Taro.request (wx.request / my.request / fetch).
 *
 * - URL: platform.apiBase + path (+ query). Paths are BFF paths like '/api/v1/meta'.
 * - Headers: JSON, `x-request-id` (new per call, also in ApiError), `x-client-platform`
 *   (weapp/alipay/h5), `Authorization: Bearer` when a session is stored.
 * - Sessions: on 401 SESSION_EXPIRED the access token is renewed with the refresh token once
 *   (single-flight: concurrent calls share one refresh) and the call is retried once. When the
 *   session cannot be renewed, or the BFF says it is gone (UNAUTHENTICATED, SESSION_REVOKED,
 *   ACCOUNT_DISABLED), it is cleared and the sign-in page opens (unless `noSignInRedirect`).
 *   A refresh that fails for network reasons keeps the session (the call reports the network).
 * - Errors: every failure becomes an ApiError with a stable code and a Chinese message.
 *   BFF errors `{code, message, requestId}` use the contract's message for the code
 *   (messageForCode), so wording is reviewed in one place. Network failures and timeouts get
 *   the client codes below. A toast shows the message unless `silent` is set (pages that
 *   render the error themselves, e.g. through <PageState>, pass silent).
 * - An optional zod schema validates the response body; a mismatch is BAD_RESPONSE.
 */
import Taro from '@tarojs/taro';
import {
  API_PREFIX,
  ApiErrorBodySchema,
  CLIENT_PLATFORM_HEADER,
  REQUEST_ID_HEADER,
  RefreshResponseSchema,
  messageForCode,
  type FieldIssue,
} from '@ih/contract';
import type { ZodType } from 'zod';
import { platform } from '../platform';
import { URLS } from '../routes';
import { clearSession, getRefreshToken, getToken, saveSession } from './session';

/** Failures that happen before (or instead of) a BFF answer. */
export const CLIENT_ERROR_MESSAGES = {
  NETWORK_ERROR: '网络连接失败，请检查网络后重试',
  TIMEOUT: '请求超时，请检查网络后重试',
  BAD_RESPONSE: '服务返回的数据异常，请稍后重试',
} as const;
export type ClientErrorCode = keyof typeof CLIENT_ERROR_MESSAGES;

export const DEFAULT_TIMEOUT_MS = 15_000;

export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    /** Stable code: one of the contract's ErrorCode, a ClientErrorCode, or a newer BFF code. */
    readonly code: string,
    /** Chinese, ready to show. */
    message: string,
    /** HTTP status; 0 when no response arrived. */
    readonly status: number,
    /** The BFF's request id (or ours when the BFF never answered): quote it to support. */
    readonly requestId: string,
    /** Field-level problems for forms (VALIDATION_FAILED). */
    readonly fields: FieldIssue[] = [],
  ) {
    super(message);
  }
}

export function isApiError(e: unknown): e is ApiError {
  return e instanceof ApiError;
}

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export type QueryValue = string | number | boolean | null | undefined;

export interface RequestOptions<T> {
  method?: HttpMethod;
  query?: Record<string, QueryValue>;
  /** JSON body. */
  data?: unknown;
  headers?: Record<string, string>;
  /** Validates (and types) the response body. */
  schema?: ZodType<T>;
  timeoutMs?: number;
  /** Do not toast the error (the caller shows it). */
  silent?: boolean;
  /** Send no session and never refresh (sign-in calls, the refresh call itself). */
  anonymous?: boolean;
  /** When the session turns out to be gone, clear it but stay on the page (it shows signed-out). */
  noSignInRedirect?: boolean;
}

let counter = 0;
/** Unique enough to find one call in the BFF's logs: time, a counter and randomness. */
export function newRequestId(): string {
  counter = (counter + 1) % 1_000_000;
  const rand = Math.floor(Math.random() * 0x100000000).toString(16).padStart(8, '0');
  return `c-${Date.now().toString(36)}-${counter.toString(36)}-${rand}`;
}

export function buildUrl(path: string, query?: Record<string, QueryValue>): string {
  const base = platform.apiBase.replace(/\/+$/, '');
  const qs = Object.entries(query ?? {})
    .filter((entry): entry is [string, string | number | boolean] => entry[1] !== undefined && entry[1] !== null)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
    .join('&');
  return `${base}${path.startsWith('/') ? path : `/${path}`}${qs ? `${path.includes('?') ? '&' : '?'}${qs}` : ''}`;
}

/** The code for an error response whose body is not the BFF's (a proxy page, an empty body). */
const GENERIC_CODES: Record<number, string> = {
  400: 'BAD_REQUEST', 401: 'UNAUTHENTICATED', 403: 'FORBIDDEN', 404: 'NOT_FOUND', 405: 'METHOD_NOT_ALLOWED',
  409: 'CONFLICT', 413: 'PAYLOAD_TOO_LARGE', 415: 'UNSUPPORTED_MEDIA_TYPE', 423: 'ACCOUNT_LOCKED', 429: 'RATE_LIMITED',
};
function codeForStatus(status: number): string {
  return GENERIC_CODES[status] ?? 'INTERNAL';
}

function headerValue(headers: Record<string, unknown> | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  const value = key === undefined ? undefined : headers[key];
  return typeof value === 'string' && value ? value : undefined;
}

function parseBody(data: unknown): unknown {
  if (typeof data !== 'string') return data;
  try {
    return JSON.parse(data);
  } catch {
    return data;
  }
}

/** What the platform hands back before we parse it. */
type RawBody = string | Record<string, unknown> | ArrayBuffer;
type RawResponse = Taro.request.SuccessCallbackResult<RawBody>;

function fail(error: ApiError, silent: boolean | undefined): never {
  if (!silent) {
    void Taro.showToast({ title: error.message, icon: 'none', duration: 2500 });
  }
  throw error;
}

interface PlatformFailure {
  errMsg?: unknown; // WeChat, H5: "request:fail timeout"
  errorMessage?: unknown; // Alipay
  message?: unknown;
  error?: unknown; // Alipay error number: 13 = timeout, 19 = HTTP status not 2xx
  status?: unknown;
  data?: unknown;
  headers?: unknown;
}

function isTimeoutFailure(e: unknown): boolean {
  const f = (e ?? {}) as PlatformFailure;
  if (f.error === 13) return true;
  const text = [f.errMsg, f.errorMessage, f.message].filter((v) => typeof v === 'string').join(' ');
  return /timeout|timed out|超时/i.test(text);
}

/** Alipay reports a non-2xx answer through `fail` with the status and body: still an answer. */
function httpErrorFromFailure(e: unknown): RawResponse | undefined {
  const f = (e ?? {}) as PlatformFailure;
  if (typeof f.status !== 'number' || f.status < 100) return undefined;
  return {
    statusCode: f.status,
    data: f.data,
    header: (f.headers ?? {}) as Record<string, string>,
    errMsg: String(f.errorMessage ?? ''),
  } as RawResponse;
}

/**
 * The ApiError for a non-2xx answer: the BFF's `{code, requestId, fields}` with the contract's
 * message for the code, or a generic code for the status when the body is not the BFF's.
 * `fallbackRequestId`: the answer's x-request-id header, else ours.
 */
export function errorFromResponse(status: number, data: unknown, fallbackRequestId: string): ApiError {
  const parsed = ApiErrorBodySchema.safeParse(parseBody(data));
  const code = parsed.success ? parsed.data.code : codeForStatus(status);
  return new ApiError(
    code,
    messageForCode(code),
    status,
    (parsed.success ? parsed.data.requestId : undefined) ?? fallbackRequestId,
    parsed.success ? (parsed.data.fields ?? []) : [],
  );
}

/** The ApiError for a call that got no answer (the platform's fail callback): timeout or network. */
export function errorFromFailure(e: unknown, requestId: string): ApiError {
  const code: ClientErrorCode = isTimeoutFailure(e) ? 'TIMEOUT' : 'NETWORK_ERROR';
  return new ApiError(code, CLIENT_ERROR_MESSAGES[code], 0, requestId);
}

/** The headers every call to the BFF carries (uploads add no Content-Type: the platform sets multipart). */
export function baseHeaders(requestId: string, token: string | null): Record<string, string> {
  return {
    [REQUEST_ID_HEADER]: requestId,
    [CLIENT_PLATFORM_HEADER]: platform.name,
    ...(token ? { Authorization: `Bearer ${token}` } : {}),
  };
}

/** Codes that mean the stored session is of no use any more. */
const SESSION_GONE = new Set(['UNAUTHENTICATED', 'SESSION_EXPIRED', 'SESSION_REVOKED', 'ACCOUNT_DISABLED']);
export const REFRESH_PATH = `${API_PREFIX}/auth/refresh`;

type RefreshOutcome = 'refreshed' | 'failed';
let refreshing: Promise<RefreshOutcome> | null = null;

async function exchangeRefreshToken(): Promise<RefreshOutcome> {
  const refreshToken = getRefreshToken();
  if (!refreshToken) return 'failed';
  try {
    const body = await send(REFRESH_PATH, { method: 'POST', data: { refreshToken }, schema: RefreshResponseSchema }, null);
    saveSession(body.tokens);
    return 'refreshed';
  } catch (e) {
    // No answer, or the BFF is down: the refresh token may still be good. Keep it.
    if (e instanceof ApiError && (e.status === 0 || e.status >= 500 || e.code === 'RATE_LIMITED')) throw e;
    return 'failed';
  }
}

/**
 * Renews the session after `usedToken` was refused as expired. Single-flight: every caller
 * waiting at the same time shares one refresh call (a refresh token works once). If the stored
 * token already differs from `usedToken`, someone renewed it meanwhile (another call, another
 * tab): nothing to do.
 */
export function refreshSession(usedToken: string): Promise<RefreshOutcome> {
  const current = getToken();
  if (current !== null && current !== usedToken) return Promise.resolve('refreshed');
  refreshing ??= exchangeRefreshToken().finally(() => {
    refreshing = null;
  });
  return refreshing;
}

let lastSignInRedirect = 0;
/** Forgets the redirect throttle (tests; a new sign-in). */
export function resetSignInRedirect(): void {
  lastSignInRedirect = 0;
}
/** Opens the sign-in page (at most once in a few seconds, however many calls failed). */
function openSignIn(): void {
  const now = Date.now();
  if (now - lastSignInRedirect < 3000) return;
  lastSignInRedirect = now;
  Promise.resolve(Taro.navigateTo({ url: URLS.login })).catch((e: unknown) => console.warn('[request] could not open the sign-in page', e));
}

/** The session that `usedToken` belonged to is gone: forget it (unless a new one replaced it). */
function sessionLost(usedToken: string, redirect: boolean): void {
  if (getToken() === usedToken) clearSession();
  if (redirect) openSignIn();
}

export function request<T = unknown>(path: string, options: RequestOptions<T> = {}): Promise<T> {
  return withSession((token) => send(path, options, token), options);
}

/** What withSession needs of the request options. */
export type SessionOptions = Pick<RequestOptions<unknown>, 'silent' | 'anonymous' | 'noSignInRedirect'>;

/**
 * The session handling of `request` around any exchange with the BFF (also uploads, which go
 * through Taro.uploadFile): `exchange(token)` sends once with the given access token (null when
 * signed out or anonymous) and throws ApiError. On SESSION_EXPIRED the session is refreshed
 * (single-flight) and the exchange runs once more; a lost session is cleared and the sign-in
 * page opens (unless noSignInRedirect); the error is toasted unless silent.
 */
export async function withSession<T>(exchange: (token: string | null) => Promise<T>, options: SessionOptions = {}): Promise<T> {
  const token = options.anonymous ? null : getToken();
  try {
    return await exchange(token);
  } catch (e) {
    let error = e as ApiError;
    if (!(error instanceof ApiError) || token === null) return fail(error, options.silent);
    const redirect = !options.noSignInRedirect;
    if (error.code === 'SESSION_EXPIRED') {
      let outcome: RefreshOutcome;
      try {
        outcome = await refreshSession(token);
      } catch (refreshError) {
        return fail(refreshError as ApiError, options.silent);
      }
      if (outcome === 'refreshed') {
        const renewed = getToken();
        try {
          return await exchange(renewed);
        } catch (retryError) {
          error = retryError as ApiError;
          if (error instanceof ApiError && renewed !== null && SESSION_GONE.has(error.code)) sessionLost(renewed, redirect);
          return fail(error, options.silent);
        }
      }
      sessionLost(token, redirect);
      return fail(error, options.silent);
    }
    if (SESSION_GONE.has(error.code)) sessionLost(token, redirect);
    return fail(error, options.silent);
  }
}

/** One HTTP exchange with `token` (or none); throws ApiError without showing it. */
async function send<T>(path: string, options: RequestOptions<T>, token: string | null): Promise<T> {
  const { method = 'GET', query, data, headers = {}, schema, timeoutMs = DEFAULT_TIMEOUT_MS } = options;
  const silent = true;
  const requestId = newRequestId();
  const header: Record<string, string> = {
    Accept: 'application/json',
    'Content-Type': 'application/json',
    ...baseHeaders(requestId, token),
    ...headers,
  };

  let timer: ReturnType<typeof setTimeout> | undefined;
  let response: RawResponse;
  try {
    const task = Taro.request<RawBody>({
      url: buildUrl(path, query),
      method,
      data: data as Taro.request.Option['data'],
      header,
      dataType: 'json',
      // The platform's own limit a little later than ours, so ours decides.
      timeout: timeoutMs + 1000,
    });
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        try {
          task.abort?.();
        } catch {
          /* already finished */
        }
        reject(new ApiError('TIMEOUT', CLIENT_ERROR_MESSAGES.TIMEOUT, 0, requestId));
      }, timeoutMs);
    });
    response = await Promise.race([task, timeout]);
  } catch (e) {
    if (e instanceof ApiError) fail(e, silent);
    const httpError = httpErrorFromFailure(e);
    if (httpError) {
      response = httpError;
    } else {
      fail(errorFromFailure(e, requestId), silent);
    }
  } finally {
    if (timer !== undefined) clearTimeout(timer);
  }

  const status = response.statusCode;
  const body = parseBody(response.data);
  const serverRequestId = headerValue(response.header as Record<string, unknown> | undefined, REQUEST_ID_HEADER);

  if (status < 200 || status >= 300) fail(errorFromResponse(status, body, serverRequestId ?? requestId), silent);

  if (!schema) return body as T;
  const checked = schema.safeParse(body);
  if (!checked.success) {
    console.warn('[request] response does not match the contract', path, checked.error.issues);
    fail(new ApiError('BAD_RESPONSE', CLIENT_ERROR_MESSAGES.BAD_RESPONSE, status, serverRequestId ?? requestId), silent);
  }
  return checked.data;
}
