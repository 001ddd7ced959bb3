/** The request layer and the session: refresh once (single-flight), retry once, sign-in on failure. */
import Taro from '@tarojs/taro';
import { ERROR_CATALOG } from '@ih/contract';
import { request, resetSignInRedirect } from '../src/services/request';
import { REFRESH_STORAGE_KEY, TOKEN_STORAGE_KEY, clearSession, getRefreshToken, getToken, saveSession } from '../src/services/session';
import { err, fakeBff, gate, tokens, type FakeAnswer } from './fakeBff';

const REFRESH = 'POST /api/v1/auth/refresh';

/** A protected resource that accepts only `valid()` as the token. */
function resource(valid: () => string | null) {
  return (c: { header: Record<string, string> }): FakeAnswer =>
    c.header.Authorization === `Bearer ${valid()}` ? { status: 200, body: { ok: true } } : err(401, 'SESSION_EXPIRED');
}

beforeEach(() => {
  clearSession();
  resetSignInRedirect();
});
afterEach(() => jest.restoreAllMocks());

describe('session storage', () => {
  it('keeps both tokens in platform storage', () => {
    const t = tokens();
    saveSession(t);
    expect(localStorage.getItem(TOKEN_STORAGE_KEY)).toBe(t.accessToken);
    expect(localStorage.getItem(REFRESH_STORAGE_KEY)).toBe(t.refreshToken);
  });
});

describe('request with a session', () => {
  it('sends the access token and the client platform', async () => {
    const t = tokens();
    saveSession(t);
    const bff = fakeBff({ 'GET /x': resource(() => t.accessToken) });
    await expect(request('/x')).resolves.toEqual({ ok: true });
    expect(bff.calls[0]!.header).toMatchObject({ Authorization: `Bearer ${t.accessToken}`, 'x-client-platform': 'h5' });
  });

  it('sends no session on anonymous calls', async () => {
    saveSession(tokens());
    const bff = fakeBff({ 'POST /login': () => ({ status: 200, body: {} }) });
    await request('/login', { method: 'POST', anonymous: true });
    expect(bff.calls[0]!.header.Authorization).toBeUndefined();
  });

  it('refreshes once for concurrent expired calls, then retries each with the new token', async () => {
    const old = tokens();
    const renewed = tokens();
    saveSession(old);
    const held = gate<FakeAnswer>();
    const bff = fakeBff({
      'GET /a': resource(() => renewed.accessToken),
      'GET /b': resource(() => renewed.accessToken),
      'GET /c': resource(() => renewed.accessToken),
      [REFRESH]: () => held.promise,
    });
    const all = Promise.all([request('/a'), request('/b'), request('/c')]);
    // Let all three fail and queue behind the one refresh before it answers.
    await new Promise((r) => setTimeout(r, 20));
    expect(bff.of('POST', '/api/v1/auth/refresh')).toHaveLength(1);
    held.release({ status: 200, body: { tokens: renewed } });
    await expect(all).resolves.toEqual([{ ok: true }, { ok: true }, { ok: true }]);

    const refreshCalls = bff.of('POST', '/api/v1/auth/refresh');
    expect(refreshCalls).toHaveLength(1);
    expect(refreshCalls[0]!.data).toEqual({ refreshToken: old.refreshToken });
    expect(refreshCalls[0]!.header.Authorization).toBeUndefined();
    expect(getToken()).toBe(renewed.accessToken);
    expect(getRefreshToken()).toBe(renewed.refreshToken);
    for (const path of ['/a', '/b', '/c']) {
      expect(bff.of('GET', path).map((c) => c.header.Authorization)).toEqual([`Bearer ${old.accessToken}`, `Bearer ${renewed.accessToken}`]);
    }
    expect(Taro.navigateTo).not.toHaveBeenCalled();
    expect(Taro.showToast).not.toHaveBeenCalled();
  });

  it('does not refresh again when the token was already renewed (another call or tab)', async () => {
    const old = tokens();
    const renewed = tokens();
    saveSession(old);
    const bff = fakeBff({
      'GET /x': (c) => {
        // Another tab renews while this call is on its way.
        if (c.header.Authorization === `Bearer ${old.accessToken}`) saveSession(renewed);
        return resource(() => renewed.accessToken)(c);
      },
      [REFRESH]: () => ({ status: 200, body: { tokens: tokens() } }),
    });
    await expect(request('/x')).resolves.toEqual({ ok: true });
    expect(bff.of('POST', '/api/v1/auth/refresh')).toHaveLength(0);
    expect(bff.of('GET', '/x')).toHaveLength(2);
  });

  it('when the refresh is refused: clears the session, opens sign-in once, reports the expiry', async () => {
    saveSession(tokens());
    const bff = fakeBff({ 'GET /a': resource(() => 'never'), 'GET /b': resource(() => 'never'), [REFRESH]: () => err(401, 'SESSION_REVOKED') });
    const results = await Promise.allSettled([request('/a', { silent: true }), request('/b', { silent: true })]);
    for (const r of results) {
      expect(r).toMatchObject({ status: 'rejected', reason: { code: 'SESSION_EXPIRED', message: ERROR_CATALOG.SESSION_EXPIRED.message } });
    }
    expect(bff.of('POST', '/api/v1/auth/refresh')).toHaveLength(1);
    expect(getToken()).toBeNull();
    expect(getRefreshToken()).toBeNull();
    expect(Taro.navigateTo).toHaveBeenCalledTimes(1);
    expect(Taro.navigateTo).toHaveBeenCalledWith({ url: '/pages/auth/login/index' });
  });

  it('retries only once: still expired after a refresh ends the session', async () => {
    saveSession(tokens());
    const bff = fakeBff({ 'GET /x': () => err(401, 'SESSION_EXPIRED'), [REFRESH]: () => ({ status: 200, body: { tokens: tokens() } }) });
    await expect(request('/x', { silent: true, noSignInRedirect: true })).rejects.toMatchObject({ code: 'SESSION_EXPIRED' });
    expect(bff.of('POST', '/api/v1/auth/refresh')).toHaveLength(1);
    expect(bff.of('GET', '/x')).toHaveLength(2);
    expect(getToken()).toBeNull();
    expect(Taro.navigateTo).not.toHaveBeenCalled();
  });

  it('keeps the session when the refresh call itself cannot reach the BFF', async () => {
    const t = tokens();
    saveSession(t);
    fakeBff({ 'GET /x': resource(() => 'never') });
    const mockRequest = Taro.request as unknown as jest.Mock;
    const original = mockRequest.getMockImplementation()!;
    mockRequest.mockImplementation((opts: { url: string }) =>
      opts.url.endsWith('/auth/refresh') ? Object.assign(Promise.reject({ errMsg: 'request:fail net::ERR' }), { abort: jest.fn() }) : original(opts),
    );
    await expect(request('/x', { silent: true })).rejects.toMatchObject({ code: 'NETWORK_ERROR', status: 0 });
    expect(getToken()).toBe(t.accessToken);
    expect(getRefreshToken()).toBe(t.refreshToken);
    expect(Taro.navigateTo).not.toHaveBeenCalled();
  });

  it.each(['SESSION_REVOKED', 'UNAUTHENTICATED', 'ACCOUNT_DISABLED'])('%s clears the session without trying to refresh', async (code) => {
    saveSession(tokens());
    const bff = fakeBff({ 'GET /x': () => err(code === 'ACCOUNT_DISABLED' ? 403 : 401, code) });
    await expect(request('/x', { silent: true })).rejects.toMatchObject({ code });
    expect(bff.of('POST', '/api/v1/auth/refresh')).toHaveLength(0);
    expect(getToken()).toBeNull();
    expect(Taro.navigateTo).toHaveBeenCalledWith({ url: '/pages/auth/login/index' });
  });

  it('without a session, a 401 is just an error (no refresh, no redirect)', async () => {
    const bff = fakeBff({ 'GET /x': () => err(401, 'UNAUTHENTICATED') });
    await expect(request('/x', { silent: true })).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(bff.calls).toHaveLength(1);
    expect(Taro.navigateTo).not.toHaveBeenCalled();
  });
});
