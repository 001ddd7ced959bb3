/** Byte helpers shared by the modules. */

export type BytesLike = string | Uint8Array;

/** UTF-8 bytes of a string, or the bytes themselves (as a Buffer view, no copy). */
export function utf8(input: BytesLike): Buffer {
  if (typeof input === 'string') return Buffer.from(input, 'utf8');
  return Buffer.isBuffer(input) ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
}

const HEX_RE = /^[0-9a-fA-F]*$/;
const B64_RE = /^[A-Za-z0-9+/_-]*={0,2}$/;

export function isHex(s: string): boolean {
  return s.length % 2 === 0 && HEX_RE.test(s);
}

/** Strict Base64 (standard or URL-safe alphabet); throws on anything else. */
export function fromBase64(s: string): Buffer {
  const t = s.trim();
  if (!B64_RE.test(t)) throw new TypeError('not Base64');
  return Buffer.from(t, t.includes('-') || t.includes('_') ? 'base64url' : 'base64');
}

export function bigFromBytes(b: Uint8Array): bigint {
  if (b.length === 0) return 0n;
  return BigInt('0x' + Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex'));
}

/** Big-endian, left-padded to `len` bytes. */
export function bigToBytes(v: bigint, len = 32): Buffer {
  const hex = v.toString(16);
  if (hex.length > len * 2) throw new RangeError('value too large');
  return Buffer.from(hex.padStart(len * 2, '0'), 'hex');
}

export function bigToHex(v: bigint, len = 32): string {
  return v.toString(16).padStart(len * 2, '0');
}
