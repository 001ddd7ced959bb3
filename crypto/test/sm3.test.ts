import { sm3 as smCryptoSm3 } from 'sm-crypto';
import { randomBytes } from 'node:crypto';
import { sm3, sm3Hex } from '../src';

describe('SM3 (GB/T 32905)', () => {
  it('hashes "abc" (example 1)', () => {
    expect(sm3Hex('abc')).toBe('66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0');
  });

  it('hashes the 64-byte "abcd"×16 message (example 2)', () => {
    expect(sm3Hex('abcd'.repeat(16))).toBe('debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732');
  });

  it('returns 32 bytes and hashes strings as UTF-8', () => {
    expect(sm3('')).toHaveLength(32);
    expect(sm3('医保移动支付').equals(sm3(Buffer.from('医保移动支付', 'utf8')))).toBe(true);
  });

  it('matches sm-crypto on random and Chinese inputs', () => {
    for (const len of [0, 1, 55, 56, 63, 64, 65, 1000]) {
      const b = randomBytes(len);
      expect(sm3Hex(b)).toBe(smCryptoSm3(Array.from(b) as unknown as string));
    }
    const text = '张三的处方：阿莫西林胶囊 0.25g×24粒，自付 12.34 元';
    expect(sm3Hex(text)).toBe(smCryptoSm3(text));
  });
});
