/**
 * A consultation room's message calls (contract/src/consult.ts), the same for the patient's room
 * and the doctor's chat: the messages (also the long poll the realtime service falls back to),
 * send, read marks. Pages render errors themselves (silent).
 */
import {
  API_PREFIX,
  ConsultationMessageSchema,
  MessagesResponseSchema,
  ReadResponseSchema,
  type ConsultationMessage,
  type MessagesResponse,
  type ReadResponse,
  type SendMessageRequest,
} from '@ih/contract';
import { request } from './request';

const BASE = `${API_PREFIX}/consultations`;
const id = (value: string) => encodeURIComponent(value);
const silent = { silent: true } as const;

/** Long poll: the BFF holds the call up to `wait` seconds; our time limit is longer than that. */
export const LONG_POLL_SECONDS = 25;
const LONG_POLL_TIMEOUT_MS = (LONG_POLL_SECONDS + 15) * 1000;

export function getMessages(consultationId: string, q: { after: number; limit?: number; wait?: number }): Promise<MessagesResponse> {
  const wait = q.wait ?? 0;
  return request(`${BASE}/${id(consultationId)}/messages`, {
    ...silent,
    query: { after: q.after, limit: q.limit ?? 50, wait: wait || undefined },
    schema: MessagesResponseSchema,
    timeoutMs: wait > 0 ? LONG_POLL_TIMEOUT_MS : undefined,
  });
}

export function sendMessage(consultationId: string, body: SendMessageRequest): Promise<ConsultationMessage> {
  return request(`${BASE}/${id(consultationId)}/messages`, { ...silent, method: 'POST', data: body, schema: ConsultationMessageSchema });
}

export function markRead(consultationId: string, seq: number): Promise<ReadResponse> {
  return request(`${BASE}/${id(consultationId)}/read`, { ...silent, method: 'POST', data: { seq }, schema: ReadResponseSchema });
}
