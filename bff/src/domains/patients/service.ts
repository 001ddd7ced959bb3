/**
 * 就诊人 of a signed-in patient user.
 *
 * - Names, certificate numbers and phones are stored encrypted (FieldCipher) next to masked
 *   copies; the certificate number is also stored as a keyed hash (normalized first) so one
 *   account cannot add the same person twice (409 PATIENT_DUPLICATE) and person-level data
 *   (insured identity, HIS visits) can be joined. Only masked values ever leave this module.
 * - A user reaches only their own 就诊人: anybody else's id answers 404, like a missing one.
 * - Soft delete only (records an audit or a refund may need stay); refused while the patient
 *   has orders waiting for payment or a refund; the own identity (SELF) cannot be deleted.
 * - SELF is never typed: `upsertSelfPatientFromVoucher` creates it from the e-voucher data.
 * - At most `patients_max_per_user` (setting; default PATIENTS_MAX_PER_USER) live 就诊人.
 */
import {
  ageOn,
  idCardFacts,
  idCardProblem,
  maskCertificate,
  maskName,
  maskPhone,
  normalizeIdNumber,
  normalizeMobile,
  normalizeName,
  PatientSchema,
  type IdType,
  type Patient,
  type PatientCreateInput,
  type PatientUpdateInput,
} from '@ih/contract';
import type { FieldCipher, OrderState } from '@ih/db';
import { AppError } from '../../lib/errors';
import { settingInt } from '../../lib/settings';
import type { Config } from '../../config';
import type { Db } from '../../deps';
import type { Logger } from '../../logger';
import { isUniqueViolation } from '../../lib/dbErrors';

export const SETTING_MAX_PATIENTS = 'patients_max_per_user';

/** Orders that keep a 就诊人 from being deleted: not paid yet, or a refund under way. */
export const OPEN_ORDER_STATES: readonly OrderState[] = ['CREATED', 'UPLOADED', 'PRE_SETTLED', 'PAYING', 'REFUNDING'];

type Tx = Parameters<Parameters<Db['$transaction']>[0]>[0];

interface PatientRow {
  id: string;
  relationship: Patient['relationship'];
  nameMasked: string;
  idType: IdType;
  idNumberMasked: string;
  phoneMasked: string | null;
  birthDate: Date;
  gender: Patient['gender'];
  isDefault: boolean;
  createdAt: Date;
}

const VIEW_SELECT = {
  id: true, relationship: true, nameMasked: true, idType: true, idNumberMasked: true, phoneMasked: true,
  birthDate: true, gender: true, isDefault: true, createdAt: true,
} as const;

/** The only shape a 就诊人 leaves the BFF in: masked. */
export function toPatientView(row: PatientRow, now: Date = new Date()): Patient {
  const birth = row.birthDate.toISOString().slice(0, 10);
  return PatientSchema.parse({
    id: row.id,
    relationship: row.relationship,
    nameMasked: row.nameMasked,
    idType: row.idType,
    idNumberMasked: row.idNumberMasked,
    phoneMasked: row.phoneMasked,
    gender: row.gender,
    age: Math.max(0, ageOn(birth, now)),
    isDefault: row.isDefault,
    fromVoucher: row.relationship === 'SELF',
    createdAt: row.createdAt.toISOString(),
  });
}

const dateOnly = (ymd: string): Date => new Date(`${ymd}T00:00:00.000Z`);

export interface PatientServiceDeps {
  prisma: Db;
  cipher: FieldCipher;
  logger: Logger;
  config: Pick<Config, 'auth'>;
}

export class PatientService {
  constructor(private readonly deps: PatientServiceDeps) {}

  async limit(): Promise<number> {
    return settingInt(this.deps.prisma, SETTING_MAX_PATIENTS, this.deps.config.auth.maxPatientsPerUser, { min: 1, max: 100 }, this.deps.logger);
  }

  async list(userId: string): Promise<Patient[]> {
    const rows = await this.deps.prisma.patient.findMany({
      where: { ownerUserId: userId, deletedAt: null },
      select: VIEW_SELECT,
      orderBy: [{ createdAt: 'asc' }],
    });
    const now = new Date();
    // Self first, then the default, then in the order they were added.
    return rows
      .sort((a, b) => Number(b.relationship === 'SELF') - Number(a.relationship === 'SELF') || Number(b.isDefault) - Number(a.isDefault))
      .map((r) => toPatientView(r, now));
  }

  async get(userId: string, id: string): Promise<Patient> {
    return toPatientView(await this.own(this.deps.prisma, userId, id));
  }

  /** A live 就诊人 of this user, else 404 (also for other users' ids: nothing is revealed). */
  private async own(db: Db | Tx, userId: string, id: string): Promise<PatientRow> {
    const row = await db.patient.findFirst({ where: { id, ownerUserId: userId, deletedAt: null }, select: VIEW_SELECT });
    if (!row) throw new AppError('NOT_FOUND', { message: '就诊人不存在或已删除' });
    return row;
  }

  async create(userId: string, input: PatientCreateInput): Promise<Patient> {
    const { prisma, cipher } = this.deps;
    const idNumber = normalizeIdNumber(input.idNumber);
    const idNumberHash = cipher.hash(idNumber);
    const limit = await this.limit();
    const data = {
      relationship: input.relationship,
      nameEnc: cipher.encrypt(input.name),
      nameMasked: maskName(input.name),
      idType: input.idType,
      idNumberEnc: cipher.encrypt(idNumber),
      idNumberHash,
      idNumberMasked: maskCertificate(input.idType, idNumber),
      phoneEnc: cipher.encrypt(input.phone),
      phoneMasked: maskPhone(input.phone),
      birthDate: dateOnly(input.birthDate),
      gender: input.gender,
    };
    try {
      const row = await prisma.$transaction(async (tx) => {
        await this.lockOwner(tx, userId);
        const existing = await tx.patient.findUnique({ where: { ownerUserId_idNumberHash: { ownerUserId: userId, idNumberHash } }, select: { id: true, deletedAt: true } });
        if (existing && !existing.deletedAt) throw new AppError('PATIENT_DUPLICATE');
        const live = await tx.patient.count({ where: { ownerUserId: userId, deletedAt: null } });
        if (live >= limit) throw new AppError('PATIENT_LIMIT_REACHED');
        const isDefault = input.isDefault || live === 0;
        if (isDefault) await tx.patient.updateMany({ where: { ownerUserId: userId, isDefault: true }, data: { isDefault: false } });
        if (existing) {
          // The same person was deleted before: bring the row back (the unique key is per person).
          return tx.patient.update({ where: { id: existing.id }, data: { ...data, isDefault, deletedAt: null }, select: VIEW_SELECT });
        }
        return tx.patient.create({ data: { ...data, ownerUserId: userId, isDefault }, select: VIEW_SELECT });
      });
      return toPatientView(row);
    } catch (err) {
      if (isUniqueViolation(err)) throw new AppError('PATIENT_DUPLICATE', { cause: err });
      throw err;
    }
  }

  async update(userId: string, id: string, input: PatientUpdateInput): Promise<Patient> {
    const { prisma, cipher } = this.deps;
    const row = await prisma.$transaction(async (tx) => {
      await this.lockOwner(tx, userId);
      const current = await this.own(tx, userId, id);
      if (current.relationship === 'SELF') {
        const fields = [];
        if (input.name !== undefined) fields.push({ path: 'name', message: '本人姓名来自医保电子凭证，不能修改' });
        if (input.relationship !== undefined) fields.push({ path: 'relationship', message: '本人的关系不能修改' });
        if (fields.length) throw new AppError('VALIDATION_FAILED', { fields });
      }
      if (input.isDefault === true) await tx.patient.updateMany({ where: { ownerUserId: userId, isDefault: true, NOT: { id } }, data: { isDefault: false } });
      return tx.patient.update({
        where: { id },
        data: {
          ...(input.name !== undefined ? { nameEnc: cipher.encrypt(input.name), nameMasked: maskName(input.name) } : {}),
          ...(input.phone !== undefined ? { phoneEnc: cipher.encrypt(input.phone), phoneMasked: maskPhone(input.phone) } : {}),
          ...(input.relationship !== undefined ? { relationship: input.relationship } : {}),
          ...(input.isDefault !== undefined ? { isDefault: input.isDefault } : {}),
        },
        select: VIEW_SELECT,
      });
    });
    return toPatientView(row);
  }

  async remove(userId: string, id: string): Promise<void> {
    const { prisma } = this.deps;
    await prisma.$transaction(async (tx) => {
      await this.lockOwner(tx, userId);
      const current = await this.own(tx, userId, id);
      if (current.relationship === 'SELF') throw new AppError('PATIENT_SELF_UNDELETABLE');
      const open = await tx.order.count({ where: { patientId: id, state: { in: [...OPEN_ORDER_STATES] } } });
      if (open > 0) throw new AppError('PATIENT_HAS_OPEN_ORDERS');
      await tx.patient.update({ where: { id }, data: { deletedAt: new Date(), isDefault: false } });
      if (current.isDefault) {
        // Someone stays the default: the own identity if there is one, else the earliest added.
        const self = await tx.patient.findFirst({ where: { ownerUserId: userId, deletedAt: null, relationship: 'SELF' }, select: { id: true } });
        const pick = self ?? (await tx.patient.findFirst({ where: { ownerUserId: userId, deletedAt: null }, orderBy: { createdAt: 'asc' }, select: { id: true } }));
        if (pick) await tx.patient.update({ where: { id: pick.id }, data: { isDefault: true } });
      }
    });
  }

  /**
   * Serializes changes to one user's 就诊人 (limit, default flag, duplicates) by locking the
   * owner's row for the transaction.
   */
  private async lockOwner(tx: Tx, userId: string): Promise<void> {
    await tx.$queryRaw`SELECT id FROM users WHERE id = ${userId} FOR UPDATE`;
  }
}

export interface VoucherIdentity {
  userId: string;
  /** As the platform reports it (psnName), clear text. */
  name: string;
  idType: IdType;
  /** As the platform reports it (certno), clear text. */
  idNumber: string;
  /** Needed for certificates other than the resident ID (the number does not carry them). */
  birthDate?: string;
  gender?: 'MALE' | 'FEMALE';
  phone?: string | null;
}

export interface SelfPatientResult {
  patient: Patient;
  /** True when the row was created (or brought back), false when an existing one was updated. */
  created: boolean;
}

/**
 * The account owner's own 就诊人 (relationship SELF), from an e-voucher authorization: called by
 * the voucher flow once the platform has said whose voucher it is. Creates it, or turns an
 * existing entry for the same person (added by hand as family, or deleted) into SELF and
 * refreshes name/phone from the platform. An account has one SELF: a voucher of a different
 * person than the registered SELF is refused with SELF_IDENTITY_CONFLICT.
 */
export async function upsertSelfPatientFromVoucher(
  deps: { prisma: Db; cipher: FieldCipher },
  identity: VoucherIdentity,
): Promise<SelfPatientResult> {
  const { prisma, cipher } = deps;
  const idNumber = normalizeIdNumber(identity.idNumber);
  const name = normalizeName(identity.name);
  let facts: { birthDate: string; gender: 'MALE' | 'FEMALE' };
  if (identity.idType === 'ID_CARD') {
    const problem = idCardProblem(idNumber);
    if (problem) throw new Error(`upsertSelfPatientFromVoucher: the platform's resident ID number is not valid (${problem})`);
    facts = idCardFacts(idNumber);
  } else {
    if (!identity.birthDate || !identity.gender) throw new Error('upsertSelfPatientFromVoucher: birthDate and gender are required for this certificate type');
    facts = { birthDate: identity.birthDate, gender: identity.gender };
  }
  const idNumberHash = cipher.hash(idNumber);
  const phone = identity.phone ? normalizeMobile(identity.phone) : null;
  const data = {
    relationship: 'SELF' as const,
    nameEnc: cipher.encrypt(name),
    nameMasked: maskName(name),
    idType: identity.idType,
    idNumberEnc: cipher.encrypt(idNumber),
    idNumberHash,
    idNumberMasked: maskCertificate(identity.idType, idNumber),
    birthDate: dateOnly(facts.birthDate),
    gender: facts.gender,
    ...(phone ? { phoneEnc: cipher.encrypt(phone), phoneMasked: maskPhone(phone) } : {}),
  };
  const { row, created } = await prisma.$transaction(async (tx) => {
    await tx.$queryRaw`SELECT id FROM users WHERE id = ${identity.userId} FOR UPDATE`;
    const self = await tx.patient.findFirst({ where: { ownerUserId: identity.userId, relationship: 'SELF', deletedAt: null }, select: { id: true, idNumberHash: true } });
    if (self && self.idNumberHash !== idNumberHash) throw new AppError('SELF_IDENTITY_CONFLICT');
    const existing = await tx.patient.findUnique({
      where: { ownerUserId_idNumberHash: { ownerUserId: identity.userId, idNumberHash } },
      select: { id: true, deletedAt: true },
    });
    const hasDefault = (await tx.patient.count({ where: { ownerUserId: identity.userId, deletedAt: null, isDefault: true, NOT: existing ? { id: existing.id } : undefined } })) > 0;
    if (existing) {
      const updated = await tx.patient.update({
        where: { id: existing.id },
        data: { ...data, deletedAt: null, ...(hasDefault ? {} : { isDefault: true }) },
        select: VIEW_SELECT,
      });
      return { row: updated, created: existing.deletedAt !== null };
    }
    const inserted = await tx.patient.create({ data: { ...data, ownerUserId: identity.userId, isDefault: !hasDefault }, select: VIEW_SELECT });
    return { row: inserted, created: true };
  });
  return { patient: toPatientView(row), created };
}
