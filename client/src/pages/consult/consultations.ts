/**
 * 我的问诊 (the 问诊 tab, main package): the list call, and what the list and the room share to
 * show a consultation's status (the room in packageConsult imports these from here).
 */
import {
  API_PREFIX,
  ConsultationPageSchema,
  chinaDateTime,
  type ConsultationDisplayStatus,
  type ConsultationListQuery,
  type ConsultationPage,
} from '@ih/contract';
import { request, type QueryValue } from '../../services/request';

export function listConsultations(query: ConsultationListQuery): Promise<ConsultationPage> {
  return request(`${API_PREFIX}/consultations`, { silent: true, query: query as Record<string, QueryValue>, schema: ConsultationPageSchema });
}

/** Tone of a status chip (the label is always written out; colour is never the only signal). */
export const STATUS_TONES: Record<ConsultationDisplayStatus, 'warn' | 'info' | 'ok' | 'muted'> = {
  PENDING_PAYMENT: 'warn',
  WAITING: 'info',
  IN_PROGRESS: 'ok',
  PRESCRIBED: 'ok',
  COMPLETED: 'muted',
  CANCELLED: 'muted',
  REFUNDED: 'muted',
};

/** "11-22 16:05" in China time (this year), "2025-11-22 16:05" otherwise. */
export function shortTime(iso: string, now: number = Date.now()): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return '';
  const text = chinaDateTime(ms).slice(0, 16);
  return text.slice(0, 4) === chinaDateTime(now).slice(0, 4) ? text.slice(5) : text;
}
