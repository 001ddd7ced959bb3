/**
 * The little DER this module needs: SM2 signatures as SEQUENCE{INTEGER r, INTEGER s} (what Java's
 * Signature and OpenSSL produce) and SM2 keys in SubjectPublicKeyInfo / PKCS#8 / SEC1 form (how
 * Java exports keys: "MFkwEwYHKoZIzj0CAQYIKoEcz1UBgi0DQgAE…").
 */
import { bigFromBytes, bigToBytes } from './bytes';

interface Tlv {
  tag: number;
  value: Buffer;
  end: number;
}

function readTlv(buf: Buffer, pos: number): Tlv | null {
  if (pos + 2 > buf.length) return null;
  const tag = buf[pos]!;
  let len = buf[pos + 1]!;
  let off = pos + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 3 || off + n > buf.length) return null;
    len = 0;
    for (let i = 0; i < n; i++) len = (len << 8) | buf[off + i]!;
    off += n;
    if (len < 0x80) return null; // not minimal
  }
  if (off + len > buf.length) return null;
  return { tag, value: buf.subarray(off, off + len), end: off + len };
}

/** Children of a constructed value; null if the bytes do not parse exactly. */
function children(value: Buffer): Tlv[] | null {
  const out: Tlv[] = [];
  let pos = 0;
  while (pos < value.length) {
    const t = readTlv(value, pos);
    if (!t) return null;
    out.push(t);
    pos = t.end;
  }
  return out;
}

function positiveInteger(t: Tlv | undefined): bigint | null {
  if (!t || t.tag !== 0x02 || t.value.length === 0 || t.value.length > 33) return null;
  if (t.value[0]! & 0x80) return null; // negative
  if (t.value.length > 1 && t.value[0] === 0 && !(t.value[1]! & 0x80)) return null; // not minimal
  return bigFromBytes(t.value);
}

/** r, s from a DER signature, or null if it is not exactly one. */
export function decodeDerSignature(der: Buffer): { r: bigint; s: bigint } | null {
  const seq = readTlv(der, 0);
  if (!seq || seq.tag !== 0x30 || seq.end !== der.length) return null;
  const parts = children(seq.value);
  if (!parts || parts.length !== 2) return null;
  const r = positiveInteger(parts[0]);
  const s = positiveInteger(parts[1]);
  return r === null || s === null ? null : { r, s };
}

function derInteger(v: bigint): Buffer {
  let b = bigToBytes(v, 32);
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  b = b.subarray(i);
  if (b[0]! & 0x80) b = Buffer.concat([Buffer.from([0]), b]);
  return Buffer.concat([Buffer.from([0x02, b.length]), b]);
}

export function encodeDerSignature(r: bigint, s: bigint): Buffer {
  const body = Buffer.concat([derInteger(r), derInteger(s)]);
  return Buffer.concat([Buffer.from([0x30, body.length]), body]);
}

// OIDs: id-ecPublicKey 1.2.840.10045.2.1, sm2p256v1 1.2.156.10197.1.301
const OID_EC = Buffer.from('2a8648ce3d0201', 'hex');
const OID_SM2 = Buffer.from('2a811ccf5501822d', 'hex');
const ALG_ID = Buffer.from('301306072a8648ce3d020106082a811ccf5501822d', 'hex');

function isSm2AlgorithmId(t: Tlv | undefined): boolean {
  if (!t || t.tag !== 0x30) return false;
  const c = children(t.value);
  if (!c || c.length !== 2 || c[0]!.tag !== 0x06 || c[1]!.tag !== 0x06) return false;
  return c[0]!.value.equals(OID_EC) && c[1]!.value.equals(OID_SM2);
}

/** The 65-byte 04‖X‖Y inside an SM2 SubjectPublicKeyInfo, or null. */
export function spkiToPoint(der: Buffer): Buffer | null {
  const seq = readTlv(der, 0);
  if (!seq || seq.tag !== 0x30 || seq.end !== der.length) return null;
  const c = children(seq.value);
  if (!c || c.length !== 2 || !isSm2AlgorithmId(c[0])) return null;
  const bits = c[1]!;
  if (bits.tag !== 0x03 || bits.value.length !== 66 || bits.value[0] !== 0) return null;
  return bits.value.subarray(1);
}

export function pointToSpki(point65: Buffer): Buffer {
  return Buffer.concat([Buffer.from([0x30, 0x59]), ALG_ID, Buffer.from([0x03, 0x42, 0x00]), point65]);
}

/** d from an SM2 PKCS#8 PrivateKeyInfo or a bare SEC1 ECPrivateKey, or null. */
export function privateKeyDerToScalar(der: Buffer): Buffer | null {
  const seq = readTlv(der, 0);
  if (!seq || seq.tag !== 0x30 || seq.end !== der.length) return null;
  const c = children(seq.value);
  if (!c || c.length < 2) return null;
  // PKCS#8: INTEGER 0, AlgorithmIdentifier, OCTET STRING { ECPrivateKey }
  if (c.length >= 3 && c[0]!.tag === 0x02 && c[0]!.value.length === 1 && c[0]!.value[0] === 0) {
    if (!isSm2AlgorithmId(c[1]) || c[2]!.tag !== 0x04) return null;
    return privateKeyDerToScalar(c[2]!.value);
  }
  // SEC1 ECPrivateKey: INTEGER 1, OCTET STRING d, [0] params?, [1] publicKey?
  if (c[0]!.tag === 0x02 && c[0]!.value.length === 1 && c[0]!.value[0] === 1 && c[1]!.tag === 0x04) {
    const params = c.find((t) => t.tag === 0xa0);
    if (params) {
      const oid = readTlv(params.value, 0);
      if (!oid || oid.tag !== 0x06 || !oid.value.equals(OID_SM2)) return null;
    }
    return c[1]!.value;
  }
  return null;
}

export function scalarToPkcs8(d32: Buffer, point65: Buffer): Buffer {
  const ecPrivateKey = Buffer.concat([
    Buffer.from('306b0201010420', 'hex'),
    d32,
    Buffer.from('a144034200', 'hex'),
    point65,
  ]);
  return Buffer.concat([
    Buffer.from([0x30, 0x81, 0x87, 0x02, 0x01, 0x00]),
    ALG_ID,
    Buffer.from([0x04, 0x6d]),
    ecPrivateKey,
  ]);
}
