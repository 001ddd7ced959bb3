/**
 * Alipay open-platform signatures (RSA2 = SHA256withRSA, Base64):
 * - requests: every parameter except `sign`, empty values dropped, keys in ASCII order, `k=v`
 *   joined by `&` (sign_type included), signed with the app's private key;
 * - answers: the exact JSON text of `<method>_response`, signed with Alipay's private key;
 * - notifications: every parameter except `sign` and `sign_type`, same rules, Alipay's key.
 * Keys come as Alipay's tools print them: Base64 of DER (PKCS#8 or PKCS#1 private, SPKI public)
 * without PEM lines; PEM is accepted too.
 */
import { createPrivateKey, createPublicKey, createSign, createVerify, generateKeyPairSync, type KeyObject } from 'node:crypto';

export function parsePrivateKey(text: string): KeyObject {
  const t = text.trim();
  if (t.startsWith('-----')) return createPrivateKey(t);
  const der = Buffer.from(t.replace(/\s+/g, ''), 'base64');
  try {
    return createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  } catch {
    return createPrivateKey({ key: der, format: 'der', type: 'pkcs1' });
  }
}

export function parsePublicKey(text: string): KeyObject {
  const t = text.trim();
  if (t.startsWith('-----')) return createPublicKey(t);
  const der = Buffer.from(t.replace(/\s+/g, ''), 'base64');
  try {
    return createPublicKey({ key: der, format: 'der', type: 'spki' });
  } catch {
    return createPublicKey({ key: der, format: 'der', type: 'pkcs1' });
  }
}

/** Sorted `k=v&…` of the parameters, without the excluded keys and empty values. */
export function signContent(params: Record<string, unknown>, exclude: readonly string[]): string {
  return Object.keys(params)
    .filter((k) => !exclude.includes(k))
    .sort()
    .map((k) => [k, params[k]] as const)
    .filter(([, v]) => v !== undefined && v !== null && v !== '')
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join('&');
}

export function rsa2Sign(content: string, key: KeyObject): string {
  return createSign('RSA-SHA256').update(content, 'utf8').sign(key, 'base64');
}

export function rsa2Verify(content: string, signature: string, key: KeyObject): boolean {
  try {
    return createVerify('RSA-SHA256').update(content, 'utf8').verify(key, signature, 'base64');
  } catch {
    return false;
  }
}

/** Base64 DER (PKCS#8 private, SPKI public), the way Alipay's key tool prints keys. */
export function generateRsaKeyPair(): { privateKey: string; publicKey: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    privateKey: privateKey.export({ type: 'pkcs8', format: 'der' }).toString('base64'),
    publicKey: publicKey.export({ type: 'spki', format: 'der' }).toString('base64'),
  };
}

let throwaway: KeyObject | undefined;
/** A key nobody trusts, for the bad_signature fault. */
export function throwawayKey(): KeyObject {
  throwaway ??= generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  return throwaway;
}
