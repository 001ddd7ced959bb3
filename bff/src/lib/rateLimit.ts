/**
 * Request rate limits (rate-limiter-flexible, fixed windows) kept in the database
 * (`rate_limit_buckets`), so one limit holds across every BFF process behind the load balancer.
 *
 *   const signIn = rateLimit(deps, 'signin', config.rateLimits.signIn, byIp);   // once: see domains/auth/limits.ts
 *   router.post('/wechat/login', signIn, …);
 *
 * Over the limit: 429 RATE_LIMITED with Retry-After and a Chinese message saying when to try
 * again; nothing of the request runs. A rule of null (switched off, the default in tests) is a
 * pass-through. If the database cannot count, the request is counted in this process's memory
 * instead (same rule) and a warning is logged: a database hiccup neither locks everybody out nor
 * lifts the limit. Keys are `<name>:<ip>` or `<name>:<userId>` — no names or ID numbers, and the
 * key itself is never logged.
 */
import type { Context, Middleware, Next } from 'koa';
import { RateLimiterMemory, RateLimiterPrisma, RateLimiterRes } from 'rate-limiter-flexible';
import type { RateRule } from '../config';
import type { Db } from '../deps';
import type { Logger } from '../logger';
import { AppError } from './errors';

/** Who is counted: a key part, or null to let the request through uncounted. */
export type RateKey = (ctx: Context) => string | null;

/** The client's address (X-Forwarded-For is used only with TRUST_PROXY). */
export const byIp: RateKey = (ctx) => ctx.ip || null;

export interface RateLimiter {
  readonly name: string;
  readonly rule: RateRule;
  /** Counts one request for `key`; throws RATE_LIMITED when the window is used up. */
  consume(key: string): Promise<void>;
}

export function createRateLimiter(deps: { prisma: Db; logger: Logger }, name: string, rule: RateRule): RateLimiter {
  const opts = { keyPrefix: name, points: rule.points, duration: rule.durationSec };
  const store = new RateLimiterPrisma({ ...opts, storeClient: deps.prisma, tableName: 'rateLimitBucket' });
  const fallback = new RateLimiterMemory(opts);
  const refuse = (res: RateLimiterRes): AppError => {
    const seconds = Math.max(1, Math.ceil(res.msBeforeNext / 1000));
    return new AppError('RATE_LIMITED', {
      message: `操作过于频繁，请 ${seconds} 秒后再试`,
      headers: { 'Retry-After': String(seconds) },
    });
  };
  return {
    name,
    rule,
    async consume(key) {
      try {
        await store.consume(key);
        return;
      } catch (err) {
        if (err instanceof RateLimiterRes) throw refuse(err);
        deps.logger.warn({ limit: name, err: err instanceof Error ? err.message : String(err) }, 'rate limit store failed: counting in memory');
      }
      try {
        await fallback.consume(key);
      } catch (err) {
        if (err instanceof RateLimiterRes) throw refuse(err);
        throw err;
      }
    },
  };
}

/** Koa middleware counting each request under `name` for the caller `keyOf` names; off when `rule` is null. */
export function rateLimit(deps: { prisma: Db; logger: Logger }, name: string, rule: RateRule | null, keyOf: RateKey): Middleware {
  if (!rule) return (_ctx: Context, next: Next) => next();
  const limiter = createRateLimiter(deps, name, rule);
  return async (ctx, next) => {
    const key = keyOf(ctx);
    if (key) {
      try {
        await limiter.consume(key);
      } catch (err) {
        if (err instanceof AppError) deps.logger.warn({ requestId: ctx.state.requestId, limit: name, path: ctx.path }, 'rate limit reached');
        throw err;
      }
    }
    await next();
  };
}
