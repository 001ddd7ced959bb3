/**
 * Starts the real product for a browser test: a fresh MariaDB database (migrated + demo seed),
 * the mocks and the BFF (which serves the H5 build) as child processes on free ports.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { completeDemoKeys, demoKeyEnv } from '../../mock/src/platforms';

export const ROOT = resolve(__dirname, '..', '..');

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolvePort(addr.port) : reject(new Error('no port'))));
    });
  });
}

async function waitFor(url: string, child: ChildProcess, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${url}: process exited with ${child.exitCode}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${url}`);
}

export interface Stack {
  baseUrl: string;
  mockUrl: string;
  databaseUrl: string;
  logs: string[];
  stop(): Promise<void>;
}

export async function startStack(): Promise<Stack> {
  // Imported lazily so jest's transform applies and the generated client exists by now.
  const { createTestDatabase } = await import('@ih/db');
  const db = await createTestDatabase();
  const [port, mockPort] = [await freePort(), await freePort()];
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'test',
    DATABASE_URL: db.url,
    PORT: String(port),
    MOCK_PORT: String(mockPort),
    MOCK_PUBLIC_URL: `http://127.0.0.1:${mockPort}`,
    PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
    STATIC_DIR: join(ROOT, 'client', 'dist', 'h5'),
    DATA_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    DATA_HASH_KEY: randomBytes(32).toString('base64'),
    SESSION_SECRET: randomBytes(32).toString('base64'),
    LOG_LEVEL: 'warn',
    // Fresh demo keys shared by the mocks and the BFF (as `npm start` does with .data/).
    ...demoKeyEnv(completeDemoKeys({})),
  };
  const seeded = spawnSync('npx', ['tsx', 'prisma/scripts/seed.ts'], { cwd: ROOT, env, encoding: 'utf8' });
  if (seeded.status !== 0) throw new Error(`seed failed: ${seeded.stderr || seeded.stdout}`);

  const logs: string[] = [];
  const launch = (name: string, script: string) => {
    const child = spawn(process.execPath, [join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), script], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (d: Buffer) => logs.push(`[${name}] ${d.toString()}`));
    child.stderr!.on('data', (d: Buffer) => logs.push(`[${name}] ${d.toString()}`));
    return child;
  };
  const mock = launch('mock', 'mock/src/main.ts');
  const bff = launch('bff', 'bff/src/server.ts');
  try {
    await waitFor(`http://127.0.0.1:${mockPort}/healthz`, mock);
    await waitFor(`http://127.0.0.1:${port}/readyz`, bff);
  } catch (e) {
    mock.kill('SIGKILL');
    bff.kill('SIGKILL');
    await db.drop();
    throw new Error(`${(e as Error).message}\n${logs.join('')}`);
  }
  const stopChild = (c: ChildProcess) =>
    new Promise<void>((r) => {
      if (c.exitCode !== null) return r();
      c.once('exit', () => r());
      c.kill('SIGTERM');
      setTimeout(() => c.kill('SIGKILL'), 8000).unref();
    });
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    mockUrl: `http://127.0.0.1:${mockPort}`,
    databaseUrl: db.url,
    logs,
    async stop() {
      await Promise.all([stopChild(bff), stopChild(mock)]);
      await db.drop();
    },
  };
}
