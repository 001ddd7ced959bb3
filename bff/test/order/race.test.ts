/**
 * The race: TWO real BFF processes (tsx bff/src/server.ts, jobs on) on ONE database, with the
 * mocks. 200 orders are paid in WeChat; every callback (6302 and WeChat Pay's) is delivered to BOTH
 * processes at once through a fan-out proxy (some twice, some never), both processes run the
 * reconciliation job every second, and status polls hit both. Afterwards: every order settled
 * exactly once (one settle event, one confirmed part each, one succeeded payment), nothing flagged,
 * every consultation moved once, and both instances recorded reconciliation runs.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createTestDatabase, type TestDatabase } from '@ih/db';
import { INSECURE_DEV_SECRETS } from '../../src/config';
import { authorize, consultationOrder, makeWorld, patientUser, startOrderHarness, type OrderHarness } from './harness';

const N = 200;
const ROOT = join(__dirname, '../../..');
jest.setTimeout(240_000);

let h: OrderHarness;
let proxy: http.Server;
let proxyUrl = '';
const children: ChildProcess[] = [];
const childUrls: string[] = [];
let childrenReady: Promise<void>;

async function freePort(): Promise<number> {
  const s = http.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** Forwards each callback to every BFF instance at once; answers with the first instance's answer. */
function startProxy(): Promise<void> {
  proxy = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string' && !['host', 'content-length', 'connection'].includes(k)) headers[k] = v;
      const sends = childUrls.map((u) => fetch(`${u}${req.url}`, { method: req.method, headers, body }).then(async (r) => ({ status: r.status, text: await r.text(), type: r.headers.get('content-type') ?? 'text/plain' })));
      Promise.allSettled(sends).then((results) => {
        const first = results[0]!;
        if (first.status === 'fulfilled') {
          res.writeHead(first.value.status, { 'content-type': first.value.type });
          res.end(first.value.text);
        } else {
          res.writeHead(502);
          res.end();
        }
      });
    });
  });
  return new Promise((r) => proxy.listen(0, '127.0.0.1', () => {
    proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    r();
  }));
}

async function startChild(port: number, name: string): Promise<void> {
  const env = {
    ...process.env,
    ...h.env,
    ...INSECURE_DEV_SECRETS,
    NODE_ENV: 'test',
    // A payment BFF under a notify storm needs more than Prisma's default pool of 10.
    DATABASE_URL: `${h.config.databaseUrl}${h.config.databaseUrl.includes('?') ? '&' : '?'}connection_limit=25`,
    PORT: String(port),
    HOST: '127.0.0.1',
    PUBLIC_BASE_URL: proxyUrl,
    STATIC_DIR: 'off',
    JOBS_ENABLED: 'true',
    LOG_LEVEL: process.env.RACE_LOG ? 'warn' : 'error',
    PLATFORM_TIMEOUT_MS: '3000',
  };
  const prof = process.env.RACE_PROF ? ['--cpu-prof', '--cpu-prof-dir', process.env.RACE_PROF] : [];
  const child = spawn(process.execPath, [...prof, '--import', 'tsx', 'bff/src/server.ts'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  child.stdout!.on('data', (d: Buffer) => process.env.RACE_LOG && require('node:fs').appendFileSync(`${process.env.RACE_LOG}-${name}.log`, d));
  const url = `http://127.0.0.1:${port}`;
  const until = Date.now() + 45_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`BFF ${name} exited: ${err.slice(0, 2000)}`);
    try {
      const r = await fetch(`${url}/readyz`);
      if (r.ok) break;
    } catch {
      /* not yet */
    }
    if (Date.now() > until) throw new Error(`BFF ${name} did not get ready: ${err.slice(0, 2000)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  childUrls.push(url);
}

async function pool<T>(items: T[], size: number, fn: (t: T, i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: size }, async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i]!, i);
    }
  }));
}

let db: TestDatabase;
beforeAll(async () => {
  await startProxy();
  // Its own database: the two processes' jobs must not reconcile other test files' orders.
  db = await createTestDatabase(process.env.IH_BFF_TEST_DATABASE_URL);
  h = await startOrderHarness({ PUBLIC_BASE_URL: proxyUrl, DATABASE_URL: db.url });
  await h.prisma.setting.upsert({ where: { key: 'order_reconcile_after_seconds' }, update: { value: 3600 }, create: { key: 'order_reconcile_after_seconds', value: 3600 } });
  const [p1, p2] = [await freePort(), await freePort()];
  // The two processes boot while the orders are set up (they only answer callbacks, which come later).
  childrenReady = Promise.all([startChild(p1, 'A'), startChild(p2, 'B')]).then(() => undefined);
  childrenReady.catch(() => undefined);
});

afterAll(async () => {
  for (const c of children) {
    if (c.exitCode === null && c.pid) process.kill(c.pid, 'SIGTERM');
  }
  await Promise.all(
    children.map((c) =>
      c.exitCode !== null
        ? Promise.resolve()
        : new Promise<void>((r) => {
            const t = setTimeout(() => c.pid && c.exitCode === null && process.kill(c.pid, 'SIGKILL'), 8000);
            c.once('exit', () => {
              clearTimeout(t);
              r();
            });
          }),
    ),
  );
  await new Promise<void>((r) => proxy.close(() => r()));
  await h?.close();
  await db?.drop();
});

it(`${N} orders settled by racing notifies and two reconciling instances: zero double settlements`, async () => {
  const w = await makeWorld(h);
  const u = await patientUser(h, 'zhang');
  const setting = (key: string, value: number) => h.prisma.setting.upsert({ where: { key }, update: { value }, create: { key, value } });
  // Both instances run the job every second; while the orders are being set up it finds nothing (1 h waiting period).
  await setting('order_reconcile_interval_seconds', 1);
  await setting('order_status_poll_seconds', 1);
  await setting('order_reconcile_after_seconds', 3600);
  const orders: Array<{ orderId: string; consultationId: string; mixTradeNo: string }> = [];
  const started = Date.now();
  await pool(Array.from({ length: N }, (_, i) => i), 6, async () => {
    const { orderId, consultationId } = await consultationOrder(h, w, u);
    await authorize(h, u, 'PAYMENT', orderId);
    const prep = await h.http().post(`/api/v1/orders/${orderId}/prepare-insurance`).set(u.auth).send({});
    if (prep.status !== 200) throw new Error(`prepare ${prep.status} ${JSON.stringify(prep.body)}`);
    const pay = await h.http().post(`/api/v1/orders/${orderId}/pay`).set(u.auth).send({ channel: 'WECHAT' });
    if (pay.status !== 200) throw new Error(`pay ${pay.status} ${JSON.stringify(pay.body)}`);
    orders.push({ orderId, consultationId, mixTradeNo: pay.body.launch.mixTradeNo });
  });
  const setupMs = Date.now() - started;
  process.stdout.write(`race: ${N} orders paying after ${setupMs} ms\n`);
  await childrenReady;
  // From now on both instances reconcile immediately (no waiting period), racing the notifies.
  await setting('order_reconcile_after_seconds', 0);

  // Notify faults spread over the run: duplicates, lost ones (reconciliation must finish those), late ones.
  for (let i = 0; i < 20; i++) h.fault({ platform: 'mobile-pay', operation: '6302', kind: 'notify_duplicate', params: { gapMs: 5 }, times: 1 });
  for (let i = 0; i < 20; i++) h.fault({ platform: 'mobile-pay', operation: '6302', kind: 'notify_never', times: 1 });
  for (let i = 0; i < 20; i++) h.fault({ platform: 'wechat-pay', operation: 'MEDICAL_INSURANCE.SUCCESS', kind: 'notify_never', times: 1 });
  for (let i = 0; i < 10; i++) h.fault({ platform: 'mobile-pay', operation: '6302', kind: 'notify_late', params: { ms: 800 }, times: 1 });

  const accessToken = u.auth.Authorization!;
  for (const [i, o] of orders.entries()) {
    h.wechatPay.payMixedOrder(o.mixTradeNo);
    // Result pages polling both instances while it happens.
    if (i % 7 === 0) void fetch(`${childUrls[i % 2]}/api/v1/orders/${o.orderId}/status`, { headers: { Authorization: accessToken } }).catch(() => undefined);
  }

  const ids = orders.map((o) => o.orderId);
  // ~40 s on an idle 2-core machine; proportionally longer when the machine is busy (the setup shows how busy).
  const until = Date.now() + Math.max(40_000, setupMs * 2);
  let paid = 0;
  while (Date.now() < until) {
    paid = await h.prisma.order.count({ where: { id: { in: ids }, state: 'PAID' } });
    if (paid === N) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  await h.mobilePay.notifier.idle();
  await new Promise((r) => setTimeout(r, 1500)); // let late notifies and both jobs run over the settled orders once more
  expect(paid).toBe(N);

  const settleEvents = await h.prisma.orderEvent.groupBy({ by: ['orderId'], where: { orderId: { in: ids }, transition: { in: ['settle', 'settleAfterClose'] } }, _count: { _all: true } });
  expect(settleEvents).toHaveLength(N);
  expect(settleEvents.every((e) => e._count._all === 1)).toBe(true);
  for (const t of ['HI_CONFIRMED', 'CASH_CONFIRMED', 'startPaying', 'upload', 'placePayOrder']) {
    const rows = await h.prisma.orderEvent.groupBy({ by: ['orderId'], where: { orderId: { in: ids }, transition: t }, _count: { _all: true } });
    expect({ t, n: rows.length, max: Math.max(...rows.map((r) => r._count._all)) }).toEqual({ t, n: N, max: 1 });
  }
  const payments = await h.prisma.payment.groupBy({ by: ['orderId', 'status'], where: { orderId: { in: ids } }, _count: { _all: true } });
  expect(payments.every((p) => p.status === 'SUCCEEDED' && p._count._all === 1)).toBe(true);
  expect(payments).toHaveLength(N);
  expect(await h.prisma.order.count({ where: { id: { in: ids }, flagged: true } })).toBe(0);
  expect(await h.prisma.consultation.count({ where: { id: { in: orders.map((o) => o.consultationId) }, status: 'WAITING' } })).toBe(N);
  // One "paid" message per consultation (the hook ran once).
  const paidMessages = await h.prisma.consultationMessage.groupBy({ by: ['consultationId'], where: { consultationId: { in: orders.map((o) => o.consultationId) }, kind: 'SYSTEM' }, _count: { _all: true } });
  expect(paidMessages.every((m) => m._count._all === 1)).toBe(true);
  // The center settled each pay order once.
  for (const o of await h.prisma.order.findMany({ where: { id: { in: ids } }, select: { payOrdId: true } })) expect(h.mobilePay.state.getPayOrder(o.payOrdId!)!.ordStas).toBe('6');
  // Both instances reconciled (and at least one of them settled something a notify never told).
  // Let the runs in progress finish (each records its counts at its end).
  for (let i = 0; i < 40 && (await h.prisma.reconciliationRun.count({ where: { status: 'RUNNING' } })) > 0; i++) await new Promise((r) => setTimeout(r, 250));
  const runs = await h.prisma.reconciliationRun.groupBy({ by: ['instanceId'], where: { startedAt: { gte: new Date(started) } }, _sum: { settled: true, examined: true }, _count: { _all: true } });
  process.stdout.write(`race: setup ${setupMs} ms, settled ${N} in ${Date.now() - started - setupMs} ms; runs ${JSON.stringify(runs)}\n`);
  expect(runs.length).toBeGreaterThanOrEqual(2);
  for (const r of runs) expect(r._sum.examined).toBeGreaterThan(0);
  expect(await h.prisma.order.count({ where: { id: { in: ids }, reconcileAttempts: { gt: 0 } } })).toBeGreaterThan(0);
  const duplicates = await h.prisma.inboundNotification.aggregate({ where: { orderId: { in: ids } }, _sum: { deliveries: true }, _count: { _all: true } });
  expect(duplicates._sum.deliveries!).toBeGreaterThan(duplicates._count._all); // redeliveries were absorbed
});
