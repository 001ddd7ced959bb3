/**
 * The BFF's HIS client: offline visit records (re-visit proof) and catalog prices.
 * Every call is a read, so it is retried (timeouts, 5xx, 429, HIS_BUSY) with a fresh signature and
 * nonce per attempt; each attempt is bounded by timeoutMs and the whole call by deadlineMs.
 * Answers must carry a valid X-HIS-Signature bound to our nonce (fail closed otherwise).
 * The ID number never leaves the BFF: it is sent as idNoHash.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { yuanToFen, type ErrorCode } from '@ih/contract';
import { PlatformError, isPlatformError, parseJson, platformRequest } from '../http';
import type { HisClientConfig, HisPage, HisPersonRef, HisPrice, HisVisit, VisitQuery } from './types';

export const HIS = 'his';

/** The contract error code for a HIS failure (what the user is told). */
export function hisErrorCode(err: PlatformError): ErrorCode {
  if (err.code === 'INVALID_PARAM') return 'BAD_REQUEST';
  if (err.code === 'NOT_FOUND') return 'NOT_FOUND';
  return 'HIS_UNAVAILABLE';
}

const sha256Hex = (s: string) => createHash('sha256').update(s).digest('hex');

function safeEqualHex(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function bad(operation: string, message: string, code = 'BAD_RESPONSE'): PlatformError {
  return new PlatformError({ platform: HIS, operation, kind: 'bad_response', code, message: `his ${operation}: ${message}`, retryable: false });
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export class HisClient {
  private readonly base: string;
  private readonly hashKey: Buffer;

  constructor(private readonly cfg: HisClientConfig) {
    this.base = cfg.baseUrl.replace(/\/+$/, '');
    this.hashKey = createHmac('sha256', cfg.appSecret).update('his-id-no-hash-v1').digest();
  }

  /** The HIS's lookup key for a person: keyed hash of the upper-case ID number. */
  idNoHash(idNo: string): string {
    return createHmac('sha256', this.hashKey).update(idNo.trim().toUpperCase()).digest('hex');
  }

  private personParams(ref: HisPersonRef): Record<string, string> {
    if ('patientId' in ref) return { patientId: ref.patientId };
    return { idNoHash: 'idNo' in ref ? this.idNoHash(ref.idNo) : ref.idNoHash };
  }

  // ── transport ───────────────────────────────────────────────────────────────────────────────
  /** Signed GET with retries; returns the parsed body, or null for 404 when `allow404`. */
  private async get<T>(operation: string, path: string, params: Record<string, string | number | undefined>, allow404 = false): Promise<T | null> {
    const url = new URL(`${this.base}${path}`);
    for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') url.searchParams.set(k, String(v));
    const retries = Math.max(0, this.cfg.retries ?? 2);
    const deadline = Date.now() + (this.cfg.deadlineMs ?? this.cfg.timeoutMs * (retries + 1) + 1000);
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.getOnce<T>(operation, url, deadline, allow404);
      } catch (err) {
        const pe = err as PlatformError;
        const backoff = Math.min(2000, 200 * 2 ** attempt);
        if (!isPlatformError(pe) || !pe.retryable || attempt >= retries || Date.now() + backoff >= deadline) throw pe;
        await new Promise((r) => setTimeout(r, backoff));
      }
    }
  }

  private async getOnce<T>(operation: string, url: URL, deadline: number, allow404: boolean): Promise<T | null> {
    const ts = String(Date.now());
    const nonce = randomBytes(16).toString('hex');
    const pathAndQuery = url.pathname + url.search;
    const signature = createHmac('sha256', this.cfg.appSecret).update(`GET\n${pathAndQuery}\n${ts}\n${nonce}\n${sha256Hex('')}`).digest('hex');
    const res = await platformRequest({
      platform: HIS,
      operation,
      url: url.toString(),
      method: 'GET',
      headers: { 'X-HIS-App-Id': this.cfg.appId, 'X-HIS-Timestamp': ts, 'X-HIS-Nonce': nonce, 'X-HIS-Signature': signature },
      timeoutMs: Math.max(1, Math.min(this.cfg.timeoutMs, deadline - Date.now())),
      idempotent: false, // retried above, re-signed with a fresh nonce each time
    });
    // The answer must be ours and untouched (bound to our nonce), whatever its status.
    const rts = res.headers.get('x-his-timestamp') ?? '';
    const rsig = res.headers.get('x-his-signature') ?? '';
    const expected = createHmac('sha256', this.cfg.appSecret).update(`${res.status}\n${rts}\n${nonce}\n${sha256Hex(res.text)}`).digest('hex');
    if (!rsig || !safeEqualHex(rsig, expected)) {
      throw new PlatformError({ platform: HIS, operation, kind: 'signature', code: 'SIGNATURE', message: `his ${operation}: answer signature does not verify`, retryable: false, httpStatus: res.status });
    }
    if (!/^\d{13}$/.test(rts) || Math.abs(Date.now() - Number(rts)) > (this.cfg.maxSkewMs ?? 5 * 60_000)) {
      throw new PlatformError({ platform: HIS, operation, kind: 'signature', code: 'STALE', message: `his ${operation}: answer timestamp outside the allowed window`, retryable: false, httpStatus: res.status });
    }
    if (res.status === 404 && allow404) return null;
    if (res.status >= 400) {
      const body = (() => {
        try {
          return JSON.parse(res.text) as { code?: unknown };
        } catch {
          return {};
        }
      })();
      const code = typeof body.code === 'string' ? body.code : `HTTP_${res.status}`;
      throw new PlatformError({ platform: HIS, operation, kind: 'rejected', code, message: `his ${operation}: ${code} (HTTP ${res.status})`, httpStatus: res.status, retryable: false });
    }
    return parseJson<T>(res.text, HIS, operation);
  }

  // ── visits ──────────────────────────────────────────────────────────────────────────────────
  async findVisits(query: VisitQuery): Promise<HisPage<HisVisit>> {
    const op = 'visits';
    for (const d of [query.since, query.until]) if (d !== undefined && !DATE.test(d)) throw new RangeError('since/until must be YYYY-MM-DD');
    const body = await this.get<HisPage<unknown>>(op, '/api/v1/visits', {
      ...this.personParams(query.person),
      hospitalCode: query.hospitalCode,
      since: query.since,
      until: query.until,
      diagnosisCode: query.diagnosisCode,
      visitType: query.visitType,
      page: query.page ?? 1,
      pageSize: query.pageSize ?? 20,
    });
    return this.pageOf(body!, op, (v) => this.visitOf(v, op));
  }

  /** Every matching visit, page by page (at most maxPages pages). */
  async allVisits(query: Omit<VisitQuery, 'page'>, maxPages = 20): Promise<HisVisit[]> {
    const out: HisVisit[] = [];
    for (let page = 1; page <= maxPages; page++) {
      const p = await this.findVisits({ ...query, page, pageSize: query.pageSize ?? 100 });
      out.push(...p.items);
      if (out.length >= p.total || p.items.length === 0) return out;
    }
    throw bad('visits', `more than ${maxPages} pages`, 'TOO_MANY_PAGES');
  }

  async getVisit(hospitalCode: string, visitNo: string): Promise<HisVisit | null> {
    const op = 'visit';
    const body = await this.get<unknown>(op, `/api/v1/visits/${encodeURIComponent(hospitalCode)}/${encodeURIComponent(visitNo)}`, {}, true);
    return body === null ? null : this.visitOf(body, op);
  }

  /** The HIS patient ids of a person (one per hospital where they have records). */
  async findPatients(person: { idNo: string } | { idNoHash: string }, hospitalCode?: string): Promise<{ patientId: string; hospitalCode: string; visitCount: number }[]> {
    const op = 'patients';
    const body = await this.get<{ items?: unknown }>(op, '/api/v1/patients', { ...this.personParams(person), hospitalCode });
    if (!body || !Array.isArray(body.items)) throw bad(op, 'items missing');
    return body.items.map((x) => {
      const r = x as Record<string, unknown>;
      if (typeof r.patientId !== 'string' || typeof r.hospitalCode !== 'string' || !Number.isInteger(r.visitCount)) throw bad(op, 'patient malformed');
      return { patientId: r.patientId, hospitalCode: r.hospitalCode, visitCount: r.visitCount as number };
    });
  }

  // ── prices ──────────────────────────────────────────────────────────────────────────────────
  async findPrices(query: { type?: 'DRUG' | 'SERVICE'; code?: string; keyword?: string; hospitalCode?: string; page?: number; pageSize?: number } = {}): Promise<HisPage<HisPrice>> {
    const op = 'prices';
    const body = await this.get<HisPage<unknown>>(op, '/api/v1/prices', { type: query.type, code: query.code, keyword: query.keyword, hospitalCode: query.hospitalCode, page: query.page ?? 1, pageSize: query.pageSize ?? 20 });
    return this.pageOf(body!, op, (p) => this.priceOf(p, op));
  }

  async getPrice(code: string): Promise<HisPrice | null> {
    const op = 'price';
    const body = await this.get<unknown>(op, `/api/v1/prices/${encodeURIComponent(code)}`, {}, true);
    return body === null ? null : this.priceOf(body, op);
  }

  // ── shape checks ────────────────────────────────────────────────────────────────────────────
  private pageOf<T>(body: HisPage<unknown>, op: string, item: (x: unknown) => T): HisPage<T> {
    if (!body || !Array.isArray(body.items) || !Number.isInteger(body.total) || !Number.isInteger(body.page) || !Number.isInteger(body.pageSize)) throw bad(op, 'page malformed');
    if (body.items.length > body.pageSize || body.total < 0) throw bad(op, 'page malformed');
    return { page: body.page, pageSize: body.pageSize, total: body.total, items: body.items.map(item) };
  }

  private visitOf(x: unknown, op: string): HisVisit {
    const v = x as Record<string, unknown>;
    const s = (k: string) => typeof v[k] === 'string' && v[k] !== '';
    if (!v || !s('visitNo') || !s('patientId') || !s('hospitalCode') || !s('hospitalName') || !s('departmentName') || !DATE.test(String(v.visitDate))) throw bad(op, 'visit malformed');
    if (v.visitType !== 'OUTPATIENT' && v.visitType !== 'INPATIENT') throw bad(op, 'unknown visitType');
    if (!Array.isArray(v.diagnoses)) throw bad(op, 'diagnoses missing');
    const diagnoses = v.diagnoses.map((d) => {
      const r = d as Record<string, unknown>;
      if (typeof r.code !== 'string' || typeof r.name !== 'string') throw bad(op, 'diagnosis malformed');
      return { code: r.code, name: r.name, primary: r.primary === true };
    });
    return {
      visitNo: v.visitNo as string,
      patientId: v.patientId as string,
      hospitalCode: v.hospitalCode as string,
      hospitalName: v.hospitalName as string,
      visitDate: v.visitDate as string,
      visitType: v.visitType,
      departmentName: v.departmentName as string,
      ...(s('doctorName') ? { doctorName: v.doctorName as string } : {}),
      diagnoses,
    };
  }

  private priceOf(x: unknown, op: string): HisPrice {
    const p = x as Record<string, unknown>;
    if (!p || typeof p.code !== 'string' || typeof p.name !== 'string' || typeof p.unit !== 'string' || (p.type !== 'DRUG' && p.type !== 'SERVICE')) throw bad(op, 'price malformed');
    let priceFen: number;
    try {
      priceFen = yuanToFen(String(p.price));
    } catch {
      throw bad(op, 'price is not an amount', 'BAD_AMOUNT');
    }
    if (priceFen < 0) throw bad(op, 'negative price', 'BAD_AMOUNT');
    return {
      code: p.code, type: p.type, name: p.name, unit: p.unit, priceFen,
      ...(typeof p.specification === 'string' ? { specification: p.specification } : {}),
      ...(typeof p.insuranceClass === 'string' ? { insuranceClass: p.insuranceClass } : {}),
      ...(typeof p.manufacturer === 'string' ? { manufacturer: p.manufacturer } : {}),
    };
  }
}
