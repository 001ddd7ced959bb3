/** Shared test helpers: configuration, captured logs, the run's database, an app around them. */
import { createPrisma } from '@ih/db';
import { INSECURE_DEV_SECRETS, loadConfig, type Config } from '../src/config';
import { createLogger, type Logger } from '../src/logger';
import { createApp, type BffApp } from '../src/app';
import type { Db } from '../src/deps';

export function testDatabaseUrl(): string {
  const url = process.env.IH_BFF_TEST_DATABASE_URL;
  if (!url) throw new Error('IH_BFF_TEST_DATABASE_URL is not set: run through bff/jest.config.js (globalSetup)');
  return url;
}

/** A database URL nobody listens on (port 1 is closed on these machines). */
export const UNREACHABLE_DATABASE_URL = 'mysql://root@127.0.0.1:1/ih_unreachable';

export function testConfig(env: Record<string, string> = {}): Config {
  return loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: process.env.IH_BFF_TEST_DATABASE_URL ?? 'mysql://root@127.0.0.1:3306/ih_unset',
    STATIC_DIR: 'off',
    PORT: '0',
    ...INSECURE_DEV_SECRETS,
    ...env,
  });
}

export interface CapturedLogger {
  logger: Logger;
  lines: string[];
  text(): string;
  records(): Array<Record<string, unknown>>;
}

export function captureLogger(level: 'debug' | 'info' | 'trace' = 'debug'): CapturedLogger {
  const lines: string[] = [];
  const logger = createLogger({ level, destination: { write: (s: string) => void lines.push(s) } });
  return {
    logger,
    lines,
    text: () => lines.join(''),
    records: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

export interface TestApp {
  app: BffApp;
  config: Config;
  prisma: Db;
  log: CapturedLogger;
}

export function makeApp(opts: { env?: Record<string, string>; databaseUrl?: string } = {}): TestApp {
  const config = testConfig({ ...(opts.databaseUrl ? { DATABASE_URL: opts.databaseUrl } : {}), ...opts.env });
  const prisma = createPrisma(config.databaseUrl);
  const log = captureLogger();
  const app = createApp({ config, prisma, logger: log.logger });
  return { app, config, prisma, log };
}
