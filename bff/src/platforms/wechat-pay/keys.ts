/**
 * The WeChat Pay keys the BFF trusts for answers and callbacks, and uses to encrypt sensitive
 * fields. Two modes, usable together (WeChat Pay's migration period):
 *   - public-key mode: a WeChat Pay public key and its id `PUB_KEY_ID_…` (recommended; does not expire);
 *   - certificate mode: platform certificates, identified by their serial numbers.
 * `Wechatpay-Serial` on an answer/callback picks the key; an unknown serial fails closed.
 * wechatpay-node-v3 has no public-key mode and looks certificates up in a process-wide static:
 * this replaces both.
 */
import { constants, createPrivateKey, createPublicKey, publicEncrypt, verify, X509Certificate, type KeyObject } from 'node:crypto';

export interface PlatformKeyConfig {
  /** Public-key mode. */
  publicKey?: { id: string; pem: string };
  /** Certificate mode: PEM certificates (serial read from each). */
  certificates?: string[];
}

/** Env values often carry PEMs with literal "\n"; accept both. */
export const normalizePem = (pem: string) => pem.replace(/\\n/g, '\n').trim() + '\n';

export class WechatPayKeys {
  private readonly keys = new Map<string, KeyObject>();
  /** The id sent as Wechatpay-Serial and used for encryption (public key id first). */
  readonly preferredSerial: string;

  constructor(cfg: PlatformKeyConfig) {
    if (cfg.publicKey) {
      if (!/^PUB_KEY_ID_[0-9A-Za-z]+$/.test(cfg.publicKey.id)) throw new Error('WeChat Pay public key id must look like PUB_KEY_ID_…');
      this.keys.set(cfg.publicKey.id, createPublicKey(normalizePem(cfg.publicKey.pem)));
    }
    for (const pem of cfg.certificates ?? []) this.addCertificate(pem);
    const first = cfg.publicKey?.id ?? [...this.keys.keys()][0];
    if (!first) throw new Error('WeChat Pay needs a platform public key (PUB_KEY_ID_…) or a platform certificate');
    this.preferredSerial = first;
  }

  /** Adds a platform certificate (e.g. downloaded from /v3/certificates). Expired ones are refused. */
  addCertificate(pem: string): string {
    const cert = new X509Certificate(normalizePem(pem));
    if (Date.parse(cert.validTo) < Date.now()) throw new Error('WeChat Pay platform certificate has expired');
    const serial = cert.serialNumber.toUpperCase();
    this.keys.set(serial, cert.publicKey);
    return serial;
  }

  has(serial: string): boolean {
    return this.keys.has(serial) || this.keys.has(serial.toUpperCase());
  }

  serials(): string[] {
    return [...this.keys.keys()];
  }

  /** SHA256withRSA over "timestamp\nnonce\nbody\n". False for any failure (never throws). */
  verify(serial: string, timestamp: string, nonce: string, body: string, signatureB64: string): boolean {
    const key = this.keys.get(serial) ?? this.keys.get(serial.toUpperCase());
    if (!key) return false;
    try {
      return verify('sha256', Buffer.from(`${timestamp}\n${nonce}\n${body}\n`, 'utf8'), key, Buffer.from(signatureB64, 'base64'));
    } catch {
      return false;
    }
  }

  /** RSA-OAEP (SHA-1/MGF1) under the preferred key, Base64: WeChat Pay's sensitive-field encryption. */
  encrypt(plaintext: string): string {
    const key = this.keys.get(this.preferredSerial)!;
    return publicEncrypt({ key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' }, Buffer.from(plaintext, 'utf8')).toString('base64');
  }
}

/** The public half of the merchant key (wechatpay-node-v3 insists on being given one). */
export function merchantPublicPem(privatePem: string): string {
  return createPublicKey(createPrivateKey(normalizePem(privatePem))).export({ type: 'spki', format: 'pem' }).toString();
}
