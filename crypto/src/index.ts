/**
 * @ih/crypto — the Chinese national-standard algorithms used by the national medical insurance
 * mobile-pay envelope: SM3 (hash), SM4 (block cipher), SM2 (signatures), and the envelope itself.
 * Shared by the BFF's client for the mobile-pay center and by the mock of that center.
 */
export { sm3, sm3Hex } from './sm3';
export { sm4DecryptCbc, sm4DecryptEcb, sm4EncryptBlock, sm4EncryptCbc, sm4EncryptEcb } from './sm4';
export {
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
  type PrivateKeyInput,
  type PublicKeyInput,
  type Sm2KeyPair,
  type Sm2Options,
  type UserId,
} from './sm2';
export type { BytesLike } from './bytes';
export {
  ENVELOPE_VERSION,
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
  type Envelope,
  type EnvelopeErrorCode,
  type EnvelopeKeys,
  type OpenOptions,
  type Opened,
  type SealOptions,
  type SignFields,
  type TimestampFormat,
} from './envelope';
