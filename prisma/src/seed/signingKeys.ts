/**
 * SM2 signing keys for the demo staff who sign in (doctors and pharmacists with an `account`), so
 * the demo can sign prescriptions and approvals at once. Same layout as the BFF's local signer
 * (bff/src/platforms/signer/local.ts): one ACTIVE row per subject in `signer_keys`, the private key
 * (Base64 of raw d) FieldCipher-encrypted with AAD `signer_key:<DOCTOR|PHARMACIST>:<id>`, the
 * public key (Base64 04‖X‖Y) also published on the doctor/pharmacist row. Keys are generated with
 * Node's OpenSSL (SM2 curve); an existing active key is kept (idempotent).
 * In production the keys live in the CA's signing service and this is not run (demo only).
 */
import { generateKeyPairSync } from 'node:crypto';
import type { PrismaClient } from '../../generated/client/client';
import type { FieldCipher } from '../cipher';

export type SignerSubjectType = 'DOCTOR' | 'PHARMACIST';

export const signerKeyAad = (type: SignerSubjectType, id: string) => `signer_key:${type}:${id}`;

/** A fresh SM2 key pair as Base64 raw d and Base64 04‖X‖Y. */
export function generateSm2KeyPair(): { privateKey: string; publicKey: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'SM2' });
  // SEC1 ECPrivateKey: SEQUENCE { INTEGER 1, OCTET STRING (32) d, … }
  const sec1 = privateKey.export({ type: 'sec1', format: 'der' });
  const at = sec1.indexOf(Buffer.from([0x02, 0x01, 0x01, 0x04, 0x20]));
  if (at < 0) throw new Error('unexpected SM2 private key encoding');
  const d = sec1.subarray(at + 5, at + 37);
  // SubjectPublicKeyInfo ends with the BIT STRING content 04‖X‖Y (65 bytes).
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  const q = spki.subarray(spki.length - 65);
  if (q[0] !== 0x04) throw new Error('unexpected SM2 public key encoding');
  return { privateKey: Buffer.from(d).toString('base64'), publicKey: Buffer.from(q).toString('base64') };
}

export async function ensureSigningKey(prisma: PrismaClient, cipher: FieldCipher, type: SignerSubjectType, subjectId: string): Promise<'created' | 'kept'> {
  const existing = await prisma.signerKey.findFirst({ where: { subjectType: type, subjectId, activeMarker: true }, select: { publicKey: true } });
  if (existing) {
    // Keep the published key in step with the active one.
    if (type === 'DOCTOR') await prisma.doctor.update({ where: { id: subjectId }, data: { sm2PublicKey: existing.publicKey } });
    else await prisma.pharmacist.update({ where: { id: subjectId }, data: { sm2PublicKey: existing.publicKey } });
    return 'kept';
  }
  const pair = generateSm2KeyPair();
  await prisma.$transaction(async (tx) => {
    await tx.signerKey.create({
      data: { subjectType: type, subjectId, publicKey: pair.publicKey, privateKeyEnc: cipher.encrypt(pair.privateKey, signerKeyAad(type, subjectId)), activeMarker: true },
    });
    if (type === 'DOCTOR') await tx.doctor.update({ where: { id: subjectId }, data: { sm2PublicKey: pair.publicKey } });
    else await tx.pharmacist.update({ where: { id: subjectId }, data: { sm2PublicKey: pair.publicKey } });
  });
  return 'created';
}

/** Keys for every doctor and pharmacist linked to a staff account. */
export async function seedSigningKeys(prisma: PrismaClient, cipher: FieldCipher, log: (msg: string) => void): Promise<number> {
  const doctors = await prisma.doctor.findMany({ where: { userId: { not: null } }, select: { id: true } });
  const pharmacists = await prisma.pharmacist.findMany({ where: { userId: { not: null } }, select: { id: true } });
  let created = 0;
  for (const d of doctors) if ((await ensureSigningKey(prisma, cipher, 'DOCTOR', d.id)) === 'created') created += 1;
  for (const p of pharmacists) if ((await ensureSigningKey(prisma, cipher, 'PHARMACIST', p.id)) === 'created') created += 1;
  log(`signing keys: ${doctors.length + pharmacists.length} staff (${created} new)`);
  return created;
}
