import http from 'node:http';
import Router from '@koa/router';
import { createPrisma } from '@ih/db';
import { createApp } from '../src/app';
import { startServer, type RunningServer } from '../src/server';
import { captureLogger, testConfig, testDatabaseUrl } from './helpers';

interface Reply {
  status: number;
  body: string;
  headers: http.IncomingHttpHeaders;
}

/** A request on its own connection (no keep-alive agent), so "new connection refused" is real. */
function get(url: string, agent: http.Agent | false = false): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

async function startWithSlowRoute(env: Record<string, string>, slowMs: number) {
  const config = testConfig({ DATABASE_URL: testDatabaseUrl(), HOST: '127.0.0.1', ...env });
  const prisma = createPrisma(config.databaseUrl);
  const disconnect = jest.spyOn(prisma, '$disconnect');
  const log = captureLogger();
  const app = createApp({ config, prisma, logger: log.logger });
  let entered!: () => void;
  const inFlight = new Promise<void>((r) => (entered = r));
  const router = new Router();
  router.get('/api/v1/test/slow', async (ctx) => {
    entered();
    await new Promise((r) => setTimeout(r, slowMs).unref());
    ctx.body = { done: true };
  });
  app.use(router.routes());
  const running = await startServer({ config, prisma, logger: log.logger, app });
  return { running, inFlight, disconnect, prisma, log };
}

describe('server lifecycle', () => {
  let running: RunningServer | undefined;
  afterEach(async () => {
    await running?.close();
    running = undefined;
  });

  it('listens and answers on the printed URL', async () => {
    const s = await startWithSlowRoute({}, 0);
    running = s.running;
    expect(running.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await get(`${running.url}/healthz`);
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body).status).toBe('ok');
  });

  it('graceful shutdown: in-flight request completes, new connections are refused, DB disconnected', async () => {
    const s = await startWithSlowRoute({ SHUTDOWN_GRACE_MS: '5000' }, 600);
    running = s.running;
    const keepAlive = new http.Agent({ keepAlive: true });
    // An idle keep-alive connection must not hold the shutdown up.
    expect((await get(`${running.url}/healthz`, keepAlive)).status).toBe(200);

    const slow = get(`${running.url}/api/v1/test/slow`);
    await s.inFlight;
    const started = Date.now();
    const closing = running.close();
    expect(running.app.lifecycle.draining).toBe(true);

    await expect(get(`${running.url}/healthz`)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    expect(s.disconnect).not.toHaveBeenCalled();

    const reply = await slow;
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.body)).toEqual({ done: true });
    expect(reply.headers.connection).toBe('close');

    await closing;
    const took = Date.now() - started;
    expect(took).toBeLessThan(3000); // finished when the request did, not at the end of the grace period
    expect(s.disconnect).toHaveBeenCalledTimes(1);
    expect(running.server.listening).toBe(false);
    // close() is idempotent.
    await running.close();
    expect(s.disconnect).toHaveBeenCalledTimes(1);
    keepAlive.destroy();
  });

  it('the grace period bounds the shutdown: a request that takes too long is cut off', async () => {
    const s = await startWithSlowRoute({ SHUTDOWN_GRACE_MS: '300' }, 2000);
    running = s.running;
    const slow = get(`${running.url}/api/v1/test/slow`);
    await s.inFlight;
    const started = Date.now();
    await running.close();
    const took = Date.now() - started;
    expect(took).toBeGreaterThanOrEqual(280);
    expect(took).toBeLessThan(2500);
    await expect(slow).rejects.toMatchObject({ code: 'ECONNRESET' });
    expect(s.disconnect).toHaveBeenCalledTimes(1);
    expect(s.log.records().some((r) => r.msg === 'shutdown grace period over: closing the remaining connections')).toBe(true);
  });
});
