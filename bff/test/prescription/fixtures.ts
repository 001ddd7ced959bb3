/**
 * A small world for the prescription tests, made fresh per file with a random tag: two hospitals
 * (A with two departments, B), doctors (A1 serving, A1b same department, A2 other department),
 * pharmacists (A, B), two patient accounts, diseases (chronic payable, common, not payable, disabled)
 * and drugs (甲类, 乙类, 丙类 self-pay, flagged unfit for internet, disabled). Consultations are put
 * straight into the wanted state (accepting is CONSULT-BFF's job).
 */
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { fieldCipher } from '../../src/lib/cipher';
import type { TestApp } from '../helpers';
import { signIn } from '../authHelpers';

export const tag = () => randomBytes(4).toString('hex').toUpperCase();

export interface Person {
  userId: string;
  token: string;
}
export interface DoctorP extends Person {
  doctorId: string;
}
export interface PharmP extends Person {
  pharmacistId: string;
}

export interface World {
  tag: string;
  hospitalA: string;
  hospitalB: string;
  deptA1: string;
  deptA2: string;
  doctorA1: DoctorP;
  doctorA1b: DoctorP;
  doctorA2: DoctorP;
  pharmA: PharmP;
  pharmB: PharmP;
  patientUser: Person & { patientId: string };
  otherUser: Person & { patientId: string };
  disease: { chronic: string; common: string; notPayable: string; disabled: string };
  drug: { a: string; b: string; selfPay: string; unfit: string; disabled: string };
  price: { a: number; b: number; selfPay: number };
}

async function staffUser(t: TestApp, role: 'DOCTOR' | 'PHARMACIST', name: string): Promise<Person> {
  const u = await t.prisma.user.create({ data: { role, username: `${role.toLowerCase()}_${name}_${tag()}` }, select: { id: true } });
  const s = await signIn(t, u.id);
  return { userId: u.id, token: s.tokens.accessToken };
}

async function patientUser(t: TestApp): Promise<Person & { patientId: string }> {
  const cipher = fieldCipher(t.config);
  const u = await t.prisma.user.create({ data: { role: 'PATIENT', wechatOpenId: `rx_${tag()}` }, select: { id: true } });
  const idNo = `64010419800101${String(Math.floor(Math.random() * 10000)).padStart(4, '0')}`;
  const p = await t.prisma.patient.create({
    data: {
      ownerUserId: u.id,
      relationship: 'SELF',
      nameEnc: cipher.encrypt('张建国'),
      nameMasked: '张*国',
      idNumberEnc: cipher.encrypt(idNo),
      idNumberHash: cipher.hash(idNo),
      idNumberMasked: '6401**********0131',
      birthDate: new Date('1980-01-01T00:00:00Z'),
      gender: 'MALE',
    },
    select: { id: true },
  });
  const s = await signIn(t, u.id);
  return { userId: u.id, token: s.tokens.accessToken, patientId: p.id };
}

export async function makeWorld(t: TestApp): Promise<World> {
  const T = tag();
  const p = t.prisma;
  const hA = await p.hospital.create({ data: { code: `HRA${T}`, name: `处方测试A${T}`, city: '铜川市', admdvs: '610200', batch: 1, goLiveDeadline: new Date('2021-12-31'), live: true, insuranceEnabled: true } });
  const hB = await p.hospital.create({ data: { code: `HRB${T}`, name: `处方测试B${T}`, city: '铜川市', admdvs: '610200', batch: 1, goLiveDeadline: new Date('2021-12-31'), live: true, insuranceEnabled: true } });
  const dA1 = await p.internetDepartment.create({ data: { hospitalId: hA.id, code: `C${T}`, name: '心血管内科', caty: 'A03.04' } });
  const dA2 = await p.internetDepartment.create({ data: { hospitalId: hA.id, code: `E${T}`, name: '内分泌科', caty: 'A03.06' } });

  const doctor = async (departmentId: string, name: string, extra: { insuranceDoctorCode?: string | null } = {}): Promise<DoctorP> => {
    const u = await staffUser(t, 'DOCTOR', name);
    const d = await p.doctor.create({
      data: {
        userId: u.userId,
        hospitalId: hA.id,
        departmentId,
        name,
        title: 'ATTENDING_PHYSICIAN',
        specialty: '高血压',
        realNameVerified: true,
        internetQualified: true,
        insuranceDoctorCode: extra.insuranceDoctorCode === undefined ? `D${tag()}` : extra.insuranceDoctorCode,
        practiceCertNo: `1${tag()}${tag()}`.slice(0, 15),
      },
      select: { id: true },
    });
    return { ...u, doctorId: d.id };
  };
  const pharm = async (hospitalId: string, name: string): Promise<PharmP> => {
    const u = await staffUser(t, 'PHARMACIST', name);
    const ph = await p.pharmacist.create({ data: { userId: u.userId, hospitalId, name, licenseNo: `L${tag()}`, internetQualified: true }, select: { id: true } });
    return { ...u, pharmacistId: ph.id };
  };

  const disease = (code: string, name: string, category: 'CHRONIC' | 'COMMON', payableOnline = true, enabled = true) =>
    p.disease.create({ data: { code: `${code}.${T}`, name, category, payableOnline, enabled }, select: { id: true } });
  const drug = (key: string, name: string, priceFen: number, insuranceClass: 'CLASS_A' | 'CLASS_B' | 'SELF_PAY', opts: { unfit?: boolean; enabled?: boolean } = {}) =>
    p.drug.create({
      data: {
        nationalCode: `X${key}${T}`,
        name,
        specification: '5mg*28片',
        dosageForm: '片剂',
        unit: '盒',
        manufacturer: '测试药业',
        priceFen,
        insuranceClass,
        unfitForInternet: opts.unfit ?? false,
        enabled: opts.enabled ?? true,
      },
      select: { id: true },
    });

  const world: World = {
    tag: T,
    hospitalA: hA.id,
    hospitalB: hB.id,
    deptA1: dA1.id,
    deptA2: dA2.id,
    doctorA1: await doctor(dA1.id, '纳红梅'),
    doctorA1b: await doctor(dA1.id, '马文'),
    doctorA2: await doctor(dA2.id, '李强'),
    pharmA: await pharm(hA.id, '郝丽'),
    pharmB: await pharm(hB.id, '王芳'),
    patientUser: await patientUser(t),
    otherUser: await patientUser(t),
    disease: {
      chronic: (await disease('I10', '原发性高血压', 'CHRONIC')).id,
      common: (await disease('J06', '急性上呼吸道感染', 'COMMON')).id,
      notPayable: (await disease('K29', '慢性胃炎', 'CHRONIC', false)).id,
      disabled: (await disease('E11', '2型糖尿病', 'CHRONIC', true, false)).id,
    },
    drug: {
      a: (await drug('A', '苯磺酸氨氯地平片', 2850, 'CLASS_A')).id,
      b: (await drug('B', '缬沙坦胶囊', 3560, 'CLASS_B')).id,
      selfPay: (await drug('S', '复合维生素片', 4800, 'SELF_PAY')).id,
      unfit: (await drug('U', '盐酸哌替啶注射液', 1200, 'CLASS_A', { unfit: true })).id,
      disabled: (await drug('D', '停用药品', 1000, 'CLASS_A', { enabled: false })).id,
    },
    price: { a: 2850, b: 3560, selfPay: 4800 },
  };
  return world;
}

let consultSeq = 0;

/** A consultation of `patient` with `doctor` in the given state (accepted unless WAITING). */
export async function makeConsultation(
  t: TestApp,
  w: World,
  opts: { doctor?: DoctorP; patient?: Person & { patientId: string }; status?: 'WAITING' | 'IN_PROGRESS' | 'COMPLETED' | 'CANCELLED'; insured?: boolean; departmentId?: string } = {},
): Promise<string> {
  const doctor = opts.doctor ?? w.doctorA1;
  const patient = opts.patient ?? w.patientUser;
  const status = opts.status ?? 'IN_PROGRESS';
  consultSeq += 1;
  const c = await t.prisma.consultation.create({
    data: {
      consultationNo: `CT${w.tag}${String(consultSeq).padStart(4, '0')}${tag().slice(0, 4)}`,
      userId: patient.userId,
      patientId: patient.patientId,
      doctorId: doctor.doctorId,
      requestedDoctorId: doctor.doctorId,
      hospitalId: w.hospitalA,
      departmentId: opts.departmentId ?? w.deptA1,
      diseaseId: w.disease.chronic,
      status,
      insured: opts.insured ?? true,
      descriptionEnc: fieldCipher(t.config).encrypt('血压控制平稳，继续用药'),
      feeFen: 1000,
      paidAt: new Date(),
      acceptedAt: status === 'WAITING' ? null : new Date(),
    },
    select: { id: true },
  });
  return c.id;
}

export const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

export function api(t: TestApp) {
  const agent = () => request(t.app.callback());
  return {
    get: (path: string, token: string, query: Record<string, string | number> = {}) => agent().get(`/api/v1${path}`).query(query).set(auth(token)),
    post: (path: string, token: string, body: object = {}) => agent().post(`/api/v1${path}`).set(auth(token)).send(body),
    put: (path: string, token: string, body: object = {}) => agent().put(`/api/v1${path}`).set(auth(token)).send(body),
    del: (path: string, token: string) => agent().delete(`/api/v1${path}`).set(auth(token)),
  };
}

export const item = (drugId: string, over: Partial<{ dosage: string; frequency: string; route: string; days: number; quantity: number }> = {}) => ({
  drugId,
  dosage: '每次1片',
  frequency: '每日一次',
  route: '口服',
  days: 28,
  quantity: 1,
  ...over,
});

/** Diagnose (chronic by default) and create a draft; returns the draft's id. */
export async function diagnoseAndDraft(t: TestApp, w: World, consultationId: string, items = [item(w.drug.a, { quantity: 2 })], doctor: DoctorP = w.doctorA1, diseaseId = w.disease.chronic) {
  const a = api(t);
  const d = await a.put(`/workspace/consultations/${consultationId}/diagnosis`, doctor.token, { diseaseId });
  if (d.status !== 200) throw new Error(`diagnose: ${d.status} ${JSON.stringify(d.body)}`);
  const r = await a.post(`/workspace/consultations/${consultationId}/prescriptions`, doctor.token, { items });
  if (r.status !== 201) throw new Error(`draft: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.id as string;
}

/** Draft → signed, submitted → approved by pharmacist A; returns the prescription id. */
export async function approvedPrescription(t: TestApp, w: World, consultationId?: string, items?: ReturnType<typeof item>[]) {
  const cid = consultationId ?? (await makeConsultation(t, w));
  const id = await diagnoseAndDraft(t, w, cid, items);
  const a = api(t);
  const s = await a.post(`/workspace/prescriptions/${id}/sign-and-submit`, w.doctorA1.token);
  if (s.status !== 200) throw new Error(`submit: ${s.status} ${JSON.stringify(s.body)}`);
  const ap = await a.post(`/workspace/prescriptions/${id}/approve`, w.pharmA.token, { comment: '用药合理' });
  if (ap.status !== 200) throw new Error(`approve: ${ap.status} ${JSON.stringify(ap.body)}`);
  return { id, consultationId: cid };
}
