/**
 * Channel sign-in and e-voucher tests: the real mocks over HTTP (started in-process on a free
 * port, wired like allPlatforms() but with handles on each mock's state), the BFF app with the
 * demo keys pointing at them, the run's MariaDB, and every log line the BFF writes captured.
 * Every pay_auth_no the mocks issue is recorded so the tests can prove none reaches a log line.
 */
import { createPrisma } from '@ih/db';
import supertest from 'supertest';
import { completeDemoKeys, demoKeyEnv } from '../../../mock/src/platforms';
import { createMockApp, type MockPlatform } from '../../../mock/src/app';
import { createMobilePayMock, mobilePayOptionsFromEnv, type MobilePayMock } from '../../../mock/src/platforms/mobile-pay';
import { insuranceCenterLink } from '../../../mock/src/platforms/mobile-pay/link';
import { wechatFamily } from '../../../mock/src/platforms/wechat/register';
import type { WechatState } from '../../../mock/src/platforms/wechat';
import { alipayMockFromEnv, type AlipayMock } from '../../../mock/src/platforms/alipay';
import type { PayAuthIssuer } from '../../../mock/src/platforms/alipay/pay-auth';
import { nationalAppMockFromEnv, type NationalAppMock } from '../../../mock/src/platforms/national-app';
import type { FaultRegistry } from '../../../mock/src/faults';
import type { AddressInfo } from 'node:net';
import { createApp, type BffApp } from '../../src/app';
import type { Config } from '../../src/config';
import type { Db } from '../../src/deps';
import { captureLogger, testConfig, type CapturedLogger } from '../helpers';
import { signIn } from '../authHelpers';

/** The demo people (prisma/src/seed/data/demo.json). */
export const DEMO = {
  zhang: { key: 'zhang', name: '张建国', idNumber: '640104196803150131', psnNo: '64010000000000012301', openid: 'demo_openid_zhangjianguo', alipay: '2088102000000001' },
  li: { key: 'li', name: '李秀英', idNumber: '640104194508020247', psnNo: '64010000000000012302' },
  zhangzh: { key: 'zhangzh', name: '张子涵', idNumber: '640106201506180429', psnNo: '64010000000000012303' },
  wang: { key: 'wang', name: '王丽华', idNumber: '640302197911090669', psnNo: '64030000000000045601', openid: 'demo_openid_wanglihua', alipay: '2088102000000002' },
  liu: { key: 'liu', name: '刘志强', idNumber: '640202198501270172', psnNo: '64020000000000078901', openid: 'demo_openid_liuzhiqiang', alipay: '2088102000000003' },
  ma: { key: 'ma', name: '马海燕', idNumber: '64040219720530088X', psnNo: '64040000000000032101', openid: 'demo_openid_mahaiyan', alipay: '2088102000000004' },
} as const;
export type DemoKey = keyof typeof DEMO;

export const PUBLIC_BASE_URL = 'http://h5.test.local';

export interface Harness {
  baseUrl: string;
  faults: FaultRegistry;
  mobilePay: MobilePayMock;
  wechat: WechatState;
  alipay: AlipayMock;
  nationalApp: NationalAppMock;
  /** Every pay_auth_no the mocks issued during the run. */
  issued: string[];
  app: BffApp;
  config: Config;
  prisma: Db;
  log: CapturedLogger;
  http: () => supertest.Agent;
  close(): Promise<void>;
}

export async function startHarness(): Promise<Harness> {
  const env = demoKeyEnv(completeDemoKeys({})) as NodeJS.ProcessEnv;
  const issued: string[] = [];
  const mobilePay = createMobilePayMock(mobilePayOptionsFromEnv(env)!);
  const centerLink = insuranceCenterLink(mobilePay.state);
  const recordingLink = {
    ...centerLink,
    issuePayAuthNo: (psnNo: string, opts: Parameters<typeof centerLink.issuePayAuthNo>[1]) => {
      const g = centerLink.issuePayAuthNo(psnNo, opts);
      issued.push(g.payAuthNo);
      return g;
    },
  };
  const payAuth: PayAuthIssuer = {
    issuePayAuthNo: (psnNo, o) => {
      const g = mobilePay.state.issuePayAuthNo(psnNo, o);
      issued.push(g.payAuthNo);
      return g;
    },
  };
  const family = wechatFamily(env, recordingLink);
  const alipay = alipayMockFromEnv(env, payAuth)!;
  const nationalApp = nationalAppMockFromEnv(env, payAuth)!;
  const platforms: MockPlatform[] = [mobilePay, ...family.platforms, alipay, nationalApp];

  let baseUrl = '';
  const { app: mockApp, faults } = createMockApp({ platforms, publicUrl: () => baseUrl });
  const server = mockApp.listen(0, '127.0.0.1');
  await new Promise<void>((r) => server.once('listening', () => r()));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const config = testConfig({
    ...(env as Record<string, string>),
    MOCK_BASE_URL: baseUrl,
    PLATFORM_TIMEOUT_MS: '5000',
    PUBLIC_BASE_URL,
  });
  const prisma = createPrisma(config.databaseUrl);
  const log = captureLogger('debug');
  const app = createApp({ config, prisma, logger: log.logger });
  const callback = app.callback();
  return {
    baseUrl,
    faults,
    mobilePay,
    wechat: family.wechat.state,
    alipay,
    nationalApp,
    issued,
    app,
    config,
    prisma,
    log,
    http: () => supertest.agent(callback),
    async close() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await prisma.$disconnect();
    },
  };
}

/** A patient account for a demo person's channel identities (unique per test: ids are taken from the person). */
export async function patientAccount(h: Harness, keys: { wechatOpenId?: string; alipayUserId?: string } = {}) {
  // Channel ids are unique per account: release them from accounts of earlier tests first.
  if (keys.wechatOpenId) await h.prisma.user.updateMany({ where: { wechatOpenId: keys.wechatOpenId }, data: { wechatOpenId: null } });
  if (keys.alipayUserId) await h.prisma.user.updateMany({ where: { alipayUserId: keys.alipayUserId }, data: { alipayUserId: null } });
  const user = await h.prisma.user.create({ data: { role: 'PATIENT', ...keys }, select: { id: true } });
  const s = await signIn({ app: h.app, config: h.config, prisma: h.prisma, log: h.log }, user.id, keys.alipayUserId ? 'ALIPAY' : keys.wechatOpenId ? 'WEAPP' : 'H5');
  return { userId: user.id, token: s.tokens.accessToken, auth: { Authorization: `Bearer ${s.tokens.accessToken}` } };
}

/** Adds a demo person as a 就诊人 of the user through the API (as a family member, or typed SELF is refused: use relationship OTHER etc.). */
export async function addPatient(h: Harness, auth: Record<string, string>, person: DemoKey, relationship: 'SPOUSE' | 'PARENT' | 'CHILD' | 'OTHER' = 'OTHER'): Promise<string> {
  const p = DEMO[person];
  const res = await h
    .http()
    .post('/api/v1/patients')
    .set(auth)
    .send({ relationship, name: p.name, idType: 'ID_CARD', idNumber: p.idNumber, phone: '13900000000' });
  if (res.status !== 201 && res.status !== 200) throw new Error(`adding ${person} failed: ${res.status} ${JSON.stringify(res.body)}`);
  return (res.body as { id: string }).id;
}

/** The mobile-pay center's view of a demo person (flags can be changed for a test). */
export function centerPerson(h: Harness, key: DemoKey) {
  const p = h.mobilePay.state.persons.get(DEMO[key].psnNo);
  if (!p) throw new Error(`no center person ${key}`);
  return p;
}

/** Every secret the tests saw: issued pay_auth_no and the demo ID numbers. */
export function assertNoSecretsInLogs(h: Harness): void {
  const text = h.log.text();
  expect(h.log.lines.length).toBeGreaterThan(0);
  for (const no of h.issued) expect(text).not.toContain(no);
  for (const p of Object.values(DEMO)) {
    expect(text).not.toContain(p.idNumber);
    expect(text.toUpperCase()).not.toContain(p.idNumber.toUpperCase());
    expect(text).not.toContain(p.name);
  }
}
