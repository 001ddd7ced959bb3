/**
 * The shared outside-platform HTTP helper (bff/src/platforms/http.ts) that the mobile-pay client
 * and the other platform clients use: timeouts, typed errors, retries only when idempotent,
 * nothing of the bodies in events or errors.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PlatformError, type PlatformCallEvent, expectOk, getJson, platformJson, platformRequest, postJson } from '../../src/platforms/http';

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

let server: Server;
let base: string;
let handler: Handler;
let hits: number;

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      hits += 1;
      handler(req, res, Buffer.concat(chunks).toString('utf8'));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});
beforeEach(() => {
  hits = 0;
});

const json = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

async function errorOf(p: Promise<unknown>): Promise<PlatformError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof PlatformError) return e;
    throw e;
  }
  throw new Error('expected a PlatformError');
}

describe('platform HTTP helper', () => {
  it('bounds a call by its timeout and never retries a non-idempotent call', async () => {
    handler = () => undefined; // never answers
    const t0 = Date.now();
    const e = await errorOf(postJson({ platform: 'p', operation: 'pay', url: `${base}/pay`, json: { a: 1 }, timeoutMs: 200 }));
    expect(Date.now() - t0).toBeLessThan(600);
    expect(e).toMatchObject({ kind: 'timeout', platform: 'p', operation: 'pay', outcomeUnknown: true, retryable: true });
    expect(hits).toBe(1);
  });

  it('retries an idempotent call on 5xx with backoff, and on timeouts, within the deadline', async () => {
    let n = 0;
    handler = (_req, res) => (++n < 3 ? json(res, 503, { busy: true }) : json(res, 200, { ok: true }));
    const events: PlatformCallEvent[] = [];
    const r = await getJson<{ ok: boolean }>({ platform: 'p', operation: 'q', url: `${base}/q`, timeoutMs: 500, backoffMs: 10, onEvent: (e) => events.push(e) });
    expect(r.body.ok).toBe(true);
    expect(r.attempts).toBe(3);
    expect(events.map((e) => [e.status, e.willRetry])).toEqual([[503, true], [503, true], [200, false]]);

    handler = () => undefined;
    hits = 0;
    const t0 = Date.now();
    const e = await errorOf(platformRequest({ platform: 'p', operation: 'q', url: `${base}/q`, timeoutMs: 150, idempotent: true, retries: 5, backoffMs: 10, deadlineMs: 400 }));
    expect(e.kind).toBe('timeout');
    expect(Date.now() - t0).toBeLessThan(700);
    expect(hits).toBeGreaterThanOrEqual(2);
    expect(hits).toBeLessThanOrEqual(3);
  });

  it('does not retry a non-idempotent call on 5xx and flags the outcome as unknown', async () => {
    handler = (_req, res) => json(res, 500, {});
    const e = await errorOf(postJson({ platform: 'p', operation: 'pay', url: `${base}/pay`, json: {}, timeoutMs: 500, retries: 3 }));
    expect(e).toMatchObject({ kind: 'unavailable', code: 'HTTP_500', httpStatus: 500, outcomeUnknown: true });
    expect(hits).toBe(1);
  });

  it('a refused connection is unavailable and known not to have been sent', async () => {
    const dead = createServer();
    await new Promise<void>((r) => dead.listen(0, '127.0.0.1', () => r()));
    const port = (dead.address() as AddressInfo).port;
    await new Promise((r) => dead.close(r));
    const e = await errorOf(getJson({ platform: 'p', operation: 'q', url: `http://127.0.0.1:${port}/x`, timeoutMs: 500, retries: 1, backoffMs: 5 }));
    expect(e).toMatchObject({ kind: 'unavailable', code: 'ECONNREFUSED', outcomeUnknown: false });
  });

  it('4xx: returned by platformRequest, `rejected` from expectOk/platformJson unless accepted', async () => {
    handler = (_req, res) => json(res, 404, { error: 'nope' });
    const raw = await platformRequest({ platform: 'p', operation: 'q', url: `${base}/q`, timeoutMs: 500 });
    expect(raw.status).toBe(404);
    expect(() => expectOk(raw, 'p', 'q')).toThrow(expect.objectContaining({ kind: 'rejected', code: 'HTTP_404', retryable: false }));
    expect(await errorOf(getJson({ platform: 'p', operation: 'q', url: `${base}/q`, timeoutMs: 500 }))).toMatchObject({ kind: 'rejected' });
    expect(hits).toBe(2); // 4xx is not retried even for a GET
    const accepted = await getJson<{ error: string }>({ platform: 'p', operation: 'q', url: `${base}/q`, timeoutMs: 500, acceptStatus: [404] });
    expect(accepted.body.error).toBe('nope');
  });

  it('unparsable or oversized answers are bad_response, and no error or event carries a body', async () => {
    const secret = 'AUTH640100SECRETTOKEN 640104196803150131';
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(`<html>${secret}</html>`);
    };
    const events: PlatformCallEvent[] = [];
    const e = await errorOf(postJson({ platform: 'p', operation: 'q', url: `${base}/q?token=${encodeURIComponent(secret)}`, json: { payAuthNo: secret }, timeoutMs: 500, onEvent: (ev) => events.push(ev) }));
    expect(e).toMatchObject({ kind: 'bad_response', code: 'INVALID_JSON' });
    const everything = JSON.stringify({ e, message: e.message, events, cause: String((e as Error).cause ?? '') });
    expect(everything).not.toContain('SECRETTOKEN');
    expect(everything).not.toContain('640104196803150131');
    expect(events[0]!.path).toBe('/q');

    handler = (_req, res) => json(res, 200, { big: 'x'.repeat(2048) });
    expect(await errorOf(platformJson({ platform: 'p', operation: 'q', url: `${base}/q`, timeoutMs: 500, maxResponseBytes: 1024 }))).toMatchObject({ kind: 'bad_response', code: 'RESPONSE_TOO_LARGE' });
  });

  it('sends JSON with its content type and honours the caller’s abort', async () => {
    let seen: { type?: string; body?: string } = {};
    handler = (req, res, body) => {
      seen = { type: req.headers['content-type'], body };
      json(res, 200, { ok: 1 });
    };
    await postJson({ platform: 'p', operation: 'q', url: `${base}/q`, json: { 金额: '1.00' }, timeoutMs: 500 });
    expect(seen.type).toMatch(/^application\/json/);
    expect(JSON.parse(seen.body!)).toEqual({ 金额: '1.00' });

    handler = () => undefined;
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 50);
    const e = await errorOf(getJson({ platform: 'p', operation: 'q', url: `${base}/q`, timeoutMs: 2000, signal: ac.signal }));
    expect(e).toMatchObject({ code: 'ABORTED', retryable: false });
  });
});
