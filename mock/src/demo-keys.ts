/**
 * Demo key material for the mocks and the BFF, generated at first `npm start` into .data/
 * (git-ignored) and handed to both processes as environment variables. Tests generate their own.
 *
 * Each outside platform that signs or encrypts registers one generator here. A generator returns
 * environment variables: the BFF's side (e.g. MOBILE_PAY_ORG_PRIVATE_KEY) and the mock's side
 * (prefixed MOCK_, e.g. MOCK_MOBILE_PAY_PLATFORM_PRIVATE_KEY). Real deployments set the BFF's
 * variables from the platform's real credentials and never run the mocks.
 */
import { generateWechatDemoKeys } from './platforms/wechat/keys';
import { generateWechatPayDemoKeys } from './platforms/wechat-pay/keys';
import { generateMobilePayDemoKeys } from './platforms/mobile-pay/keys';
import { generateAlipayDemoKeys } from './platforms/alipay/keys';
import { generateNationalAppDemoKeys } from './platforms/national-app/keys';
import { generateHisDemoKeys } from './platforms/his/keys';
import { generateAgencyDemoKeys } from './platforms/agency/keys';

export type DemoKeyGenerator = () => Record<string, string>;

/** platform name → generator. Add one line per platform (see platforms/<name>/keys.ts). */
export const DEMO_KEY_GENERATORS: Record<string, DemoKeyGenerator> = {
  wechat: generateWechatDemoKeys,
  'wechat-pay': generateWechatPayDemoKeys,
  'mobile-pay': generateMobilePayDemoKeys,
  alipay: generateAlipayDemoKeys,
  'national-app': generateNationalAppDemoKeys,
  his: generateHisDemoKeys,
  'insurance-agency': generateAgencyDemoKeys,
};

/**
 * Fills in the variables of every platform missing from `existing` (keeps what is there, so the
 * keys stay stable across restarts) and returns the complete set.
 */
export function completeDemoKeys(existing: Record<string, Record<string, string>>): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = { ...existing };
  for (const [platform, generate] of Object.entries(DEMO_KEY_GENERATORS)) {
    const fresh = generate();
    const have = out[platform];
    // A platform that gained variables since its keys were written gets a whole new set
    // (its keys belong together: a key pair is never half replaced).
    if (!have || Object.keys(fresh).some((k) => !(k in have))) out[platform] = fresh;
  }
  return out;
}

/** All platforms' variables as one environment. */
export function demoKeyEnv(keys: Record<string, Record<string, string>>): Record<string, string> {
  return Object.assign({}, ...Object.values(keys)) as Record<string, string>;
}
