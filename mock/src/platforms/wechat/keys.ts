/**
 * Demo secrets for the WeChat mocks (login appsecret, insurance partnerSecret): the BFF's
 * variables and the mock's (MOCK_…) carry the same value. Registered in DEMO_KEY_GENERATORS.
 */
import { randomBytes } from 'node:crypto';

export function generateWechatDemoKeys(): Record<string, string> {
  const appSecret = randomBytes(16).toString('hex');
  const partnerSecret = randomBytes(16).toString('hex');
  return {
    WECHAT_APP_SECRET: appSecret,
    MOCK_WECHAT_APP_SECRET: appSecret,
    WECHAT_INSURANCE_PARTNER_SECRET: partnerSecret,
    MOCK_WECHAT_INSURANCE_PARTNER_SECRET: partnerSecret,
  };
}
