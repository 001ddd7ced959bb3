/**
 * Fault injection shared by every mock platform. Faults come from the admin API
 * (POST /__admin/faults) or from the MOCK_FAULTS environment variable (JSON array) for demos.
 *
 * A fault targets a platform and optionally one operation (a path or an interface name such as
 * "6202"); it fires `times` times (default: until cleared). Generic kinds (latency, timeout,
 * http_error) are applied by middleware before the handler; the others are asked for by the
 * platform's own handlers at the point where they matter (e.g. a wrong signature on a notify).
 */
import { z } from 'zod';

export const FAULT_KINDS = [
  'latency', // delay the answer by params.ms
  'timeout', // never answer (the connection is held until the client gives up)
  'http_error', // answer params.status (default 503) with a plain error body
  'platform_error', // answer the platform's own error shape with params.code / params.message
  'bad_signature', // sign the answer or notify with the wrong key
  'wrong_amount', // change an amount in the answer or notify by params.deltaFen (default 1)
  'notify_duplicate', // send the notify twice
  'notify_out_of_order', // send notifies in reverse order
  'notify_late', // send the notify after params.ms
  'notify_never', // do not send the notify
  'stale_timestamp', // put an old timestamp on a callback
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export const FaultInputSchema = z.object({
  platform: z.string().min(1),
  operation: z.string().min(1).optional(),
  kind: z.enum(FAULT_KINDS),
  params: z.record(z.string(), z.unknown()).default({}),
  times: z.number().int().positive().optional(),
});
export type FaultInput = z.input<typeof FaultInputSchema>;
export interface Fault extends z.infer<typeof FaultInputSchema> {
  id: number;
  fired: number;
}

export class FaultRegistry {
  private faults: Fault[] = [];
  private nextId = 1;

  add(input: FaultInput): Fault {
    const parsed = FaultInputSchema.parse(input);
    const fault: Fault = { ...parsed, id: this.nextId++, fired: 0 };
    this.faults.push(fault);
    return fault;
  }

  list(): Fault[] {
    return this.faults.map((f) => ({ ...f }));
  }

  clear(platform?: string): void {
    this.faults = platform ? this.faults.filter((f) => f.platform !== platform) : [];
  }

  remove(id: number): boolean {
    const before = this.faults.length;
    this.faults = this.faults.filter((f) => f.id !== id);
    return this.faults.length !== before;
  }

  /** Returns (and consumes one use of) the first matching fault of one of the kinds, if any. */
  take(platform: string, operation: string, kinds: readonly FaultKind[]): Fault | undefined {
    const fault = this.faults.find(
      (f) => f.platform === platform && kinds.includes(f.kind) && (!f.operation || f.operation === operation),
    );
    if (!fault) return undefined;
    fault.fired += 1;
    if (fault.times !== undefined && fault.fired >= fault.times) this.remove(fault.id);
    return { ...fault };
  }

  loadFromEnv(json: string | undefined): void {
    if (!json) return;
    const list = z.array(FaultInputSchema).parse(JSON.parse(json));
    for (const f of list) this.add(f);
  }
}
