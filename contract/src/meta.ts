/** GET /api/v1/meta: what the app shell shows (hospital branding and which capabilities are live). */
import { z } from 'zod';

export const CAPABILITY_KEYS = ['revisit', 'voucher', 'orders', 'selfService', 'doctorWorkspace'] as const;
export type CapabilityKey = (typeof CAPABILITY_KEYS)[number];

export const CapabilitySchema = z.object({
  key: z.enum(CAPABILITY_KEYS),
  title: z.string(),
  description: z.string(),
  /** available: the entry opens the feature; coming_soon: the entry explains it is not ready yet. */
  status: z.enum(['available', 'coming_soon']),
});
export type Capability = z.infer<typeof CapabilitySchema>;

export const MetaResponseSchema = z.object({
  appName: z.string(),
  hospitalCount: z.number().int().nonnegative(),
  capabilities: z.array(CapabilitySchema),
  serverTime: z.string(),
});
export type MetaResponse = z.infer<typeof MetaResponseSchema>;
