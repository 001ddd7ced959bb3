/** What the app and the server are built from (injected; tests pass their own). */
import type { createPrisma } from '@ih/db';
import type { Config } from './config';
import type { Logger } from './logger';
import type { JobScheduler } from './lib/jobs';
import type { UpgradeRegistry } from './lib/upgrades';

export type Db = ReturnType<typeof createPrisma>;

/** Process-wide state the routes need to know about (set by the server's lifecycle). */
export class Lifecycle {
  readonly startedAt = Date.now();
  /** True once shutdown began: readiness answers 503 and connections are not kept alive. */
  draining = false;
}

export interface AppDeps {
  config: Config;
  prisma: Db;
  logger: Logger;
  lifecycle?: Lifecycle;
  /** Background jobs: domains register theirs while their router is built (see lib/jobs.ts). */
  jobs?: JobScheduler;
  /** WebSocket upgrades of the HTTP server: domains register theirs (see lib/upgrades.ts). */
  upgrades?: UpgradeRegistry;
}
