/**
 * Identity on the real MariaDB: sessions (issue, refresh rotation, reuse detection, expiry,
 * sign-out, sign-out everywhere), staff sign-in (success, wrong password, unknown account,
 * lockout and unlock, disabled account), role separation.
 */
import request from 'supertest';
import { hashPassword } from '@ih/db';
import { ERROR_CATALOG } from '@ih/contract';
import { makeApp, type TestApp } from './helpers';
import { bearer, createPatientUser, createStaff, patientWithSession, sessionsOf, signIn } from './authHelpers';

let t: TestApp;
beforeAll(() => {
  t = makeApp();
});
afterAll(async () => {
  await t.prisma.$disconnect();
});

const me = (token: string) => request(t.app.callback()).get('/api/v1/auth/me').set(bearer(token));
const refresh = (refreshToken: string) => request(t.app.callback()).post('/api/v1/auth/refresh').send({ refreshToken });

describe('sessions', () => {
  it('issues opaque tokens and stores only their keyed hashes', async () => {
    const user = await createPatientUser(t);
    const issued = await signIn(t, user.id, 'ALIPAY');
    expect(issued.tokens.accessToken).toMatch(/^ih_at_[A-Za-z0-9_-]{43}$/);
    expect(issued.tokens.refreshToken).toMatch(/^ih_rt_[A-Za-z0-9_-]{43}$/);
    const accessMs = Date.parse(issued.tokens.accessExpiresAt) - Date.now();
    expect(accessMs).toBeGreaterThan(29 * 60_000);
    expect(accessMs).toBeLessThanOrEqual(30 * 60_000);
    expect(Date.parse(issued.tokens.refreshExpiresAt) - Date.now()).toBeGreaterThan(29 * 86_400_000);

    const rows = await t.prisma.$queryRawUnsafe<Record<string, unknown>[]>('SELECT * FROM sessions WHERE user_id = ?', user.id);
    expect(rows).toHaveLength(1);
    const raw = JSON.stringify(rows);
    expect(raw).not.toContain(issued.tokens.accessToken.slice(6));
    expect(raw).not.toContain(issued.tokens.refreshToken.slice(6));
    expect(rows[0]!.family_id).toBe(rows[0]!.id);
    expect(rows[0]!.id).toBe(issued.sessionId);
    expect(rows[0]!.access_token_hash).toBe(sessionsOf(t).hashToken(issued.tokens.accessToken));

    const res = await me(issued.tokens.accessToken).expect(200);
    expect(res.body).toMatchObject({ id: user.id, role: 'PATIENT', roleLabel: '患者', displayName: '138****0001', sessionId: issued.sessionId, channel: 'ALIPAY', staff: null });
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('answers 401 UNAUTHENTICATED without a token, with a malformed or an unknown one', async () => {
    const none = await request(t.app.callback()).get('/api/v1/auth/me').expect(401);
    expect(none.body.code).toBe('UNAUTHENTICATED');
    expect(none.headers['www-authenticate']).toMatch(/^Bearer/);
    expect((await me('garbage').expect(401)).body.code).toBe('UNAUTHENTICATED');
    expect((await me(`ih_at_${'A'.repeat(43)}`).expect(401)).body.code).toBe('UNAUTHENTICATED');
    // A refresh token is not an access token.
    const s = await patientWithSession(t);
    expect((await me(s.refresh).expect(401)).body.code).toBe('UNAUTHENTICATED');
  });

  it('refresh rotates the pair: the old access token expires, the new pair works', async () => {
    const s = await patientWithSession(t);
    const res = await refresh(s.refresh).expect(200);
    const next = res.body.tokens as { accessToken: string; refreshToken: string };
    expect(next.accessToken).not.toBe(s.access);
    expect(next.refreshToken).not.toBe(s.refresh);
    expect(res.headers['cache-control']).toBe('no-store');

    expect((await me(s.access).expect(401)).body.code).toBe('SESSION_EXPIRED');
    const who = await me(next.accessToken).expect(200);
    expect(who.body.sessionId).toBe(s.sessionId); // same sign-in session

    // Rotating again from the newest refresh token keeps working.
    const third = await refresh(next.refreshToken).expect(200);
    await me(third.body.tokens.accessToken).expect(200);
    const rows = await t.prisma.session.findMany({ where: { familyId: s.sessionId }, orderBy: { createdAt: 'asc' } });
    expect(rows).toHaveLength(3);
    expect(rows.filter((r) => r.rotatedAt === null)).toHaveLength(1);
  });

  it('reuse of a rotated refresh token revokes the whole family and is audited', async () => {
    const s = await patientWithSession(t);
    const other = await signIn(t, s.userId); // another device of the same user: unaffected
    const rotated = (await refresh(s.refresh).expect(200)).body.tokens as { accessToken: string; refreshToken: string };

    const reuse = await refresh(s.refresh).expect(401);
    expect(reuse.body.code).toBe('SESSION_REVOKED');
    expect((await me(rotated.accessToken).expect(401)).body.code).toBe('SESSION_REVOKED');
    expect((await refresh(rotated.refreshToken).expect(401)).body.code).toBe('SESSION_REVOKED');
    await me(other.tokens.accessToken).expect(200);

    const rows = await t.prisma.session.findMany({ where: { familyId: s.sessionId } });
    expect(rows.every((r) => r.revokedReason === 'REFRESH_REUSE' && r.revokedAt)).toBe(true);
    const audits = await t.prisma.auditLog.findMany({ where: { action: 'auth.session.refresh_reuse', targetId: s.sessionId } });
    expect(audits).toHaveLength(1);
    expect(audits[0]!.actorUserId).toBe(s.userId);
  });

  it('two refreshes racing with one token: exactly one rotation, the loser counts as reuse', async () => {
    const s = await patientWithSession(t);
    const results = await Promise.all([refresh(s.refresh), refresh(s.refresh)]);
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 401]);
    const generations = await t.prisma.session.count({ where: { familyId: s.sessionId } });
    expect(generations).toBe(2);
    expect(await t.prisma.session.count({ where: { familyId: s.sessionId, revokedAt: null } })).toBe(0);
  });

  it('an expired access token answers SESSION_EXPIRED and refresh still works; an expired refresh token does not', async () => {
    const s = await patientWithSession(t);
    await t.prisma.session.updateMany({ where: { familyId: s.sessionId }, data: { accessExpiresAt: new Date(Date.now() - 1000) } });
    expect((await me(s.access).expect(401)).body).toMatchObject({ code: 'SESSION_EXPIRED', message: ERROR_CATALOG.SESSION_EXPIRED.message });
    const next = (await refresh(s.refresh).expect(200)).body.tokens as { accessToken: string; refreshToken: string };
    await me(next.accessToken).expect(200);

    await t.prisma.session.updateMany({ where: { familyId: s.sessionId }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect((await refresh(next.refreshToken).expect(401)).body.code).toBe('SESSION_EXPIRED');
  });

  it('refresh refuses malformed and unknown tokens', async () => {
    const bad = await refresh('').expect(400);
    expect(bad.body.fields).toEqual([{ path: 'refreshToken', message: '缺少登录凭据，请重新登录' }]);
    expect((await refresh(`ih_rt_${'B'.repeat(43)}`).expect(401)).body.code).toBe('UNAUTHENTICATED');
  });

  it('sign-out ends this session at once; other sessions of the user keep working', async () => {
    const s = await patientWithSession(t);
    const other = await signIn(t, s.userId);
    const res = await request(t.app.callback()).post('/api/v1/auth/logout').set(bearer(s.access)).expect(200);
    expect(res.body).toEqual({ revokedSessions: 1 });
    expect((await me(s.access).expect(401)).body.code).toBe('SESSION_REVOKED');
    expect((await refresh(s.refresh).expect(401)).body.code).toBe('SESSION_REVOKED');
    await me(other.tokens.accessToken).expect(200);
    expect(await t.prisma.auditLog.count({ where: { action: 'auth.logout', targetId: s.sessionId } })).toBe(1);
  });

  it('sign-out everywhere ends every session of the user, not other users', async () => {
    const s = await patientWithSession(t);
    const second = await signIn(t, s.userId, 'H5');
    await refresh(second.tokens.refreshToken).expect(200); // a rotated family still counts once
    const stranger = await patientWithSession(t);
    const res = await request(t.app.callback()).post('/api/v1/auth/logout-all').set(bearer(s.access)).expect(200);
    expect(res.body).toEqual({ revokedSessions: 2 });
    expect((await me(s.access).expect(401)).body.code).toBe('SESSION_REVOKED');
    expect(await t.prisma.session.count({ where: { userId: s.userId, revokedAt: null } })).toBe(0);
    expect(await t.prisma.session.count({ where: { userId: s.userId, revokedReason: 'LOGOUT_ALL' } })).toBe(3);
    await me(stranger.access).expect(200);
  });

  it('a disabled account loses its sessions', async () => {
    const s = await patientWithSession(t);
    await t.prisma.user.update({ where: { id: s.userId }, data: { status: 'DISABLED' } });
    expect((await me(s.access).expect(403)).body.code).toBe('ACCOUNT_DISABLED');
    await t.prisma.user.update({ where: { id: s.userId }, data: { status: 'ACTIVE' } });
    expect((await me(s.access).expect(401)).body.code).toBe('SESSION_REVOKED');
  });

  it('purges sessions that can no longer be renewed', async () => {
    const s = await patientWithSession(t);
    await t.prisma.session.updateMany({ where: { familyId: s.sessionId }, data: { expiresAt: new Date(Date.now() - 8 * 86_400_000) } });
    expect(await sessionsOf(t).purgeExpired(7)).toBeGreaterThanOrEqual(1);
    expect(await t.prisma.session.count({ where: { familyId: s.sessionId } })).toBe(0);
  });
});

describe('staff sign-in', () => {
  const login = (app: TestApp, body: unknown, platform = 'h5') =>
    request(app.app.callback()).post('/api/v1/auth/staff/login').set('x-client-platform', platform).send(body as object);

  it('signs a doctor in: tokens, masked profile, audit without the username', async () => {
    const doc = await createStaff(t, 'DOCTOR', 'Doctor@2026');
    const res = await login(t, { username: doc.username, password: 'Doctor@2026' }, 'alipay').expect(200);
    expect(res.body.tokens.accessToken).toMatch(/^ih_at_/);
    expect(res.body.user).toMatchObject({
      id: doc.id, role: 'DOCTOR', roleLabel: '医生', displayName: '纳*梅 · 医生', channel: 'ALIPAY',
      staff: { nameMasked: '纳*梅', hospitalName: doc.hospitalName, departmentName: '心血管内科', title: '主任医师' },
      patient: null,
    });
    expect(JSON.stringify(res.body)).not.toContain('纳红梅');
    const row = await t.prisma.user.findUniqueOrThrow({ where: { id: doc.id } });
    expect(row.lastLoginAt).not.toBeNull();
    const session = await t.prisma.session.findUniqueOrThrow({ where: { id: res.body.user.sessionId } });
    expect(session.channel).toBe('ALIPAY');

    const audits = await t.prisma.auditLog.findMany({ where: { actorUserId: doc.id, action: 'auth.staff_login.success' } });
    expect(audits).toHaveLength(1);
    const text = JSON.stringify(audits.map((a) => ({ ...a, id: String(a.id) })));
    expect(text).not.toContain(doc.username);
    expect(text).not.toContain('Doctor@2026');
    expect(t.log.text()).not.toContain('Doctor@2026');
    expect(t.log.text()).not.toContain(res.body.tokens.accessToken);
  });

  it('signs a pharmacist in', async () => {
    const ph = await createStaff(t, 'PHARMACIST', 'Pharm@2026');
    const res = await login(t, { username: ph.username, password: 'Pharm@2026' }).expect(200);
    expect(res.body.user).toMatchObject({ role: 'PHARMACIST', staff: { nameMasked: '郝*', title: '药师' } });
  });

  it('gives one generic answer for a wrong password and for an unknown account', async () => {
    const doc = await createStaff(t, 'DOCTOR', 'Right@2026');
    const wrong = await login(t, { username: doc.username, password: 'Wrong@2026' }).expect(401);
    const unknown = await login(t, { username: `nobody_${doc.username}`, password: 'Right@2026' }).expect(401);
    expect(wrong.body.code).toBe('INVALID_CREDENTIALS');
    expect(unknown.body.code).toBe('INVALID_CREDENTIALS');
    expect(wrong.body.message).toBe(unknown.body.message);
    expect((await t.prisma.user.findUniqueOrThrow({ where: { id: doc.id } })).failedLoginCount).toBe(1);
    const failures = await t.prisma.auditLog.findMany({ where: { action: 'auth.staff_login.failure', requestId: { in: [String(wrong.headers['x-request-id']), String(unknown.headers['x-request-id'])] } } });
    expect(failures.map((f) => (f.details as { reason: string }).reason).sort()).toEqual(['bad_password', 'unknown_account']);
    expect(failures.find((f) => (f.details as { reason: string }).reason === 'unknown_account')!.actorUserId).toBeNull();
    expect(JSON.stringify(failures.map((f) => f.details))).not.toContain(doc.username);
  });

  it('spends a password hash on unknown accounts too (no fast path revealing who exists)', async () => {
    // Same cost as production hashes for a fair comparison.
    const username = `timing_${Date.now()}`;
    await t.prisma.user.create({ data: { role: 'DOCTOR', username, passwordHash: await hashPassword('Slow@2026') } });
    await login(t, { username: 'warm_up_nobody', password: 'x' }); // the dummy hash is computed once
    const time = async (body: object) => {
      const start = process.hrtime.bigint();
      await login(t, body).expect(401);
      return Number(process.hrtime.bigint() - start) / 1e6;
    };
    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 3; i++) {
      known.push(await time({ username, password: `Wrong${i}` }));
      unknown.push(await time({ username: `nobody_${i}_${username}`, password: 'Wrong' }));
    }
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[1]!;
    expect(median(unknown)).toBeGreaterThan(median(known) * 0.5);
  });

  it('refuses a patient account on the staff sign-in', async () => {
    const username = `patient_${Date.now()}`;
    await t.prisma.user.create({ data: { role: 'PATIENT', username, passwordHash: await hashPassword('Pat@2026', { N: 1024 }) } });
    expect((await login(t, { username, password: 'Pat@2026' }).expect(401)).body.code).toBe('INVALID_CREDENTIALS');
  });

  it('validates the form with Chinese field messages', async () => {
    const res = await login(t, { username: '  ', password: '' }).expect(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    expect(res.body.fields).toEqual([
      { path: 'username', message: '请输入账号' },
      { path: 'password', message: '请输入密码' },
    ]);
  });

  it('locks the account after the configured failures, whatever the password, and unlocks after the window', async () => {
    const app = makeApp({ env: { STAFF_LOGIN_MAX_FAILURES: '3', STAFF_LOCKOUT_MINUTES: '20' } });
    try {
      const doc = await createStaff(app, 'DOCTOR', 'Right@2026');
      const bad = { username: doc.username, password: 'Wrong@2026' };
      expect((await login(app, bad).expect(401)).body.code).toBe('INVALID_CREDENTIALS');
      expect((await login(app, bad).expect(401)).body.code).toBe('INVALID_CREDENTIALS');
      const locked = await login(app, bad).expect(423);
      expect(locked.body).toMatchObject({ code: 'ACCOUNT_LOCKED', message: ERROR_CATALOG.ACCOUNT_LOCKED.message });
      const retryAfter = Number(locked.headers['retry-after']);
      expect(retryAfter).toBeGreaterThan(19 * 60);
      expect(retryAfter).toBeLessThanOrEqual(20 * 60);

      // The right password does not help while locked.
      expect((await login(app, { username: doc.username, password: 'Right@2026' }).expect(423)).body.code).toBe('ACCOUNT_LOCKED');
      expect(await app.prisma.auditLog.count({ where: { actorUserId: doc.id, action: 'auth.staff_login.lockout' } })).toBe(1);
      expect(await app.prisma.auditLog.count({ where: { actorUserId: doc.id, action: 'auth.staff_login.locked' } })).toBe(1);

      // The window passes: the lock ends by itself; a wrong password starts counting from 1 again.
      await app.prisma.user.update({ where: { id: doc.id }, data: { lockedUntil: new Date(Date.now() - 1000) } });
      expect((await login(app, bad).expect(401)).body.code).toBe('INVALID_CREDENTIALS');
      let row = await app.prisma.user.findUniqueOrThrow({ where: { id: doc.id } });
      expect(row.failedLoginCount).toBe(1);
      expect(row.lockedUntil).toBeNull();

      await login(app, { username: doc.username, password: 'Right@2026' }).expect(200);
      row = await app.prisma.user.findUniqueOrThrow({ where: { id: doc.id } });
      expect(row.failedLoginCount).toBe(0);
      expect(row.lockedUntil).toBeNull();
    } finally {
      await app.prisma.$disconnect();
    }
  });

  it('takes the lockout policy from the settings table when present', async () => {
    await t.prisma.setting.upsert({ where: { key: 'staff_login_max_failures' }, create: { key: 'staff_login_max_failures', value: 1 }, update: { value: 1 } });
    try {
      const doc = await createStaff(t, 'PHARMACIST', 'Right@2026');
      expect((await login(t, { username: doc.username, password: 'nope' }).expect(423)).body.code).toBe('ACCOUNT_LOCKED');
    } finally {
      await t.prisma.setting.delete({ where: { key: 'staff_login_max_failures' } });
    }
  });

  it('tells a disabled account so only with the right password', async () => {
    const doc = await createStaff(t, 'DOCTOR', 'Right@2026', { status: 'DISABLED' });
    expect((await login(t, { username: doc.username, password: 'Wrong' }).expect(401)).body.code).toBe('INVALID_CREDENTIALS');
    expect((await login(t, { username: doc.username, password: 'Right@2026' }).expect(403)).body.code).toBe('ACCOUNT_DISABLED');
    expect(await t.prisma.session.count({ where: { userId: doc.id } })).toBe(0);
  });
});

describe('role separation', () => {
  it('staff reach the staff profile; patients get 403; nobody without a token', async () => {
    const doc = await createStaff(t, 'DOCTOR', 'Right@2026');
    const staff = await signIn(t, doc.id, 'H5');
    const profile = await request(t.app.callback()).get('/api/v1/auth/staff/profile').set(bearer(staff.tokens.accessToken)).expect(200);
    expect(profile.body).toMatchObject({ role: 'DOCTOR', doctor: { nameMasked: '纳*梅', active: true, internetQualified: true } });

    const patient = await patientWithSession(t);
    const denied = await request(t.app.callback()).get('/api/v1/auth/staff/profile').set(bearer(patient.access)).expect(403);
    expect(denied.body.code).toBe('FORBIDDEN');
    expect((await request(t.app.callback()).get('/api/v1/auth/staff/profile').expect(401)).body.code).toBe('UNAUTHENTICATED');
  });

  it('staff never reach patient-only routes', async () => {
    const ph = await createStaff(t, 'PHARMACIST', 'Right@2026');
    const staff = await signIn(t, ph.id, 'H5');
    const api = request(t.app.callback());
    expect((await api.get('/api/v1/patients').set(bearer(staff.tokens.accessToken)).expect(403)).body.code).toBe('FORBIDDEN');
    await api.post('/api/v1/patients').set(bearer(staff.tokens.accessToken)).send({}).expect(403);
    await api.delete('/api/v1/patients/00000000-0000-0000-0000-000000000000').set(bearer(staff.tokens.accessToken)).expect(403);
    expect((await api.get('/api/v1/patients').expect(401)).body.code).toBe('UNAUTHENTICATED');
  });
});
