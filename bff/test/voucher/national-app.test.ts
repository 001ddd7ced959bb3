/**
 * National insurance APP (H5): sign-in and the e-voucher authorization through the APP's
 * authorization page and the BFF's callbacks, as a browser would do them (one cookie jar per
 * "browser"; the APP page is the mock's, posted over HTTP like the demo person picker does).
 */
import supertest from 'supertest';
import { API_PREFIX } from '@ih/contract';
import { assertNoSecretsInLogs, addPatient, centerPerson, DEMO, PUBLIC_BASE_URL, startHarness, type DemoKey, type Harness } from './harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

type Browser = ReturnType<Harness['http']>;

/** Splits a Location into path+query for the BFF (its public base is PUBLIC_BASE_URL). */
function bffPath(location: string): string {
  expect(location.startsWith(PUBLIC_BASE_URL)).toBe(true);
  return location.slice(PUBLIC_BASE_URL.length);
}

/** The H5 route and query of a redirect into the H5 (hash router). */
function h5(location: string): { route: string; query: URLSearchParams } {
  const url = new URL(location);
  expect(`${url.origin}`).toBe(PUBLIC_BASE_URL);
  expect(url.hash.startsWith('#/pages/')).toBe(true);
  const [route, qs = ''] = url.hash.slice(1).split('?');
  return { route: route!, query: new URLSearchParams(qs) };
}

/** The user on the APP's authorization page, signed in to the APP as `user`: agree for `person`, or cancel. Returns where the page sends the browser. */
async function onAppPage(authorizeUrl: string, user: DemoKey, action: 'agree' | 'cancel', person: DemoKey = user): Promise<string> {
  const url = new URL(authorizeUrl);
  const params = Object.fromEntries(url.searchParams);
  const page = await supertest(url.origin).get(`${url.pathname}`).query({ ...params, user });
  expect(page.status).toBe(200);
  expect(page.text).toContain('国家医保服务平台');
  const res = await supertest(url.origin)
    .post(url.pathname)
    .type('form')
    .send({ ...params, user, action, ...(action === 'agree' ? { person } : {}) });
  expect(res.status).toBe(302);
  return res.headers.location as string;
}

async function startSignIn(browser: Browser, returnTo?: string): Promise<string> {
  const res = await browser.get(`${API_PREFIX}/auth/national-app/start`).query(returnTo ? { returnTo } : {});
  expect(res.status).toBe(302);
  expect(String(res.headers['set-cookie'])).toMatch(/ih_nhsa_login=.*HttpOnly/i);
  const url = new URL(res.headers.location as string);
  expect(url.origin).toBe(h.baseUrl);
  expect(url.searchParams.get('bizType')).toBe('04106');
  expect(url.searchParams.get('redirectUrl')).toBe(`${PUBLIC_BASE_URL}${API_PREFIX}/auth/national-app/callback`);
  expect(url.searchParams.get('state')).toMatch(/^[A-Za-z0-9_-]{43}$/);
  return res.headers.location as string;
}

/** The whole H5 sign-in as `who`: tokens and the browser (with its cookies). */
async function signInAs(who: DemoKey, returnTo?: string) {
  const browser = h.http();
  const back = await onAppPage(await startSignIn(browser, returnTo), who, 'agree');
  const cb = await browser.get(bffPath(back));
  expect(cb.status).toBe(302);
  const { route, query } = h5(cb.headers.location as string);
  expect(route).toBe('/pages/auth/login/index');
  const handoff = query.get('handoff');
  expect(handoff).toBeTruthy();
  const res = await browser.post(`${API_PREFIX}/auth/national-app/handoff`).send({ handoff });
  expect(res.status).toBe(200);
  return { browser, body: res.body, handoff: handoff!, auth: { Authorization: `Bearer ${res.body.tokens.accessToken}` } };
}

describe('national APP sign-in (H5)', () => {
  it('APP page → callback → handoff code in the H5 fragment → tokens; SELF 就诊人 from the APP identity', async () => {
    const { body, browser, handoff } = await signInAs('wang', '/pages/mine/index');
    expect(body).toMatchObject({
      isNewUser: true,
      returnTo: '/pages/mine/index',
      user: { role: 'PATIENT', channel: 'H5', displayName: '王*华', patient: { selfNameMasked: '王*华' } },
    });
    const patients = await h.http().get(`${API_PREFIX}/patients`).set({ Authorization: `Bearer ${body.tokens.accessToken}` });
    expect(patients.body.items).toEqual([expect.objectContaining({ relationship: 'SELF', nameMasked: '王*华', fromVoucher: true })]);

    // The handoff code works once.
    const again = await browser.post(`${API_PREFIX}/auth/national-app/handoff`).send({ handoff });
    expect(again.status).toBe(401);
    expect(again.body.code).toBe('LOGIN_HANDOFF_INVALID');

    // Same person again: same account.
    const second = await signInAs('wang');
    expect(second.body).toMatchObject({ isNewUser: false, user: { id: body.user.id }, returnTo: null });
  });

  it('a handoff code taken to another browser is useless', async () => {
    const browser = h.http();
    const back = await onAppPage(await startSignIn(browser), 'zhang', 'agree');
    const cb = await browser.get(bffPath(back));
    const handoff = h5(cb.headers.location as string).query.get('handoff');
    const stranger = await h.http().post(`${API_PREFIX}/auth/national-app/handoff`).send({ handoff });
    expect(stranger.status).toBe(401);
    expect(stranger.body.code).toBe('LOGIN_HANDOFF_INVALID');
    // The rightful browser can still use it.
    expect((await browser.post(`${API_PREFIX}/auth/national-app/handoff`).send({ handoff })).status).toBe(200);
  });

  it('state: reused → AUTH_STATE_USED; unknown, from another browser or expired → AUTH_STATE_INVALID', async () => {
    const browser = h.http();
    const back = await onAppPage(await startSignIn(browser), 'zhang', 'agree');
    expect(h5((await browser.get(bffPath(back))).headers.location as string).query.get('handoff')).toBeTruthy();
    const reused = await browser.get(bffPath(back));
    expect(h5(reused.headers.location as string).query.get('error')).toBe('AUTH_STATE_USED');

    const forged = new URL(back);
    forged.searchParams.set('state', 'A'.repeat(43));
    expect(h5((await browser.get(bffPath(forged.toString()))).headers.location as string).query.get('error')).toBe('AUTH_STATE_INVALID');

    const other = await onAppPage(await startSignIn(h.http()), 'zhang', 'agree');
    expect(h5((await browser.get(bffPath(other))).headers.location as string).query.get('error')).toBe('AUTH_STATE_INVALID');

    const late = h.http();
    const lateBack = await onAppPage(await startSignIn(late), 'zhang', 'agree');
    await h.prisma.authFlow.updateMany({ where: { kind: 'NHSA_LOGIN', usedAt: null }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect(h5((await late.get(bffPath(lateBack))).headers.location as string).query.get('error')).toBe('AUTH_STATE_INVALID');
  });

  it('cancel on the APP page → back to the sign-in page, cancelled, no account', async () => {
    const browser = h.http();
    const accounts = await h.prisma.user.count();
    const back = await onAppPage(await startSignIn(browser), 'li', 'cancel');
    expect(new URL(back).searchParams.get('error')).toBe('access_denied');
    const cb = await browser.get(bffPath(back));
    const { route, query } = h5(cb.headers.location as string);
    expect(route).toBe('/pages/auth/login/index');
    expect(query.get('cancelled')).toBe('1');
    expect(query.get('handoff')).toBeNull();
    expect(await h.prisma.user.count()).toBe(accounts);
  });

  it('expired code → LOGIN_CODE_EXPIRED; a code used once already → LOGIN_CODE_USED', async () => {
    const expiredBrowser = h.http();
    const state = new URL(await startSignIn(expiredBrowser)).searchParams.get('state')!;
    const stale = h.nationalApp.mintAuthCode({ signedIn: 'zhang', orgCodg: 'H00000000001', bizType: '04106', ttlMs: 1 });
    await new Promise((r) => setTimeout(r, 10));
    const cb = await expiredBrowser.get(`${API_PREFIX}/auth/national-app/callback`).query({ authCode: stale, state });
    expect(h5(cb.headers.location as string).query.get('error')).toBe('LOGIN_CODE_EXPIRED');

    const code = h.nationalApp.mintAuthCode({ signedIn: 'zhang', orgCodg: 'H00000000001', bizType: '04106' });
    const b1 = h.http();
    const s1 = new URL(await startSignIn(b1)).searchParams.get('state')!;
    expect(h5((await b1.get(`${API_PREFIX}/auth/national-app/callback`).query({ authCode: code, state: s1 })).headers.location as string).query.get('handoff')).toBeTruthy();
    const b2 = h.http();
    const s2 = new URL(await startSignIn(b2)).searchParams.get('state')!;
    const used = await b2.get(`${API_PREFIX}/auth/national-app/callback`).query({ authCode: code, state: s2 });
    expect(h5(used.headers.location as string).query.get('error')).toBe('LOGIN_CODE_USED');
  });

  it("signing in with a relative's voucher is refused (LOGIN_SELF_ONLY)", async () => {
    const browser = h.http();
    const back = await onAppPage(await startSignIn(browser), 'zhang', 'agree', 'li');
    const cb = await browser.get(bffPath(back));
    expect(h5(cb.headers.location as string).query.get('error')).toBe('LOGIN_SELF_ONLY');
  });

  it('only relative H5 routes are kept as return targets', async () => {
    const browser = h.http();
    const url = await startSignIn(browser, 'https://evil.example.com/pages/x');
    const back = await onAppPage(url, 'zhang', 'agree');
    const handoff = h5((await browser.get(bffPath(back))).headers.location as string).query.get('handoff');
    const res = await browser.post(`${API_PREFIX}/auth/national-app/handoff`).send({ handoff });
    expect(res.body.returnTo).toBeNull();
  });
});

describe('national APP e-voucher authorization (H5)', () => {
  async function startVoucher(s: Awaited<ReturnType<typeof signInAs>>, body: Record<string, unknown>) {
    const res = await s.browser.post(`${API_PREFIX}/voucher/national-app/start`).set(s.auth).send(body);
    expect(res.status).toBe(200);
    expect(String(res.headers['set-cookie'])).toMatch(/ih_nhsa_voucher=.*HttpOnly/i);
    const url = new URL(res.body.redirectUrl);
    expect(url.searchParams.get('bizType')).toBe('04107');
    expect(url.searchParams.get('redirectUrl')).toBe(`${PUBLIC_BASE_URL}${API_PREFIX}/voucher/national-app/callback`);
    return res.body.redirectUrl as string;
  }
  const result = async (browser: Browser, back: string) => {
    const cb = await browser.get(bffPath(back));
    expect(cb.status).toBe(302);
    const r = h5(cb.headers.location as string);
    expect(r.route).toBe('/pages/auth/voucher-result/index');
    return r.query;
  };

  it('authorized: redirect to the result page (no secrets in the address), state used once, status shows the masked identity', async () => {
    const s = await signInAs('zhang');
    const url = await startVoucher(s, { purpose: 'PAYMENT', returnTo: '/pages/mine/index' });
    const back = await onAppPage(url, 'zhang', 'agree');
    const q = await result(s.browser, back);
    expect(Object.fromEntries(q)).toMatchObject({ outcome: 'authorized', channel: 'nhsa_app', purpose: 'PAYMENT', returnTo: '/pages/mine/index' });
    const payAuthNo = h.issued[h.issued.length - 1]!;
    expect(q.toString()).not.toContain(payAuthNo);
    expect(q.toString()).not.toContain(DEMO.zhang.idNumber);

    const status = await h.http().get(`${API_PREFIX}/voucher/status`).query({ patientId: q.get('patientId')! }).set(s.auth);
    expect(status.body.items[0]).toMatchObject({
      identity: { relationship: 'SELF', nameMasked: '张*国', idNumberMasked: '640***********0131' },
      insured: { insutypeLabel: '职工医保', insuplcName: '银川市', voucherActivated: true },
      lastAuthorization: { channel: 'NHSA_APP', usable: true, family: null },
    });

    const reused = await result(s.browser, back);
    expect(Object.fromEntries(reused)).toMatchObject({ outcome: 'failed', code: 'AUTH_STATE_USED' });
  });

  it('cancel → result page says cancelled; state mismatch → AUTH_STATE_INVALID; nothing stored', async () => {
    const s = await signInAs('wang');
    const before = await h.prisma.voucherAuthorization.count({ where: { userId: s.body.user.id } });
    const back = await onAppPage(await startVoucher(s, { purpose: 'PAYMENT' }), 'wang', 'cancel');
    expect(Object.fromEntries(await result(s.browser, back))).toMatchObject({ outcome: 'cancelled', purpose: 'PAYMENT' });

    const other = await onAppPage(await startVoucher(s, { purpose: 'PAYMENT' }), 'wang', 'agree');
    const forged = new URL(other);
    forged.searchParams.set('state', 'B'.repeat(43));
    expect(Object.fromEntries(await result(s.browser, forged.toString()))).toMatchObject({ outcome: 'failed', code: 'AUTH_STATE_INVALID' });
    // The real state from another browser (no binding cookie) is refused too.
    expect(Object.fromEntries(await result(h.http(), other))).toMatchObject({ outcome: 'failed', code: 'AUTH_STATE_INVALID' });
    expect(await h.prisma.voucherAuthorization.count({ where: { userId: s.body.user.id } })).toBe(before);
  });

  it("someone else's voucher for a 就诊人 is refused; a family authorization for them is allowed with the authorizer", async () => {
    const s = await signInAs('zhang');
    const mother = await addPatient(h, s.auth, 'li', 'PARENT');
    const mine = await onAppPage(await startVoucher(s, { purpose: 'PAYMENT', patientId: mother }), 'zhang', 'agree', 'zhang');
    expect(Object.fromEntries(await result(s.browser, mine))).toMatchObject({ outcome: 'failed', code: 'INSURANCE_IDENTITY_MISMATCH', patientId: mother });

    const fam = await onAppPage(await startVoucher(s, { purpose: 'PAYMENT', patientId: mother }), 'zhang', 'agree', 'li');
    expect(Object.fromEntries(await result(s.browser, fam))).toMatchObject({ outcome: 'authorized', patientId: mother });
    const status = await h.http().get(`${API_PREFIX}/voucher/status`).query({ patientId: mother }).set(s.auth);
    expect(status.body.items[0]).toMatchObject({ identity: { nameMasked: '李*英' }, lastAuthorization: { family: { authorizerNameMasked: '张*国' }, usable: true } });
  });

  it('suspended person → INSURANCE_PAY_SUSPENDED; voucher the APP refuses (not activated) → INSURANCE_VOUCHER_NOT_ACTIVATED', async () => {
    const ma = await signInAs('ma');
    const back = await onAppPage(await startVoucher(ma, { purpose: 'PAYMENT' }), 'ma', 'agree');
    expect(Object.fromEntries(await result(ma.browser, back))).toMatchObject({ outcome: 'failed', code: 'INSURANCE_PAY_SUSPENDED' });
    expect(await h.prisma.voucherAuthorization.count({ where: { userId: ma.body.user.id } })).toBe(0);

    const wang = await signInAs('wang');
    const wangBack = await onAppPage(await startVoucher(wang, { purpose: 'REFUND' }), 'wang', 'agree');
    const person = centerPerson(h, 'wang');
    person.voucherActivated = false;
    try {
      expect(Object.fromEntries(await result(wang.browser, wangBack))).toMatchObject({ outcome: 'failed', code: 'INSURANCE_VOUCHER_NOT_ACTIVATED', purpose: 'REFUND' });
    } finally {
      person.voucherActivated = true;
    }
  });

  it('expired code → INSURANCE_AUTH_CODE_EXPIRED; reused code → INSURANCE_AUTH_CODE_USED', async () => {
    const s = await signInAs('wang');
    const state1 = new URL(await startVoucher(s, { purpose: 'PAYMENT' })).searchParams.get('state')!;
    const stale = h.nationalApp.mintAuthCode({ signedIn: 'wang', orgCodg: 'H00000000001', ttlMs: 1 });
    await new Promise((r) => setTimeout(r, 10));
    const q1 = h5((await s.browser.get(`${API_PREFIX}/voucher/national-app/callback`).query({ authCode: stale, state: state1 })).headers.location as string).query;
    expect(q1.get('code')).toBe('INSURANCE_AUTH_CODE_EXPIRED');

    const code = h.nationalApp.mintAuthCode({ signedIn: 'wang', orgCodg: 'H00000000001' });
    const state2 = new URL(await startVoucher(s, { purpose: 'PAYMENT' })).searchParams.get('state')!;
    const q2 = h5((await s.browser.get(`${API_PREFIX}/voucher/national-app/callback`).query({ authCode: code, state: state2 })).headers.location as string).query;
    expect(q2.get('outcome')).toBe('authorized');
    const state3 = new URL(await startVoucher(s, { purpose: 'PAYMENT' })).searchParams.get('state')!;
    const q3 = h5((await s.browser.get(`${API_PREFIX}/voucher/national-app/callback`).query({ authCode: code, state: state3 })).headers.location as string).query;
    expect(q3.get('code')).toBe('INSURANCE_AUTH_CODE_USED');
  });

  it('the start needs a signed-in patient and refuses foreign return targets', async () => {
    const anon = await h.http().post(`${API_PREFIX}/voucher/national-app/start`).send({ purpose: 'PAYMENT' });
    expect(anon.status).toBe(401);
    const s = await signInAs('wang');
    const bad = await s.browser.post(`${API_PREFIX}/voucher/national-app/start`).set(s.auth).send({ purpose: 'PAYMENT', returnTo: 'https://evil.example.com/' });
    expect(bad.status).toBe(400);
    expect(bad.body.fields[0].path).toBe('returnTo');
  });

  it('no pay_auth_no, ID number or name appears in any log line written during these tests', () => {
    expect(h.issued.length).toBeGreaterThan(2);
    assertNoSecretsInLogs(h);
  });
});
