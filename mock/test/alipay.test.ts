/**
 * The Alipay mock at the wire level (no SDK): gateway checks in the order Alipay applies them,
 * answers signed over their exact JSON text, notifications signed without sign/sign_type and
 * retried until "success", the admin/minting API, and the wiring to the mobile-pay center mock.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { createMockApp } from '../src/app';
import { allPlatforms, completeDemoKeys, demoKeyEnv } from '../src/platforms';
import { createAlipayMock, type AlipayMock } from '../src/platforms/alipay';
import { generateAlipayDemoKeys } from '../src/platforms/alipay/keys';
import { generateRsaKeyPair, parsePrivateKey, parsePublicKey, rsa2Sign, rsa2Verify, signContent } from '../src/platforms/alipay/rsa';
import { beijingDateTime } from '../src/platforms/alipay/support';
import type { MobilePayMock } from '../src/platforms/mobile-pay';

const APP_ID = '2021000000000001';
const keys = generateAlipayDemoKeys();
const appKey = parsePrivateKey(keys.ALIPAY_APP_PRIVATE_KEY!);
const alipayPub = parsePublicKey(keys.ALIPAY_PUBLIC_KEY!);

function signed(params: Record<string, string>, key = appKey): Record<string, string> {
  const all = { app_id: APP_ID, charset: 'utf-8', sign_type: 'RSA2', timestamp: beijingDateTime(), version: '1.0', ...params };
  return { ...all, sign: rsa2Sign(signContent(all, ['sign']), key) };
}

function newMock(): { mock: AlipayMock; server: ReturnType<ReturnType<typeof createMockApp>['app']['callback']> } {
  const mock = createAlipayMock({ appId: APP_ID, appPublicKey: keys.MOCK_ALIPAY_APP_PUBLIC_KEY!, platformPrivateKey: keys.MOCK_ALIPAY_PLATFORM_PRIVATE_KEY!, medical: { orgAppId: 'o', orgChnlCrtfCode: 'c' }, notifyRetryDelaysMs: [50, 50] });
  const { app } = createMockApp({ platforms: [mock] });
  return { mock, server: app.callback() };
}

/** The answer object, after checking its signature over the exact text. */
function verified(text: string, key: string): Record<string, string> {
  const m = new RegExp(`^\\{"${key}":(\\{.*\\}),"sign":"([^"]+)"\\}$`).exec(text);
  expect(m).not.toBeNull();
  expect(rsa2Verify(m![1]!, m![2]!, alipayPub)).toBe(true);
  return JSON.parse(m![1]!) as Record<string, string>;
}

describe('Alipay gateway checks', () => {
  const { server } = newMock();
  const post = (params: Record<string, string>) => request(server).post('/alipay/gateway.do').type('form').send(params);

  it('refuses missing method / unknown method in error_response', async () => {
    expect(verified((await post({ app_id: APP_ID })).text, 'error_response')).toMatchObject({ code: '40001', sub_code: 'isv.missing-method' });
    expect(verified((await post(signed({ method: 'alipay.no.such' }))).text, 'error_response')).toMatchObject({ code: '40002', sub_code: 'isv.invalid-method' });
  });

  it.each([
    ['wrong app_id', { app_id: '2021000000009999' }, 'isv.invalid-app-id'],
    ['RSA instead of RSA2', { sign_type: 'RSA' }, 'isv.invalid-signature-type'],
    ['stale timestamp', { timestamp: beijingDateTime(Date.now() - 20 * 60_000) }, 'isv.invalid-timestamp'],
    ['UTC instead of Beijing time', { timestamp: new Date().toISOString().slice(0, 19).replace('T', ' ') }, 'isv.invalid-timestamp'],
    ['wrong version', { version: '2.0' }, 'isv.invalid-version'],
  ])('refuses %s', async (_name, override, sub) => {
    const res = await post(signed({ method: 'alipay.trade.query', biz_content: '{"out_trade_no":"X"}', ...override }));
    expect(verified(res.text, 'alipay_trade_query_response')).toMatchObject({ sub_code: sub });
  });

  it('refuses a missing or wrong signature, and a tampered parameter', async () => {
    const p = signed({ method: 'alipay.trade.query', biz_content: '{"out_trade_no":"X"}' });
    const { sign: _s, ...unsigned } = p;
    expect(verified((await post(unsigned)).text, 'alipay_trade_query_response')).toMatchObject({ code: '40001', sub_code: 'isv.missing-signature' });
    const other = parsePrivateKey(generateRsaKeyPair().privateKey);
    expect(verified((await post(signed({ method: 'alipay.trade.query', biz_content: '{"out_trade_no":"X"}' }, other))).text, 'alipay_trade_query_response')).toMatchObject({ code: '40002', sub_code: 'isv.invalid-signature' });
    expect(verified((await post({ ...p, biz_content: '{"out_trade_no":"Y"}' })).text, 'alipay_trade_query_response')).toMatchObject({ sub_code: 'isv.invalid-signature' });
  });

  it('accepts system parameters in the query string and biz_content in the body (as the SDK sends them)', async () => {
    const p = signed({ method: 'alipay.trade.query', biz_content: '{"out_trade_no":"X"}' });
    const { biz_content, ...urlParams } = p;
    const res = await request(server).post(`/alipay/gateway.do?${new URLSearchParams(urlParams)}`).type('form').send({ biz_content });
    expect(verified(res.text, 'alipay_trade_query_response')).toMatchObject({ code: '40004', sub_code: 'ACQ.TRADE_NOT_EXIST', sub_msg: '交易不存在' });
  });

  it('refuses biz_content that is not a JSON object', async () => {
    const res = await post(signed({ method: 'alipay.trade.query', biz_content: '[1]' }));
    expect(verified(res.text, 'alipay_trade_query_response')).toMatchObject({ code: '40002' });
  });
});

describe('trades and notifications at the wire level', () => {
  it('create → pay → notification signed without sign/sign_type, retried until "success"', async () => {
    const { mock, server } = newMock();
    let calls = 0;
    const bodies: string[] = [];
    const merchant = createServer((req, res) => {
      let b = '';
      req.on('data', (c) => (b += c));
      req.on('end', () => {
        bodies.push(b);
        calls += 1;
        res.end(calls < 2 ? 'fail' : 'success');
      });
    }).listen(0, '127.0.0.1');
    await new Promise((r) => merchant.once('listening', r));
    const notifyUrl = `http://127.0.0.1:${(merchant.address() as AddressInfo).port}/n`;
    try {
      const created = verified((await request(server).post('/alipay/gateway.do').type('form').send(signed({ method: 'alipay.trade.create', notify_url: notifyUrl, biz_content: JSON.stringify({ out_trade_no: 'W1', total_amount: '0.10', subject: '诊查费', buyer_id: '2088102000000001' }) }))).text, 'alipay_trade_create_response');
      expect(created).toMatchObject({ code: '10000', out_trade_no: 'W1' });
      await request(server).post('/alipay/__mock/trades/W1/pay').expect(200);
      await request(server).post('/alipay/__mock/trades/W1/pay').expect(409);
      await mock.notifier.whenIdle();
      expect(calls).toBe(2);
      expect(bodies[0]).toBe(bodies[1]); // a retry resends the same notification
      const params = Object.fromEntries(new URLSearchParams(bodies[0]!));
      expect(params).toMatchObject({ notify_type: 'trade_status_sync', trade_status: 'TRADE_SUCCESS', total_amount: '0.10', out_trade_no: 'W1', sign_type: 'RSA2' });
      expect(rsa2Verify(signContent(params, ['sign', 'sign_type']), params.sign!, alipayPub)).toBe(true);
      expect(mock.notifier.deliveries().map((d) => d.acked)).toEqual([false, true]);
    } finally {
      merchant.close();
    }
  });

  it('admin API: users, auth codes by account, trades listing', async () => {
    const { server } = newMock();
    const users = (await request(server).get('/alipay/__mock/users').expect(200)).body as { alipayUserId: string; name: string }[];
    expect(users.find((u) => u.alipayUserId === '2088102000000001')?.name).toBe('张*国');
    const minted = await request(server).post('/alipay/__mock/auth-codes').send({ account: 'u_wang' }).expect(201);
    expect(minted.body.authCode).toMatch(/^ac/);
    await request(server).post('/alipay/__mock/auth-codes').send({}).expect(400);
    await request(server).post('/alipay/__mock/medical-auth').send({ alipayUserId: '2088102000000001', reqBizNo: 'R1', person: 'zhangzh' }).expect(400);
    expect((await request(server).post('/alipay/__mock/medical-auth').send({ alipayUserId: '2088102000000001', reqBizNo: 'R1', person: 'li' }).expect(200)).body).toEqual({ reqBizNo: 'R1', status: 'AUTHORIZED', person: 'li' });
    expect((await request(server).get('/alipay/__mock/trades').expect(200)).body).toEqual([]);
  });

  it('the authorize page escapes what it shows', async () => {
    const { mock, server } = newMock();
    const { authCode } = mock.mintAuthCode('2088102000000001');
    const tok = verified((await request(server).post('/alipay/gateway.do').type('form').send(signed({ method: 'alipay.system.oauth.token', grant_type: 'authorization_code', code: authCode }))).text, 'alipay_system_oauth_token_response');
    const q = verified((await request(server).post('/alipay/gateway.do').type('form').send(signed({ method: 'alipay.commerce.medical.authinfo.auth.query', auth_token: tok.access_token!, biz_content: JSON.stringify({ alipay_user_id: '2088102000000001', ol_biz_type_code: '04107', org_app_id: 'o', org_chnl_crtf_code: 'c', org_code: 'H1', req_biz_no: '"><script>x</script>', call_url: 'javascript:alert(1)' }) }))).text, 'alipay_commerce_medical_authinfo_auth_query_response') as unknown as { data: { auth_url: string; auth_stas: string } };
    expect(q.data.auth_stas).toBe('0');
    const page = await request(server).get(new URL(q.data.auth_url).pathname + new URL(q.data.auth_url).search).expect(200);
    expect(page.text).not.toContain('<script>x');
    // a javascript: call_url is never used as a redirect
    const ticket = /name="ticket" value="([^"]+)"/.exec(page.text)![1]!;
    const done = await request(server).post('/alipay/medical/authorize').type('form').send({ ticket, action: 'agree' }).expect(200);
    expect(done.text).toContain('授权成功');
  });
});

describe('wiring with the mobile-pay center mock', () => {
  it('allPlatforms mounts alipay, national-app and his with demo keys; pay_auth_no comes from the center (family → holder + relative)', async () => {
    const env = demoKeyEnv(completeDemoKeys({})) as NodeJS.ProcessEnv;
    const platforms = allPlatforms(env);
    const names = platforms.map((p) => p.name);
    expect(names).toEqual(expect.arrayContaining(['alipay', 'national-app', 'his', 'mobile-pay']));
    expect(allPlatforms({} as NodeJS.ProcessEnv).map((p) => p.name)).not.toContain('alipay');
    const alipay = platforms.find((p) => p.name === 'alipay') as AlipayMock;
    const center = platforms.find((p) => p.name === 'mobile-pay') as MobilePayMock;
    const { app } = createMockApp({ platforms });
    const server = app.callback();
    const appKey2 = parsePrivateKey(env.ALIPAY_APP_PRIVATE_KEY!);
    const pub2 = parsePublicKey(env.ALIPAY_PUBLIC_KEY!);
    const call = async (params: Record<string, string>, key: string) => {
      const all = { app_id: env.ALIPAY_APP_ID ?? APP_ID, charset: 'utf-8', sign_type: 'RSA2', timestamp: beijingDateTime(), version: '1.0', ...params };
      const res = await request(server).post('/alipay/gateway.do').type('form').send({ ...all, sign: rsa2Sign(signContent(all, ['sign']), appKey2) });
      const m = new RegExp(`^\\{"${key}":(\\{.*\\}),"sign":"([^"]+)"\\}$`).exec(res.text)!;
      expect(rsa2Verify(m[1]!, m[2]!, pub2)).toBe(true);
      return JSON.parse(m[1]!) as Record<string, unknown>;
    };
    const tok = await call({ method: 'alipay.system.oauth.token', grant_type: 'authorization_code', code: alipay.mintAuthCode('2088102000000001').authCode }, 'alipay_system_oauth_token_response');
    alipay.authorizeMedical({ alipayUserId: '2088102000000001', reqBizNo: 'W-F', personKey: 'li' });
    const biz = { alipay_user_id: '2088102000000001', ol_biz_type_code: '04107', org_app_id: 'mock_alipay_medical_org_app_id', org_chnl_crtf_code: env.ALIPAY_MEDICAL_ORG_CHNL_CRTF_CODE!, org_code: 'H00000000001', req_biz_no: 'W-F' };
    const q = (await call({ method: 'alipay.commerce.medical.authinfo.auth.query', auth_token: tok.access_token as string, biz_content: JSON.stringify(biz) }, 'alipay_commerce_medical_authinfo_auth_query_response')) as { data: { pay_auth_no: string; rels_pay_flag: string } };
    expect(q.data.rels_pay_flag).toBe('1');
    const info = center.state.describePayAuthNo(q.data.pay_auth_no);
    expect(info).toMatchObject({ psnNo: '64010000000000012301', family: true });
  });
});
