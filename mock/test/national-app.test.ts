/**
 * The national insurance APP mock at the wire level: the authorization page's parameters and
 * redirects (state kept byte for byte, HTML escaped), the code exchange envelope (sealed with
 * @ih/crypto like the BFF does), and the pay_auth_no coming from the mobile-pay center mock.
 */
import request from 'supertest';
import { openEnvelope, sealRequest } from '@ih/crypto';
import { createMockApp } from '../src/app';
import { allPlatforms, completeDemoKeys, demoKeyEnv } from '../src/platforms';
import { EXCHANGE_PATH, createNationalAppMock } from '../src/platforms/national-app';
import { generateNationalAppDemoKeys } from '../src/platforms/national-app/keys';
import type { MobilePayMock } from '../src/platforms/mobile-pay';

const CREDS = { orgAppId: 'WIRE_TEST_ORG_APP_ID_001', orgChnlCrtfCodg: 'ab/cd+ef==', orgCodg: 'H64010000001' };
const keys = generateNationalAppDemoKeys();

function setup() {
  const mock = createNationalAppMock({ ...CREDS, appSecret: keys.MOCK_NATIONAL_APP_APP_SECRET!, orgPublicKey: keys.MOCK_NATIONAL_APP_ORG_PUBLIC_KEY!, platformPrivateKey: keys.MOCK_NATIONAL_APP_PLATFORM_PRIVATE_KEY! });
  const { app } = createMockApp({ platforms: [mock], publicUrl: () => 'http://mock.test' });
  return { mock, server: app.callback() };
}

const authQuery = (over: Record<string, string> = {}) => new URLSearchParams({ ...CREDS, bizType: '04107', redirectUrl: 'https://h5.example.com/back?x=1', state: 'st"<>&\'1', ...over }).toString();

describe('authorization page', () => {
  it('escapes parameters in the HTML and returns state byte for byte', async () => {
    const { server } = setup();
    const page = await request(server).get(`/national-app/oauth/authorize?${authQuery()}`).expect(200);
    expect(page.text).not.toContain('st"<>');
    expect(page.text).toContain('st&quot;&lt;&gt;&amp;&#39;1');
    const res = await request(server).post('/national-app/oauth/authorize').type('form').send({ ...CREDS, bizType: '04107', redirectUrl: 'https://h5.example.com/back?x=1', state: 'st"<>&\'1', user: 'zhang', action: 'agree' }).expect(302);
    const back = new URL(res.headers.location!);
    expect(back.searchParams.get('state')).toBe('st"<>&\'1');
    expect(back.searchParams.get('x')).toBe('1');
    expect(back.searchParams.get('authCode')).toMatch(/^NAC[0-9a-f]{24}$/);
  });

  it.each([
    ['bizType', { bizType: '09999' }],
    ['missing state', { state: '' }],
    ['relative redirect', { redirectUrl: '/back' }],
    ['other institution channel', { orgAppId: 'SOMEONE_ELSE_APP_ID_0000' }],
  ])('refuses %s with a 400 page and no redirect', async (_n, over) => {
    const res = await request(server0()).get(`/national-app/oauth/authorize?${authQuery(over)}`);
    expect(res.status).toBe(400);
    expect(res.headers.location).toBeUndefined();
  });

  it('only self or a linked relative can be chosen', async () => {
    const { server } = setup();
    const res = await request(server).post('/national-app/oauth/authorize').type('form').send({ ...CREDS, bizType: '04107', redirectUrl: 'https://h5.example.com/b', state: 's', user: 'zhang', person: 'wang', action: 'agree' });
    expect(res.status).toBe(400);
    expect(res.text).toContain('只能为本人或亲情账户中的家人授权');
  });
});

function server0() {
  return setup().server;
}

describe('code exchange envelope', () => {
  const sealOpts = { appId: CREDS.orgAppId, appSecret: keys.NATIONAL_APP_APP_SECRET!, privateKey: keys.NATIONAL_APP_ORG_PRIVATE_KEY! };
  const openOpts = { appId: CREDS.orgAppId, appSecret: keys.NATIONAL_APP_APP_SECRET!, publicKey: keys.NATIONAL_APP_PLATFORM_PUBLIC_KEY!, maxAgeMs: 60_000 };

  it('answers a signed, encrypted envelope; codes work once', async () => {
    const { mock, server } = setup();
    const code = mock.mintAuthCode({ signedIn: 'wang', orgCodg: CREDS.orgCodg });
    const body = sealRequest({ authCode: code, orgCodg: CREDS.orgCodg, orgChnlCrtfCodg: CREDS.orgChnlCrtfCodg, bizType: '04107' }, sealOpts);
    const res = await request(server).post(`/national-app${EXCHANGE_PATH}`).send(body).expect(200);
    expect(res.body.encData).toMatch(/^[0-9A-F]+$/);
    expect(JSON.stringify(res.body)).not.toContain('王丽华');
    const opened = openEnvelope<Record<string, string>>(res.body, openOpts);
    expect(opened.fields).toMatchObject({ code: '0', success: true });
    expect(opened.data).toMatchObject({ psnName: '王丽华', certno: '640302197911090669', insuplcAdmdvs: '640300', relsPayFlag: '0' });
    const again = openEnvelope<unknown>((await request(server).post(`/national-app${EXCHANGE_PATH}`).send(sealRequest({ authCode: code, orgCodg: CREDS.orgCodg, orgChnlCrtfCodg: CREDS.orgChnlCrtfCodg, bizType: '04107' }, sealOpts))).body, openOpts);
    expect(again.fields).toMatchObject({ code: '1002', success: false });
  });

  it('refuses plaintext data, a stale envelope and another appId', async () => {
    const { server } = setup();
    const plain = { ...sealRequest({ authCode: 'x' }, sealOpts), data: { authCode: 'x' } };
    expect(openEnvelope((await request(server).post(`/national-app${EXCHANGE_PATH}`).send(plain)).body, openOpts).fields.code).toBe('1003');
    const stale = sealRequest({ authCode: 'x' }, { ...sealOpts, now: () => Date.now() - 3_600_000 });
    expect(openEnvelope((await request(server).post(`/national-app${EXCHANGE_PATH}`).send(stale)).body, openOpts).fields.code).toBe('1006');
    const other = sealRequest({ authCode: 'x' }, { ...sealOpts, appId: 'ANOTHER_ORG_APP_ID_00001' });
    expect(openEnvelope((await request(server).post(`/national-app${EXCHANGE_PATH}`).send(other)).body, openOpts).fields.code).toBe('1003');
  });

  it('with the mobile-pay center mounted, the payAuthNo is the center’s (family: holder + relative)', async () => {
    const env = demoKeyEnv(completeDemoKeys({})) as NodeJS.ProcessEnv;
    const platforms = allPlatforms(env);
    const nat = platforms.find((p) => p.name === 'national-app') as ReturnType<typeof createNationalAppMock>;
    const center = platforms.find((p) => p.name === 'mobile-pay') as MobilePayMock;
    const { app } = createMockApp({ platforms });
    const orgAppId = 'mock_national_app_org_app_id';
    const code = nat.mintAuthCode({ signedIn: 'zhang', person: 'li', orgCodg: 'H00000000001' });
    const res = await request(app.callback())
      .post(`/national-app${EXCHANGE_PATH}`)
      .send(sealRequest({ authCode: code, orgCodg: 'H00000000001', orgChnlCrtfCodg: env.NATIONAL_APP_ORG_CHNL_CRTF_CODG!, bizType: '04107' }, { appId: orgAppId, appSecret: env.NATIONAL_APP_APP_SECRET!, privateKey: env.NATIONAL_APP_ORG_PRIVATE_KEY! }));
    const opened = openEnvelope<{ payAuthNo: string; relsPayFlag: string; psnName: string }>(res.body, { appId: orgAppId, appSecret: env.NATIONAL_APP_APP_SECRET!, publicKey: env.NATIONAL_APP_PLATFORM_PUBLIC_KEY! });
    expect(opened.data).toMatchObject({ relsPayFlag: '1', psnName: '李秀英' });
    expect(center.state.describePayAuthNo(opened.data.payAuthNo)).toMatchObject({ psnNo: '64010000000000012301', family: true });
  });
});
