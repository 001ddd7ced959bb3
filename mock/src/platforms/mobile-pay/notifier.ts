/**
 * The 6302 settlement notify (结算结果通知), center → institution: a POST of the sealed envelope
 * (signed with the platform's key, data encrypted) as JSON to the order's notify URL (6201/6202
 * `notifyUrl`, INF) or the configured one. The institution answers `{success: true, message}`;
 * anything else (non-2xx, success≠true, network error) is retried `attempts` times.
 *
 * Faults (operation "6302"; params in brackets):
 *   notify_duplicate      send it twice [gapMs, default 50]
 *   notify_out_of_order   hold it until the next notify has been delivered, then send it
 *                         [holdMs: send anyway after this long, default 2000]
 *   notify_late           send it after [ms, default 3000]
 *   notify_never          do not send it (the institution must query 6301)
 *   bad_signature         sign it with a key that is not the platform's
 *   wrong_amount          change fundPay by [deltaFen, default 1]; with [keepIdentity: true]
 *                         feeSumamt is changed too, so only a comparison with the order catches it
 *   stale_timestamp       timestamp [ageMs, default 1 h] in the past
 */
import { fenToYuan, yuanToFen } from '@ih/contract';
import type { Envelope } from '@ih/crypto';
import type { FaultRegistry } from '../../faults';

export const NOTIFY_OPERATION = '6302';

export interface SealNotifyOptions {
  badKey?: boolean;
  ageMs?: number;
}

export interface NotifyDelivery {
  payOrdId: string;
  /** Host and path only. */
  target: string;
  attempt: number;
  status: number | 'error';
  acked: boolean;
  at: number;
  faults: string[];
}

export interface NotifierOptions {
  seal: (data: Record<string, unknown>, opts: SealNotifyOptions) => Envelope;
  defaultUrl?: string;
  attempts?: number;
  retryDelayMs?: number;
  timeoutMs?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class SettlementNotifier {
  faults?: FaultRegistry;
  readonly deliveries: NotifyDelivery[] = [];
  private readonly inflight = new Set<Promise<void>>();
  private held: Array<() => void> = [];

  constructor(private readonly opts: NotifierOptions) {}

  /** Schedules the notify for a settled order (returns at once; `idle()` waits for delivery). */
  send(payOrdId: string, data: Record<string, unknown>, url: string | undefined, platform = 'mobile-pay'): void {
    const target = url ?? this.opts.defaultUrl;
    const take = (kind: Parameters<FaultRegistry['take']>[2][number]) => this.faults?.take(platform, NOTIFY_OPERATION, [kind]);
    const applied: string[] = [];
    if (!target) return;
    if (take('notify_never')) {
      this.deliveries.push({ payOrdId, target: safeTarget(target), attempt: 0, status: 'error', acked: false, at: Date.now(), faults: ['notify_never'] });
      return;
    }
    const sealOpts: SealNotifyOptions = {};
    let body = { ...data };
    const wrong = take('wrong_amount');
    if (wrong) {
      applied.push('wrong_amount');
      const delta = Number(wrong.params.deltaFen ?? 1);
      body = { ...body, fundPay: fenToYuan(yuanToFen(String(body.fundPay)) + delta) };
      if (wrong.params.keepIdentity) body.feeSumamt = fenToYuan(yuanToFen(String(body.feeSumamt)) + delta);
    }
    if (take('bad_signature')) {
      applied.push('bad_signature');
      sealOpts.badKey = true;
    }
    const stale = take('stale_timestamp');
    if (stale) {
      applied.push('stale_timestamp');
      sealOpts.ageMs = Number(stale.params.ageMs ?? 3600_000);
    }
    const duplicate = take('notify_duplicate');
    const late = take('notify_late');
    const outOfOrder = take('notify_out_of_order');
    if (duplicate) applied.push('notify_duplicate');
    if (late) applied.push('notify_late');
    if (outOfOrder) applied.push('notify_out_of_order');

    const deliverOnce = () => this.deliver(payOrdId, target, this.opts.seal(body, sealOpts), applied);
    const run = async () => {
      if (late) await sleep(Number(late.params.ms ?? 3000));
      if (outOfOrder) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(() => {
            this.held = this.held.filter((h) => h !== release);
            resolve();
          }, Number(outOfOrder.params.holdMs ?? 2000));
          const release = () => {
            clearTimeout(timer);
            resolve();
          };
          this.held.push(release);
        });
      }
      await deliverOnce();
      if (duplicate) {
        await sleep(Number(duplicate.params.gapMs ?? 50));
        await deliverOnce();
      }
      if (!outOfOrder) {
        // A later notify went out: release the ones held back to arrive out of order.
        const held = this.held;
        this.held = [];
        for (const release of held) release();
      }
    };
    const p = run().catch(() => undefined);
    this.inflight.add(p);
    void p.finally(() => this.inflight.delete(p));
  }

  private async deliver(payOrdId: string, url: string, envelope: Envelope, faults: string[]): Promise<void> {
    const attempts = this.opts.attempts ?? 3;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      let status: number | 'error' = 'error';
      let acked = false;
      try {
        const res = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json; charset=utf-8' },
          body: JSON.stringify(envelope),
          signal: AbortSignal.timeout(this.opts.timeoutMs ?? 5000),
        });
        status = res.status;
        const text = await res.text();
        if (res.ok) {
          try {
            const ack = JSON.parse(text) as { success?: unknown; code?: unknown };
            acked = ack.success === true || ack.success === 'true' || ack.code === '0' || ack.code === 0;
          } catch {
            acked = false;
          }
        }
      } catch {
        status = 'error';
      }
      this.deliveries.push({ payOrdId, target: safeTarget(url), attempt, status, acked, at: Date.now(), faults });
      if (acked) return;
      if (attempt < attempts) await sleep(this.opts.retryDelayMs ?? 1000);
    }
  }

  /** Resolves when every scheduled notify has been delivered (or given up). */
  async idle(): Promise<void> {
    while (this.inflight.size > 0) await Promise.all([...this.inflight]);
  }

  reset(): void {
    this.deliveries.length = 0;
    for (const release of this.held) release();
    this.held = [];
  }
}

function safeTarget(url: string): string {
  try {
    const u = new URL(url);
    return `${u.host}${u.pathname}`;
  } catch {
    return '(invalid url)';
  }
}
