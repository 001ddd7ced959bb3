/**
 * Request id: a sane incoming `x-request-id` (letters, digits, . _ : -, at most 128) is kept so a
 * request can be followed from the client through the BFF to the platforms; otherwise a UUID is
 * generated. It is echoed in the response header and available as ctx.state.requestId.
 */
import { randomUUID } from 'node:crypto';
import type { Context, Next } from 'koa';
import { REQUEST_ID_HEADER } from '@ih/contract';

const SANE_ID = /^[A-Za-z0-9._:-]{8,128}$/;

export function acceptRequestId(value: string | string[] | undefined): string | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  return v !== undefined && SANE_ID.test(v) ? v : undefined;
}

export function requestId() {
  return async function requestIdMiddleware(ctx: Context, next: Next): Promise<void> {
    const id = acceptRequestId(ctx.get(REQUEST_ID_HEADER) || undefined) ?? randomUUID();
    ctx.state.requestId = id;
    ctx.set(REQUEST_ID_HEADER, id);
    await next();
  };
}
