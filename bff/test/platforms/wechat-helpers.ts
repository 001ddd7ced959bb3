/** Helpers for the WeChat / WeChat Pay contract tests: the mocks on a free port, a callback receiver. */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createMockApp, type MockPlatform } from '../../../mock/src/app';
import type { FaultRegistry } from '../../../mock/src/faults';
import { PlatformError, type PlatformCallEvent } from '../../src/platforms/http';

export interface RunningMocks {
  baseUrl: string;
  faults: FaultRegistry;
  close(): Promise<void>;
}

export async function startMocks(platforms: MockPlatform[]): Promise<RunningMocks> {
  let baseUrl = '';
  const { app, faults } = createMockApp({ platforms, publicUrl: () => baseUrl });
  const server: Server = app.listen(0, '127.0.0.1');
  await new Promise<void>((r) => server.once('listening', () => r()));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    baseUrl,
    faults,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

export interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  status: number;
  at: number;
}

/** A tiny HTTP server standing for the BFF's callback endpoint. */
export async function startReceiver(handle: (headers: IncomingHttpHeaders, body: string) => Promise<number>): Promise<{ url: string; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      void handle(req.headers, body).then(
        (status) => {
          received.push({ headers: req.headers, body, status, at: Date.now() });
          res.statusCode = status;
          res.end(status >= 300 ? JSON.stringify({ code: 'FAIL', message: '失败' }) : undefined);
        },
        () => {
          received.push({ headers: req.headers, body, status: 500, at: Date.now() });
          res.statusCode = 500;
          res.end();
        },
      );
    });
  });
  server.listen(0, '127.0.0.1');
  await new Promise<void>((r) => server.once('listening', () => r()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/callbacks/wechat-pay`;
  return {
    url,
    received,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function waitFor<T>(fn: () => T | undefined | false, timeoutMs = 5000, stepMs = 20): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > until) throw new Error('waitFor: condition not met in time');
    await sleep(stepMs);
  }
}

export async function caught(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected a rejection');
}

export async function expectPlatformError<T extends PlatformError = PlatformError>(p: Promise<unknown>, match: Record<string, unknown>): Promise<T> {
  const e = await caught(p);
  expect(e).toBeInstanceOf(PlatformError);
  expect(e).toMatchObject(match);
  return e as T;
}

export function eventLog(): { events: PlatformCallEvent[]; onEvent: (e: PlatformCallEvent) => void } {
  const events: PlatformCallEvent[] = [];
  return { events, onEvent: (e) => events.push(e) };
}
