/** 就诊人 of the signed-in patient (/api/v1/patients). Every answer is masked by the BFF. */
import {
  API_PREFIX,
  PatientDeleteResponseSchema,
  PatientListResponseSchema,
  PatientSchema,
  type Patient,
  type PatientCreateRequest,
  type PatientListResponse,
  type PatientUpdateRequest,
} from '@ih/contract';
import { request, type RequestOptions } from './request';

type Extra = Pick<RequestOptions<unknown>, 'silent'>;
const BASE = `${API_PREFIX}/patients`;

export function listPatients(options: Extra = {}): Promise<PatientListResponse> {
  return request(BASE, { ...options, schema: PatientListResponseSchema });
}

export function getPatient(id: string, options: Extra = {}): Promise<Patient> {
  return request(`${BASE}/${encodeURIComponent(id)}`, { ...options, schema: PatientSchema });
}

export function createPatient(form: PatientCreateRequest, options: Extra = {}): Promise<Patient> {
  return request(BASE, { ...options, method: 'POST', data: form, schema: PatientSchema });
}

export function updatePatient(id: string, changes: PatientUpdateRequest, options: Extra = {}): Promise<Patient> {
  return request(`${BASE}/${encodeURIComponent(id)}`, { ...options, method: 'PATCH', data: changes, schema: PatientSchema });
}

export function deletePatient(id: string, options: Extra = {}): Promise<void> {
  return request(`${BASE}/${encodeURIComponent(id)}`, { ...options, method: 'DELETE', schema: PatientDeleteResponseSchema }).then(() => undefined);
}
