/**
 * Every error becomes `{code, message, requestId[, fields]}` with the status from ERROR_CATALOG.
 *   AppError                       → its code
 *   malformed JSON                 → 400 BAD_JSON
 *   body over the limit            → 413 PAYLOAD_TOO_LARGE
 *   unsupported body encoding      → 415 UNSUPPORTED_MEDIA_TYPE
 *   database unreachable           → 503 DB_UNAVAILABLE
 *   Koa/http-errors with a 4xx     → the matching catalog code
 *   anything else                  → 500 INTERNAL (stack logged server-side, never sent)
 * Unmatched routes (nothing set a body) become 404 NOT_FOUND here as well, and bodiless error
 * statuses set by routers (405 with its Allow header, 501) get the same JSON shape.
 */
import type { Context, Next } from 'koa';
import type { ApiErrorBody, ErrorCode } from '@ih/contract';
import { AppError, isAppError } from '../lib/errors';
import { isDbUnavailable } from '../lib/dbErrors';
import type { Logger } from '../logger';

const STATUS_CODES: Partial<Record<number, ErrorCode>> = {
  400: 'BAD_REQUEST', 401: 'UNAUTHENTICATED', 403: 'FORBIDDEN', 404: 'NOT_FOUND', 405: 'METHOD_NOT_ALLOWED',
  409: 'CONFLICT', 413: 'PAYLOAD_TOO_LARGE', 415: 'UNSUPPORTED_MEDIA_TYPE', 429: 'RATE_LIMITED',
  501: 'METHOD_NOT_ALLOWED',
};

function codeForStatus(status: number): ErrorCode {
  return STATUS_CODES[status] ?? (status >= 500 ? 'INTERNAL' : 'BAD_REQUEST');
}

interface HttpLikeError {
  status?: unknown;
  statusCode?: unknown;
  type?: unknown;
  expose?: unknown;
}

function isTransactionConflict(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const { code, message, kind } = e as { code?: unknown; message?: unknown; kind?: unknown };
    if (code === 'P2034' || kind === 'TransactionWriteConflict') return true;
    if (typeof message === 'string' && /deadlock found|lock wait timeout|write conflict/i.test(message)) return true;
  }
  return false;
}

/** Maps any thrown value to an AppError (the one place that decides what the client sees). */
export function toAppError(err: unknown): AppError {
  if (isAppError(err)) return err;
  const e = (err ?? {}) as HttpLikeError;
  const status = typeof e.status === 'number' ? e.status : typeof e.statusCode === 'number' ? e.statusCode : undefined;
  const type = typeof e.type === 'string' ? e.type : undefined;
  // Body parsing (co-body / raw-body).
  if (type === 'entity.too.large' || status === 413) return new AppError('PAYLOAD_TOO_LARGE', { cause: err });
  if (type === 'encoding.unsupported' || type === 'charset.unsupported' || status === 415) return new AppError('UNSUPPORTED_MEDIA_TYPE', { cause: err });
  if (err instanceof SyntaxError && status === 400) return new AppError('BAD_JSON', { cause: err });
  if (type === 'request.size.invalid' || type === 'request.aborted' || type === 'stream.encoding.set') return new AppError('BAD_JSON', { cause: err });
  if (isDbUnavailable(err)) return new AppError('DB_UNAVAILABLE', { cause: err });
  // Two requests changing the same rows at once: the database rolled one back (deadlock, write
  // conflict). Nothing of it was kept; the user retries on fresh data.
  if (isTransactionConflict(err)) return new AppError('CONFLICT', { cause: err });
  // ctx.throw(404) and other deliberate http errors: client errors keep their meaning.
  if (status !== undefined && ((status >= 400 && status < 500) || status === 501)) return new AppError(codeForStatus(status), { cause: err });
  return new AppError('INTERNAL', { cause: err });
}

const STALE_HEADERS = ['Cache-Control', 'Content-Disposition', 'ETag', 'Last-Modified', 'Expires', 'Content-Encoding'];

export function errorHandler(logger: Logger) {
  return async function errorHandlerMiddleware(ctx: Context, next: Next): Promise<void> {
    try {
      await next();
      // Nothing answered (404), or a router set an error status without a body (405 + Allow).
      if (ctx.body == null && ctx.status >= 400) throw new AppError(codeForStatus(ctx.status));
    } catch (err) {
      const appError = toAppError(err);
      const requestId = ctx.state.requestId as string | undefined;
      ctx.state.errorCode = appError.code;
      const original = appError.cause ?? err;
      if (appError.status >= 500) {
        const level = appError.code === 'INTERNAL' ? 'error' : 'warn';
        logger[level]({ requestId, code: appError.code, err: original }, 'request failed');
      } else if (appError.cause !== undefined) {
        // Client errors are expected; the cause's type is enough (its message may quote the input).
        logger.debug({ requestId, code: appError.code, errType: (original as Error)?.name }, 'request rejected');
      }
      if (ctx.headerSent || !ctx.writable) {
        // Too late to answer (a stream failed mid-way): end the connection instead of hanging.
        ctx.req.socket?.destroy();
        return;
      }
      for (const h of STALE_HEADERS) ctx.remove(h);
      ctx.set('Cache-Control', 'no-store');
      if (appError.headers) ctx.set(appError.headers);
      const body: ApiErrorBody = { code: appError.code, message: appError.userMessage };
      if (requestId) body.requestId = requestId;
      if (appError.fields?.length) body.fields = appError.fields;
      ctx.status = appError.status;
      ctx.body = body;
    }
  };
}

