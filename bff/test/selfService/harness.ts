/**
 * Self-service test plumbing: the BFF listening on a real port (the agency mock posts its status
 * notifies to it), the agency mock over HTTP with stepped scripts, the seeded catalog, users with
 * 就诊人 and uploaded materials (stored_files rows as the uploads domain writes them).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type Server, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { seedSelfService } from '../../../prisma/src/seed/selfService/seedItems';
import { createAgencyMock, type AgencyMock } from '../../../mock/src/platforms/agency';
import { generateAgencyDemoKeys } from '../../../mock/src/platforms/agency/keys';
import { startMock, type RunningMock } from '../platforms/alipay-helpers';
import { makeApp, type TestApp } from '../helpers';
import { bearer, patientWithSession } from '../authHelpers';
import { fieldCipher } from '../../src/lib/cipher';
import { selfServiceParts } from '../../src/domains/selfService';

export interface Harness {
  t: TestApp;
  agency: AgencyMock;
  mock: RunningMock;
  bffUrl: string;
  close(): Promise<void>;
  /** The service the routes use (jobs are called directly in tests). */
  service: ReturnType<typeof selfServiceParts>['service'];
}

export async function startHarness(env: Record<string, string> = {}): Promise<Harness> {
  const keys = generateAgencyDemoKeys();
  const agency = createAgencyMock({ appId: 'agency_test_app', appSecret: keys.MOCK_INSURANCE_AGENCY_APP_SECRET!, defaultScript: { auto: false }, notifyRetryDelayMs: 50, notifyAttempts: 2 });
  const mock = await startMock([agency]);
  let handler: (req: IncomingMessage, res: ServerResponse) => void = (_q, s) => s.writeHead(503).end();
  const server: Server = createServer((req, res) => handler(req, res));
  server.listen(0, '127.0.0.1');
  await new Promise<void>((r) => server.once('listening', () => r()));
  const bffUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const t = makeApp({
    env: {
      PUBLIC_BASE_URL: bffUrl,
      INSURANCE_AGENCY_BASE_URL: `${mock.baseUrl}/insurance-agency`,
      INSURANCE_AGENCY_APP_ID: 'agency_test_app',
      INSURANCE_AGENCY_APP_SECRET: keys.INSURANCE_AGENCY_APP_SECRET!,
      PLATFORM_TIMEOUT_MS: '1500',
      ...env,
    },
  });
  handler = t.app.callback() as never;
  await seedSelfService(t.prisma as never);
  const { service } = selfServiceParts({ config: t.config, prisma: t.prisma, logger: t.log.logger });
  return {
    t, agency, mock, bffUrl, service,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await mock.close();
      await t.prisma.$disconnect();
    },
  };
}

/** A valid-looking resident ID number with a correct check character (region 640104, birth date given). */
export function idNumber(birth = '19800101', seq?: number): string {
  const s = String(seq ?? Math.floor(Math.random() * 900) + 100).padStart(3, '0');
  const first17 = `640104${birth}${s}`;
  const W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += W[i]! * Number(first17[i]);
  return first17 + '10X98765432'[sum % 11]!;
}

export interface PatientUser {
  userId: string;
  access: string;
  patients: Record<string, { id: string; idNumber: string; name: string }>;
}

/** A patient account with 就诊人 (key → relationship); SELF is created as the voucher would. */
export async function userWith(h: Harness, people: Record<string, { relationship: 'SELF' | 'SPOUSE' | 'PARENT' | 'CHILD' | 'OTHER'; idNumber?: string; name?: string }>): Promise<PatientUser> {
  const u = await patientWithSession(h.t);
  const cipher = fieldCipher(h.t.config);
  const patients: PatientUser['patients'] = {};
  for (const [key, p] of Object.entries(people)) {
    const id = p.idNumber ?? idNumber();
    const name = p.name ?? '张建国';
    const row = await h.t.prisma.patient.create({
      data: {
        ownerUserId: u.userId, relationship: p.relationship, nameEnc: cipher.encrypt(name), nameMasked: `${name[0]}*${name.slice(2)}`, idType: 'ID_CARD',
        idNumberEnc: cipher.encrypt(id), idNumberHash: cipher.hash(id), idNumberMasked: `${id.slice(0, 3)}***********${id.slice(-4)}`,
        birthDate: new Date(`${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`), gender: 'MALE',
      },
    });
    patients[key] = { id: row.id, idNumber: id, name };
  }
  return { userId: u.userId, access: u.access, patients };
}

/** An uploaded material as the uploads domain stores it (owner, purpose MATERIAL, not attached). */
export async function upload(h: Harness, userId: string): Promise<string> {
  const row = await h.t.prisma.storedFile.create({
    data: { ownerUserId: userId, purpose: 'MATERIAL', mime: 'image/jpeg', sizeBytes: 1024, storageKey: `test/${randomUUID()}`, keyEnc: 'test-key' },
  });
  return row.id;
}

export const key = () => randomBytes(12).toString('hex');

export function api(h: Harness) {
  const app = () => request(h.t.app.callback());
  return {
    get: (path: string, who: { access: string }) => app().get(`/api/v1${path}`).set(bearer(who.access)),
    post: (path: string, who: { access: string }, body: unknown = {}) => app().post(`/api/v1${path}`).set(bearer(who.access)).send(body as object),
  };
}

/** Today in China, +n days. */
export function day(n = 0): string {
  return new Date(Date.now() + 8 * 3_600_000 + n * 86_400_000).toISOString().slice(0, 10);
}

/** Waits until the agency has delivered every notify (and the BFF has answered them). */
export async function settle(h: Harness): Promise<void> {
  await h.agency.idle();
}

/** Steps the agency and waits for the notifies to be applied. */
export async function advance(h: Harness, agencyAppNo: string, all = false): Promise<void> {
  h.agency.advance(agencyAppNo, all);
  await settle(h);
}

export async function agencyNo(h: Harness, applicationId: string): Promise<string> {
  const row = await h.t.prisma.selfServiceApplication.findUniqueOrThrow({ where: { id: applicationId }, select: { agencyAppNo: true } });
  if (!row.agencyAppNo) throw new Error('not delivered');
  return row.agencyAppNo;
}
