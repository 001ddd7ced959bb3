/**
 * The local signer: SM2 key pairs in `signer_keys`, private keys encrypted at rest with the
 * FieldCipher (AES-256-GCM, AAD binds each key to its subject so a row copied to another subject
 * does not decrypt). Keys are generated on first use when `autoEnroll` is on (demo, tests) and by
 * the seed for the demo staff. At most one ACTIVE key per subject (unique on active_marker).
 */
import { sm2GenerateKeyPair, sm2PublicKeyFromPrivate, sm2SignBase64, DEFAULT_SM2_USER_ID } from '@ih/crypto';
import type { FieldCipher } from '@ih/db';
import type { Db } from '../../deps';
import {
  SignerNotEnrolledError,
  SignerUnavailableError,
  type PrescriptionSigner,
  type SignResult,
  type SignerKeyInfo,
  type SignerSubject,
} from './types';
import { isUniqueViolation } from '../../lib/dbErrors';

export const signerKeyAad = (s: SignerSubject) => `signer_key:${s.type}:${s.id}`;

export interface LocalSignerOptions {
  /** Create a key pair for a subject without one (demo/tests). Off: SignerNotEnrolledError. */
  autoEnroll: boolean;
}

export class LocalSigner implements PrescriptionSigner {
  readonly kind = 'local';

  constructor(
    private readonly prisma: Db,
    private readonly cipher: FieldCipher,
    private readonly options: LocalSignerOptions,
  ) {}

  async currentKey(subject: SignerSubject): Promise<SignerKeyInfo | null> {
    const row = await this.prisma.signerKey.findFirst({
      where: { subjectType: subject.type, subjectId: subject.id, activeMarker: true },
      select: { id: true, publicKey: true },
    });
    return row ? { keyId: row.id, publicKey: row.publicKey } : null;
  }

  async enroll(subject: SignerSubject): Promise<SignerKeyInfo> {
    const existing = await this.currentKey(subject);
    if (existing) return existing;
    if (!this.options.autoEnroll) throw new SignerNotEnrolledError(`${subject.type} ${subject.id} has no signing key`);
    return createLocalKey(this.prisma, this.cipher, subject);
  }

  async sign(subject: SignerSubject, content: string): Promise<SignResult> {
    let row = await this.prisma.signerKey.findFirst({
      where: { subjectType: subject.type, subjectId: subject.id, activeMarker: true },
      select: { id: true, publicKey: true, privateKeyEnc: true },
    });
    if (!row) {
      await this.enroll(subject);
      row = await this.prisma.signerKey.findFirst({
        where: { subjectType: subject.type, subjectId: subject.id, activeMarker: true },
        select: { id: true, publicKey: true, privateKeyEnc: true },
      });
      if (!row) throw new SignerNotEnrolledError(`${subject.type} ${subject.id} has no signing key`);
    }
    let privateKey: string;
    try {
      privateKey = this.cipher.decrypt(row.privateKeyEnc, signerKeyAad(subject));
    } catch (err) {
      throw new SignerUnavailableError('signing key cannot be decrypted', { cause: err });
    }
    // The stored public key must belong to the private key (a swapped row is refused, not used).
    if (sm2PublicKeyFromPrivate(privateKey) !== row.publicKey) throw new SignerUnavailableError('signing key pair mismatch');
    const signature = sm2SignBase64(Buffer.from(content, 'utf8'), privateKey, { userId: DEFAULT_SM2_USER_ID });
    return { signature, keyId: row.id, publicKey: row.publicKey, algorithm: 'SM3withSM2' };
  }

  async isSubjectKey(subject: SignerSubject, publicKey: string): Promise<boolean> {
    const n = await this.prisma.signerKey.count({ where: { subjectType: subject.type, subjectId: subject.id, publicKey } });
    return n > 0;
  }
}

/**
 * Creates the subject's key pair (and publishes the public key on the doctor/pharmacist row).
 * Concurrent callers: the unique (subject, active_marker) key lets one win; the others read it.
 */
export async function createLocalKey(prisma: Db, cipher: FieldCipher, subject: SignerSubject): Promise<SignerKeyInfo> {
  const pair = sm2GenerateKeyPair();
  try {
    const row = await prisma.$transaction(async (tx) => {
      const created = await tx.signerKey.create({
        data: {
          subjectType: subject.type,
          subjectId: subject.id,
          publicKey: pair.publicKey,
          privateKeyEnc: cipher.encrypt(pair.privateKey, signerKeyAad(subject)),
          activeMarker: true,
        },
        select: { id: true, publicKey: true },
      });
      if (subject.type === 'DOCTOR') await tx.doctor.update({ where: { id: subject.id }, data: { sm2PublicKey: pair.publicKey } });
      else await tx.pharmacist.update({ where: { id: subject.id }, data: { sm2PublicKey: pair.publicKey } });
      return created;
    });
    return { keyId: row.id, publicKey: row.publicKey };
  } catch (err) {
    if (isUniqueViolation(err)) {
      const row = await prisma.signerKey.findFirst({ where: { subjectType: subject.type, subjectId: subject.id, activeMarker: true }, select: { id: true, publicKey: true } });
      if (row) return { keyId: row.id, publicKey: row.publicKey };
    }
    throw err;
  }
}

/** Replaces the subject's key (old signatures stay verifiable: the old row is kept, inactive). */
export async function rotateLocalKey(prisma: Db, cipher: FieldCipher, subject: SignerSubject): Promise<SignerKeyInfo> {
  await prisma.signerKey.updateMany({
    where: { subjectType: subject.type, subjectId: subject.id, activeMarker: true },
    data: { activeMarker: null, revokedAt: new Date() },
  });
  return createLocalKey(prisma, cipher, subject);
}
