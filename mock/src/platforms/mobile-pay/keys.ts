/**
 * Demo keys for the mobile-pay center: one appSecret shared by both sides, the institution's SM2
 * key pair (BFF signs with the private key, the mock verifies with the public key) and the
 * platform's SM2 key pair (the mock signs answers and 6302 notifies, the BFF verifies).
 * Registered in DEMO_KEY_GENERATORS; `npm start` keeps them in .data/ (never in git).
 */
import { randomBytes } from 'node:crypto';
import { sm2GenerateKeyPair } from '@ih/crypto';

export function generateMobilePayDemoKeys(): Record<string, string> {
  const org = sm2GenerateKeyPair();
  const platform = sm2GenerateKeyPair();
  const appSecret = randomBytes(16).toString('hex').toUpperCase();
  return {
    MOBILE_PAY_APP_SECRET: appSecret,
    MOBILE_PAY_ORG_PRIVATE_KEY: org.privateKey,
    MOBILE_PAY_PLATFORM_PUBLIC_KEY: platform.publicKey,
    MOCK_MOBILE_PAY_APP_SECRET: appSecret,
    MOCK_MOBILE_PAY_ORG_PUBLIC_KEY: org.publicKey,
    MOCK_MOBILE_PAY_PLATFORM_PRIVATE_KEY: platform.privateKey,
  };
}
