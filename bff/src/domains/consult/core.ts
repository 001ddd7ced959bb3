/**
 * What the patient, room, workspace and timeout code share: dependencies, loading a
 * consultation for an actor, the room state, answers' building blocks, guarded closing
 * transitions with their system message and audit row, and the refund request to the order
 * domain (claimed with a lease so two instances never ask twice at the same time).
 */
import {
  CONSULTATION_CLOSE_REASONS,
  CONSULTATION_STATUS_LABELS,
  ELIGIBILITY_REASONS,
  consultationDisplayStatus,
  type ConsultationCloseReason,
  type ConsultationOfflineDiagnosis,
  type ConsultationStatus,
  type EligibilityReasonCode,
  type FileRef,
  type RoomState,
  type SystemMessageCode,
} from '@ih/contract';
import type { FieldCipher, Prisma } from '@ih/db';
import type { Db } from '../../deps';
import type { Logger } from '../../logger';
import { settingInt } from '../../lib/settings';
import type { FileUrlSigner } from '../files/urls';
import type { FilesService } from '../files/service';
import { createConsultationOrder, refundConsultationFee } from '../order/api';
import { isServingDoctor, mayRead, maySend, notFound, type Actor } from './access';
import { RoomWatcher, consultBus, roomFingerprint } from './bus';
import type { EligibilityService } from './eligibility';
import { appendSystemMessage, auditTx, descriptionAad, offlineDiagnosisAad } from './messages';
import { SETTING_ACCEPT_TIMEOUT_MINUTES, SETTING_IDLE_TIMEOUT_MINUTES, type ConsultSettings } from './settings';

/** The order domain's functions this domain calls (tests may wrap them). */
export interface OrderPort {
  createConsultationOrder: typeof createConsultationOrder;
  refundConsultationFee: typeof refundConsultationFee;
}
export const defaultOrderPort: OrderPort = { createConsultationOrder, refundConsultationFee };

export interface CoreDeps {
  prisma: Db;
  logger: Logger;
  cipher: FieldCipher;
  signer: FileUrlSigner;
  files: FilesService;
  settings: ConsultSettings;
  eligibility: EligibilityService;
  watcher: RoomWatcher;
  orders: OrderPort;
  now?: () => Date;
}

export const CONSULTATION_SELECT = {
  id: true,
  consultationNo: true,
  userId: true,
  patientId: true,
  doctorId: true,
  requestedDoctorId: true,
  hospitalId: true,
  departmentId: true,
  status: true,
  insured: true,
  selfPayReason: true,
  descriptionEnc: true,
  offlineDiagnosisEnc: true,
  feeFen: true,
  paidAt: true,
  acceptedAt: true,
  endedAt: true,
  cancelledAt: true,
  closeReason: true,
  lastActivityAt: true,
  lastMessageSeq: true,
  patientReadSeq: true,
  doctorReadSeq: true,
  version: true,
  createdAt: true,
  updatedAt: true,
  patient: { select: { id: true, nameMasked: true, gender: true, birthDate: true } },
  doctor: { select: { id: true, name: true, title: true } },
  department: { select: { name: true } },
  hospital: { select: { name: true } },
  disease: { select: { code: true, name: true, category: true } },
} as const;

export type ConsultationRow = Prisma.ConsultationGetPayload<{ select: typeof CONSULTATION_SELECT }>;

/** Prescriptions in these states make the consultation show 已开方. */
export const PRESCRIBED_STATES = ['APPROVED', 'UPLOADED', 'PAID'] as const;

export const OPEN: ConsultationStatus[] = ['PENDING_PAYMENT', 'WAITING', 'IN_PROGRESS'];

export interface Timeouts {
  acceptMinutes: number;
  idleMinutes: number;
}

export class ConsultCore {
  constructor(readonly deps: CoreDeps) {}

  get prisma(): Db {
    return this.deps.prisma;
  }

  now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  /** The effective timeouts (settings rows win over the environment). */
  async timeouts(): Promise<Timeouts> {
    const range = { min: 1, max: 30 * 24 * 60 };
    const [acceptMinutes, idleMinutes] = await Promise.all([
      settingInt(this.prisma, SETTING_ACCEPT_TIMEOUT_MINUTES, this.deps.settings.acceptTimeoutMinutes, range, this.deps.logger),
      settingInt(this.prisma, SETTING_IDLE_TIMEOUT_MINUTES, this.deps.settings.idleTimeoutMinutes, range, this.deps.logger),
    ]);
    return { acceptMinutes, idleMinutes };
  }

  /** The consultation if the actor may read it; otherwise 404. */
  async load(actor: Actor, id: string): Promise<ConsultationRow> {
    const c = await this.prisma.consultation.findUnique({ where: { id }, select: CONSULTATION_SELECT });
    if (!c || !mayRead(c, actor)) throw notFound();
    return c;
  }

  async prescribed(ids: string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows = await this.prisma.prescription.findMany({
      where: { consultationId: { in: ids }, status: { in: [...PRESCRIBED_STATES] } },
      select: { consultationId: true },
      distinct: ['consultationId'],
    });
    return new Set(rows.map((r) => r.consultationId));
  }

  roomState(c: Pick<ConsultationRow, 'status' | 'lastMessageSeq' | 'patientReadSeq' | 'doctorReadSeq' | 'userId' | 'doctorId' | 'departmentId' | 'acceptedAt'>, actor: Actor, prescribed: boolean): RoomState {
    const display = consultationDisplayStatus(c.status, prescribed);
    const patientSide = actor.side === 'PATIENT';
    return {
      status: c.status,
      displayStatus: display,
      statusLabel: CONSULTATION_STATUS_LABELS[display],
      lastSeq: c.lastMessageSeq,
      myReadSeq: patientSide ? c.patientReadSeq : isServingDoctor(c, actor) ? c.doctorReadSeq : 0,
      peerReadSeq: patientSide ? c.doctorReadSeq : c.patientReadSeq,
      canSend: maySend(c, actor),
    };
  }

  fingerprint(c: Parameters<typeof roomFingerprint>[0]): string {
    return roomFingerprint(c);
  }

  description(c: Pick<ConsultationRow, 'id' | 'descriptionEnc'>): string {
    return this.deps.cipher.decrypt(c.descriptionEnc, descriptionAad(c.id));
  }

  offlineDiagnosis(c: Pick<ConsultationRow, 'id' | 'offlineDiagnosisEnc'>): ConsultationOfflineDiagnosis | null {
    if (!c.offlineDiagnosisEnc) return null;
    return JSON.parse(this.deps.cipher.decrypt(c.offlineDiagnosisEnc, offlineDiagnosisAad(c.id))) as ConsultationOfflineDiagnosis;
  }

  selfPayReasons(c: Pick<ConsultationRow, 'insured' | 'selfPayReason'>): { code: EligibilityReasonCode; title: string }[] {
    if (c.insured || !c.selfPayReason) return [];
    return c.selfPayReason
      .split(',')
      .filter((code): code is EligibilityReasonCode => Object.hasOwn(ELIGIBILITY_REASONS, code))
      .map((code) => ({ code, title: ELIGIBILITY_REASONS[code].title }));
  }

  closeReason(c: Pick<ConsultationRow, 'closeReason'>): { closeReason: ConsultationCloseReason | null; closeReasonLabel: string | null } {
    const code = c.closeReason && Object.hasOwn(CONSULTATION_CLOSE_REASONS, c.closeReason) ? (c.closeReason as ConsultationCloseReason) : null;
    return { closeReason: code, closeReasonLabel: code ? CONSULTATION_CLOSE_REASONS[code] : null };
  }

  /** The pictures given with the description (room pictures are messages). */
  async descriptionImages(consultationId: string): Promise<FileRef[]> {
    const rows = await this.prisma.storedFile.findMany({
      where: { refType: 'consultation', refId: consultationId, deletedAt: null, messages: { none: {} } },
      orderBy: { createdAt: 'asc' },
      select: { id: true, mime: true, sizeBytes: true },
    });
    return rows.map((r) => this.deps.signer.ref(r));
  }

  async imageCount(consultationId: string, tx: Prisma.TransactionClient | Db = this.prisma): Promise<number> {
    return tx.storedFile.count({ where: { refType: 'consultation', refId: consultationId, purpose: 'CONSULT_IMAGE', deletedAt: null } });
  }

  acceptDeadline(c: Pick<ConsultationRow, 'status' | 'paidAt'>, t: Timeouts): string | null {
    return c.status === 'WAITING' && c.paidAt ? new Date(c.paidAt.getTime() + t.acceptMinutes * 60_000).toISOString() : null;
  }

  /**
   * A guarded close (cancel or end) with its system message and audit row, in one transaction.
   * Returns false when the consultation was no longer in `from` (somebody else moved it first).
   */
  async close(args: {
    id: string;
    from: ConsultationStatus;
    to: 'CANCELLED' | 'COMPLETED';
    reason: ConsultationCloseReason;
    message: SystemMessageCode;
    action: string;
    actor: { userId?: string | null; role: string; requestId?: string | null; ip?: string | null };
    extraWhere?: Prisma.ConsultationWhereInput;
    cancelChoice?: string;
  }): Promise<boolean> {
    const now = this.now();
    const done = await this.prisma.$transaction(async (tx) => {
      const n = await tx.consultation.updateMany({
        where: { id: args.id, status: args.from, ...args.extraWhere },
        data: {
          status: args.to,
          closeReason: args.reason,
          version: { increment: 1 },
          ...(args.to === 'CANCELLED' ? { cancelledAt: now, ...(args.cancelChoice ? { cancelReason: args.cancelChoice } : {}) } : { endedAt: now }),
        },
      });
      if (n.count === 0) return false;
      await appendSystemMessage(tx, args.id, args.message, now);
      await auditTx(tx, {
        action: args.action,
        targetId: args.id,
        actorUserId: args.actor.userId ?? null,
        actorRole: args.actor.role,
        requestId: args.actor.requestId ?? null,
        ip: args.actor.ip ?? null,
        details: { from: args.from, to: args.to, reason: args.reason },
      });
      return true;
    });
    if (done) consultBus.publish(args.id);
    return done;
  }

  /**
   * Asks the order domain to refund the fee (paid) or close the order (unpaid). At most one
   * attempt at a time across instances (a 5-minute lease in refund_attempt_at); a failure is
   * logged and retried by the timeout job. Returns the order domain's outcome, or null when
   * not attempted / failed.
   */
  async requestRefund(consultationId: string, reason: string, actor: { userId?: string | null; role?: string | null } | 'SYSTEM'): Promise<string | null> {
    const now = this.now();
    const lease = new Date(now.getTime() - 5 * 60_000);
    const claimed = await this.prisma.consultation.updateMany({
      where: { id: consultationId, refundRequestedAt: null, OR: [{ refundAttemptAt: null }, { refundAttemptAt: { lt: lease } }] },
      data: { refundAttemptAt: now },
    });
    if (claimed.count === 0) return null;
    try {
      const r = await this.deps.orders.refundConsultationFee(this.prisma, { consultationId, reason, actor });
      // 'pending': the order is mid-payment; the order domain cannot decide yet, so ask again later (lease expiry).
      if (r.outcome !== 'pending') await this.prisma.consultation.updateMany({ where: { id: consultationId }, data: { refundRequestedAt: this.now() } });
      await this.prisma.auditLog.create({
        data: {
          action: 'consultation.refund_requested',
          targetType: 'consultation',
          targetId: consultationId,
          actorUserId: actor === 'SYSTEM' ? null : (actor.userId ?? null),
          actorRole: actor === 'SYSTEM' ? 'SYSTEM' : (actor.role ?? null),
          details: { reason, outcome: r.outcome },
        },
      });
      return r.outcome;
    } catch (err) {
      this.deps.logger.warn({ consultationId, err: { name: (err as Error).name, message: (err as Error).message } }, 'refund request failed: the timeout job retries');
      return null;
    }
  }

  /** Close the ones the order domain could not take (order creation failed): releases the request key. */
  async markOrderFailed(consultationId: string, userId: string): Promise<void> {
    const now = this.now();
    await this.prisma.$transaction(async (tx) => {
      const n = await tx.consultation.updateMany({
        where: { id: consultationId, status: 'PENDING_PAYMENT' },
        data: { status: 'CANCELLED', cancelledAt: now, closeReason: 'ORDER_FAILED', requestKey: null, refundRequestedAt: now, version: { increment: 1 } },
      });
      if (n.count === 0) return;
      await tx.storedFile.updateMany({ where: { refType: 'consultation', refId: consultationId }, data: { refType: null, refId: null, attachedAt: null } });
      await auditTx(tx, { action: 'consultation.order_failed', targetId: consultationId, actorUserId: userId, actorRole: 'PATIENT', details: { to: 'CANCELLED' } });
    });
  }

  watcher(): RoomWatcher {
    return this.deps.watcher;
  }
}

export { consultBus };
