/**
 * The patient's consultations: creation (eligibility re-checked here, never trusted from the
 * client; idempotent per request key), list, detail, cancel before acceptance.
 */
import {
  CANCEL_CHOICES,
  CONSULTATION_STATUS_LABELS,
  consultationDisplayStatus,
  type CancelChoice,
  type ConsultationDetail,
  type ConsultationListFilter,
  type ConsultationListQuerySchema,
  type ConsultationPage,
  type ConsultationStatus,
  type ConsultationSummary,
  type CreateConsultationRequestSchema,
  type CreateConsultationResponse,
} from '@ih/contract';
import type { Prisma } from '@ih/db';
import type { z } from 'zod';
import { AppError } from '../../lib/errors';
import { attachFiles } from '../files/service';
import type { Actor } from './access';
import { ConsultCore, CONSULTATION_SELECT, OPEN, type ConsultationRow, type Timeouts } from './core';
import { afterCursor, decodeCursor, encodeCursor, newConsultationNo, uuidv7 } from './ids';
import { MESSAGE_SELECT, appendSystemMessage, auditTx, descriptionAad, messagePreview, offlineDiagnosisAad } from './messages';
import { isUniqueViolation } from '../../lib/dbErrors';

type CreateInput = z.output<typeof CreateConsultationRequestSchema>;

const FILTERS: Record<ConsultationListFilter, ConsultationStatus[] | null> = {
  ALL: null,
  ACTIVE: ['PENDING_PAYMENT', 'WAITING', 'IN_PROGRESS'],
  PENDING_PAYMENT: ['PENDING_PAYMENT'],
  WAITING: ['WAITING'],
  IN_PROGRESS: ['IN_PROGRESS'],
  COMPLETED: ['COMPLETED'],
  CANCELLED: ['CANCELLED', 'REFUNDED'],
};

export interface RequestMeta {
  requestId?: string | null;
  ip?: string | null;
}

/** How long a replay waits for the first request's order before creating it itself. */
const REPLAY_ORDER_WAIT_MS = 8000;

export class PatientConsultations {
  constructor(private readonly core: ConsultCore) {}

  private get prisma() {
    return this.core.prisma;
  }

  // ── creation ───────────────────────────────────────────────────────────────────────────────
  async create(actor: Actor, req: CreateInput, meta: RequestMeta = {}): Promise<CreateConsultationResponse> {
    const userId = actor.user.id;
    const replay = await this.replay(actor, req);
    if (replay) return replay;

    // Rules 1–6 again, now, on the server: the client's earlier answer is never trusted.
    const result = await this.core.deps.eligibility.check(userId, { patientId: req.patientId, doctorId: req.doctorId, offlineDiagnosis: req.offlineDiagnosis });
    if (!result.canConsult) {
      const refusals = result.reasons.filter((r) => r.effect === 'refuse').map((r) => r.title);
      throw new AppError('CONSULTATION_NOT_ELIGIBLE', { message: `根据复诊规则，本次不能在线问诊（${refusals.join('；')}）。请返回查看原因，选择其他诊断或医生，或到医院线下就诊` });
    }
    const insured = result.insurance === 'covered';
    if (!insured && !req.acknowledgeSelfPay) {
      const why = result.reasons.filter((r) => r.effect === 'self_pay').map((r) => r.title);
      throw new AppError('CONSULTATION_SELF_PAY_NOT_CONFIRMED', { message: `本次问诊医保不予支付（${why.join('；')}），需要全部自费，请确认自费后再提交` });
    }
    const open = await this.prisma.consultation.findFirst({
      where: { userId, patientId: req.patientId, requestedDoctorId: req.doctorId, status: { in: OPEN } },
      select: { id: true },
    });
    if (open) throw new AppError('CONSULTATION_ALREADY_OPEN');

    const doctor = await this.prisma.doctor.findUniqueOrThrow({ where: { id: req.doctorId }, select: { id: true, hospitalId: true, departmentId: true, consultationFeeFen: true } });
    const disease = result.disease ? await this.prisma.disease.findFirst({ where: { code: result.disease.code }, select: { id: true } }) : null;
    const selfPayCodes = insured ? [] : result.reasons.filter((r) => r.effect === 'self_pay').map((r) => r.code);
    const now = this.core.now();
    const id = uuidv7(now.getTime());
    const { cipher } = this.core.deps;
    const od = result.offlineDiagnosis;

    try {
      await this.prisma.$transaction(async (tx) => {
        await tx.consultation.create({
          data: {
            id,
            consultationNo: newConsultationNo(now),
            userId,
            patientId: req.patientId,
            doctorId: doctor.id,
            requestedDoctorId: doctor.id,
            hospitalId: doctor.hospitalId,
            departmentId: doctor.departmentId,
            diseaseId: disease?.id ?? null,
            offlineDiagnosisEnc: od
              ? cipher.encrypt(
                  JSON.stringify({ hospitalCode: od.hospitalCode, hospitalName: od.hospitalName, visitNo: od.visitNo, visitDate: od.visitDate, departmentName: od.departmentName, diagnosisCode: od.diagnosisCode, diagnosisName: od.diagnosisName }),
                  offlineDiagnosisAad(id),
                )
              : null,
            requestKey: req.requestKey,
            status: 'PENDING_PAYMENT',
            insured,
            selfPayReason: selfPayCodes.length ? selfPayCodes.join(',').slice(0, 255) : null,
            descriptionEnc: cipher.encrypt(req.description, descriptionAad(id)),
            // The fee is the doctor's catalog fee now (server-side; the client's amount is never used).
            feeFen: doctor.consultationFeeFen,
            createdAt: now,
          },
        });
        if (req.imageFileIds.length > this.core.deps.settings.maxImages) throw new AppError('CONSULTATION_IMAGE_LIMIT', { message: `每次问诊最多上传 ${this.core.deps.settings.maxImages} 张图片` });
        await attachFiles(tx, { fileIds: req.imageFileIds, ownerUserId: userId, purpose: 'CONSULT_IMAGE', refType: 'consultation', refId: id, now });
        const first = await appendSystemMessage(tx, id, 'CREATED', now);
        await tx.consultation.update({ where: { id }, data: { patientReadSeq: first.seq } });
        await auditTx(tx, {
          action: 'consultation.created',
          targetId: id,
          actorUserId: userId,
          actorRole: actor.user.role,
          requestId: meta.requestId ?? null,
          ip: meta.ip ?? null,
          details: { doctorId: doctor.id, insured, feeFen: doctor.consultationFeeFen, images: req.imageFileIds.length, selfPayReasons: selfPayCodes.join(',') || null, eligibilityReasons: result.reasons.map((r) => r.code).join(',') || null },
        });
      });
    } catch (err) {
      // Two taps at once: the other one created it.
      if (isUniqueViolation(err)) {
        const again = await this.replay(actor, req);
        if (again) return again;
      }
      throw err;
    }

    let order: { orderId: string; orderNo: string };
    try {
      order = await this.core.deps.orders.createConsultationOrder(this.prisma, { consultationId: id });
    } catch (err) {
      this.core.deps.logger.error({ consultationId: id, err: { name: (err as Error).name, message: (err as Error).message } }, 'consultation order could not be created');
      await this.core.markOrderFailed(id, userId);
      throw new AppError('CONSULTATION_ORDER_FAILED', { cause: err });
    }
    return { consultation: await this.detail(actor, id), order: { id: order.orderId, orderNo: order.orderNo }, replayed: false };
  }

  /** The consultation this request key already made (same patient, doctor and diagnosis), with its order. */
  private async replay(actor: Actor, req: CreateInput): Promise<CreateConsultationResponse | null> {
    const existing = await this.prisma.consultation.findUnique({
      where: { userId_requestKey: { userId: actor.user.id, requestKey: req.requestKey } },
      select: { id: true, patientId: true, requestedDoctorId: true, offlineDiagnosisEnc: true },
    });
    if (!existing) return null;
    const od = this.core.offlineDiagnosis(existing);
    const same =
      existing.patientId === req.patientId &&
      existing.requestedDoctorId === req.doctorId &&
      (!od || (od.visitNo === req.offlineDiagnosis.visitNo && od.diagnosisCode.toUpperCase() === req.offlineDiagnosis.diagnosisCode.toUpperCase()));
    if (!same) throw new AppError('CONSULTATION_REQUEST_KEY_REUSED');
    // The first request may still be creating the order: wait for it rather than race it (only
    // the creator asks the order domain; a creator that died long ago is replaced).
    const findOrder = () => this.prisma.order.findFirst({ where: { consultationId: existing.id, kind: 'CONSULTATION' }, orderBy: { createdAt: 'asc' }, select: { id: true, orderNo: true } });
    let found = await findOrder();
    const waitUntil = Date.now() + REPLAY_ORDER_WAIT_MS;
    while (!found && Date.now() < waitUntil) {
      await new Promise((r) => setTimeout(r, 100));
      found = await findOrder();
    }
    let order: { orderId: string; orderNo: string };
    if (found) order = { orderId: found.id, orderNo: found.orderNo };
    else {
      try {
        order = await this.core.deps.orders.createConsultationOrder(this.prisma, { consultationId: existing.id });
      } catch (err) {
        throw new AppError('CONSULTATION_ORDER_FAILED', { cause: err });
      }
    }
    return { consultation: await this.detail(actor, existing.id), order: { id: order.orderId, orderNo: order.orderNo }, replayed: true };
  }

  // ── reading ────────────────────────────────────────────────────────────────────────────────
  private summaryOf(c: ConsultationRow, actor: Actor, prescribed: boolean, last: { preview: string; sender: 'PATIENT' | 'DOCTOR' | 'SYSTEM'; createdAt: string } | null): ConsultationSummary {
    const display = consultationDisplayStatus(c.status, prescribed);
    return {
      id: c.id,
      consultationNo: c.consultationNo,
      status: c.status,
      displayStatus: display,
      statusLabel: CONSULTATION_STATUS_LABELS[display],
      patient: { id: c.patient.id, nameMasked: c.patient.nameMasked },
      doctor: { id: c.doctor.id, name: c.doctor.name, title: c.doctor.title, departmentName: c.department.name, hospitalName: c.hospital.name },
      disease: c.disease,
      insured: c.insured,
      feeFen: c.feeFen,
      unreadCount: Math.max(0, c.lastMessageSeq - (actor.side === 'PATIENT' ? c.patientReadSeq : c.doctorReadSeq)),
      lastMessage: last,
      createdAt: c.createdAt.toISOString(),
      updatedAt: c.updatedAt.toISOString(),
    };
  }

  async list(actor: Actor, q: z.output<typeof ConsultationListQuerySchema>): Promise<ConsultationPage> {
    const cursor = decodeCursor(q.cursor);
    const statuses = FILTERS[q.status];
    const where: Prisma.ConsultationWhereInput = {
      userId: actor.user.id,
      ...(statuses ? { status: { in: statuses } } : {}),
      ...(afterCursor('createdAt', 'desc', cursor) as Prisma.ConsultationWhereInput),
    };
    const rows = await this.prisma.consultation.findMany({ where, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], take: q.limit + 1, select: CONSULTATION_SELECT });
    const page = rows.slice(0, q.limit);
    const ids = page.map((c) => c.id);
    const [prescribed, lasts] = await Promise.all([
      this.core.prescribed(ids),
      page.length
        ? this.prisma.consultationMessage.findMany({
            where: { OR: page.filter((c) => c.lastMessageSeq > 0).map((c) => ({ consultationId: c.id, seq: c.lastMessageSeq })) },
            select: MESSAGE_SELECT,
          })
        : Promise.resolve([]),
    ]);
    const lastBy = new Map(lasts.map((m) => [m.consultationId, m]));
    const items = page.map((c) => {
      const m = lastBy.get(c.id);
      return this.summaryOf(c, actor, prescribed.has(c.id), m ? { preview: messagePreview(m, this.core.deps.cipher), sender: m.sender, createdAt: m.createdAt.toISOString() } : null);
    });
    const lastRow = page[page.length - 1];
    return { items, nextCursor: rows.length > q.limit && lastRow ? encodeCursor({ t: lastRow.createdAt.getTime(), id: lastRow.id }) : null };
  }

  async detail(actor: Actor, id: string, timeouts?: Timeouts): Promise<ConsultationDetail> {
    const c = await this.core.load(actor, id);
    const [prescribedSet, images, order, last, t] = await Promise.all([
      this.core.prescribed([c.id]),
      this.core.descriptionImages(c.id),
      this.prisma.order.findFirst({ where: { consultationId: c.id, kind: 'CONSULTATION' }, orderBy: { createdAt: 'desc' }, select: { id: true, orderNo: true, state: true, expiresAt: true } }),
      c.lastMessageSeq > 0 ? this.prisma.consultationMessage.findUnique({ where: { consultationId_seq: { consultationId: c.id, seq: c.lastMessageSeq } }, select: MESSAGE_SELECT }) : Promise.resolve(null),
      timeouts ? Promise.resolve(timeouts) : this.core.timeouts(),
    ]);
    const prescribed = prescribedSet.has(c.id);
    return {
      ...this.summaryOf(c, actor, prescribed, last ? { preview: messagePreview(last, this.core.deps.cipher), sender: last.sender, createdAt: last.createdAt.toISOString() } : null),
      description: this.core.description(c),
      images,
      offlineDiagnosis: this.core.offlineDiagnosis(c),
      selfPayReasons: this.core.selfPayReasons(c),
      order: order ? { id: order.id, orderNo: order.orderNo, state: order.state, expiresAt: order.expiresAt?.toISOString() ?? null } : null,
      paidAt: c.paidAt?.toISOString() ?? null,
      acceptedAt: c.acceptedAt?.toISOString() ?? null,
      endedAt: c.endedAt?.toISOString() ?? null,
      cancelledAt: c.cancelledAt?.toISOString() ?? null,
      ...this.core.closeReason(c),
      acceptDeadline: this.core.acceptDeadline(c, t),
      canCancel: c.status === 'PENDING_PAYMENT' || c.status === 'WAITING',
      room: this.core.roomState(c, actor, prescribed),
    };
  }

  // ── cancel ─────────────────────────────────────────────────────────────────────────────────
  async cancel(actor: Actor, id: string, choice: CancelChoice, meta: RequestMeta = {}): Promise<ConsultationDetail> {
    const c = await this.core.load(actor, id);
    if (c.status !== 'PENDING_PAYMENT' && c.status !== 'WAITING') throw new AppError('CONSULTATION_NOT_CANCELLABLE');
    const done = await this.core.close({
      id,
      from: c.status,
      to: 'CANCELLED',
      reason: 'PATIENT_CANCELLED',
      message: 'CANCELLED',
      action: 'consultation.cancelled',
      actor: { userId: actor.user.id, role: actor.user.role, requestId: meta.requestId, ip: meta.ip },
      cancelChoice: choice,
    });
    if (!done) {
      // A doctor accepted it (or it was paid/closed) in the meantime.
      const now = await this.core.load(actor, id);
      if (now.status !== 'CANCELLED' && now.status !== 'REFUNDED') throw new AppError('CONSULTATION_NOT_CANCELLABLE');
    } else {
      await this.core.requestRefund(id, `患者取消问诊：${CANCEL_CHOICES[choice]}`, { userId: actor.user.id, role: actor.user.role });
    }
    return this.detail(actor, id);
  }
}
