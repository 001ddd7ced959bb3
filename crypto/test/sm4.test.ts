import { sm4 as smCryptoSm4 } from 'sm-crypto';
import { createCipheriv, randomBytes } from 'node:crypto';
import { sm4DecryptCbc, sm4DecryptEcb, sm4EncryptBlock, sm4EncryptCbc, sm4EncryptEcb } from '../src';

const KEY = Buffer.from('0123456789abcdeffedcba9876543210', 'hex');

describe('SM4 (GB/T 32907)', () => {
  it('encrypts the standard single block', () => {
    expect(sm4EncryptBlock(KEY, KEY).toString('hex')).toBe('681edf34d206965e86b3e94f536e4246');
  });

  it('gives the standard result after 1,000,000 encryptions', () => {
    const c = createCipheriv('sm4-ecb', KEY, null).setAutoPadding(false);
    let block = Buffer.from(KEY);
    for (let i = 0; i < 1_000_000; i++) block = c.update(block);
    expect(block.toString('hex')).toBe('595298c7c6fd271f0402f804c33d3f66');
  });

  it('ECB with PKCS#7: full padding block on aligned input, round trip', () => {
    const one = sm4EncryptEcb(KEY, KEY);
    expect(one).toHaveLength(32);
    expect(one.subarray(0, 16).toString('hex')).toBe('681edf34d206965e86b3e94f536e4246');
    for (const len of [0, 1, 15, 16, 17, 100]) {
      const plain = randomBytes(len);
      const c = sm4EncryptEcb(KEY, plain);
      expect(c.length).toBe((Math.floor(len / 16) + 1) * 16);
      expect(sm4DecryptEcb(KEY, c).equals(plain)).toBe(true);
    }
  });

  it('ECB and CBC match sm-crypto (PKCS#7)', () => {
    const iv = Buffer.from('fedcba98765432100123456789abcdef', 'hex');
    const text = '{"payOrdId":"ORD001","userName":"张三","feeSumamt":"12.34"}';
    expect(sm4EncryptEcb(KEY, text).toString('hex')).toBe(smCryptoSm4.encrypt(text, KEY.toString('hex')));
    expect(sm4EncryptCbc(KEY, iv, text).toString('hex')).toBe(
      smCryptoSm4.encrypt(text, KEY.toString('hex'), { mode: 'cbc', iv: iv.toString('hex') }),
    );
    expect(sm4DecryptCbc(KEY, iv, sm4EncryptCbc(KEY, iv, text)).toString('utf8')).toBe(text);
  });

  it('rejects wrong key sizes and wrong keys', () => {
    expect(() => sm4EncryptEcb(Buffer.alloc(15), 'x')).toThrow(RangeError);
    expect(() => sm4EncryptCbc(KEY, Buffer.alloc(8), 'x')).toThrow(RangeError);
    const c = sm4EncryptEcb(KEY, 'hello world');
    const wrong = Buffer.from(KEY);
    wrong[0]! ^= 1;
    // A wrong key almost always breaks the padding; when it does not, the plaintext differs.
    let out: Buffer | null = null;
    try {
      out = sm4DecryptEcb(wrong, c);
    } catch {
      out = null;
    }
    expect(out?.toString('utf8')).not.toBe('hello world');
  });
});
