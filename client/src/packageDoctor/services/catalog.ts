/**
 * Catalog searches the doctor needs while prescribing (public catalogs, /api/v1/catalog/*).
 * Diseases come from the shared src/services/catalog.ts (one function per endpoint in the app).
 */
import { API_PREFIX, DrugListResponseSchema, type DrugListQuery, type DrugListResponse } from '@ih/contract';
import { request, type QueryValue } from '../../services/request';

/** The insurance drug catalog (name, trade name, pinyin initials or national code). */
export function listDrugs(query: DrugListQuery): Promise<DrugListResponse> {
  return request(`${API_PREFIX}/catalog/drugs`, { silent: true, query: query as Record<string, QueryValue>, schema: DrugListResponseSchema });
}
