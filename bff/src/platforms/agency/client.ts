/**
 * The BFF's 医保经办机构 client: submits self-service applications, follows them (status query),
 * withdraws, resubmits supplements, cancels filings and answers person queries; verifies the
 * agency's status notifies.
 *
 * Every request is signed (HMAC-SHA256, X-Agency-* headers, see mock/src/platforms/agency/auth.ts)
 * and every answer must carry a signature bound to our nonce (fail closed). Reads are retried with
 * a fresh nonce; writes are not (a submission whose outcome is unknown is resolved by looking it up
 * by its requestKey, and the agency treats a repeated requestKey as the same application).
 * Certificate numbers travel only in JSON bodies; nothing here logs bodies.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { yuanToFen } from '@ih/contract';
import { PlatformError, isPlatformError, parseJson, platformRequest } from '../http';
import { AGENCY_STATUSES, type AgencyAccount, type AgencyApplication, type AgencyClientConfig, type AgencyEnrollment, type AgencyEvent, type AgencyNotify, type AgencySubmission } from './types';

export const AGENCY = 'insurance-agency';

const sha256Hex = (s: string) => createHash('sha256').update(s).digest('hex');
const hmac = (secret: string, text: string) => createHmac('sha256', secret).update(text).digest('hex');

function safeEqualHex(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function bad(operation: string, message: string, code = 'BAD_RESPONSE'): PlatformError {
  return new PlatformError({ platform: AGENCY, operation, kind: 'bad_response', code, message: `agency ${operation}: ${message}`, retryable: false });
}

export class NotifyVerificationError extends Error {
  constructor(readonly code: 'INVALID_SIGNATURE' | 'STALE_TIMESTAMP' | 'UNKNOWN_APP' | 'BAD_BODY') {
    super(`agency notify refused: ${code}`);
    this.name = 'NotifyVerificationError';
  }
}

export class AgencyClient {
  private readonly base: string;

  constructor(private readonly cfg: AgencyClientConfig) {
    this.base = cfg.baseUrl.replace(/\/+$/, '');
  }

  get orgCode(): string {
    return this.cfg.orgCode;
  }

  // ── transport ───────────────────────────────────────────────────────────────────────────────
  private async call<T>(operation: string, method: 'GET' | 'POST', path: string, json?: unknown, opts: { read?: boolean; allow404?: boolean } = {}): Promise<T | null> {
    const retries = opts.read ? Math.max(0, this.cfg.retries ?? 2) : 0;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.once<T>(operation, method, path, json, opts.allow404 ?? false);
      } catch (err) {
        if (!isPlatformError(err) || !err.retryable || attempt >= retries) throw err;
        await new Promise((r) => setTimeout(r, Math.min(2000, 200 * 2 ** attempt)));
      }
    }
  }

  private async once<T>(operation: string, method: 'GET' | 'POST', path: string, json: unknown, allow404: boolean): Promise<T | null> {
    const url = new URL(`${this.base}${path}`);
    const body = json === undefined ? '' : JSON.stringify(json);
    const ts = String(Date.now());
    const nonce = randomBytes(16).toString('hex');
    const signature = hmac(this.cfg.appSecret, `${method}\n${url.pathname}${url.search}\n${ts}\n${nonce}\n${sha256Hex(body)}`);
    const res = await platformRequest({
      platform: AGENCY,
      operation,
      url: url.toString(),
      method,
      headers: {
        'X-Agency-App-Id': this.cfg.appId,
        'X-Agency-Timestamp': ts,
        'X-Agency-Nonce': nonce,
        'X-Agency-Signature': signature,
        ...(body ? { 'content-type': 'application/json; charset=utf-8' } : {}),
      },
      ...(body ? { body } : {}),
      timeoutMs: this.cfg.timeoutMs,
      idempotent: false, // retried above with a fresh nonce (reads only)
    });
    const rts = res.headers.get('x-agency-timestamp') ?? '';
    const rsig = res.headers.get('x-agency-signature') ?? '';
    if (!rsig || !safeEqualHex(rsig, hmac(this.cfg.appSecret, `${res.status}\n${rts}\n${nonce}\n${sha256Hex(res.text)}`))) {
      throw new PlatformError({ platform: AGENCY, operation, kind: 'signature', code: 'SIGNATURE', message: `agency ${operation}: answer signature does not verify`, retryable: false, outcomeUnknown: method === 'POST', httpStatus: res.status });
    }
    if (!/^\d{13}$/.test(rts) || Math.abs(Date.now() - Number(rts)) > (this.cfg.maxSkewMs ?? 5 * 60_000)) {
      throw new PlatformError({ platform: AGENCY, operation, kind: 'signature', code: 'STALE', message: `agency ${operation}: answer timestamp outside the allowed window`, retryable: false, outcomeUnknown: method === 'POST', httpStatus: res.status });
    }
    if (res.status === 404 && allow404) return null;
    if (res.status >= 400) {
      let code = `HTTP_${res.status}`;
      let message = '';
      try {
        const b = JSON.parse(res.text) as { code?: unknown; message?: unknown };
        if (typeof b.code === 'string') code = b.code;
        if (typeof b.message === 'string') message = b.message.slice(0, 200);
      } catch {
        /* not JSON */
      }
      const server = res.status >= 500;
      const err = new PlatformError({ platform: AGENCY, operation, kind: server ? 'unavailable' : 'rejected', code, message: `agency ${operation}: ${code} (HTTP ${res.status})`, httpStatus: res.status, retryable: server, outcomeUnknown: server && method === 'POST' });
      (err as PlatformError & { agencyMessage?: string }).agencyMessage = message;
      throw err;
    }
    return parseJson<T>(res.text, AGENCY, operation);
  }

  // ── applications ────────────────────────────────────────────────────────────────────────────
  async submit(s: AgencySubmission): Promise<AgencyApplication> {
    const body = await this.call<unknown>('submit', 'POST', '/api/v1/applications', { orgCode: this.cfg.orgCode, ...s });
    return this.applicationOf(body, 'submit');
  }

  async status(applicationNo: string): Promise<AgencyApplication | null> {
    const body = await this.call<unknown>('status', 'GET', `/api/v1/applications/${encodeURIComponent(applicationNo)}`, undefined, { read: true, allow404: true });
    return body === null ? null : this.applicationOf(body, 'status');
  }

  /** The application a submission with this requestKey created, or null (it never arrived). */
  async findByRequestKey(requestKey: string): Promise<AgencyApplication | null> {
    const body = await this.call<unknown>('lookup', 'GET', `/api/v1/applications?requestKey=${encodeURIComponent(requestKey)}`, undefined, { read: true, allow404: true });
    return body === null ? null : this.applicationOf(body, 'lookup');
  }

  async withdraw(applicationNo: string, reason: string): Promise<AgencyApplication> {
    return this.applicationOf(await this.call<unknown>('withdraw', 'POST', `/api/v1/applications/${encodeURIComponent(applicationNo)}/withdraw`, { reason }), 'withdraw');
  }

  async supplement(applicationNo: string, payload: { form: Record<string, string>; materials: AgencySubmission['materials'] }): Promise<AgencyApplication> {
    return this.applicationOf(await this.call<unknown>('supplement', 'POST', `/api/v1/applications/${encodeURIComponent(applicationNo)}/supplement`, payload), 'supplement');
  }

  async cancelFiling(filingNo: string, reason: string): Promise<{ filingNo: string; cancelledAt: string }> {
    const body = (await this.call<Record<string, unknown>>('cancelFiling', 'POST', `/api/v1/filings/${encodeURIComponent(filingNo)}/cancel`, { reason }))!;
    if (typeof body.cancelledAt !== 'string' || Number.isNaN(Date.parse(body.cancelledAt))) throw bad('cancelFiling', 'cancelledAt missing');
    return { filingNo, cancelledAt: body.cancelledAt };
  }

  // ── person queries ──────────────────────────────────────────────────────────────────────────
  async enrollment(person: { certType: string; certNo: string }): Promise<AgencyEnrollment | null> {
    const op = 'enrollment';
    const b = await this.call<Record<string, unknown>>(op, 'POST', '/api/v1/persons/enrollment', person, { read: true, allow404: true });
    if (b === null) return null;
    const s = (k: string) => typeof b[k] === 'string';
    if (!['ACTIVE', 'SUSPENDED', 'TERMINATED'].includes(String(b.status)) || !s('insutype') || !s('admdvs') || !s('admdvsName') || !s('since') || !Array.isArray(b.payments)) throw bad(op, 'enrollment malformed');
    return {
      status: b.status as AgencyEnrollment['status'],
      insutype: b.insutype as string,
      admdvs: b.admdvs as string,
      admdvsName: b.admdvsName as string,
      since: b.since as string,
      unitName: typeof b.unitName === 'string' ? b.unitName : null,
      payments: b.payments.map((x) => {
        const p = x as Record<string, unknown>;
        if (typeof p.period !== 'string' || typeof p.kind !== 'string' || typeof p.paidAt !== 'string') throw bad(op, 'payment malformed');
        return { period: p.period, kind: p.kind, paidAt: p.paidAt, amountFen: this.fen(p.amount, op) };
      }),
    };
  }

  async account(person: { certType: string; certNo: string }, range: { since?: string; until?: string } = {}): Promise<AgencyAccount | null> {
    const op = 'account';
    const b = await this.call<Record<string, unknown>>(op, 'POST', '/api/v1/persons/account', { ...person, ...range }, { read: true, allow404: true });
    if (b === null) return null;
    if (!Array.isArray(b.changes)) throw bad(op, 'changes missing');
    return {
      balanceFen: this.fen(b.balance, op),
      changes: b.changes.map((x) => {
        const c = x as Record<string, unknown>;
        if (typeof c.date !== 'string' || typeof c.kind !== 'string') throw bad(op, 'change malformed');
        return { date: c.date, kind: c.kind, amountFen: this.fen(c.amount, op), balanceFen: this.fen(c.balance, op), note: typeof c.note === 'string' ? c.note : null };
      }),
    };
  }

  // ── notifies ────────────────────────────────────────────────────────────────────────────────
  /**
   * Verifies a status notify (raw body as received, the path+query it was posted to) and returns
   * it parsed. Throws NotifyVerificationError; the caller answers 401/400 and the agency retries.
   */
  verifyNotify(headers: Record<string, string | undefined>, pathAndQuery: string, rawBody: string): AgencyNotify {
    const appId = headers['x-agency-app-id'] ?? '';
    const ts = headers['x-agency-timestamp'] ?? '';
    const nonce = headers['x-agency-nonce'] ?? '';
    const sig = headers['x-agency-signature'] ?? '';
    if (appId !== this.cfg.appId) throw new NotifyVerificationError('UNKNOWN_APP');
    const expected = hmac(this.cfg.appSecret, `POST\n${pathAndQuery}\n${ts}\n${nonce}\n${sha256Hex(rawBody)}`);
    if (!/^[A-Za-z0-9_-]{16,64}$/.test(nonce) || !sig || !safeEqualHex(sig, expected)) throw new NotifyVerificationError('INVALID_SIGNATURE');
    if (!/^\d{13}$/.test(ts) || Math.abs(Date.now() - Number(ts)) > (this.cfg.maxSkewMs ?? 5 * 60_000)) throw new NotifyVerificationError('STALE_TIMESTAMP');
    let b: Record<string, unknown>;
    try {
      b = JSON.parse(rawBody) as Record<string, unknown>;
    } catch {
      throw new NotifyVerificationError('BAD_BODY');
    }
    if (typeof b.applicationNo !== 'string' || typeof b.requestKey !== 'string') throw new NotifyVerificationError('BAD_BODY');
    try {
      return { applicationNo: b.applicationNo, requestKey: b.requestKey, event: this.eventOf(b.event, 'notify') };
    } catch {
      throw new NotifyVerificationError('BAD_BODY');
    }
  }

  // ── shapes ──────────────────────────────────────────────────────────────────────────────────
  private fen(v: unknown, op: string): number {
    try {
      return yuanToFen(String(v));
    } catch {
      throw bad(op, 'not an amount', 'BAD_AMOUNT');
    }
  }

  eventOf(x: unknown, op: string): AgencyEvent {
    const e = x as Record<string, unknown>;
    if (!e || typeof e.eventId !== 'string' || !/^[A-Za-z0-9_-]{8,64}$/.test(e.eventId) || !Number.isInteger(e.seq) || (e.seq as number) < 1) throw bad(op, 'event malformed');
    if (!AGENCY_STATUSES.includes(e.status as never) || typeof e.step !== 'string' || typeof e.at !== 'string' || Number.isNaN(Date.parse(e.at))) throw bad(op, 'event malformed');
    const out: AgencyEvent = { eventId: e.eventId, seq: e.seq as number, status: e.status as AgencyEvent['status'], step: e.step.slice(0, 16), note: typeof e.note === 'string' ? e.note.slice(0, 200) : null, at: e.at };
    if (e.supplement) {
      const s = e.supplement as Record<string, unknown>;
      if (typeof s.note !== 'string' || !Array.isArray(s.items)) throw bad(op, 'supplement malformed');
      out.supplement = {
        note: s.note.slice(0, 300),
        items: s.items.slice(0, 30).map((i) => {
          const r = i as Record<string, unknown>;
          if (typeof r.name !== 'string' || typeof r.reason !== 'string') throw bad(op, 'supplement item malformed');
          return { code: typeof r.code === 'string' ? r.code : null, name: r.name.slice(0, 100), reason: r.reason.slice(0, 200) };
        }),
      };
    }
    if (typeof e.rejectReason === 'string') out.rejectReason = e.rejectReason.slice(0, 300);
    if (e.result && typeof e.result === 'object') out.result = e.result as Record<string, unknown>;
    return out;
  }

  private applicationOf(x: unknown, op: string): AgencyApplication {
    const a = x as Record<string, unknown>;
    if (!a || typeof a.applicationNo !== 'string' || !/^[A-Za-z0-9_-]{4,64}$/.test(a.applicationNo) || typeof a.requestKey !== 'string' || !Array.isArray(a.events) || a.events.length === 0) throw bad(op, 'application malformed');
    const events = a.events.map((e) => this.eventOf(e, op)).sort((p, q) => p.seq - q.seq);
    const last = events[events.length - 1]!;
    return { applicationNo: a.applicationNo, requestKey: a.requestKey, status: last.status, step: last.step, seq: last.seq, events };
  }
}
