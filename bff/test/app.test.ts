import Router from '@koa/router';
import request from 'supertest';
import { z } from 'zod';
import { ERROR_CATALOG, HealthResponseSchema, MetaResponseSchema, PageQuerySchema, CAPABILITY_KEYS } from '@ih/contract';
import { AppError } from '../src/lib/errors';
import { input, validate } from '../src/lib/validate';
import { createApp } from '../src/app';
import { createPrisma } from '@ih/db';
import { captureLogger, makeApp, testConfig, UNREACHABLE_DATABASE_URL, type TestApp } from './helpers';

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Test-only routes, registered on the instance (never in product code). */
function addTestRoutes(t: TestApp): void {
  const router = new Router({ prefix: '/api/v1/test' });
  const PatientSchema = z.object({
    name: z.string().min(1),
    age: z.number().int().min(0).max(150),
    idNo: z.string().regex(/^\d{17}[\dX]$/, '请输入正确的 18 位身份证号'),
    tags: z.array(z.string()).min(1),
    kind: z.enum(['self', 'family']),
  });
  router.post('/patients', validate(PatientSchema, 'body'), (ctx) => {
    const body = input(ctx, 'body', PatientSchema);
    ctx.status = 201;
    ctx.body = { age: body.age };
  });
  router.get('/page', validate(PageQuerySchema, 'query'), (ctx) => {
    ctx.body = input(ctx, 'query', PageQuerySchema);
  });
  router.post('/echo', (ctx) => {
    ctx.body = { received: ctx.request.body };
  });
  router.get('/boom', () => {
    throw new Error('boom: SELECT secret_column FROM internal_table');
  });
  router.get('/forbidden', () => {
    throw new AppError('FORBIDDEN');
  });
  router.get('/koa-throw', (ctx) => {
    ctx.throw(409, 'raw conflict text');
  });
  router.get('/sql-error', async () => {
    await t.prisma.$queryRawUnsafe('SELECT no_such_column FROM no_such_table_xyz');
  });
  t.app.use(router.routes());
}

describe('BFF app', () => {
  let t: TestApp;
  beforeAll(() => {
    t = makeApp({ env: { BODY_LIMIT_JSON: '2kb' } });
    addTestRoutes(t);
  });
  afterAll(async () => {
    await t.prisma.$disconnect();
  });

  describe('system routes', () => {
    it('GET /healthz answers without the database', async () => {
      const res = await request(t.app.callback()).get('/healthz').expect(200);
      const body = HealthResponseSchema.parse(res.body);
      expect(body.uptimeSeconds).toBeGreaterThanOrEqual(0);
    });

    it('GET /healthz stays up when the database is unreachable', async () => {
      const prisma = createPrisma(UNREACHABLE_DATABASE_URL);
      const app = createApp({ config: testConfig(), prisma, logger: captureLogger().logger });
      const res = await request(app.callback()).get('/healthz').expect(200);
      expect(res.body.status).toBe('ok');
      await prisma.$disconnect();
    });

    it('GET /api/v1/meta counts the hospitals in the database', async () => {
      const before = await request(t.app.callback()).get('/api/v1/meta').expect(200);
      const meta = MetaResponseSchema.parse(before.body);
      expect(meta.appName).toBe('互联网医院');
      expect(meta.hospitalCount).toBe(await t.prisma.hospital.count());
      // Two more hospitals in the database → two more in the answer.
      const tag = Math.random().toString(36).slice(2, 8);
      const rows = [1, 2].map((n) => ({
        code: `HTEST${tag}${n}`, name: `测试医院${tag}${n}`, city: '银川市', admdvs: '640100', batch: 1, goLiveDeadline: new Date('2025-12-31'),
      }));
      await t.prisma.hospital.createMany({ data: rows });
      try {
        const after = await request(t.app.callback()).get('/api/v1/meta').expect(200);
        expect(after.body.hospitalCount).toBe(meta.hospitalCount + 2);
      } finally {
        await t.prisma.hospital.deleteMany({ where: { code: { in: rows.map((r) => r.code) } } });
      }
      expect(meta.capabilities.map((c) => c.key)).toEqual([...CAPABILITY_KEYS]);
      for (const c of meta.capabilities) {
        // 在线复诊 (up to the eligibility check) and 医保电子凭证 are live; the others are announced, not live yet.
        expect(c.status).toBe('available');
        expect(c.title).toMatch(/[\u4e00-\u9fff]/);
        expect(c.description).toMatch(/[\u4e00-\u9fff]/);
      }
      expect(Math.abs(Date.parse(meta.serverTime) - Date.now())).toBeLessThan(60_000);
    });

    it('uses APP_NAME from the configuration', async () => {
      const other = makeApp({ env: { APP_NAME: '宁夏互联网医院' } });
      const res = await request(other.app.callback()).get('/api/v1/meta').expect(200);
      expect(res.body.appName).toBe('宁夏互联网医院');
      await other.prisma.$disconnect();
    });
  });

  describe('request id', () => {
    it('generates one and echoes it', async () => {
      const res = await request(t.app.callback()).get('/healthz');
      expect(res.headers['x-request-id']).toMatch(UUID_RE);
    });

    it('keeps a sane incoming id', async () => {
      const res = await request(t.app.callback()).get('/api/v1/test/forbidden').set('x-request-id', 'client-7f3a_9b:01.z');
      expect(res.headers['x-request-id']).toBe('client-7f3a_9b:01.z');
      expect(res.body.requestId).toBe('client-7f3a_9b:01.z');
    });

    it.each(['short', 'has spaces in it', '<script>alert(1)</script>', 'x'.repeat(129), 'ok-but-\u4e2d\u6587-id'])('replaces an insane incoming id %p', async (bad) => {
      const res = await request(t.app.callback()).get('/healthz').set('x-request-id', encodeURI(bad) === bad ? bad : encodeURI(bad));
      expect(res.headers['x-request-id']).toMatch(UUID_RE);
    });
  });

  describe('error mapping', () => {
    it('malformed JSON → 400 BAD_JSON', async () => {
      const res = await request(t.app.callback()).post('/api/v1/test/echo').set('content-type', 'application/json').send('{"name": "张三", ');
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ code: 'BAD_JSON', message: ERROR_CATALOG.BAD_JSON.message, requestId: res.headers['x-request-id'] });
    });

    it('a body over the limit → 413 PAYLOAD_TOO_LARGE', async () => {
      const res = await request(t.app.callback()).post('/api/v1/test/echo').send({ text: 'x'.repeat(4096) });
      expect(res.status).toBe(413);
      expect(res.body.code).toBe('PAYLOAD_TOO_LARGE');
      expect(res.body.message).toBe(ERROR_CATALOG.PAYLOAD_TOO_LARGE.message);
      // Under the limit it passes.
      await request(t.app.callback()).post('/api/v1/test/echo').send({ text: 'x'.repeat(1000) }).expect(200);
    });

    it('a form body over its limit → 413 too', async () => {
      const res = await request(t.app.callback()).post('/api/v1/test/echo').type('form').send(`a=${'y'.repeat(300 * 1024)}`);
      expect(res.status).toBe(413);
      expect(res.body.code).toBe('PAYLOAD_TOO_LARGE');
    });

    it('unknown /api routes → 404 NOT_FOUND JSON', async () => {
      const res = await request(t.app.callback()).get('/api/v1/no-such-thing?token=abc').expect(404);
      expect(res.headers['content-type']).toMatch(/application\/json/);
      expect(res.body).toEqual({ code: 'NOT_FOUND', message: ERROR_CATALOG.NOT_FOUND.message, requestId: res.headers['x-request-id'] });
    });

    it('a wrong method on a known route → 405 METHOD_NOT_ALLOWED', async () => {
      const res = await request(t.app.callback()).delete('/api/v1/meta').expect(405);
      expect(res.body.code).toBe('METHOD_NOT_ALLOWED');
      expect(res.headers.allow).toContain('GET');
    });

    it('an unexpected error → 500 INTERNAL without stack or SQL; the stack is logged server-side', async () => {
      const before = t.log.lines.length;
      const res = await request(t.app.callback()).get('/api/v1/test/boom').expect(500);
      expect(res.body).toEqual({ code: 'INTERNAL', message: ERROR_CATALOG.INTERNAL.message, requestId: res.headers['x-request-id'] });
      expect(res.text).not.toMatch(/boom|SELECT|internal_table|at .*\.ts|Error/);
      const logged = t.log.records().slice(before).find((r) => r.msg === 'request failed');
      expect(logged).toBeDefined();
      expect(logged!.requestId).toBe(res.headers['x-request-id']);
      const err = logged!.err as { type: string; stack: string; message: string };
      expect(err.type).toBe('Error');
      expect(err.stack).toContain('app.test.ts');
    });

    it('a database error that is not about connectivity → 500 without SQL', async () => {
      const res = await request(t.app.callback()).get('/api/v1/test/sql-error').expect(500);
      expect(res.body.code).toBe('INTERNAL');
      expect(res.text).not.toMatch(/no_such|SELECT|prisma/i);
    });

    it('AppError and ctx.throw keep their meaning', async () => {
      const forbidden = await request(t.app.callback()).get('/api/v1/test/forbidden').expect(403);
      expect(forbidden.body.code).toBe('FORBIDDEN');
      const conflict = await request(t.app.callback()).get('/api/v1/test/koa-throw').expect(409);
      expect(conflict.body).toEqual({ code: 'CONFLICT', message: ERROR_CATALOG.CONFLICT.message, requestId: conflict.headers['x-request-id'] });
    });

    // Slow: @ih/db's pool fails only after its acquire timeout (15 s, and the first failure takes
    // two rounds: ~30 s). Faster once createPrisma accepts a shorter pool timeout.
    it('the database unreachable → 503 DB_UNAVAILABLE', async () => {
      const log = captureLogger();
      const prisma = createPrisma(UNREACHABLE_DATABASE_URL);
      const app = createApp({ config: testConfig({ REQUEST_TIMEOUT_MS: '90000' }), prisma, logger: log.logger });
      const res = await request(app.callback()).get('/api/v1/meta');
      expect(res.status).toBe(503);
      expect(res.body).toEqual({ code: 'DB_UNAVAILABLE', message: ERROR_CATALOG.DB_UNAVAILABLE.message, requestId: res.headers['x-request-id'] });
      expect(log.text()).not.toContain('ih_unreachable');
      expect(log.records().some((r) => r.msg === 'request failed' && r.code === 'DB_UNAVAILABLE')).toBe(true);
      await prisma.$disconnect();
    }, 90_000);

    it('zod validation → 400 VALIDATION_FAILED with Chinese field messages', async () => {
      const res = await request(t.app.callback())
        .post('/api/v1/test/patients')
        .send({ age: 200, idNo: '12345', tags: [], kind: 'stranger' })
        .expect(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      expect(res.body.message).toBe(ERROR_CATALOG.VALIDATION_FAILED.message);
      const fields = Object.fromEntries((res.body.fields as Array<{ path: string; message: string }>).map((f) => [f.path, f.message]));
      expect(fields).toEqual({
        name: '此项为必填项',
        age: '不能大于 150',
        idNo: '请输入正确的 18 位身份证号',
        tags: '请至少选择一项',
        kind: '取值不在允许的范围内',
      });
      expect(res.text).not.toContain('12345');
    });

    it('validation of wrong types and nested paths', async () => {
      const res = await request(t.app.callback()).post('/api/v1/test/patients').send({ name: '', age: 'old', idNo: '110101199003071234', tags: [5], kind: 'self' }).expect(400);
      const fields = Object.fromEntries((res.body.fields as Array<{ path: string; message: string }>).map((f) => [f.path, f.message]));
      expect(fields).toEqual({ name: '此项不能为空', age: '格式不正确，应为数字', 'tags.0': '格式不正确，应为文本' });
    });

    it('valid input passes and is typed', async () => {
      const res = await request(t.app.callback()).post('/api/v1/test/patients').send({ name: '张三', age: 30, idNo: '110101199003071234', tags: ['a'], kind: 'self' }).expect(201);
      expect(res.body).toEqual({ age: 30 });
    });

    it('query validation uses the contract schemas and their Chinese messages', async () => {
      await request(t.app.callback()).get('/api/v1/test/page?page=2').expect(200, { page: 2, pageSize: 20 });
      const res = await request(t.app.callback()).get('/api/v1/test/page?page=0&pageSize=500').expect(400);
      expect(res.body.fields).toEqual([
        { path: 'page', message: '页码从 1 开始' },
        { path: 'pageSize', message: '每页最多 100 条' },
      ]);
    });
  });

  describe('headers', () => {
    it('sends security headers and no framework banner; API responses are not cached', async () => {
      const res = await request(t.app.callback()).get('/api/v1/meta').expect(200);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
      expect(res.headers['referrer-policy']).toBe('strict-origin-when-cross-origin');
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.headers['x-powered-by']).toBeUndefined();
      expect(res.headers.server).toBeUndefined();
      expect(res.headers['strict-transport-security']).toBeUndefined();
    });

    it('error responses carry them too', async () => {
      const res = await request(t.app.callback()).get('/api/v1/test/boom');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['cache-control']).toBe('no-store');
    });
  });

  describe('access log', () => {
    it('logs method, route pattern, status, duration and request id, never the query string', async () => {
      const before = t.log.lines.length;
      const res = await request(t.app.callback()).get('/api/v1/meta?access_token=tok-SECRET-123').expect(200);
      const line = t.log.records().slice(before).find((r) => r.msg === 'request');
      expect(line).toMatchObject({ method: 'GET', route: '/api/v1/meta', status: 200, requestId: res.headers['x-request-id'] });
      expect(typeof line!.durationMs).toBe('number');
      expect(t.log.lines.slice(before).join('')).not.toContain('tok-SECRET-123');
    });
  });
});
