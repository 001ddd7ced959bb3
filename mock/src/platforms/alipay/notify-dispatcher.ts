/**
 * Delivers a platform's asynchronous notifications (Alipay trade_status_sync, national APP cashier
 * results) to the merchant's notify URL, the way the platforms do: POST, retry until the merchant
 * acknowledges, same notification id on every attempt. Faults (operation "notify", or
 * "notify:<event>" for one event type) shape the delivery:
 *   notify_never          nothing is sent
 *   notify_duplicate      the same notification is delivered twice (params.gapMs, default 50)
 *   notify_late           delivered after params.ms (default 3000)
 *   notify_out_of_order   held back until the next notification for the same order has been
 *                         delivered (or params.ms, default 5000, whichever comes first)
 *   bad_signature / wrong_amount / stale_timestamp  passed to the builder (signed with another
 *                         key / amount changed by params.deltaFen, default 1 / timestamp moved
 *                         params.ms, default 1 h, into the past)
 */
import type { FaultRegistry } from '../../faults';

export interface NotifyVariant {
  badSignature: boolean;
  /** Added to the amount the notification carries (0 = correct). */
  deltaFen: number;
  /** Moves the notification's timestamp this far into the past (0 = now). */
  staleMs: number;
}

export interface NotifyPayload {
  body: string;
  contentType: string;
  /** What the admin API shows about this notification (no secrets). */
  summary: Record<string, unknown>;
}

export interface NotifyJob {
  /** Groups notifications of one order (ordering faults act within a group). */
  key: string;
  /** Event type, e.g. "pay" or "refund" (fault operation "notify:<event>"). */
  event: string;
  url: string;
  build(variant: NotifyVariant): NotifyPayload;
}

export interface DeliveryRecord {
  seq: number;
  key: string;
  event: string;
  url: string;
  attempt: number;
  at: string;
  httpStatus?: number;
  acked: boolean;
  error?: string;
  /** What happened because of a fault, e.g. "duplicate", "late", "never", "out_of_order". */
  fault?: string;
  summary: Record<string, unknown>;
}

export interface NotifyDispatcherOptions {
  platform: string;
  faults: FaultRegistry;
  /** Delays between attempts while the merchant does not acknowledge. */
  retryDelaysMs: number[];
  /** Whether the merchant's answer is an acknowledgement. */
  isAck(status: number, text: string): boolean;
  /** Upper bound of one delivery attempt. */
  attemptTimeoutMs?: number;
}

const NOTIFY_FAULTS = ['notify_never', 'notify_duplicate', 'notify_late', 'notify_out_of_order', 'bad_signature', 'wrong_amount', 'stale_timestamp'] as const;

export class NotifyDispatcher {
  private seq = 0;
  private records: DeliveryRecord[] = [];
  private timers = new Set<NodeJS.Timeout>();
  private inFlight = 0;
  private held = new Map<string, { release: () => void }[]>();
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly opts: NotifyDispatcherOptions) {}

  /** Delivery attempts so far (newest last). */
  deliveries(): DeliveryRecord[] {
    return this.records.map((r) => ({ ...r }));
  }

  reset(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.held.clear();
    this.records = [];
    this.checkIdle();
  }

  /** Resolves when nothing is scheduled or in flight (held notifications count as scheduled). */
  whenIdle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private isIdle(): boolean {
    return this.timers.size === 0 && this.inFlight === 0;
  }

  private checkIdle(): void {
    if (!this.isIdle()) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }

  private take(job: NotifyJob, kind: (typeof NOTIFY_FAULTS)[number]) {
    const { faults, platform } = this.opts;
    return faults.take(platform, `notify:${job.event}`, [kind]) ?? faults.take(platform, 'notify', [kind]);
  }

  private schedule(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
      this.checkIdle();
    }, ms);
    this.timers.add(t);
  }

  /** Sends one notification (asynchronously; returns at once). */
  dispatch(job: NotifyJob): void {
    if (this.take(job, 'notify_never')) {
      this.record(job, 0, { acked: false, fault: 'never', summary: {} });
      return;
    }
    const bad = this.take(job, 'bad_signature');
    const wrong = this.take(job, 'wrong_amount');
    const stale = this.take(job, 'stale_timestamp');
    const variant: NotifyVariant = {
      badSignature: Boolean(bad),
      deltaFen: wrong ? Number(wrong.params.deltaFen ?? 1) : 0,
      staleMs: stale ? Number(stale.params.ms ?? 3_600_000) : 0,
    };
    const payload = job.build(variant);
    const faultNote = [bad && 'bad_signature', wrong && 'wrong_amount', stale && 'stale_timestamp'].filter(Boolean).join(',') || undefined;

    const duplicate = this.take(job, 'notify_duplicate');
    const late = this.take(job, 'notify_late');
    const outOfOrder = this.take(job, 'notify_out_of_order');

    const send = (note?: string) => {
      this.deliver(job, payload, 1, [note, faultNote].filter(Boolean).join(',') || undefined);
      if (duplicate) this.schedule(Number(duplicate.params.gapMs ?? 50), () => this.deliver(job, payload, 1, 'duplicate'));
    };

    if (outOfOrder) {
      // Hold this one; the next notification of the same order goes first.
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        send('out_of_order');
      };
      const list = this.held.get(job.key) ?? [];
      list.push({ release });
      this.held.set(job.key, list);
      this.schedule(Number(outOfOrder.params.ms ?? 5000), () => {
        const l = this.held.get(job.key);
        if (l) {
          const rest = l.filter((h) => h.release !== release);
          if (rest.length) this.held.set(job.key, rest);
          else this.held.delete(job.key);
        }
        release();
      });
      return;
    }
    const go = () => {
      send(late ? 'late' : undefined);
      // Anything held back for this order now follows (out of order).
      const held = this.held.get(job.key);
      if (held) {
        this.held.delete(job.key);
        this.schedule(20, () => held.forEach((h) => h.release()));
      }
    };
    if (late) this.schedule(Number(late.params.ms ?? 3000), go);
    else go();
  }

  private record(job: NotifyJob, attempt: number, r: Omit<DeliveryRecord, 'seq' | 'key' | 'event' | 'url' | 'attempt' | 'at'>): void {
    this.records.push({ seq: ++this.seq, key: job.key, event: job.event, url: job.url, attempt, at: new Date().toISOString(), ...r });
    if (this.records.length > 500) this.records.shift();
  }

  private deliver(job: NotifyJob, payload: NotifyPayload, attempt: number, fault?: string): void {
    this.inFlight += 1;
    void (async () => {
      let acked = false;
      try {
        const res = await fetch(job.url, {
          method: 'POST',
          headers: { 'content-type': payload.contentType },
          body: payload.body,
          signal: AbortSignal.timeout(this.opts.attemptTimeoutMs ?? 5000),
          redirect: 'manual',
        });
        const text = await res.text();
        acked = this.opts.isAck(res.status, text);
        this.record(job, attempt, { httpStatus: res.status, acked, ...(fault ? { fault } : {}), summary: payload.summary });
      } catch (err) {
        this.record(job, attempt, { acked: false, error: (err as Error).name, ...(fault ? { fault } : {}), summary: payload.summary });
      } finally {
        const delay = this.opts.retryDelaysMs[attempt - 1];
        if (!acked && delay !== undefined) this.schedule(delay, () => this.deliver(job, payload, attempt + 1, fault === 'duplicate' ? fault : undefined));
        this.inFlight -= 1;
        this.checkIdle();
      }
    })();
  }
}

/** "2000,10000" → [2000, 10000]; default when unset. */
export function parseDelays(value: string | undefined, fallback: number[]): number[] {
  if (!value) return fallback;
  return value
    .split(',')
    .map((s) => Number(s.trim()))
    .filter((n) => Number.isFinite(n) && n >= 0);
}
