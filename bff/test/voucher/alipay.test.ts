/**
 * Alipay: sign-in (my.getAuthCode → alipay.system.oauth.token → session) and the e-voucher
 * authorization (authCode with auth_user + nhsamp → authinfo query; pending → Alipay's page →
 * resume), against the mocks over HTTP (the user's choice on the page is posted to the mock page).
 */
import { randomBytes } from 'node:crypto';
import supertest from 'supertest';
import { assertNoSecretsInLogs, addPatient, DEMO, patientAccount, startHarness, type Harness } from './harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

const alipayId = () => `2088${String(randomBytes(6).readUIntBE(0, 6)).padStart(12, '0').slice(0, 12)}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The user on Alipay's authorization page: agree (for `person`) or cancel. */
async function onAlipayPage(authUrl: string, action: 'agree' | 'cancel', person?: string) {
  const url = new URL(authUrl);
  const page = await supertest(url.origin).get(`${url.pathname}${url.search}`);
  expect(page.status).toBe(200);
  expect(page.text).toContain('医保电子凭证');
  const res = await supertest(url.origin)
    .post(url.pathname)
    .type('form')
    .send({ ticket: url.searchParams.get('ticket')!, action, ...(person ? { person } : {}) });
  expect(res.status).toBe(200);
  return res.text;
}

describe('Alipay sign-in', () => {
  it('creates the account by Alipay user id, finds it again', async () => {
    const id = alipayId();
    const first = await h.http().post('/api/v1/auth/alipay/login').send({ authCode: h.alipay.mintAuthCode(id).authCode });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ isNewUser: true, user: { role: 'PATIENT', channel: 'ALIPAY' } });
    const second = await h.http().post('/api/v1/auth/alipay/login').send({ authCode: h.alipay.mintAuthCode(id).authCode });
    expect(second.body).toMatchObject({ isNewUser: false, user: { id: first.body.user.id } });
    expect(await h.prisma.user.count({ where: { alipayUserId: id } })).toBe(1);
  });

  it('refuses reused and expired codes with LOGIN_CODE_EXPIRED (Alipay answers isv.code-invalid for both)', async () => {
    const { authCode } = h.alipay.mintAuthCode(alipayId());
    expect((await h.http().post('/api/v1/auth/alipay/login').send({ authCode })).status).toBe(200);
    const reused = await h.http().post('/api/v1/auth/alipay/login').send({ authCode });
    expect(reused.status).toBe(401);
    expect(reused.body).toMatchObject({ code: 'LOGIN_CODE_EXPIRED', message: '登录凭证无效或已过期，请重新登录' });

    const id = alipayId();
    const stale = h.alipay.mintAuthCode(id, ['auth_user'], 1);
    await sleep(10);
    const expired = await h.http().post('/api/v1/auth/alipay/login').send({ authCode: stale.authCode });
    expect(expired.status).toBe(401);
    expect(expired.body.code).toBe('LOGIN_CODE_EXPIRED');
    expect(await h.prisma.user.count({ where: { alipayUserId: id } })).toBe(0);
  });
});

describe('Alipay e-voucher authorization', () => {
  const start = (auth: Record<string, string>, userId: string, extra: Record<string, unknown> = {}) =>
    h.http().post('/api/v1/voucher/alipay').set(auth).send({ authCode: h.alipay.mintAuthCode(userId).authCode, purpose: 'PAYMENT', ...extra });

  it('pending → the user agrees on Alipay’s page → resume: authorized, SELF from the voucher; the attempt works once', async () => {
    const a = await patientAccount(h, { alipayUserId: DEMO.wang.alipay });
    const pending = await start(a.auth, DEMO.wang.alipay);
    expect(pending.status).toBe(200);
    expect(pending.body).toMatchObject({ status: 'pending', authUrl: expect.stringContaining('/alipay/medical/authorize?ticket=') });
    expect(pending.body.attemptId).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await h.prisma.authFlow.count({ where: { userId: a.userId, kind: 'ALIPAY_VOUCHER' } })).toBe(1);
    // The access token is kept encrypted with the attempt, never in clear.
    const flow = await h.prisma.authFlow.findFirst({ where: { userId: a.userId, kind: 'ALIPAY_VOUCHER' } });
    expect(flow!.dataEnc).not.toMatch(/authusr/);

    expect(await onAlipayPage(pending.body.authUrl, 'agree', 'wang')).toContain('授权成功');
    const done = await h.http().post('/api/v1/voucher/alipay/resume').set(a.auth).send({ attemptId: pending.body.attemptId });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({
      status: 'authorized',
      channel: 'ALIPAY',
      identity: { relationship: 'SELF', nameMasked: '王*华' },
      insured: { insutype: '390', insutypeLabel: '城乡居民医保', insuplcAdmdvs: '640300', insuplcName: '吴忠市' },
      family: null,
    });
    const payAuthNo = h.issued[h.issued.length - 1]!;
    expect(done.text).not.toContain(payAuthNo);
    expect(await h.prisma.voucherAuthorization.count({ where: { userId: a.userId, channel: 'ALIPAY' } })).toBe(1);

    const again = await h.http().post('/api/v1/voucher/alipay/resume').set(a.auth).send({ attemptId: pending.body.attemptId });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('AUTH_STATE_USED');
  });

  it('another user cannot resume the attempt', async () => {
    const a = await patientAccount(h, { alipayUserId: DEMO.wang.alipay });
    const pending = await start(a.auth, DEMO.wang.alipay);
    const other = await patientAccount(h, { alipayUserId: alipayId() });
    const res = await h.http().post('/api/v1/voucher/alipay/resume').set(other.auth).send({ attemptId: pending.body.attemptId });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('AUTH_STATE_INVALID');
    // Still usable by its owner.
    await onAlipayPage(pending.body.authUrl, 'agree', 'wang');
    expect((await h.http().post('/api/v1/voucher/alipay/resume').set(a.auth).send({ attemptId: pending.body.attemptId })).body.status).toBe('authorized');
  });

  it('cancel on Alipay’s page (or no authCode at all) → cancelled, nothing stored', async () => {
    const a = await patientAccount(h, { alipayUserId: DEMO.wang.alipay });
    const pending = await start(a.auth, DEMO.wang.alipay);
    expect(await onAlipayPage(pending.body.authUrl, 'cancel')).toContain('已取消授权');
    const res = await h.http().post('/api/v1/voucher/alipay/resume').set(a.auth).send({ attemptId: pending.body.attemptId });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'cancelled', message: expect.stringContaining('未扣费') });
    const none = await h.http().post('/api/v1/voucher/alipay').set(a.auth).send({ purpose: 'PAYMENT' });
    expect(none.body.status).toBe('cancelled');
    expect(await h.prisma.voucherAuthorization.count({ where: { userId: a.userId } })).toBe(0);
  });

  it('a voucher that is not activated → INSURANCE_VOUCHER_NOT_ACTIVATED before any page', async () => {
    const a = await patientAccount(h, { alipayUserId: DEMO.liu.alipay });
    const res = await start(a.auth, DEMO.liu.alipay);
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('INSURANCE_VOUCHER_NOT_ACTIVATED');
    expect(await h.prisma.authFlow.count({ where: { userId: a.userId } })).toBe(0);
  });

  it('a suspended person → INSURANCE_PAY_SUSPENDED after the page, nothing stored', async () => {
    const a = await patientAccount(h, { alipayUserId: DEMO.ma.alipay });
    const pending = await start(a.auth, DEMO.ma.alipay);
    await onAlipayPage(pending.body.authUrl, 'agree', 'ma');
    const res = await h.http().post('/api/v1/voucher/alipay/resume').set(a.auth).send({ attemptId: pending.body.attemptId });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('INSURANCE_PAY_SUSPENDED');
    expect(await h.prisma.voucherAuthorization.count({ where: { userId: a.userId } })).toBe(0);
  });

  it("own voucher for a family member's order is refused; a family authorization for that member is allowed with the authorizer", async () => {
    const a = await patientAccount(h, { alipayUserId: DEMO.zhang.alipay });
    const mother = await addPatient(h, a.auth, 'li', 'PARENT');

    const mine = await start(a.auth, DEMO.zhang.alipay, { patientId: mother });
    await onAlipayPage(mine.body.authUrl, 'agree', 'zhang');
    const refused = await h.http().post('/api/v1/voucher/alipay/resume').set(a.auth).send({ attemptId: mine.body.attemptId });
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('INSURANCE_IDENTITY_MISMATCH');
    expect(await h.prisma.voucherAuthorization.count({ where: { userId: a.userId } })).toBe(0);

    const fam = await start(a.auth, DEMO.zhang.alipay, { patientId: mother });
    await onAlipayPage(fam.body.authUrl, 'agree', 'li');
    const ok = await h.http().post('/api/v1/voucher/alipay/resume').set(a.auth).send({ attemptId: fam.body.attemptId });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ identity: { patientId: mother, nameMasked: '李*英' }, family: { authorizerNameMasked: '张*国' } });
  });

  it('refuses an authCode of another Alipay account, an expired or reused authCode, and accounts without Alipay', async () => {
    const a = await patientAccount(h, { alipayUserId: DEMO.wang.alipay });
    const foreign = await start(a.auth, DEMO.zhang.alipay);
    expect(foreign.status).toBe(409);
    expect(foreign.body.code).toBe('ALIPAY_ACCOUNT_MISMATCH');

    const stale = h.alipay.mintAuthCode(DEMO.wang.alipay, ['auth_user', 'nhsamp'], 1);
    await sleep(10);
    const expired = await h.http().post('/api/v1/voucher/alipay').set(a.auth).send({ authCode: stale.authCode, purpose: 'PAYMENT' });
    expect(expired.status).toBe(409);
    expect(expired.body.code).toBe('INSURANCE_AUTH_CODE_EXPIRED');

    const { authCode } = h.alipay.mintAuthCode(DEMO.wang.alipay);
    expect((await h.http().post('/api/v1/voucher/alipay').set(a.auth).send({ authCode, purpose: 'REFUND' })).body.status).toBe('pending');
    const reused = await h.http().post('/api/v1/voucher/alipay').set(a.auth).send({ authCode, purpose: 'REFUND' });
    expect(reused.status).toBe(409);
    expect(reused.body.code).toBe('INSURANCE_AUTH_CODE_EXPIRED');

    const wechatOnly = await patientAccount(h, { wechatOpenId: `test_openid_${randomBytes(6).toString('hex')}` });
    const wrong = await h.http().post('/api/v1/voucher/alipay').set(wechatOnly.auth).send({ authCode: 'x', purpose: 'PAYMENT' });
    expect(wrong.body.code).toBe('VOUCHER_CHANNEL_MISMATCH');
  });

  it('no pay_auth_no, ID number or name appears in any log line written during these tests', () => {
    expect(h.issued.length).toBeGreaterThan(2);
    assertNoSecretsInLogs(h);
  });
});
