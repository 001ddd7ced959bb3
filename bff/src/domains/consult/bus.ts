/**
 * How waiting long polls and WebSockets learn that a room changed.
 *
 * - The in-process bus: every write of this BFF (message, read state, status) publishes
 *   `consultationId` right after its transaction commits, so listeners in this process wake at
 *   once. Hooks called inside another domain's transaction (payment, refund) publish a little
 *   later (after the caller's commit, see `publishSoon`).
 * - The database fallback (several BFF instances): a change written by another instance never
 *   reaches this bus, so `RoomWatcher` looks at the watched consultations' state every
 *   CONSULT_DB_POLL_MS (one query for all of them) and wakes the listeners whose state
 *   (status, last seq, read marks, version) differs from what they saw.
 * A wake-up only means "look again": listeners re-read the database, so duplicates are harmless.
 */
import { EventEmitter } from 'node:events';
import type { Db } from '../../deps';
import type { Logger } from '../../logger';

class ConsultBus {
  private readonly emitter = new EventEmitter();

  constructor() {
    this.emitter.setMaxListeners(0);
  }

  publish(consultationId: string): void {
    this.emitter.emit(consultationId);
  }

  /** After the caller's transaction (not known here) has most likely committed; again a bit later. */
  publishSoon(consultationId: string): void {
    for (const ms of [50, 1000]) setTimeout(() => this.publish(consultationId), ms).unref();
  }

  subscribe(consultationId: string, fn: () => void): () => void {
    this.emitter.on(consultationId, fn);
    return () => this.emitter.off(consultationId, fn);
  }
}

/** One bus per process: every app instance in it shares it. */
export const consultBus = new ConsultBus();

/** The parts of a consultation whose change a room listener cares about. */
export interface RoomFingerprintSource {
  status: string;
  lastMessageSeq: number;
  patientReadSeq: number;
  doctorReadSeq: number;
  version: number;
}

export function roomFingerprint(c: RoomFingerprintSource): string {
  return `${c.status}|${c.lastMessageSeq}|${c.patientReadSeq}|${c.doctorReadSeq}|${c.version}`;
}

interface Waiter {
  consultationId: string;
  fingerprint: string;
  wake: () => void;
}

export class RoomWatcher {
  private readonly waiters = new Set<Waiter>();
  private timer: NodeJS.Timeout | null = null;
  private polling = false;
  private stopped = false;

  constructor(
    private readonly prisma: Db,
    private readonly logger: Logger,
    private readonly pollMs: number,
  ) {}

  /**
   * Resolves when the room may have changed since `fingerprint` (bus event or database
   * difference), after `timeoutMs`, or when `signal` aborts. Never rejects.
   */
  waitForChange(consultationId: string, fingerprint: string, timeoutMs: number, signal?: AbortSignal): Promise<'changed' | 'timeout' | 'aborted'> {
    return new Promise((resolve) => {
      if (this.stopped || signal?.aborted) return resolve('aborted');
      let done = false;
      const finish = (why: 'changed' | 'timeout' | 'aborted') => {
        if (done) return;
        done = true;
        clearTimeout(timeout);
        unsubscribe();
        signal?.removeEventListener('abort', onAbort);
        this.waiters.delete(waiter);
        if (this.waiters.size === 0) this.stopTimer();
        resolve(why);
      };
      const onAbort = () => finish('aborted');
      const waiter: Waiter = { consultationId, fingerprint, wake: () => finish('changed') };
      const unsubscribe = consultBus.subscribe(consultationId, waiter.wake);
      const timeout = setTimeout(() => finish('timeout'), Math.max(0, timeoutMs));
      timeout.unref();
      signal?.addEventListener('abort', onAbort);
      this.waiters.add(waiter);
      this.startTimer();
    });
  }

  /** Wakes every waiter (shutdown) and refuses new ones. */
  stop(): void {
    this.stopped = true;
    this.stopTimer();
    for (const w of [...this.waiters]) w.wake();
  }

  private startTimer(): void {
    if (this.timer || this.stopped) return;
    this.timer = setInterval(() => void this.poll(), this.pollMs);
    this.timer.unref();
  }

  private stopTimer(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** One query for every watched consultation; wakes the waiters whose view is stale. */
  async poll(): Promise<void> {
    if (this.polling || this.waiters.size === 0) return;
    this.polling = true;
    try {
      const ids = [...new Set([...this.waiters].map((w) => w.consultationId))];
      const rows = await this.prisma.consultation.findMany({
        where: { id: { in: ids } },
        select: { id: true, status: true, lastMessageSeq: true, patientReadSeq: true, doctorReadSeq: true, version: true },
      });
      const now = new Map(rows.map((r) => [r.id, roomFingerprint(r)]));
      for (const w of [...this.waiters]) {
        if (now.get(w.consultationId) !== w.fingerprint) w.wake();
      }
    } catch (err) {
      this.logger.warn({ err: { message: (err as Error).message } }, 'consultation room poll failed');
    } finally {
      this.polling = false;
    }
  }
}
