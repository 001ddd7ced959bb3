/**
 * Contract tests: the BFF's Alipay client (alipay-sdk) against the Alipay mock over HTTP —
 * oauth, the insurance authorization (self, family, cancel, not activated, expiry), trades,
 * RSA2 signatures both ways, notifications and every fault.
 */
import { PlatformError } from '../../src/platforms/http';
import { isErrorCode } from '@ih/contract';
import { AlipayClient, alipayErrorCode, alipayNotifyAck, checkNotifyAgainstOrder, isNewerTradeState, type AlipayClientConfig, type AlipayNotifyResult } from '../../src/platforms/alipay';
import { createAlipayMock, type AlipayMock } from '../../../mock/src/platforms/alipay';
import { generateAlipayDemoKeys } from '../../../mock/src/platforms/alipay/keys';
import { generateRsaKeyPair } from '../../../mock/src/platforms/alipay/rsa';
import { startMock, startReceiver, sleep, type RunningMock } from './alipay-helpers';

const APP_ID = '2021000000000001';
const MEDICAL = { orgAppId: 'test_org_app_id_0001', orgChnlCrtfCode: 'test/chnl+crtf=code', orgCode: 'H64010000001' };
const ZHANG = '2088102000000001'; // 张建国, family: 李秀英 (parent), 张子涵 (child, voucher not activated)
const LIU = '2088102000000003'; // 刘志强, voucher not activated

const keys = generateAlipayDemoKeys();
let mock: AlipayMock;
let running: RunningMock;
let client: AlipayClient;
let cfg: AlipayClientConfig;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
const verdicts: AlipayNotifyResult[] = [];

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
  mock = createAlipayMock({
    appId: APP_ID,
    appPublicKey: keys.MOCK_ALIPAY_APP_PUBLIC_KEY!,
    platformPrivateKey: keys.MOCK_ALIPAY_PLATFORM_PRIVATE_KEY!,
    medical: MEDICAL,
    payAuthTtlSeconds: 2,
    notifyRetryDelaysMs: [150, 300],
  });
  running = await startMock([mock]);
  cfg = {
    gatewayUrl: `${running.baseUrl}/alipay/gateway.do`,
    appId: APP_ID,
    appPrivateKey: keys.ALIPAY_APP_PRIVATE_KEY!,
    alipayPublicKey: keys.ALIPAY_PUBLIC_KEY!,
    timeoutMs: 400,
    notifyMaxAgeMs: 10 * 60_000,
    medical: MEDICAL,
  };
  client = new AlipayClient(cfg);
  receiver = await startReceiver((body) => {
    const v = client.verifyNotify(body);
    verdicts.push(v);
    return [200, alipayNotifyAck(v.ok), v];
  });
});

afterAll(async () => {
  await mock.notifier.whenIdle();
  await receiver.close();
  await running.close();
});

beforeEach(async () => {
  await mock.notifier.whenIdle(); // earlier tests' retries must not leak into this one
  running.faults.clear();
  receiver.received.length = 0;
  verdicts.length = 0;
});

// ── oauth ─────────────────────────────────────────────────────────────────────────────────────
describe('oauth token', () => {
  it('exchanges an auth_code once for the user id and an access token', async () => {
    const { authCode } = mock.mintAuthCode(ZHANG);
    const token = await client.exchangeAuthCode(authCode);
    expect(token.userId).toBe(ZHANG);
    expect(token.accessToken).toMatch(/^authusrB/);
    expect(token.expiresIn).toBeGreaterThan(0);
    await expectPlatformError(client.exchangeAuthCode(authCode), { kind: 'rejected', code: 'isv.code-invalid' });
  });

  it('refuses an expired code and an unknown code', async () => {
    const { authCode } = mock.mintAuthCode(ZHANG, undefined, 50);
    await sleep(80);
    await expectPlatformError(client.exchangeAuthCode(authCode), { kind: 'rejected', code: 'isv.code-invalid' });
    await expectPlatformError(client.exchangeAuthCode('no-such-code'), { kind: 'rejected', code: 'isv.code-invalid' });
  });

  it('refreshes the access token (the old refresh token then no longer works)', async () => {
    const first = await client.exchangeAuthCode(mock.mintAuthCode(ZHANG).authCode);
    const second = await client.refreshAccessToken(first.refreshToken);
    expect(second.userId).toBe(ZHANG);
    expect(second.accessToken).not.toBe(first.accessToken);
    await expectPlatformError(client.refreshAccessToken(first.refreshToken), { kind: 'rejected', code: 'isv.refresh-token-invalid' });
  });
});

// ── insurance authorization ─────────────────────────────────────────────────────────────────────
async function login(userId: string) {
  return client.exchangeAuthCode(mock.mintAuthCode(userId).authCode);
}

/** Opens the auth page like the user's browser and submits the form. */
async function decideOnPage(authUrl: string, action: 'agree' | 'cancel', person?: string): Promise<Response> {
  const pageRes = await fetch(authUrl);
  expect(pageRes.status).toBe(200);
  const html = await pageRes.text();
  expect(html).toContain('同意授权');
  const ticket = /name="ticket" value="([^"]+)"/.exec(html)![1]!;
  const form = new URLSearchParams({ ticket, action, ...(person ? { person } : {}) });
  return fetch(`${running.baseUrl}/alipay/medical/authorize`, { method: 'POST', body: form, redirect: 'manual' });
}

describe('alipay.commerce.medical.authinfo.auth.query', () => {
  it('not yet authorized → auth_url; after 同意授权 on the page → pay_auth_no (self), never enumerable', async () => {
    const token = await login(ZHANG);
    const reqBizNo = `RB${Date.now()}`;
    const first = await client.queryMedicalAuth({ alipayUserId: ZHANG, accessToken: token.accessToken, reqBizNo, callUrl: 'https://h5.example.com/pay/return' });
    expect(first.authorized).toBe(false);
    if (first.authorized) throw new Error('unreachable');
    expect(first.voucherActivated).toBe(true);
    expect(first.authUrl).toContain('/alipay/medical/authorize?ticket=');

    const page = await fetch(first.authUrl).then((r) => r.text());
    expect(page).toContain('张*国'); // masked, never the full name
    expect(page).not.toContain('张建国');

    const res = await decideOnPage(first.authUrl, 'agree');
    expect(res.status).toBe(302);
    const back = new URL(res.headers.get('location')!);
    expect(back.origin + back.pathname).toBe('https://h5.example.com/pay/return');
    expect(back.searchParams.get('req_biz_no')).toBe(reqBizNo);
    expect(back.searchParams.get('auth_result')).toBe('success');

    const granted = await client.queryMedicalAuth({ alipayUserId: ZHANG, accessToken: token.accessToken, reqBizNo });
    expect(granted).toMatchObject({ authorized: true, family: false, insuOrg: '640100', voucherActivated: true });
    if (!granted.authorized) throw new Error('unreachable');
    expect(granted.payAuthNo).toMatch(/^AUTH640100\d{21}$/);
    expect(JSON.stringify(granted)).not.toContain(granted.payAuthNo!);
    expect(Object.keys(granted)).not.toContain('payAuthNo');
    // Asking again for the same request gives the same (still valid) pay_auth_no.
    const again = await client.queryMedicalAuth({ alipayUserId: ZHANG, accessToken: token.accessToken, reqBizNo });
    expect(again.authorized && again.payAuthNo).toBe(granted.payAuthNo);
  });

  it('family authorization: rels_pay_flag 1 with the main account’s masked name', async () => {
    const token = await login(ZHANG);
    const reqBizNo = `RBF${Date.now()}`;
    const first = await client.queryMedicalAuth({ alipayUserId: ZHANG, accessToken: token.accessToken, reqBizNo });
    if (first.authorized) throw new Error('expected pending');
    const res = await decideOnPage(first.authUrl, 'agree', 'li');
    expect(res.status).toBe(200); // no call_url: the page says done
    const granted = await client.queryMedicalAuth({ alipayUserId: ZHANG, accessToken: token.accessToken, reqBizNo });
    expect(granted).toMatchObject({ authorized: true, family: true, relsPayUserName: '张*国', insuOrg: '640100' });
  });

  it('a relative whose voucher is not activated cannot be chosen', async () => {
    const token = await login(ZHANG);
    const first = await client.queryMedicalAuth({ alipayUserId: ZHANG, accessToken: token.accessToken, reqBizNo: `RBZ${Date.now()}` });
    if (first.authorized) throw new Error('expected pending');
    const res = await decideOnPage(first.authUrl, 'agree', 'zhangzh');
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('尚未激活');
  });

  it('a user whose own voucher is not activated is told so (medical_card_status 0)', async () => {
    const token = await login(LIU);
    const first = await client.queryMedicalAuth({ alipayUserId: LIU, accessToken: token.accessToken, reqBizNo: `RBL${Date.now()}` });
    expect(first).toMatchObject({ authorized: false, voucherActivated: false });
    const html = await fetch((first as { authUrl: string }).authUrl).then((r) => r.text());
    expect(html).toContain('尚未激活');
  });

  it('取消 returns to call_url with a cancel marker and no pay_auth_no; the next query starts over', async () => {
    const token = await login(ZHANG);
    const reqBizNo = `RBC${Date.now()}`;
    const first = await client.queryMedicalAuth({ alipayUserId: ZHANG, accessToken: token.accessToken, reqBizNo, callUrl: 'https://h5.example.com/back' });
    if (first.authorized) throw new Error('expected pending');
    const res = await decideOnPage(first.authUrl, 'cancel');
    expect(res.status).toBe(302);
    expect(new URL(res.headers.get('location')!).searchParams.get('auth_result')).toBe('cancel');
    const after = await client.queryMedicalAuth({ alipayUserId: ZHANG, accessToken: token.accessToken, reqBizNo });
    expect(after.authorized).toBe(false);
    expect((after as { authUrl: string }).authUrl).not.toBe(first.authUrl);
    // the old page no longer accepts a decision
    expect((await fetch(first.authUrl)).status).toBe(404);
  });

  it('an expired pay_auth_no means authorizing again', async () => {
    const token = await login(ZHANG);
    const reqBizNo = `RBE${Date.now()}`;
    mock.authorizeMedical({ alipayUserId: ZHANG, reqBizNo });
    const granted = await client.queryMedicalAuth({ alipayUserId: ZHANG, accessToken: token.accessToken, reqBizNo });
    expect(granted.authorized).toBe(true);
    await sleep(2100); // payAuthTtlSeconds: 2
    const after = await client.queryMedicalAuth({ alipayUserId: ZHANG, accessToken: token.accessToken, reqBizNo });
    expect(after.authorized).toBe(false);
  });

  it('refuses a wrong access token and wrong institution credentials', async () => {
    const token = await login(ZHANG);
    await expectPlatformError(client.queryMedicalAuth({ alipayUserId: ZHANG, accessToken: 'authusrBforged', reqBizNo: 'RBX1' }), { kind: 'rejected', code: 'aop.invalid-auth-token' });
    const other = await login(LIU);
    await expectPlatformError(client.queryMedicalAuth({ alipayUserId: ZHANG, accessToken: other.accessToken, reqBizNo: 'RBX2' }), { kind: 'rejected', code: 'aop.invalid-auth-token' });
    const wrongOrg = new AlipayClient({ ...cfg, medical: { ...MEDICAL, orgChnlCrtfCode: 'someone-else' } });
    await expectPlatformError(wrongOrg.queryMedicalAuth({ alipayUserId: ZHANG, accessToken: token.accessToken, reqBizNo: 'RBX3' }), { kind: 'rejected', code: 'ORG_INFO_INVALID' });
  });
});

// ── trades and notifications ────────────────────────────────────────────────────────────────────
let seq = 0;
const outTradeNo = () => `T${Date.now()}${++seq}`;

async function newTrade(totalFen = 1234) {
  const no = outTradeNo();
  const created = await client.createTrade({ outTradeNo: no, totalFen, subject: '互联网复诊 诊查费', buyerId: ZHANG, notifyUrl: receiver.url, timeoutExpress: '30m' });
  return { no, created, totalFen };
}

describe('trades', () => {
  it('create → WAIT_BUYER_PAY → pay → verified TRADE_SUCCESS notify → query TRADE_SUCCESS', async () => {
    const { no, created, totalFen } = await newTrade();
    expect(created.tradeNo).toMatch(/^\d{28}$/);
    expect(created.recovered).toBe(false);
    expect(await client.queryTrade(no, { expectedTotalFen: totalFen })).toMatchObject({ status: 'WAIT_BUYER_PAY', totalFen, buyerPayFen: 0 });

    mock.payTrade(no);
    const [n] = await receiver.waitFor(1);
    const v = n!.verdict as AlipayNotifyResult;
    expect(v.ok).toBe(true);
    if (!v.ok) throw new Error('unreachable');
    expect(v.event).toMatchObject({ outTradeNo: no, tradeNo: created.tradeNo, tradeStatus: 'TRADE_SUCCESS', totalFen, buyerPayFen: totalFen, appId: APP_ID });
    expect(checkNotifyAgainstOrder(v.event, { outTradeNo: no, totalFen })).toEqual({ ok: true });
    expect(n!.headers['content-type']).toContain('application/x-www-form-urlencoded');

    const paid = await client.queryTrade(no, { expectedTotalFen: totalFen });
    expect(paid).toMatchObject({ status: 'TRADE_SUCCESS', buyerPayFen: totalFen, buyerUserId: ZHANG });
    expect(paid.paidAt).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    await mock.notifier.whenIdle();
    expect(mock.notifier.deliveries().filter((d) => d.key === no)).toHaveLength(1); // acked: no retries
  });

  it('create is idempotent for the same order and refuses changed details', async () => {
    const { no, created } = await newTrade(500);
    const again = await client.createTrade({ outTradeNo: no, totalFen: 500, subject: '互联网复诊 诊查费', buyerId: ZHANG, notifyUrl: receiver.url });
    expect(again.tradeNo).toBe(created.tradeNo);
    await expectPlatformError(client.createTrade({ outTradeNo: no, totalFen: 501, subject: '互联网复诊 诊查费', buyerId: ZHANG, notifyUrl: receiver.url }), { kind: 'rejected', code: 'ACQ.CONTEXT_INCONSISTENT' });
  });

  it('refunds: partial, idempotent by out_request_no, over-refund refused, full → TRADE_CLOSED, with notifies', async () => {
    const { no, totalFen } = await newTrade(1000);
    await expectPlatformError(client.refund({ outTradeNo: no, outRequestNo: 'R0', refundFen: 100 }), { kind: 'rejected', code: 'ACQ.TRADE_STATUS_ERROR' });
    mock.payTrade(no);
    await receiver.waitFor(1);
    const r1 = await client.refund({ outTradeNo: no, outRequestNo: 'R1', refundFen: 300, reason: '退一项', alreadyRefundedFen: 0 });
    expect(r1).toMatchObject({ fundChange: true, totalRefundedFen: 300 });
    const r1again = await client.refund({ outTradeNo: no, outRequestNo: 'R1', refundFen: 300 });
    expect(r1again).toMatchObject({ fundChange: false, totalRefundedFen: 300 });
    await expectPlatformError(client.refund({ outTradeNo: no, outRequestNo: 'R2', refundFen: 701 }), { kind: 'rejected', code: 'ACQ.REFUND_AMT_NOT_EQUAL_TOTAL' });
    expect(await client.queryRefund(no, 'R1', { expectedRefundFen: 300 })).toEqual({ outRequestNo: 'R1', status: 'REFUND_SUCCESS', refundFen: 300 });
    expect(await client.queryRefund(no, 'R9')).toMatchObject({ status: 'NOT_FOUND' });
    const r3 = await client.refund({ outTradeNo: no, outRequestNo: 'R3', refundFen: 700, alreadyRefundedFen: 300 });
    expect(r3.totalRefundedFen).toBe(totalFen);
    expect(await client.queryTrade(no)).toMatchObject({ status: 'TRADE_CLOSED', refundFen: 1000 });
    const all = await receiver.waitFor(3);
    const events = all.map((r) => (r.verdict as AlipayNotifyResult & { ok: true }).event);
    expect(events.map((e) => [e.tradeStatus, e.refundFeeFen, e.outBizNo])).toEqual([
      ['TRADE_SUCCESS', undefined, undefined],
      ['TRADE_SUCCESS', 300, 'R1'],
      ['TRADE_CLOSED', 1000, 'R3'],
    ]);
  });

  it('close: an unpaid trade closes, a paid one refuses, an unknown one counts as closed', async () => {
    const { no } = await newTrade();
    expect(await client.closeTrade(no)).toEqual({ existed: true });
    expect((await client.queryTrade(no)).status).toBe('TRADE_CLOSED');
    await expectPlatformError(client.createTrade({ outTradeNo: no, totalFen: 1234, subject: '互联网复诊 诊查费', buyerId: ZHANG, notifyUrl: receiver.url }), { code: 'ACQ.TRADE_HAS_CLOSE' });
    const paid = await newTrade();
    mock.payTrade(paid.no);
    await expectPlatformError(client.closeTrade(paid.no), { kind: 'rejected', code: 'ACQ.TRADE_STATUS_ERROR' });
    expect(await client.closeTrade('NEVER-CREATED')).toEqual({ existed: false });
    await expectPlatformError(client.queryTrade('NEVER-CREATED'), { kind: 'rejected', code: 'ACQ.TRADE_NOT_EXIST' });
  });
});

describe('signatures both ways', () => {
  it('Alipay refuses a request signed with another key (isv.invalid-signature)', async () => {
    const stranger = new AlipayClient({ ...cfg, appPrivateKey: generateRsaKeyPair().privateKey });
    await expectPlatformError(stranger.queryTrade('X'), { kind: 'rejected', code: 'isv.invalid-signature' });
  });

  it('the client refuses an answer signed with another key', async () => {
    const { no } = await newTrade();
    running.faults.add({ platform: 'alipay', operation: 'alipay.trade.query', kind: 'bad_signature', times: 1 });
    await expectPlatformError(client.queryTrade(no), { kind: 'signature', code: 'SIGNATURE' });
    expect((await client.queryTrade(no)).status).toBe('WAIT_BUYER_PAY');
  });

  it('the client refuses answers when it holds the wrong Alipay public key', async () => {
    const wrongKey = new AlipayClient({ ...cfg, alipayPublicKey: generateRsaKeyPair().publicKey });
    await expectPlatformError(wrongKey.queryTrade('X'), { kind: 'signature' });
  });

  it('a notify signed with another key is rejected and Alipay keeps retrying', async () => {
    const { no } = await newTrade();
    running.faults.add({ platform: 'alipay', operation: 'notify', kind: 'bad_signature', times: 1 });
    mock.payTrade(no);
    const all = await receiver.waitFor(3);
    expect(all.map((r) => (r.verdict as AlipayNotifyResult).ok)).toEqual([false, false, false]);
    expect((all[0]!.verdict as { reason: string }).reason).toBe('signature');
    await mock.notifier.whenIdle();
    const deliveries = mock.notifier.deliveries().filter((d) => d.key === no);
    expect(deliveries.map((d) => d.acked)).toEqual([false, false, false]);
    // never acknowledged → the BFF resolves the order by querying
    expect((await client.queryTrade(no)).status).toBe('TRADE_SUCCESS');
  });

  it('a tampered notify (amount changed after signing) is rejected; so is another app’s', async () => {
    const { no } = await newTrade(999);
    mock.payTrade(no);
    const [n] = await receiver.waitFor(1);
    const tampered = new URLSearchParams(n!.body);
    tampered.set('total_amount', '0.01');
    expect(client.verifyNotify(tampered.toString())).toMatchObject({ ok: false, reason: 'signature' });
    const downgraded = new URLSearchParams(n!.body);
    downgraded.set('sign_type', 'RSA');
    expect(client.verifyNotify(downgraded.toString())).toMatchObject({ ok: false, reason: 'signature' });
    const unsigned = new URLSearchParams(n!.body);
    unsigned.delete('sign');
    expect(client.verifyNotify(unsigned.toString())).toMatchObject({ ok: false, reason: 'signature' });
    const otherApp = new AlipayClient({ ...cfg, appId: '2021000000009999' });
    expect(otherApp.verifyNotify(n!.body)).toMatchObject({ ok: false, reason: 'app_mismatch' });
    // the parsed-object form (koa bodyparser) verifies the same way
    expect(client.verifyNotify(Object.fromEntries(new URLSearchParams(n!.body))).ok).toBe(true);
  });
});

describe('notification faults', () => {
  it('stale notify_time is rejected (replay)', async () => {
    const { no } = await newTrade();
    running.faults.add({ platform: 'alipay', operation: 'notify', kind: 'stale_timestamp', params: { ms: 3_600_000 }, times: 1 });
    mock.payTrade(no);
    const [n] = await receiver.waitFor(1);
    expect(n!.verdict).toMatchObject({ ok: false, reason: 'stale' });
    // the same body is fine for a clock at its notify_time: only the age was wrong
    const t = (client.verifyNotify(n!.body, Date.now() - 3_600_000) as { ok: boolean }).ok;
    expect(t).toBe(true);
  });

  it('wrong amount: signature fine, but it does not match the order', async () => {
    const { no, totalFen } = await newTrade(2000);
    running.faults.add({ platform: 'alipay', operation: 'notify', kind: 'wrong_amount', params: { deltaFen: 1 }, times: 1 });
    mock.payTrade(no);
    const [n] = await receiver.waitFor(1);
    const v = n!.verdict as AlipayNotifyResult & { ok: true };
    expect(v.ok).toBe(true);
    expect(v.event.totalFen).toBe(2001);
    expect(checkNotifyAgainstOrder(v.event, { outTradeNo: no, totalFen })).toEqual({ ok: false, reason: 'amount_mismatch' });
  });

  it('duplicate: the same notification (same notify_id) twice', async () => {
    const { no } = await newTrade();
    running.faults.add({ platform: 'alipay', operation: 'notify', kind: 'notify_duplicate', times: 1 });
    mock.payTrade(no);
    const [a, b] = await receiver.waitFor(2);
    const ea = (a!.verdict as AlipayNotifyResult & { ok: true }).event;
    const eb = (b!.verdict as AlipayNotifyResult & { ok: true }).event;
    expect(eb.notifyId).toBe(ea.notifyId);
    expect(isNewerTradeState({ status: ea.tradeStatus, refundFen: 0 }, eb)).toBe(false);
  });

  it('late: delivered only after the delay', async () => {
    const { no } = await newTrade();
    running.faults.add({ platform: 'alipay', operation: 'notify', kind: 'notify_late', params: { ms: 700 }, times: 1 });
    const started = Date.now();
    mock.payTrade(no);
    await sleep(300);
    expect(receiver.received).toHaveLength(0);
    const [n] = await receiver.waitFor(1, 3000);
    expect(n!.at - started).toBeGreaterThanOrEqual(650);
    expect((n!.verdict as AlipayNotifyResult).ok).toBe(true);
  });

  it('never: nothing arrives; the order is resolved by alipay.trade.query', async () => {
    const { no } = await newTrade();
    running.faults.add({ platform: 'alipay', operation: 'notify', kind: 'notify_never', times: 1 });
    mock.payTrade(no);
    await sleep(400);
    expect(receiver.received).toHaveLength(0);
    expect(mock.notifier.deliveries().filter((d) => d.key === no).map((d) => d.fault)).toEqual(['never']);
    expect((await client.queryTrade(no)).status).toBe('TRADE_SUCCESS');
  });

  it('out of order: the refund notification arrives before the payment one, which must not reopen the order', async () => {
    const { no } = await newTrade(800);
    running.faults.add({ platform: 'alipay', operation: 'notify:pay', kind: 'notify_out_of_order', params: { ms: 3000 }, times: 1 });
    mock.payTrade(no);
    await sleep(200);
    expect(receiver.received).toHaveLength(0);
    await client.refund({ outTradeNo: no, outRequestNo: 'RX', refundFen: 800 });
    const [first, second] = await receiver.waitFor(2);
    const e1 = (first!.verdict as AlipayNotifyResult & { ok: true }).event;
    const e2 = (second!.verdict as AlipayNotifyResult & { ok: true }).event;
    expect([e1.tradeStatus, e2.tradeStatus]).toEqual(['TRADE_CLOSED', 'TRADE_SUCCESS']);
    expect(isNewerTradeState(undefined, e1)).toBe(true);
    expect(isNewerTradeState({ status: e1.tradeStatus, refundFen: e1.refundFeeFen ?? 0 }, e2)).toBe(false);
  });
});

describe('transport and platform faults', () => {
  it('a query that times out is retried; each attempt is bounded', async () => {
    const { no } = await newTrade();
    running.faults.add({ platform: 'alipay', operation: 'alipay.trade.query', kind: 'timeout', times: 1 });
    const started = Date.now();
    expect((await client.queryTrade(no)).status).toBe('WAIT_BUYER_PAY');
    expect(Date.now() - started).toBeLessThan(400 + 300 + 400);
  });

  it('a query that keeps timing out fails as timeout within (retries+1) × timeout', async () => {
    running.faults.add({ platform: 'alipay', operation: 'alipay.trade.query', kind: 'timeout', times: 3 });
    const started = Date.now();
    await expectPlatformError(client.queryTrade('X'), { kind: 'timeout', outcomeUnknown: true });
    expect(Date.now() - started).toBeLessThan(3 * 400 + 200 + 400 + 400);
  });

  it('a create that times out is not repeated: it is resolved by a query (trade exists → recovered)', async () => {
    const { no, created } = await newTrade(4321);
    running.faults.add({ platform: 'alipay', operation: 'alipay.trade.create', kind: 'timeout', times: 1 });
    const r = await client.createTrade({ outTradeNo: no, totalFen: 4321, subject: '互联网复诊 诊查费', buyerId: ZHANG, notifyUrl: receiver.url });
    expect(r).toEqual({ tradeNo: created.tradeNo, outTradeNo: no, recovered: true });
    expect(running.faults.list()).toHaveLength(0);
  });

  it('a create that times out and never reached Alipay reports a known outcome (safe to create again)', async () => {
    const no = outTradeNo();
    running.faults.add({ platform: 'alipay', operation: 'alipay.trade.create', kind: 'timeout', times: 2 });
    const err = await expectPlatformError(client.createTrade({ outTradeNo: no, totalFen: 100, subject: '诊查费', buyerId: ZHANG, notifyUrl: receiver.url }), { kind: 'timeout', outcomeUnknown: false });
    expect(err.message).toContain('does not exist');
    // exactly one create was attempted (the second timeout fault is still there)
    expect(running.faults.list()).toHaveLength(1);
  });

  it('HTTP 5xx: idempotent calls are retried, writes are not', async () => {
    const { no } = await newTrade();
    running.faults.add({ platform: 'alipay', operation: 'alipay.trade.query', kind: 'http_error', params: { status: 502 }, times: 2 });
    expect((await client.queryTrade(no)).status).toBe('WAIT_BUYER_PAY');
    running.faults.add({ platform: 'alipay', operation: 'alipay.trade.query', kind: 'http_error', params: { status: 500 }, times: 5 });
    await expectPlatformError(client.queryTrade(no), { kind: 'unavailable', code: 'HTTP_500' });
    expect(running.faults.list()[0]!.fired).toBe(3);
    running.faults.clear();
    running.faults.add({ platform: 'alipay', operation: 'alipay.system.oauth.token', kind: 'http_error', params: { status: 503 }, times: 5 });
    await expectPlatformError(client.exchangeAuthCode(mock.mintAuthCode(ZHANG).authCode), { kind: 'unavailable', code: 'HTTP_503' });
    expect(running.faults.list()[0]!.fired).toBe(1);
  });

  it('platform errors: ACQ.SYSTEM_ERROR is transient (retried for queries), business codes are typed', async () => {
    const { no } = await newTrade();
    running.faults.add({ platform: 'alipay', operation: 'alipay.trade.query', kind: 'platform_error', params: { code: 'ACQ.SYSTEM_ERROR' }, times: 1 });
    expect((await client.queryTrade(no)).status).toBe('WAIT_BUYER_PAY');
    running.faults.add({ platform: 'alipay', operation: 'alipay.trade.refund', kind: 'platform_error', params: { code: 'ACQ.SELLER_BALANCE_NOT_ENOUGH', message: '卖家余额不足' }, times: 1 });
    await expectPlatformError(client.refund({ outTradeNo: no, outRequestNo: 'RB', refundFen: 1 }), { kind: 'rejected', code: 'ACQ.SELLER_BALANCE_NOT_ENOUGH' });
    running.faults.add({ platform: 'alipay', operation: 'alipay.trade.create', kind: 'platform_error', params: { code: 'isp.unknow-error' }, times: 1 });
    // a write answered "system busy" has an unknown outcome → resolved by query (no trade → safe)
    const fresh = outTradeNo();
    await expectPlatformError(client.createTrade({ outTradeNo: fresh, totalFen: 100, subject: '诊查费', buyerId: ZHANG, notifyUrl: receiver.url }), { kind: 'unavailable', outcomeUnknown: false });
  });

  it('wrong amount in a query answer is caught against the order', async () => {
    const { no, totalFen } = await newTrade(1500);
    running.faults.add({ platform: 'alipay', operation: 'alipay.trade.query', kind: 'wrong_amount', params: { deltaFen: 100 }, times: 1 });
    await expectPlatformError(client.queryTrade(no, { expectedTotalFen: totalFen }), { kind: 'bad_response', code: 'AMOUNT_MISMATCH' });
  });

  it('latency below the timeout is just slower', async () => {
    const { no } = await newTrade();
    running.faults.add({ platform: 'alipay', operation: 'alipay.trade.query', kind: 'latency', params: { ms: 150 }, times: 1 });
    const started = Date.now();
    expect((await client.queryTrade(no)).status).toBe('WAIT_BUYER_PAY');
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('an unreachable gateway is unavailable and known not to have been sent', async () => {
    const down = new AlipayClient({ ...cfg, gatewayUrl: 'http://127.0.0.1:1/gateway.do', retries: 0 });
    await expectPlatformError(down.queryTrade('X'), { kind: 'unavailable', code: 'ECONNREFUSED', outcomeUnknown: false });
  });
});

describe('typed errors map to contract codes (Chinese messages for users)', () => {
  it('maps login, authorization, trade, refund, amount and transport failures', async () => {
    const cases: [Promise<unknown>, string][] = [
      [client.exchangeAuthCode('nope'), 'ALIPAY_LOGIN_FAILED'],
      [client.queryMedicalAuth({ alipayUserId: ZHANG, accessToken: 'bad', reqBizNo: 'M' }), 'ALIPAY_LOGIN_FAILED'],
      [client.queryTrade('NONE'), 'PAYMENT_ORDER_CLOSED'],
    ];
    const { no } = await newTrade(300);
    mock.payTrade(no);
    cases.push([client.createTrade({ outTradeNo: no, totalFen: 300, subject: '互联网复诊 诊查费', buyerId: ZHANG, notifyUrl: receiver.url }), 'PAYMENT_ALREADY_PAID']);
    cases.push([client.refund({ outTradeNo: no, outRequestNo: 'X1', refundFen: 301 }), 'PAYMENT_REFUND_REJECTED']);
    cases.push([client.closeTrade(no), 'CONFLICT']);
    for (const [p, code] of cases) {
      const err = await expectPlatformError(p, {});
      expect([err.code, alipayErrorCode(err)]).toEqual([err.code, code]);
      expect(isErrorCode(alipayErrorCode(err))).toBe(true);
    }
    running.faults.add({ platform: 'alipay', operation: 'alipay.trade.query', kind: 'wrong_amount', times: 1 });
    expect(alipayErrorCode(await expectPlatformError(client.queryTrade(no, { expectedTotalFen: 300 }), {}))).toBe('PAYMENT_AMOUNT_MISMATCH');
    running.faults.add({ platform: 'alipay', operation: 'alipay.trade.query', kind: 'timeout', times: 3 });
    expect(alipayErrorCode(await expectPlatformError(client.queryTrade(no), {}))).toBe('UPSTREAM_TIMEOUT');
    running.faults.add({ platform: 'alipay', operation: 'alipay.trade.query', kind: 'bad_signature', times: 1 });
    expect(alipayErrorCode(await expectPlatformError(client.queryTrade(no), {}))).toBe('UPSTREAM_UNAVAILABLE');
  });
});
