/**
 * Order tests: the real mocks over HTTP (mobile-pay center with its 6302 notifier, WeChat Pay
 * linked to the center, Alipay, the national APP) on a free port, and the BFF LISTENING on its own
 * free port so the platforms' callbacks reach it (PUBLIC_BASE_URL). The run's MariaDB. Every log
 * line captured (tests prove no pay_auth_no, ID number or name reaches one).
 *
 * Fixtures make the rows other domains own (hospital, doctor, consultation, prescription,
 * insured identity, voucher authorization) directly: the voucher and consult flows have their
 * own tests; here they are the starting point.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { createPrisma, type Order } from '@ih/db';
import { maskIdNo, maskName } from '@ih/contract';
import supertest from 'supertest';
import { completeDemoKeys, demoKeyEnv } from '../../../mock/src/platforms';
import { createMockApp, type MockPlatform } from '../../../mock/src/app';
import { createMobilePayMock, mobilePayOptionsFromEnv, type MobilePayMock } from '../../../mock/src/platforms/mobile-pay';
import { insuranceCenterLink } from '../../../mock/src/platforms/mobile-pay/link';
import { wechatFamily } from '../../../mock/src/platforms/wechat/register';
import type { WechatPayState } from '../../../mock/src/platforms/wechat-pay';
import { alipayMockFromEnv, type AlipayMock } from '../../../mock/src/platforms/alipay';
import type { PayAuthIssuer } from '../../../mock/src/platforms/alipay/pay-auth';
import { nationalAppMockFromEnv, type NationalAppMock } from '../../../mock/src/platforms/national-app';
import type { FaultInput, FaultRegistry } from '../../../mock/src/faults';
import { createApp, type BffApp } from '../../src/app';
import type { Config } from '../../src/config';
import type { Db } from '../../src/deps';
import { fieldCipher } from '../../src/lib/cipher';
import { payAuthAad } from '../../src/domains/voucher';
import { orderContextFor, type OrderContext } from '../../src/domains/order/context';
import { createConsultationOrder } from '../../src/domains/order';
import { captureLogger, testConfig, type CapturedLogger } from '../helpers';
import { signIn } from '../authHelpers';

export const DEMO = {
  zhang: { name: '张建国', idNumber: '640104196803150131', psnNo: '64010000000000012301', openid: 'demo_openid_zhangjianguo', alipay: '2088102000000001', insutype: '310', admdvs: '640100' },
  li: { name: '李秀英', idNumber: '640104194508020247', psnNo: '64010000000000012302', openid: null, alipay: null, insutype: '390', admdvs: '640100' },
  wang: { name: '王丽华', idNumber: '640302197911090669', psnNo: '64030000000000045601', openid: 'demo_openid_wanglihua', alipay: '2088102000000002', insutype: '390', admdvs: '640300' },
  ma: { name: '马海燕', idNumber: '64040219720530088X', psnNo: '64040000000000032101', openid: 'demo_openid_mahaiyan', alipay: '2088102000000004', insutype: '310', admdvs: '640400' },
} as const;
export type DemoKey = keyof typeof DEMO;

/** Drugs of the seeded catalog the center mock knows (甲 / 乙). */
export const DRUGS = [
  { nationalCode: 'XC08CAK591A001010158210', name: '苯磺酸氨氯地平片', cls: 'CLASS_A' as const, priceFen: 3360 },
  { nationalCode: 'XC08CAE647A004010370777', name: '硝苯地平控释片', cls: 'CLASS_B' as const, priceFen: 3185 },
];

export interface OrderHarness {
  mockUrl: string;
  bffUrl: string;
  faults: FaultRegistry;
  mobilePay: MobilePayMock;
  wechatPay: WechatPayState;
  alipay: AlipayMock;
  nationalApp: NationalAppMock;
  issued: string[];
  app: BffApp;
  config: Config;
  prisma: Db;
  log: CapturedLogger;
  ctx: OrderContext;
  env: Record<string, string>;
  http: () => supertest.Agent;
  fault(f: FaultInput): void;
  close(): Promise<void>;
}

export async function startOrderHarness(extraEnv: Record<string, string> = {}): Promise<OrderHarness> {
  // An injected timeout holds the connection this long (the BFF gives up after PLATFORM_TIMEOUT_MS).
  process.env.MOCK_TIMEOUT_HOLD_MS ??= '2500';
  const env = { ...(demoKeyEnv(completeDemoKeys({})) as Record<string, string>), MOCK_WECHAT_PAY_NOTIFY_RETRY_MS: '200,400,800', MOCK_WECHAT_PAY_REFUND_DELAY_MS: '100', MOCK_ALIPAY_NOTIFY_RETRY_MS: '200,400', MOCK_NATIONAL_APP_NOTIFY_RETRY_MS: '200,400' };
  const issued: string[] = [];
  const mobilePay = createMobilePayMock({ ...mobilePayOptionsFromEnv(env)!, notifyRetryDelayMs: 200, notifyAttempts: 3 });
  const link = insuranceCenterLink(mobilePay.state);
  const recordingLink = { ...link, issuePayAuthNo: (psnNo: string, o: Parameters<typeof link.issuePayAuthNo>[1]) => { const g = link.issuePayAuthNo(psnNo, o); issued.push(g.payAuthNo); return g; } };
  const payAuth: PayAuthIssuer = {
    issuePayAuthNo: (psnNo, o) => {
      const g = mobilePay.state.issuePayAuthNo(psnNo, o);
      issued.push(g.payAuthNo);
      return g;
    },
    settlePayOrder: (payOrdId) => link.settlePayOrder?.(payOrdId),
    getPayOrder: (payOrdId) => link.getPayOrder?.(payOrdId),
  };
  const family = wechatFamily(env, recordingLink);
  const alipay = alipayMockFromEnv(env, payAuth)!;
  const nationalApp = nationalAppMockFromEnv(env, payAuth)!;
  const platforms: MockPlatform[] = [mobilePay, ...family.platforms, alipay, nationalApp];
  let mockUrl = '';
  const { app: mockApp, faults } = createMockApp({ platforms, publicUrl: () => mockUrl });
  const mockServer = mockApp.listen(0, '127.0.0.1');
  await new Promise<void>((r) => mockServer.once('listening', () => r()));
  mockUrl = `http://127.0.0.1:${(mockServer.address() as AddressInfo).port}`;

  let handler: http.RequestListener = (_req, res) => res.end();
  const bffServer = http.createServer((req, res) => handler(req, res));
  bffServer.listen(0, '127.0.0.1');
  await new Promise<void>((r) => bffServer.once('listening', () => r()));
  const bffUrl = `http://127.0.0.1:${(bffServer.address() as AddressInfo).port}`;

  const config = testConfig({ ...env, MOCK_BASE_URL: mockUrl, PLATFORM_TIMEOUT_MS: '1500', PUBLIC_BASE_URL: bffUrl, ...extraEnv });
  const prisma = createPrisma(config.databaseUrl);
  const log = captureLogger('debug');
  const app = createApp({ config, prisma, logger: log.logger });
  handler = app.callback();
  const ctx = orderContextFor(prisma);
  return {
    mockUrl,
    bffUrl,
    faults,
    mobilePay,
    wechatPay: family.wechatPay!.state,
    alipay,
    nationalApp,
    issued,
    app,
    config,
    prisma,
    log,
    ctx,
    env: { ...env, MOCK_BASE_URL: mockUrl },
    http: () => supertest.agent(app.callback()),
    fault: (f) => void faults.add(f),
    async close() {
      await mobilePay.notifier.idle();
      mockServer.closeAllConnections();
      bffServer.closeAllConnections();
      await Promise.all([new Promise<void>((r) => mockServer.close(() => r())), new Promise<void>((r) => bffServer.close(() => r()))]);
      await prisma.$disconnect();
    },
  };
}

export const uniq = (): string => randomBytes(5).toString('hex');

export interface World {
  hospitalId: string;
  departmentId: string;
  doctorId: string;
  diseaseId: string;
  drugIds: string[];
}

/** A live designated hospital with a department, an insurance doctor (fee ¥25), a catalog disease, two drugs. */
export async function makeWorld(h: OrderHarness, opts: { live?: boolean } = {}): Promise<World> {
  const tag = uniq();
  const hospital = await h.prisma.hospital.create({
    data: { code: `H${tag}`, name: `测试互联网医院${tag}`, city: '银川市', admdvs: '640100', batch: 1, goLiveDeadline: new Date('2021-12-31'), insuranceEnabled: opts.live !== false, live: opts.live !== false },
  });
  const department = await h.prisma.internetDepartment.create({ data: { hospitalId: hospital.id, code: `D${tag}`, name: '心血管内科', caty: 'A03.01' } });
  const doctor = await h.prisma.doctor.create({
    data: { hospitalId: hospital.id, departmentId: department.id, name: '纳红梅', title: 'CHIEF_PHYSICIAN', specialty: '高血压', internetQualified: true, realNameVerified: true, insuranceDoctorCode: `D${tag}`.slice(0, 20), consultationFeeFen: 2500 },
  });
  const disease = await h.prisma.disease.upsert({ where: { code: 'I10.x00' }, update: {}, create: { code: 'I10.x00', name: '原发性高血压', category: 'CHRONIC' } });
  const drugIds: string[] = [];
  for (const d of DRUGS) {
    const row = await h.prisma.drug.upsert({
      where: { nationalCode: d.nationalCode },
      update: {},
      create: { nationalCode: d.nationalCode, name: d.name, specification: '5mg*28片', dosageForm: '片剂', unit: '盒', manufacturer: '测试药业', priceFen: d.priceFen, insuranceClass: d.cls },
    });
    drugIds.push(row.id);
  }
  return { hospitalId: hospital.id, departmentId: department.id, doctorId: doctor.id, diseaseId: disease.id, drugIds };
}

export interface PatientUser {
  userId: string;
  patientId: string;
  person: DemoKey;
  auth: Record<string, string>;
  /** Same user, signed in through another client build. */
  authAs(channel: 'WEAPP' | 'ALIPAY' | 'H5'): Promise<Record<string, string>>;
}

/** A patient account whose SELF 就诊人 is a demo person, signed in on WeChat (by default). */
export async function patientUser(h: OrderHarness, person: DemoKey = 'zhang', channel: 'WEAPP' | 'ALIPAY' | 'H5' = 'WEAPP'): Promise<PatientUser> {
  const p = DEMO[person];
  const cipher = fieldCipher(h.config);
  if (p.openid) await h.prisma.user.updateMany({ where: { wechatOpenId: p.openid }, data: { wechatOpenId: null } });
  if (p.alipay) await h.prisma.user.updateMany({ where: { alipayUserId: p.alipay }, data: { alipayUserId: null } });
  const user = await h.prisma.user.create({ data: { role: 'PATIENT', ...(p.openid ? { wechatOpenId: p.openid } : {}), ...(p.alipay ? { alipayUserId: p.alipay } : {}) }, select: { id: true } });
  const idHash = cipher.hash(p.idNumber);
  const patient = await h.prisma.patient.create({
    data: { ownerUserId: user.id, relationship: 'SELF', nameEnc: cipher.encrypt(p.name), nameMasked: maskName(p.name), idNumberEnc: cipher.encrypt(p.idNumber), idNumberHash: idHash, idNumberMasked: maskIdNo(p.idNumber), birthDate: new Date('1968-03-15'), gender: 'MALE', isDefault: true },
  });
  const exists = await h.prisma.insuredIdentity.findUnique({ where: { psnNo: p.psnNo } });
  if (!exists) await h.prisma.insuredIdentity.create({ data: { idNumberHash: idHash, psnNo: p.psnNo, insutype: p.insutype, insuplcAdmdvs: p.admdvs, insuplcName: '银川市', voucherActivated: true, suspended: person === 'ma' } });
  const tokenFor = async (ch: 'WEAPP' | 'ALIPAY' | 'H5') => {
    const s = await signIn({ app: h.app, config: h.config, prisma: h.prisma, log: h.log }, user.id, ch);
    return { Authorization: `Bearer ${s.tokens.accessToken}` };
  };
  return { userId: user.id, patientId: patient.id, person, auth: await tokenFor(channel), authAs: tokenFor };
}

/** An e-voucher authorization as the voucher domain stores it: a fresh pay_auth_no from the center. */
export async function authorize(h: OrderHarness, u: PatientUser, purpose: 'PAYMENT' | 'REFUND' = 'PAYMENT', orderId: string | null = null): Promise<string> {
  const p = DEMO[u.person];
  const grant = h.mobilePay.state.issuePayAuthNo(p.psnNo, { channel: 'wechat' });
  h.issued.push(grant.payAuthNo);
  const cipher = fieldCipher(h.config);
  const identity = await h.prisma.insuredIdentity.findUniqueOrThrow({ where: { psnNo: p.psnNo } });
  await h.prisma.voucherAuthorization.create({
    data: { userId: u.userId, patientId: u.patientId, orderId, purpose, channel: 'WECHAT', payAuthNoEnc: cipher.encrypt(grant.payAuthNo, payAuthAad(u.userId, u.patientId)), payAuthNoHash: cipher.hash(grant.payAuthNo), insuredIdentityId: identity.id, expiresAt: new Date(grant.expiresAt) },
  });
  return grant.payAuthNo;
}

/** A consultation (PENDING_PAYMENT) and its order, as CONSULT-BFF creates them. */
export async function consultationOrder(h: OrderHarness, w: World, u: PatientUser, opts: { insured?: boolean; feeFen?: number } = {}): Promise<{ consultationId: string; orderId: string }> {
  const c = await h.prisma.consultation.create({
    data: {
      consultationNo: `C${Date.now()}${uniq()}`.slice(0, 32),
      userId: u.userId,
      patientId: u.patientId,
      doctorId: w.doctorId,
      requestedDoctorId: w.doctorId,
      hospitalId: w.hospitalId,
      departmentId: w.departmentId,
      diseaseId: w.diseaseId,
      insured: opts.insured !== false,
      descriptionEnc: fieldCipher(h.config).encrypt('头晕一周'),
      feeFen: opts.feeFen ?? 2500,
    },
  });
  const o = await createConsultationOrder(h.prisma, { consultationId: c.id });
  return { consultationId: c.id, orderId: o.orderId };
}

/** An approved prescription of a consultation (two drugs), as RX-BFF leaves it. */
export async function approvedPrescription(h: OrderHarness, w: World, u: PatientUser, consultationId: string): Promise<string> {
  const items = DRUGS.map((d, i) => ({ drugId: w.drugIds[i]!, nationalCode: d.nationalCode, drugName: d.name, specification: '5mg*28片', insuranceClass: d.cls, quantity: 2, unit: '盒', unitPriceFen: d.priceFen, amountFen: d.priceFen * 2, dosage: '每次1片', frequency: '每日一次', route: '口服', days: 28, sortOrder: i }));
  const rx = await h.prisma.prescription.create({
    data: {
      rxNo: `RX${Date.now()}${uniq()}`.slice(0, 32),
      consultationId,
      patientId: u.patientId,
      doctorId: w.doctorId,
      hospitalId: w.hospitalId,
      diagnosisCode: 'I10.x00',
      diagnosisName: '原发性高血压',
      status: 'APPROVED',
      totalFen: items.reduce((s, i) => s + i.amountFen, 0),
      signature: 'test-signature',
      approvedAt: new Date(),
      validUntil: new Date(Date.now() + 3 * 86400_000),
      items: { create: items },
    },
  });
  return rx.id;
}

export async function order(h: OrderHarness, id: string): Promise<Order> {
  return h.prisma.order.findUniqueOrThrow({ where: { id } });
}

/** Waits until the order reaches one of the states (notifies arrive asynchronously). */
export async function waitForState(h: OrderHarness, id: string, states: string[], timeoutMs = 8000): Promise<Order> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const o = await order(h, id);
    if (states.includes(o.state)) return o;
    if (Date.now() > until) throw new Error(`order ${id} stayed ${o.state} (wanted ${states.join('/')})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function events(h: OrderHarness, id: string): Promise<string[]> {
  return (await h.prisma.orderEvent.findMany({ where: { orderId: id }, orderBy: { id: 'asc' }, select: { transition: true } })).map((e) => e.transition);
}

/** Prepare (6201 + 6202) and pay on WeChat; returns the mixed order number and the launch. */
export async function prepareAndPayWechat(h: OrderHarness, u: PatientUser, orderId: string, opts: { acctUsedFlag?: boolean } = {}) {
  await authorize(h, u, 'PAYMENT', orderId);
  const prep = await h.http().post(`/api/v1/orders/${orderId}/prepare-insurance`).set(u.auth).send({ acctUsedFlag: opts.acctUsedFlag ?? false });
  if (prep.status !== 200) throw new Error(`prepare failed: ${prep.status} ${JSON.stringify(prep.body)}`);
  const pay = await h.http().post(`/api/v1/orders/${orderId}/pay`).set(u.auth).send({ channel: 'WECHAT' });
  if (pay.status !== 200) throw new Error(`pay failed: ${pay.status} ${JSON.stringify(pay.body)}`);
  return { cashier: prep.body, pay: pay.body, mixTradeNo: pay.body.launch.mixTradeNo as string };
}

/** Every secret the tests saw must be absent from the BFF's logs. */
export function assertNoSecretsInLogs(h: OrderHarness): void {
  const text = h.log.text();
  for (const no of h.issued) expect(text).not.toContain(no);
  for (const p of Object.values(DEMO)) {
    expect(text).not.toContain(p.idNumber);
    expect(text).not.toContain(p.name);
  }
}
