/**
 * WeChat Pay v3 crypto as the platform does it (the mock's side; the BFF has its own code):
 * merchant request signatures (WECHATPAY2-SHA256-RSA2048), answer/callback signatures
 * (SHA256withRSA over "timestamp\nnonce\nbody\n"), AEAD_AES_256_GCM callback resources, and
 * RSA-OAEP(SHA-1) decryption of the sensitive payer fields.
 */
import {
  createCipheriv,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  privateDecrypt,
  randomBytes,
  sign,
  verify,
  constants,
  type KeyObject,
} from 'node:crypto';

export interface PlatformIdentity {
  /** PUB_KEY_ID_… (public-key mode) or the platform certificate's serial number. */
  serial: string;
  mode: 'publicKey' | 'certificate';
  privateKey: KeyObject;
}

export function nonce(n = 32): string {
  return randomBytes(n).toString('hex').slice(0, n).toUpperCase();
}

export function signMessage(privateKey: KeyObject, timestamp: string, nonceStr: string, body: string): string {
  return sign('sha256', Buffer.from(`${timestamp}\n${nonceStr}\n${body}\n`, 'utf8'), privateKey).toString('base64');
}

/** A key nobody trusts: used for the bad_signature fault. */
let strangerKey: KeyObject | undefined;
export function strangerPrivateKey(): KeyObject {
  strangerKey ??= generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  return strangerKey;
}

export function encryptResource(apiV3Key: string, plaintext: string, associatedData: string): { ciphertext: string; nonce: string; associated_data: string } {
  const iv = randomBytes(6).toString('hex'); // 12 ASCII characters, like WeChat Pay's nonces
  const cipher = createCipheriv('aes-256-gcm', Buffer.from(apiV3Key, 'utf8'), Buffer.from(iv, 'utf8'));
  cipher.setAAD(Buffer.from(associatedData, 'utf8'));
  const enc = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return { ciphertext: enc.toString('base64'), nonce: iv, associated_data: associatedData };
}

/** RSA-OAEP (SHA-1, MGF1) as WeChat Pay's sensitive-field encryption; undefined when it fails. */
export function decryptSensitive(privateKey: KeyObject, ciphertextB64: string): string | undefined {
  try {
    return privateDecrypt({ key: privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' }, Buffer.from(ciphertextB64, 'base64')).toString('utf8');
  } catch {
    return undefined;
  }
}

export interface MerchantAuth {
  mchid: string;
  nonce_str: string;
  timestamp: string;
  serial_no: string;
  signature: string;
}

export const AUTH_SCHEME = 'WECHATPAY2-SHA256-RSA2048';

/** Parses `WECHATPAY2-SHA256-RSA2048 mchid="…",nonce_str="…",…` (quotes optional). */
export function parseAuthorization(header: string | undefined): MerchantAuth | undefined {
  if (!header) return undefined;
  const space = header.indexOf(' ');
  if (space < 0 || header.slice(0, space) !== AUTH_SCHEME) return undefined;
  const out: Record<string, string> = {};
  const re = /([a-z_]+)=(?:"([^"]*)"|([^,]*))\s*(?:,|$)/g;
  let m: RegExpExecArray | null;
  const rest = header.slice(space + 1).trim();
  while ((m = re.exec(rest)) !== null) {
    if (m[0] === '') break;
    out[m[1]!] = m[2] ?? m[3] ?? '';
  }
  const { mchid, nonce_str, timestamp, serial_no, signature } = out;
  if (!mchid || !nonce_str || !timestamp || !serial_no || !signature) return undefined;
  return { mchid, nonce_str, timestamp, serial_no, signature };
}

export function verifyMerchantSignature(publicKey: KeyObject, method: string, url: string, auth: MerchantAuth, body: string): boolean {
  const message = `${method}\n${url}\n${auth.timestamp}\n${auth.nonce_str}\n${body}\n`;
  try {
    return verify('sha256', Buffer.from(message, 'utf8'), publicKey, Buffer.from(auth.signature, 'base64'));
  } catch {
    return false;
  }
}

export const privateKeyFrom = (pem: string) => createPrivateKey(pem.replace(/\\n/g, '\n'));
export const publicKeyFrom = (pem: string) => createPublicKey(pem.replace(/\\n/g, '\n'));
