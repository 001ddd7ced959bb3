/**
 * Hospital HIS mock (`/his`): offline visit records and catalog prices, read-only from the DB seed
 * (prisma/src/seed/data: demo.json hisVisits, hospitals.json, drugs.json, doctors.json fees).
 *
 *   GET /his/api/v1/patients?idNoHash=…[&hospitalCode=]          → {items:[{patientId, hospitalCode, visitCount}]}
 *   GET /his/api/v1/visits?(idNoHash=…|patientId=…)[&hospitalCode=&since=&until=&diagnosisCode=&visitType=]
 *                          &page=1&pageSize=20                     → {page, pageSize, total, items:[visit]}
 *   GET /his/api/v1/visits/:hospitalCode/:visitNo                   → visit | 404
 *   GET /his/api/v1/prices?[type=DRUG|SERVICE&code=&keyword=&hospitalCode=]&page&pageSize → {…, items:[price]}
 *   GET /his/api/v1/prices/:code                                    → price | 404
 * visit: {visitNo, patientId, hospitalCode, hospitalName, visitDate (YYYY-MM-DD), visitType
 * OUTPATIENT|INPATIENT, departmentName, doctorName?, diagnoses:[{code, name, primary}]}
 * price: {code, type, name, specification?, unit, price (yuan string), insuranceClass?, manufacturer?}
 * Errors: HTTP 400/401/404/500 with {code, message}: INVALID_PARAM, UNKNOWN_APP, INVALID_SIGNATURE,
 * STALE_TIMESTAMP, NONCE_REPLAYED, NOT_FOUND, HIS_ERROR. Auth: see auth.ts.
 * Faults: generic kinds by path (e.g. operation "/api/v1/visits"); platform_error (params.code,
 * params.status default 500); bad_signature (answer signed with another secret).
 */

import type Router from '@koa/router';
import type { Context, Next } from 'koa';
import { fenToYuan } from '@ih/contract';
import type { MockContext, MockPlatform } from '../../app';
import type { FaultRegistry } from '../../faults';
import { hisIdNoHash, hisRequestSignature, hisResponseSignature } from './auth';
import { loadSeed, visitDate } from './seed';

export const HIS_PLATFORM = 'his';

export interface HisMockOptions {
  appId: string;
  appSecret: string;
  /** Allowed clock difference for X-HIS-Timestamp (default 5 min); nonces are remembered that long. */
  maxSkewMs?: number;
}

interface Visit {
  visitNo: string;
  patientId: string;
  hospitalCode: string;
  hospitalName: string;
  visitDate: string;
  visitType: 'OUTPATIENT' | 'INPATIENT';
  departmentName: string;
  doctorName?: string;
  diagnoses: { code: string; name: string; primary: boolean }[];
  idNoHash: string;
}

interface Price {
  code: string;
  type: 'DRUG' | 'SERVICE';
  name: string;
  specification?: string;
  unit: string;
  priceFen: number;
  insuranceClass?: string;
  manufacturer?: string;
}

const TITLES: Record<string, string> = {
  CHIEF_PHYSICIAN: '主任医师',
  ASSOCIATE_CHIEF_PHYSICIAN: '副主任医师',
  ATTENDING_PHYSICIAN: '主治医师',
  RESIDENT_PHYSICIAN: '住院医师',
};

export interface HisMock extends MockPlatform {
  /** The HIS patient id of a demo person (for tests and demos). */
  patientIdOf(personKey: string): string | undefined;
}

export function createHisMock(opts: HisMockOptions): HisMock {
  const seed = loadSeed();
  const skew = opts.maxSkewMs ?? 5 * 60_000;
  const patientIds = new Map(seed.people.map((p, i) => [p.key, `P${String(1_000_001 + i)}`]));
  const hospitals = new Map(seed.hospitals.map((h) => [h.code, h]));
  let visits: Visit[] = [];
  const prices: Price[] = [];

  function load(): void {
    const now = new Date();
    visits = seed.hisVisits.map((v) => {
      const person = seed.people.find((p) => p.key === v.person)!;
      return {
        visitNo: v.hisVisitNo,
        patientId: patientIds.get(v.person)!,
        hospitalCode: v.hospitalCode,
        hospitalName: hospitals.get(v.hospitalCode)?.name ?? v.hospitalCode,
        visitDate: visitDate(v.daysAgo, now),
        visitType: v.visitType ?? 'OUTPATIENT',
        departmentName: v.departmentName,
        ...(v.doctorName ? { doctorName: v.doctorName } : {}),
        diagnoses: v.diagnoses.map(([code, name], i) => ({ code, name, primary: i === 0 })),
        idNoHash: hisIdNoHash(opts.appSecret, person.idNumber),
      };
    });
    visits.sort((a, b) => (a.visitDate < b.visitDate ? 1 : a.visitDate > b.visitDate ? -1 : a.visitNo.localeCompare(b.visitNo)));
  }
  load();
  for (const d of seed.drugs) {
    prices.push({ code: d.nationalCode, type: 'DRUG', name: d.name, specification: d.specification, unit: d.unit, priceFen: d.priceFen, insuranceClass: d.insuranceClass, manufacturer: d.manufacturer });
  }
  const feeByTitle = new Map<string, Map<number, number>>();
  for (const d of seed.doctors) {
    const m = feeByTitle.get(d.title) ?? new Map<number, number>();
    m.set(d.consultationFeeFen, (m.get(d.consultationFeeFen) ?? 0) + 1);
    feeByTitle.set(d.title, m);
  }
  for (const [title, fees] of feeByTitle) {
    const fee = [...fees.entries()].sort((a, b) => b[1] - a[1])[0]![0];
    prices.push({ code: `SV-IRV-${title.replace(/_PHYSICIAN$/, '')}`, type: 'SERVICE', name: `互联网复诊诊查费（${TITLES[title] ?? title}）`, unit: '次', priceFen: fee, insuranceClass: 'CLASS_A' });
  }

  let faults: FaultRegistry | undefined;
  const nonces = new Map<string, number>();

  function error(ctx: Context, status: number, code: string, message: string): void {
    ctx.status = status;
    ctx.body = { code, message };
  }

  /** Verifies the request signature; signs the answer after the handler. */
  async function authenticate(ctx: Context, next: Next): Promise<void> {
    const appId = ctx.get('x-his-app-id');
    const ts = ctx.get('x-his-timestamp');
    const nonce = ctx.get('x-his-nonce');
    const sig = ctx.get('x-his-signature');
    const finish = () => {
      const body = ctx.body === undefined ? '' : JSON.stringify(ctx.body);
      const t = String(Date.now());
      const op = ctx.path.slice('/his'.length);
      const bad = faults?.take(HIS_PLATFORM, op, ['bad_signature']);
      ctx.body = body;
      ctx.type = 'application/json; charset=utf-8';
      ctx.set('X-HIS-Timestamp', t);
      ctx.set('X-HIS-Signature', hisResponseSignature(bad ? `${opts.appSecret}-wrong` : opts.appSecret, ctx.status, t, nonce, body));
    };
    if (appId !== opts.appId) {
      error(ctx, 401, 'UNKNOWN_APP', '未知的接入方');
      return finish();
    }
    const tsNum = Number(ts);
    if (!/^\d{13}$/.test(ts) || Math.abs(Date.now() - tsNum) > skew) {
      error(ctx, 401, 'STALE_TIMESTAMP', '时间戳无效或已过期');
      return finish();
    }
    if (!/^[A-Za-z0-9_-]{16,64}$/.test(nonce)) {
      error(ctx, 401, 'INVALID_SIGNATURE', '缺少或非法的随机串');
      return finish();
    }
    const raw = typeof ctx.request.rawBody === 'string' ? ctx.request.rawBody : '';
    const expected = hisRequestSignature(opts.appSecret, ctx.method, ctx.originalUrl, ts, nonce, raw);
    if (sig.length !== expected.length || sig !== expected) {
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
    const op = ctx.path.slice('/his'.length);
    const pe = faults?.take(HIS_PLATFORM, op, ['platform_error']);
    if (pe) {
      error(ctx, Number(pe.params.status ?? 500), String(pe.params.code ?? 'HIS_ERROR'), String(pe.params.message ?? 'HIS 系统异常'));
      return finish();
    }
    await next();
    finish();
  }

  function paging(ctx: Context): { page: number; pageSize: number } | undefined {
    const page = ctx.query.page === undefined ? 1 : Number(ctx.query.page);
    const pageSize = ctx.query.pageSize === undefined ? 20 : Number(ctx.query.pageSize);
    if (!Number.isInteger(page) || page < 1 || page > 10_000) {
      error(ctx, 400, 'INVALID_PARAM', 'page 必须是 1–10000 的整数');
      return undefined;
    }
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 100) {
      error(ctx, 400, 'INVALID_PARAM', 'pageSize 必须是 1–100 的整数');
      return undefined;
    }
    return { page, pageSize };
  }

  const q = (ctx: Context, k: string): string | undefined => (typeof ctx.query[k] === 'string' && ctx.query[k] !== '' ? (ctx.query[k] as string) : undefined);
  const DATE = /^\d{4}-\d{2}-\d{2}$/;
  const view = ({ idNoHash: _h, ...v }: Visit) => v;

  const mock: HisMock = {
    name: HIS_PLATFORM,
    prefix: '/his',
    describe: '医院 HIS：线下就诊记录（按身份证号哈希或患者 ID）、药品与服务项目价格（HMAC 签名）',
    routes(router: Router, ctx: MockContext) {
      faults = ctx.faults;
      router.use('/api', authenticate);

      router.get('/api/v1/patients', (c) => {
        const idNoHash = q(c, 'idNoHash');
        if (!idNoHash || !/^[0-9a-f]{64}$/.test(idNoHash)) return error(c, 400, 'INVALID_PARAM', 'idNoHash 必须是 64 位十六进制');
        const hospitalCode = q(c, 'hospitalCode');
        const mine = visits.filter((v) => v.idNoHash === idNoHash && (!hospitalCode || v.hospitalCode === hospitalCode));
        const byHospital = new Map<string, { patientId: string; hospitalCode: string; visitCount: number }>();
        for (const v of mine) {
          const e = byHospital.get(v.hospitalCode) ?? { patientId: v.patientId, hospitalCode: v.hospitalCode, visitCount: 0 };
          e.visitCount += 1;
          byHospital.set(v.hospitalCode, e);
        }
        c.body = { items: [...byHospital.values()] };
      });

      router.get('/api/v1/visits', (c) => {
        const idNoHash = q(c, 'idNoHash');
        const patientId = q(c, 'patientId');
        if (!idNoHash === !patientId) return error(c, 400, 'INVALID_PARAM', '必须且只能提供 idNoHash 或 patientId 之一');
        if (idNoHash && !/^[0-9a-f]{64}$/.test(idNoHash)) return error(c, 400, 'INVALID_PARAM', 'idNoHash 必须是 64 位十六进制');
        const since = q(c, 'since');
        const until = q(c, 'until');
        if ((since && !DATE.test(since)) || (until && !DATE.test(until))) return error(c, 400, 'INVALID_PARAM', 'since/until 必须是 YYYY-MM-DD');
        const visitType = q(c, 'visitType');
        if (visitType && visitType !== 'OUTPATIENT' && visitType !== 'INPATIENT') return error(c, 400, 'INVALID_PARAM', 'visitType 只能是 OUTPATIENT 或 INPATIENT');
        const p = paging(c);
        if (!p) return;
        const hospitalCode = q(c, 'hospitalCode');
        const diagnosisCode = q(c, 'diagnosisCode');
        const all = visits.filter(
          (v) =>
            (idNoHash ? v.idNoHash === idNoHash : v.patientId === patientId) &&
            (!hospitalCode || v.hospitalCode === hospitalCode) &&
            (!since || v.visitDate >= since) &&
            (!until || v.visitDate <= until) &&
            (!visitType || v.visitType === visitType) &&
            (!diagnosisCode || v.diagnoses.some((d) => d.code === diagnosisCode)),
        );
        c.body = { page: p.page, pageSize: p.pageSize, total: all.length, items: all.slice((p.page - 1) * p.pageSize, p.page * p.pageSize).map(view) };
      });

      router.get('/api/v1/visits/:hospitalCode/:visitNo', (c) => {
        const v = visits.find((x) => x.hospitalCode === c.params.hospitalCode && x.visitNo === c.params.visitNo);
        if (!v) return error(c, 404, 'NOT_FOUND', '就诊记录不存在');
        c.body = view(v);
      });

      const priceView = (p: Price) => ({
        code: p.code, type: p.type, name: p.name, ...(p.specification ? { specification: p.specification } : {}), unit: p.unit,
        price: fenToYuan(p.priceFen), ...(p.insuranceClass ? { insuranceClass: p.insuranceClass } : {}), ...(p.manufacturer ? { manufacturer: p.manufacturer } : {}),
      });

      router.get('/api/v1/prices', (c) => {
        const type = q(c, 'type');
        if (type && type !== 'DRUG' && type !== 'SERVICE') return error(c, 400, 'INVALID_PARAM', 'type 只能是 DRUG 或 SERVICE');
        const hospitalCode = q(c, 'hospitalCode');
        if (hospitalCode && !hospitals.has(hospitalCode)) return error(c, 404, 'NOT_FOUND', '医院不存在');
        const p = paging(c);
        if (!p) return;
        const code = q(c, 'code');
        const keyword = q(c, 'keyword');
        const all = prices.filter((x) => (!type || x.type === type) && (!code || x.code === code) && (!keyword || x.name.includes(keyword)));
        c.body = { page: p.page, pageSize: p.pageSize, total: all.length, items: all.slice((p.page - 1) * p.pageSize, p.page * p.pageSize).map(priceView) };
      });

      router.get('/api/v1/prices/:code', (c) => {
        const x = prices.find((p) => p.code === c.params.code);
        if (!x) return error(c, 404, 'NOT_FOUND', '项目不存在');
        c.body = priceView(x);
      });
    },
    reset() {
      nonces.clear();
      load();
    },
    patientIdOf: (key) => patientIds.get(key),
  };
  return mock;
}

export function hisMockFromEnv(env: NodeJS.ProcessEnv): HisMock | undefined {
  const secret = env.MOCK_HIS_APP_SECRET;
  if (!secret) return undefined;
  return createHisMock({ appId: env.MOCK_HIS_APP_ID ?? env.HIS_APP_ID ?? 'mock_his_app', appSecret: secret });
}

