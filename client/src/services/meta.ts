import { API_PREFIX, CapabilitySchema, MetaResponseSchema, type Capability, type MetaResponse } from '@ih/contract';
import { z } from 'zod';
import { request, type RequestOptions } from './request';

/**
 * The meta body as the contract defines it, except that each capability is checked on its
 * own: a capability this client version does not know (a newer BFF) is dropped instead of
 * failing the whole home page.
 */
const LenientMetaSchema = MetaResponseSchema.extend({ capabilities: z.array(z.unknown()) }).transform(
  (meta): MetaResponse => ({
    ...meta,
    capabilities: meta.capabilities.flatMap((c): Capability[] => {
      const parsed = CapabilitySchema.safeParse(c);
      return parsed.success ? [parsed.data] : [];
    }),
  }),
);

/** GET /api/v1/meta: app name, number of hospitals, capability list. */
export function getMeta(options: Omit<RequestOptions<MetaResponse>, 'schema' | 'method'> = {}): Promise<MetaResponse> {
  return request(`${API_PREFIX}/meta`, { ...options, schema: LenientMetaSchema });
}
