/**
 * Demo keys for Alipay: the app's RSA2 key pair (the BFF signs with the private key, the mock
 * verifies with the public key) and "Alipay's" key pair (the mock signs answers and notifications,
 * the BFF verifies with ALIPAY_PUBLIC_KEY).
 */
import { randomBytes } from 'node:crypto';
import { generateRsaKeyPair } from './rsa';

export function generateAlipayDemoKeys(): Record<string, string> {
  const app = generateRsaKeyPair();
  const platform = generateRsaKeyPair();
  // Real codes are Base64-like (with / + =): keep that shape so URL/JSON encoding is exercised.
  const chnlCrtfCode = randomBytes(24).toString('base64');
  return {
    ALIPAY_MEDICAL_ORG_CHNL_CRTF_CODE: chnlCrtfCode,
    MOCK_ALIPAY_MEDICAL_ORG_CHNL_CRTF_CODE: chnlCrtfCode,
    ALIPAY_APP_PRIVATE_KEY: app.privateKey,
    ALIPAY_PUBLIC_KEY: platform.publicKey,
    MOCK_ALIPAY_APP_PUBLIC_KEY: app.publicKey,
    MOCK_ALIPAY_PLATFORM_PRIVATE_KEY: platform.privateKey,
  };
}
