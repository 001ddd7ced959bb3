/**
 * The re-visit flow's calls to the BFF: public catalogs (/api/v1/catalog/*), the patient's
 * offline visits from the hospital HIS and the eligibility check. Responses are checked against
 * the contract's schemas (a mismatch is BAD_RESPONSE). Lists are paged: `{items, page, pageSize, total}`.
 * The disease catalog, which the doctor's workspace searches too, is in src/services/catalog.ts.
 */
import {
  API_PREFIX,
  DepartmentDetailSchema,
  DepartmentListResponseSchema,
  DoctorListResponseSchema,
  DoctorSchema,
  EligibilityResultSchema,
  HospitalListResponseSchema,
  HospitalSchema,
  OfflineVisitsResponseSchema,
  type DepartmentDetail,
  type DepartmentListQuery,
  type DepartmentListResponse,
  type Doctor,
  type DoctorListQuery,
  type DoctorListResponse,
  type EligibilityRequest,
  type EligibilityResult,
  type Hospital,
  type HospitalListQuery,
  type HospitalListResponse,
  type OfflineVisitsResponse,
} from '@ih/contract';
import { request, type QueryValue } from '../../services/request';

const CATALOG = `${API_PREFIX}/catalog`;
/** Pages render errors themselves (PageState): no toast on top. */
const silent = { silent: true } as const;
const q = (query: object) => query as Record<string, QueryValue>;
const id = (value: string) => encodeURIComponent(value);

export function listHospitals(query: HospitalListQuery): Promise<HospitalListResponse> {
  return request(`${CATALOG}/hospitals`, { ...silent, query: q(query), schema: HospitalListResponseSchema });
}

export function getHospital(hospitalId: string): Promise<Hospital> {
  return request(`${CATALOG}/hospitals/${id(hospitalId)}`, { ...silent, schema: HospitalSchema });
}

export function listDepartments(hospitalId: string, query: DepartmentListQuery): Promise<DepartmentListResponse> {
  return request(`${CATALOG}/hospitals/${id(hospitalId)}/departments`, { ...silent, query: q(query), schema: DepartmentListResponseSchema });
}

export function getDepartment(departmentId: string): Promise<DepartmentDetail> {
  return request(`${CATALOG}/departments/${id(departmentId)}`, { ...silent, schema: DepartmentDetailSchema });
}

export function listDoctors(query: DoctorListQuery): Promise<DoctorListResponse> {
  return request(`${CATALOG}/doctors`, { ...silent, query: q(query), schema: DoctorListResponseSchema });
}

export function getDoctor(doctorId: string): Promise<Doctor> {
  return request(`${CATALOG}/doctors/${id(doctorId)}`, { ...silent, schema: DoctorSchema });
}

/** The patient's offline visits as the hospital HIS reports them (signed-in patients only). */
export function getOfflineVisits(patientId: string): Promise<OfflineVisitsResponse> {
  return request(`${API_PREFIX}/patients/${id(patientId)}/offline-visits`, { ...silent, schema: OfflineVisitsResponseSchema });
}

export function checkEligibility(body: EligibilityRequest): Promise<EligibilityResult> {
  return request(`${API_PREFIX}/consultations/eligibility`, { ...silent, method: 'POST', data: body, schema: EligibilityResultSchema });
}
