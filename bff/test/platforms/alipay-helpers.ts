/** Test plumbing for the Alipay / national APP / HIS contract tests: mock app and a notify receiver. */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createMockApp, type MockPlatform } from '../../../mock/src/app';
import type { FaultRegistry } from '../../../mock/src/faults';

export interface RunningMock {
  baseUrl: string;
  faults: FaultRegistry;
  close(): Promise<void>;
}

export async function startMock(platforms: MockPlatform[]): Promise<RunningMock> {
  let baseUrl = '';
  const { app, faults } = createMockApp({ platforms, publicUrl: () => baseUrl });
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((r) => server.once('listening', () => r()));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { baseUrl, faults, close: () => closeServer(server) };
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((r) => server.close(() => r()));
}

export interface Received {
  at: number;
  headers: IncomingHttpHeaders;
  body: string;
  /** What the handler decided (e.g. the verification result). */
  verdict: unknown;
}

/** A tiny merchant endpoint: each POST is handed to `handle`, which returns [status, body, verdict]. */
export async function startReceiver(handle: (body: string, headers: IncomingHttpHeaders) => [number, string, unknown]): Promise<{
  url: string;
  received: Received[];
  waitFor(n: number, timeoutMs?: number): Promise<Received[]>;
  close(): Promise<void>;
}> {
  const received: Received[] = [];
  let waiters: (() => void)[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const [status, text, verdict] = handle(body, req.headers);
      received.push({ at: Date.now(), headers: req.headers, body, verdict });
      res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' }).end(text);
      const w = waiters;
      waiters = [];
      w.forEach((f) => f());
    });
  });
  server.listen(0, '127.0.0.1');
  await new Promise<void>((r) => server.once('listening', () => r()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/notify`;
  return {
    url,
    received,
    async waitFor(n, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      while (received.length < n) {
        if (Date.now() > deadline) throw new Error(`expected ${n} notifications, got ${received.length}`);
        await new Promise<void>((r) => {
          waiters.push(r);
          setTimeout(r, 50);
        });
      }
      return received.slice(0, n);
    },
    close: () => closeServer(server),
  };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
