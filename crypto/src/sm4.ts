/** SM4 (GB/T 32907) block cipher, ECB and CBC with PKCS#7 padding, via Node's OpenSSL. */
import { createCipheriv, createDecipheriv } from 'node:crypto';
import './native';
import { type BytesLike, utf8 } from './bytes';

function checkKey(key: Uint8Array): void {
  if (key.length !== 16) throw new RangeError(`SM4 key must be 16 bytes, got ${key.length}`);
}
function checkIv(iv: Uint8Array): void {
  if (iv.length !== 16) throw new RangeError(`SM4 IV must be 16 bytes, got ${iv.length}`);
}

/** SM4-ECB, PKCS#7 padded. `plain` strings are UTF-8. */
export function sm4EncryptEcb(key: Uint8Array, plain: BytesLike): Buffer {
  checkKey(key);
  const c = createCipheriv('sm4-ecb', key, null);
  return Buffer.concat([c.update(utf8(plain)), c.final()]);
}

/** Inverse of sm4EncryptEcb; throws on a wrong key / bad padding / length not a multiple of 16. */
export function sm4DecryptEcb(key: Uint8Array, cipher: Uint8Array): Buffer {
  checkKey(key);
  const d = createDecipheriv('sm4-ecb', key, null);
  return Buffer.concat([d.update(cipher), d.final()]);
}

/** SM4-CBC, PKCS#7 padded. */
export function sm4EncryptCbc(key: Uint8Array, iv: Uint8Array, plain: BytesLike): Buffer {
  checkKey(key);
  checkIv(iv);
  const c = createCipheriv('sm4-cbc', key, iv);
  return Buffer.concat([c.update(utf8(plain)), c.final()]);
}

export function sm4DecryptCbc(key: Uint8Array, iv: Uint8Array, cipher: Uint8Array): Buffer {
  checkKey(key);
  checkIv(iv);
  const d = createDecipheriv('sm4-cbc', key, iv);
  return Buffer.concat([d.update(cipher), d.final()]);
}

/** One raw block, no padding (for test vectors: GB/T 32907 gives single-block examples). */
export function sm4EncryptBlock(key: Uint8Array, block: Uint8Array): Buffer {
  checkKey(key);
  if (block.length !== 16) throw new RangeError('SM4 block must be 16 bytes');
  const c = createCipheriv('sm4-ecb', key, null).setAutoPadding(false);
  return Buffer.concat([c.update(block), c.final()]);
}
