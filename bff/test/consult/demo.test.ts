/**
 * The demo data works end to end for a re-visit (what `npm start` shows and the e2e walks):
 * on a freshly migrated and seeded database, the demo patient 张建国 (account u_zhang) with his
 * HIS 高血压 visit asks doctor01 (纳红梅) → pays (the order domain's hook) → doctor01, signed in
 * with the demo password, finds it in the department queue, accepts, they talk, it ends.
 */
import request from 'supertest';
import { createPrisma, createTestDatabase, seed, type TestDatabase } from '@ih/db';
import { createHisMock } from '../../../mock/src/platforms/his';
import { generateHisDemoKeys } from '../../../mock/src/platforms/his/keys';
import { startMock, type RunningMock } from '../platforms/alipay-helpers';
import { captureLogger, testConfig } from '../helpers';
import { signIn } from '../authHelpers';
import { createApp } from '../../src/app';
import { fieldCipher } from '../../src/lib/cipher';
import { onConsultationPaid } from '../../src/domains/consult/hooks';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

let db: TestDatabase;
let mock: RunningMock;
let prisma: ReturnType<typeof createPrisma>;
const dir = mkdtempSync(join(tmpdir(), 'ih-demo-files-'));
const keys = generateHisDemoKeys();

beforeAll(async () => {
  db = await createTestDatabase(process.env.IH_BFF_TEST_DATABASE_URL);
  mock = await startMock([createHisMock({ appId: 'his_test_app', appSecret: keys.MOCK_HIS_APP_SECRET! })]);
  prisma = createPrisma(db.url);
}, 60_000);
afterAll(async () => {
  await prisma?.$disconnect();
  await mock?.close();
  await db?.drop();
  rmSync(dir, { recursive: true, force: true });
});

it('demo patient → doctor01: create, pay, queue, accept, talk, end', async () => {
  const config = testConfig({ DATABASE_URL: db.url, HIS_BASE_URL: `${mock.baseUrl}/his`, HIS_APP_ID: 'his_test_app', HIS_APP_SECRET: keys.HIS_APP_SECRET! });
  await seed(prisma, fieldCipher(config));
  const app = createApp({ config, prisma, logger: captureLogger().logger, consultSettings: { files: { dir } } } as never);
  const http = () => request(app.callback());

  const user = await prisma.user.findFirstOrThrow({ where: { wechatOpenId: 'demo_openid_zhangjianguo' } });
  const patient = await prisma.patient.findFirstOrThrow({ where: { ownerUserId: user.id, relationship: 'SELF' } });
  const token = (await signIn({ prisma, config } as never, user.id)).tokens.accessToken;
  const doctor = await prisma.doctor.findFirstOrThrow({ where: { user: { username: 'doctor01' } } });

  const body = {
    patientId: patient.id,
    doctorId: doctor.id,
    offlineDiagnosis: { hospitalCode: 'H64010000001', visitNo: 'MZ-DEMO-0001', diagnosisCode: 'I10.x00' },
    description: '高血压复诊，最近血压140/90，想续开氨氯地平',
    requestKey: 'demo_request_key_0001',
  };
  let created = await http().post('/api/v1/consultations').set('Authorization', `Bearer ${token}`).send(body);
  if (created.status === 409 && created.body.code === 'CONSULTATION_SELF_PAY_NOT_CONFIRMED') {
    created = await http().post('/api/v1/consultations').set('Authorization', `Bearer ${token}`).send({ ...body, acknowledgeSelfPay: true });
  }
  expect(created.status).toBe(201);
  expect(created.body.consultation).toMatchObject({ status: 'PENDING_PAYMENT', feeFen: doctor.consultationFeeFen, doctor: { name: '纳红梅' } });
  const id = created.body.consultation.id as string;

  expect((await prisma.$transaction((tx) => onConsultationPaid(tx, id))).outcome).toBe('WAITING');

  const login = await http().post('/api/v1/auth/staff/login').send({ username: 'doctor01', password: 'Doctor@2026' });
  expect(login.status).toBe(200);
  const doc = login.body.tokens.accessToken as string;
  const q = await http().get('/api/v1/workspace/consultations?status=WAITING').set('Authorization', `Bearer ${doc}`);
  expect(q.body.items.map((i: { id: string }) => i.id)).toContain(id);
  const detail = await http().get(`/api/v1/workspace/consultations/${id}`).set('Authorization', `Bearer ${doc}`);
  expect(detail.body.offlineVisits.map((v: { visitNo: string }) => v.visitNo)).toContain('MZ-DEMO-0001');
  expect((await http().post(`/api/v1/workspace/consultations/${id}/accept`).set('Authorization', `Bearer ${doc}`)).status).toBe(200);
  expect((await http().post(`/api/v1/consultations/${id}/messages`).set('Authorization', `Bearer ${token}`).send({ kind: 'TEXT', text: '医生您好' })).status).toBe(201);
  expect((await http().post(`/api/v1/consultations/${id}/messages`).set('Authorization', `Bearer ${doc}`).send({ kind: 'TEXT', text: '您好，请继续服药' })).status).toBe(201);
  const ended = await http().post(`/api/v1/workspace/consultations/${id}/end`).set('Authorization', `Bearer ${doc}`);
  expect(ended.body.status).toBe('COMPLETED');
  await app.upgrades.close();
}, 60_000);
