/**
 * The demo wiring end to end: the WeChat mocks built from the demo-key environment (as `npm start`
 * does) and the BFF's clients built from the validated configuration talk to each other.
 */
import { isErrorCode } from '@ih/contract';
import { USER_CODES, wechatClientFromConfig } from '../../src/platforms/wechat';
import { mixedOrderAmounts, WECHAT_PAY_USER_CODES, wechatPayClientFromConfig } from '../../src/platforms/wechat-pay';
import { wechatFamily } from '../../../mock/src/platforms/wechat/register';
import { generateWechatDemoKeys } from '../../../mock/src/platforms/wechat/keys';
import { generateWechatPayDemoKeys } from '../../../mock/src/platforms/wechat-pay/keys';
import { DEMO_KEY_GENERATORS } from '../../../mock/src/platforms';
import { testConfig } from '../helpers';
import { startMocks, startReceiver, waitFor, type RunningMocks } from './wechat-helpers';

const env = { ...generateWechatDemoKeys(), ...generateWechatPayDemoKeys() };
let running: RunningMocks;
let family: ReturnType<typeof wechatFamily>;
let receiver: Awaited<ReturnType<typeof startReceiver>>;

beforeAll(async () => {
  family = wechatFamily(env);
  running = await startMocks(family.platforms);
  receiver = await startReceiver(async () => 204);
});
afterAll(async () => {
  await family.wechatPay?.state.notifier?.idle();
  await receiver.close();
  await running.close();
});

describe('WeChat demo wiring (config → clients → mocks)', () => {
  it('maps every typed error to a contract error code with a Chinese message', () => {
    for (const code of [...Object.values(USER_CODES), ...Object.values(WECHAT_PAY_USER_CODES), 'PAYMENT_AMOUNT_MISMATCH']) expect([code, isErrorCode(code)]).toEqual([code, true]);
  });

  it('registers demo key generators for both platforms', () => {
    expect(Object.keys(DEMO_KEY_GENERATORS)).toEqual(expect.arrayContaining(['wechat', 'wechat-pay']));
    for (const k of Object.keys(env)) expect(env[k]).toBeTruthy();
  });

  it('logs in, authorizes and pays an insurance-only order with the default configuration', async () => {
    const bffEnv = Object.fromEntries(Object.entries(env).filter(([k]) => !k.startsWith('MOCK_')));
    const config = testConfig({ ...bffEnv, MOCK_BASE_URL: running.baseUrl });
    expect(config.platforms.wechatPay.callbackMaxAgeSeconds).toBe(300);
    const wechat = wechatClientFromConfig(config);
    const pay = wechatPayClientFromConfig(config);

    const openid = 'demo_openid_wanglihua';
    const session = await wechat.code2session(family.wechat.state.mintLoginCode(openid).code);
    expect(session.openid).toBe(openid);
    const auth = await wechat.userQuery({ authCode: family.wechat.state.mintAuthCode({ openid }).authCode, openid });
    expect(auth.payAuthNo).toMatch(/^AUTH640300/);

    const amounts = mixedOrderAmounts({ fundPay: 4200, psnAcctPay: 0, ownPayAmt: 0 });
    const { order } = await pay.createMedInsOrder({
      mixPayType: 'INSURANCE_ONLY',
      orderType: 'INT_RE_DIAG_PAY',
      openid,
      payer: auth.holder,
      outTradeNo: `IHCFG${Date.now()}`,
      serialNo: 'MZCFG0001',
      payOrderId: 'ORD640300CFG0001',
      payAuthNo: auth.payAuthNo,
      geoLocation: '106.198913,37.997459',
      cityId: '640300',
      medInstName: '吴忠市人民医院',
      medInstNo: 'H64030000001',
      amounts,
      callbackUrl: receiver.url,
    });
    family.wechatPay!.state.payMixedOrder(order.mix_trade_no);
    await waitFor(() => receiver.received.length > 0);
    expect((await pay.queryMedInsOrder({ mixTradeNo: order.mix_trade_no })).mix_pay_status).toBe('MIX_PAY_SUCCESS');
  });

  it('refuses to build the clients without their secrets', () => {
    const config = testConfig({ MOCK_BASE_URL: running.baseUrl });
    expect(() => wechatClientFromConfig(config)).toThrow(/WECHAT_APP_SECRET/);
    expect(() => wechatPayClientFromConfig(config)).toThrow(/WECHAT_PAY_MERCHANT_PRIVATE_KEY/);
  });

  // A PEM-shaped value that is not a key (built at run time: no key-looking literal in the repository).
  const FAKE_PEM = ['-----BEGIN', 'PRIVATE KEY-----\nnot-a-key\n-----END', 'PRIVATE KEY-----'].join(' ');

  it('rejects malformed WeChat Pay keys at start-up without echoing them', () => {
    let message = '';
    try {
      testConfig({ WECHAT_PAY_API_V3_KEY: 'short-apiv3-key', WECHAT_PAY_MERCHANT_PRIVATE_KEY: FAKE_PEM, WECHAT_PAY_PUBLIC_KEY_ID: 'KEY_1' });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain('WECHAT_PAY_API_V3_KEY');
    expect(message).toContain('WECHAT_PAY_MERCHANT_PRIVATE_KEY');
    expect(message).toContain('WECHAT_PAY_PUBLIC_KEY_ID');
    expect(message).not.toContain('short-apiv3-key');
    expect(message).not.toContain('not-a-key');
  });
});
