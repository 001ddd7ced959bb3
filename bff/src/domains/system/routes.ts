/**
 * System routes: liveness (/healthz, no dependencies), readiness (/readyz: database reachable and
 * every migration applied; 503 otherwise and while draining) and the app shell's meta data.
 */
import Router from '@koa/router';
import { migrationStatus } from '@ih/db';
import { API_PREFIX, MetaResponseSchema, type HealthResponse, type MetaResponse, type ReadyResponse } from '@ih/contract';
import type { AppDeps, Db, Lifecycle } from '../../deps';
import type { Logger } from '../../logger';
import { CAPABILITIES } from './capabilities';

const CHECK_TIMEOUT_MS = 3000;

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export async function checkReadiness(prisma: Db, lifecycle: Lifecycle, logger: Logger): Promise<ReadyResponse> {
  const body: ReadyResponse = { status: 'ready', checks: { database: 'ok', migrations: 'ok' } };
  try {
    await withTimeout(prisma.$queryRawUnsafe('SELECT 1'), CHECK_TIMEOUT_MS, 'database ping');
  } catch (err) {
    body.checks = { database: 'unreachable', migrations: 'unknown' };
    logger.warn({ err }, 'readiness: database unreachable');
  }
  if (body.checks.database === 'ok') {
    try {
      const status = await withTimeout(migrationStatus(prisma), CHECK_TIMEOUT_MS, 'migration status');
      body.checks.migrations = status.state;
      if (status.pending.length) body.pendingMigrations = status.pending;
      if (status.failed.length) body.failedMigrations = status.failed;
    } catch (err) {
      body.checks.migrations = 'unknown';
      logger.warn({ err }, 'readiness: migration status unknown');
    }
  }
  if (lifecycle.draining) body.draining = true;
  const ok = body.checks.database === 'ok' && body.checks.migrations === 'ok' && !lifecycle.draining;
  body.status = ok ? 'ready' : 'not_ready';
  return body;
}

export function systemRouter(deps: AppDeps & { lifecycle: Lifecycle }): Router {
  const { config, prisma, logger, lifecycle } = deps;
  const router = new Router();
  let lastReady: string | undefined;

  router.get('/healthz', (ctx) => {
    const body: HealthResponse = { status: 'ok', uptimeSeconds: Math.round(process.uptime()) };
    ctx.body = body;
  });

  router.get('/readyz', async (ctx) => {
    const body = await checkReadiness(prisma, lifecycle, logger);
    const summary = JSON.stringify(body);
    if (summary !== lastReady) {
      // Logged on change only: probes run every few seconds.
      logger[body.status === 'ready' ? 'info' : 'warn']({ readiness: body }, `readiness: ${body.status}`);
      lastReady = summary;
    }
    ctx.status = body.status === 'ready' ? 200 : 503;
    ctx.body = body;
  });

  router.get(`${API_PREFIX}/meta`, async (ctx) => {
    const hospitalCount = await prisma.hospital.count();
    const body: MetaResponse = {
      appName: config.appName,
      hospitalCount,
      capabilities: [...CAPABILITIES],
      serverTime: new Date().toISOString(),
    };
    ctx.body = MetaResponseSchema.parse(body);
  });

  return router;
}
