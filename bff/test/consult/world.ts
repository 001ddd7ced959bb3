/**
 * A world for the consultation tests, fresh per file (random tag): the HIS mock over HTTP (its
 * demo people and visits), a live insured hospital with two internet departments, doctors
 * (A = the one patients choose, B = same department, N = same department but not an insurance
 * doctor, X = other department), two patient accounts (owner with 张建国 who has a 高血压 visit
 * 40 days ago in the HIS; other with 李秀英), uploads in a temporary directory. The real order
 * domain creates and closes orders.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import zlib from 'node:zlib';
import request from 'supertest';
import { createPrisma } from '@ih/db';
import { createHisMock } from '../../../mock/src/platforms/his';
import { generateHisDemoKeys } from '../../../mock/src/platforms/his/keys';
import { startMock, type RunningMock } from '../platforms/alipay-helpers';
import { captureLogger, testConfig, type CapturedLogger } from '../helpers';
import { signIn } from '../authHelpers';
import { createApp, type BffApp } from '../../src/app';
import type { Config } from '../../src/config';
import type { Db } from '../../src/deps';
import { fieldCipher } from '../../src/lib/cipher';
import type { ConsultDeps, ConsultModule } from '../../src/domains/consult/routes';
import type { ConsultSettingsOverrides } from '../../src/domains/consult/settings';

export const HTN = { hospitalCode: 'H64010000001', visitNo: 'MZ-DEMO-0001', diagnosisCode: 'I10.x00' };
/** Same visit, 高脂血症: in the HIS, not in the catalog → self-pay. */
export const HLP = { ...HTN, diagnosisCode: 'E78.500' };
/** 2型糖尿病 200 days ago: outside the window → refused. */
export const DM_OLD = { hospitalCode: 'H64010000002', visitNo: 'MZ-DEMO-0002', diagnosisCode: 'E11.900' };

export interface Who {
  userId: string;
  token: string;
}
export interface DoctorWho extends Who {
  doctorId: string;
}

export interface World {
  tag: string;
  app: BffApp;
  config: Config;
  prisma: Db;
  log: CapturedLogger;
  mock: RunningMock;
  module: ConsultModule;
  filesDir: string;
  hospitalId: string;
  deptA: string;
  deptX: string;
  doctor: { A: DoctorWho; B: DoctorWho; N: DoctorWho; X: DoctorWho };
  owner: Who & { patientId: string };
  other: Who & { patientId: string };
  http: ReturnType<typeof request>;
  close(): Promise<void>;
}

const PEOPLE = {
  zhang: { id: '640104196803150131', name: '张建国', birth: '1968-03-15', gender: 'MALE' as const },
  li: { id: '640104194508020247', name: '李秀英', birth: '1945-08-02', gender: 'FEMALE' as const },
};

export async function makeWorld(opts: { settings?: ConsultSettingsOverrides; env?: Record<string, string>; realtime?: ConsultDeps['realtime'] } = {}): Promise<World> {
  const tag = randomBytes(3).toString('hex').toUpperCase();
  const keys = generateHisDemoKeys();
  const mock = await startMock([createHisMock({ appId: 'his_test_app', appSecret: keys.MOCK_HIS_APP_SECRET! })]);
  const config = testConfig({ HIS_BASE_URL: `${mock.baseUrl}/his`, HIS_APP_ID: 'his_test_app', HIS_APP_SECRET: keys.HIS_APP_SECRET!, PLATFORM_TIMEOUT_MS: '3000', ...opts.env });
  const prisma = createPrisma(config.databaseUrl);
  const log = captureLogger();
  const filesDir = mkdtempSync(join(tmpdir(), 'ih-consult-files-'));
  let module: ConsultModule | undefined;
  const deps: ConsultDeps = {
    config,
    prisma,
    logger: log.logger,
    consultSettings: { ...opts.settings, files: { dir: filesDir, ...opts.settings?.files } },
    onConsultModule: (m) => {
      module = m;
    },
    ...(opts.realtime ? { realtime: opts.realtime } : {}),
  };
  const app = createApp(deps);
  const cipher = fieldCipher(config);
  const p = prisma;

  for (const d of [
    { code: 'I10.x00', name: '高血压', category: 'CHRONIC' as const, payableOnline: true },
    { code: 'E11.900', name: '2型糖尿病', category: 'CHRONIC' as const, payableOnline: true },
  ]) {
    await p.disease.upsert({ where: { code: d.code }, create: d, update: {} });
  }
  const hospital = await p.hospital.create({ data: { code: `HC${tag}`, name: `问诊测试${tag}医院`, city: '银川市', admdvs: '640100', batch: 1, goLiveDeadline: new Date('2021-12-31'), live: true, insuranceEnabled: true } });
  const deptA = await p.internetDepartment.create({ data: { hospitalId: hospital.id, code: `XXG${tag}`, name: '心血管内科', caty: 'A03.04' } });
  const deptX = await p.internetDepartment.create({ data: { hospitalId: hospital.id, code: `XH${tag}`, name: '消化内科', caty: 'A03.03' } });
  let n = 0;
  const doctor = async (key: string, departmentId: string, insured = true): Promise<DoctorWho> => {
    n += 1;
    const user = await p.user.create({ data: { role: 'DOCTOR', username: `cdoc_${key}_${tag}`.toLowerCase() }, select: { id: true } });
    const d = await p.doctor.create({
      data: {
        userId: user.id, hospitalId: hospital.id, departmentId, name: `医生${key}`, title: 'CHIEF_PHYSICIAN', specialty: '高血压', consultationFeeFen: 2500 + n,
        realNameVerified: true, internetQualified: true, status: 'ACTIVE', insuranceDoctorCode: insured ? `DC${tag}${n}` : null, practiceCertNo: `PC${tag}${n}`,
      },
    });
    const s = await signIn({ app, config, prisma, log } as never, user.id);
    return { userId: user.id, token: s.tokens.accessToken, doctorId: d.id };
  };
  const A = await doctor('A', deptA.id);
  const B = await doctor('B', deptA.id);
  const N = await doctor('N', deptA.id, false);
  const X = await doctor('X', deptX.id);

  const patientUser = async (person: keyof typeof PEOPLE) => {
    const u = await p.user.create({ data: { role: 'PATIENT', wechatOpenId: `consult_${tag}_${person}_${randomUUID().slice(0, 6)}` }, select: { id: true } });
    const { id, name, birth, gender } = PEOPLE[person];
    const row = await p.patient.create({
      data: {
        ownerUserId: u.id, relationship: 'SELF', nameEnc: cipher.encrypt(name), nameMasked: `${name[0]}*${name.slice(-1)}`, idType: 'ID_CARD',
        idNumberEnc: cipher.encrypt(id), idNumberHash: cipher.hash(id), idNumberMasked: `${id.slice(0, 3)}***********${id.slice(-4)}`,
        birthDate: new Date(`${birth}T00:00:00Z`), gender,
      },
    });
    const s = await signIn({ app, config, prisma, log } as never, u.id);
    return { userId: u.id, token: s.tokens.accessToken, patientId: row.id };
  };
  const owner = await patientUser('zhang');
  newOwnerImpl = () => patientUser('zhang');
  const other = await patientUser('li');
  // 张建国 is insured with an activated voucher (the insured identity may exist from another test file).
  const hash = cipher.hash(PEOPLE.zhang.id);
  if (!(await p.insuredIdentity.findFirst({ where: { idNumberHash: hash } }))) {
    await p.insuredIdentity.create({ data: { idNumberHash: hash, psnNo: `PSNC${tag}`, insutype: '310', insuplcAdmdvs: '640100', voucherActivated: true } }).catch(() => undefined);
  }
  if (!module) throw new Error('consult module not built');
  return {
    tag, app, config, prisma, log, mock, module, filesDir, hospitalId: hospital.id, deptA: deptA.id, deptX: deptX.id,
    doctor: { A, B, N, X }, owner, other,
    http: request(app.callback()),
    async close() {
      await app.upgrades.close();
      await prisma.$disconnect();
      await mock.close();
      rmSync(filesDir, { recursive: true, force: true });
    },
  };
}

let newOwnerImpl: (() => Promise<Who & { patientId: string }>) | null = null;

/** Another account with 张建国 as its 就诊人 (one open consultation per patient and doctor: tests that need many use fresh owners). */
export function newOwner(): Promise<Who & { patientId: string }> {
  if (!newOwnerImpl) throw new Error('makeWorld first');
  return newOwnerImpl();
}

export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

// ── request helpers ──────────────────────────────────────────────────────────────────────────
export function api(w: World) {
  const cb = w.app.callback();
  return {
    get: (path: string, token: string) => request(cb).get(`/api/v1${path}`).set(bearer(token)),
    post: (path: string, token: string, body: unknown = {}) => request(cb).post(`/api/v1${path}`).set(bearer(token)).send(body as object),
  };
}

export function createBody(w: World, over: Record<string, unknown> = {}) {
  return {
    patientId: w.owner.patientId,
    doctorId: w.doctor.A.doctorId,
    offlineDiagnosis: HTN,
    description: '血压最近控制在140/90左右，继续服用氨氯地平，想调整用药',
    imageFileIds: [],
    requestKey: `rk_${randomBytes(8).toString('hex')}`,
    ...over,
  };
}

/** Creates a consultation through the API (201) and returns its id and order. */
export async function createConsultation(w: World, over: Record<string, unknown> = {}, who: Who & { patientId: string } = w.owner) {
  const res = await api(w).post('/consultations', who.token, createBody(w, { patientId: who.patientId, ...over }));
  if (res.status !== 201) throw new Error(`create failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { id: res.body.consultation.id as string, orderId: res.body.order.id as string, body: res.body };
}

/** Pays it the way the order domain would: its hook inside a transaction (the payment flow itself is ORDER-BFF's and tested there). */
export async function markPaid(w: World, consultationId: string, paidAt?: Date) {
  const { onConsultationPaid } = await import('../../src/domains/consult/hooks');
  return w.prisma.$transaction((tx) => onConsultationPaid(tx, consultationId, paidAt ? { paidAt } : {}));
}

/** A consultation that is WAITING (paid), by `who` (default: a fresh owner). */
export async function waitingConsultation(w: World, over: Record<string, unknown> = {}, who?: Who & { patientId: string }) {
  const owner = who ?? (await newOwner());
  const c = await createConsultation(w, over, owner);
  await markPaid(w, c.id);
  return { ...c, owner };
}

/** …and accepted by `doctor` (default A). */
export async function inProgressConsultation(w: World, doctor: DoctorWho = w.doctor.A, over: Record<string, unknown> = {}, who?: Who & { patientId: string }) {
  const c = await waitingConsultation(w, over, who);
  const r = await api(w).post(`/workspace/consultations/${c.id}/accept`, doctor.token);
  if (r.status !== 200) throw new Error(`accept failed: ${r.status} ${JSON.stringify(r.body)}`);
  return c;
}

// ── file fixtures (real formats) ─────────────────────────────────────────────────────────────
function crc32(buf: Buffer): number {
  let c = ~0;
  for (const b of buf) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}
function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}
/** A valid 1×1 PNG, padded after IEND to `size` bytes when asked. */
export function png(size = 0): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(1, 0);
  ihdr.writeUInt32BE(1, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  const raw = Buffer.from([0, 255, 0, 0]);
  const img = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', zlib.deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
  return size > img.length ? Buffer.concat([img, Buffer.alloc(size - img.length)]) : img;
}
/** A real 8×8 JPEG (uploads are decoded and re-encoded, so a fixture must be a whole image). */
const JPEG_8X8 =
  '/9j/2wBDAAYEBQYFBAYGBQYHBwYIChAKCgkJChQODwwQFxQYGBcUFhYaHSUfGhsjHBYWICwgIyYnKSopGR8tMC0oMCUoKSj/2wBDAQcHBwoIChMKChMoGhYaKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCj/wAARCAAIAAgDASIAAhEBAxEB/8QAFQABAQAAAAAAAAAAAAAAAAAAAAb/xAAUEAEAAAAAAAAAAAAAAAAAAAAA/8QAFQEBAQAAAAAAAAAAAAAAAAAABgf/xAAUEQEAAAAAAAAAAAAAAAAAAAAA/9oADAMBAAIRAxEAPwCAAHlhf//Z';
export function jpeg(): Buffer {
  return Buffer.from(JPEG_8X8, 'base64');
}
/** Starts like a JPEG (SOI + JFIF APP0) but is noise: sniffs as JPEG, does not decode. */
export function brokenJpeg(): Buffer {
  return Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00]), randomBytes(200), Buffer.from([0xff, 0xd9])]);
}
export function heic(): Buffer {
  const ftyp = Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypheic'), Buffer.from([0, 0, 0, 0]), Buffer.from('mif1heic')]);
  return Buffer.concat([ftyp, randomBytes(100)]);
}
export function gif(): Buffer {
  return Buffer.concat([Buffer.from('GIF89a'), Buffer.from([1, 0, 1, 0, 0, 0, 0]), Buffer.from([0x3b])]);
}

export async function upload(w: World, who: Who, content: Buffer, opts: { filename?: string; contentType?: string; purpose?: string } = {}) {
  return request(w.app.callback())
    .post(`/api/v1/files?purpose=${opts.purpose ?? 'CONSULT_IMAGE'}`)
    .set(bearer(who.token))
    .attach('file', content, { filename: opts.filename ?? 'photo.png', contentType: opts.contentType ?? 'image/png' });
}

export async function uploadedImage(w: World, who: Who = w.owner): Promise<string> {
  const r = await upload(w, who, png());
  if (r.status !== 201) throw new Error(`upload failed: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.id as string;
}
