/**
 * A minimal self-signed X.509 v3 certificate (DER/PEM) for the mock's "platform certificate"
 * mode. Node can parse certificates but not create them; this writes the few ASN.1 structures a
 * certificate needs (no extensions) and signs them with SHA256withRSA.
 */
import { sign, type KeyObject } from 'node:crypto';

function len(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  while (n > 0) {
    bytes.unshift(n & 0xff);
    n >>= 8;
  }
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}
const tlv = (tag: number, value: Buffer) => Buffer.concat([Buffer.from([tag]), len(value.length), value]);
const seq = (...items: Buffer[]) => tlv(0x30, Buffer.concat(items));
const set = (...items: Buffer[]) => tlv(0x31, Buffer.concat(items));
const nul = () => Buffer.from([0x05, 0x00]);
function oid(dotted: string): Buffer {
  const parts = dotted.split('.').map(Number);
  const out: number[] = [40 * parts[0]! + parts[1]!];
  for (const p of parts.slice(2)) {
    const stack: number[] = [p & 0x7f];
    let v = p >> 7;
    while (v > 0) {
      stack.unshift((v & 0x7f) | 0x80);
      v >>= 7;
    }
    out.push(...stack);
  }
  return tlv(0x06, Buffer.from(out));
}
function integer(bytes: Buffer): Buffer {
  let b = bytes;
  while (b.length > 1 && b[0] === 0 && (b[1]! & 0x80) === 0) b = b.subarray(1);
  if (b[0]! & 0x80) b = Buffer.concat([Buffer.from([0]), b]);
  return tlv(0x02, b);
}
function utcTime(d: Date): Buffer {
  const p = (n: number) => String(n).padStart(2, '0');
  const s = `${p(d.getUTCFullYear() % 100)}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}Z`;
  return tlv(0x17, Buffer.from(s, 'ascii'));
}
function name(attrs: Array<[string, string]>): Buffer {
  return seq(...attrs.map(([o, v]) => set(seq(oid(o), tlv(0x0c, Buffer.from(v, 'utf8'))))));
}

export interface SelfSignedOptions {
  /** Hex serial number (e.g. 40 hex digits like WeChat Pay's). */
  serialHex: string;
  commonName: string;
  organization?: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
  notBefore?: Date;
  notAfter?: Date;
}

export function selfSignedCertificatePem(o: SelfSignedOptions): string {
  const sha256WithRsa = seq(oid('1.2.840.113549.1.1.11'), nul());
  const subject = name([
    ['2.5.4.6', 'CN'],
    ['2.5.4.10', o.organization ?? 'Mock WeChat Pay'],
    ['2.5.4.3', o.commonName],
  ]);
  const notBefore = o.notBefore ?? new Date(Date.now() - 24 * 3600_000);
  const notAfter = o.notAfter ?? new Date(Date.now() + 5 * 365 * 24 * 3600_000);
  const spki = o.publicKey.export({ type: 'spki', format: 'der' });
  const tbs = seq(
    tlv(0xa0, integer(Buffer.from([2]))),
    integer(Buffer.from(o.serialHex, 'hex')),
    sha256WithRsa,
    subject,
    seq(utcTime(notBefore), utcTime(notAfter)),
    subject,
    spki,
  );
  const signature = sign('sha256', tbs, o.privateKey);
  const der = seq(tbs, sha256WithRsa, tlv(0x03, Buffer.concat([Buffer.from([0]), signature])));
  const b64 = der.toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '');
  return `-----BEGIN CERTIFICATE-----\n${b64}\n-----END CERTIFICATE-----\n`;
}
