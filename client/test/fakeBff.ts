/**
 * Scripts Taro.request (the test double) like a small BFF: handlers per "METHOD /path", every
 * call recorded. A handler may return a promise (to hold an answer back and test concurrency).
 */
import Taro from '@tarojs/taro';

export interface FakeCall {
  method: string;
  path: string;
  url: string;
  header: Record<string, string>;
  data?: unknown;
}
export interface FakeAnswer {
  status: number;
  body: unknown;
}
export type FakeHandler = (call: FakeCall) => FakeAnswer | Promise<FakeAnswer>;

export function fakeBff(routes: Record<string, FakeHandler>) {
  const calls: FakeCall[] = [];
  (Taro.request as unknown as jest.Mock).mockImplementation((opts: { url: string; method?: string; header: Record<string, string>; data?: unknown }) => {
    const path = opts.url.split('?')[0]!;
    const call: FakeCall = { method: opts.method ?? 'GET', path, url: opts.url, header: opts.header, data: opts.data };
    calls.push(call);
    const handler = routes[`${call.method} ${path}`];
    const answer = Promise.resolve(handler ? handler(call) : { status: 404, body: { code: 'NOT_FOUND', message: 'x', requestId: 'fake' } }).then((a) => ({
      statusCode: a.status,
      data: a.body,
      header: { 'x-request-id': 'srv-fake' },
      errMsg: 'request:ok',
    }));
    return Object.assign(answer, { abort: jest.fn() });
  });
  return { calls, of: (method: string, path: string) => calls.filter((c) => c.method === method && c.path === path) };
}

export const err = (status: number, code: string, fields?: { path: string; message: string }[]): FakeAnswer => ({
  status,
  body: { code, message: 'server text is not shown', requestId: `req-${code}`, ...(fields ? { fields } : {}) },
});

let n = 0;
/** A token pair like the BFF's. */
export function tokens() {
  n += 1;
  const pad = (s: string) => s.padEnd(43, 'x');
  return {
    tokenType: 'Bearer' as const,
    accessToken: `ih_at_${pad(`access${n}`)}`,
    accessExpiresAt: new Date(Date.now() + 1_800_000).toISOString(),
    refreshToken: `ih_rt_${pad(`refresh${n}`)}`,
    refreshExpiresAt: new Date(Date.now() + 30 * 86_400_000).toISOString(),
  };
}

/** Resolves when `release()` is called: holds an answer back. */
export function gate<T>() {
  let release!: (v: T) => void;
  const promise = new Promise<T>((r) => {
    release = r;
  });
  return { promise, release };
}
