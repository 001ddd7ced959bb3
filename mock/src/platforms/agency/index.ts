/**
 * 医保经办机构 mock (`/insurance-agency`): receives self-service applications, moves them through
 * the item's steps (申请—受理—审核—[复核]—[拨付]—办结) by a configurable script, answers status
 * queries and POSTs a signed status notify for every change. Also answers the person queries
 * (参保信息, 个人账户) and cancels remote-care filings. Demo people come from the DB seed
 * (prisma/src/seed/data/demo.json); anybody else gets a deterministic default record.
 *
 *   POST /api/v1/applications                  {requestKey, orgCode, itemCode, catalogSeq, category, steps[], applicant{name, certType, certNo},
 *                                               form{}, materials[], notifyUrl} → 201 | 200 (same requestKey) application
 *   GET  /api/v1/applications/:no              → application (with every event)
 *   GET  /api/v1/applications?requestKey=…     → application | 404 (outcome of a submission that timed out)
 *   POST /api/v1/applications/:no/withdraw     {reason} → application | 409 ALREADY_ACCEPTED
 *   POST /api/v1/applications/:no/supplement   {form, materials} → application | 409 NOT_SUPPLEMENT_REQUIRED
 *   POST /api/v1/filings/:filingNo/cancel      {reason} → {filingNo, cancelledAt} | 404 | 409 ALREADY_CANCELLED
 *   POST /api/v1/persons/enrollment            {certType, certNo} → enrollment | 404 NOT_INSURED
 *   POST /api/v1/persons/account               {certType, certNo, since?, until?} → {balance, changes[]}
 * application: {applicationNo, requestKey, itemCode, status, step, seq, receivedAt, events:[event]}
 * event: {eventId, seq, status, step, note, at, supplement?{note, items[{code, name, reason}]}, rejectReason?, result?}
 * Statuses: SUBMITTED ACCEPTED SUPPLEMENT_REQUIRED REVIEWING RECHECKING DISBURSING COMPLETED REJECTED WITHDRAWN.
 * Errors: HTTP 400/401/404/409/500 with {code, message}. Auth: see auth.ts.
 *
 * Scripts (how an application goes), per application or default — admin API (not signed, mock only):
 *   POST /insurance-agency/__admin/script   {outcome, requestKey? | itemCode? (default for the item) | neither (global default),
 *                                            auto?, stepDelayMs?, rejectReason?, rejectAt?, supplementItems?}
 *        outcome: complete | supplement_once | reject | reject_at_acceptance | hold | accept_only
 *   POST /insurance-agency/__admin/applications/:no/advance[?all=1]   one step (or until it waits / ends)
 *   GET  /insurance-agency/__admin/applications                       what the mock holds (no certificate numbers)
 *   POST /insurance-agency/__admin/persons  {certNo, enrolled?: false, status?, insutype?, admdvs?, balance?}
 * Default script: complete, automatic, one step every MOCK_AGENCY_STEP_MS (default 3000 ms).
 *
 * Faults: generic kinds by path (e.g. operation "/api/v1/applications"); platform_error (params.code,
 * params.status default 500); bad_signature (answer signed with another secret); on operation
 * "notify": notify_never, notify_duplicate, notify_late [ms], notify_out_of_order (hold one notify
 * until the next is sent), bad_signature, stale_timestamp [ageMs].
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type Router from '@koa/router';
import type { Context, Next } from 'koa';
import { fenToYuan } from '@ih/contract';
import type { MockContext, MockPlatform } from '../../app';
import type { FaultRegistry } from '../../faults';
import { loadSeed } from '../his/seed';
import { agencyRequestSignature, agencyResponseSignature } from './auth';

export const AGENCY_PLATFORM = 'insurance-agency';
export const AGENCY_PREFIX = '/insurance-agency';

export const AGENCY_STATUSES = ['SUBMITTED', 'ACCEPTED', 'SUPPLEMENT_REQUIRED', 'REVIEWING', 'RECHECKING', 'DISBURSING', 'COMPLETED', 'REJECTED', 'WITHDRAWN'] as const;
export type AgencyStatus = (typeof AGENCY_STATUSES)[number];
export const OUTCOMES = ['complete', 'supplement_once', 'reject', 'reject_at_acceptance', 'hold', 'accept_only'] as const;
export type Outcome = (typeof OUTCOMES)[number];

export interface Script {
  outcome: Outcome;
  /** Advance by itself every stepDelayMs (else only through the admin advance). */
  auto: boolean;
  stepDelayMs: number;
  rejectReason?: string;
  supplementItems?: { code: string | null; name: string; reason: string }[];
}

export interface AgencyEvent {
  eventId: string;
  seq: number;
  status: AgencyStatus;
  step: string;
  note: string | null;
  at: string;
  supplement?: { note: string; items: { code: string | null; name: string; reason: string }[] };
  rejectReason?: string;
  result?: Record<string, unknown>;
}

interface Application {
  applicationNo: string;
  requestKey: string;
  itemCode: string;
  catalogSeq: number;
  category: string;
  steps: string[];
  certNo: string;
  form: Record<string, string>;
  materials: { code: string; name?: string; fileIds?: string[]; promise?: boolean }[];
  notifyUrl: string | null;
  receivedAt: string;
  events: AgencyEvent[];
  script: Script;
  /** Waiting for the applicant (supplement) or the script says hold. */
  supplemented: boolean;
  timer?: NodeJS.Timeout;
}

interface Person {
  certNo: string;
  enrolled: boolean;
  status: 'ACTIVE' | 'SUSPENDED' | 'TERMINATED';
  insutype: string;
  admdvs: string;
  admdvsName: string;
  since: string;
  unitName: string | null;
  balanceFen: number;
}

export interface NotifyDelivery {
  applicationNo: string;
  seq: number;
  status: number | 'error';
  acked: boolean;
  at: number;
  faults: string[];
}

export interface AgencyMockOptions {
  appId: string;
  appSecret: string;
  maxSkewMs?: number;
  /** Default script (tests: {auto: false}). */
  defaultScript?: Partial<Script>;
  notifyAttempts?: number;
  notifyRetryDelayMs?: number;
}

const CITY_NAMES: Record<string, string> = { '640100': '银川市', '640200': '石嘴山市', '640300': '吴忠市', '640400': '固原市', '640500': '中卫市' };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const stepName = (s: string) => s.replace(/[（）()]/g, '').trim();

export interface AgencyMock extends MockPlatform {
  readonly deliveries: NotifyDelivery[];
  /** Resolves when no notify is being delivered. */
  idle(): Promise<void>;
  setScript(target: { requestKey?: string; itemCode?: string } | null, script: Partial<Script>): void;
  advance(applicationNo: string, all?: boolean): AgencyEvent[];
  findByRequestKey(requestKey: string): { applicationNo: string; status: AgencyStatus; seq: number } | undefined;
}

export function createAgencyMock(opts: AgencyMockOptions): AgencyMock {
  const skew = opts.maxSkewMs ?? 5 * 60_000;
  const baseDefault: Script = { outcome: 'complete', auto: true, stepDelayMs: Number(process.env.MOCK_AGENCY_STEP_MS ?? 3000), ...opts.defaultScript };
  let defaultScript: Script = { ...baseDefault };
  let byItem = new Map<string, Partial<Script>>();
  let byRequestKey = new Map<string, Partial<Script>>();
  let apps = new Map<string, Application>();
  let persons = new Map<string, Person>();
  const nonces = new Map<string, number>();
  const deliveries: NotifyDelivery[] = [];
  const inflight = new Set<Promise<void>>();
  let held: (() => void)[] = [];
  let faults: FaultRegistry | undefined;
  let seqNo = 0;

  function loadPersons(): void {
    persons = new Map();
    const seed = loadSeed();
    for (const ins of seed.insured) {
      const p = seed.people.find((x) => x.key === ins.person);
      if (!p) continue;
      const employee = !ins.insutype.startsWith('39');
      persons.set(p.idNumber.toUpperCase(), {
        certNo: p.idNumber.toUpperCase(), enrolled: true, status: 'ACTIVE', insutype: ins.insutype, admdvs: ins.insuplcAdmdvs, admdvsName: ins.insuplcName,
        since: employee ? '2008-07-01' : '2016-01-01', unitName: employee ? '宁夏示例科技有限公司' : null,
        balanceFen: employee ? 356_820 : 0,
      });
    }
  }
  loadPersons();

  /** Demo people as seeded; anybody else: a resident enrolled in 银川 with a small balance. */
  function personOf(certNo: string): Person {
    const key = certNo.toUpperCase();
    let p = persons.get(key);
    if (!p) {
      const n = parseInt(key.replace(/\D/g, '').slice(-4) || '0', 10);
      p = { certNo: key, enrolled: true, status: 'ACTIVE', insutype: '390', admdvs: '640100', admdvsName: '银川市', since: '2018-01-01', unitName: null, balanceFen: 10_000 + n * 7 };
      persons.set(key, p);
    }
    return p;
  }

  function scriptFor(requestKey: string, itemCode: string): Script {
    return { ...defaultScript, ...(byItem.get(itemCode) ?? {}), ...(byRequestKey.get(requestKey) ?? {}) };
  }

  // ── notifies ────────────────────────────────────────────────────────────────────────────────
  function signedHeaders(url: URL, body: string, opts2: { badKey?: boolean; ageMs?: number } = {}): Record<string, string> {
    const ts = String(Date.now() - (opts2.ageMs ?? 0));
    const nonce = randomBytes(16).toString('hex');
    const secret = opts2.badKey ? `${opts.appSecret}-wrong` : opts.appSecret;
    return {
      'content-type': 'application/json; charset=utf-8',
      'X-Agency-App-Id': opts.appId,
      'X-Agency-Timestamp': ts,
      'X-Agency-Nonce': nonce,
      'X-Agency-Signature': agencyRequestSignature(secret, 'POST', url.pathname + url.search, ts, nonce, body),
    };
  }

  async function deliver(app: Application, event: AgencyEvent, applied: string[]): Promise<void> {
    if (!app.notifyUrl) return;
    const url = new URL(app.notifyUrl);
    const body = JSON.stringify({ applicationNo: app.applicationNo, requestKey: app.requestKey, event });
    const attempts = opts.notifyAttempts ?? 3;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      const bad = faults?.take(AGENCY_PLATFORM, 'notify', ['bad_signature']);
      const stale = faults?.take(AGENCY_PLATFORM, 'notify', ['stale_timestamp']);
      const faultNames = [...applied, ...(bad ? ['bad_signature'] : []), ...(stale ? ['stale_timestamp'] : [])];
      let status: number | 'error' = 'error';
      let acked = false;
      try {
        const res = await fetch(url, { method: 'POST', headers: signedHeaders(url, body, { badKey: !!bad, ageMs: stale ? Number(stale.params.ageMs ?? 3_600_000) : 0 }), body, signal: AbortSignal.timeout(5000) });
        status = res.status;
        const text = await res.text();
        acked = res.ok && /"code"\s*:\s*"SUCCESS"/.test(text);
      } catch {
        status = 'error';
      }
      deliveries.push({ applicationNo: app.applicationNo, seq: event.seq, status, acked, at: Date.now(), faults: faultNames });
      if (acked) return;
      if (attempt < attempts) await sleep(opts.notifyRetryDelayMs ?? 500);
    }
  }

  function notify(app: Application, event: AgencyEvent): void {
    const job = (async () => {
      if (faults?.take(AGENCY_PLATFORM, 'notify', ['notify_never'])) {
        deliveries.push({ applicationNo: app.applicationNo, seq: event.seq, status: 'error', acked: false, at: Date.now(), faults: ['notify_never'] });
        return;
      }
      const late = faults?.take(AGENCY_PLATFORM, 'notify', ['notify_late']);
      if (late) await sleep(Number(late.params.ms ?? 3000));
      const ooo = faults?.take(AGENCY_PLATFORM, 'notify', ['notify_out_of_order']);
      if (ooo) {
        await new Promise<void>((r) => {
          held.push(r);
          setTimeout(r, Number(ooo.params.holdMs ?? 2000)).unref?.();
        });
      } else {
        const release = held;
        held = [];
        setTimeout(() => release.forEach((f) => f()), 20);
      }
      const dup = faults?.take(AGENCY_PLATFORM, 'notify', ['notify_duplicate']);
      const applied = [...(late ? ['notify_late'] : []), ...(ooo ? ['notify_out_of_order'] : []), ...(dup ? ['notify_duplicate'] : [])];
      await deliver(app, event, applied);
      if (dup) {
        await sleep(Number(dup.params.gapMs ?? 50));
        await deliver(app, event, applied);
      }
    })();
    inflight.add(job);
    void job.finally(() => inflight.delete(job));
  }

  // ── state machine ───────────────────────────────────────────────────────────────────────────
  function current(app: Application): AgencyEvent {
    return app.events[app.events.length - 1]!;
  }

  function addEvent(app: Application, e: Omit<AgencyEvent, 'eventId' | 'seq' | 'at'>): AgencyEvent {
    const event: AgencyEvent = { eventId: randomUUID(), seq: app.events.length + 1, at: new Date().toISOString(), ...e };
    app.events.push(event);
    notify(app, event);
    schedule(app);
    return event;
  }

  function resultFor(app: Application): Record<string, unknown> {
    const now = new Date();
    const today = new Date(now.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
    switch (app.category) {
      case 'remoteCare':
        return { filingNo: `BA${app.applicationNo.slice(2)}`, validFrom: app.form.startDate ?? today, validUntil: app.form.endDate || null };
      case 'chronicDisease': {
        const until = new Date(now.getTime() + 2 * 365 * 86_400_000 + 8 * 3_600_000).toISOString().slice(0, 10);
        return { diseaseCode: app.form.diseaseCode, recognitionNo: `MT${app.applicationNo.slice(2)}`, validFrom: today, validUntil: until };
      }
      case 'refund': {
        const person = personOf(app.certNo);
        const amountFen = app.itemCode === 'account-withdrawal' ? person.balanceFen : 40_000;
        if (app.itemCode === 'account-withdrawal') person.balanceFen = 0;
        return { paidAmount: fenToYuan(amountFen), paidAt: now.toISOString() };
      }
      case 'enrollment':
        return { psnNo: `64${String(Date.now()).slice(-12)}`, enrolledFrom: today };
      case 'transfer':
        return { transferredAt: now.toISOString(), letterNo: `LXH${app.applicationNo.slice(2)}` };
      default:
        return {};
    }
  }

  /** The next status on the way to 办结, following the item's own steps. */
  function nextOnPath(app: Application, from: AgencyStatus): { status: AgencyStatus; step: string } {
    const steps = app.steps.map(stepName);
    const order: { status: AgencyStatus; step: string }[] = [{ status: 'ACCEPTED', step: '受理' }];
    if (steps.includes('审核')) order.push({ status: 'REVIEWING', step: '审核' });
    if (steps.includes('复核')) order.push({ status: 'RECHECKING', step: '复核' });
    if (steps.includes('拨付')) order.push({ status: 'DISBURSING', step: '拨付' });
    order.push({ status: 'COMPLETED', step: steps[steps.length - 1] ?? '办结' });
    if (from === 'SUBMITTED') return order[0]!;
    if (from === 'SUPPLEMENT_REQUIRED') return order[1] ?? order[order.length - 1]!;
    const i = order.findIndex((o) => o.status === from);
    return order[Math.min(order.length - 1, i + 1)]!;
  }

  /** One step by the script; null when the application waits (hold, supplement) or has ended. */
  function step(app: Application): AgencyEvent | null {
    const cur = current(app);
    const s = app.script;
    if (['COMPLETED', 'REJECTED', 'WITHDRAWN', 'SUPPLEMENT_REQUIRED'].includes(cur.status)) return null;
    if (s.outcome === 'hold') return null;
    if (cur.status === 'SUBMITTED') {
      if (s.outcome === 'reject_at_acceptance') {
        return addEvent(app, { status: 'REJECTED', step: '受理', note: '不予受理', rejectReason: s.rejectReason ?? '申请人不符合该事项的办理条件（不予受理）' });
      }
      return addEvent(app, { status: 'ACCEPTED', step: '受理', note: '经办机构已受理' });
    }
    if (s.outcome === 'accept_only') return null;
    if (s.outcome === 'supplement_once' && !app.supplemented && cur.status === 'ACCEPTED') {
      const items = s.supplementItems ?? [
        { code: app.materials.find((m) => (m.fileIds?.length ?? 0) > 0 || m.promise)?.code ?? null, name: app.materials.find((m) => (m.fileIds?.length ?? 0) > 0 || m.promise)?.name ?? '证明材料', reason: '材料照片不清晰，请重新拍摄上传（四角完整、文字清楚）' },
      ];
      return addEvent(app, { status: 'SUPPLEMENT_REQUIRED', step: '受理', note: '材料需补正（一次性告知）', supplement: { note: '经审查，您提交的材料需补正，请按以下清单一次性补齐后重新提交：', items } });
    }
    const next = nextOnPath(app, cur.status);
    if (s.outcome === 'reject' && !(cur.status === 'ACCEPTED' && next.status === 'REVIEWING')) {
      return addEvent(app, { status: 'REJECTED', step: cur.status === 'ACCEPTED' ? '受理' : cur.step, note: '审核未通过', rejectReason: s.rejectReason ?? '经审核，提交的材料不能证明符合办理条件' });
    }
    if (next.status === 'COMPLETED') return addEvent(app, { status: 'COMPLETED', step: next.step, note: '已办结', result: resultFor(app) });
    const notes: Partial<Record<AgencyStatus, string>> = { REVIEWING: '审核中', RECHECKING: '复核中', DISBURSING: '审核通过，拨付中' };
    return addEvent(app, { status: next.status, step: next.step, note: app.category === 'transfer' && next.status === 'REVIEWING' ? '已生成并发出《联系函》，等待转出地《信息表》' : notes[next.status] ?? null });
  }

  function schedule(app: Application): void {
    if (app.timer) clearTimeout(app.timer);
    app.timer = undefined;
    if (!app.script.auto) return;
    app.timer = setTimeout(() => {
      app.timer = undefined;
      step(app);
    }, app.script.stepDelayMs);
    app.timer.unref?.();
  }

  // ── HTTP ────────────────────────────────────────────────────────────────────────────────────
  function error(ctx: Context, status: number, code: string, message: string): void {
    ctx.status = status;
    ctx.body = { code, message };
  }

  async function authenticate(ctx: Context, next: Next): Promise<void> {
    const nonce = ctx.get('x-agency-nonce');
    const op = ctx.path.slice(AGENCY_PREFIX.length);
    const finish = () => {
      const body = ctx.body === undefined ? '' : JSON.stringify(ctx.body);
      const t = String(Date.now());
      const bad = faults?.take(AGENCY_PLATFORM, op, ['bad_signature']);
      ctx.body = body;
      ctx.type = 'application/json; charset=utf-8';
      ctx.set('X-Agency-Timestamp', t);
      ctx.set('X-Agency-Signature', agencyResponseSignature(bad ? `${opts.appSecret}-wrong` : opts.appSecret, ctx.status, t, nonce, body));
    };
    const ts = ctx.get('x-agency-timestamp');
    if (ctx.get('x-agency-app-id') !== opts.appId) {
      error(ctx, 401, 'UNKNOWN_APP', '未知的接入方');
      return finish();
    }
    if (!/^\d{13}$/.test(ts) || Math.abs(Date.now() - Number(ts)) > skew) {
      error(ctx, 401, 'STALE_TIMESTAMP', '时间戳无效或已过期');
      return finish();
    }
    if (!/^[A-Za-z0-9_-]{16,64}$/.test(nonce)) {
      error(ctx, 401, 'INVALID_SIGNATURE', '缺少或非法的随机串');
      return finish();
    }
    const raw = typeof ctx.request.rawBody === 'string' ? ctx.request.rawBody : '';
    const expected = agencyRequestSignature(opts.appSecret, ctx.method, ctx.originalUrl, ts, nonce, raw);
    if (ctx.get('x-agency-signature') !== expected) {
      error(ctx, 401, 'INVALID_SIGNATURE', '签名验证失败');
      return finish();
    }
    const now = Date.now();
    for (const [n, at] of nonces) if (now - at > skew) nonces.delete(n);
    if (nonces.has(nonce)) {
      error(ctx, 401, 'NONCE_REPLAYED', '请求重复（随机串已使用）');
      return finish();
    }
    nonces.set(nonce, now);
    const pe = faults?.take(AGENCY_PLATFORM, op, ['platform_error']);
    if (pe) {
      error(ctx, Number(pe.params.status ?? 500), String(pe.params.code ?? 'AGENCY_ERROR'), String(pe.params.message ?? '经办系统异常'));
      return finish();
    }
    await next();
    finish();
  }

  const view = (app: Application) => {
    const cur = current(app);
    return { applicationNo: app.applicationNo, requestKey: app.requestKey, itemCode: app.itemCode, status: cur.status, step: cur.step, seq: cur.seq, receivedAt: app.receivedAt, events: app.events };
  };
  const body = (ctx: Context) => (ctx.request as { body?: Record<string, unknown> }).body ?? {};
  const isStr = (v: unknown, max = 200): v is string => typeof v === 'string' && v.length > 0 && v.length <= max;

  function findByRequestKey(requestKey: string): Application | undefined {
    for (const a of apps.values()) if (a.requestKey === requestKey) return a;
    return undefined;
  }

  const mock: AgencyMock = {
    name: AGENCY_PLATFORM,
    prefix: AGENCY_PREFIX,
    describe: '医保经办机构：自助经办申请的受理、审核、补正、办结（可配置结果）与状态通知，参保信息与个人账户查询，异地备案取消（HMAC 签名）',
    deliveries,
    routes(router: Router, ctx: MockContext) {
      faults = ctx.faults;
      router.use('/api', authenticate);

      router.post('/api/v1/applications', (c) => {
        const b = body(c);
        const applicant = (b.applicant ?? {}) as Record<string, unknown>;
        if (!isStr(b.requestKey, 64) || !isStr(b.itemCode, 64) || !Array.isArray(b.steps) || !isStr(applicant.certNo, 32) || !isStr(applicant.name, 64) || typeof b.form !== 'object' || !Array.isArray(b.materials)) {
          return error(c, 400, 'INVALID_PARAM', '申请报文不完整');
        }
        if (b.notifyUrl !== undefined && b.notifyUrl !== null && !/^https?:\/\//.test(String(b.notifyUrl))) return error(c, 400, 'INVALID_PARAM', 'notifyUrl 不正确');
        const existing = findByRequestKey(b.requestKey);
        if (existing) {
          c.status = 200;
          c.body = view(existing);
          return;
        }
        const person = personOf(applicant.certNo);
        if (b.category !== 'enrollment' && !person.enrolled) return error(c, 409, 'NOT_INSURED', '未查询到参保信息，不能办理该事项');
        seqNo += 1;
        const applicationNo = `JB${new Date().toISOString().slice(0, 10).replace(/-/g, '')}${String(seqNo).padStart(6, '0')}${randomBytes(2).toString('hex').toUpperCase()}`;
        const app: Application = {
          applicationNo, requestKey: b.requestKey, itemCode: b.itemCode, catalogSeq: Number(b.catalogSeq ?? 0), category: String(b.category ?? ''),
          steps: (b.steps as unknown[]).map(String), certNo: applicant.certNo.toUpperCase(), form: b.form as Record<string, string>,
          materials: b.materials as Application['materials'], notifyUrl: typeof b.notifyUrl === 'string' ? b.notifyUrl : null,
          receivedAt: new Date().toISOString(), events: [], script: scriptFor(b.requestKey, b.itemCode), supplemented: false,
        };
        apps.set(applicationNo, app);
        app.events.push({ eventId: randomUUID(), seq: 1, status: 'SUBMITTED', step: '申请', note: '经办机构已收到申请', at: app.receivedAt });
        schedule(app);
        c.status = 201;
        c.body = view(app);
      });

      router.get('/api/v1/applications', (c) => {
        const key = typeof c.query.requestKey === 'string' ? c.query.requestKey : '';
        const app = key ? findByRequestKey(key) : undefined;
        if (!app) return error(c, 404, 'NOT_FOUND', '申请不存在');
        c.body = view(app);
      });

      router.get('/api/v1/applications/:no', (c) => {
        const app = apps.get(c.params.no!);
        if (!app) return error(c, 404, 'NOT_FOUND', '申请不存在');
        c.body = view(app);
      });

      router.post('/api/v1/applications/:no/withdraw', (c) => {
        const app = apps.get(c.params.no!);
        if (!app) return error(c, 404, 'NOT_FOUND', '申请不存在');
        const cur = current(app);
        if (cur.status === 'WITHDRAWN') {
          c.body = view(app);
          return;
        }
        if (cur.status !== 'SUBMITTED') return error(c, 409, 'ALREADY_ACCEPTED', '申请已受理，不能撤回');
        if (app.timer) clearTimeout(app.timer);
        addEvent(app, { status: 'WITHDRAWN', step: '受理', note: '申请人撤回申请' });
        c.body = view(app);
      });

      router.post('/api/v1/applications/:no/supplement', (c) => {
        const app = apps.get(c.params.no!);
        if (!app) return error(c, 404, 'NOT_FOUND', '申请不存在');
        const b = body(c);
        if (!Array.isArray(b.materials) || (b.form !== undefined && typeof b.form !== 'object')) return error(c, 400, 'INVALID_PARAM', '补正报文不完整');
        if (current(app).status !== 'SUPPLEMENT_REQUIRED') return error(c, 409, 'NOT_SUPPLEMENT_REQUIRED', '该申请当前不需要补正');
        app.supplemented = true;
        app.materials = b.materials as Application['materials'];
        if (b.form) app.form = { ...app.form, ...(b.form as Record<string, string>) };
        addEvent(app, { status: 'REVIEWING', step: '审核', note: '已收到补正材料，审核中' });
        c.body = view(app);
      });

      router.post('/api/v1/filings/:filingNo/cancel', (c) => {
        const filingNo = c.params.filingNo!;
        const app = [...apps.values()].find((a) => current(a).status === 'COMPLETED' && current(a).result?.filingNo === filingNo);
        if (!app) return error(c, 404, 'NOT_FOUND', '备案不存在');
        const result = current(app).result!;
        if (result.cancelledAt) return error(c, 409, 'ALREADY_CANCELLED', '备案已取消');
        result.cancelledAt = new Date().toISOString();
        c.body = { filingNo, cancelledAt: result.cancelledAt };
      });

      router.post('/api/v1/persons/enrollment', (c) => {
        const b = body(c);
        if (!isStr(b.certNo, 32)) return error(c, 400, 'INVALID_PARAM', 'certNo 必填');
        const p = personOf(b.certNo);
        if (!p.enrolled) return error(c, 404, 'NOT_INSURED', '未查询到参保信息');
        const year = new Date().getUTCFullYear();
        const employee = !p.insutype.startsWith('39');
        const payments = employee
          ? [0, 1, 2].map((i) => {
              const d = new Date(Date.UTC(year, new Date().getUTCMonth() - i, 15));
              return { period: d.toISOString().slice(0, 7), amount: fenToYuan(32_460), kind: '单位及个人缴费', paidAt: d.toISOString().slice(0, 10) };
            })
          : [{ period: String(year), amount: fenToYuan(40_000), kind: '城乡居民个人缴费', paidAt: `${year - 1}-12-10` }];
        c.body = { status: p.status, insutype: p.insutype, admdvs: p.admdvs, admdvsName: p.admdvsName, since: p.since, unitName: p.unitName ?? (employee ? null : '城乡居民'), payments };
      });

      router.post('/api/v1/persons/account', (c) => {
        const b = body(c);
        if (!isStr(b.certNo, 32)) return error(c, 400, 'INVALID_PARAM', 'certNo 必填');
        const p = personOf(b.certNo);
        if (!p.enrolled) return error(c, 404, 'NOT_INSURED', '未查询到参保信息');
        const changes: { date: string; kind: string; amount: string; balance: string; note: string | null }[] = [];
        let bal = p.balanceFen;
        const now = new Date();
        for (let i = 0; i < 6 && p.balanceFen > 0; i++) {
          const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - i, 5)).toISOString().slice(0, 10);
          const isIn = i % 2 === 0;
          const amt = isIn ? 18_650 : -6_420;
          changes.push({ date: d, kind: isIn ? '个人账户划入' : '药店购药支出', amount: fenToYuan(amt), balance: fenToYuan(bal), note: isIn ? '按月划入' : null });
          bal -= amt;
        }
        const since = typeof b.since === 'string' ? b.since : '';
        const until = typeof b.until === 'string' ? b.until : '';
        c.body = { balance: fenToYuan(p.balanceFen), changes: changes.filter((x) => (!since || x.date >= since) && (!until || x.date <= until)) };
      });

      // ── admin (mock only) ───────────────────────────────────────────────────────────────
      router.post('/__admin/script', (c) => {
        const b = body(c);
        if (!OUTCOMES.includes(b.outcome as Outcome)) return error(c, 400, 'INVALID_PARAM', `outcome 只能是 ${OUTCOMES.join('、')}`);
        const script: Partial<Script> = { outcome: b.outcome as Outcome };
        if (typeof b.auto === 'boolean') script.auto = b.auto;
        if (typeof b.stepDelayMs === 'number') script.stepDelayMs = b.stepDelayMs;
        if (typeof b.rejectReason === 'string') script.rejectReason = b.rejectReason;
        if (Array.isArray(b.supplementItems)) script.supplementItems = b.supplementItems as Script['supplementItems'];
        mock.setScript(isStr(b.requestKey) ? { requestKey: b.requestKey } : isStr(b.itemCode) ? { itemCode: b.itemCode } : null, script);
        c.status = 204;
      });
      router.post('/__admin/applications/:no/advance', (c) => {
        if (!apps.has(c.params.no!)) return error(c, 404, 'NOT_FOUND', '申请不存在');
        c.body = { events: mock.advance(c.params.no!, c.query.all === '1' || c.query.all === 'true') };
      });
      router.get('/__admin/applications', (c) => {
        c.body = [...apps.values()].map((a) => ({ ...view(a), script: a.script }));
      });
      router.post('/__admin/persons', (c) => {
        const b = body(c);
        if (!isStr(b.certNo, 32)) return error(c, 400, 'INVALID_PARAM', 'certNo 必填');
        const p = personOf(b.certNo);
        if (typeof b.enrolled === 'boolean') p.enrolled = b.enrolled;
        if (b.status === 'ACTIVE' || b.status === 'SUSPENDED' || b.status === 'TERMINATED') p.status = b.status;
        if (isStr(b.insutype, 6)) p.insutype = b.insutype;
        if (isStr(b.admdvs, 6)) {
          p.admdvs = b.admdvs;
          p.admdvsName = CITY_NAMES[b.admdvs] ?? b.admdvs;
        }
        if (typeof b.balanceFen === 'number') p.balanceFen = b.balanceFen;
        c.status = 204;
      });
    },
    reset() {
      for (const a of apps.values()) if (a.timer) clearTimeout(a.timer);
      apps = new Map();
      byItem = new Map();
      byRequestKey = new Map();
      defaultScript = { ...baseDefault };
      nonces.clear();
      deliveries.length = 0;
      loadPersons();
    },
    async idle() {
      while (inflight.size > 0) await Promise.allSettled([...inflight]);
    },
    setScript(target, script) {
      if (target?.requestKey) {
        byRequestKey.set(target.requestKey, script);
        const app = findByRequestKey(target.requestKey);
        if (app) {
          app.script = { ...app.script, ...script };
          schedule(app);
        }
      } else if (target?.itemCode) byItem.set(target.itemCode, script);
      else defaultScript = { ...defaultScript, ...script };
    },
    advance(applicationNo, all = false) {
      const app = apps.get(applicationNo);
      if (!app) return [];
      const out: AgencyEvent[] = [];
      for (let i = 0; i < 10; i++) {
        const e = step(app);
        if (!e) break;
        out.push(e);
        if (!all) break;
      }
      return out;
    },
    findByRequestKey(requestKey) {
      const a = findByRequestKey(requestKey);
      return a ? { applicationNo: a.applicationNo, status: current(a).status, seq: current(a).seq } : undefined;
    },
  };
  return mock;
}

export function agencyMockFromEnv(env: NodeJS.ProcessEnv): AgencyMock | undefined {
  const secret = env.MOCK_INSURANCE_AGENCY_APP_SECRET;
  if (!secret) return undefined;
  return createAgencyMock({ appId: env.MOCK_INSURANCE_AGENCY_APP_ID ?? env.INSURANCE_AGENCY_APP_ID ?? 'mock_agency_app', appSecret: secret });
}
