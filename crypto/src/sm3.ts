import { createHash } from 'node:crypto';
import './native';
import { type BytesLike, utf8 } from './bytes';

/** SM3 digest (32 bytes) of the UTF-8 bytes of a string, or of raw bytes. */
export function sm3(data: BytesLike): Buffer {
  return createHash('sm3').update(utf8(data)).digest();
}

/** SM3 digest as lowercase hex. */
export function sm3Hex(data: BytesLike): string {
  return createHash('sm3').update(utf8(data)).digest('hex');
}
