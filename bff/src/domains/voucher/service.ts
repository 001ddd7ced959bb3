/**
 * The e-voucher (医保电子凭证) authorization, whatever the channel (WeChat, Alipay, national APP):
 *
 *   channel code ──(channel adapter)──▶ pay_auth_no (+ holder, family flag)
 *                ──(1101 person lookup at the mobile-pay center)──▶ whose voucher, whom it covers,
 *                   psnNo, insutype, 参保地, activated, suspended
 *                ──▶ self-only check (rule 13) ──▶ stored encrypted, bound to user + patient +
 *                   purpose (+ order), with its expiry (rule 16).
 *
 * - Self only: the authorized person's keyed ID hash must equal the patient's. A family (亲情)
 *   authorization is accepted only when the platform says so AND the center confirms it covers
 *   this patient (1101 with the patient's certno); the authorizer's masked name is kept to show.
 * - No patient given = "myself": the voucher holder becomes the account's SELF 就诊人
 *   (upsertSelfPatientFromVoucher) — the own identity comes from the voucher, never from typing.
 * - Suspended internet insurance payment (rule 4) → INSURANCE_PAY_SUSPENDED, nothing stored;
 *   a voucher not activated (rule 14) → INSURANCE_VOUCHER_NOT_ACTIVATED (activation guide).
 * - pay_auth_no: FieldCipher-encrypted, never returned, never logged; a newer authorization for the
 *   same user + patient + purpose supersedes older unused ones; `consumePayAuthorization` takes it
 *   once (guarded UPDATE … WHERE used_at IS NULL AND expires_at > now).
 */
import {
  ID_TYPE_CERT_CODES,
  VOUCHER_CANCELLED_MESSAGE,
  insutypeLabel,
  maskName,
  normalizeIdNumber,
  VoucherAuthorizedSchema,
  type IdType,
  type InsuredSummary,
  type VoucherAuthorized,
  type VoucherCancelled,
  type VoucherChannel,
  type VoucherPatientStatus,
  type VoucherPurpose,
} from '@ih/contract';
import type { FieldCipher } from '@ih/db';
import type { Context } from 'koa';
import { AppError } from '../../lib/errors';
import { audit } from '../../lib/audit';
import { settingInt } from '../../lib/settings';
import type { PlatformClients } from '../../lib/platformClients';
import { PlatformError } from '../../platforms/http';
import type { PersonInfo } from '../../platforms/mobile-pay';
import { upsertSelfPatientFromVoucher } from '../patients';
import type { Db } from '../../deps';
import type { Logger } from '../../logger';
import { isUniqueViolation } from '../../lib/dbErrors';

export const SETTING_PAY_AUTH_TTL = 'pay_auth_ttl_seconds';
const DEFAULT_PAY_AUTH_TTL_SECONDS = 300;

/** Orders a payment authorization may be asked for, and those a refund authorization may. */
const PAYABLE_STATES = new Set(['CREATED', 'UPLOADED', 'PRE_SETTLED', 'PAYING', 'PAY_FAILED']);
const REFUNDABLE_STATES = new Set(['PAID', 'REFUNDING', 'REFUND_FAILED']);

const CERT_CODE_TO_ID_TYPE: Record<string, IdType> = Object.fromEntries(Object.entries(ID_TYPE_CERT_CODES).map(([k, v]) => [v, k as IdType]));

/** What a channel adapter hands over after exchanging the user's code. Never log it. */
export interface ChannelGrant {
  channel: VoucherChannel;
  /** Read it explicitly; adapters keep it non-enumerable where they can. */
  readonly payAuthNo: string;
  /** The platform marks a family (亲情) authorization. */
  family: boolean;
  /** Epoch ms when the channel says pay_auth_no stops working. */
  expiresAt?: number;
  /** The voucher holder as the channel reports it (WeChat). */
  holder?: { name: string; idNumber: string };
  /** The person the authorization is for, as the channel reports it (national APP). */
  person?: { name: string; idNumber: string };
  /** The authorizer's name as the channel shows it (already masked by Alipay / the national APP). */
  authorizerNameMasked?: string;
}

export interface AuthorizationTarget {
  userId: string;
  /** Absent = the account owner themself (SELF, created from the voucher). */
  patientId?: string | null;
  purpose: VoucherPurpose;
  orderId?: string | null;
}

interface PatientRow {
  id: string;
  relationship: 'SELF' | 'SPOUSE' | 'PARENT' | 'CHILD' | 'OTHER';
  nameMasked: string;
  idType: IdType;
  idNumberMasked: string;
  idNumberHash: string;
  idNumberEnc: string;
}
const PATIENT_SELECT = { id: true, relationship: true, nameMasked: true, idType: true, idNumberMasked: true, idNumberHash: true, idNumberEnc: true } as const;

export interface ResolvedTarget {
  userId: string;
  purpose: VoucherPurpose;
  patient: PatientRow | null;
  orderId: string | null;
}

export interface VoucherServiceDeps {
  prisma: Db;
  cipher: FieldCipher;
  logger: Logger;
  clients: PlatformClients;
  now?: () => Date;
}

/** The platform's person lookup failed: what the user is told. */
function lookupError(err: unknown, refusedCode: 'INSURANCE_AUTH_INVALID' | 'INSURANCE_IDENTITY_MISMATCH'): AppError {
  if (err instanceof AppError) return err;
  if (err instanceof PlatformError) {
    if (err.kind === 'rejected') return new AppError(refusedCode, { cause: err });
    if (err.kind === 'timeout') return new AppError('UPSTREAM_TIMEOUT', { cause: err });
  }
  return new AppError('UPSTREAM_UNAVAILABLE', { cause: err });
}

export function payAuthAad(userId: string, patientId: string): string {
  return `voucher_authorizations:${userId}:${patientId}`;
}

export class VoucherService {
  private readonly now: () => Date;

  constructor(private readonly deps: VoucherServiceDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  // ── targets ────────────────────────────────────────────────────────────────────────────────
  /** Checks the patient and order belong to the user (404 otherwise, like missing ones). */
  async resolveTarget(target: AuthorizationTarget): Promise<ResolvedTarget> {
    const { prisma } = this.deps;
    let patient: PatientRow | null = null;
    if (target.patientId) {
      patient = await prisma.patient.findFirst({ where: { id: target.patientId, ownerUserId: target.userId, deletedAt: null }, select: PATIENT_SELECT });
      if (!patient) throw new AppError('NOT_FOUND', { message: '就诊人不存在或已删除' });
    }
    let orderId: string | null = null;
    if (target.orderId) {
      const order = await prisma.order.findFirst({ where: { id: target.orderId, userId: target.userId }, select: { id: true, patientId: true, state: true } });
      if (!order || (patient && order.patientId !== patient.id)) throw new AppError('NOT_FOUND', { message: '订单不存在或不属于该就诊人' });
      if (target.purpose === 'PAYMENT' && !PAYABLE_STATES.has(order.state)) {
        throw new AppError(order.state === 'PAID' || order.state.startsWith('REFUND') ? 'PAYMENT_ALREADY_PAID' : 'PAYMENT_ORDER_CLOSED');
      }
      if (target.purpose === 'REFUND' && !REFUNDABLE_STATES.has(order.state)) throw new AppError('PAYMENT_REFUND_REJECTED');
      if (!patient) {
        patient = await prisma.patient.findFirst({ where: { id: order.patientId, ownerUserId: target.userId }, select: PATIENT_SELECT });
        if (!patient) throw new AppError('NOT_FOUND', { message: '订单不存在或不属于该就诊人' });
      }
      orderId = order.id;
    }
    return { userId: target.userId, purpose: target.purpose, patient, orderId };
  }

  cancelled(): VoucherCancelled {
    return { status: 'cancelled', message: VOUCHER_CANCELLED_MESSAGE };
  }

  /** Audit trail of a refusal or a cancel (no personal data). */
  async refused(ctx: Context | null, target: ResolvedTarget, channel: VoucherChannel, code: string): Promise<void> {
    await audit(this.deps.prisma, this.deps.logger, ctx, {
      action: code === 'CANCELLED' ? 'voucher.cancelled' : 'voucher.refused',
      targetType: 'patient',
      targetId: target.patient?.id ?? null,
      actorUserId: target.userId,
      actorRole: 'PATIENT',
      details: { channel, purpose: target.purpose, reason: code, orderId: target.orderId },
    });
  }

  // ── the common second half of every channel ───────────────────────────────────────────────
  /**
   * Checks and stores an authorization the channel granted. Throws AppError (and audits the
   * refusal) when it cannot be used for this patient.
   */
  async complete(ctx: Context | null, resolved: ResolvedTarget, grant: ChannelGrant): Promise<VoucherAuthorized> {
    try {
      return await this.completeUnaudited(ctx, resolved, grant);
    } catch (err) {
      if (err instanceof AppError) await this.refused(ctx, resolved, grant.channel, err.code);
      throw err;
    }
  }

  private async completeUnaudited(ctx: Context | null, resolved: ResolvedTarget, grant: ChannelGrant): Promise<VoucherAuthorized> {
    const { prisma, cipher, logger } = this.deps;
    const mp = this.deps.clients.mobilePay();
    const payAuthNo = grant.payAuthNo;
    if (!payAuthNo) throw new AppError('INSURANCE_AUTH_INVALID');

    // Whose voucher: the center's answer (the channels' own reports must agree with it).
    let holder: PersonInfo;
    try {
      holder = await mp.lookupPerson({ payAuthNo });
    } catch (err) {
      throw lookupError(err, 'INSURANCE_AUTH_INVALID');
    }
    const holderIdNo = normalizeIdNumber(holder.certno);
    if (grant.holder && normalizeIdNumber(grant.holder.idNumber) !== holderIdNo) {
      logger.error({ requestId: ctx?.state.requestId, channel: grant.channel }, 'channel and mobile-pay center disagree on the voucher holder');
      throw new AppError('UPSTREAM_UNAVAILABLE');
    }
    const holderHash = cipher.hash(holderIdNo);
    let patient = resolved.patient;
    const family = grant.family && !(patient && patient.idNumberHash === holderHash);

    let covered: PersonInfo;
    let coveredHash: string;
    let authorizerNameMasked: string | null = null;
    if (!family) {
      if (grant.family && !patient) throw new AppError('INSURANCE_IDENTITY_MISMATCH');
      if (grant.person && cipher.hash(normalizeIdNumber(grant.person.idNumber)) !== holderHash) throw new AppError('INSURANCE_IDENTITY_MISMATCH');
      if (patient && patient.idNumberHash !== holderHash) throw new AppError('INSURANCE_IDENTITY_MISMATCH');
      if (holder.voucherActivated === false) throw new AppError('INSURANCE_VOUCHER_NOT_ACTIVATED');
      covered = holder;
      coveredHash = holderHash;
    } else {
      if (!patient) {
        throw new AppError('INSURANCE_IDENTITY_MISMATCH', { message: '亲情账户授权需先选择要为其支付的就诊人，本次未扣费' });
      }
      if (grant.person && cipher.hash(normalizeIdNumber(grant.person.idNumber)) !== patient.idNumberHash) throw new AppError('INSURANCE_IDENTITY_MISMATCH');
      if (holder.voucherActivated === false) throw new AppError('INSURANCE_VOUCHER_NOT_ACTIVATED');
      const patientIdNo = cipher.decrypt(patient.idNumberEnc);
      try {
        // The center confirms (or refuses) that this family authorization covers this patient.
        covered = await mp.lookupPerson({ payAuthNo, certno: patientIdNo });
      } catch (err) {
        throw lookupError(err, 'INSURANCE_IDENTITY_MISMATCH');
      }
      coveredHash = cipher.hash(normalizeIdNumber(covered.certno));
      if (coveredHash !== patient.idNumberHash) throw new AppError('INSURANCE_IDENTITY_MISMATCH');
      authorizerNameMasked = grant.authorizerNameMasked ?? maskName(holder.psnName);
    }

    // The person's enrolment, as the center reports it (consult eligibility reads it as well).
    const insurance = covered.insurances.find((i) => i.psnInsuStas === undefined || i.psnInsuStas === '1') ?? covered.insurances[0];
    if (!insurance) throw new AppError('INSURANCE_NOT_INSURED');
    const now = this.now();
    const suspended = covered.onlinePaySuspended === true;
    const activated = covered.voucherActivated ?? !family;
    const identityData = {
      idNumberHash: coveredHash,
      insutype: insurance.insutype,
      insuplcAdmdvs: insurance.insuplcAdmdvs,
      insuplcName: covered.insuplcName ?? null,
      voucherActivated: activated,
      suspended,
      suspendedReason: suspended ? (covered.onlinePaySuspendedReason ?? null)?.slice(0, 255) ?? null : null,
    };
    const existing = await prisma.insuredIdentity.findUnique({ where: { psnNo: covered.psnNo }, select: { voucherActivatedAt: true, suspendedAt: true } });
    const insured = await prisma.insuredIdentity.upsert({
      where: { psnNo: covered.psnNo },
      create: { psnNo: covered.psnNo, ...identityData, voucherActivatedAt: activated ? now : null, suspendedAt: suspended ? now : null },
      update: {
        ...identityData,
        voucherActivatedAt: activated ? (existing?.voucherActivatedAt ?? now) : null,
        suspendedAt: suspended ? (existing?.suspendedAt ?? now) : null,
      },
      select: { id: true, insutype: true, insuplcAdmdvs: true, insuplcName: true, voucherActivated: true, suspended: true },
    });
    if (suspended) throw new AppError('INSURANCE_PAY_SUSPENDED');

    if (!patient) {
      // "Myself": the voucher holder becomes (or is) the account's SELF 就诊人.
      const idType = CERT_CODE_TO_ID_TYPE[holder.psnCertType] ?? 'ID_CARD';
      const birth = holder.brdy && /^\d{4}-\d{2}-\d{2}$/.test(holder.brdy) ? holder.brdy : undefined;
      const gender = holder.gend === '1' ? 'MALE' : holder.gend === '2' ? 'FEMALE' : undefined;
      const self = await upsertSelfPatientFromVoucher(
        { prisma, cipher },
        { userId: resolved.userId, name: holder.psnName, idType, idNumber: holderIdNo, ...(birth ? { birthDate: birth } : {}), ...(gender ? { gender } : {}) },
      );
      patient = await prisma.patient.findFirst({ where: { id: self.patient.id }, select: PATIENT_SELECT });
      if (!patient) throw new AppError('INTERNAL');
    }

    const ttl = await settingInt(prisma, SETTING_PAY_AUTH_TTL, DEFAULT_PAY_AUTH_TTL_SECONDS, { min: 30, max: 3600 }, logger);
    const expiresAt = new Date(Math.min(now.getTime() + ttl * 1000, grant.expiresAt ?? Number.POSITIVE_INFINITY));
    if (expiresAt.getTime() <= now.getTime()) throw new AppError('INSURANCE_AUTH_CODE_EXPIRED');
    const patientId = patient.id;
    let createdAt: Date;
    try {
      createdAt = await prisma.$transaction(async (tx) => {
        // One usable authorization per user + patient + purpose: the newest.
        await tx.voucherAuthorization.updateMany({
          where: { userId: resolved.userId, patientId, purpose: resolved.purpose, usedAt: null, revokedAt: null },
          data: { revokedAt: now },
        });
        const row = await tx.voucherAuthorization.create({
          data: {
            userId: resolved.userId,
            patientId,
            orderId: resolved.orderId,
            purpose: resolved.purpose,
            channel: grant.channel,
            payAuthNoEnc: cipher.encrypt(payAuthNo, payAuthAad(resolved.userId, patientId)),
            payAuthNoHash: cipher.hash(payAuthNo),
            familyAuth: family,
            authorizedIdHash: holderHash,
            authorizerNameMasked,
            insuredIdentityId: insured.id,
            expiresAt,
            createdAt: now,
          },
          select: { createdAt: true },
        });
        return row.createdAt;
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw new AppError('INSURANCE_AUTH_CODE_USED', { cause: err });
      throw err;
    }
    await audit(prisma, logger, ctx, {
      action: 'voucher.authorized',
      targetType: 'patient',
      targetId: patientId,
      actorUserId: resolved.userId,
      actorRole: 'PATIENT',
      details: { channel: grant.channel, purpose: resolved.purpose, family, orderId: resolved.orderId },
    });
    return VoucherAuthorizedSchema.parse({
      status: 'authorized',
      channel: grant.channel,
      purpose: resolved.purpose,
      orderId: resolved.orderId,
      identity: { patientId, relationship: patient.relationship, nameMasked: patient.nameMasked, idType: patient.idType, idNumberMasked: patient.idNumberMasked },
      insured: summary(insured),
      family: authorizerNameMasked ? { authorizerNameMasked } : null,
      authorizedAt: createdAt.toISOString(),
      expiresAt: expiresAt.toISOString(),
    });
  }

  // ── my authorization state ────────────────────────────────────────────────────────────────
  async status(userId: string, patientId?: string): Promise<VoucherPatientStatus[]> {
    const { prisma } = this.deps;
    const patients = await prisma.patient.findMany({
      where: { ownerUserId: userId, deletedAt: null, ...(patientId ? { id: patientId } : {}) },
      select: PATIENT_SELECT,
      orderBy: [{ createdAt: 'asc' }],
    });
    if (patientId && patients.length === 0) throw new AppError('NOT_FOUND', { message: '就诊人不存在或已删除' });
    patients.sort((a, b) => Number(b.relationship === 'SELF') - Number(a.relationship === 'SELF'));
    const now = this.now().getTime();
    const out: VoucherPatientStatus[] = [];
    for (const p of patients) {
      const [identity, last] = await Promise.all([
        prisma.insuredIdentity.findFirst({
          where: { idNumberHash: p.idNumberHash },
          orderBy: { updatedAt: 'desc' },
          select: { insutype: true, insuplcAdmdvs: true, insuplcName: true, voucherActivated: true, suspended: true },
        }),
        prisma.voucherAuthorization.findFirst({
          where: { userId, patientId: p.id },
          orderBy: { createdAt: 'desc' },
          select: { channel: true, purpose: true, createdAt: true, expiresAt: true, usedAt: true, revokedAt: true, familyAuth: true, authorizerNameMasked: true },
        }),
      ]);
      out.push({
        identity: { patientId: p.id, relationship: p.relationship, nameMasked: p.nameMasked, idType: p.idType, idNumberMasked: p.idNumberMasked },
        insured: identity ? summary(identity) : null,
        lastAuthorization: last
          ? {
              channel: last.channel,
              purpose: last.purpose,
              authorizedAt: last.createdAt.toISOString(),
              expiresAt: last.expiresAt.toISOString(),
              usable: !last.usedAt && !last.revokedAt && last.expiresAt.getTime() > now,
              used: last.usedAt !== null,
              family: last.familyAuth ? { authorizerNameMasked: last.authorizerNameMasked ?? '家人' } : null,
            }
          : null,
      });
    }
    return out;
  }
}

function summary(i: { insutype: string; insuplcAdmdvs: string; insuplcName: string | null; voucherActivated: boolean; suspended: boolean }): InsuredSummary {
  return {
    insutype: i.insutype,
    insutypeLabel: insutypeLabel(i.insutype),
    insuplcAdmdvs: i.insuplcAdmdvs,
    insuplcName: i.insuplcName,
    voucherActivated: i.voucherActivated,
    suspended: i.suspended,
  };
}

// ── for the payment work ───────────────────────────────────────────────────────────────────────
export interface ConsumedAuthorization {
  authorizationId: string;
  channel: VoucherChannel;
  familyAuth: boolean;
  insuredIdentityId: string | null;
  /** Non-enumerable: never serialised or logged. Pass it straight to 6201/6202 or 6203. */
  readonly payAuthNo: string;
}

/**
 * Takes the newest usable authorization of `userId` for `patientId` (bound to `orderId` or to no
 * order) exactly once: a guarded UPDATE … SET used_at WHERE used_at IS NULL AND revoked_at IS NULL
 * AND expires_at > now. Of two concurrent payments only one gets it. None left →
 * INSURANCE_AUTH_INVALID (the client asks for a new authorization).
 */
export async function consumePayAuthorization(
  deps: { prisma: Db; cipher: FieldCipher; now?: () => Date },
  userId: string,
  patientId: string,
  orderId: string | null,
  purpose: VoucherPurpose = 'PAYMENT',
): Promise<ConsumedAuthorization> {
  const { prisma, cipher } = deps;
  for (let attempt = 0; attempt < 3; attempt++) {
    const now = deps.now?.() ?? new Date();
    const row = await prisma.voucherAuthorization.findFirst({
      where: {
        userId,
        patientId,
        purpose,
        usedAt: null,
        revokedAt: null,
        expiresAt: { gt: now },
        OR: orderId ? [{ orderId }, { orderId: null }] : [{ orderId: null }],
      },
      orderBy: { createdAt: 'desc' },
      select: { id: true, payAuthNoEnc: true, channel: true, familyAuth: true, insuredIdentityId: true },
    });
    if (!row) throw new AppError('INSURANCE_AUTH_INVALID');
    const claimed = await prisma.voucherAuthorization.updateMany({
      where: { id: row.id, usedAt: null, revokedAt: null, expiresAt: { gt: now } },
      data: { usedAt: now, ...(orderId ? { orderId } : {}) },
    });
    if (claimed.count !== 1) continue; // someone else took it (or it just expired): look again
    const out = { authorizationId: row.id, channel: row.channel, familyAuth: row.familyAuth, insuredIdentityId: row.insuredIdentityId } as ConsumedAuthorization;
    Object.defineProperty(out, 'payAuthNo', { value: cipher.decrypt(row.payAuthNoEnc, payAuthAad(userId, patientId)), enumerable: false });
    return out;
  }
  throw new AppError('INSURANCE_AUTH_INVALID');
}
