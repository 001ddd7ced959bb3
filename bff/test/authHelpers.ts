/** Users, staff accounts and sessions for the identity tests (each test makes its own rows). */
import { randomBytes } from 'node:crypto';
import { hashPassword } from '@ih/db';
import type { ClientChannel } from '@ih/contract';
import { SessionService } from '../src/domains/auth/sessions';
import type { TestApp } from './helpers';

export const uniq = (): string => randomBytes(5).toString('hex');

/** Cheap scrypt cost for test accounts (verifyPassword reads the cost from the stored hash). */
export const FAST_HASH = { N: 1024 } as const;

export function sessionsOf(t: TestApp): SessionService {
  return new SessionService({ prisma: t.prisma, config: t.config });
}

export async function createPatientUser(t: TestApp): Promise<{ id: string }> {
  return t.prisma.user.create({ data: { role: 'PATIENT', wechatOpenId: `test_openid_${uniq()}`, phoneMasked: '138****0001' }, select: { id: true } });
}

export async function signIn(t: TestApp, userId: string, channel: ClientChannel = 'WEAPP') {
  return sessionsOf(t).issueSession(userId, channel, 'jest');
}

/** A patient user with a session: {userId, access, refresh, sessionId}. */
export async function patientWithSession(t: TestApp) {
  const user = await createPatientUser(t);
  const s = await signIn(t, user.id);
  return { userId: user.id, access: s.tokens.accessToken, refresh: s.tokens.refreshToken, sessionId: s.sessionId };
}

let hospitalSeq = 0;

/** A doctor (with hospital and department) or pharmacist account with a password. */
export async function createStaff(t: TestApp, role: 'DOCTOR' | 'PHARMACIST', password: string, opts: { status?: 'ACTIVE' | 'DISABLED' } = {}) {
  const tag = uniq();
  hospitalSeq += 1;
  const hospital = await t.prisma.hospital.create({
    data: { code: `HT${tag}`, name: `测试医院${tag}`, city: '银川市', admdvs: '640100', batch: 1, goLiveDeadline: new Date('2021-12-31') },
  });
  const username = `${role.toLowerCase()}_${tag}`;
  const user = await t.prisma.user.create({
    data: { role, username, passwordHash: await hashPassword(password, FAST_HASH), status: opts.status ?? 'ACTIVE' },
    select: { id: true },
  });
  if (role === 'DOCTOR') {
    const department = await t.prisma.internetDepartment.create({ data: { hospitalId: hospital.id, code: `D${tag}`, name: '心血管内科', caty: 'A03.01' } });
    await t.prisma.doctor.create({
      data: { userId: user.id, hospitalId: hospital.id, departmentId: department.id, name: '纳红梅', title: 'CHIEF_PHYSICIAN', specialty: '高血压', internetQualified: true, realNameVerified: true },
    });
  } else {
    await t.prisma.pharmacist.create({ data: { userId: user.id, hospitalId: hospital.id, name: '郝丽', licenseNo: `L${tag}` } });
  }
  return { id: user.id, username, password, hospitalName: hospital.name };
}

export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
