/**
 * The doctor's side: the department's queue of paid consultations waiting for a doctor, the
 * doctor's own ones, a consultation with the patient's offline diagnoses (from the HIS) and
 * earlier online visits (patient masked: name initial, gender, age), accept (guarded: one doctor
 * wins), end.
 */
import {
  CONSULTATION_STATUS_LABELS,
  consultationDisplayStatus,
  type WorkspaceConsultationDetail,
  type WorkspaceConsultationItem,
  type WorkspaceListQuerySchema,
  type WorkspacePage,
} from '@ih/contract';
import type { Prisma } from '@ih/db';
import type { z } from 'zod';
import { AppError, isAppError } from '../../lib/errors';
import { acceptRefusal, isServingDoctor, notFound, type Actor } from './access';
import { ConsultCore, CONSULTATION_SELECT, type ConsultationRow, type Timeouts } from './core';
import { chinaToday } from './eligibility';
import { afterCursor, decodeCursor, encodeCursor } from './ids';
import { appendSystemMessage, auditTx } from './messages';
import type { RequestMeta } from './service';
import { consultBus } from './bus';

const PREVIEW_CHARS = 60;

function ageOn(birth: Date, today: string): number {
  const b = birth.toISOString().slice(0, 10);
  let age = Number(today.slice(0, 4)) - Number(b.slice(0, 4));
  if (today.slice(5) < b.slice(5)) age -= 1;
  return Math.max(0, age);
}

export class Workspace {
  constructor(private readonly core: ConsultCore) {}

  private get prisma() {
    return this.core.prisma;
  }

  private async item(c: ConsultationRow, actor: Actor, prescribed: boolean, t: Timeouts, requested: { id: string; name: string }, imageCount: number): Promise<WorkspaceConsultationItem> {
    const display = consultationDisplayStatus(c.status, prescribed);
    const description = this.core.description(c);
    const chars = Array.from(description.replace(/\s+/g, ' '));
    return {
      id: c.id,
      consultationNo: c.consultationNo,
      status: c.status,
      displayStatus: display,
      statusLabel: CONSULTATION_STATUS_LABELS[display],
      patient: { nameMasked: c.patient.nameMasked, gender: c.patient.gender, age: ageOn(c.patient.birthDate, chinaToday(this.core.now())) },
      disease: c.disease,
      insured: c.insured,
      feeFen: c.feeFen,
      descriptionPreview: chars.length > PREVIEW_CHARS ? `${chars.slice(0, PREVIEW_CHARS).join('')}…` : chars.join(''),
      imageCount,
      requestedDoctor: requested,
      requestedMe: requested.id === actor.doctor!.id,
      waitingSince: c.paidAt?.toISOString() ?? null,
      acceptDeadline: this.core.acceptDeadline(c, t),
      acceptedAt: c.acceptedAt?.toISOString() ?? null,
      endedAt: c.endedAt?.toISOString() ?? null,
      lastActivityAt: c.lastActivityAt?.toISOString() ?? null,
      unreadCount: isServingDoctor(c, actor) ? Math.max(0, c.lastMessageSeq - c.doctorReadSeq) : 0,
    };
  }

  private async requestedDoctors(rows: { requestedDoctorId: string }[]): Promise<Map<string, { id: string; name: string }>> {
    const ids = [...new Set(rows.map((r) => r.requestedDoctorId))];
    const docs = ids.length ? await this.prisma.doctor.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } }) : [];
    return new Map(docs.map((d) => [d.id, d]));
  }

  private async imageCounts(ids: string[]): Promise<Map<string, number>> {
    if (ids.length === 0) return new Map();
    const rows = await this.prisma.storedFile.groupBy({ by: ['refId'], where: { refType: 'consultation', refId: { in: ids }, purpose: 'CONSULT_IMAGE', deletedAt: null }, _count: { _all: true } });
    return new Map(rows.map((r) => [r.refId!, r._count._all]));
  }

  async list(actor: Actor, q: z.output<typeof WorkspaceListQuerySchema>): Promise<WorkspacePage> {
    const d = actor.doctor!;
    const cursor = decodeCursor(q.cursor);
    let where: Prisma.ConsultationWhereInput;
    let field: 'paidAt' | 'acceptedAt' | 'endedAt';
    let dir: 'asc' | 'desc';
    if (q.status === 'WAITING') {
      // First come, first served.
      where = { departmentId: d.departmentId, status: 'WAITING' };
      field = 'paidAt';
      dir = 'asc';
    } else if (q.status === 'IN_PROGRESS') {
      where = { doctorId: d.id, status: 'IN_PROGRESS', acceptedAt: { not: null } };
      field = 'acceptedAt';
      dir = 'desc';
    } else {
      where = { doctorId: d.id, status: 'COMPLETED', acceptedAt: { not: null } };
      field = 'endedAt';
      dir = 'desc';
    }
    const rows = await this.prisma.consultation.findMany({
      where: { AND: [where, afterCursor(field, dir, cursor) as Prisma.ConsultationWhereInput] },
      orderBy: [{ [field]: dir }, { id: dir }],
      take: q.limit + 1,
      select: CONSULTATION_SELECT,
    });
    const page = rows.slice(0, q.limit);
    const ids = page.map((c) => c.id);
    const [prescribed, t, requested, images] = await Promise.all([this.core.prescribed(ids), this.core.timeouts(), this.requestedDoctors(page), this.imageCounts(ids)]);
    const items = await Promise.all(
      page.map((c) => this.item(c, actor, prescribed.has(c.id), t, requested.get(c.requestedDoctorId) ?? { id: c.requestedDoctorId, name: '' }, images.get(c.id) ?? 0)),
    );
    const last = page[page.length - 1];
    const sortValue = last ? (last[field] as Date | null) : null;
    return { items, nextCursor: rows.length > q.limit && last ? encodeCursor({ t: sortValue ? sortValue.getTime() : null, id: last.id }) : null };
  }

  async detail(actor: Actor, id: string): Promise<WorkspaceConsultationDetail> {
    const c = await this.core.load(actor, id);
    const [prescribedSet, t, requested, images, previous, offline] = await Promise.all([
      this.core.prescribed([c.id]),
      this.core.timeouts(),
      this.requestedDoctors([c]),
      this.core.descriptionImages(c.id),
      this.prisma.consultation.findMany({
        where: { patientId: c.patientId, hospitalId: c.hospitalId, id: { not: c.id }, status: { in: ['IN_PROGRESS', 'COMPLETED'] }, acceptedAt: { not: null } },
        orderBy: { createdAt: 'desc' },
        take: 20,
        select: { id: true, consultationNo: true, createdAt: true, endedAt: true, status: true, doctor: { select: { name: true } }, department: { select: { name: true } }, hospital: { select: { name: true } }, disease: { select: { name: true } } },
      }),
      this.offlineVisits(c),
    ]);
    const prescribed = prescribedSet.has(c.id);
    const imageCount = await this.core.imageCount(c.id);
    const base = await this.item(c, actor, prescribed, t, requested.get(c.requestedDoctorId) ?? { id: c.requestedDoctorId, name: '' }, imageCount);
    return {
      ...base,
      description: this.core.description(c),
      images,
      offlineDiagnosis: this.core.offlineDiagnosis(c),
      selfPayReasons: this.core.selfPayReasons(c),
      offlineVisits: offline.visits,
      offlineVisitsError: offline.error,
      previousConsultations: previous.map((p) => ({
        id: p.id,
        consultationNo: p.consultationNo,
        createdAt: p.createdAt.toISOString(),
        endedAt: p.endedAt?.toISOString() ?? null,
        status: p.status,
        statusLabel: CONSULTATION_STATUS_LABELS[p.status],
        doctorName: p.doctor.name,
        departmentName: p.department.name,
        hospitalName: p.hospital.name,
        diseaseName: p.disease?.name ?? null,
      })),
      ...this.core.closeReason(c),
      canAccept: c.status === 'WAITING' && acceptRefusal(actor.doctor!, c.insured) === null,
      canEnd: c.status === 'IN_PROGRESS' && isServingDoctor(c, actor),
      room: this.core.roomState(c, actor, prescribed),
    };
  }

  /** The patient's offline visits from the HIS; a HIS failure does not fail the page. */
  private async offlineVisits(c: ConsultationRow): Promise<{ visits: WorkspaceConsultationDetail['offlineVisits']; error: WorkspaceConsultationDetail['offlineVisitsError'] }> {
    try {
      const r = await this.core.deps.eligibility.offlineVisits(c.userId, c.patientId);
      return { visits: r.items, error: null };
    } catch (err) {
      if (isAppError(err)) return { visits: null, error: { code: err.code, message: err.userMessage } };
      throw err;
    }
  }

  async accept(actor: Actor, id: string, meta: RequestMeta = {}): Promise<WorkspaceConsultationDetail> {
    const d = actor.doctor!;
    const c = await this.prisma.consultation.findUnique({ where: { id }, select: { id: true, status: true, departmentId: true, doctorId: true, insured: true, acceptedAt: true } });
    if (!c || c.departmentId !== d.departmentId) throw notFound();
    if (c.status !== 'WAITING') {
      if (c.status === 'IN_PROGRESS' && c.doctorId === d.id) return this.detail(actor, id); // a second tap of the winner
      throw new AppError(c.status === 'IN_PROGRESS' || c.status === 'COMPLETED' ? 'CONSULTATION_ALREADY_ACCEPTED' : 'CONSULTATION_STATE_CHANGED');
    }
    const refusal = acceptRefusal(d, c.insured);
    if (refusal) throw refusal;
    const now = this.core.now();
    const won = await this.prisma.$transaction(async (tx) => {
      const n = await tx.consultation.updateMany({
        where: { id, status: 'WAITING', departmentId: d.departmentId },
        data: { status: 'IN_PROGRESS', doctorId: d.id, acceptedAt: now, lastActivityAt: now, version: { increment: 1 } },
      });
      if (n.count === 0) return false;
      await appendSystemMessage(tx, id, 'ACCEPTED', now);
      await auditTx(tx, {
        action: 'consultation.accepted',
        targetId: id,
        actorUserId: actor.user.id,
        actorRole: 'DOCTOR',
        requestId: meta.requestId ?? null,
        ip: meta.ip ?? null,
        details: { doctorId: d.id, from: 'WAITING', to: 'IN_PROGRESS' },
      });
      return true;
    });
    if (!won) {
      const again = await this.prisma.consultation.findUnique({ where: { id }, select: { status: true, doctorId: true } });
      if (again?.status === 'IN_PROGRESS' && again.doctorId === d.id) return this.detail(actor, id);
      throw new AppError(again?.status === 'IN_PROGRESS' || again?.status === 'COMPLETED' ? 'CONSULTATION_ALREADY_ACCEPTED' : 'CONSULTATION_STATE_CHANGED');
    }
    consultBus.publish(id);
    return this.detail(actor, id);
  }

  async end(actor: Actor, id: string, meta: RequestMeta = {}): Promise<WorkspaceConsultationDetail> {
    const c = await this.core.load(actor, id);
    if (!isServingDoctor(c, actor)) throw notFound();
    if (c.status === 'COMPLETED') return this.detail(actor, id);
    if (c.status !== 'IN_PROGRESS') throw new AppError('CONSULTATION_STATE_CHANGED');
    const done = await this.core.close({
      id,
      from: 'IN_PROGRESS',
      to: 'COMPLETED',
      reason: 'DOCTOR_ENDED',
      message: 'ENDED',
      action: 'consultation.ended',
      actor: { userId: actor.user.id, role: 'DOCTOR', requestId: meta.requestId, ip: meta.ip },
      extraWhere: { doctorId: actor.doctor!.id },
    });
    if (!done) {
      const again = await this.core.load(actor, id);
      if (again.status !== 'COMPLETED') throw new AppError('CONSULTATION_STATE_CHANGED');
    }
    return this.detail(actor, id);
  }
}
