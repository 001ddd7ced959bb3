/**
 * WeChat: sign-in (wx.login code → code2session → session) and the e-voucher authorization
 * (insurance auth mini-program authCode → userQuery → 1101 → stored), against the mocks over HTTP.
 */
import { randomBytes } from 'node:crypto';
import { consumePayAuthorization } from '../../src/domains/voucher';
import { fieldCipher } from '../../src/lib/cipher';
import { assertNoSecretsInLogs, addPatient, centerPerson, DEMO, patientAccount, startHarness, type Harness } from './harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

const openid = () => `test_openid_${randomBytes(6).toString('hex')}`;

describe('WeChat sign-in', () => {
  it('creates the patient account on first sign-in, finds it afterwards, and the session works', async () => {
    const id = openid();
    const first = await h.http().post('/api/v1/auth/wechat/login').send({ code: h.wechat.mintLoginCode(id).code });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ isNewUser: true, returnTo: null, user: { role: 'PATIENT', channel: 'WEAPP' }, tokens: { tokenType: 'Bearer' } });
    const second = await h.http().post('/api/v1/auth/wechat/login').send({ code: h.wechat.mintLoginCode(id).code });
    expect(second.status).toBe(200);
    expect(second.body.isNewUser).toBe(false);
    expect(second.body.user.id).toBe(first.body.user.id);
    const me = await h.http().get('/api/v1/auth/me').set({ Authorization: `Bearer ${second.body.tokens.accessToken}` });
    expect(me.status).toBe(200);
    expect(me.body.id).toBe(first.body.user.id);
    const row = await h.prisma.user.findFirst({ where: { wechatOpenId: id }, select: { role: true, wechatUnionId: true, lastLoginAt: true } });
    expect(row).toMatchObject({ role: 'PATIENT', wechatUnionId: `mock_union_${id}` });
    expect(row!.lastLoginAt).not.toBeNull();
  });

  it('refuses a reused code with LOGIN_CODE_USED and an expired one with LOGIN_CODE_EXPIRED', async () => {
    const { code } = h.wechat.mintLoginCode(openid());
    expect((await h.http().post('/api/v1/auth/wechat/login').send({ code })).status).toBe(200);
    const again = await h.http().post('/api/v1/auth/wechat/login').send({ code });
    expect(again.status).toBe(401);
    expect(again.body).toMatchObject({ code: 'LOGIN_CODE_USED', message: '登录凭证已使用过，请重新登录' });

    const stale = h.wechat.mintLoginCode(openid());
    h.wechat.loginCodes.get(stale.code)!.expiresAt = Date.now() - 1;
    const expired = await h.http().post('/api/v1/auth/wechat/login').send({ code: stale.code });
    expect(expired.status).toBe(401);
    expect(expired.body.code).toBe('LOGIN_CODE_EXPIRED');
    expect(await h.prisma.user.count({ where: { wechatOpenId: stale.openid } })).toBe(0);
  });

  it('validates the code and refuses a staff account behind an openid', async () => {
    const bad = await h.http().post('/api/v1/auth/wechat/login').send({ code: '' });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('VALIDATION_FAILED');
    const id = openid();
    await h.prisma.user.create({ data: { role: 'DOCTOR', wechatOpenId: id, username: `doc_${id}` } });
    const staff = await h.http().post('/api/v1/auth/wechat/login').send({ code: h.wechat.mintLoginCode(id).code });
    expect(staff.status).toBe(403);
    expect(staff.body.code).toBe('FORBIDDEN');
  });
});

describe('WeChat e-voucher authorization', () => {
  it('launch parameters come from config, with orgChnlCrtfCodg not URL-encoded', async () => {
    const a = await patientAccount(h, { wechatOpenId: openid() });
    const res = await h.http().get('/api/v1/voucher/wechat/launch').set(a.auth);
    expect(res.status).toBe(200);
    const codg = h.config.platforms.wechat.orgChnlCrtfCodg!;
    expect(codg).toMatch(/[/+=]/);
    expect(res.body).toEqual({
      appId: 'wxe183cd55df4b4369',
      envVersion: 'release',
      path: `auth/pages/bindcard/auth/index?openType=getAuthCode&bizType=04107&cityCode=000000&channel=mock_wechat_channel&orgChnlCrtfCodg=${codg}&orgCodg=H00000000001&orgAppId=mock_wechat_org_app_id`,
    });
    expect(res.body.path).not.toContain(encodeURIComponent(codg));
  });

  it('authorizes the account owner (no patient given): SELF comes from the voucher, masked identity, pay_auth_no stored encrypted only', async () => {
    const id = openid();
    const a = await patientAccount(h, { wechatOpenId: id });
    const { authCode } = h.wechat.mintAuthCode({ openid: id, person: 'zhang' });
    const issuedBefore = h.issued.length;
    const res = await h.http().post('/api/v1/voucher/wechat').set(a.auth).send({ authCode, purpose: 'PAYMENT' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: 'authorized',
      channel: 'WECHAT',
      purpose: 'PAYMENT',
      orderId: null,
      identity: { relationship: 'SELF', nameMasked: '张*国', idType: 'ID_CARD', idNumberMasked: '640***********0131' },
      insured: { insutype: '310', insutypeLabel: '职工医保', insuplcAdmdvs: '640100', insuplcName: '银川市', voucherActivated: true, suspended: false },
      family: null,
    });
    const payAuthNo = h.issued[issuedBefore]!;
    expect(payAuthNo).toMatch(/^AUTH640100/);
    expect(res.text).not.toContain(payAuthNo);
    expect(res.text).not.toContain(DEMO.zhang.idNumber);
    const expires = Date.parse(res.body.expiresAt) - Date.parse(res.body.authorizedAt);
    expect(expires).toBeGreaterThan(0);
    expect(expires).toBeLessThanOrEqual(300_000);

    const rows = await h.prisma.voucherAuthorization.findMany({ where: { userId: a.userId } });
    expect(rows).toHaveLength(1);
    expect(rows[0]!.payAuthNoEnc).not.toContain(payAuthNo);
    expect(rows[0]!.payAuthNoHash).toBe(fieldCipher(h.config).hash(payAuthNo));
    expect(rows[0]).toMatchObject({ channel: 'WECHAT', purpose: 'PAYMENT', familyAuth: false, usedAt: null, patientId: res.body.identity.patientId });
    const self = await h.prisma.patient.findUnique({ where: { id: res.body.identity.patientId }, select: { relationship: true, ownerUserId: true } });
    expect(self).toEqual({ relationship: 'SELF', ownerUserId: a.userId });

    const status = await h.http().get('/api/v1/voucher/status').set(a.auth);
    expect(status.status).toBe(200);
    expect(status.body.items).toHaveLength(1);
    expect(status.body.items[0]).toMatchObject({
      identity: { nameMasked: '张*国', relationship: 'SELF' },
      insured: { insutypeLabel: '职工医保', insuplcName: '银川市', voucherActivated: true },
      lastAuthorization: { channel: 'WECHAT', purpose: 'PAYMENT', usable: true, used: false, family: null },
    });
    expect(status.text).not.toContain(payAuthNo);

    // The same authCode again: used.
    const again = await h.http().post('/api/v1/voucher/wechat').set(a.auth).send({ authCode, purpose: 'PAYMENT' });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'INSURANCE_AUTH_CODE_USED', message: '该医保授权已使用过，请重新授权，本次未扣费' });
  });

  it('an expired authCode is refused with INSURANCE_AUTH_CODE_EXPIRED and nothing is stored', async () => {
    const id = openid();
    const a = await patientAccount(h, { wechatOpenId: id });
    const { authCode } = h.wechat.mintAuthCode({ openid: id, person: 'wang' });
    h.wechat.authCodes.get(authCode)!.expiresAt = Date.now() - 1;
    const res = await h.http().post('/api/v1/voucher/wechat').set(a.auth).send({ authCode, purpose: 'PAYMENT' });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('INSURANCE_AUTH_CODE_EXPIRED');
    expect(await h.prisma.voucherAuthorization.count({ where: { userId: a.userId } })).toBe(0);
    const audit = await h.prisma.auditLog.findFirst({ where: { actorUserId: a.userId, action: 'voucher.refused' } });
    expect(audit?.details).toMatchObject({ channel: 'WECHAT', reason: 'INSURANCE_AUTH_CODE_EXPIRED' });
  });

  it("someone else's voucher for the chosen 就诊人 is refused (self only), nothing stored", async () => {
    const id = openid();
    const a = await patientAccount(h, { wechatOpenId: id });
    const mother = await addPatient(h, a.auth, 'li', 'PARENT');
    const { authCode } = h.wechat.mintAuthCode({ openid: id, person: 'zhang' });
    const res = await h.http().post('/api/v1/voucher/wechat').set(a.auth).send({ authCode, patientId: mother, purpose: 'PAYMENT' });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('INSURANCE_IDENTITY_MISMATCH');
    expect(res.body.message).toContain('就诊人本人');
    expect(await h.prisma.voucherAuthorization.count({ where: { userId: a.userId } })).toBe(0);
  });

  it('a family (亲情) authorization for that 就诊人 is allowed and names the authorizer; for another relative it is refused', async () => {
    const a = await patientAccount(h, { wechatOpenId: DEMO.zhang.openid });
    const mother = await addPatient(h, a.auth, 'li', 'PARENT');
    const child = await addPatient(h, a.auth, 'zhangzh', 'CHILD');
    const { authCode } = h.wechat.mintAuthCode({ openid: DEMO.zhang.openid, person: 'li', family: true });
    const res = await h.http().post('/api/v1/voucher/wechat').set(a.auth).send({ authCode, patientId: mother, purpose: 'PAYMENT' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: 'authorized',
      identity: { patientId: mother, nameMasked: '李*英', relationship: 'PARENT' },
      insured: { insutype: '390', insutypeLabel: '城乡居民医保' },
      family: { authorizerNameMasked: '张*国' },
    });
    const row = await h.prisma.voucherAuthorization.findFirst({ where: { userId: a.userId, patientId: mother } });
    expect(row).toMatchObject({ familyAuth: true, authorizerNameMasked: '张*国', authorizedIdHash: fieldCipher(h.config).hash(DEMO.zhang.idNumber) });

    // A family authorization made for the mother cannot pay for the child.
    const other = h.wechat.mintAuthCode({ openid: DEMO.zhang.openid, person: 'li', family: true });
    const refused = await h.http().post('/api/v1/voucher/wechat').set(a.auth).send({ authCode: other.authCode, patientId: child, purpose: 'PAYMENT' });
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('INSURANCE_IDENTITY_MISMATCH');

    // The child (voucher not activated) is paid for by the guardian through a family authorization.
    const forChild = h.wechat.mintAuthCode({ openid: DEMO.zhang.openid, person: 'zhangzh', family: true });
    const ok = await h.http().post('/api/v1/voucher/wechat').set(a.auth).send({ authCode: forChild.authCode, patientId: child, purpose: 'PAYMENT' });
    expect(ok.status).toBe(200);
    expect(ok.body.family).toEqual({ authorizerNameMasked: '张*国' });
    expect(ok.body.insured.voucherActivated).toBe(false);
  });

  it('a voucher that is not activated → INSURANCE_VOUCHER_NOT_ACTIVATED (activation guide); self-pay stays possible', async () => {
    const id = openid();
    const a = await patientAccount(h, { wechatOpenId: id });
    const { authCode } = h.wechat.mintAuthCode({ openid: id, person: 'liu' });
    const res = await h.http().post('/api/v1/voucher/wechat').set(a.auth).send({ authCode, purpose: 'PAYMENT' });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('INSURANCE_VOUCHER_NOT_ACTIVATED');
    expect(await h.prisma.voucherAuthorization.count({ where: { userId: a.userId } })).toBe(0);
  });

  it('a suspended person → INSURANCE_PAY_SUSPENDED, recorded on the insured identity, no authorization', async () => {
    const id = openid();
    const a = await patientAccount(h, { wechatOpenId: id });
    const self = await addPatient(h, a.auth, 'ma', 'OTHER');
    const { authCode } = h.wechat.mintAuthCode({ openid: id, person: 'ma' });
    const res = await h.http().post('/api/v1/voucher/wechat').set(a.auth).send({ authCode, patientId: self, purpose: 'PAYMENT' });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ code: 'INSURANCE_PAY_SUSPENDED', message: expect.stringContaining('自费') });
    expect(await h.prisma.voucherAuthorization.count({ where: { userId: a.userId } })).toBe(0);
    const insured = await h.prisma.insuredIdentity.findUnique({ where: { psnNo: DEMO.ma.psnNo } });
    expect(insured).toMatchObject({ suspended: true, insutype: '310' });
    const status = await h.http().get('/api/v1/voucher/status').query({ patientId: self }).set(a.auth);
    expect(status.body.items[0].insured).toMatchObject({ suspended: true });
    expect(status.body.items[0].lastAuthorization).toBeNull();
  });

  it('coming back without an authCode is a cancel: nothing changes, nothing charged', async () => {
    const id = openid();
    const a = await patientAccount(h, { wechatOpenId: id });
    const before = await h.prisma.voucherAuthorization.count();
    const res = await h.http().post('/api/v1/voucher/wechat').set(a.auth).send({ purpose: 'PAYMENT' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'cancelled', message: expect.stringContaining('未扣费') });
    expect(await h.prisma.voucherAuthorization.count()).toBe(before);
    expect(await h.prisma.patient.count({ where: { ownerUserId: a.userId } })).toBe(0);
  });

  it("refuses accounts without WeChat, other users' 就诊人, and non-patients", async () => {
    const noWechat = await patientAccount(h, {});
    const res = await h.http().post('/api/v1/voucher/wechat').set(noWechat.auth).send({ authCode: '123', purpose: 'PAYMENT' });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('VOUCHER_CHANNEL_MISMATCH');

    const owner = await patientAccount(h, { wechatOpenId: openid() });
    const theirs = await addPatient(h, owner.auth, 'wang');
    const id = openid();
    const other = await patientAccount(h, { wechatOpenId: id });
    const { authCode } = h.wechat.mintAuthCode({ openid: id, person: 'wang' });
    const foreign = await h.http().post('/api/v1/voucher/wechat').set(other.auth).send({ authCode, patientId: theirs, purpose: 'PAYMENT' });
    expect(foreign.status).toBe(404);
    // The code was not spent on a request that could not succeed.
    const own = await h.http().post('/api/v1/voucher/wechat').set(other.auth).send({ authCode, purpose: 'PAYMENT' });
    expect(own.status).toBe(200);

    const anonymous = await h.http().post('/api/v1/voucher/wechat').send({ authCode: '1', purpose: 'PAYMENT' });
    expect(anonymous.status).toBe(401);
  });

  it('consumePayAuthorization: single use (one of two concurrent payments wins), newer supersedes older, expired is gone', async () => {
    const id = openid();
    const a = await patientAccount(h, { wechatOpenId: id });
    const authorize = async () => {
      const { authCode } = h.wechat.mintAuthCode({ openid: id, person: 'wang' });
      const r = await h.http().post('/api/v1/voucher/wechat').set(a.auth).send({ authCode, purpose: 'PAYMENT' });
      expect(r.status).toBe(200);
      return { patientId: r.body.identity.patientId as string, payAuthNo: h.issued[h.issued.length - 1]! };
    };
    const first = await authorize();
    const second = await authorize();
    const deps = { prisma: h.prisma, cipher: fieldCipher(h.config) };
    const results = await Promise.allSettled([
      consumePayAuthorization(deps, a.userId, second.patientId, null),
      consumePayAuthorization(deps, a.userId, second.patientId, null),
    ]);
    const won = results.filter((r) => r.status === 'fulfilled');
    expect(won).toHaveLength(1);
    const consumed = (won[0] as PromiseFulfilledResult<Awaited<ReturnType<typeof consumePayAuthorization>>>).value;
    // The newest authorization is the one used; the older one was superseded.
    expect(consumed.payAuthNo).toBe(second.payAuthNo);
    expect(consumed.payAuthNo).not.toBe(first.payAuthNo);
    expect(JSON.stringify(consumed)).not.toContain(second.payAuthNo);
    const lost = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(lost.reason).toMatchObject({ code: 'INSURANCE_AUTH_INVALID' });
    await expect(consumePayAuthorization(deps, a.userId, second.patientId, null)).rejects.toMatchObject({ code: 'INSURANCE_AUTH_INVALID' });

    const third = await authorize();
    await h.prisma.voucherAuthorization.updateMany({ where: { userId: a.userId, usedAt: null, revokedAt: null }, data: { expiresAt: new Date(Date.now() - 1000) } });
    await expect(consumePayAuthorization(deps, a.userId, third.patientId, null)).rejects.toMatchObject({ code: 'INSURANCE_AUTH_INVALID' });
    const status = await h.http().get('/api/v1/voucher/status').set(a.auth);
    expect(status.body.items[0].lastAuthorization).toMatchObject({ usable: false, used: false });
  });

  it('a center that stops answering is a clear 5xx, nothing stored', async () => {
    const id = openid();
    const a = await patientAccount(h, { wechatOpenId: id });
    const { authCode } = h.wechat.mintAuthCode({ openid: id, person: 'wang' });
    h.faults.add({ platform: 'mobile-pay', kind: 'http_error', params: { status: 503 }, times: 10 });
    try {
      const res = await h.http().post('/api/v1/voucher/wechat').set(a.auth).send({ authCode, purpose: 'PAYMENT' });
      expect(res.status).toBe(502);
      expect(res.body.code).toBe('UPSTREAM_UNAVAILABLE');
    } finally {
      h.faults.clear();
    }
    expect(await h.prisma.voucherAuthorization.count({ where: { userId: a.userId } })).toBe(0);
    expect(centerPerson(h, 'wang').voucherActivated).toBe(true);
  });

  it('no pay_auth_no, ID number or name appears in any log line written during these tests', () => {
    expect(h.issued.length).toBeGreaterThan(3);
    assertNoSecretsInLogs(h);
  });
});
