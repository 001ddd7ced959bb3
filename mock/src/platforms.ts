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
  return platforms;
}
