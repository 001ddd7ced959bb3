/**
 * The BFF's two request budgets (lib/rateLimit.ts), defined once and shared by every router that
 * applies them, so a budget is one counter (and one in-memory fallback) per process whatever the
 * route:
 *   signIn   per client IP — the staff form and every patient channel's sign-in (RATE_LIMIT_SIGN_IN)
 *   payment  per signed-in user — actions that reach the insurance center or a payment channel:
 *            consultation / prescription orders, prepare-insurance, pay, refund, e-voucher starts
 *            (RATE_LIMIT_PAYMENT); place it after requireAuth.
 */
import type { Middleware } from 'koa';
import type { Config } from '../../config';
import type { Db } from '../../deps';
import type { Logger } from '../../logger';
import { byIp, rateLimit } from '../../lib/rateLimit';
import { byUser } from './middleware';

export interface Limits {
  signIn: Middleware;
  payment: Middleware;
}

const byDb = new WeakMap<Db, WeakMap<Config, Limits>>();

export function limits(deps: { prisma: Db; logger: Logger; config: Config }): Limits {
  let byConfig = byDb.get(deps.prisma);
  if (!byConfig) byDb.set(deps.prisma, (byConfig = new WeakMap()));
  let l = byConfig.get(deps.config);
  if (!l) {
    l = {
      signIn: rateLimit(deps, 'signin', deps.config.rateLimits.signIn, byIp),
      payment: rateLimit(deps, 'payment', deps.config.rateLimits.payment, byUser),
    };
    byConfig.set(deps.config, l);
  }
  return l;
}
