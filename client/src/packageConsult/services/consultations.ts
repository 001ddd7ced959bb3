/**
 * The patient's consultation calls (contract/src/consult.ts): create, detail, cancel, the room's
 * messages (also the long poll the realtime service falls back to), send, read marks. Pages
 * render errors themselves (silent), except where noted.
 */
import {
  API_PREFIX,
  ConsultationDetailSchema,
  ConsultationMessageSchema,
  CreateConsultationResponseSchema,
  MessagesResponseSchema,
  ReadResponseSchema,
  type CancelChoice,
  type ConsultationDetail,
  type ConsultationMessage,
  type CreateConsultationRequest,
  type CreateConsultationResponse,
  type MessagesResponse,
  type ReadResponse,
  type SendMessageRequest,
} from '@ih/contract';
import { request } from '../../services/request';

const BASE = `${API_PREFIX}/consultations`;
const id = (value: string) => encodeURIComponent(value);
const silent = { silent: true } as const;

export function createConsultation(body: CreateConsultationRequest): Promise<CreateConsultationResponse> {
  return request(BASE, { ...silent, method: 'POST', data: body, schema: CreateConsultationResponseSchema });
}

export function getConsultation(consultationId: string): Promise<ConsultationDetail> {
  return request(`${BASE}/${id(consultationId)}`, { ...silent, schema: ConsultationDetailSchema });
}

export function cancelConsultation(consultationId: string, reason: CancelChoice): Promise<ConsultationDetail> {
  return request(`${BASE}/${id(consultationId)}/cancel`, { ...silent, method: 'POST', data: { reason }, schema: ConsultationDetailSchema });
}

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
