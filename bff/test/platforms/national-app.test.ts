/**
 * Contract tests: the national insurance APP channel adapter against its mock over HTTP —
 * authorization page round trip (self, family, cancel, state), code exchange in the SM2/SM4
 * envelope (single use, expiry), the cashier page and its notifications, and every fault.
 */
import { sm2GenerateKeyPair } from '@ih/crypto';
import { PlatformError } from '../../src/platforms/http';
import { isErrorCode } from '@ih/contract';
import { NationalAppClient, authorizeReturnErrorCode, nationalAppErrorCode, checkCashierNotifyAgainstOrder, nationalAppNotifyAck, type NationalAppClientConfig, type NationalAppNotifyResult } from '../../src/platforms/national-app';
import { createNationalAppMock, type NationalAppMock } from '../../../mock/src/platforms/national-app';
import { generateNationalAppDemoKeys } from '../../../mock/src/platforms/national-app/keys';
import { startMock, startReceiver, sleep, type RunningMock } from './alipay-helpers';

const CREDS = { orgAppId: 'TEST_NATAPP_ORG_APP_ID_0001', orgChnlCrtfCodg: 'Bq/K1kMSt+lhVDgN2uHf4E==', orgCodg: 'H64010000001' };
const keys = generateNationalAppDemoKeys();
const EXCHANGE = '/api/channel/v1/authCode/exchange';
const QUERY = '/api/channel/v1/cashier/query';

let mock: NationalAppMock;
let running: RunningMock;
let cfg: NationalAppClientConfig;
let client: NationalAppClient;
let receiver: Awaited<ReturnType<typeof startReceiver>>;

async function expectPlatformError(p: Promise<unknown>, match: Partial<Pick<PlatformError, 'kind' | 'code' | 'outcomeUnknown'>>): Promise<PlatformError> {
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

beforeAll(async () => {
  process.env.MOCK_TIMEOUT_HOLD_MS = '1500';
  mock = createNationalAppMock({
    ...CREDS,
    appSecret: keys.MOCK_NATIONAL_APP_APP_SECRET!,
    orgPublicKey: keys.MOCK_NATIONAL_APP_ORG_PUBLIC_KEY!,
    platformPrivateKey: keys.MOCK_NATIONAL_APP_PLATFORM_PRIVATE_KEY!,
    notifyRetryDelaysMs: [150, 300],
  });
  running = await startMock([mock]);
  cfg = {
    baseUrl: `${running.baseUrl}/national-app`,
    ...CREDS,
    appSecret: keys.NATIONAL_APP_APP_SECRET!,
    orgPrivateKey: keys.NATIONAL_APP_ORG_PRIVATE_KEY!,
    platformPublicKey: keys.NATIONAL_APP_PLATFORM_PUBLIC_KEY!,
    timeoutMs: 400,
    maxAgeMs: 5 * 60_000,
  };
  client = new NationalAppClient(cfg);
  receiver = await startReceiver((body) => {
    const v = client.verifyNotify(body);
    return [200, JSON.stringify(nationalAppNotifyAck(v.ok)), v];
  });
});

afterAll(async () => {
  await mock.notifier.whenIdle();
  await receiver.close();
  await running.close();
});

beforeEach(async () => {
  await mock.notifier.whenIdle();
  running.faults.clear();
  receiver.received.length = 0;
});

// ── authorization page and code exchange ───────────────────────────────────────────────────────
const REDIRECT = 'https://h5.example.com/insurance/auth-return?orderId=O1';

async function authorizeOnPage(opts: { user?: string; person?: string; action?: 'agree' | 'cancel'; state?: string } = {}) {
  const state = opts.state ?? NationalAppClient.newState();
  let url = client.buildAuthorizeUrl({ redirectUrl: REDIRECT, state });
  if (opts.user) url += `&user=${opts.user}`;
  const pageRes = await fetch(url);
  const html = await pageRes.text();
  const inputs = Object.fromEntries([...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [m[1]!, m[2]!.replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#39;/g, "'")]));
  const form = new URLSearchParams({ ...inputs, action: opts.action ?? 'agree', ...(opts.person ? { person: opts.person } : {}) });
  const res = await fetch(`${running.baseUrl}/national-app/oauth/authorize`, { method: 'POST', body: form, redirect: 'manual' });
  return { state, pageRes, html, res };
}

describe('authorization', () => {
  it('page → 同意授权 → redirect with authCode+state → exchange → payAuthNo + the person (self)', async () => {
    const { state, pageRes, html, res } = await authorizeOnPage();
    expect(pageRes.status).toBe(200);
    expect(pageRes.headers.get('content-type')).toContain('text/html');
    expect(html).toContain('width=device-width');
    expect(html).toContain('同意授权');
    expect(html).toContain('张*国');
    expect(html).not.toContain('640104196803150131');
    expect(res.status).toBe(302);
    const back = new URL(res.headers.get('location')!);
    expect(back.origin + back.pathname).toBe('https://h5.example.com/insurance/auth-return');
    expect(back.searchParams.get('orderId')).toBe('O1');
    const ret = client.parseAuthorizeReturn(Object.fromEntries(back.searchParams), state);
    expect(ret.ok).toBe(true);
    if (!ret.ok) throw new Error('unreachable');

    const auth = await client.exchangeAuthCode(ret.authCode);
    expect(auth).toMatchObject({ bizType: '04107', family: false, person: { name: '张建国', idNo: '640104196803150131', idType: '01', insuplcAdmdvs: '640100' } });
    expect(auth.payAuthNo).toMatch(/^AUTH640100/);
    expect(JSON.stringify(auth)).not.toContain(auth.payAuthNo!);
    expect(auth.expiresAt! - Date.now()).toBeGreaterThan(200_000);

    await expectPlatformError(client.exchangeAuthCode(ret.authCode), { kind: 'rejected', code: '1002' });
  });

  it('family authorization through the APP’s 亲情账户', async () => {
    const { state, res } = await authorizeOnPage({ user: 'zhang', person: 'li' });
    const ret = client.parseAuthorizeReturn(Object.fromEntries(new URL(res.headers.get('location')!).searchParams), state);
    if (!ret.ok) throw new Error('expected a code');
    const auth = await client.exchangeAuthCode(ret.authCode);
    expect(auth).toMatchObject({ family: true, relsPayUserName: '张*国', person: { name: '李秀英', insuplcAdmdvs: '640100' } });
  });

  it('the demo picker signs in another person; a non-activated voucher cannot authorize', async () => {
    const { html, res } = await authorizeOnPage({ user: 'liu' });
    expect(html).toContain('刘*强');
    expect(html).toContain('尚未激活');
    expect(res.status).toBe(400);
    const wang = await authorizeOnPage({ user: 'wang' });
    const ret = client.parseAuthorizeReturn(Object.fromEntries(new URL(wang.res.headers.get('location')!).searchParams), wang.state);
    if (!ret.ok) throw new Error('expected a code');
    expect((await client.exchangeAuthCode(ret.authCode)).person.insuplcAdmdvs).toBe('640300');
  });

  it('取消 returns with a cancel marker and no code', async () => {
    const { state, res } = await authorizeOnPage({ action: 'cancel' });
    expect(res.status).toBe(302);
    const q = Object.fromEntries(new URL(res.headers.get('location')!).searchParams);
    expect(q.authCode).toBeUndefined();
    expect(client.parseAuthorizeReturn(q, state)).toMatchObject({ ok: false, reason: 'cancelled' });
  });

  it('a return with someone else’s state is refused', async () => {
    const { res } = await authorizeOnPage();
    const q = Object.fromEntries(new URL(res.headers.get('location')!).searchParams);
    expect(client.parseAuthorizeReturn(q, NationalAppClient.newState())).toMatchObject({ ok: false, reason: 'state_mismatch' });
    expect(client.parseAuthorizeReturn({ state: 'x' }, 'x')).toMatchObject({ ok: false, reason: 'missing_code' });
  });

  it('expired and unknown codes are refused; a code of another institution too', async () => {
    const code = mock.mintAuthCode({ signedIn: 'zhang', orgCodg: CREDS.orgCodg, ttlMs: 50 });
    await sleep(80);
    await expectPlatformError(client.exchangeAuthCode(code), { kind: 'rejected', code: '1001' });
    await expectPlatformError(client.exchangeAuthCode('NACunknown'), { kind: 'rejected', code: '1001' });
    const other = mock.mintAuthCode({ signedIn: 'zhang', orgCodg: 'H99999999999' });
    await expectPlatformError(client.exchangeAuthCode(other), { kind: 'rejected', code: '1003' });
  });

  it('the page refuses wrong channel credentials and non-http redirect URLs', async () => {
    const wrong = new NationalAppClient({ ...cfg, orgChnlCrtfCodg: 'not-ours' });
    const r1 = await fetch(wrong.buildAuthorizeUrl({ redirectUrl: REDIRECT, state: 's' }));
    expect(r1.status).toBe(400);
    expect(await r1.text()).toContain('机构渠道信息不正确');
    const r2 = await fetch(client.buildAuthorizeUrl({ redirectUrl: 'javascript:alert(1)', state: 's' }));
    expect(r2.status).toBe(400);
  });

  it('04106 (identity only) gives the person but no payAuthNo', async () => {
    const code = mock.mintAuthCode({ signedIn: 'wang', orgCodg: CREDS.orgCodg, bizType: '04106' });
    const auth = await client.exchangeAuthCode(code, '04106');
    expect(auth.payAuthNo).toBeUndefined();
    expect(auth.person.name).toBe('王丽华');
  });
});

describe('envelope signatures both ways', () => {
  it('the APP refuses a request signed with another key (1004)', async () => {
    const stranger = new NationalAppClient({ ...cfg, orgPrivateKey: sm2GenerateKeyPair().privateKey });
    await expectPlatformError(stranger.exchangeAuthCode(mock.mintAuthCode({ signedIn: 'zhang', orgCodg: CREDS.orgCodg })), { kind: 'rejected', code: '1004' });
  });

  it('the client refuses an answer signed with another key, or holding the wrong platform key', async () => {
    running.faults.add({ platform: 'national-app', operation: EXCHANGE, kind: 'bad_signature', times: 1 });
    await expectPlatformError(client.exchangeAuthCode(mock.mintAuthCode({ signedIn: 'zhang', orgCodg: CREDS.orgCodg })), { kind: 'signature', code: 'ENVELOPE_BAD_SIGNATURE' });
    const wrongKey = new NationalAppClient({ ...cfg, platformPublicKey: sm2GenerateKeyPair().publicKey });
    await expectPlatformError(wrongKey.queryCashierOrder('X'), { kind: 'signature' });
  });

  it('a stale answer is refused', async () => {
    running.faults.add({ platform: 'national-app', operation: QUERY, kind: 'stale_timestamp', params: { ms: 3_600_000 }, times: 1 });
    await expectPlatformError(client.queryCashierOrder('X'), { kind: 'signature', code: 'ENVELOPE_STALE' });
  });

  it('the standard SM2 user id works when both sides agree on it', async () => {
    const std = createNationalAppMock({ ...CREDS, appSecret: keys.MOCK_NATIONAL_APP_APP_SECRET!, orgPublicKey: keys.MOCK_NATIONAL_APP_ORG_PUBLIC_KEY!, platformPrivateKey: keys.MOCK_NATIONAL_APP_PLATFORM_PRIVATE_KEY!, sm2UserId: '1234567812345678', timestampFormat: 'yyyyMMddHHmmss' });
    const r = await startMock([std]);
    try {
      const c = new NationalAppClient({ ...cfg, baseUrl: `${r.baseUrl}/national-app`, sm2UserId: '1234567812345678', timestampFormat: 'yyyyMMddHHmmss' });
      expect((await c.exchangeAuthCode(std.mintAuthCode({ signedIn: 'zhang', orgCodg: CREDS.orgCodg }))).person.name).toBe('张建国');
      // a client using the default (appSecret) id is refused (1004), and cannot verify that answer either
      const mismatched = new NationalAppClient({ ...cfg, baseUrl: `${r.baseUrl}/national-app`, timestampFormat: 'yyyyMMddHHmmss' });
      await expectPlatformError(mismatched.queryCashierOrder('X'), { kind: 'signature', code: 'ENVELOPE_BAD_SIGNATURE' });
    } finally {
      await r.close();
    }
  });
});

// ── cashier ──────────────────────────────────────────────────────────────────────────────────────
let seq = 0;
const tradeNo = () => `NA${Date.now()}${++seq}`;
const RETURN = 'https://h5.example.com/pay/return';

async function openCashier(no: string, totalFen: number, now?: number) {
  const url = client.buildCashierUrl({ outTradeNo: no, totalFen, subject: '处方药品 自付部分', notifyUrl: receiver.url, returnUrl: RETURN }, now);
  const res = await fetch(url);
  return { url, res, html: await res.text() };
}

async function tapOnCashier(html: string, action: 'pay' | 'cancel') {
  const token = /name="token" value="([^"]+)"/.exec(html)![1]!;
  return fetch(`${running.baseUrl}/national-app/cashier`, { method: 'POST', body: new URLSearchParams({ token, action }), redirect: 'manual' });
}

describe('cashier', () => {
  it('signed link → page with the amount → 确认支付 → return hint + verified notify → query SUCCESS → refunds', async () => {
    const no = tradeNo();
    const { res, html } = await openCashier(no, 1234);
    expect(res.status).toBe(200);
    expect(html).toContain('¥12.34');
    expect(html).toContain('确认支付');
    const back = await tapOnCashier(html, 'pay');
    expect(back.status).toBe(302);
    const hint = client.parseCashierReturn(Object.fromEntries(new URL(back.headers.get('location')!).searchParams));
    expect(hint).toEqual({ outTradeNo: no, hint: 'SUCCESS' });
    const [n] = await receiver.waitFor(1);
    const v = n!.verdict as NationalAppNotifyResult;
    expect(v).toMatchObject({ ok: true, event: { outTradeNo: no, payStatus: 'SUCCESS', totalFen: 1234 } });
    if (!v.ok) throw new Error('unreachable');
    expect(checkCashierNotifyAgainstOrder(v.event, { outTradeNo: no, totalFen: 1234 })).toEqual({ ok: true });
    expect(await client.queryCashierOrder(no, { expectedTotalFen: 1234 })).toMatchObject({ status: 'SUCCESS', totalFen: 1234, refundFen: 0 });

    expect(await client.refundCashier({ outTradeNo: no, outRefundNo: 'RF1', refundFen: 234 })).toEqual({ outRefundNo: 'RF1', refundFen: 234, totalRefundedFen: 234 });
    expect(await client.refundCashier({ outTradeNo: no, outRefundNo: 'RF1', refundFen: 234 })).toEqual({ outRefundNo: 'RF1', refundFen: 234, totalRefundedFen: 234 });
    await expectPlatformError(client.refundCashier({ outTradeNo: no, outRefundNo: 'RF2', refundFen: 1001 }), { kind: 'rejected', code: '2003' });
    expect(await client.queryCashierOrder(no)).toMatchObject({ status: 'REFUND', refundFen: 234 });
    await mock.notifier.whenIdle();
    expect(mock.notifier.deliveries().filter((d) => d.key === no).map((d) => d.acked)).toEqual([true]);
  });

  it('取消 returns CANCEL; nothing is paid or notified; a second visit can still pay', async () => {
    const no = tradeNo();
    const { html } = await openCashier(no, 500);
    const back = await tapOnCashier(html, 'cancel');
    expect(client.parseCashierReturn(Object.fromEntries(new URL(back.headers.get('location')!).searchParams)).hint).toBe('CANCEL');
    expect((await client.queryCashierOrder(no)).status).toBe('WAIT_PAY');
    await sleep(100);
    expect(receiver.received).toHaveLength(0);
    await expectPlatformError(client.refundCashier({ outTradeNo: no, outRefundNo: 'R', refundFen: 1 }), { code: '2002' });
  });

  it('tampered, expired or inconsistent links are refused', async () => {
    const no = tradeNo();
    const { url } = await openCashier(no, 800);
    const tampered = new URL(url);
    tampered.searchParams.set('totalAmount', '0.01');
    const r1 = await fetch(tampered);
    expect(r1.status).toBe(400);
    expect(await r1.text()).toContain('签名无效');
    const old = await openCashier(tradeNo(), 800, Date.now() - 11 * 60_000);
    expect(old.res.status).toBe(400);
    expect(old.html).toContain('已过期');
    const changed = await openCashier(no, 801);
    expect(changed.res.status).toBe(409);
    await expectPlatformError(client.queryCashierOrder('NEVER'), { kind: 'rejected', code: '2001' });
  });
});

describe('cashier notification faults', () => {
  async function payNew(totalFen = 1000) {
    const no = tradeNo();
    const { html } = await openCashier(no, totalFen);
    await tapOnCashier(html, 'pay');
    return no;
  }

  it('bad signature → rejected, the APP retries; tampered body → rejected', async () => {
    running.faults.add({ platform: 'national-app', operation: 'notify', kind: 'bad_signature', times: 1 });
    const no = await payNew();
    const all = await receiver.waitFor(3);
    expect(all.map((r) => (r.verdict as NationalAppNotifyResult).ok)).toEqual([false, false, false]);
    expect(all[0]!.verdict).toMatchObject({ reason: 'signature' });
    expect((await client.queryCashierOrder(no)).status).toBe('SUCCESS');
    // take a good notify and change its encrypted data: it no longer verifies
    running.faults.clear();
    receiver.received.length = 0;
    await mock.notifier.whenIdle();
    await payNew();
    const [good] = await receiver.waitFor(1);
    const env = JSON.parse(good!.body) as Record<string, string>;
    expect(client.verifyNotify({ ...env, timestamp: String(Number(env.timestamp) + 1) })).toMatchObject({ ok: false, reason: 'signature' });
    expect(client.verifyNotify({ ...env, appId: 'SOMEONE_ELSE_APP_ID_000' })).toMatchObject({ ok: false, reason: 'app_mismatch' });
    expect(client.verifyNotify('not json')).toMatchObject({ ok: false, reason: 'malformed' });
  });

  it('stale timestamp → rejected', async () => {
    running.faults.add({ platform: 'national-app', operation: 'notify', kind: 'stale_timestamp', times: 1 });
    await payNew();
    const [n] = await receiver.waitFor(1);
    expect(n!.verdict).toMatchObject({ ok: false, reason: 'stale' });
  });

  it('wrong amount → verified but does not match the order', async () => {
    running.faults.add({ platform: 'national-app', operation: 'notify', kind: 'wrong_amount', params: { deltaFen: 50 }, times: 1 });
    const no = await payNew(1000);
    const [n] = await receiver.waitFor(1);
    const v = n!.verdict as NationalAppNotifyResult & { ok: true };
    expect(v.ok).toBe(true);
    expect(checkCashierNotifyAgainstOrder(v.event, { outTradeNo: no, totalFen: 1000 })).toEqual({ ok: false, reason: 'amount_mismatch' });
  });

  it('duplicate → the same notifyId twice', async () => {
    running.faults.add({ platform: 'national-app', operation: 'notify', kind: 'notify_duplicate', times: 1 });
    await payNew();
    const [a, b] = await receiver.waitFor(2);
    const ida = (a!.verdict as NationalAppNotifyResult & { ok: true }).event.notifyId;
    expect((b!.verdict as NationalAppNotifyResult & { ok: true }).event.notifyId).toBe(ida);
  });

  it('late → after the delay; never → resolved by query', async () => {
    running.faults.add({ platform: 'national-app', operation: 'notify', kind: 'notify_late', params: { ms: 600 }, times: 1 });
    const started = Date.now();
    await payNew();
    await sleep(250);
    expect(receiver.received).toHaveLength(0);
    const [n] = await receiver.waitFor(1, 3000);
    expect(n!.at - started).toBeGreaterThanOrEqual(550);
    receiver.received.length = 0;
    running.faults.add({ platform: 'national-app', operation: 'notify', kind: 'notify_never', times: 1 });
    const no = await payNew();
    await sleep(300);
    expect(receiver.received).toHaveLength(0);
    expect((await client.queryCashierOrder(no)).status).toBe('SUCCESS');
  });
});

describe('transport and platform faults', () => {
  it('exchange (single-use code) is never repeated: a timeout fails once, bounded, outcome unknown', async () => {
    running.faults.add({ platform: 'national-app', operation: EXCHANGE, kind: 'timeout', times: 2 });
    const started = Date.now();
    await expectPlatformError(client.exchangeAuthCode(mock.mintAuthCode({ signedIn: 'zhang', orgCodg: CREDS.orgCodg })), { kind: 'timeout', outcomeUnknown: true });
    expect(Date.now() - started).toBeLessThan(700);
    expect(running.faults.list()[0]!.fired).toBe(1);
  });

  it('queries are retried through timeouts, 5xx and 9999', async () => {
    const no = tradeNo();
    await openCashier(no, 300);
    running.faults.add({ platform: 'national-app', operation: QUERY, kind: 'timeout', times: 1 });
    running.faults.add({ platform: 'national-app', operation: QUERY, kind: 'http_error', params: { status: 502 }, times: 1 });
    const started = Date.now();
    expect((await client.queryCashierOrder(no)).status).toBe('WAIT_PAY');
    expect(Date.now() - started).toBeLessThan(400 + 200 + 400 + 400 + 300);
    running.faults.add({ platform: 'national-app', operation: QUERY, kind: 'platform_error', params: { code: '9999' }, times: 1 });
    expect((await client.queryCashierOrder(no)).status).toBe('WAIT_PAY');
    running.faults.add({ platform: 'national-app', operation: QUERY, kind: 'http_error', params: { status: 500 }, times: 5 });
    await expectPlatformError(client.queryCashierOrder(no), { kind: 'unavailable', code: 'HTTP_500' });
    expect(running.faults.list()[0]!.fired).toBe(3);
  });

  it('a platform error on the exchange is typed', async () => {
    running.faults.add({ platform: 'national-app', operation: EXCHANGE, kind: 'platform_error', params: { code: '1007', message: '医保电子凭证状态异常' }, times: 1 });
    await expectPlatformError(client.exchangeAuthCode(mock.mintAuthCode({ signedIn: 'zhang', orgCodg: CREDS.orgCodg })), { kind: 'rejected', code: '1007' });
  });

  it('a wrong amount in the query answer is caught against the order', async () => {
    const no = tradeNo();
    await openCashier(no, 700);
    running.faults.add({ platform: 'national-app', operation: QUERY, kind: 'wrong_amount', params: { deltaFen: 1 }, times: 1 });
    await expectPlatformError(client.queryCashierOrder(no, { expectedTotalFen: 700 }), { kind: 'bad_response', code: 'AMOUNT_MISMATCH' });
  });
});

describe('typed errors map to contract codes (Chinese messages for users)', () => {
  it('maps authorization, cashier and transport failures', async () => {
    const used = mock.mintAuthCode({ signedIn: 'zhang', orgCodg: CREDS.orgCodg });
    await client.exchangeAuthCode(used);
    const cases: [Promise<unknown>, string][] = [
      [client.exchangeAuthCode(used), 'INSURANCE_AUTH_INVALID'],
      [client.queryCashierOrder('NONE'), 'PAYMENT_ORDER_CLOSED'],
      [new NationalAppClient({ ...cfg, orgPrivateKey: sm2GenerateKeyPair().privateKey }).queryCashierOrder('X'), 'UPSTREAM_UNAVAILABLE'],
    ];
    const no = tradeNo();
    await openCashier(no, 100);
    cases.push([client.refundCashier({ outTradeNo: no, outRefundNo: 'R', refundFen: 1 }), 'PAYMENT_REFUND_REJECTED']);
    for (const [p, code] of cases) {
      const err = await expectPlatformError(p, {});
      expect([err.code, nationalAppErrorCode(err)]).toEqual([err.code, code]);
      expect(isErrorCode(nationalAppErrorCode(err))).toBe(true);
    }
    running.faults.add({ platform: 'national-app', operation: QUERY, kind: 'timeout', times: 3 });
    expect(nationalAppErrorCode(await expectPlatformError(client.queryCashierOrder(no), {}))).toBe('UPSTREAM_TIMEOUT');
    expect(authorizeReturnErrorCode({ ok: false, reason: 'cancelled', message: '' })).toBe('INSURANCE_AUTH_CANCELLED');
    expect(authorizeReturnErrorCode({ ok: false, reason: 'state_mismatch', message: '' })).toBe('INSURANCE_AUTH_INVALID');
  });
});
