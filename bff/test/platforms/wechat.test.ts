/**
 * Contract tests: the BFF's WeChat client (login code2session, insurance userQuery with the HMAC
 * god-portal headers) against the WeChat mocks over HTTP, including every fault.
 */
import { WechatClient, WechatError, type WechatClientConfig } from '../../src/platforms/wechat';
import { createWechatMocks, createLocalInsuranceLink, loadDemoDirectory, type WechatMocks } from '../../../mock/src/platforms/wechat';
import { generateWechatDemoKeys } from '../../../mock/src/platforms/wechat/keys';
import { caught, eventLog, expectPlatformError, startMocks, type RunningMocks } from './wechat-helpers';

const APP_ID = 'wxtest0000000001';
const PARTNER = 'partner_test_01';
const ZHANG = 'demo_openid_zhangjianguo'; // 张建国; family: 李秀英 (parent), 张子涵 (child, voucher not activated)
const LIU = 'demo_openid_liuzhiqiang'; // voucher not activated

const keys = generateWechatDemoKeys();
const directory = loadDemoDirectory();
const link = createLocalInsuranceLink((psnNo) => [...directory.people.values()].find((p) => p.psnNo === psnNo)?.insuplcAdmdvs);
let mocks: WechatMocks;
let running: RunningMocks;
let cfg: WechatClientConfig;
let client: WechatClient;
const log = eventLog();

beforeAll(async () => {
  process.env.MOCK_TIMEOUT_HOLD_MS = '900';
  mocks = createWechatMocks({ appId: APP_ID, appSecret: keys.MOCK_WECHAT_APP_SECRET!, partnerId: PARTNER, partnerSecret: keys.MOCK_WECHAT_INSURANCE_PARTNER_SECRET!, insurance: link, directory });
  running = await startMocks([mocks.wechat, mocks.insurance]);
  cfg = {
    apiBaseUrl: `${running.baseUrl}/wechat`,
    appId: APP_ID,
    appSecret: keys.WECHAT_APP_SECRET!,
    insuranceBaseUrl: `${running.baseUrl}/wechat-insurance`,
    partnerId: PARTNER,
    partnerSecret: keys.WECHAT_INSURANCE_PARTNER_SECRET!,
    timeoutMs: 400,
    onEvent: log.onEvent,
  };
  client = new WechatClient(cfg);
});
afterAll(() => running.close());
afterEach(() => running.faults.clear());

describe('code2session', () => {
  it('exchanges a wx.login code for the openid, once', async () => {
    const { code } = mocks.state.mintLoginCode(ZHANG);
    const s = await client.code2session(code);
    expect(s.openid).toBe(ZHANG);
    expect(s.sessionKey).toBeTruthy();
    expect(s.unionid).toBe(`mock_union_${ZHANG}`);
    await expectPlatformError(client.code2session(code), { reason: 'LOGIN_CODE_USED', kind: 'rejected', code: '40163', userCode: 'WECHAT_LOGIN_FAILED' });
  });

  it('maps invalid codes and a wrong app secret', async () => {
    await expectPlatformError(client.code2session('0123456789abcdef'), { reason: 'LOGIN_CODE_INVALID', code: '40029' });
    await expectPlatformError(client.code2session('bad code with spaces'), { reason: 'LOGIN_CODE_INVALID' });
    const wrong = new WechatClient({ ...cfg, appSecret: 'not-the-secret' });
    await expectPlatformError(wrong.code2session(mocks.state.mintLoginCode(ZHANG).code), { reason: 'LOGIN_CONFIG', code: '40125' });
  });

  it('bounds a timeout and does not repeat the exchange', async () => {
    running.faults.add({ platform: 'wechat', kind: 'timeout', times: 1 });
    const before = log.events.length;
    const started = Date.now();
    await expectPlatformError(client.code2session(mocks.state.mintLoginCode(ZHANG).code), { kind: 'timeout', outcomeUnknown: true });
    expect(Date.now() - started).toBeLessThan(1200);
    expect(log.events.slice(before).filter((e) => e.operation === 'jscode2session')).toHaveLength(1);
  });

  it('maps HTTP 5xx and WeChat busy answers to unavailable', async () => {
    running.faults.add({ platform: 'wechat', kind: 'http_error', params: { status: 502 }, times: 1 });
    await expectPlatformError(client.code2session(mocks.state.mintLoginCode(ZHANG).code), { kind: 'unavailable', code: 'HTTP_502' });
    running.faults.add({ platform: 'wechat', kind: 'platform_error', params: { code: -1, message: 'system error' }, times: 1 });
    await expectPlatformError(client.code2session(mocks.state.mintLoginCode(ZHANG).code), { reason: 'LOGIN_BUSY', kind: 'unavailable', retryable: true, userCode: 'UPSTREAM_UNAVAILABLE' });
  });
});

describe('userQuery (insurance authorization exchange)', () => {
  it('exchanges the auth code for pay_auth_no and the card holder', async () => {
    const { authCode } = mocks.state.mintAuthCode({ openid: ZHANG });
    const a = await client.userQuery({ authCode, openid: ZHANG });
    expect(a).toMatchObject({ family: false, holder: { name: '张建国', idNumber: '640104196803150131' } });
    expect(a.payAuthNo).toMatch(/^AUTH640100/);
    expect(link.grants.get(a.payAuthNo)).toMatchObject({ psnNo: '64010000000000012301', openid: ZHANG });
    // The code is single use.
    await expectPlatformError(client.userQuery({ authCode, openid: ZHANG }), { reason: 'AUTH_CODE_USED', userCode: 'INSURANCE_AUTH_INVALID' });
  });

  it('answers a family authorization as family_pay_auth_no with the holder, not the patient', async () => {
    const { authCode } = mocks.state.mintAuthCode({ openid: ZHANG, person: 'li', family: true });
    const a = await client.userQuery({ authCode, openid: ZHANG });
    expect(a.family).toBe(true);
    expect(a.holder.name).toBe('张建国');
    expect(link.grants.get(a.payAuthNo)).toMatchObject({ psnNo: '64010000000000012301', forPsnNo: '64010000000000012302', family: true });
  });

  it('refuses a wrong HMAC secret (the request is signed, the platform says no)', async () => {
    const wrong = new WechatClient({ ...cfg, partnerSecret: 'ffffffffffffffffffffffffffffffff' });
    const e = await expectPlatformError<WechatError>(wrong.userQuery({ authCode: mocks.state.mintAuthCode({ openid: ZHANG }).authCode, openid: ZHANG }), {
      reason: 'PARTNER_AUTH_FAILED',
      kind: 'rejected',
      httpStatus: 401,
    });
    expect(e.code).toBe('10001');
  });

  it('maps expired, foreign, unknown codes and non-activated vouchers', async () => {
    const expired = mocks.state.mintAuthCode({ openid: ZHANG });
    mocks.state.authCodes.get(expired.authCode)!.expiresAt = Date.now() - 1000;
    await expectPlatformError(client.userQuery({ authCode: expired.authCode, openid: ZHANG }), { reason: 'AUTH_CODE_EXPIRED' });
    await expectPlatformError(client.userQuery({ authCode: mocks.state.mintAuthCode({ openid: ZHANG }).authCode, openid: LIU }), { reason: 'AUTH_CODE_NOT_FOR_USER' });
    await expectPlatformError(client.userQuery({ authCode: '123', openid: ZHANG }), { reason: 'AUTH_CODE_INVALID' });
    await expectPlatformError(client.userQuery({ authCode: mocks.state.mintAuthCode({ openid: LIU }).authCode, openid: LIU }), {
      reason: 'VOUCHER_NOT_ACTIVATED',
      userCode: 'INSURANCE_VOUCHER_NOT_ACTIVATED',
    });
    // The child's own voucher is not activated, the guardian's family authorization works.
    const child = await client.userQuery({ authCode: mocks.state.mintAuthCode({ openid: ZHANG, person: 'zhangzh', family: true }).authCode, openid: ZHANG });
    expect(child).toMatchObject({ family: true, holder: { name: '张建国' } });
  });

  it('bounds a timeout, never retries, and maps 5xx and unknown platform codes', async () => {
    running.faults.add({ platform: 'wechat-insurance', kind: 'timeout', times: 1 });
    const before = log.events.length;
    const started = Date.now();
    await expectPlatformError(client.userQuery({ authCode: mocks.state.mintAuthCode({ openid: ZHANG }).authCode, openid: ZHANG }), { kind: 'timeout' });
    expect(Date.now() - started).toBeLessThan(1200);
    expect(log.events.slice(before)).toHaveLength(1);
    running.faults.add({ platform: 'wechat-insurance', kind: 'http_error', params: { status: 500 }, times: 1 });
    await expectPlatformError(client.userQuery({ authCode: mocks.state.mintAuthCode({ openid: ZHANG }).authCode, openid: ZHANG }), { kind: 'unavailable', code: 'HTTP_500' });
    running.faults.add({ platform: 'wechat-insurance', kind: 'platform_error', params: { code: 77777, message: 'odd' }, times: 1 });
    await expectPlatformError(client.userQuery({ authCode: mocks.state.mintAuthCode({ openid: ZHANG }).authCode, openid: ZHANG }), { reason: 'PLATFORM_ERROR', code: '77777' });
  });

  it('reports no personal data, codes or secrets in its call events', async () => {
    const { authCode } = mocks.state.mintAuthCode({ openid: ZHANG });
    const a = await client.userQuery({ authCode, openid: ZHANG });
    const text = JSON.stringify(log.events);
    for (const secret of [a.payAuthNo, a.holder.idNumber, a.holder.name, authCode, keys.WECHAT_APP_SECRET!, keys.WECHAT_INSURANCE_PARTNER_SECRET!, ZHANG]) {
      expect(text).not.toContain(secret);
    }
    // And the typed error of a failed exchange does not carry the code either.
    const e = (await caught(client.userQuery({ authCode, openid: ZHANG }))) as WechatError;
    expect(JSON.stringify(e.toJSON())).not.toContain(authCode);
  });
});
