/**
 * The consultation room: messages after a seq (with long polling), sending (text or an uploaded
 * image), read marks. Access is checked on every call and again after every wait (a doctor
 * previewing the queue loses the room when a colleague accepts it).
 */
import type { ConsultationMessage, MessagesResponse, ReadResponse, SendMessageRequest } from '@ih/contract';
import { AppError } from '../../lib/errors';
import { attachFiles } from '../files/service';
import { isServingDoctor, maySend, notFound, sendRefusal, type Actor } from './access';
import { ConsultCore, consultBus, type ConsultationRow } from './core';
import { MESSAGE_SELECT, messageDto, textAad, type MessageRow } from './messages';
import { isUniqueViolation } from '../../lib/dbErrors';

export interface MessagesArgs {
  after: number;
  limit: number;
  /** Seconds to wait for something new (capped by the settings and the request time limit). */
  wait: number;
}

export class Room {
  constructor(
    private readonly core: ConsultCore,
    /** Upper bound of a long poll in ms (request time limit minus a margin). */
    private readonly maxWaitMs: number,
  ) {}

  private get prisma() {
    return this.core.prisma;
  }

  dto(row: MessageRow): ConsultationMessage {
    return messageDto(row, this.core.deps.cipher, this.core.deps.signer);
  }

  async messagesAfter(consultationId: string, after: number, limit: number): Promise<{ items: ConsultationMessage[]; hasMore: boolean }> {
    const rows = await this.prisma.consultationMessage.findMany({
      where: { consultationId, seq: { gt: after } },
      orderBy: { seq: 'asc' },
      take: limit + 1,
      select: MESSAGE_SELECT,
    });
    return { items: rows.slice(0, limit).map((r) => this.dto(r)), hasMore: rows.length > limit };
  }

  private async answer(c: ConsultationRow, actor: Actor, args: MessagesArgs): Promise<MessagesResponse> {
    const [{ items, hasMore }, prescribed] = await Promise.all([this.messagesAfter(c.id, args.after, args.limit), this.core.prescribed([c.id])]);
    return { ...this.core.roomState(c, actor, prescribed.has(c.id)), items, hasMore };
  }

  /**
   * Messages after `after`. With `wait` > 0 and nothing newer, waits until a message arrives, the
   * status or a read mark changes, the wait is over, or the client goes away.
   */
  async messages(actor: Actor, consultationId: string, args: MessagesArgs, signal?: AbortSignal): Promise<MessagesResponse> {
    let c = await this.core.load(actor, consultationId);
    const waitMs = Math.min(args.wait * 1000, this.core.deps.settings.longPollMaxSeconds * 1000, this.maxWaitMs);
    const deadline = Date.now() + waitMs;
    const seen = this.core.fingerprint(c);
    for (;;) {
      const remaining = deadline - Date.now();
      if (c.lastMessageSeq > args.after || remaining <= 0 || this.core.fingerprint(c) !== seen || signal?.aborted) return this.answer(c, actor, args);
      const why = await this.core.watcher().waitForChange(consultationId, this.core.fingerprint(c), remaining, signal);
      c = await this.core.load(actor, consultationId);
      if (why !== 'changed') return this.answer(c, actor, args);
    }
  }

  async send(actor: Actor, consultationId: string, req: SendMessageRequest): Promise<ConsultationMessage> {
    const c = await this.core.load(actor, consultationId);
    if (!maySend(c, actor)) throw sendRefusal(c, actor);
    if (req.clientMsgId) {
      const existing = await this.findByClientId(consultationId, req.clientMsgId, actor);
      if (existing) return existing;
    }
    const now = this.core.now();
    const side = actor.side;
    const allowed = side === 'PATIENT' ? (['WAITING', 'IN_PROGRESS'] as const) : (['IN_PROGRESS'] as const);
    const { cipher, settings } = this.core.deps;
    let row: MessageRow;
    try {
      row = await this.prisma.$transaction(async (tx) => {
        // The status check and the seq take the row lock together: nothing is sent into a room
        // closed a moment ago, and concurrent senders get consecutive seqs.
        const n = await tx.consultation.updateMany({
          where: { id: consultationId, status: { in: [...allowed] }, ...(side === 'DOCTOR' ? { doctorId: actor.doctor!.id, acceptedAt: { not: null } } : { userId: actor.user.id }) },
          data: { lastMessageSeq: { increment: 1 }, lastActivityAt: now },
        });
        if (n.count === 0) throw sendRefusal(c, actor);
        const { lastMessageSeq: seq } = await tx.consultation.findUniqueOrThrow({ where: { id: consultationId }, select: { lastMessageSeq: true } });
        if (req.kind === 'IMAGE') {
          if ((await this.core.imageCount(consultationId, tx)) >= settings.maxImages) {
            throw new AppError('CONSULTATION_IMAGE_LIMIT', { message: `每次问诊最多上传 ${settings.maxImages} 张图片` });
          }
          await attachFiles(tx, { fileIds: [req.fileId], ownerUserId: actor.user.id, purpose: 'CONSULT_IMAGE', refType: 'consultation', refId: consultationId, now });
        }
        const created = await tx.consultationMessage.create({
          data: {
            consultationId,
            seq,
            sender: side,
            senderUserId: actor.user.id,
            kind: req.kind,
            textEnc: req.kind === 'TEXT' ? cipher.encrypt(req.text, textAad(consultationId)) : null,
            fileId: req.kind === 'IMAGE' ? req.fileId : null,
            clientMsgId: req.clientMsgId ?? null,
            createdAt: now,
          },
          select: MESSAGE_SELECT,
        });
        // Sending means having read everything before it.
        await tx.consultation.updateMany({
          where: { id: consultationId, ...(side === 'PATIENT' ? { patientReadSeq: { lt: seq } } : { doctorReadSeq: { lt: seq } }) },
          data: side === 'PATIENT' ? { patientReadSeq: seq } : { doctorReadSeq: seq },
        });
        return created;
      });
    } catch (err) {
      if (isUniqueViolation(err) && req.clientMsgId) {
        const existing = await this.findByClientId(consultationId, req.clientMsgId, actor);
        if (existing) return existing;
      }
      throw err;
    }
    consultBus.publish(consultationId);
    return this.dto(row);
  }

  private async findByClientId(consultationId: string, clientMsgId: string, actor: Actor): Promise<ConsultationMessage | null> {
    const row = await this.prisma.consultationMessage.findUnique({
      where: { consultationId_clientMsgId: { consultationId, clientMsgId } },
      select: { ...MESSAGE_SELECT, senderUserId: true },
    });
    if (!row) return null;
    // Another participant's id: treat as a conflict rather than echoing their message.
    if (row.senderUserId !== actor.user.id) throw new AppError('CONFLICT', { message: '消息编号重复，请重新发送' });
    return this.dto(row);
  }

  /** Marks read up to `seq` (never backwards, never beyond the last message). */
  async read(actor: Actor, consultationId: string, seq: number): Promise<ReadResponse> {
    const c = await this.core.load(actor, consultationId);
    const target = Math.min(seq, c.lastMessageSeq);
    let changed = false;
    if (actor.side === 'PATIENT') {
      changed = (await this.prisma.consultation.updateMany({ where: { id: c.id, userId: actor.user.id, patientReadSeq: { lt: target } }, data: { patientReadSeq: target } })).count === 1;
    } else if (isServingDoctor(c, actor)) {
      changed = (await this.prisma.consultation.updateMany({ where: { id: c.id, doctorId: actor.doctor!.id, doctorReadSeq: { lt: target } }, data: { doctorReadSeq: target } })).count === 1;
    }
    // (A doctor previewing the queue reads without marking: the patient's 已读 means their doctor.)
    if (changed) consultBus.publish(c.id);
    const now = await this.prisma.consultation.findUnique({ where: { id: c.id }, select: { patientReadSeq: true, doctorReadSeq: true } });
    if (!now) throw notFound();
    const mine = actor.side === 'PATIENT' ? now.patientReadSeq : isServingDoctor(c, actor) ? now.doctorReadSeq : 0;
    return { myReadSeq: mine, peerReadSeq: actor.side === 'PATIENT' ? now.doctorReadSeq : now.patientReadSeq };
  }
}
