import { z } from 'zod';

export const HealthResponseSchema = z.object({ status: z.literal('ok'), uptimeSeconds: z.number() });
export type HealthResponse = z.infer<typeof HealthResponseSchema>;

export const ReadyResponseSchema = z.object({
  status: z.enum(['ready', 'not_ready']),
  checks: z.object({
    database: z.enum(['ok', 'unreachable']),
    migrations: z.enum(['ok', 'pending', 'failed', 'unknown']),
  }),
  pendingMigrations: z.array(z.string()).optional(),
  failedMigrations: z.array(z.string()).optional(),
  /** Present (true) while the server is shutting down: load balancers should stop sending traffic. */
  draining: z.boolean().optional(),
});
export type ReadyResponse = z.infer<typeof ReadyResponseSchema>;
