/** The HIS mock at the wire level: HMAC request checks, signed answers, visit dates from the seed. */
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { createMockApp } from '../src/app';
import { createHisMock } from '../src/platforms/his';
import { hisIdNoHash, hisRequestSignature, hisResponseSignature } from '../src/platforms/his/auth';
import { visitDate } from '../src/platforms/his/seed';

const SECRET = 'wire-test-secret';
const { app } = createMockApp({ platforms: [createHisMock({ appId: 'app1', appSecret: SECRET })] });
const server = app.callback();

function headers(path: string, over: Partial<Record<'ts' | 'nonce' | 'secret' | 'appId', string>> = {}) {
  const ts = over.ts ?? String(Date.now());
  const nonce = over.nonce ?? randomBytes(12).toString('hex');
  return { nonce, h: { 'X-HIS-App-Id': over.appId ?? 'app1', 'X-HIS-Timestamp': ts, 'X-HIS-Nonce': nonce, 'X-HIS-Signature': hisRequestSignature(over.secret ?? SECRET, 'GET', path, ts, nonce, '') } };
}

describe('HIS mock', () => {
  it('answers a signed request with a signed answer bound to the nonce; visit dates follow the seed', async () => {
    const path = `/his/api/v1/visits?idNoHash=${hisIdNoHash(SECRET, '640302197911090669')}&pageSize=1`;
    const { nonce, h } = headers(path);
    const res = await request(server).get(path).set(h).expect(200);
    expect(res.headers['x-his-signature']).toBe(hisResponseSignature(SECRET, 200, res.headers['x-his-timestamp']!, nonce, res.text));
    expect(res.body).toMatchObject({ page: 1, pageSize: 1, total: 2 });
    expect(res.body.items[0]).toMatchObject({ visitNo: 'MZ-DEMO-0007', visitDate: visitDate(30), hospitalName: expect.any(String) });
    expect(res.body.items[0].idNoHash).toBeUndefined();
  });

  it('refuses unsigned, mis-signed, other-app and replayed requests (401, signed error body)', async () => {
    const path = '/his/api/v1/prices?pageSize=1';
    expect((await request(server).get(path).expect(401)).body.code).toBe('UNKNOWN_APP');
    expect((await request(server).get(path).set(headers(path, { secret: 'nope' }).h).expect(401)).body.code).toBe('INVALID_SIGNATURE');
    expect((await request(server).get(path).set(headers(path, { appId: 'app2' }).h).expect(401)).body.code).toBe('UNKNOWN_APP');
    // the signature covers the query string
    expect((await request(server).get('/his/api/v1/prices?pageSize=2').set(headers(path).h).expect(401)).body.code).toBe('INVALID_SIGNATURE');
    const once = headers(path);
    await request(server).get(path).set(once.h).expect(200);
    expect((await request(server).get(path).set(once.h).expect(401)).body.code).toBe('NONCE_REPLAYED');
    expect((await request(server).get(path).set(headers(path, { ts: String(Date.now() + 10 * 60_000) }).h).expect(401)).body.code).toBe('STALE_TIMESTAMP');
  });

  it('validates query parameters', async () => {
    for (const q of ['patientId=P1&idNoHash=' + 'a'.repeat(64), '', 'patientId=P1&since=2020-1-1', 'patientId=P1&visitType=ER', 'patientId=P1&pageSize=0']) {
      const path = q ? `/his/api/v1/visits?${q}` : '/his/api/v1/visits';
      expect((await request(server).get(path).set(headers(path).h).expect(400)).body.code).toBe('INVALID_PARAM');
    }
  });
});
