/**
 * Room messages: numbering, storage and the shape the client gets.
 *
 * A message takes seq = consultations.last_message_seq + 1, allocated by an UPDATE of the
 * consultation row inside the caller's transaction: the row lock orders concurrent senders,
 * so seqs are gap-free and unique per consultation (also enforced by a unique index).
 * TEXT is stored encrypted (FieldCipher, bound to the consultation by AAD); SYSTEM messages
 * store only their code (the text comes from the contract).
 */
import {
  SYSTEM_MESSAGES,
  type ConsultationMessage,
  type MessageKind,
  type MessageSender,
  type SystemMessageCode,
} from '@ih/contract';
import type { FieldCipher, Prisma } from '@ih/db';
import type { FileUrlSigner } from '../files/urls';

export type Tx = Prisma.TransactionClient;

export const textAad = (consultationId: string) => `consultation_message:${consultationId}`;
export const descriptionAad = (consultationId: string) => `consultation_description:${consultationId}`;
export const offlineDiagnosisAad = (consultationId: string) => `consultation_offline_diagnosis:${consultationId}`;

export interface NewMessage {
  consultationId: string;
  sender: MessageSender;
  senderUserId?: string | null;
  kind: MessageKind;
  textEnc?: string | null;
  fileId?: string | null;
  prescriptionId?: string | null;
  systemCode?: SystemMessageCode | null;
  clientMsgId?: string | null;
}

export const MESSAGE_SELECT = {
  id: true,
  seq: true,
  sender: true,
  kind: true,
  textEnc: true,
  prescriptionId: true,
  systemCode: true,
  createdAt: true,
  consultationId: true,
  file: { select: { id: true, mime: true, sizeBytes: true } },
} as const;

export type MessageRow = Prisma.ConsultationMessageGetPayload<{ select: typeof MESSAGE_SELECT }>;

/**
 * Appends a message (inside a transaction). `touchActivity`: a patient's or doctor's message
 * counts as activity for the idle timeout; system messages do not.
 */
export async function appendMessage(tx: Tx, msg: NewMessage, opts: { now?: Date; touchActivity?: boolean } = {}): Promise<MessageRow> {
  const now = opts.now ?? new Date();
  const { lastMessageSeq } = await tx.consultation.update({
    where: { id: msg.consultationId },
    data: { lastMessageSeq: { increment: 1 }, ...(opts.touchActivity ? { lastActivityAt: now } : {}) },
    select: { lastMessageSeq: true },
  });
  return tx.consultationMessage.create({
    data: {
      consultationId: msg.consultationId,
      seq: lastMessageSeq,
      sender: msg.sender,
      senderUserId: msg.senderUserId ?? null,
      kind: msg.kind,
      textEnc: msg.textEnc ?? null,
      fileId: msg.fileId ?? null,
      prescriptionId: msg.prescriptionId ?? null,
      systemCode: msg.systemCode ?? null,
      clientMsgId: msg.clientMsgId ?? null,
      createdAt: now,
    },
    select: MESSAGE_SELECT,
  });
}

/** A system note in the room. */
export function appendSystemMessage(tx: Tx, consultationId: string, code: SystemMessageCode, now?: Date): Promise<MessageRow> {
  return appendMessage(tx, { consultationId, sender: 'SYSTEM', kind: 'SYSTEM', systemCode: code }, { now });
}

export function isSystemCode(code: string | null): code is SystemMessageCode {
  return code !== null && Object.hasOwn(SYSTEM_MESSAGES, code);
}

export function messageDto(row: MessageRow, cipher: FieldCipher, signer: FileUrlSigner): ConsultationMessage {
  const systemCode = isSystemCode(row.systemCode) ? row.systemCode : null;
  let text: string | null = null;
  if (row.kind === 'TEXT' && row.textEnc) text = cipher.decrypt(row.textEnc, textAad(row.consultationId));
  else if (row.kind === 'SYSTEM' && systemCode) text = SYSTEM_MESSAGES[systemCode];
  return {
    id: row.id,
    seq: row.seq,
    sender: row.sender,
    kind: row.kind,
    text,
    file: row.file ? signer.ref(row.file) : null,
    prescriptionId: row.prescriptionId,
    systemCode,
    createdAt: row.createdAt.toISOString(),
  };
}

/** One line for lists ("[图片]", the first characters of a text). */
export function messagePreview(row: Pick<MessageRow, 'kind' | 'textEnc' | 'systemCode' | 'consultationId'>, cipher: FieldCipher): string {
  switch (row.kind) {
    case 'IMAGE':
      return '[图片]';
    case 'PRESCRIPTION':
      return '[处方]';
    case 'SYSTEM':
      return isSystemCode(row.systemCode) ? SYSTEM_MESSAGES[row.systemCode] : '[系统消息]';
    case 'TEXT': {
      const text = row.textEnc ? cipher.decrypt(row.textEnc, textAad(row.consultationId)) : '';
      const chars = Array.from(text.replace(/\s+/g, ' '));
      return chars.length > 40 ? `${chars.slice(0, 40).join('')}…` : chars.join('');
    }
  }
}

/** An audit row inside the caller's transaction (no personal data in details). */
export async function auditTx(
  tx: Tx,
  entry: { action: string; targetId: string; actorUserId?: string | null; actorRole?: string | null; requestId?: string | null; ip?: string | null; details?: Record<string, string | number | boolean | null> },
): Promise<void> {
  await tx.auditLog.create({
    data: {
      action: entry.action,
      targetType: 'consultation',
      targetId: entry.targetId,
      actorUserId: entry.actorUserId ?? null,
      actorRole: entry.actorRole ?? null,
      requestId: entry.requestId ?? null,
      ip: entry.ip ? entry.ip.slice(0, 45) : null,
      ...(entry.details ? { details: entry.details } : {}),
    },
  });
}
