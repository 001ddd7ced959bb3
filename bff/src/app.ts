/**
 * The BFF's Koa app, without listening (tests: `supertest(app.callback())`; server: server.ts).
 *
 * Middleware, outermost first:
 *   request id → access log → security headers → error mapping (+ 404 for unmatched routes)
 *   → request time limit → body parser (size limits) → H5 static files (non-API paths)
 *   → routes (system; session context; auth (+ channel sign-in); patients; voucher; catalog; consult; further domains under
 *     src/domains/<domain>/ are mounted here as they arrive).
 * Routes added later with `app.use()` (tests) still run inside all of the above.
 */
import Koa from 'koa';
import { bodyParser } from '@koa/bodyparser';
import { requestId } from './middleware/requestId';
import { accessLog } from './middleware/accessLog';
import { securityHeaders } from './middleware/securityHeaders';
import { errorHandler } from './middleware/errorHandler';
import { requestTimeout } from './middleware/timeout';
import { staticH5 } from './middleware/staticH5';
import { mountRouter } from './lib/router';
import { serializeError } from './logger';
import { systemRouter } from './domains/system/routes';
import { authRouter } from './domains/auth/routes';
import { channelAuthRouter } from './domains/auth/channels';
import { sessionContext } from './domains/auth/middleware';
import { SessionService } from './domains/auth/sessions';
import { patientsRouter } from './domains/patients/routes';
import { voucherRouter } from './domains/voucher';
import { catalogRouter } from './domains/catalog/routes';
import { consultRouter } from './domains/consult/routes';
import { filesRouter } from './domains/files';
import { selfServiceRouter } from './domains/selfService';
import { orderRouters } from './domains/order';
import { prescriptionRouter } from './domains/prescription';
import { Lifecycle, type AppDeps } from './deps';
import { JobScheduler } from './lib/jobs';
import { UpgradeRegistry } from './lib/upgrades';

export type BffApp = Koa & { readonly lifecycle: Lifecycle; readonly jobs: JobScheduler; readonly upgrades: UpgradeRegistry };

export function createApp(deps: AppDeps): BffApp {
  const { config, logger } = deps;
  const lifecycle = deps.lifecycle ?? new Lifecycle();
  const jobs = deps.jobs ?? new JobScheduler(logger);
  const upgrades = deps.upgrades ?? new UpgradeRegistry();
  deps = { ...deps, lifecycle, jobs, upgrades };
  const app = new Koa({ proxy: config.trustProxy }) as BffApp;
  Object.defineProperty(app, 'lifecycle', { value: lifecycle, enumerable: true });
  Object.defineProperty(app, 'jobs', { value: jobs, enumerable: true });
  Object.defineProperty(app, 'upgrades', { value: upgrades, enumerable: true });
  // Errors Koa itself sees (e.g. a response stream failing after headers were sent): log safely.
  app.silent = true;
  app.on('error', (err: unknown) => logger.error({ err: serializeError(err) }, 'unhandled app error'));

  app.use(requestId());
  app.use(accessLog(logger));
  app.use(securityHeaders({ hsts: config.isProduction && config.publicBaseUrl.startsWith('https://') }));
  app.use(async (ctx, next) => {
    try {
      await next();
    } finally {
      // Answered while draining (also requests that began before): close the connection so
      // keep-alive clients reconnect to a live instance.
      if (lifecycle.draining) ctx.set('Connection', 'close');
    }
  });
  app.use(errorHandler(logger));
  app.use(requestTimeout(config.requestTimeoutMs, logger));
  app.use(
    bodyParser({
      enableTypes: ['json', 'form'],
      jsonLimit: config.bodyLimit.json,
      formLimit: config.bodyLimit.form,
      encoding: 'utf-8',
    }),
  );
  if (config.staticDir) app.use(staticH5(config.staticDir));

  mountRouter(app, systemRouter({ ...deps, lifecycle }));
  // Sessions: requireAuth({roles}) in any router below finds the service here.
  const sessions = new SessionService({ prisma: deps.prisma, config });
  app.use(sessionContext(sessions));
  mountRouter(app, authRouter({ ...deps, sessions }));
  mountRouter(app, channelAuthRouter({ ...deps, sessions }));
  mountRouter(app, patientsRouter(deps));
  mountRouter(app, voucherRouter(deps));
  mountRouter(app, catalogRouter(deps));
  mountRouter(app, filesRouter(deps));
  mountRouter(app, consultRouter(deps));
  mountRouter(app, selfServiceRouter(deps));
  mountRouter(app, prescriptionRouter(deps));
  // Orders, cashier, payments, refunds, addresses; the platforms' callbacks (no session) under /api/v1/callbacks.
  const orders = orderRouters(deps);
  mountRouter(app, orders.callbacks);
  mountRouter(app, orders.api);
  return app;
}
