/**
 * Public catalog calls both subpackages make (/api/v1/catalog/*): the internet disease catalog
 * (the patient's re-visit flow, the doctor's diagnosis). One function per endpoint in the app.
 */
import { API_PREFIX, DiseaseListResponseSchema, type DiseaseListQuery, type DiseaseListResponse } from '@ih/contract';
import { request, type QueryValue } from './request';

export function listDiseases(query: DiseaseListQuery): Promise<DiseaseListResponse> {
  return request(`${API_PREFIX}/catalog/diseases`, { silent: true, query: query as Record<string, QueryValue>, schema: DiseaseListResponseSchema });
}
