/**
 * The patient's consultation calls (contract/src/consult.ts): create, detail, cancel. The room's
 * message calls, shared with the doctor's chat, are in src/services/consultations.ts. Pages
 * render errors themselves (silent).
 */
import {
  API_PREFIX,
  ConsultationDetailSchema,
  CreateConsultationResponseSchema,
  type CancelChoice,
  type ConsultationDetail,
  type CreateConsultationRequest,
  type CreateConsultationResponse,
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
