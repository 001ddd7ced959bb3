/**
 * Every outside platform the BFF talks to has its mock here: one module per platform under
 * platforms/<name>/ exporting a MockPlatform (routes, state, reset) and, when it signs or
 * encrypts, a demo key generator registered in DEMO_KEY_GENERATORS.
 */
import type { MockPlatform } from './app';
import { DEMO_KEY_GENERATORS, completeDemoKeys, demoKeyEnv } from './demo-keys';
import { wechatFamily } from './platforms/wechat/register';
import { createMobilePayMock, mobilePayOptionsFromEnv } from './platforms/mobile-pay';
import { insuranceCenterLink } from './platforms/mobile-pay/link';
import { alipayMockFromEnv } from './platforms/alipay';
import type { PayAuthIssuer } from './platforms/alipay/pay-auth';
import { nationalAppMockFromEnv } from './platforms/national-app';
import { hisMockFromEnv } from './platforms/his';
import { agencyMockFromEnv } from './platforms/agency';

export { DEMO_KEY_GENERATORS, completeDemoKeys, demoKeyEnv };

/** Builds every platform mock from the environment (keys, ids) — see each platform's README block. */
export function allPlatforms(env: NodeJS.ProcessEnv = process.env): MockPlatform[] {
  const platforms: MockPlatform[] = [];
  // WeChat login, WeChat insurance authorization, WeChat Pay (one shared insurance-center link;
  // pass the mobile-pay center mock's link as the second argument once it is mounted here).
  // National insurance mobile-pay center (needs its demo keys: MOCK_MOBILE_PAY_*); it owns the
  // insured persons, pay_auth_no and pay orders the channel mocks use.
  const mobilePayOptions = mobilePayOptionsFromEnv(env);
  const mobilePay = mobilePayOptions ? createMobilePayMock(mobilePayOptions) : undefined;
  if (mobilePay) platforms.push(mobilePay);
  platforms.push(...wechatFamily(env, mobilePay ? insuranceCenterLink(mobilePay.state) : undefined).platforms);
  // Alipay (gateway + insurance authorization + trades) and the national insurance APP (auth page,
  // code exchange, cashier): their pay_auth_no come from the mobile-pay center mock when mounted.
  const centerLink = mobilePay ? insuranceCenterLink(mobilePay.state) : undefined;
  const payAuth: PayAuthIssuer | undefined = mobilePay
    ? {
        issuePayAuthNo: (psnNo, o) => mobilePay.state.issuePayAuthNo(psnNo, o),
        // The user confirming an insurance order in the Alipay / national APP cashier (INF).
        settlePayOrder: (payOrdId) => centerLink!.settlePayOrder?.(payOrdId),
        getPayOrder: (payOrdId) => centerLink!.getPayOrder?.(payOrdId),
      }
    : undefined;
  const alipay = alipayMockFromEnv(env, payAuth);
  if (alipay) platforms.push(alipay);
  const nationalApp = nationalAppMockFromEnv(env, payAuth);
  if (nationalApp) platforms.push(nationalApp);
  // Hospital HIS (offline visits, prices).
  const his = hisMockFromEnv(env);
  if (his) platforms.push(his);
  // 医保经办机构 (self-service applications, person queries, filing cancellation).
  const agency = agencyMockFromEnv(env);
  if (agency) platforms.push(agency);
  return platforms;
}
