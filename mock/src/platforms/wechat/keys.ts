/**
 * Demo secrets for the WeChat mocks (login appsecret, insurance partnerSecret): the BFF's
 * variables and the mock's (MOCK_…) carry the same value. Registered in DEMO_KEY_GENERATORS.
 */
import { randomBytes } from 'node:crypto';

export function generateWechatDemoKeys(): Record<string, string> {
  const appSecret = randomBytes(16).toString('hex');
  const partnerSecret = randomBytes(16).toString('hex');
  // The WeChat channel's 机构渠道认证编码 (only the BFF uses it: on the auth mini-program's path).
  // Real codes are Base64-like with / + =, which must reach the mini-program unencoded.
  const orgChnlCrtfCodg = `${randomBytes(18).toString('base64')}/+=`;
  return {
    WECHAT_INSURANCE_ORG_CHNL_CRTF_CODG: orgChnlCrtfCodg,
    WECHAT_APP_SECRET: appSecret,
    MOCK_WECHAT_APP_SECRET: appSecret,
    WECHAT_INSURANCE_PARTNER_SECRET: partnerSecret,
    MOCK_WECHAT_INSURANCE_PARTNER_SECRET: partnerSecret,
  };
}
