/**
 * SM2 digital signatures (GB/T 32918.2) with SM3 (SM3withSM2), interoperable with BouncyCastle /
 * the platform's Java demo, sm-crypto and sm-crypto-v2:
 *   Z = SM3(ENTL ‖ ID ‖ a ‖ b ‖ xG ‖ yG ‖ xA ‖ yA), e = SM3(Z ‖ M),
 *   signature = r ‖ s (64 bytes, big-endian), by default Base64 when a string is wanted.
 *
 * Keys: private key = raw 32-byte d (Base64 or hex; a leading 0x00 sign byte from Java's
 * BigInteger is accepted; PKCS#8/SEC1 DER too); public key = 04 ‖ X ‖ Y (Base64 or hex; also
 * X ‖ Y, compressed 02/03 ‖ X, or an X.509 SubjectPublicKeyInfo).
 */
import { createHash, randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import '../native';
import { type BytesLike, bigFromBytes, bigToBytes, bigToHex, fromBase64, isHex, utf8 } from '../bytes';
import { decodeDerSignature, encodeDerSignature, pointToSpki, privateKeyDerToScalar, scalarToPkcs8, spkiToPoint } from '../der';
import {
  A,
  B,
  type FixedTable,
  GX,
  GY,
  N,
  P,
  buildTable,
  generatorTable,
  invert,
  isOnCurve,
  modN,
  add,
  mulFixed,
  mulFixed2,
  mulVar,
  sqrtModP,
  toAffine,
} from './curve';

/** The user id of GB/T 35276 when none is agreed. The platform's Java demo may use the appSecret. */
export const DEFAULT_SM2_USER_ID = '1234567812345678';

export type UserId = string | Uint8Array;
export interface Sm2Options {
  /** SM2 user id (string → UTF-8 bytes). Default `1234567812345678`. `''` means an empty id. */
  userId?: UserId;
}

/** A key that cannot be used: wrong length, not on the curve, out of range, unknown encoding. */
export class Sm2KeyError extends Error {
  override name = 'Sm2KeyError';
}

// ───────────────────────────── small LRU ─────────────────────────────

class Lru<K, V> {
  private readonly map = new Map<K, V>();
  constructor(
    private readonly max: number,
    private readonly onEvict?: (v: V) => void,
  ) {}
  get(k: K): V | undefined {
    const v = this.map.get(k);
    if (v !== undefined) {
      this.map.delete(k);
      this.map.set(k, v);
    }
    return v;
  }
  set(k: K, v: V): void {
    this.map.delete(k);
    this.map.set(k, v);
    if (this.map.size > this.max) {
      const oldest = this.map.keys().next().value as K;
      const ov = this.map.get(oldest)!;
      this.map.delete(oldest);
      this.onEvict?.(ov);
    }
  }
}

// ───────────────────────────── keys ─────────────────────────────

const CURVE_PARAMS = Buffer.concat([bigToBytes(A), bigToBytes(B), bigToBytes(GX), bigToBytes(GY)]);

function userIdBytes(userId: UserId | undefined): Buffer {
  const id = utf8(userId ?? DEFAULT_SM2_USER_ID);
  if (id.length > 8191) throw new RangeError('SM2 user id longer than 8191 bytes');
  return id;
}

/** Keys whose fixed-base tables are kept (each ~0.5 MB, ~20 ms to build). */
const tableCache = new Lru<string, Sm2PublicKey>(16, (k) => k.dropTable());

/** An SM2 public key (a point on sm2p256v1). Immutable; caches its Z values and, when used often, a table. */
export class Sm2PublicKey {
  readonly x: bigint;
  readonly y: bigint;
  readonly hex: string;
  private readonly zCache = new Map<string, Buffer>();
  private table: FixedTable | null = null;
  private uses = 0;

  /** Use Sm2PublicKey.from(). */
  private constructor(x: bigint, y: bigint) {
    this.x = x;
    this.y = y;
    this.hex = '04' + bigToHex(x) + bigToHex(y);
  }

  /** Parse (and validate) a public key; string inputs are cached. */
  static from(input: PublicKeyInput): Sm2PublicKey {
    if (input instanceof Sm2PublicKey) return input;
    if (typeof input === 'string') {
      const hit = publicKeyCache.get(input);
      if (hit) return hit;
      const key = Sm2PublicKey.fromBytes(decodeKeyString(input, [65, 64, 33]));
      publicKeyCache.set(input, key);
      return key;
    }
    return Sm2PublicKey.fromBytes(Buffer.from(input));
  }

  /** @internal from coordinates already known to be on the curve. */
  static fromPoint(x: bigint, y: bigint): Sm2PublicKey {
    return new Sm2PublicKey(x, y);
  }

  private static fromBytes(b: Buffer): Sm2PublicKey {
    let x: bigint;
    let y: bigint;
    if (b.length === 65 && b[0] === 0x04) {
      x = bigFromBytes(b.subarray(1, 33));
      y = bigFromBytes(b.subarray(33));
    } else if (b.length === 64) {
      x = bigFromBytes(b.subarray(0, 32));
      y = bigFromBytes(b.subarray(32));
    } else if (b.length === 33 && (b[0] === 0x02 || b[0] === 0x03)) {
      x = bigFromBytes(b.subarray(1));
      if (x >= P) throw new Sm2KeyError('SM2 public key: x out of range');
      const root = sqrtModP((((x * x) % P) * x + A * x + B) % P);
      if (root === null) throw new Sm2KeyError('SM2 public key: not a point on sm2p256v1');
      y = (root & 1n) === BigInt(b[0] & 1) ? root : P - root;
    } else {
      const point = b[0] === 0x30 ? spkiToPoint(b) : null;
      if (!point) throw new Sm2KeyError(`SM2 public key: unsupported encoding (${b.length} bytes)`);
      return Sm2PublicKey.fromBytes(point);
    }
    if (!isOnCurve(x, y)) throw new Sm2KeyError('SM2 public key: not a point on sm2p256v1');
    // The curve has cofactor 1, so any affine point on it is in the group of order n.
    return new Sm2PublicKey(x, y);
  }

  /** 04 ‖ X ‖ Y (65 bytes). */
  toBytes(): Buffer {
    return Buffer.from(this.hex, 'hex');
  }
  /** Base64 of 04 ‖ X ‖ Y (the platform's format). */
  toBase64(): string {
    return this.toBytes().toString('base64');
  }
  /** Lowercase hex of 04 ‖ X ‖ Y (sm-crypto's format). */
  toHex(): string {
    return this.hex;
  }
  /** X.509 SubjectPublicKeyInfo DER (Java's PublicKey.getEncoded()). */
  toSpkiDer(): Buffer {
    return pointToSpki(this.toBytes());
  }
  equals(other: Sm2PublicKey): boolean {
    return this.x === other.x && this.y === other.y;
  }

  /** Z = SM3(ENTL ‖ ID ‖ a ‖ b ‖ xG ‖ yG ‖ xA ‖ yA), cached per user id. */
  z(userId?: UserId): Buffer {
    const id = userIdBytes(userId);
    const cacheKey = id.toString('latin1');
    let z = this.zCache.get(cacheKey);
    if (!z) {
      const entl = Buffer.from([(id.length * 8) >> 8, (id.length * 8) & 0xff]);
      z = createHash('sm3')
        .update(entl)
        .update(id)
        .update(CURVE_PARAMS)
        .update(this.toBytes().subarray(1))
        .digest();
      if (this.zCache.size >= 8) this.zCache.delete(this.zCache.keys().next().value as string);
      this.zCache.set(cacheKey, z);
    }
    return z;
  }

  /** Build this key's fixed-base table now (e.g. for the platform's key at start-up). */
  precompute(): this {
    if (!this.table) {
      this.table = buildTable({ x: this.x, y: this.y });
    }
    tableCache.set(this.hex, this);
    return this;
  }

  /** @internal the table if this key is used repeatedly (built on its second verification). */
  tableForVerify(): FixedTable | null {
    if (this.table) {
      tableCache.get(this.hex); // refresh LRU position
      return this.table;
    }
    this.uses++;
    if (this.uses >= 2) this.precompute();
    return this.table;
  }

  /** @internal */
  dropTable(): void {
    this.table = null;
    this.uses = 0;
  }

  [inspect.custom](): string {
    return `Sm2PublicKey(${this.toBase64()})`;
  }
  toJSON(): string {
    return this.toBase64();
  }
}

/** An SM2 private key. The scalar is kept in a private field and never printed. */
export class Sm2PrivateKey {
  readonly #d: bigint;
  /** (1 + d)⁻¹ mod n, used by every signature. */
  readonly #dInv1: bigint;
  readonly publicKey: Sm2PublicKey;

  private constructor(d: bigint) {
    if (d < 1n || d > N - 2n) throw new Sm2KeyError('SM2 private key out of range [1, n−2]');
    this.#d = d;
    this.#dInv1 = invert(d + 1n, N);
    const pub = toAffine(mulFixed(generatorTable(), d))!;
    this.publicKey = Sm2PublicKey.fromPoint(pub.x, pub.y);
  }

  /** Parse a private key; string inputs are cached (deriving the public key costs ~0.1 ms). */
  static from(input: PrivateKeyInput): Sm2PrivateKey {
    if (input instanceof Sm2PrivateKey) return input;
    if (typeof input === 'string') {
      const hit = privateKeyCache.get(input);
      if (hit) return hit;
      const key = Sm2PrivateKey.fromBytes(decodeKeyString(input, [32, 33]));
      privateKeyCache.set(input, key);
      return key;
    }
    return Sm2PrivateKey.fromBytes(Buffer.from(input));
  }

  private static fromBytes(b: Buffer): Sm2PrivateKey {
    if (b.length === 33 && b[0] === 0) b = b.subarray(1); // Java BigInteger.toByteArray() sign byte
    if (b.length !== 32) {
      const d = b[0] === 0x30 ? privateKeyDerToScalar(b) : null;
      if (!d || d.length > 33) throw new Sm2KeyError(`SM2 private key: unsupported encoding (${b.length} bytes)`);
      return new Sm2PrivateKey(bigFromBytes(d));
    }
    return new Sm2PrivateKey(bigFromBytes(b));
  }

  static generate(): Sm2PrivateKey {
    for (;;) {
      const d = bigFromBytes(randomBytes(32));
      if (d >= 1n && d <= N - 2n) return new Sm2PrivateKey(d);
    }
  }

  /** Raw 32-byte d. */
  toBytes(): Buffer {
    return bigToBytes(this.#d);
  }
  /** Base64 of the raw 32-byte d (the platform's format). */
  toBase64(): string {
    return this.toBytes().toString('base64');
  }
  /** Lowercase hex of d (sm-crypto's format). */
  toHex(): string {
    return bigToHex(this.#d);
  }
  /** PKCS#8 DER (Java's PrivateKey.getEncoded(); Node's createPrivateKey). */
  toPkcs8Der(): Buffer {
    return scalarToPkcs8(this.toBytes(), this.publicKey.toBytes());
  }

  /** @internal s = (1 + d)⁻¹ · (k − r·d) mod n */
  signScalar(k: bigint, r: bigint): bigint {
    return modN(this.#dInv1 * modN(k - r * this.#d));
  }

  [inspect.custom](): string {
    return 'Sm2PrivateKey(<redacted>)';
  }
  toJSON(): string {
    return '<redacted>';
  }
}

export type PublicKeyInput = string | Uint8Array | Sm2PublicKey;
export type PrivateKeyInput = string | Uint8Array | Sm2PrivateKey;

const publicKeyCache = new Lru<string, Sm2PublicKey>(256);
const privateKeyCache = new Lru<string, Sm2PrivateKey>(32);

/**
 * Hex if the string is hex of one of the expected lengths (odd lengths are left-padded: Java's
 * BigInteger.toString(16) drops leading zeros) or hex DER; otherwise Base64. Base64 of these key
 * sizes always contains padding or non-hex letters, so the two cannot be confused in practice.
 */
function decodeKeyString(s: string, rawLengths: number[]): Buffer {
  const t = s.trim();
  if (/^[0-9a-fA-F]+$/.test(t)) {
    if (rawLengths.includes(32) && t.length <= 64) return Buffer.from(t.padStart(64, '0'), 'hex');
    const isRaw = rawLengths.includes(Math.ceil(t.length / 2));
    if (isRaw || (t.length % 2 === 0 && t.startsWith('30'))) return Buffer.from(t.length % 2 ? '0' + t : t, 'hex');
  }
  try {
    return fromBase64(t);
  } catch {
    throw new Sm2KeyError('SM2 key: neither hex nor Base64');
  }
}

// ───────────────────────────── sign / verify ─────────────────────────────

function digest(z: Buffer, message: BytesLike): bigint {
  return BigInt('0x' + createHash('sm3').update(z).update(utf8(message)).digest('hex'));
}

function randomScalar(): bigint {
  for (;;) {
    const k = bigFromBytes(randomBytes(32));
    if (k > 0n && k < N) return k;
  }
}

/** Z value for a public key and user id (32 bytes). */
export function sm2Z(publicKey: PublicKeyInput, userId?: UserId): Buffer {
  return Sm2PublicKey.from(publicKey).z(userId);
}

/** SM3withSM2 signature r ‖ s (64 bytes) over the message (strings are UTF-8). */
export function sm2Sign(message: BytesLike, privateKey: PrivateKeyInput, options: Sm2Options = {}): Buffer {
  const key = Sm2PrivateKey.from(privateKey);
  const e = digest(key.publicKey.z(options.userId), message);
  const g = generatorTable();
  for (;;) {
    const k = randomScalar();
    const x1 = toAffine(mulFixed(g, k, true))!.x;
    const r = modN(e + x1);
    if (r === 0n || r + k === N) continue;
    const s = key.signScalar(k, r);
    if (s === 0n) continue;
    return Buffer.concat([bigToBytes(r), bigToBytes(s)]);
  }
}

/** sm2Sign as Base64 (the platform's signData format). */
export function sm2SignBase64(message: BytesLike, privateKey: PrivateKeyInput, options: Sm2Options = {}): string {
  return sm2Sign(message, privateKey, options).toString('base64');
}

/** r and s from r ‖ s or DER, given as bytes, Base64 or hex; null if malformed. */
function parseSignature(signature: string | Uint8Array): { r: bigint; s: bigint } | null {
  let b: Buffer;
  if (typeof signature === 'string') {
    const t = signature.trim();
    if (isHex(t)) b = Buffer.from(t, 'hex');
    else {
      try {
        b = fromBase64(t);
      } catch {
        return null;
      }
    }
  } else {
    b = Buffer.from(signature.buffer, signature.byteOffset, signature.byteLength);
  }
  if (b.length === 64) return { r: bigFromBytes(b.subarray(0, 32)), s: bigFromBytes(b.subarray(32)) };
  return b[0] === 0x30 ? decodeDerSignature(b) : null;
}

/**
 * Verify an SM3withSM2 signature (r ‖ s or DER; bytes, Base64 or hex). Returns false for any
 * malformed or wrong signature; throws only for an unusable public key.
 */
export function sm2Verify(
  message: BytesLike,
  signature: string | Uint8Array,
  publicKey: PublicKeyInput,
  options: Sm2Options = {},
): boolean {
  const key = Sm2PublicKey.from(publicKey);
  const sig = parseSignature(signature);
  if (!sig) return false;
  const { r, s } = sig;
  if (r < 1n || r >= N || s < 1n || s >= N) return false;
  const t = modN(r + s);
  if (t === 0n) return false;
  const e = digest(key.z(options.userId), message);

  const table = key.tableForVerify();
  const point = table
    ? mulFixed2(generatorTable(), s, table, t)
    : add(mulFixed(generatorTable(), s), mulVar({ x: key.x, y: key.y }, t));
  const [X, , Z] = point;
  if (Z === 0n) return false;
  // R = (e + x1) mod n = r  ⇔  x1 ∈ {r − e mod n, that + n (if < p)}; compare in Jacobian form
  // (X = x1 · Z²) to save an inversion.
  const z2 = (Z * Z) % P;
  let x = modN(r - e);
  for (;;) {
    if ((x * z2) % P === X) return true;
    x += N;
    if (x >= P) return false;
  }
}

export interface Sm2KeyPair {
  /** Base64 of raw d (32 bytes). */
  privateKey: string;
  /** Base64 of 04 ‖ X ‖ Y (65 bytes). */
  publicKey: string;
  privateKeyHex: string;
  publicKeyHex: string;
}

export function sm2GenerateKeyPair(): Sm2KeyPair {
  const k = Sm2PrivateKey.generate();
  return {
    privateKey: k.toBase64(),
    publicKey: k.publicKey.toBase64(),
    privateKeyHex: k.toHex(),
    publicKeyHex: k.publicKey.toHex(),
  };
}

/** Base64 public key (04 ‖ X ‖ Y) of a private key. */
export function sm2PublicKeyFromPrivate(privateKey: PrivateKeyInput): string {
  return Sm2PrivateKey.from(privateKey).publicKey.toBase64();
}

/** DER form of a raw r ‖ s signature (for peers that want ASN.1). */
export function sm2SignatureToDer(signature: string | Uint8Array): Buffer {
  const sig = parseSignature(signature);
  if (!sig) throw new TypeError('not an SM2 signature');
  return encodeDerSignature(sig.r, sig.s);
}

/** Raw r ‖ s (64 bytes) from DER or raw input. */
export function sm2SignatureToRaw(signature: string | Uint8Array): Buffer {
  const sig = parseSignature(signature);
  if (!sig || sig.r >= 1n << 256n || sig.s >= 1n << 256n) throw new TypeError('not an SM2 signature');
  return Buffer.concat([bigToBytes(sig.r), bigToBytes(sig.s)]);
}
