import { createHmac } from 'node:crypto';
import request from 'supertest';
import { createMockApp } from '../src/app';
import { createWechatMocks, createLocalInsuranceLink, USER_QUERY_CODES, loadDemoDirectory } from '../src/platforms/wechat';
import { generateWechatDemoKeys } from '../src/platforms/wechat/keys';

const keys = generateWechatDemoKeys();
const APP_ID = 'wxtest0000000001';
const PARTNER = 'p_test_1';

function setup() {
  const directory = loadDemoDirectory();
  const link = createLocalInsuranceLink((psnNo) => [...directory.people.values()].find((p) => p.psnNo === psnNo)?.insuplcAdmdvs);
  const mocks = createWechatMocks({ appId: APP_ID, appSecret: keys.MOCK_WECHAT_APP_SECRET!, partnerId: PARTNER, partnerSecret: keys.MOCK_WECHAT_INSURANCE_PARTNER_SECRET!, insurance: link, directory });
  const { app, faults } = createMockApp({ platforms: [mocks.wechat, mocks.insurance] });
  return { server: app.callback(), mocks, link, faults };
}

const headersFor = (ts = String(Date.now()), secret = keys.WECHAT_INSURANCE_PARTNER_SECRET!, requestId = Math.random().toString(36).slice(2)) => ({
  'god-portal-timestamp': ts,
  'god-portal-request-id': requestId,
  'god-portal-signature': createHmac('sha256', secret).update(PARTNER + ts).digest('hex'),
});

describe('WeChat jscode2session mock', () => {
  it('exchanges a minted code once, answers the real error codes, keeps the session per openid', async () => {
    const { server, mocks } = setup();
    const { code, openid } = mocks.state.mintLoginCode('demo_openid_zhangjianguo');
    const q = { appid: APP_ID, secret: keys.WECHAT_APP_SECRET, js_code: code, grant_type: 'authorization_code' };
    const ok = await request(server).get('/wechat/sns/jscode2session').query(q).expect(200);
    expect(ok.type).toBe('text/plain');
    const body = JSON.parse(ok.text);
    expect(body.openid).toBe(openid);
    expect(body.session_key).toMatch(/^[A-Za-z0-9+/=]{24}$/);
    expect(body.unionid).toBeTruthy();
    const again = JSON.parse((await request(server).get('/wechat/sns/jscode2session').query(q)).text);
    expect(again.errcode).toBe(40163);
    const bad = JSON.parse((await request(server).get('/wechat/sns/jscode2session').query({ ...q, js_code: 'nope' })).text);
    expect(bad.errcode).toBe(40029);
    const secret = JSON.parse((await request(server).get('/wechat/sns/jscode2session').query({ ...q, secret: 'x' })).text);
    expect(secret.errcode).toBe(40125);
  });

  it('mints codes over HTTP for a demo account or a new random user', async () => {
    const { server } = setup();
    const a = await request(server).post('/wechat/__mock/login-code').send({ account: 'u_wang' }).expect(201);
    expect(a.body.openid).toBe('demo_openid_wanglihua');
    const b = await request(server).post('/wechat/__mock/login-code').send({}).expect(201);
    expect(b.body.openid).toMatch(/^mock_openid_/);
    await request(server).post('/wechat/__mock/login-code').send({ account: 'nobody' }).expect(404);
  });
});

describe('WeChat insurance userQuery mock', () => {
  it('answers pay_auth_no for the card holder and family_pay_auth_no for a relative', async () => {
    const { server, mocks, link } = setup();
    const self = mocks.state.mintAuthCode({ openid: 'demo_openid_zhangjianguo' });
    const r1 = await request(server).post(`/wechat-insurance/api/mipuserquery/userQuery/${PARTNER}`).set(headersFor()).send({ qrcode: self.authCode, openid: 'demo_openid_zhangjianguo' }).expect(200);
    expect(r1.body).toMatchObject({ code: 0, family_pay_auth_no: '', user_name: '张建国', user_card_no: '640104196803150131' });
    expect(r1.body.pay_auth_no).toMatch(/^AUTH640100\d{21}$/);
    expect(link.grants.get(r1.body.pay_auth_no)).toMatchObject({ psnNo: '64010000000000012301', family: false, openid: 'demo_openid_zhangjianguo' });

    const fam = mocks.state.mintAuthCode({ openid: 'demo_openid_zhangjianguo', person: 'li', family: true });
    const r2 = await request(server).post(`/wechat-insurance/api/mipuserquery/userQuery/${PARTNER}`).set(headersFor()).send({ qrcode: fam.authCode, openid: 'demo_openid_zhangjianguo' }).expect(200);
    expect(r2.body).toMatchObject({ code: 0, pay_auth_no: '', user_name: '张建国' });
    // The holder (张建国) authorizes for the family member (李秀英).
    expect(link.grants.get(r2.body.family_pay_auth_no)).toMatchObject({ psnNo: '64010000000000012301', forPsnNo: '64010000000000012302', family: true });
    expect(() => mocks.state.mintAuthCode({ openid: 'demo_openid_wanglihua', person: 'li', family: true })).toThrow(/family link/);
  });

  it('refuses bad HMAC, stale timestamps, replayed request ids, used/expired/foreign codes and non-activated vouchers', async () => {
    const { server, mocks } = setup();
    const path = `/wechat-insurance/api/mipuserquery/userQuery/${PARTNER}`;
    const code = () => mocks.state.mintAuthCode({ openid: 'demo_openid_zhangjianguo' }).authCode;
    const c1 = code();
    const badSig = await request(server).post(path).set(headersFor(String(Date.now()), 'wrong-secret')).send({ qrcode: c1, openid: 'demo_openid_zhangjianguo' });
    expect([badSig.status, badSig.body.code]).toEqual([401, USER_QUERY_CODES.SIGNATURE_INVALID]);
    const stale = await request(server).post(path).set(headersFor(String(Date.now() - 10 * 60_000))).send({ qrcode: c1, openid: 'demo_openid_zhangjianguo' });
    expect([stale.status, stale.body.code]).toEqual([401, USER_QUERY_CODES.TIMESTAMP_EXPIRED]);
    const h = headersFor();
    await request(server).post(path).set(h).send({ qrcode: c1, openid: 'demo_openid_zhangjianguo' }).expect(200);
    const replay = await request(server).post(path).set(h).send({ qrcode: c1, openid: 'demo_openid_zhangjianguo' });
    expect(replay.body.code).toBe(USER_QUERY_CODES.REQUEST_REPLAYED);
    const used = await request(server).post(path).set(headersFor()).send({ qrcode: c1, openid: 'demo_openid_zhangjianguo' });
    expect(used.body.code).toBe(USER_QUERY_CODES.AUTH_CODE_USED);
    const foreign = await request(server).post(path).set(headersFor()).send({ qrcode: code(), openid: 'demo_openid_wanglihua' });
    expect(foreign.body.code).toBe(USER_QUERY_CODES.OPENID_MISMATCH);
    const c2 = code();
    mocks.state.authCodes.get(c2)!.expiresAt = Date.now() - 1;
    expect((await request(server).post(path).set(headersFor()).send({ qrcode: c2, openid: 'demo_openid_zhangjianguo' })).body.code).toBe(USER_QUERY_CODES.AUTH_CODE_EXPIRED);
    const liu = mocks.state.mintAuthCode({ openid: 'demo_openid_liuzhiqiang' }).authCode;
    expect((await request(server).post(path).set(headersFor()).send({ qrcode: liu, openid: 'demo_openid_liuzhiqiang' })).body.code).toBe(USER_QUERY_CODES.VOUCHER_NOT_ACTIVATED);
    // A child without an activated voucher is paid for through the guardian's family authorization.
    const child = mocks.state.mintAuthCode({ openid: 'demo_openid_zhangjianguo', person: 'zhangzh', family: true }).authCode;
    const childAuth = await request(server).post(path).set(headersFor()).send({ qrcode: child, openid: 'demo_openid_zhangjianguo' });
    expect(childAuth.body).toMatchObject({ code: 0, pay_auth_no: '', user_name: '张建国' });
    expect(childAuth.body.family_pay_auth_no).toMatch(/^AUTH/);
    await request(server).post('/wechat-insurance/api/mipuserquery/userQuery/other').set(headersFor()).send({ qrcode: code(), openid: 'x' }).expect(403);
  });

  it('mints auth codes over HTTP and applies platform_error faults', async () => {
    const { server, faults } = setup();
    const minted = await request(server).post('/wechat-insurance/__mock/auth-code').send({ openid: 'demo_openid_wanglihua' }).expect(201);
    expect(minted.body.authCode).toMatch(/^\d{18}$/);
    await request(server).post('/wechat-insurance/__mock/auth-code').send({ openid: 'x' }).expect(400);
    faults.add({ platform: 'wechat-insurance', kind: 'platform_error', params: { code: 50001, message: 'busy' }, times: 1 });
    const r = await request(server).post(`/wechat-insurance/api/mipuserquery/userQuery/${PARTNER}`).set(headersFor()).send({ qrcode: minted.body.authCode, openid: 'demo_openid_wanglihua' });
    expect(r.body).toEqual({ code: 50001, message: 'busy' });
    const ok = await request(server).post(`/wechat-insurance/api/mipuserquery/userQuery/${PARTNER}`).set(headersFor()).send({ qrcode: minted.body.authCode, openid: 'demo_openid_wanglihua' });
    expect(ok.body.code).toBe(0);
  });
});
