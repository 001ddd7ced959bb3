/**
 * Contract tests: the BFF's HIS client against the HIS mock over HTTP — visits by ID-number hash
 * or patient id, filters, paging, prices, HMAC signatures both ways, errors and faults.
 */
import { PlatformError } from '../../src/platforms/http';
import { isErrorCode } from '@ih/contract';
import { HisClient, hisErrorCode, type HisClientConfig } from '../../src/platforms/his';
import { createHisMock, type HisMock } from '../../../mock/src/platforms/his';
import { generateHisDemoKeys } from '../../../mock/src/platforms/his/keys';
import { startMock, type RunningMock } from './alipay-helpers';

const keys = generateHisDemoKeys();
const ZHANG_ID = '640104196803150131';
const LI_ID = '640104194508020247';
const MA_ID = '64040219720530088x'; // lower-case x: normalised before hashing

let mock: HisMock;
let running: RunningMock;
let cfg: HisClientConfig;
let client: HisClient;

async function expectPlatformError(p: Promise<unknown>, match: Partial<Pick<PlatformError, 'kind' | 'code' | 'httpStatus'>>): Promise<PlatformError> {
  let caught: unknown;
  try {
    await p;
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(PlatformError);
  expect(caught).toMatchObject(match);
  return caught as PlatformError;
}

const daysAgo = (n: number) => {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) - n * 86_400_000).toISOString().slice(0, 10);
};

beforeAll(async () => {
  process.env.MOCK_TIMEOUT_HOLD_MS = '1500';
  mock = createHisMock({ appId: 'his_test_app', appSecret: keys.MOCK_HIS_APP_SECRET! });
  running = await startMock([mock]);
  cfg = { baseUrl: `${running.baseUrl}/his`, appId: 'his_test_app', appSecret: keys.HIS_APP_SECRET!, timeoutMs: 400 };
  client = new HisClient(cfg);
});

afterAll(() => running.close());
beforeEach(() => running.faults.clear());

describe('visits', () => {
  it('by ID number (sent only as its hash): newest first, with dates, departments and diagnoses from the seed', async () => {
    const page = await client.findVisits({ person: { idNo: ZHANG_ID } });
    expect(page.total).toBe(2);
    expect(page.items.map((v) => [v.visitNo, v.hospitalCode, v.visitDate, v.departmentName])).toEqual([
      ['MZ-DEMO-0001', 'H64010000001', daysAgo(40), '心血管内科门诊'],
      ['MZ-DEMO-0002', 'H64010000002', daysAgo(200), '内分泌科门诊'],
    ]);
    expect(page.items[0]).toMatchObject({ hospitalName: '宁夏医科大学总医院', visitType: 'OUTPATIENT', doctorName: '纳红梅' });
    expect(page.items[0]!.diagnoses).toEqual([
      { code: 'I10.x00', name: '高血压', primary: true },
      { code: 'E78.500', name: '高脂血症', primary: false },
    ]);
  });

  it('the same person by hash or by HIS patient id; filters by hospital, dates, diagnosis, visit type', async () => {
    const patients = await client.findPatients({ idNo: LI_ID });
    expect(patients.map((p) => p.hospitalCode).sort()).toEqual(['H64010000002', 'H64010000004']);
    const patientId = patients[0]!.patientId;
    expect(patientId).toBe(mock.patientIdOf('li'));
    const byId = await client.findVisits({ person: { patientId } });
    const byHash = await client.findVisits({ person: { idNoHash: client.idNoHash(LI_ID) } });
    expect(byId.items).toEqual(byHash.items);
    expect((await client.findVisits({ person: { patientId }, hospitalCode: 'H64010000004' })).items.map((v) => v.visitNo)).toEqual(['MZ-DEMO-0003']);
    expect((await client.findVisits({ person: { patientId }, since: daysAgo(90) })).items.map((v) => v.visitNo)).toEqual(['MZ-DEMO-0003']);
    expect((await client.findVisits({ person: { patientId }, until: daysAgo(90) })).items.map((v) => v.visitNo)).toEqual(['MZ-DEMO-0004']);
    expect((await client.findVisits({ person: { patientId }, diagnosisCode: 'I10.x00' })).items.map((v) => v.visitNo)).toEqual(['MZ-DEMO-0003']);
    expect((await client.findVisits({ person: { idNo: MA_ID }, visitType: 'INPATIENT' })).items.map((v) => [v.visitNo, v.departmentName])).toEqual([['MZ-DEMO-0011', '普外科病房']]);
  });

  it('unknown people have no visits; one visit by number; unknown visit → null', async () => {
    expect(await client.findVisits({ person: { idNo: '110101199001011237' } })).toEqual({ page: 1, pageSize: 20, total: 0, items: [] });
    expect((await client.getVisit('H64030000001', 'MZ-DEMO-0007'))?.diagnoses[0]?.code).toBe('E11.900');
    expect(await client.getVisit('H64030000001', 'NOPE')).toBeNull();
  });

  it('paging: pages partition the result; allVisits walks them', async () => {
    const p1 = await client.findVisits({ person: { idNo: ZHANG_ID }, page: 1, pageSize: 1 });
    const p2 = await client.findVisits({ person: { idNo: ZHANG_ID }, page: 2, pageSize: 1 });
    const p3 = await client.findVisits({ person: { idNo: ZHANG_ID }, page: 3, pageSize: 1 });
    expect([p1.total, p2.total, p3.total]).toEqual([2, 2, 2]);
    expect([...p1.items, ...p2.items].map((v) => v.visitNo)).toEqual(['MZ-DEMO-0001', 'MZ-DEMO-0002']);
    expect(p3.items).toEqual([]);
    expect((await client.allVisits({ person: { idNo: ZHANG_ID }, pageSize: 1 })).map((v) => v.visitNo)).toEqual(['MZ-DEMO-0001', 'MZ-DEMO-0002']);
    await expect(client.allVisits({ person: { idNo: ZHANG_ID }, pageSize: 1 }, 1)).rejects.toMatchObject({ code: 'TOO_MANY_PAGES' });
  });

  it('bad paging and parameters are refused with INVALID_PARAM (400)', async () => {
    await expectPlatformError(client.findVisits({ person: { idNo: ZHANG_ID }, pageSize: 101 }), { kind: 'rejected', code: 'INVALID_PARAM', httpStatus: 400 });
    await expectPlatformError(client.findVisits({ person: { idNo: ZHANG_ID }, page: 0 }), { kind: 'rejected', code: 'INVALID_PARAM' });
    await expectPlatformError(client.findVisits({ person: { idNoHash: 'not-a-hash' } }), { kind: 'rejected', code: 'INVALID_PARAM' });
    await expect(client.findVisits({ person: { idNo: ZHANG_ID }, since: '2024/01/01' })).rejects.toThrow(RangeError);
  });
});

describe('prices', () => {
  it('drugs and services with prices in fen; lookup by code; keyword; unknown → null', async () => {
    const drug = await client.getPrice('XC08CAK591A001010158210');
    expect(drug).toMatchObject({ type: 'DRUG', name: '苯磺酸氨氯地平片', specification: '5mg*7片', unit: '盒', priceFen: 3360, insuranceClass: 'CLASS_A' });
    const services = await client.findPrices({ type: 'SERVICE', pageSize: 100 });
    expect(services.items.map((s) => [s.name, s.priceFen])).toEqual(
      expect.arrayContaining([
        ['互联网复诊诊查费（主任医师）', 3000],
        ['互联网复诊诊查费（主治医师）', 1200],
      ]),
    );
    const found = await client.findPrices({ keyword: '氨氯地平', type: 'DRUG' });
    expect(found.total).toBeGreaterThanOrEqual(2);
    expect(found.items.every((p) => p.name.includes('氨氯地平'))).toBe(true);
    expect(await client.getPrice('NO-SUCH-CODE')).toBeNull();
    const all = await client.findPrices({ pageSize: 100 });
    expect(all.total).toBe(188 + services.total);
    expect(all.items).toHaveLength(100);
    await expectPlatformError(client.findPrices({ hospitalCode: 'H00000000000' }), { kind: 'rejected', code: 'NOT_FOUND', httpStatus: 404 });
  });
});

describe('signatures both ways', () => {
  it('the HIS refuses a wrong secret, an unknown app and a replayed nonce', async () => {
    await expectPlatformError(new HisClient({ ...cfg, appSecret: 'wrong' }).findPrices(), { kind: 'signature' }); // its 401 is signed with the real secret
    const raw = await fetch(`${running.baseUrl}/his/api/v1/prices`, { headers: { 'X-HIS-App-Id': 'his_test_app', 'X-HIS-Timestamp': String(Date.now()), 'X-HIS-Nonce': 'abcdefabcdefabcdef', 'X-HIS-Signature': '00' } });
    expect(raw.status).toBe(401);
    expect(await raw.json()).toEqual({ code: 'INVALID_SIGNATURE', message: '签名验证失败' });
    await expectPlatformError(new HisClient({ ...cfg, appId: 'someone' }).findPrices(), { kind: 'rejected', code: 'UNKNOWN_APP', httpStatus: 401 });
    // replay of a correctly signed request
    const { createHmac, createHash } = await import('node:crypto');
    const ts = String(Date.now());
    const nonce = 'replayreplayreplay01';
    const sig = createHmac('sha256', keys.HIS_APP_SECRET!).update(`GET\n/his/api/v1/prices\n${ts}\n${nonce}\n${createHash('sha256').update('').digest('hex')}`).digest('hex');
    const headers = { 'X-HIS-App-Id': 'his_test_app', 'X-HIS-Timestamp': ts, 'X-HIS-Nonce': nonce, 'X-HIS-Signature': sig };
    expect((await fetch(`${running.baseUrl}/his/api/v1/prices`, { headers })).status).toBe(200);
    const again = await fetch(`${running.baseUrl}/his/api/v1/prices`, { headers });
    expect(again.status).toBe(401);
    expect(((await again.json()) as { code: string }).code).toBe('NONCE_REPLAYED');
  });

  it('a stale request timestamp is refused', async () => {
    const { createHmac, createHash } = await import('node:crypto');
    const ts = String(Date.now() - 6 * 60_000);
    const nonce = 'stalestalestalestale';
    const sig = createHmac('sha256', keys.HIS_APP_SECRET!).update(`GET\n/his/api/v1/prices\n${ts}\n${nonce}\n${createHash('sha256').update('').digest('hex')}`).digest('hex');
    const res = await fetch(`${running.baseUrl}/his/api/v1/prices`, { headers: { 'X-HIS-App-Id': 'his_test_app', 'X-HIS-Timestamp': ts, 'X-HIS-Nonce': nonce, 'X-HIS-Signature': sig } });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { code: string }).code).toBe('STALE_TIMESTAMP');
  });

  it('the client refuses an answer signed with another secret (not retried)', async () => {
    running.faults.add({ platform: 'his', operation: '/api/v1/visits', kind: 'bad_signature', times: 1 });
    await expectPlatformError(client.findVisits({ person: { idNo: ZHANG_ID } }), { kind: 'signature', code: 'SIGNATURE' });
    expect((await client.findVisits({ person: { idNo: ZHANG_ID } })).total).toBe(2);
  });
});

describe('faults', () => {
  it('timeouts are bounded and retried with a fresh signature', async () => {
    running.faults.add({ platform: 'his', operation: '/api/v1/visits', kind: 'timeout', times: 1 });
    const started = Date.now();
    expect((await client.findVisits({ person: { idNo: ZHANG_ID } })).total).toBe(2);
    expect(Date.now() - started).toBeLessThan(400 + 300 + 400);
  });

  it('a HIS that keeps timing out fails as timeout within the deadline', async () => {
    running.faults.add({ platform: 'his', operation: '/api/v1/visits', kind: 'timeout', times: 10 });
    const started = Date.now();
    await expectPlatformError(client.findVisits({ person: { idNo: ZHANG_ID } }), { kind: 'timeout' });
    expect(Date.now() - started).toBeLessThan(3 * 400 + 1000 + 100);
    const short = new HisClient({ ...cfg, deadlineMs: 500 });
    const s2 = Date.now();
    await expectPlatformError(short.findVisits({ person: { idNo: ZHANG_ID } }), { kind: 'timeout' });
    expect(Date.now() - s2).toBeLessThan(700);
  });

  it('5xx and HIS errors are retried; a persistent one surfaces as unavailable', async () => {
    running.faults.add({ platform: 'his', operation: '/api/v1/prices', kind: 'http_error', params: { status: 503 }, times: 2 });
    expect((await client.findPrices()).total).toBeGreaterThan(0);
    running.faults.add({ platform: 'his', operation: '/api/v1/prices', kind: 'platform_error', params: { code: 'HIS_ERROR', status: 500 }, times: 1 });
    expect((await client.findPrices()).total).toBeGreaterThan(0);
    running.faults.add({ platform: 'his', operation: '/api/v1/prices', kind: 'http_error', params: { status: 500 }, times: 5 });
    await expectPlatformError(client.findPrices(), { kind: 'unavailable', code: 'HTTP_500' });
    expect(running.faults.list()[0]!.fired).toBe(3);
  });

  it('a business error (4xx) is not retried', async () => {
    running.faults.add({ platform: 'his', operation: '/api/v1/prices', kind: 'platform_error', params: { code: 'INVALID_PARAM', status: 400 }, times: 5 });
    await expectPlatformError(client.findPrices(), { kind: 'rejected', code: 'INVALID_PARAM' });
    expect(running.faults.list()[0]!.fired).toBe(1);
  });

  it('an unreachable HIS is unavailable', async () => {
    const { createServer } = await import('node:net');
    const probe = createServer().listen(0, '127.0.0.1');
    await new Promise((r) => probe.once('listening', r));
    const port = (probe.address() as { port: number }).port;
    await new Promise((r) => probe.close(r)); // nobody listens there now
    await expectPlatformError(new HisClient({ ...cfg, baseUrl: `http://127.0.0.1:${port}/his`, retries: 0 }).findPrices(), { kind: 'unavailable', code: 'ECONNREFUSED' });
  });
});

describe('typed errors map to contract codes', () => {
  it('maps parameter, not-found and availability failures', async () => {
    const bad = await expectPlatformError(client.findVisits({ person: { idNo: ZHANG_ID }, pageSize: 1000 }), {});
    expect(hisErrorCode(bad)).toBe('BAD_REQUEST');
    const nf = await expectPlatformError(client.findPrices({ hospitalCode: 'H00000000000' }), {});
    expect(hisErrorCode(nf)).toBe('NOT_FOUND');
    running.faults.add({ platform: 'his', operation: '/api/v1/prices', kind: 'http_error', params: { status: 503 }, times: 3 });
    const down = await expectPlatformError(client.findPrices(), {});
    expect(hisErrorCode(down)).toBe('HIS_UNAVAILABLE');
    for (const e of [bad, nf, down]) expect(isErrorCode(hisErrorCode(e))).toBe(true);
  });
});
