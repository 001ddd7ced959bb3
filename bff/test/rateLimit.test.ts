/**
 * Rate limits on the real MariaDB, over HTTP: one sign-in budget per client IP across the staff
 * form and every patient channel, shared by two BFF instances on one database; a payment budget
 * per signed-in user; a refused request runs nothing; the window ends; a database that cannot
 * count falls back to this process's memory; configuration.
 */
import request from 'supertest';
import { createPrisma } from '@ih/db';
import { loadConfig, INSECURE_DEV_SECRETS, ConfigError } from '../src/config';
import { createRateLimiter } from '../src/lib/rateLimit';
import { captureLogger, makeApp, UNREACHABLE_DATABASE_URL, type TestApp } from './helpers';
import { bearer, createStaff, patientWithSession, uniq } from './authHelpers';

const LIMITS = { TRUST_PROXY: 'true', RATE_LIMIT_SIGN_IN: '3/60', RATE_LIMIT_PAYMENT: '2/60' };
let t: TestApp;
let other: TestApp;
beforeAll(() => {
  t = makeApp({ env: LIMITS });
  // A second BFF process on the same database.
  other = makeApp({ env: LIMITS });
});
afterAll(async () => {
  await Promise.all([t.prisma.$disconnect(), other.prisma.$disconnect()]);
});

/** A client address of its own per call site (documentation prefix 2001:db8::/32, random host part): tests never share a bucket. */
const freshIp = () => `2001:db8:${uniq().slice(0, 4)}::${uniq().slice(0, 4)}`;

const staffLogin = (app: TestApp, ip: string, body: Record<string, string>) =>
  request(app.app.callback()).post('/api/v1/auth/staff/login').set('X-Forwarded-For', ip).send(body);

async function bucket(key: string): Promise<{ points: number } | null> {
  const rows = await t.prisma.$queryRawUnsafe<Array<{ points: number }>>('SELECT points FROM rate_limit_buckets WHERE `key` = ?', key);
  return rows[0] ?? null;
}

describe('sign-in budget per client IP', () => {
  it('the 4th attempt in the window is 429 RATE_LIMITED with Retry-After and a Chinese message; another IP goes on', async () => {
    const ip = freshIp();
    await t.prisma.$executeRawUnsafe('DELETE FROM rate_limit_buckets WHERE `key` = ?', `signin:${ip}`);
    for (let i = 0; i < 3; i += 1) {
      const res = await staffLogin(t, ip, { username: `nobody_${uniq()}`, password: 'Wrong@2026' });
      expect(res.status).toBe(401);
    }
    const refused = await staffLogin(t, ip, { username: `nobody_${uniq()}`, password: 'Wrong@2026' }).expect(429);
    expect(refused.body.code).toBe('RATE_LIMITED');
    expect(refused.body.message).toMatch(/^操作过于频繁，请 \d+ 秒后再试$/);
    const retryAfter = Number(refused.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect((await bucket(`signin:${ip}`))?.points).toBe(4);
    expect(t.log.text()).toContain('rate limit reached');
    expect(t.log.text()).not.toContain(ip);

    expect((await staffLogin(t, freshIp(), { username: `nobody_${uniq()}`, password: 'Wrong@2026' })).status).toBe(401);
  });

  it('one budget over every channel: after the staff form used it up, WeChat and APP sign-in from that IP are refused too', async () => {
    const ip = freshIp();
    for (let i = 0; i < 3; i += 1) await staffLogin(t, ip, { username: `nobody_${uniq()}`, password: 'Wrong@2026' });
    const wechat = await request(t.app.callback()).post('/api/v1/auth/wechat/login').set('X-Forwarded-For', ip).send({ code: 'whatever' }).expect(429);
    expect(wechat.body.code).toBe('RATE_LIMITED');
    const app = await request(t.app.callback()).post('/api/v1/auth/national-app/handoff').set('X-Forwarded-For', ip).send({ handoff: 'x'.repeat(43) }).expect(429);
    expect(app.body.code).toBe('RATE_LIMITED');
  });

  it('a refused request runs nothing: the right password over the limit opens no session and touches no failure count', async () => {
    const staff = await createStaff(t, 'DOCTOR', 'Right@2026');
    const ip = freshIp();
    for (let i = 0; i < 3; i += 1) await staffLogin(t, ip, { username: `nobody_${uniq()}`, password: 'Wrong@2026' });
    await staffLogin(t, ip, { username: staff.username, password: 'Right@2026' }).expect(429);
    await staffLogin(t, ip, { username: staff.username, password: 'Wrong@2026' }).expect(429);
    const user = await t.prisma.user.findUniqueOrThrow({ where: { id: staff.id }, select: { failedLoginCount: true } });
    expect(user.failedLoginCount).toBe(0);
    expect(await t.prisma.session.count({ where: { userId: staff.id } })).toBe(0);
    // From another address the same account signs in.
    const ok = await staffLogin(t, freshIp(), { username: staff.username, password: 'Right@2026' }).expect(200);
    expect(ok.body.user.id).toBe(staff.id);
  });

  it('two BFF processes on one database share the count', async () => {
    const ip = freshIp();
    await staffLogin(t, ip, { username: `nobody_${uniq()}`, password: 'Wrong@2026' }).expect(401);
    await staffLogin(other, ip, { username: `nobody_${uniq()}`, password: 'Wrong@2026' }).expect(401);
    await staffLogin(t, ip, { username: `nobody_${uniq()}`, password: 'Wrong@2026' }).expect(401);
    await staffLogin(other, ip, { username: `nobody_${uniq()}`, password: 'Wrong@2026' }).expect(429);
  });

  it('the window ends: once the bucket expired the same IP may try again', async () => {
    const ip = freshIp();
    for (let i = 0; i < 3; i += 1) await staffLogin(t, ip, { username: `nobody_${uniq()}`, password: 'Wrong@2026' });
    await staffLogin(t, ip, { username: `nobody_${uniq()}`, password: 'Wrong@2026' }).expect(429);
    await t.prisma.$executeRawUnsafe('UPDATE rate_limit_buckets SET expire = NOW(3) - INTERVAL 1 SECOND WHERE `key` = ?', `signin:${ip}`);
    await staffLogin(t, ip, { username: `nobody_${uniq()}`, password: 'Wrong@2026' }).expect(401);
    expect((await bucket(`signin:${ip}`))?.points).toBe(1);
  });
});

describe('payment budget per signed-in user', () => {
  it('counts pay, refund, order creation, a new consultation and an e-voucher start together per user; another user is not affected; bad input counts too', async () => {
    const a = await patientWithSession(t);
    const b = await patientWithSession(t);
    const missing = '0190a000-0000-7000-8000-00000000dead';
    await request(t.app.callback()).post(`/api/v1/orders/${missing}/pay`).set(bearer(a.access)).send({}).expect(400);
    await request(t.app.callback()).post(`/api/v1/orders/${missing}/refund`).set(bearer(a.access)).send({}).expect(400);
    const refused = await request(t.app.callback()).post('/api/v1/orders/prescription').set(bearer(a.access)).send({}).expect(429);
    expect(refused.body.code).toBe('RATE_LIMITED');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(await bucket(`payment:${a.userId}`)).toEqual({ points: 3 });
    // The same budget on the consultation and e-voucher routes (one limit, whatever the router).
    expect((await request(t.app.callback()).post('/api/v1/consultations').set(bearer(a.access)).send({}).expect(429)).body.code).toBe('RATE_LIMITED');
    expect((await request(t.app.callback()).post('/api/v1/voucher/national-app/start').set(bearer(a.access)).send({}).expect(429)).body.code).toBe('RATE_LIMITED');
    // B has a budget of its own, spent on those routes first.
    await request(t.app.callback()).post('/api/v1/consultations').set(bearer(b.access)).send({}).expect(400);
    await request(t.app.callback()).post('/api/v1/voucher/national-app/start').set(bearer(b.access)).send({}).expect(400);
    await request(t.app.callback()).post(`/api/v1/orders/${missing}/pay`).set(bearer(b.access)).send({}).expect(429);
    // Reading is never limited.
    await request(t.app.callback()).get('/api/v1/orders').set(bearer(a.access)).expect(200);
  });

  it('signed out is 401, not counted', async () => {
    await request(t.app.callback()).post('/api/v1/orders/prescription').send({}).expect(401);
  });
});

describe('when the database cannot count', () => {
  it('counts in memory with the same rule and logs a warning without the key', async () => {
    const log = captureLogger();
    // Refused connections, given up after 1 s (pool_timeout) instead of the default 6 s.
    const prisma = createPrisma(`${UNREACHABLE_DATABASE_URL}?connect_timeout=1&pool_timeout=1`);
    try {
      const limiter = createRateLimiter({ prisma, logger: log.logger }, 'signin', { points: 2, durationSec: 60 });
      await limiter.consume('192.0.2.7');
      await limiter.consume('192.0.2.7');
      await expect(limiter.consume('192.0.2.7')).rejects.toMatchObject({ code: 'RATE_LIMITED', status: 429 });
      await limiter.consume('192.0.2.8');
      expect(log.text()).toContain('rate limit store failed: counting in memory');
      expect(log.text()).not.toContain('192.0.2.7');
    } finally {
      await prisma.$disconnect();
    }
  }, 30_000);
});

describe('configuration', () => {
  const base = { NODE_ENV: 'development', DATABASE_URL: 'mysql://root@127.0.0.1:3306/x', ...INSECURE_DEV_SECRETS };
  it('defaults: on outside tests (60 sign-ins per 10 minutes per IP, 30 payment actions per minute per user), off in tests', () => {
    expect(loadConfig(base).rateLimits).toEqual({ signIn: { points: 60, durationSec: 600 }, payment: { points: 30, durationSec: 60 } });
    expect(loadConfig({ ...base, NODE_ENV: 'test' }).rateLimits).toEqual({ signIn: null, payment: null });
    expect(loadConfig({ ...base, RATE_LIMIT_SIGN_IN: '10/60', RATE_LIMIT_PAYMENT: 'off' }).rateLimits).toEqual({ signIn: { points: 10, durationSec: 60 }, payment: null });
  });

  it.each(['60', '0/60', '10/0', '10/100000', 'ten/60', '-1/60'])('refuses %s with a Chinese message', (value) => {
    try {
      loadConfig({ ...base, RATE_LIMIT_SIGN_IN: value });
      throw new Error('accepted');
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      expect((e as ConfigError).issues).toEqual([{ variable: 'RATE_LIMIT_SIGN_IN', message: '格式为 次数/秒数（如 60/600，秒数 1–86400），或 off 表示关闭' }]);
    }
  });
});
