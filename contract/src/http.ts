/** Conventions of the BFF's HTTP interface shared with the client. */
export const API_PREFIX = '/api/v1';
export const REQUEST_ID_HEADER = 'x-request-id';
/** Paged lists: ?page=1&pageSize=20 -> { items, page, pageSize, total }. */
import { z } from 'zod';
export const PageQuerySchema = z.object({
  page: z.coerce.number().int().min(1, '页码从 1 开始').default(1),
  pageSize: z.coerce.number().int().min(1).max(100, '每页最多 100 条').default(20),
});
export type PageQuery = z.infer<typeof PageQuerySchema>;
export function pageOf<T extends z.ZodTypeAny>(item: T) {
  return z.object({ items: z.array(item), page: z.number().int(), pageSize: z.number().int(), total: z.number().int() });
}
