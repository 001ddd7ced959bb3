/**
 * Demo key material for WeChat Pay v3, both sides:
 *   merchant API key pair   — the BFF signs requests (WECHAT_PAY_MERCHANT_PRIVATE_KEY + serial);
 *                             the mock verifies with the public half (MOCK_WECHAT_PAY_MERCHANT_PUBLIC_KEY).
 *   WeChat Pay public key   — public-key mode (id PUB_KEY_ID_…): the mock signs answers/callbacks and
 *                             decrypts payer fields with MOCK_WECHAT_PAY_PUBLIC_KEY_PRIVATE_KEY; the BFF
 *                             holds WECHAT_PAY_PUBLIC_KEY + WECHAT_PAY_PUBLIC_KEY_ID.
 *   platform certificate    — the older certificate mode (a different key pair, self-signed cert):
 *                             WECHAT_PAY_PLATFORM_CERT on the BFF, MOCK_WECHAT_PAY_PLATFORM_CERT(+_PRIVATE_KEY).
 *   APIv3 key               — 32 characters, AES-256-GCM of callbacks (same value on both sides).
 */
import { createPublicKey, generateKeyPairSync, randomBytes, randomInt } from 'node:crypto';
import { selfSignedCertificatePem } from './x509';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
function randomAlnum(n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += ALNUM[randomInt(0, ALNUM.length)];
  return s;
}
const digits = (n: number) => Array.from({ length: n }, () => randomInt(0, 10)).join('');
const serialHex = () => randomBytes(20).toString('hex').toUpperCase().replace(/^[0-7]/, '5');

function rsaPair(): { privatePem: string; publicPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

export function generateWechatPayDemoKeys(): Record<string, string> {
  const merchant = rsaPair();
  const merchantSerial = serialHex();
  const pub = rsaPair();
  const pubKeyId = `PUB_KEY_ID_01${digits(32)}`;
  const certPair = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const certSerial = serialHex();
  const certPem = selfSignedCertificatePem({
    serialHex: certSerial,
    commonName: 'Tenpay.com Root CA (mock platform certificate)',
    privateKey: certPair.privateKey,
    publicKey: certPair.publicKey,
  });
  const apiV3Key = randomAlnum(32);
  return {
    WECHAT_PAY_MERCHANT_PRIVATE_KEY: merchant.privatePem,
    WECHAT_PAY_MERCHANT_SERIAL_NO: merchantSerial,
    WECHAT_PAY_API_V3_KEY: apiV3Key,
    WECHAT_PAY_PUBLIC_KEY: pub.publicPem,
    WECHAT_PAY_PUBLIC_KEY_ID: pubKeyId,
    WECHAT_PAY_PLATFORM_CERT: certPem,
    MOCK_WECHAT_PAY_MERCHANT_PUBLIC_KEY: merchant.publicPem,
    MOCK_WECHAT_PAY_MERCHANT_SERIAL_NO: merchantSerial,
    MOCK_WECHAT_PAY_API_V3_KEY: apiV3Key,
    MOCK_WECHAT_PAY_PUBLIC_KEY_ID: pubKeyId,
    MOCK_WECHAT_PAY_PUBLIC_KEY_PRIVATE_KEY: pub.privatePem,
    MOCK_WECHAT_PAY_PLATFORM_CERT: certPem,
    MOCK_WECHAT_PAY_PLATFORM_CERT_PRIVATE_KEY: certPair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}

/** The public half of a PEM private key (tests). */
export function publicPemOf(privatePem: string): string {
  return createPublicKey(privatePem).export({ type: 'spki', format: 'pem' }).toString();
}
