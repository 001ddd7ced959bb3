/**
 * SM3 and SM4 come from Node's bundled OpenSSL. Checked once at load: a Node built without them
 * (e.g. linked against a system OpenSSL with SM disabled) fails loudly here rather than later.
 */
import { getCiphers, getHashes } from 'node:crypto';

const hashes = new Set(getHashes().map((h) => h.toLowerCase()));
const ciphers = new Set(getCiphers().map((c) => c.toLowerCase()));
const missing = [
  hashes.has('sm3') ? null : 'sm3',
  ciphers.has('sm4-ecb') ? null : 'sm4-ecb',
  ciphers.has('sm4-cbc') ? null : 'sm4-cbc',
].filter((x): x is string => x !== null);

if (missing.length > 0) {
  throw new Error(
    `@ih/crypto: this Node.js (${process.version}, OpenSSL ${process.versions.openssl ?? '?'}) lacks ` +
      `${missing.join(', ')}. Use the official Node.js build (it bundles OpenSSL 3 with SM3/SM4).`,
  );
}
