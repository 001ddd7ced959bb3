/**
 * Demo wiring, end to end: the demo key registry (what `npm start` generates) feeds both the mocks
 * (allPlatforms) and the BFF's validated config; the clients built from config then work against
 * the mocks — Alipay (pay_auth_no minted by the mobile-pay center mock), national APP, HIS.
 */
import { completeDemoKeys, demoKeyEnv, allPlatforms } from '../../../mock/src/platforms';
import type { AlipayMock } from '../../../mock/src/platforms/alipay';
import type { NationalAppMock } from '../../../mock/src/platforms/national-app';
import type { MobilePayMock } from '../../../mock/src/platforms/mobile-pay';
import { ConfigError, loadConfig } from '../../src/config';
import { alipayClientFromConfig } from '../../src/platforms/alipay';
import { nationalAppClientFromConfig, NationalAppClient } from '../../src/platforms/national-app';
import { hisClientFromConfig } from '../../src/platforms/his';
import { testConfig } from '../helpers';
import { startMock, type RunningMock } from './alipay-helpers';

const demoEnv = demoKeyEnv(completeDemoKeys({}));
let running: RunningMock;
let platforms: ReturnType<typeof allPlatforms>;

beforeAll(async () => {
  platforms = allPlatforms(demoEnv as NodeJS.ProcessEnv);
  running = await startMock(platforms);
});
afterAll(() => running.close());

const config = () => testConfig({ ...demoEnv, MOCK_BASE_URL: running.baseUrl, PLATFORM_TIMEOUT_MS: '3000' });

it('Alipay from config: login, insurance authorization with a center-issued pay_auth_no', async () => {
  const client = alipayClientFromConfig(config());
  const mock = platforms.find((p) => p.name === 'alipay') as AlipayMock;
  const center = platforms.find((p) => p.name === 'mobile-pay') as MobilePayMock;
  const token = await client.exchangeAuthCode(mock.mintAuthCode('2088102000000002').authCode);
  mock.authorizeMedical({ alipayUserId: token.userId, reqBizNo: 'WIRE-1' });
  const auth = await client.queryMedicalAuth({ alipayUserId: token.userId, accessToken: token.accessToken, reqBizNo: 'WIRE-1' });
  expect(auth).toMatchObject({ authorized: true, family: false, insuOrg: '640300' });
  expect(center.state.describePayAuthNo((auth as { payAuthNo: string }).payAuthNo)).toMatchObject({ psnNo: '64030000000000045601' });
});

it('national APP from config: code exchange', async () => {
  const client = nationalAppClientFromConfig(config());
  const mock = platforms.find((p) => p.name === 'national-app') as NationalAppMock;
  const url = new URL(client.buildAuthorizeUrl({ redirectUrl: 'https://h5.example.com/r', state: NationalAppClient.newState() }));
  expect(url.origin).toBe(running.baseUrl);
  const code = mock.mintAuthCode({ signedIn: 'ma', orgCodg: url.searchParams.get('orgCodg')! });
  const auth = await client.exchangeAuthCode(code);
  expect(auth.person).toMatchObject({ name: '马海燕', insuplcAdmdvs: '640400' });
  expect(auth.payAuthNo).toMatch(/^AUTH640400/);
});

it('HIS from config: visits', async () => {
  const client = hisClientFromConfig(config());
  const visits = await client.findVisits({ person: { idNo: '640202198501270172' } });
  expect(visits.items.map((v) => v.visitNo)).toEqual(['MZ-DEMO-0009']);
});

it('without the secrets the factories refuse clearly; bad keys are refused by the config', () => {
  const bare = testConfig({});
  expect(() => alipayClientFromConfig(bare)).toThrow(/ALIPAY_APP_PRIVATE_KEY/);
  expect(() => nationalAppClientFromConfig(bare)).toThrow(/NATIONAL_APP_APP_SECRET/);
  expect(() => hisClientFromConfig(bare)).toThrow(/HIS_APP_SECRET/);
  let err: unknown;
  try {
    testConfig({ ALIPAY_PUBLIC_KEY: 'bm90IGEga2V5', NATIONAL_APP_ORG_PRIVATE_KEY: 'xyz', HIS_APP_SECRET: 'short' });
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(ConfigError);
  const vars = (err as ConfigError).issues.map((i) => i.variable).sort();
  expect(vars).toEqual(['ALIPAY_PUBLIC_KEY', 'HIS_APP_SECRET', 'NATIONAL_APP_ORG_PRIVATE_KEY']);
  expect((err as ConfigError).message).not.toContain('bm90IGEga2V5');
});

it('production requires every Alipay / national APP / HIS credential', () => {
  let err: unknown;
  try {
    loadConfig({ NODE_ENV: 'production' });
  } catch (e) {
    err = e;
  }
  const vars = (err as ConfigError).issues.map((i) => i.variable);
  for (const v of ['ALIPAY_APP_PRIVATE_KEY', 'ALIPAY_PUBLIC_KEY', 'ALIPAY_MEDICAL_ORG_CHNL_CRTF_CODE', 'ALIPAY_MEDICAL_ORG_APP_ID', 'NATIONAL_APP_ORG_APP_ID', 'NATIONAL_APP_ORG_CHNL_CRTF_CODG', 'NATIONAL_APP_APP_SECRET', 'NATIONAL_APP_ORG_PRIVATE_KEY', 'NATIONAL_APP_PLATFORM_PUBLIC_KEY', 'HIS_APP_ID', 'HIS_APP_SECRET']) {
    expect(vars).toContain(v);
  }
});
