/**
 * Sends WeChat Pay v3 callbacks the way the platform does: POST JSON
 * `{id, create_time, event_type, resource_type:"encrypt-resource", summary, resource:{…AEAD_AES_256_GCM…}}`
 * with Wechatpay-Timestamp/-Nonce/-Signature/-Serial headers; retried while the merchant does not
 * answer 2xx within the time limit. Faults (operation = the event type, or none for any):
 * notify_never, notify_late {ms}, notify_duplicate, notify_out_of_order (a batch is sent reversed),
 * bad_signature, stale_timestamp {seconds}, wrong_amount {deltaFen} (the plaintext says another amount,
 * correctly signed and encrypted).
 */
import { randomUUID } from 'node:crypto';
import type { FaultRegistry } from '../../faults';
import { encryptResource, nonce as makeNonce, signMessage, strangerPrivateKey, type PlatformIdentity } from './sign';
import { chinaRfc3339 } from '@ih/contract';

export interface OutgoingNotification {
  url: string;
  eventType: 'MEDICAL_INSURANCE.SUCCESS' | 'TRANSACTION.SUCCESS' | 'REFUND.SUCCESS' | string;
  summary: string;
  originalType: string;
  associatedData: string;
  plaintext: Record<string, unknown>;
  identity: PlatformIdentity;
}

export interface Delivery {
  id: string;
  eventType: string;
  url: string;
  /** Delivery attempts and their HTTP status (0 = network error / timeout). */
  attempts: number[];
  status: 'pending' | 'delivered' | 'failed' | 'dropped';
  faults: string[];
  /** The plaintext as sent (after any wrong_amount fault). */
  plaintext: Record<string, unknown>;
}

export interface NotifierOptions {
  platform: string;
  apiV3Key: string;
  faults: () => FaultRegistry;
  /** Delays before each retry (ms). WeChat Pay's med-ins callbacks stop after ~30 s. */
  retryDelaysMs?: number[];
  /** Time the merchant has to answer one delivery (ms); WeChat Pay: 5 s. */
  timeoutMs?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export const rfc3339 = chinaRfc3339;

/** Changes the amounts of a med-ins order, a transaction or a refund by delta (identities kept). */
export function shiftAmounts(obj: Record<string, unknown>, delta: number): void {
  for (const k of ['total_fee', 'med_ins_cash_fee', 'wechat_pay_cash_fee']) if (typeof obj[k] === 'number') obj[k] = (obj[k] as number) + delta;
  const amount = obj.amount as Record<string, unknown> | undefined;
  if (amount && typeof amount === 'object') {
    for (const k of ['total', 'payer_total', 'refund', 'payer_refund']) if (typeof amount[k] === 'number') amount[k] = (amount[k] as number) + delta;
  }
}

export class Notifier {
  readonly deliveries: Delivery[] = [];
  private readonly inflight = new Set<Promise<void>>();

  constructor(private readonly opts: NotifierOptions) {}

  reset(): void {
    this.deliveries.length = 0;
  }

  /** Resolves when every delivery started so far has finished (tests). */
  async idle(): Promise<void> {
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight]);
  }

  private take(eventType: string, kinds: Parameters<FaultRegistry['take']>[2]) {
    return this.opts.faults().take(this.opts.platform, eventType, kinds);
  }

  /** Sends notifications that happen together (e.g. TRANSACTION + MEDICAL_INSURANCE on payment). */
  sendBatch(batch: OutgoingNotification[]): void {
    let list = [...batch];
    const outOfOrder = list.some((n) => this.opts.faults().list().some((f) => f.platform === this.opts.platform && f.kind === 'notify_out_of_order' && (!f.operation || f.operation === n.eventType)));
    if (outOfOrder) {
      for (const n of list) if (this.take(n.eventType, ['notify_out_of_order'])) break;
      list = list.reverse();
    }
    const run = (async () => {
      for (const [i, n] of list.entries()) {
        const p = this.send(n, outOfOrder ? ['notify_out_of_order'] : []);
        // Sequential within a batch so that the order is observable; the next one starts once
        // the previous delivery got an answer (or gave up its first attempt).
        if (i < list.length - 1) await Promise.race([p, sleep(this.opts.timeoutMs ?? 5000)]);
        else await p;
      }
    })();
    this.track(run);
  }

  private track(p: Promise<void>): void {
    const wrapped = p.catch(() => undefined).finally(() => this.inflight.delete(wrapped));
    this.inflight.add(wrapped);
  }

  private send(n: OutgoingNotification, inherited: string[]): Promise<void> {
    const plaintext = structuredClone(n.plaintext);
    const delivery: Delivery = { id: randomUUID(), eventType: n.eventType, url: n.url, attempts: [], status: 'pending', faults: [...inherited], plaintext };
    this.deliveries.push(delivery);
    if (this.take(n.eventType, ['notify_never'])) {
      delivery.status = 'dropped';
      delivery.faults.push('notify_never');
      return Promise.resolve();
    }
    const wrong = this.take(n.eventType, ['wrong_amount']);
    if (wrong) {
      shiftAmounts(plaintext, Number(wrong.params.deltaFen ?? 1));
      delivery.faults.push('wrong_amount');
    }
    const late = this.take(n.eventType, ['notify_late']);
    const duplicate = this.take(n.eventType, ['notify_duplicate']);
    const badSig = this.take(n.eventType, ['bad_signature']);
    const stale = this.take(n.eventType, ['stale_timestamp']);
    if (late) delivery.faults.push('notify_late');
    if (duplicate) delivery.faults.push('notify_duplicate');
    if (badSig) delivery.faults.push('bad_signature');
    if (stale) delivery.faults.push('stale_timestamp');

    const body = JSON.stringify({
      id: delivery.id,
      create_time: rfc3339(),
      resource_type: 'encrypt-resource',
      event_type: n.eventType,
      summary: n.summary,
      resource: {
        original_type: n.originalType,
        algorithm: 'AEAD_AES_256_GCM',
        ...encryptResource(this.opts.apiV3Key, JSON.stringify(plaintext), n.associatedData),
      },
    });
    const signed = () => {
      const ts = String(Math.floor(Date.now() / 1000) - (stale ? Number(stale.params.seconds ?? 600) : 0));
      const nonceStr = makeNonce(32);
      return {
        'Content-Type': 'application/json',
        'Wechatpay-Timestamp': ts,
        'Wechatpay-Nonce': nonceStr,
        'Wechatpay-Serial': n.identity.serial,
        'Wechatpay-Signature': signMessage(badSig ? strangerPrivateKey() : n.identity.privateKey, ts, nonceStr, body),
        'Request-ID': makeNonce(32),
      };
    };
    const deliverOnce = async (): Promise<boolean> => {
      try {
        const res = await fetch(n.url, { method: 'POST', headers: signed(), body, signal: AbortSignal.timeout(this.opts.timeoutMs ?? 5000) });
        delivery.attempts.push(res.status);
        await res.arrayBuffer().catch(() => undefined);
        return res.status >= 200 && res.status < 300;
      } catch {
        delivery.attempts.push(0);
        return false;
      }
    };
    const withRetries = async (): Promise<boolean> => {
      if (await deliverOnce()) return true;
      for (const d of this.opts.retryDelaysMs ?? [1000, 4000, 15000]) {
        await sleep(d);
        if (await deliverOnce()) return true;
      }
      return false;
    };
    return (async () => {
      if (late) await sleep(Number(late.params.ms ?? 3000));
      const ok = await withRetries();
      if (duplicate) await deliverOnce();
      delivery.status = ok ? 'delivered' : 'failed';
    })();
  }
}
