/**
 * The self-service hall's calls to the BFF (/api/v1/self-service/*, /api/v1/notifications/*).
 * Every answer is checked against the contract's schemas (a mismatch is BAD_RESPONSE); pages
 * render errors themselves (PageState / inline), so calls are silent.
 */
import {
  API_PREFIX,
  AccountInfoSchema,
  ApplicationDetailSchema,
  ApplicationListResponseSchema,
  ApplicationSubmitResponseSchema,
  EnrollmentInfoSchema,
  FilingListResponseSchema,
  FilingViewSchema,
  NotificationListResponseSchema,
  SelfServiceItemDetailSchema,
  SelfServiceItemListSchema,
  UnreadCountResponseSchema,
  ValidateResponseSchema,
  type AccountInfo,
  type ApplicationDetail,
  type ApplicationListResponse,
  type ApplicationSubmitRequest,
  type ApplicationSubmitResponse,
  type ApplicationSupplementRequest,
  type EnrollmentInfo,
  type FilingView,
  type MaterialProvidedInput,
  type NotificationListResponse,
  type SelfServiceItemDetail,
  type SelfServiceItemList,
  type ValidateResponse,
} from '@ih/contract';
import { z } from 'zod';
import { request, type QueryValue } from '../../services/request';

const BASE = `${API_PREFIX}/self-service`;
const NOTIFICATIONS = `${API_PREFIX}/notifications`;
const silent = { silent: true } as const;
const enc = (v: string) => encodeURIComponent(v);
const q = (query: object) => query as Record<string, QueryValue>;

// ── items ────────────────────────────────────────────────────────────────────────────────────
export function listItems(): Promise<SelfServiceItemList> {
  return request(`${BASE}/items`, { ...silent, schema: SelfServiceItemListSchema });
}

export function getItem(code: string): Promise<SelfServiceItemDetail> {
  return request(`${BASE}/items/${enc(code)}`, { ...silent, schema: SelfServiceItemDetailSchema });
}

// ── applications ─────────────────────────────────────────────────────────────────────────────
export interface DraftBody {
  itemCode: string;
  patientId: string;
  form: Record<string, string>;
  materials: MaterialProvidedInput[];
}

/** The BFF's check before the review page: the same messages, plus masked values and the due date. */
export function validateApplication(body: DraftBody): Promise<ValidateResponse> {
  return request(`${BASE}/validate`, { ...silent, method: 'POST', data: body, schema: ValidateResponseSchema });
}

export function submitApplication(body: ApplicationSubmitRequest): Promise<ApplicationSubmitResponse> {
  return request(`${BASE}/applications`, { ...silent, method: 'POST', data: body, schema: ApplicationSubmitResponseSchema });
}

export interface ApplicationListQuery {
  status?: 'open' | 'done' | 'all';
  itemCode?: string;
  patientId?: string;
  page?: number;
  pageSize?: number;
}

export function listApplications(query: ApplicationListQuery = {}): Promise<ApplicationListResponse> {
  return request(`${BASE}/applications`, { ...silent, query: q(query), schema: ApplicationListResponseSchema });
}

export function getApplication(id: string): Promise<ApplicationDetail> {
  return request(`${BASE}/applications/${enc(id)}`, { ...silent, schema: ApplicationDetailSchema });
}

export function supplementApplication(id: string, body: ApplicationSupplementRequest): Promise<ApplicationDetail> {
  return request(`${BASE}/applications/${enc(id)}/supplement`, { ...silent, method: 'POST', data: body, schema: ApplicationDetailSchema });
}

/** Asks the agency for the latest status now (the BFF does it at most every 10 s per application). */
export function refreshApplication(id: string): Promise<ApplicationDetail> {
  return request(`${BASE}/applications/${enc(id)}/refresh`, { ...silent, method: 'POST', data: {}, schema: ApplicationDetailSchema });
}

export function withdrawApplication(id: string): Promise<ApplicationDetail> {
  return request(`${BASE}/applications/${enc(id)}/withdraw`, { ...silent, method: 'POST', data: {}, schema: ApplicationDetailSchema });
}

// ── remote-care filings ──────────────────────────────────────────────────────────────────────
export function listFilings(patientId?: string): Promise<FilingView[]> {
  return request(`${BASE}/filings`, { ...silent, query: { patientId }, schema: FilingListResponseSchema }).then((r) => r.items);
}

/** Cancels the filing made by application `applicationId`. */
export function cancelFiling(applicationId: string, body: { reason: string; reasonChanged?: boolean }): Promise<FilingView> {
  return request(`${BASE}/filings/${enc(applicationId)}/cancel`, { ...silent, method: 'POST', data: body, schema: FilingViewSchema });
}

// ── queries ──────────────────────────────────────────────────────────────────────────────────
export function getEnrollment(patientId: string): Promise<EnrollmentInfo> {
  return request(`${BASE}/enrollment`, { ...silent, query: { patientId }, schema: EnrollmentInfoSchema });
}

export function getAccount(query: { patientId: string; since?: string; until?: string }): Promise<AccountInfo> {
  return request(`${BASE}/account`, { ...silent, query: q(query), schema: AccountInfoSchema });
}

/** The 参保凭证 PDF's address (GET with the session's Bearer token; see services/certificate). */
export function certificatePath(patientId: string): string {
  return `${BASE}/certificate?patientId=${enc(patientId)}`;
}

// ── notifications ────────────────────────────────────────────────────────────────────────────
export function listNotifications(query: { unread?: 'true' | 'false'; page?: number; pageSize?: number } = {}): Promise<NotificationListResponse> {
  return request(NOTIFICATIONS, { ...silent, query: q(query), schema: NotificationListResponseSchema });
}

export function unreadCount(): Promise<number> {
  return request(`${NOTIFICATIONS}/unread-count`, { ...silent, noSignInRedirect: true, schema: UnreadCountResponseSchema }).then((r) => r.unread);
}

export function markNotificationRead(id: string): Promise<void> {
  return request(`${NOTIFICATIONS}/${enc(id)}/read`, { ...silent, method: 'POST', data: {}, schema: z.unknown() }).then(() => undefined);
}

export function markAllNotificationsRead(): Promise<void> {
  return request(`${NOTIFICATIONS}/read-all`, { ...silent, method: 'POST', data: {}, schema: z.unknown() }).then(() => undefined);
}

// ── request keys ─────────────────────────────────────────────────────────────────────────────
/**
 * One key per form opening: a second tap, a retry after a timeout or a resend from the review
 * page all carry the same key, so the BFF creates one application.
 */
export function newRequestKey(): string {
  const rand = () => Math.floor(Math.random() * 0x100000000).toString(16).padStart(8, '0');
  return `ss-${Date.now().toString(36)}-${rand()}${rand()}`;
}
