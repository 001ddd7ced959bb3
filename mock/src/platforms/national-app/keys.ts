/**
 * Demo credentials of the national insurance APP channel (国家医保服务平台 APP, H5 inside the APP):
 * appSecret (SM4 key derivation + sign string), the institution's SM2 key pair (the BFF signs with
 * the private key) and the platform's SM2 key pair (the mock signs answers and notifies).
 */
import { randomBytes } from 'node:crypto';
import { sm2GenerateKeyPair } from '@ih/crypto';

export function generateNationalAppDemoKeys(): Record<string, string> {
  const org = sm2GenerateKeyPair();
  const platform = sm2GenerateKeyPair();
  const appSecret = randomBytes(16).toString('hex').toUpperCase();
  const chnlCrtfCodg = randomBytes(24).toString('base64');
  return {
    NATIONAL_APP_ORG_CHNL_CRTF_CODG: chnlCrtfCodg,
    MOCK_NATIONAL_APP_ORG_CHNL_CRTF_CODG: chnlCrtfCodg,
    NATIONAL_APP_APP_SECRET: appSecret,
    NATIONAL_APP_ORG_PRIVATE_KEY: org.privateKey,
    NATIONAL_APP_PLATFORM_PUBLIC_KEY: platform.publicKey,
    MOCK_NATIONAL_APP_APP_SECRET: appSecret,
    MOCK_NATIONAL_APP_ORG_PUBLIC_KEY: org.publicKey,
    MOCK_NATIONAL_APP_PLATFORM_PRIVATE_KEY: platform.privateKey,
  };
}
