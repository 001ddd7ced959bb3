import Taro from '@tarojs/taro';
import { z } from 'zod';
import { ApiError, CLIENT_ERROR_MESSAGES, DEFAULT_TIMEOUT_MS, buildUrl, request } from '../src/services/request';
import { TOKEN_STORAGE_KEY, getToken, setToken } from '../src/services/session';

const mockRequest = Taro.request as unknown as jest.Mock;
const mockToast = Taro.showToast as unknown as jest.Mock;

/** What Taro.request resolves with: a promise that also has abort(). */
function reply(statusCode: number, data: unknown, header: Record<string, string> = {}) {
  return Object.assign(Promise.resolve({ statusCode, data, header, errMsg: 'request:ok' }), { abort: jest.fn() });
}
function failWith(err: unknown) {
  return Object.assign(Promise.reject(err), { abort: jest.fn() });
}
function lastCall() {
  return mockRequest.mock.calls.at(-1)![0] as { url: string; method: string; header: Record<string, string>; data?: unknown; timeout: number };
}

beforeEach(() => {
  mockRequest.mockReset();
});
afterEach(() => jest.restoreAllMocks());

describe('request: success', () => {
  it('sends JSON with a request id and returns the body', async () => {
    mockRequest.mockReturnValueOnce(reply(200, { hello: '世界' }));
    await expect(request('/api/v1/meta', { query: { page: 2, q: '复诊 a&b', skip: undefined } })).resolves.toEqual({ hello: '世界' });
    const call = lastCall();
    expect(call.url).toBe('/api/v1/meta?page=2&q=%E5%A4%8D%E8%AF%8A%20a%26b');
    expect(call.method).toBe('GET');
    expect(call.header['Content-Type']).toBe('application/json');
    expect(call.header['x-request-id']).toMatch(/^c-[0-9a-z]+-[0-9a-z]+-[0-9a-f]{8}$/);
    expect(call.header.Authorization).toBeUndefined();
    expect(mockToast).not.toHaveBeenCalled();
  });

  it('uses a new request id for every call', async () => {
    mockRequest.mockReturnValue(reply(200, {}));
    await request('/a');
    await request('/b');
    const ids = mockRequest.mock.calls.map((c) => (c[0] as { header: Record<string, string> }).header['x-request-id']);
    expect(new Set(ids).size).toBe(2);
  });

  it('sends the stored session token as a Bearer header', async () => {
    setToken('tok-123');
    mockRequest.mockReturnValueOnce(reply(200, {}));
    await request('/api/v1/me', { method: 'POST', data: { a: 1 } });
    expect(lastCall().header.Authorization).toBe('Bearer tok-123');
    expect(lastCall().method).toBe('POST');
    expect(lastCall().data).toEqual({ a: 1 });
  });

  it('validates the body with a schema', async () => {
    jest.spyOn(console, 'warn').mockImplementation(() => {});
    const schema = z.object({ n: z.number() });
    mockRequest.mockReturnValueOnce(reply(200, { n: 1 }));
    await expect(request('/x', { schema })).resolves.toEqual({ n: 1 });

    mockRequest.mockReturnValueOnce(reply(200, { n: 'one' }, { 'X-Request-Id': 'srv-9' }));
    const err = await request('/x', { schema }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ code: 'BAD_RESPONSE', message: CLIENT_ERROR_MESSAGES.BAD_RESPONSE, status: 200, requestId: 'srv-9' });
    expect(mockToast).toHaveBeenCalledWith(expect.objectContaining({ title: CLIENT_ERROR_MESSAGES.BAD_RESPONSE }));
  });
});

describe('request: BFF errors', () => {
  it('maps the code to the contract message, toasts it and throws ApiError', async () => {
    mockRequest.mockReturnValueOnce(reply(503, { code: 'DB_UNAVAILABLE', message: 'db down', requestId: 'req-abc' }));
    const err = (await request('/api/v1/meta').catch((e: unknown) => e)) as ApiError;
    expect(err).toBeInstanceOf(ApiError);
    expect(err.code).toBe('DB_UNAVAILABLE');
    expect(err.message).toBe('服务暂时不可用，请稍后重试');
    expect(err.status).toBe(503);
    expect(err.requestId).toBe('req-abc');
    expect(mockToast).toHaveBeenCalledTimes(1);
    expect(mockToast).toHaveBeenCalledWith(expect.objectContaining({ title: '服务暂时不可用，请稍后重试', icon: 'none' }));
  });

  it('does not toast when silent', async () => {
    mockRequest.mockReturnValueOnce(reply(404, { code: 'NOT_FOUND', message: 'nope', requestId: 'r1' }));
    await expect(request('/x', { silent: true })).rejects.toMatchObject({ code: 'NOT_FOUND', message: '请求的内容不存在或已被删除' });
    expect(mockToast).not.toHaveBeenCalled();
  });

  it('keeps field issues for forms', async () => {
    const fields = [{ path: 'patient.idNo', message: '身份证号格式不正确' }];
    mockRequest.mockReturnValueOnce(reply(400, { code: 'VALIDATION_FAILED', message: 'bad', requestId: 'r2', fields }));
    await expect(request('/x', { silent: true })).rejects.toMatchObject({ code: 'VALIDATION_FAILED', fields });
  });

  it('shows the generic message for a code this client does not know', async () => {
    mockRequest.mockReturnValueOnce(reply(500, { code: 'SOMETHING_NEW', message: 'internal detail', requestId: 'r3' }));
    await expect(request('/x', { silent: true })).rejects.toMatchObject({ code: 'SOMETHING_NEW', message: '系统繁忙，请稍后重试' });
  });

  it('derives the code from the status when the body is not the BFF error shape', async () => {
    mockRequest.mockReturnValueOnce(reply(429, '<html>Too Many</html>', { 'x-request-id': 'gw-1' }));
    await expect(request('/x', { silent: true })).rejects.toMatchObject({ code: 'RATE_LIMITED', status: 429, requestId: 'gw-1' });
    mockRequest.mockReturnValueOnce(reply(502, ''));
    await expect(request('/x', { silent: true })).rejects.toMatchObject({ code: 'INTERNAL', status: 502, message: '系统繁忙，请稍后重试' });
  });

  it('parses a JSON error body delivered as text', async () => {
    mockRequest.mockReturnValueOnce(reply(409, JSON.stringify({ code: 'CONFLICT', message: 'x', requestId: 'r4' })));
    await expect(request('/x', { silent: true })).rejects.toMatchObject({ code: 'CONFLICT', requestId: 'r4' });
  });

  it('forgets the session token on UNAUTHENTICATED', async () => {
    setToken('expired');
    mockRequest.mockReturnValueOnce(reply(401, { code: 'UNAUTHENTICATED', message: 'x', requestId: 'r5' }));
    await expect(request('/x', { silent: true })).rejects.toMatchObject({ code: 'UNAUTHENTICATED', message: '登录已过期，请重新登录' });
    expect(getToken()).toBeNull();
    expect(localStorage.getItem(TOKEN_STORAGE_KEY)).toBeNull();
  });

  it('treats an Alipay-style fail callback with a status as an HTTP answer', async () => {
    mockRequest.mockReturnValueOnce(failWith({ error: 19, errorMessage: 'http status error', status: 403, data: { code: 'FORBIDDEN', message: 'x', requestId: 'ali-1' } }));
    await expect(request('/x', { silent: true })).rejects.toMatchObject({ code: 'FORBIDDEN', status: 403, requestId: 'ali-1' });
  });
});

describe('request: no answer', () => {
  it('reports a network failure with its own code and our request id', async () => {
    mockRequest.mockReturnValueOnce(failWith({ errMsg: 'request:fail net::ERR_CONNECTION_REFUSED' }));
    const err = (await request('/x').catch((e: unknown) => e)) as ApiError;
    expect(err).toMatchObject({ code: 'NETWORK_ERROR', message: CLIENT_ERROR_MESSAGES.NETWORK_ERROR, status: 0 });
    expect(err.requestId).toBe(lastCall().header['x-request-id']);
    expect(mockToast).toHaveBeenCalledWith(expect.objectContaining({ title: '网络连接失败，请检查网络后重试' }));
  });

  it('recognises the platform reporting a timeout', async () => {
    mockRequest.mockReturnValueOnce(failWith({ errMsg: 'request:fail timeout' }));
    await expect(request('/x', { silent: true })).rejects.toMatchObject({ code: 'TIMEOUT' });
    mockRequest.mockReturnValueOnce(failWith({ error: 13, errorMessage: '超时' }));
    await expect(request('/x', { silent: true })).rejects.toMatchObject({ code: 'TIMEOUT' });
  });

  describe('with fake timers', () => {
    beforeEach(() => jest.useFakeTimers());
    afterEach(() => jest.useRealTimers());

    it('gives up after the timeout, aborts the call and says so', async () => {
      const abort = jest.fn();
      mockRequest.mockReturnValueOnce(Object.assign(new Promise(() => {}), { abort }));
      const pending = request('/slow').catch((e: unknown) => e);
      expect(lastCall().timeout).toBeGreaterThan(DEFAULT_TIMEOUT_MS);
      await jest.advanceTimersByTimeAsync(DEFAULT_TIMEOUT_MS - 1);
      expect(abort).not.toHaveBeenCalled();
      await jest.advanceTimersByTimeAsync(1);
      const err = await pending;
      expect(err).toMatchObject({ code: 'TIMEOUT', message: '请求超时，请检查网络后重试', status: 0 });
      expect(abort).toHaveBeenCalledTimes(1);
      expect(mockToast).toHaveBeenCalledWith(expect.objectContaining({ title: '请求超时，请检查网络后重试' }));
    });

    it('honours a per-call timeout', async () => {
      mockRequest.mockReturnValueOnce(Object.assign(new Promise(() => {}), { abort: jest.fn() }));
      const pending = request('/slow', { timeoutMs: 500, silent: true }).catch((e: unknown) => e);
      await jest.advanceTimersByTimeAsync(500);
      await expect(pending).resolves.toMatchObject({ code: 'TIMEOUT' });
    });
  });
});

describe('buildUrl', () => {
  it('joins the platform base (empty on H5) and the path', () => {
    expect(buildUrl('/api/v1/meta')).toBe('/api/v1/meta');
    expect(buildUrl('api/v1/meta', { a: true })).toBe('/api/v1/meta?a=true');
    expect(buildUrl('/x?y=1', { z: 2 })).toBe('/x?y=1&z=2');
  });
});
