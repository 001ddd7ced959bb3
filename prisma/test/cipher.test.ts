import { randomBytes } from 'node:crypto';
import { FieldCipher, FieldCipherError, keyIdFor, normalizeIdNumber, normalizePhone } from '../src/cipher';
import { hashPassword, verifyPassword } from '../src/password';

const key = () => randomBytes(32).toString('base64');

describe('FieldCipher', () => {
  const encryptionKey = key();
  const hashKey = key();
  const cipher = new FieldCipher({ encryptionKey, hashKey });

  it('round-trips strings, including Chinese and empty ones', () => {
    for (const s of ['张建国', '640104196803150131', '', 'AUTH123456789', '宁夏回族自治区银川市兴庆区 12 号 🏥']) {
      const token = cipher.encrypt(s);
      expect(token).not.toContain(s || '\u0000');
      expect(cipher.decrypt(token)).toBe(s);
    }
  });

  it('prefixes the key id and uses a fresh IV every time', () => {
    const a = cipher.encrypt('张建国');
    const b = cipher.encrypt('张建国');
    expect(a).not.toBe(b);
    expect(a.startsWith(`${cipher.keyId}:`)).toBe(true);
    expect(cipher.keyId).toBe(keyIdFor(Buffer.from(encryptionKey, 'base64')));
  });

  it('rejects tampered ciphertext', () => {
    const token = cipher.encrypt('640104196803150131');
    const [id, body] = token.split(':') as [string, string];
    const raw = Buffer.from(body, 'base64');
    for (const pos of [0, 14, raw.length - 1]) {
      const bad = Buffer.from(raw);
      bad[pos]! ^= 0x01;
      expect(() => cipher.decrypt(`${id}:${bad.toString('base64')}`)).toThrow(FieldCipherError);
    }
    expect(() => cipher.decrypt(`${id}:${raw.subarray(0, 20).toString('base64')}`)).toThrow(/malformed|decryption failed/);
    expect(() => cipher.decrypt('no-colon')).toThrow(/malformed/);
  });

  it('rejects a wrong key and an unknown key id', () => {
    const token = cipher.encrypt('secret');
    const [, body] = token.split(':') as [string, string];
    const other = new FieldCipher({ encryptionKey: `${cipher.keyId}:${key()}`, hashKey });
    expect(() => other.decrypt(token)).toThrow(/decryption failed/);
    const stranger = new FieldCipher({ encryptionKey: key(), hashKey });
    expect(() => stranger.decrypt(`${cipher.keyId}:${body}`)).toThrow(/unknown key id/);
  });

  it('binds ciphertext to its AAD when given', () => {
    const token = cipher.encrypt('张建国', 'patients.name');
    expect(cipher.decrypt(token, 'patients.name')).toBe('张建国');
    expect(() => cipher.decrypt(token, 'patients.phone')).toThrow(/decryption failed/);
    expect(() => cipher.decrypt(token)).toThrow(/decryption failed/);
  });

  it('rotates keys: the first key encrypts, older keys still decrypt', () => {
    const oldToken = cipher.encrypt('旧数据');
    const rotated = new FieldCipher({ encryptionKey: `k2026:${key()},${encryptionKey}`, hashKey });
    expect(rotated.keyId).toBe('k2026');
    expect(rotated.decrypt(oldToken)).toBe('旧数据');
    expect(rotated.needsReencryption(oldToken)).toBe(true);
    const fresh = rotated.encrypt('新数据');
    expect(fresh.startsWith('k2026:')).toBe(true);
    expect(rotated.needsReencryption(fresh)).toBe(false);
    expect(() => cipher.decrypt(fresh)).toThrow(/unknown key id/);
  });

  it('hashes deterministically with the hash key (HMAC-SHA256 hex)', () => {
    const h = cipher.hash('640104196803150131');
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(cipher.hash('640104196803150131')).toBe(h);
    expect(cipher.hash('640104196803150132')).not.toBe(h);
    expect(new FieldCipher({ encryptionKey, hashKey: key() }).hash('640104196803150131')).not.toBe(h);
    // The hash key, not the encryption key, decides the hash.
    expect(new FieldCipher({ encryptionKey: key(), hashKey }).hash('640104196803150131')).toBe(h);
  });

  it('handles optional values', () => {
    expect(cipher.encryptOptional(null)).toBeNull();
    expect(cipher.decryptOptional(undefined)).toBeNull();
    expect(cipher.decryptOptional(cipher.encryptOptional('x'))).toBe('x');
  });

  it('validates keys and reads them only from the environment', () => {
    expect(() => new FieldCipher({ encryptionKey: randomBytes(16).toString('base64'), hashKey })).toThrow(/32 bytes/);
    expect(() => new FieldCipher({ encryptionKey: 'not base64!!', hashKey })).toThrow(/base64/);
    expect(() => new FieldCipher({ encryptionKey, hashKey: encryptionKey })).toThrow(/must differ/);
    expect(() => new FieldCipher({ encryptionKey: `bad id!:${key()}`, hashKey })).toThrow(/invalid key id/);
    expect(() => FieldCipher.fromEnv({})).toThrow(/DATA_ENCRYPTION_KEY.*DATA_HASH_KEY/s);
    expect(() => FieldCipher.fromEnv({ DATA_ENCRYPTION_KEY: encryptionKey })).toThrow(/缺少环境变量 DATA_HASH_KEY/);
    const fromEnv = FieldCipher.fromEnv({ DATA_ENCRYPTION_KEY: encryptionKey, DATA_HASH_KEY: hashKey });
    expect(fromEnv.decrypt(cipher.encrypt('同一把钥匙'))).toBe('同一把钥匙');
  });

  it('normalizes ID and phone numbers before hashing', () => {
    expect(normalizeIdNumber(' 64040219720530088x ')).toBe('64040219720530088X');
    expect(normalizePhone('+86 138-0000-0001')).toBe('13800000001');
    expect(normalizePhone('008613800000001')).toBe('13800000001');
  });
});

describe('passwords (scrypt)', () => {
  it('verifies the right password only', async () => {
    const stored = await hashPassword('Doctor@2026');
    expect(stored).toMatch(/^scrypt\$16384\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(await verifyPassword('Doctor@2026', stored)).toBe(true);
    expect(await verifyPassword('doctor@2026', stored)).toBe(false);
    expect(await hashPassword('Doctor@2026')).not.toBe(stored); // salted
  });

  it('returns false for malformed stored hashes', async () => {
    for (const bad of ['', 'plain', 'scrypt$1$1$1$$', 'bcrypt$x$y$z$a$b', 'scrypt$99999999$8$1$c2FsdA==$aGFzaA==']) {
      expect(await verifyPassword('x', bad)).toBe(false);
    }
  });
});
