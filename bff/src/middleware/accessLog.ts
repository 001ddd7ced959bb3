/**
 * One structured line per request: method, route (the matched route pattern, never the raw URL,
 * so no query strings, tokens or ids from paths), status, duration, requestId. Never bodies.
 * Probes (/healthz, /readyz) log at debug so they do not drown the log; 5xx at error.
 */
import type { Context, Next } from 'koa';
import type { Logger } from '../logger';

const PROBES = new Set(['/healthz', '/readyz']);

export function routeOf(ctx: Context): string {
  const matched = (ctx as { _matchedRoute?: string | RegExp })._matchedRoute;
  if (typeof matched === 'string') return matched;
  if (ctx.state.staticFile) return '(static)';
  return '(unmatched)';
}

export function accessLog(logger: Logger) {
  return async function accessLogMiddleware(ctx: Context, next: Next): Promise<void> {
    const started = process.hrtime.bigint();
    try {
      await next();
    } finally {
      const durationMs = Math.round(Number(process.hrtime.bigint() - started) / 1e4) / 100;
      const route = routeOf(ctx);
      const line = {
        requestId: ctx.state.requestId as string | undefined,
        method: ctx.method,
        route,
        status: ctx.status,
        code: ctx.state.errorCode as string | undefined,
        durationMs,
        bytes: ctx.response.length,
      };
      // Probes: readiness logs its own state changes; one line per probe would drown the log.
      const level = PROBES.has(route) ? 'debug' : ctx.status >= 500 ? 'error' : 'info';
      logger[level](line, 'request');
    }
  };
}
