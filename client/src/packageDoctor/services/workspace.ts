/**
 * The workspace's calls to the BFF, typed and checked by the contract's schemas (a mismatch is
 * BAD_RESPONSE). Consultations: contract/src/consult.ts (CONSULT-BFF); diagnosis, prescriptions,
 * review and verification: contract/src/prescription.ts (RX-BFF). Pages show errors themselves
 * (silent), actions show them next to the button that failed.
 */
import {
  API_PREFIX,
  DiagnosisResponseSchema,
  DiagnosisSchema,
  PrescriptionVerificationSchema,
  WorkspaceConsultationDetailSchema,
  WorkspacePageSchema,
  WorkspacePrescriptionListSchema,
  WorkspacePrescriptionPageSchema,
  WorkspacePrescriptionSchema,
  type ApproveRequest,
  type DiagnoseRequest,
  type Diagnosis,
  type DiagnosisResponse,
  type PrescriptionDraftRequest,
  type PrescriptionVerification,
  type RejectRequest,
  type ReviewQueueQuery,
  type ReviseRequest,
  type WorkspaceConsultationDetail,
  type WorkspaceListQuery,
  type WorkspacePage,
  type WorkspacePrescription,
  type WorkspacePrescriptionList,
  type WorkspacePrescriptionPage,
} from '@ih/contract';
import { request, type QueryValue } from '../../services/request';

const WS = `${API_PREFIX}/workspace`;
const silent = { silent: true } as const;
const id = (value: string) => encodeURIComponent(value);
const q = (query: object) => query as Record<string, QueryValue>;

// ── consultations (doctor) ───────────────────────────────────────────────────────────────────
/** WAITING: my department's queue; IN_PROGRESS / COMPLETED: my own. */
export function listConsultations(query: WorkspaceListQuery): Promise<WorkspacePage> {
  return request(`${WS}/consultations`, { ...silent, query: q(query), schema: WorkspacePageSchema });
}

export function getConsultation(consultationId: string): Promise<WorkspaceConsultationDetail> {
  return request(`${WS}/consultations/${id(consultationId)}`, { ...silent, schema: WorkspaceConsultationDetailSchema });
}

/** One doctor wins: the others get 409. */
export function acceptConsultation(consultationId: string): Promise<WorkspaceConsultationDetail> {
  return request(`${WS}/consultations/${id(consultationId)}/accept`, { ...silent, method: 'POST', data: {}, schema: WorkspaceConsultationDetailSchema });
}

export function endConsultation(consultationId: string): Promise<WorkspaceConsultationDetail> {
  return request(`${WS}/consultations/${id(consultationId)}/end`, { ...silent, method: 'POST', data: {}, schema: WorkspaceConsultationDetailSchema });
}

// ── diagnosis and prescriptions (doctor) ─────────────────────────────────────────────────────
export function getDiagnosis(consultationId: string): Promise<DiagnosisResponse> {
  return request(`${WS}/consultations/${id(consultationId)}/diagnosis`, { ...silent, schema: DiagnosisResponseSchema });
}

export function saveDiagnosis(consultationId: string, body: DiagnoseRequest): Promise<Diagnosis> {
  return request(`${WS}/consultations/${id(consultationId)}/diagnosis`, { ...silent, method: 'PUT', data: body, schema: DiagnosisSchema });
}

/** Every version of every prescription of the consultation. */
export function listConsultationPrescriptions(consultationId: string): Promise<WorkspacePrescriptionList> {
  return request(`${WS}/consultations/${id(consultationId)}/prescriptions`, { ...silent, schema: WorkspacePrescriptionListSchema });
}

export function createDraft(consultationId: string, body: PrescriptionDraftRequest): Promise<WorkspacePrescription> {
  return request(`${WS}/consultations/${id(consultationId)}/prescriptions`, { ...silent, method: 'POST', data: body, schema: WorkspacePrescriptionSchema });
}

/** DRAFT: edited in place; REJECTED: the BFF answers with a NEW version. */
export function updateDraft(prescriptionId: string, body: PrescriptionDraftRequest): Promise<WorkspacePrescription> {
  return request(`${WS}/prescriptions/${id(prescriptionId)}`, { ...silent, method: 'PUT', data: body, schema: WorkspacePrescriptionSchema });
}

export function discardDraft(prescriptionId: string): Promise<unknown> {
  return request(`${WS}/prescriptions/${id(prescriptionId)}`, { ...silent, method: 'DELETE' });
}

/** The BFF signs with the doctor's SM2 key over the canonical form and sends it to review. */
export function signAndSubmit(prescriptionId: string, expectedUpdatedAt?: string): Promise<WorkspacePrescription> {
  return request(`${WS}/prescriptions/${id(prescriptionId)}/sign-and-submit`, {
    ...silent,
    method: 'POST',
    data: expectedUpdatedAt ? { expectedUpdatedAt } : {},
    schema: WorkspacePrescriptionSchema,
  });
}

/** A new DRAFT version (an approved one is revoked at once). */
export function revisePrescription(prescriptionId: string, body: ReviseRequest): Promise<WorkspacePrescription> {
  return request(`${WS}/prescriptions/${id(prescriptionId)}/revise`, { ...silent, method: 'POST', data: body, schema: WorkspacePrescriptionSchema });
}

// ── review (pharmacist) ──────────────────────────────────────────────────────────────────────
export function getPrescription(prescriptionId: string): Promise<WorkspacePrescription> {
  return request(`${WS}/prescriptions/${id(prescriptionId)}`, { ...silent, schema: WorkspacePrescriptionSchema });
}

export function listReviewQueue(query: ReviewQueueQuery): Promise<WorkspacePrescriptionPage> {
  return request(`${WS}/review-queue`, { ...silent, query: q(query), schema: WorkspacePrescriptionPageSchema });
}

export function approvePrescription(prescriptionId: string, body: ApproveRequest): Promise<WorkspacePrescription> {
  return request(`${WS}/prescriptions/${id(prescriptionId)}/approve`, { ...silent, method: 'POST', data: body, schema: WorkspacePrescriptionSchema });
}

export function rejectPrescription(prescriptionId: string, body: RejectRequest): Promise<WorkspacePrescription> {
  return request(`${WS}/prescriptions/${id(prescriptionId)}/reject`, { ...silent, method: 'POST', data: body, schema: WorkspacePrescriptionSchema });
}

/** Recomputes the hash and checks both signatures now (patient owner or staff). */
export function verifyPrescription(prescriptionId: string): Promise<PrescriptionVerification> {
  return request(`${API_PREFIX}/prescriptions/${id(prescriptionId)}/verification`, { ...silent, schema: PrescriptionVerificationSchema });
}
