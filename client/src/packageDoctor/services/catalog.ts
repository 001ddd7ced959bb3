/**
 * Catalog searches the doctor needs while prescribing (public catalogs, /api/v1/catalog/*).
 * Diseases come through the re-visit flow's service (one function per endpoint in the app).
 */
import { API_PREFIX, DrugListResponseSchema, type DrugListQuery, type DrugListResponse } from '@ih/contract';
import { request, type QueryValue } from '../../services/request';

export { listDiseases } from '../../packageConsult/services/consult';

/** The insurance drug catalog (name, trade name, pinyin initials or national code). */
export function listDrugs(query: DrugListQuery): Promise<DrugListResponse> {
  return request(`${API_PREFIX}/catalog/drugs`, { silent: true, query: query as Record<string, QueryValue>, schema: DrugListResponseSchema });
}
