/**
 * One Koa app hosting every outside-platform mock under its own path prefix, plus the admin API.
 * Platforms register themselves as MockPlatform modules (see platforms/); each keeps its own state.
 */
import Koa from 'koa';
import Router from '@koa/router';
import { bodyParser } from '@koa/bodyparser';
import { FaultRegistry } from './faults';

export interface MockContext {
  faults: FaultRegistry;
  /** Base URL the mock server is reachable on (for links it hands out, e.g. auth pages). */
  publicUrl: () => string;
}

export interface MockPlatform {
  /** Stable name used in fault targets and the admin API, e.g. "his". */
  name: string;
  /** Path prefix, e.g. "/his". */
  prefix: string;
  describe: string;
  routes(router: Router, ctx: MockContext): void;
  /** Reset the platform's state to its demo data (admin API and tests). */
  reset?(): void;
}

export interface MockAppOptions {
  platforms: MockPlatform[];
  faults?: FaultRegistry;
  publicUrl?: () => string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function createMockApp(opts: MockAppOptions): { app: Koa; faults: FaultRegistry } {
  const faults = opts.faults ?? new FaultRegistry();
  const mockCtx: MockContext = { faults, publicUrl: opts.publicUrl ?? (() => 'http://127.0.0.1:3100') };
  const app = new Koa();
  app.use(bodyParser({ enableTypes: ['json', 'form', 'text'], jsonLimit: '2mb' }));

  const admin = new Router({ prefix: '/__admin' });
  admin.get('/', (ctx) => {
    ctx.body = {
      platforms: opts.platforms.map((p) => ({ name: p.name, prefix: p.prefix, describe: p.describe })),
      faults: faults.list(),
      usage: 'POST /__admin/faults {platform, operation?, kind, params?, times?}; DELETE /__admin/faults[?platform=]; POST /__admin/reset',
    };
  });
  admin.get('/faults', (ctx) => {
    ctx.body = faults.list();
  });
  admin.post('/faults', (ctx) => {
    try {
      ctx.body = faults.add(ctx.request.body as never);
      ctx.status = 201;
    } catch (e) {
      ctx.status = 400;
      ctx.body = { error: (e as Error).message };
    }
  });
  admin.delete('/faults', (ctx) => {
    faults.clear(typeof ctx.query.platform === 'string' ? ctx.query.platform : undefined);
    ctx.status = 204;
  });
  admin.post('/reset', (ctx) => {
    faults.clear();
    for (const p of opts.platforms) p.reset?.();
    ctx.status = 204;
  });

  const root = new Router();
  root.get('/healthz', (ctx) => {
    ctx.body = { status: 'ok', platforms: opts.platforms.map((p) => p.name) };
  });

  app.use(admin.routes()).use(admin.allowedMethods());
  app.use(root.routes());

  for (const platform of opts.platforms) {
    const router = new Router({ prefix: platform.prefix });
    // Generic faults first: latency, timeout, HTTP errors on any operation of the platform.
    router.use(async (ctx, next) => {
      const op = ctx.path.slice(platform.prefix.length) || '/';
      const latency = faults.take(platform.name, op, ['latency']);
      if (latency) await sleep(Number(latency.params.ms ?? 1000));
      if (faults.take(platform.name, op, ['timeout'])) {
        await sleep(Number(process.env.MOCK_TIMEOUT_HOLD_MS ?? 120_000));
        ctx.status = 504;
        return;
      }
      const httpError = faults.take(platform.name, op, ['http_error']);
      if (httpError) {
        ctx.status = Number(httpError.params.status ?? 503);
        ctx.body = 'Service Unavailable (injected)';
        return;
      }
      await next();
    });
    platform.routes(router, mockCtx);
    app.use(router.routes()).use(router.allowedMethods());
  }
  return { app, faults };
}
