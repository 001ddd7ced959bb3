/**
 * FieldCipher: encryption of sensitive columns at rest and keyed hashes for equality lookup.
 *
 * - encrypt(): AES-256-GCM, random 96-bit IV, 128-bit tag. Output `<keyId>:<base64(iv ‖ tag ‖ ciphertext)>`.
 *   The key id prefix makes rotation possible: DATA_ENCRYPTION_KEY may list several keys
 *   (`newId:base64,oldId:base64`); the first encrypts, all decrypt. A bare base64 key gets the id
 *   `k` + the first 7 hex digits of SHA-256(key). Optional AAD binds a value to its column.
 * - hash(): HMAC-SHA256 (hex, 64 chars) with DATA_HASH_KEY, for lookups such as "this ID number".
 *   Normalize before hashing (normalizeIdNumber, normalizePhone) so equal values hash equal.
 * Keys come from the environment only; there are no defaults in code.
 */
import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes } from 'node:crypto';

const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_ID_RE = /^[A-Za-z0-9_-]{1,16}$/;

export interface FieldCipherOptions {
  /** Base64 32-byte key, or `id:base64[,id:base64…]` (first one encrypts). */
  encryptionKey: string;
  /** Base64 key (≥ 16 bytes, 32 recommended) for HMAC-SHA256 lookups. */
  hashKey: string;
}

export class FieldCipherError extends Error {
  override name = 'FieldCipherError';
}

function decodeKey(b64: string, what: string, minBytes: number, exactBytes?: number): Buffer {
  const trimmed = b64.trim();
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed)) throw new FieldCipherError(`${what} 不是 base64 / ${what} is not base64`);
  const key = Buffer.from(trimmed.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  if (exactBytes !== undefined && key.length !== exactBytes) {
    throw new FieldCipherError(`${what} 必须是 ${exactBytes} 字节 / ${what} must decode to ${exactBytes} bytes (got ${key.length})`);
  }
  if (key.length < minBytes) throw new FieldCipherError(`${what} 至少 ${minBytes} 字节 / ${what} must decode to at least ${minBytes} bytes`);
  return key;
}

export function keyIdFor(key: Buffer): string {
  return `k${createHash('sha256').update(key).digest('hex').slice(0, 7)}`;
}

export class FieldCipher {
  readonly keyId: string;
  private readonly keys = new Map<string, Buffer>();
  private readonly hashKey: Buffer;

  constructor(opts: FieldCipherOptions) {
    if (!opts.encryptionKey?.trim()) throw new FieldCipherError('缺少加密密钥 / encryptionKey is required');
    if (!opts.hashKey?.trim()) throw new FieldCipherError('缺少哈希密钥 / hashKey is required');
    const entries = opts.encryptionKey.split(',').map((s) => s.trim()).filter(Boolean);
    let first: string | undefined;
    for (const entry of entries) {
      const colon = entry.indexOf(':');
      let id: string;
      let key: Buffer;
      if (colon > 0) {
        id = entry.slice(0, colon);
        if (!KEY_ID_RE.test(id)) throw new FieldCipherError(`密钥编号无效 / invalid key id "${id}"`);
        key = decodeKey(entry.slice(colon + 1), 'DATA_ENCRYPTION_KEY', 32, 32);
      } else {
        key = decodeKey(entry, 'DATA_ENCRYPTION_KEY', 32, 32);
        id = keyIdFor(key);
      }
      if (this.keys.has(id)) throw new FieldCipherError(`密钥编号重复 / duplicate key id "${id}"`);
      this.keys.set(id, key);
      first ??= id;
    }
    this.keyId = first!;
    this.hashKey = decodeKey(opts.hashKey, 'DATA_HASH_KEY', 16);
    for (const k of this.keys.values()) {
      if (k.equals(this.hashKey)) throw new FieldCipherError('DATA_HASH_KEY 不能与加密密钥相同 / DATA_HASH_KEY must differ from DATA_ENCRYPTION_KEY');
    }
  }

  /**
   * From DATA_ENCRYPTION_KEY and DATA_HASH_KEY. Throws a bilingual message naming the missing
   * variable (never the value).
   */
  static fromEnv(env: NodeJS.ProcessEnv = process.env): FieldCipher {
    const missing = ['DATA_ENCRYPTION_KEY', 'DATA_HASH_KEY'].filter((k) => !env[k]?.trim());
    if (missing.length) {
      throw new FieldCipherError(
        `缺少环境变量 ${missing.join('、')}（base64 编码的 32 字节随机密钥，可用 \`openssl rand -base64 32\` 生成）。` +
          ` / Missing environment variable(s) ${missing.join(', ')} (base64 of 32 random bytes, e.g. \`openssl rand -base64 32\`).`,
      );
    }
    return new FieldCipher({ encryptionKey: env.DATA_ENCRYPTION_KEY!, hashKey: env.DATA_HASH_KEY! });
  }

  encrypt(plaintext: string, aad?: string): string {
    const key = this.keys.get(this.keyId)!;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    if (aad !== undefined) cipher.setAAD(Buffer.from(aad, 'utf8'));
    const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return `${this.keyId}:${Buffer.concat([iv, cipher.getAuthTag(), ct]).toString('base64')}`;
  }

  decrypt(token: string, aad?: string): string {
    const colon = token.indexOf(':');
    if (colon <= 0) throw new FieldCipherError('密文格式错误 / malformed ciphertext');
    const id = token.slice(0, colon);
    const key = this.keys.get(id);
    if (!key) throw new FieldCipherError(`未知的密钥编号 / unknown key id "${id}"`);
    const raw = Buffer.from(token.slice(colon + 1), 'base64');
    if (raw.length < IV_BYTES + TAG_BYTES) throw new FieldCipherError('密文格式错误 / malformed ciphertext');
    const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES));
    decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    if (aad !== undefined) decipher.setAAD(Buffer.from(aad, 'utf8'));
    try {
      return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
    } catch {
      throw new FieldCipherError('解密失败（密钥不符或数据被篡改） / decryption failed (wrong key or tampered data)');
    }
  }

  encryptOptional(plaintext: string | null | undefined, aad?: string): string | null {
    return plaintext === null || plaintext === undefined ? null : this.encrypt(plaintext, aad);
  }

  decryptOptional(token: string | null | undefined, aad?: string): string | null {
    return token === null || token === undefined ? null : this.decrypt(token, aad);
  }

  /** True when the value was encrypted with an older key and should be re-encrypted. */
  needsReencryption(token: string): boolean {
    return !token.startsWith(`${this.keyId}:`);
  }

  /** HMAC-SHA256 keyed hash, lower-case hex (64 chars). */
  hash(value: string): string {
    return createHmac('sha256', this.hashKey).update(value, 'utf8').digest('hex');
  }
}

/** ID numbers: trimmed, upper-case (the check digit may be x/X). */
export function normalizeIdNumber(id: string): string {
  return id.trim().toUpperCase();
}

/** Mainland mobile numbers: digits only, without +86 / 0086. */
export function normalizePhone(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  return digits.replace(/^(0086|86)(?=1\d{10}$)/, '');
}
