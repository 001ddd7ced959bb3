import { sm2 as smc } from 'sm-crypto';
import {
  DEFAULT_SM2_USER_ID,
  EnvelopeDecryptError,
  EnvelopeError,
  EnvelopeFormatError,
  EnvelopeSignatureError,
  EnvelopeStaleError,
  buildSignString,
  canonicalJson,
  decryptData,
  deriveSm4Key,
  encryptData,
  formatTimestamp,
  openEnvelope,
  parseTimestamp,
  sealRequest,
  sealResponse,
  sm2GenerateKeyPair,
  sm2Verify,
  sm4DecryptEcb,
  sm4EncryptEcb,
  type Envelope,
} from '../src';

// Public example (lpilp/phpsm2sm3sm4#61): appId, appSecret, data and timestamp as posted there.
const APP_ID = '1H452H9AR0LO3F60C80A000054C771C6';
const APP_SECRET = '1H452H9B30LP3F60C80A0000AB8B7385';
const EXAMPLE_DATA = {
  // deliberately not in key order: the sign string sorts
  userName: '张三',
  payToken: '150000ecb2gfdlm0tg0100007f00004a27f622',
  payOrdId: 'ord150100202210140931280000007',
  orgCodg: 'H15020400121',
  idType: '01',
  idNo: '150204198912131512',
};
const EXAMPLE_SIGN_STRING =
  'appId=1H452H9AR0LO3F60C80A000054C771C6&data={"idNo":"150204198912131512","idType":"01","orgCodg":"H15020400121","payOrdId":"ord150100202210140931280000007","payToken":"150000ecb2gfdlm0tg0100007f00004a27f622","userName":"张三"}&encType=SM4&signType=SM2&timestamp=1692977670450&version=2.0.1&key=1H452H9B30LP3F60C80A0000AB8B7385';

const hospital = sm2GenerateKeyPair(); // our side (BFF)
const platform = sm2GenerateKeyPair(); // the mobile-pay center (mock)
const NOW = 1_700_000_000_000;
const clock = () => NOW;

describe('sign string', () => {
  it('reproduces the public example exactly', () => {
    const s = buildSignString(
      { version: '2.0.1', timestamp: 1692977670450, signType: 'SM2', encType: 'SM4', data: EXAMPLE_DATA, appId: APP_ID },
      APP_SECRET,
    );
    expect(s).toBe(EXAMPLE_SIGN_STRING);
  });

  it('the example sign string verifies against the platform Java signature posted with it', () => {
    const pub = 'BM1yojlVIVgICiappr5IFX7wbOSl0r5+6W57zvnwVYrNkuNVDY0umvSWYN3+kOnomLqSKidp3ZZfXn7wyX6m8Nk=';
    const javaSig = 'LzEcuoMrXd47tiIR7l+aUJNkNCc+hSdDW1QHl3Gmjl7VYu/tZu/ueRYwifpifhonxfKY3sVxXWhVcsB79+s4QA==';
    const s = buildSignString({ appId: APP_ID, data: EXAMPLE_DATA, encType: 'SM4', signType: 'SM2', timestamp: '1692977670450', version: '2.0.1' }, APP_SECRET);
    expect(sm2Verify(s, javaSig, pub, { userId: DEFAULT_SM2_USER_ID })).toBe(true);
  });

  it('drops null, undefined and empty values and never signs signData/encData/extra', () => {
    const s = buildSignString(
      { appId: 'A', timestamp: '1', empty: '', nothing: null, missing: undefined, signData: 'x', encData: 'y', extra: { a: 1 }, zero: 0, no: false },
      'S',
    );
    expect(s).toBe('appId=A&no=false&timestamp=1&zero=0&key=S');
  });

  it('sorts keys in ASCII order (upper case before lower case, no locale)', () => {
    expect(buildSignString({ appId: 'a', timestamp: 1, B: 'b', a: 'x', _: 'u', Z: 'z' }, 'k')).toBe('B=b&Z=z&_=u&a=x&appId=a&timestamp=1&key=k');
  });

  it('writes nested objects and arrays as compact JSON with keys sorted recursively, Chinese unescaped', () => {
    const data = { z: [{ b: 2, a: '甲' }, 3, 'x', null], a: { y: true, x: 1.5, n: null, e: '' }, m: '引号"和\\反斜杠' };
    expect(canonicalJson(data)).toBe('{"a":{"e":"","x":1.5,"y":true},"m":"引号\\"和\\\\反斜杠","z":[{"a":"甲","b":2},3,"x",null]}');
    expect(buildSignString({ appId: 'A', timestamp: 1, data }, 'K')).toBe(`appId=A&data=${canonicalJson(data)}&timestamp=1&key=K`);
  });

  it('writes top-level numbers and booleans as strings', () => {
    expect(buildSignString({ appId: 'A', timestamp: 1692977670450, success: true, amt: 12.5 }, 'K')).toBe(
      'amt=12.5&appId=A&success=true&timestamp=1692977670450&key=K',
    );
  });
});

describe('SM4 key derivation and data encryption', () => {
  it('derives the key as specified (k0 = appId[0:16], UPPER hex of SM4(k0, appSecret), first 16 chars)', () => {
    const key = deriveSm4Key(APP_ID, APP_SECRET);
    const t = sm4EncryptEcb(Buffer.from(APP_ID.slice(0, 16), 'ascii'), Buffer.from(APP_SECRET, 'ascii'));
    expect(key.toString('ascii')).toBe(t.toString('hex').toUpperCase().slice(0, 16));
    expect(key.toString('ascii')).toMatch(/^[0-9A-F]{16}$/);
    expect(key).toHaveLength(16);
  });

  it('rejects an appId shorter than 16 ASCII characters', () => {
    expect(() => deriveSm4Key('short', APP_SECRET)).toThrow(RangeError);
    expect(() => deriveSm4Key('医保'.repeat(10), APP_SECRET)).toThrow(RangeError);
  });

  it('encData is UPPER hex of SM4-ECB-PKCS7 of the JSON, and sm-crypto decrypts it', () => {
    const key = deriveSm4Key(APP_ID, APP_SECRET);
    const enc = encryptData(EXAMPLE_DATA, key);
    expect(enc).toMatch(/^[0-9A-F]+$/);
    expect(JSON.parse(sm4DecryptEcb(key, Buffer.from(enc, 'hex')).toString('utf8'))).toEqual(EXAMPLE_DATA);
    const { sm4 } = require('sm-crypto') as typeof import('sm-crypto');
    expect(JSON.parse(sm4.decrypt(enc.toLowerCase(), key.toString('hex')))).toEqual(EXAMPLE_DATA);
    expect(decryptData(enc, key)).toEqual(EXAMPLE_DATA);
    expect(decryptData(enc.toLowerCase(), key)).toEqual(EXAMPLE_DATA);
  });
});

describe('timestamps', () => {
  it('formats and parses milliseconds and yyyyMMddHHmmss (China Standard Time)', () => {
    const t = Date.UTC(2023, 7, 25, 15, 34, 30); // 23:34:30 in Beijing
    expect(formatTimestamp(t)).toBe(String(t));
    expect(formatTimestamp(t, 'yyyyMMddHHmmss')).toBe('20230825233430');
    expect(parseTimestamp('20230825233430', 'yyyyMMddHHmmss')).toBe(t);
    expect(parseTimestamp(String(t))).toBe(t);
    expect(parseTimestamp(t)).toBe(t);
    expect(parseTimestamp('20231325233430', 'yyyyMMddHHmmss')).toBeNull(); // month 13
    expect(parseTimestamp('2023082523343', 'yyyyMMddHHmmss')).toBeNull();
    expect(parseTimestamp('12a')).toBeNull();
    expect(parseTimestamp(undefined)).toBeNull();
  });
});

describe('envelope', () => {
  const bffSeal = { appId: APP_ID, appSecret: APP_SECRET, privateKey: hospital.privateKey, now: clock };
  const centerOpen = { appId: APP_ID, appSecret: APP_SECRET, publicKey: hospital.publicKey, now: clock, maxAgeMs: 300_000 };

  it('seals a request with exactly the envelope fields; the other side opens it', () => {
    const env = sealRequest(EXAMPLE_DATA, bffSeal);
    expect(Object.keys(env).sort()).toEqual(['appId', 'encData', 'encType', 'signData', 'signType', 'timestamp', 'version']);
    expect(env).toMatchObject({ appId: APP_ID, encType: 'SM4', signType: 'SM2', version: '2.0.1', timestamp: String(NOW) });
    expect(env.encData).toMatch(/^[0-9A-F]+$/);
    expect(Buffer.from(env.signData, 'base64')).toHaveLength(64);
    expect('data' in env).toBe(false);

    const opened = openEnvelope<typeof EXAMPLE_DATA>(JSON.parse(JSON.stringify(env)), centerOpen);
    expect(opened.data).toEqual(EXAMPLE_DATA);
    expect(opened.timestampMs).toBe(NOW);
    expect(opened.fields).toMatchObject({ appId: APP_ID, version: '2.0.1' });
  });

  it('signs the plaintext sign string with the appSecret as SM2 user id by default (checked with sm-crypto)', () => {
    const env = sealRequest(EXAMPLE_DATA, bffSeal);
    const s = buildSignString({ appId: APP_ID, data: EXAMPLE_DATA, encType: 'SM4', signType: 'SM2', timestamp: env.timestamp, version: '2.0.1' }, APP_SECRET);
    const hex = Buffer.from(env.signData, 'base64').toString('hex');
    expect(smc.doVerifySignature(s, hex, hospital.publicKeyHex, { hash: true, userId: APP_SECRET })).toBe(true);
    expect(smc.doVerifySignature(s, hex, hospital.publicKeyHex, { hash: true })).toBe(false);
  });

  it('supports the standard default user id when configured on both sides', () => {
    const env = sealRequest(EXAMPLE_DATA, { ...bffSeal, sm2UserId: DEFAULT_SM2_USER_ID });
    expect(openEnvelope(env, { ...centerOpen, sm2UserId: DEFAULT_SM2_USER_ID }).data).toEqual(EXAMPLE_DATA);
    expect(() => openEnvelope(env, centerOpen)).toThrow(EnvelopeSignatureError);
  });

  it('opens an envelope built by sm-crypto (independent implementation of every step)', () => {
    const { sm4 } = require('sm-crypto') as typeof import('sm-crypto');
    const timestamp = String(NOW);
    const fields = { appId: APP_ID, data: EXAMPLE_DATA, encType: 'SM4', signType: 'SM2', timestamp, version: '2.0.1' };
    const key = sm4.encrypt(APP_SECRET, Buffer.from(APP_ID.slice(0, 16)).toString('hex')).toUpperCase().slice(0, 16);
    const encData = sm4.encrypt(JSON.stringify(EXAMPLE_DATA), Buffer.from(key).toString('hex')).toUpperCase();
    const sig = smc.doSignature(EXAMPLE_SIGN_STRING.replace('1692977670450', timestamp), platform.privateKeyHex, { hash: true, userId: APP_SECRET });
    const env = { appId: APP_ID, encType: 'SM4', signType: 'SM2', timestamp, version: '2.0.1', encData, signData: Buffer.from(sig, 'hex').toString('base64') };
    expect(buildSignString(fields, APP_SECRET)).toBe(EXAMPLE_SIGN_STRING.replace('1692977670450', timestamp));
    expect(openEnvelope(env, { ...centerOpen, publicKey: platform.publicKey }).data).toEqual(EXAMPLE_DATA);
  });

  it('seals responses with code/message/success, signed too', () => {
    const env = sealResponse({ payOrdId: 'P1', ordStas: '1' }, { code: '0', message: '成功', success: true }, { ...bffSeal, privateKey: platform.privateKey });
    expect(env).toMatchObject({ code: '0', message: '成功', success: true });
    const open = { ...centerOpen, publicKey: platform.publicKey };
    expect(openEnvelope(env, open)).toMatchObject({ data: { payOrdId: 'P1', ordStas: '1' }, fields: { code: '0', success: true } });
    expect(() => openEnvelope({ ...env, code: '-1' }, open)).toThrow(EnvelopeSignatureError);
    expect(() => openEnvelope({ ...env, success: false }, open)).toThrow(EnvelopeSignatureError);
  });

  it('handles an envelope without data (signed, no encData)', () => {
    const env = sealResponse(undefined, { code: '-1', message: '订单不存在', success: false }, { ...bffSeal, privateKey: platform.privateKey });
    expect(env.encData).toBeUndefined();
    const opened = openEnvelope(env, { ...centerOpen, publicKey: platform.publicKey });
    expect(opened.data).toBeUndefined();
    expect(opened.fields.message).toBe('订单不存在');
  });

  it('supports yyyyMMddHHmmss timestamps end to end', () => {
    const env = sealRequest({ a: 1 }, { ...bffSeal, timestampFormat: 'yyyyMMddHHmmss' });
    expect(env.timestamp).toMatch(/^\d{14}$/);
    expect(openEnvelope(env, { ...centerOpen, timestampFormat: 'yyyyMMddHHmmss', maxAgeMs: 2000 }).data).toEqual({ a: 1 });
  });

  describe('fails closed', () => {
    const env = sealRequest(EXAMPLE_DATA, bffSeal);
    const open = (e: unknown, extra: Partial<typeof centerOpen> = {}) => () => openEnvelope(e, { ...centerOpen, ...extra });

    it('tampered signData', () => {
      const sig = Buffer.from(env.signData, 'base64');
      sig[10]! ^= 1;
      expect(open({ ...env, signData: sig.toString('base64') })).toThrow(EnvelopeSignatureError);
      expect(open({ ...env, signData: '' })).toThrow(EnvelopeSignatureError);
      expect(open({ ...env, signData: undefined })).toThrow(EnvelopeSignatureError);
    });

    it('a signature by another key', () => {
      expect(open(env, { publicKey: platform.publicKey })).toThrow(EnvelopeSignatureError);
    });

    it('changed plaintext (re-encrypted data that was not signed)', () => {
      const forged = encryptData({ ...EXAMPLE_DATA, userName: '李四' }, deriveSm4Key(APP_ID, APP_SECRET));
      expect(open({ ...env, encData: forged })).toThrow(EnvelopeSignatureError);
    });

    it('changed signed fields (timestamp, version, appended field)', () => {
      expect(open({ ...env, timestamp: String(NOW + 1) })).toThrow(EnvelopeSignatureError);
      expect(open({ ...env, version: '2.0.2' })).toThrow(EnvelopeSignatureError);
      expect(open({ ...env, extraFlag: 'x' })).toThrow(EnvelopeSignatureError);
    });

    it('undecryptable encData', () => {
      const flipped = env.encData!.slice(0, -2) + (env.encData!.endsWith('00') ? '01' : '00');
      expect(open({ ...env, encData: flipped })).toThrow(EnvelopeError);
      expect(open({ ...env, encData: 'XYZ' })).toThrow(EnvelopeDecryptError);
      expect(open({ ...env, encData: env.encData!.slice(0, 32) })).toThrow(EnvelopeError);
      expect(open(env, { appSecret: APP_SECRET.replace('1', '2') })).toThrow(EnvelopeError);
      // a wrong key that still unpads yields garbage → not JSON or not signed
      const otherKey = sealRequest(EXAMPLE_DATA, { ...bffSeal, appSecret: 'another-secret-0000' });
      expect(open(otherKey)).toThrow(EnvelopeError);
    });

    it('stale or future timestamps when a window is set', () => {
      expect(open(env, { now: () => NOW + 300_001 })).toThrow(EnvelopeStaleError);
      expect(open(env, { now: () => NOW - 300_001 })).toThrow(EnvelopeStaleError);
      expect(open({ ...env, timestamp: 'yesterday' })).toThrow(EnvelopeStaleError);
      expect(openEnvelope(env, { ...centerOpen, now: () => NOW + 299_000 }).data).toEqual(EXAMPLE_DATA);
      try {
        open(env, { now: () => NOW + 10_000_000 })();
        throw new Error('expected a throw');
      } catch (e) {
        expect((e as EnvelopeError).code).toBe('ENVELOPE_STALE');
      }
    });

    it('malformed envelopes', () => {
      expect(open(null)).toThrow(EnvelopeFormatError);
      expect(open('str')).toThrow(EnvelopeFormatError);
      expect(open({ ...env, appId: 'OTHER' })).toThrow(EnvelopeFormatError);
      expect(open({ ...env, encType: 'AES' })).toThrow(EnvelopeFormatError);
      expect(open({ ...env, signType: 'RSA' })).toThrow(EnvelopeFormatError);
      expect(open({ ...env, data: EXAMPLE_DATA })).toThrow(EnvelopeFormatError);
      expect(open({ ...env, encData: 123 })).toThrow(EnvelopeFormatError);
    });

    it('refuses to seal pre-serialized string data', () => {
      expect(() => sealRequest('{"a":1}' as unknown as object, bffSeal)).toThrow(TypeError);
    });
  });

  it('does not leak the appSecret into the envelope', () => {
    const env: Envelope = sealRequest(EXAMPLE_DATA, bffSeal);
    expect(JSON.stringify(env)).not.toContain(APP_SECRET);
  });
});
