/**
 * Helpers shared by the root commands (start, test): local secrets for the demo,
 * child processes, waiting for health, and "is this client build up to date?".
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

export const ROOT = resolve(__dirname, '..');
export const DATA_DIR = join(ROOT, '.data');

export function log(msg: string): void {
  process.stdout.write(`\x1b[36m[ih]\x1b[0m ${msg}\n`);
}

/**
 * Demo secrets are generated on first start and kept in .data/ (git-ignored), never committed.
 * Real deployments pass them as environment variables instead.
 */
export function ensureLocalSecrets(): Record<string, string> {
  mkdirSync(DATA_DIR, { recursive: true });
  const file = join(DATA_DIR, 'secrets.json');
  const wanted = ['DATA_ENCRYPTION_KEY', 'DATA_HASH_KEY', 'SESSION_SECRET'];
  let secrets: Record<string, string> = {};
  if (existsSync(file)) secrets = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
  let changed = false;
  for (const k of wanted) {
    if (!secrets[k]) {
      secrets[k] = randomBytes(32).toString('base64');
      changed = true;
    }
  }
  if (changed) writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  // Explicit environment wins over the local file.
  const out: Record<string, string> = {};
  for (const k of wanted) out[k] = process.env[k] ?? secrets[k]!;
  return { ...ensureDemoKeys(), ...out };
}

/** Key pairs shared by the mocks and the BFF for the demo (see mock/src/demo-keys.ts). */
function ensureDemoKeys(): Record<string, string> {
  // Loaded lazily: the platform modules register their generators on import.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { completeDemoKeys, demoKeyEnv } = require('../mock/src/platforms') as typeof import('../mock/src/platforms');
  const file = join(DATA_DIR, 'demo-keys.json');
  const existing = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, Record<string, string>>) : {};
  const keys = completeDemoKeys(existing);
  if (JSON.stringify(keys) !== JSON.stringify(existing)) writeFileSync(file, JSON.stringify(keys, null, 2), { mode: 0o600 });
  const env = demoKeyEnv(keys);
  for (const k of Object.keys(env)) if (process.env[k]) env[k] = process.env[k]!;
  return env;
}

export function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): void {
  const r = spawnSync(cmd, args, { cwd: ROOT, stdio: 'inherit', env });
  if (r.status !== 0) {
    throw new Error(`命令失败 (${r.status ?? r.signal}): ${cmd} ${args.join(' ')}`);
  }
}

export function startChild(name: string, cmd: string, args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  const child = spawn(cmd, args, { cwd: ROOT, env, stdio: ['ignore', 'inherit', 'inherit'] });
  child.on('exit', (code, signal) => {
    if (code !== 0 && signal !== 'SIGTERM' && signal !== 'SIGINT') log(`${name} exited (${code ?? signal})`);
  });
  return child;
}

export async function waitForHttp(url: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError = '';
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url);
      if (res.ok) return;
      lastError = `HTTP ${res.status}`;
    } catch (e) {
      lastError = (e as Error).message;
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`等待 ${url} 超时: ${lastError}`);
}

// ---- client build freshness -------------------------------------------------
const CLIENT_INPUTS = ['client/src', 'client/config', 'client/types', 'client/scripts', 'client/babel.config.js', 'client/tsconfig.json', 'client/package.json', 'client/mini.project.json', 'contract/src', 'project.config.json'];

function listFiles(path: string): string[] {
  if (!existsSync(path)) return [];
  const st = statSync(path);
  if (st.isFile()) return [path];
  return readdirSync(path).sort().flatMap((name) => listFiles(join(path, name)));
}

/** A hash of everything a client build depends on (sources, config, .env files), not of mtimes. */
export function clientSourceHash(target: string): string {
  const h = createHash('sha256').update(target);
  const inputs = [...CLIENT_INPUTS, ...readdirSync(join(ROOT, 'client')).filter((f) => f.startsWith('.env')).map((f) => `client/${f}`)];
  for (const input of inputs) {
    for (const file of listFiles(join(ROOT, input))) {
      h.update(relative(ROOT, file)).update('\0').update(readFileSync(file)).update('\0');
    }
  }
  for (const [k, v] of Object.entries(process.env)) if (k.startsWith('TARO_APP_')) h.update(`${k}=${v}`);
  return h.digest('hex');
}

const stampFile = (target: string) => join(ROOT, 'client', 'dist', target, '.source-hash');

export function writeBuildStamp(target: string): void {
  writeFileSync(stampFile(target), clientSourceHash(target));
}

export function isBuildFresh(target: string): boolean {
  const f = stampFile(target);
  return existsSync(f) && readFileSync(f, 'utf8').trim() === clientSourceHash(target);
}

/** Builds a target only when its sources changed since the last build (or it was never built). */
export function ensureClientBuild(target: 'weapp' | 'alipay' | 'h5'): void {
  if (isBuildFresh(target)) {
    log(`client ${target} build is up to date`);
    return;
  }
  log(`building client for ${target} …`);
  run('npm', ['run', `build:${target}`, '--silent']);
}
