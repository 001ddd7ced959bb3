/**
 * Background jobs of one BFF process (consultation timeouts, payment reconciliation, …), on
 * croner. Domains register their jobs while their router is built (`deps.jobs.register(...)`);
 * the server starts them after it listens (unless JOBS_ENABLED=false) and stops them first on
 * shutdown, waiting for a run in progress. Tests never start the scheduler: they call the job's
 * function directly.
 *
 * Every job must be safe when several BFF instances run it at once (guarded UPDATEs or
 * `FOR UPDATE SKIP LOCKED`): the scheduler only prevents overlap inside one process.
 */
import { Cron } from 'croner';
import type { Logger } from '../logger';

export interface JobDefinition {
  /** Stable name for logs, e.g. 'consult.timeouts'. */
  name: string;
  /** Run every `everyMs` milliseconds (a setting of the domain's config). */
  everyMs: number;
  run(): Promise<unknown>;
}

export class JobScheduler {
  private readonly defs = new Map<string, JobDefinition>();
  private readonly crons: Cron[] = [];
  private readonly running = new Set<Promise<unknown>>();
  private started = false;

  constructor(private readonly logger: Logger) {}

  register(def: JobDefinition): void {
    if (this.defs.has(def.name)) throw new Error(`job ${def.name} registered twice`);
    if (!(def.everyMs >= 1000)) throw new Error(`job ${def.name}: everyMs must be at least 1000`);
    this.defs.set(def.name, def);
    if (this.started) this.schedule(def);
  }

  list(): readonly JobDefinition[] {
    return [...this.defs.values()];
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    for (const def of this.defs.values()) this.schedule(def);
  }

  /** Stops scheduling and waits for runs in progress. */
  async stop(): Promise<void> {
    this.started = false;
    for (const c of this.crons.splice(0)) c.stop();
    await Promise.allSettled([...this.running]);
  }

  private schedule(def: JobDefinition): void {
    const cron = new Cron(
      // croner accepts an interval with a "run every second" pattern; the interval option rules.
      '* * * * * *',
      { interval: Math.round(def.everyMs / 1000), protect: true, name: def.name },
      async () => {
        const startedAt = Date.now();
        const p = def.run();
        this.running.add(p);
        try {
          const result = await p;
          this.logger.debug({ job: def.name, ms: Date.now() - startedAt, result }, 'job finished');
        } catch (err) {
          this.logger.error({ job: def.name, err }, 'job failed');
        } finally {
          this.running.delete(p);
        }
      },
    );
    this.crons.push(cron);
  }
}
