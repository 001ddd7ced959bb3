/**
 * Electronic signature of prescriptions (Tongchuan §21: 电子处方必须有医师电子签名; the pharmacist's
 * approval is signed too). Every doctor and pharmacist has an SM2 key pair; the signature is
 * SM3withSM2 (user id 1234567812345678, GM/T 0009) over the canonical content, Base64 of r‖s.
 *
 * In a real deployment the private keys live in the CA's signing service (协同签名 / 云签名):
 * the BFF sends the content (or its hash) and gets back the signature and the signer's
 * certificate public key. `PrescriptionSigner` is that boundary; `LocalSigner` (local.ts) is the
 * in-house stand-in that keeps FieldCipher-encrypted keys in `signer_keys`. Verifying needs only
 * the public key and happens in the BFF (never trusts the signer's own word).
 */
export type SignerSubjectType = 'DOCTOR' | 'PHARMACIST';

export interface SignerSubject {
  type: SignerSubjectType;
  /** doctors.id or pharmacists.id. */
  id: string;
}

export interface SignerKeyInfo {
  /** The signer's id for the key (CA: certificate serial; local: signer_keys.id). */
  keyId: string;
  /** Base64 of 04‖X‖Y. */
  publicKey: string;
}

export interface SignResult extends SignerKeyInfo {
  /** Base64 of r‖s (64 bytes). */
  signature: string;
  algorithm: 'SM3withSM2';
}

export interface PrescriptionSigner {
  /** Which implementation (for logs and the capability page). */
  readonly kind: string;
  /** The subject's current key, creating one where the implementation may (local, auto-enrol). */
  enroll(subject: SignerSubject): Promise<SignerKeyInfo>;
  /** The subject's current key, or null when not enrolled (never creates one). */
  currentKey(subject: SignerSubject): Promise<SignerKeyInfo | null>;
  /** Signs the UTF-8 content with the subject's current key. */
  sign(subject: SignerSubject, content: string): Promise<SignResult>;
  /** Whether `publicKey` is (or was) a key issued to the subject (old signatures stay verifiable after rotation). */
  isSubjectKey(subject: SignerSubject, publicKey: string): Promise<boolean>;
}

/** The subject has no usable key (not enrolled / revoked): the user must see the CA office. */
export class SignerNotEnrolledError extends Error {
  override name = 'SignerNotEnrolledError';
}

/** The signing service failed or timed out: nothing was signed; retry later. */
export class SignerUnavailableError extends Error {
  override name = 'SignerUnavailableError';
}
