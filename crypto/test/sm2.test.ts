import { createPrivateKey, createPublicKey, randomBytes, sign as nodeSign, verify as nodeVerify } from 'node:crypto';
import { sm2 as smc } from 'sm-crypto';
import { sm2 as v2 } from 'sm-crypto-v2';
import {
  DEFAULT_SM2_USER_ID,
  Sm2KeyError,
  Sm2PrivateKey,
  Sm2PublicKey,
  sm2GenerateKeyPair,
  sm2PublicKeyFromPrivate,
  sm2Sign,
  sm2SignBase64,
  sm2SignatureToDer,
  sm2SignatureToRaw,
  sm2Verify,
  sm2Z,
} from '../src';

const APP_SECRET_ID = '1H452H9B30LP3F60C80A0000AB8B7385'; // shape of a platform appSecret
const USER_IDS = [DEFAULT_SM2_USER_ID, APP_SECRET_ID];
const MESSAGES = [
  '',
  'abc',
  '医保移动支付：张三 自付 12.34 元；统筹 56.78 元。'.repeat(200), // long, Chinese (≈ 11 KB UTF-8)
  'appId=1H452H9AR0LO3F60C80A000054C771C6&data={"payOrdId":"ORD1","userName":"张三"}&encType=SM4&signType=SM2&timestamp=1692977670450&version=2.0.1&key=' +
    APP_SECRET_ID,
];

const kp = sm2GenerateKeyPair();

describe('SM2 keys', () => {
  it('generates keys in the platform formats (Base64 raw d, Base64 04‖X‖Y) and hex', () => {
    expect(Buffer.from(kp.privateKey, 'base64')).toHaveLength(32);
    const pub = Buffer.from(kp.publicKey, 'base64');
    expect(pub).toHaveLength(65);
    expect(pub[0]).toBe(4);
    expect(kp.privateKeyHex).toBe(Buffer.from(kp.privateKey, 'base64').toString('hex'));
    expect(kp.publicKeyHex).toBe(pub.toString('hex'));
  });

  it('derives the same public key as sm-crypto and sm-crypto-v2', () => {
    for (let i = 0; i < 5; i++) {
      const k = sm2GenerateKeyPair();
      // present in sm-crypto 0.5.8, missing from @types/sm-crypto
      const smcPub = (smc as unknown as { getPublicKeyFromPrivateKey(d: string): string }).getPublicKeyFromPrivateKey;
      expect(smcPub(k.privateKeyHex)).toBe(k.publicKeyHex);
      expect(v2.getPublicKeyFromPrivateKey(k.privateKeyHex)).toBe(k.publicKeyHex);
      expect(sm2PublicKeyFromPrivate(k.privateKeyHex)).toBe(k.publicKey);
    }
    const theirs = smc.generateKeyPairHex();
    expect(Sm2PrivateKey.from(theirs.privateKey).publicKey.toHex()).toBe(theirs.publicKey);
  });

  it('accepts every supported encoding of the same key', () => {
    const priv = Sm2PrivateKey.from(kp.privateKey);
    const d = priv.toBytes();
    const forms = [kp.privateKey, kp.privateKeyHex, kp.privateKeyHex.toUpperCase(), d, Buffer.concat([Buffer.alloc(1), d]), Buffer.concat([Buffer.alloc(1), d]).toString('base64'), priv.toPkcs8Der(), priv.toPkcs8Der().toString('base64')];
    for (const f of forms) expect(Sm2PrivateKey.from(f).toBase64()).toBe(kp.privateKey);
    const pub = Sm2PublicKey.from(kp.publicKey);
    const xy = pub.toBytes().subarray(1);
    const compressed = Buffer.concat([Buffer.from([2 + Number(pub.y & 1n)]), xy.subarray(0, 32)]);
    const pubForms = [kp.publicKey, kp.publicKeyHex, xy, xy.toString('hex'), compressed, compressed.toString('base64'), pub.toSpkiDer(), pub.toSpkiDer().toString('base64')];
    for (const f of pubForms) expect(Sm2PublicKey.from(f).toBase64()).toBe(kp.publicKey);
  });

  it('round-trips through Node/OpenSSL DER (PKCS#8, SPKI)', () => {
    const priv = Sm2PrivateKey.from(kp.privateKey);
    const nodePriv = createPrivateKey({ key: priv.toPkcs8Der(), format: 'der', type: 'pkcs8' });
    expect(nodePriv.export({ format: 'der', type: 'pkcs8' }).equals(priv.toPkcs8Der())).toBe(true);
    const nodePub = createPublicKey({ key: priv.publicKey.toSpkiDer(), format: 'der', type: 'spki' });
    expect(nodePub.export({ format: 'der', type: 'spki' }).equals(priv.publicKey.toSpkiDer())).toBe(true);
  });

  it('left-pads short hex private keys (Java BigInteger.toString(16))', () => {
    const k = Sm2PrivateKey.from('0'.repeat(63) + '5');
    expect(Sm2PrivateKey.from('5').toHex()).toBe(k.toHex());
  });

  it('rejects bad keys', () => {
    expect(() => Sm2PrivateKey.from(Buffer.alloc(32))).toThrow(Sm2KeyError); // d = 0
    expect(() => Sm2PrivateKey.from('f'.repeat(64))).toThrow(Sm2KeyError); // d ≥ n
    expect(() => Sm2PrivateKey.from(Buffer.alloc(20, 1))).toThrow(Sm2KeyError);
    const bad = Sm2PublicKey.from(kp.publicKey).toBytes();
    bad[64]! ^= 1; // no longer on the curve
    expect(() => Sm2PublicKey.from(bad)).toThrow(Sm2KeyError);
    expect(() => Sm2PublicKey.from(bad.toString('base64'))).toThrow(Sm2KeyError);
    expect(() => Sm2PublicKey.from('not a key!')).toThrow(Sm2KeyError);
    expect(() => Sm2PublicKey.from(Buffer.alloc(65))).toThrow(Sm2KeyError);
  });

  it('never prints the private scalar', () => {
    const k = Sm2PrivateKey.from(kp.privateKey);
    expect(JSON.stringify({ k })).not.toContain(kp.privateKeyHex);
    expect(require('node:util').inspect(k)).not.toContain(kp.privateKeyHex);
  });
});

describe('SM2 Z value', () => {
  it('matches sm-crypto-v2 for the default, appSecret-like and empty user ids', () => {
    for (const id of [...USER_IDS, '']) {
      expect(sm2Z(kp.publicKey, id).toString('hex')).toBe(Buffer.from(v2.getZ(kp.publicKeyHex, id)).toString('hex'));
    }
    expect(sm2Z(kp.publicKey).equals(sm2Z(kp.publicKey, DEFAULT_SM2_USER_ID))).toBe(true);
  });
});

describe('SM2 interoperability (SM3withSM2, r‖s)', () => {
  for (const userId of USER_IDS) {
    describe(`user id ${userId}`, () => {
      it.each(MESSAGES.map((m) => [m.length, m]))('message of %i chars: ours → sm-crypto and sm-crypto-v2', (_len, msg) => {
        const sig = sm2Sign(msg, kp.privateKey, { userId });
        expect(sig).toHaveLength(64);
        const hex = sig.toString('hex');
        expect(smc.doVerifySignature(msg, hex, kp.publicKeyHex, { hash: true, userId })).toBe(true);
        expect(v2.doVerifySignature(msg, hex, kp.publicKeyHex, { hash: true, userId })).toBe(true);
        // and the other id does not verify: the id really is part of the signature
        const other = userId === DEFAULT_SM2_USER_ID ? APP_SECRET_ID : DEFAULT_SM2_USER_ID;
        expect(smc.doVerifySignature(msg, hex, kp.publicKeyHex, { hash: true, userId: other })).toBe(false);
      });

      it.each(MESSAGES.map((m) => [m.length, m]))('message of %i chars: sm-crypto and sm-crypto-v2 → ours', (_len, msg) => {
        const a = smc.doSignature(msg, kp.privateKeyHex, { hash: true, userId, der: false });
        const b = v2.doSignature(msg, kp.privateKeyHex, { hash: true, userId, der: false });
        for (const sig of [a, b]) {
          expect(sm2Verify(msg, sig, kp.publicKey, { userId })).toBe(true); // hex
          expect(sm2Verify(msg, Buffer.from(sig, 'hex').toString('base64'), kp.publicKeyHex, { userId })).toBe(true);
          expect(sm2Verify(msg, sig, kp.publicKey, { userId: userId === DEFAULT_SM2_USER_ID ? APP_SECRET_ID : DEFAULT_SM2_USER_ID })).toBe(false);
        }
        // DER signatures from sm-crypto are accepted too
        const der = smc.doSignature(msg, kp.privateKeyHex, { hash: true, userId, der: true });
        expect(sm2Verify(msg, der, kp.publicKey, { userId })).toBe(true);
      });
    });
  }

  it('signs bytes like the equivalent string', () => {
    const msg = '中文 bytes';
    const sig = sm2Sign(Buffer.from(msg, 'utf8'), kp.privateKey, { userId: APP_SECRET_ID });
    expect(sm2Verify(msg, sig, kp.publicKey, { userId: APP_SECRET_ID })).toBe(true);
    expect(smc.doVerifySignature(Array.from(Buffer.from(msg)), sig.toString('hex'), kp.publicKeyHex, { hash: true, userId: APP_SECRET_ID })).toBe(true);
  });

  it('defaults to the user id 1234567812345678', () => {
    const sig = sm2SignBase64('abc', kp.privateKey);
    expect(smc.doVerifySignature('abc', Buffer.from(sig, 'base64').toString('hex'), kp.publicKeyHex, { hash: true })).toBe(true);
    expect(sm2Verify('abc', sig, kp.publicKey)).toBe(true);
  });

  it('agrees with Node/OpenSSL for the empty user id (a third implementation)', () => {
    const priv = Sm2PrivateKey.from(kp.privateKey);
    const nodePriv = createPrivateKey({ key: priv.toPkcs8Der(), format: 'der', type: 'pkcs8' });
    const nodePub = createPublicKey({ key: priv.publicKey.toSpkiDer(), format: 'der', type: 'spki' });
    for (const msg of MESSAGES) {
      const theirs = nodeSign('sm3', Buffer.from(msg), nodePriv);
      expect(sm2Verify(msg, theirs, kp.publicKey, { userId: '' })).toBe(true);
      const ours = sm2SignatureToDer(sm2Sign(msg, priv, { userId: '' }));
      expect(nodeVerify('sm3', Buffer.from(msg), nodePub, ours)).toBe(true);
    }
  });

  it('verifies a signature made by the platform’s Java code (public example, lpilp/phpsm2sm3sm4#61)', () => {
    // Public key derived from the private key published in that issue; sign string and
    // signature exactly as posted there ("java正确的"). It was made with the default user id.
    const pub = 'BM1yojlVIVgICiappr5IFX7wbOSl0r5+6W57zvnwVYrNkuNVDY0umvSWYN3+kOnomLqSKidp3ZZfXn7wyX6m8Nk=';
    const signString =
      'appId=1H452H9AR0LO3F60C80A000054C771C6&data={"idNo":"150204198912131512","idType":"01","orgCodg":"H15020400121","payOrdId":"ord150100202210140931280000007","payToken":"150000ecb2gfdlm0tg0100007f00004a27f622","userName":"张三"}&encType=SM4&signType=SM2&timestamp=1692977670450&version=2.0.1&key=1H452H9B30LP3F60C80A0000AB8B7385';
    const javaSig = 'LzEcuoMrXd47tiIR7l+aUJNkNCc+hSdDW1QHl3Gmjl7VYu/tZu/ueRYwifpifhonxfKY3sVxXWhVcsB79+s4QA==';
    expect(sm2Verify(signString, javaSig, pub)).toBe(true);
    expect(sm2Verify(signString, javaSig, pub, { userId: '1H452H9B30LP3F60C80A0000AB8B7385' })).toBe(false);
    expect(sm2Verify(signString.replace('张三', '李四'), javaSig, pub)).toBe(false);
  });
});

describe('SM2 tampering and malformed input', () => {
  const userId = APP_SECRET_ID;
  const msg = MESSAGES[3]!;
  const sig = sm2Sign(msg, kp.privateKey, { userId });

  it('rejects a flipped bit anywhere in the message', () => {
    const bytes = Buffer.from(msg);
    for (const i of [0, 1, bytes.length >> 1, bytes.length - 1]) {
      const t = Buffer.from(bytes);
      t[i]! ^= 0x01;
      expect(sm2Verify(t, sig, kp.publicKey, { userId })).toBe(false);
    }
    expect(sm2Verify(msg + ' ', sig, kp.publicKey, { userId })).toBe(false);
  });

  it('rejects a flipped byte anywhere in the signature', () => {
    for (const i of [0, 15, 31, 32, 47, 63]) {
      const t = Buffer.from(sig);
      t[i]! ^= 0x80;
      expect(sm2Verify(msg, t, kp.publicKey, { userId })).toBe(false);
      expect(sm2Verify(msg, t.toString('base64'), kp.publicKey, { userId })).toBe(false);
    }
  });

  it('rejects another key, and out-of-range or malformed signatures without throwing', () => {
    expect(sm2Verify(msg, sig, sm2GenerateKeyPair().publicKey, { userId })).toBe(false);
    const n = Buffer.from('fffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123', 'hex');
    const cases: (string | Buffer)[] = [
      Buffer.alloc(64), // r = s = 0
      Buffer.concat([n, sig.subarray(32)]), // r = n
      Buffer.concat([sig.subarray(0, 32), n]), // s = n
      sig.subarray(0, 63),
      Buffer.concat([sig, Buffer.alloc(1)]),
      '',
      'not base64 at all ###',
      '3006020101020101', // DER r = s = 1
    ];
    for (const c of cases) expect(sm2Verify(msg, c, kp.publicKey, { userId })).toBe(false);
  });

  it('converts between r‖s and DER', () => {
    const der = sm2SignatureToDer(sig);
    expect(der[0]).toBe(0x30);
    expect(sm2Verify(msg, der, kp.publicKey, { userId })).toBe(true);
    expect(sm2SignatureToRaw(der).equals(sig)).toBe(true);
    expect(sm2SignatureToRaw(sig.toString('base64')).equals(sig)).toBe(true);
  });

  it('produces different signatures for the same message (random k), all valid', () => {
    const sigs = new Set<string>();
    for (let i = 0; i < 20; i++) {
      const s = sm2SignBase64(msg, kp.privateKey, { userId });
      sigs.add(s);
      expect(sm2Verify(msg, s, kp.publicKey, { userId })).toBe(true);
    }
    expect(sigs.size).toBe(20);
  });

  it('verifies with the cached per-key table the same way as without (many keys, repeated)', () => {
    // The first verification for a key takes the generic path; later ones use the key's table.
    for (let i = 0; i < 20; i++) {
      const k = sm2GenerateKeyPair();
      const m = randomBytes(i * 7);
      const s = sm2Sign(m, k.privateKey, { userId });
      const bad = Buffer.from(s);
      bad[5]! ^= 4;
      for (let round = 0; round < 3; round++) {
        expect(sm2Verify(m, s, k.publicKey, { userId })).toBe(true);
        expect(sm2Verify(m, bad, k.publicKey, { userId })).toBe(false);
      }
    }
  });
});
