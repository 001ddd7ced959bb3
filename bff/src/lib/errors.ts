/**
 * Errors the BFF answers on purpose. Throw `new AppError('NOT_FOUND')` anywhere in a route; the
 * error middleware turns it into `{code, message, requestId[, fields]}` with the catalog's status.
 * Anything that is not an AppError is mapped (body parser, database) or becomes 500 INTERNAL.
 */
import { ERROR_CATALOG, type ErrorCode, type FieldIssue } from '@ih/contract';

export interface AppErrorOptions {
  /** Chinese text for the user; defaults to the catalog's message for the code. */
  message?: string;
  fields?: FieldIssue[];
  /** The underlying error, logged server-side only. */
  cause?: unknown;
  /** Extra response headers (e.g. Retry-After, Allow). */
  headers?: Record<string, string>;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly userMessage: string;
  readonly fields?: FieldIssue[];
  readonly headers?: Record<string, string>;

  constructor(code: ErrorCode, options: AppErrorOptions = {}) {
    super(`${code}${options.message ? `: ${options.message}` : ''}`, options.cause !== undefined ? { cause: options.cause } : undefined);
    this.name = 'AppError';
    this.code = code;
    this.status = ERROR_CATALOG[code].status;
    this.userMessage = options.message ?? ERROR_CATALOG[code].message;
    if (options.fields) this.fields = options.fields;
    if (options.headers) this.headers = options.headers;
  }
}

export function isAppError(err: unknown): err is AppError {
  return err instanceof AppError;
}
