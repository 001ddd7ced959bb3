/**
 * No ID numbers, phone numbers, names, tokens or pay_auth_no in log lines, whatever the request
 * carries and however carelessly a route logs it.
 */
import Router from '@koa/router';
import request from 'supertest';
import { createLogger, isSensitiveKey, maskText, sanitize, serializeError } from '../src/logger';
import { makeApp, type TestApp } from './helpers';

const ID_NO = '110101199003071234';
const ID_NO_X = '32010219851231002X';
const PHONE = '13812345678';
const NAME = '欧阳娜娜';
const TOKEN = 'eyJhbGciOiJIUzI1NiJ9.c2VjcmV0LXRva2Vu.sig-Zk93';
const PAY_AUTH_NO = 'AUTH5e7f3c9a2b1d4e6f80';
const SECRETS = [ID_NO, ID_NO_X, PHONE, NAME, TOKEN, PAY_AUTH_NO];

function expectClean(text: string): void {
  for (const s of SECRETS) expect(text).not.toContain(s);
}

describe('log redaction', () => {
  let t: TestApp;
  beforeAll(() => {
    t = makeApp();
    const router = new Router({ prefix: '/api/v1/test' });
    // A careless route: logs everything it got (this must still be safe).
    router.post('/careless', (ctx) => {
      const body = ctx.request.body as Record<string, unknown>;
      t.log.logger.info({ body, query: ctx.query, headers: ctx.headers }, 'got request');
      t.log.logger.info(`patient ${String(body.idNo)} phone ${String(body.phone)} called`);
      t.log.logger.warn({ note: `free text with ${ID_NO} and ${PHONE} inside`, nested: { deeper: { user: { certno: ID_NO_X, psn_name: NAME } } } });
      ctx.body = { ok: true };
    });
    router.post('/fails', (ctx) => {
      const body = ctx.request.body as Record<string, unknown>;
      throw new Error(`could not settle for ${String(body.idNo)} / ${String(body.phone)}`);
    });
    router.get('/error-object', () => {
      const err = new Error(`lookup failed for ${PHONE}`) as Error & { body?: unknown; payAuthNo?: string };
      err.body = { idNo: ID_NO, name: NAME };
      err.payAuthNo = PAY_AUTH_NO;
      t.log.logger.error(err);
      t.log.logger.error({ err }, 'with context');
      throw err;
    });
    t.app.use(router.routes());
  });
  afterAll(async () => {
    await t.prisma.$disconnect();
  });

  const body = { idNo: ID_NO, certno: ID_NO_X, phone: PHONE, mobile: PHONE, name: NAME, userName: NAME, psn_name: NAME, pay_auth_no: PAY_AUTH_NO, payAuthNo: PAY_AUTH_NO, token: TOKEN, id_card: ID_NO };

  it('requests carrying personal data in headers, body and query leave no trace in the logs', async () => {
    const before = t.log.lines.length;
    await request(t.app.callback())
      .post(`/api/v1/test/careless?idNo=${ID_NO}&phone=${PHONE}&token=${TOKEN}&pay_auth_no=${PAY_AUTH_NO}&name=${encodeURIComponent(NAME)}`)
      .set('Authorization', `Bearer ${TOKEN}`)
      .set('Cookie', `session=${TOKEN}`)
      .set('x-pay-auth-no', PAY_AUTH_NO)
      .set('x-patient-phone', PHONE)
      .send(body)
      .expect(200);
    const text = t.log.lines.slice(before).join('');
    expect(text).toContain('got request'); // the lines were written…
    expect(text).toContain('"authorization":"[REDACTED]"');
    expect(text).toContain('110***********1234'); // …masked, not dropped
    expectClean(text); // …and nothing readable is left
  });

  it('errors whose messages carry personal data are logged masked', async () => {
    const before = t.log.lines.length;
    await request(t.app.callback()).post('/api/v1/test/fails').send(body).expect(500);
    await request(t.app.callback()).get('/api/v1/test/error-object').expect(500);
    const text = t.log.lines.slice(before).join('');
    expect(text).toContain('could not settle for 110***********1234 / 138****5678');
    expectClean(text);
  });

  it('malformed JSON and validation failures do not log the rejected input', async () => {
    const before = t.log.lines.length;
    await request(t.app.callback())
      .post('/api/v1/test/careless')
      .set('content-type', 'application/json')
      .send(`{"name":"${NAME}","idNo":"${ID_NO}","token":"${TOKEN}", oops`)
      .expect(400);
    expectClean(t.log.lines.slice(before).join(''));
  });

  it('sanitize/maskText/serializeError cover values outside requests', () => {
    expect(maskText(`身份证${ID_NO}，手机${PHONE}。订单号 202401011234567890123`)).toBe('身份证110***********1234，手机138****5678。订单号 202401011234567890123');
    expect(sanitize({ a: [{ payToken: 'x' }], b: { idCard: ID_NO }, n: 5, when: 'ok' })).toEqual({ a: [{ payToken: '[REDACTED]' }], b: { idCard: '[REDACTED]' }, n: 5, when: 'ok' });
    const prismaLike = new Error(`Invalid \`prisma.patient.create()\` invocation:\n{\n  data: { name: "${NAME}" }\n}\nUnique constraint failed on the constraint: \`patients_id_no_key\``);
    prismaLike.name = 'PrismaClientKnownRequestError';
    const safe = serializeError(prismaLike);
    expect(safe.message).toContain('Unique constraint failed');
    expect(JSON.stringify(safe)).not.toContain(NAME);
  });

  it('censors sensitive keys by name, not the mobile-pay domain', () => {
    for (const k of ['idNo', 'id_no', 'certno', 'psn_name', 'userName', 'name', 'mobile', 'userMobile', 'phoneNumber', 'pay_auth_no', 'familyPayAuthNo', 'accessToken', 'ecToken', 'authorization', 'SESSION_SECRET', 'x-pay-auth-no']) {
      expect([k, isSensitiveKey(k)]).toEqual([k, true]);
    }
    for (const k of ['mobilePayBaseUrl', 'MOBILE_PAY_APP_ID', 'appName', 'hospitalCount', 'requestId', 'route', 'status', 'payOrdId', 'modelName']) {
      expect([k, isSensitiveKey(k)]).toEqual([k, false]);
    }
  });

  it('the logger writes through an injected destination', () => {
    const lines: string[] = [];
    const logger = createLogger({ level: 'info', destination: { write: (s: string) => void lines.push(s) } });
    logger.info({ phone: PHONE, contact: `call ${PHONE}` }, `user with ${ID_NO}`);
    expect(lines).toHaveLength(1);
    const rec = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(rec.phone).toBe('[REDACTED]');
    expect(rec.contact).toBe('call 138****5678');
    expect(rec.msg).toBe("user with 110***********1234");
  });
});
