import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection, type Connection } from 'mariadb';
import { MIGRATIONS_DIR } from '../src/migrations';
import { connectionConfig } from '../src/url';

/** A writable copy of prisma/migrations (plus extra migrations), removed by `cleanup()`. */
export function copyMigrations(extra: Record<string, string> = {}): { dir: string; add(name: string, sql: string): void; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'ih-migrations-'));
  cpSync(MIGRATIONS_DIR, dir, { recursive: true });
  const add = (name: string, sql: string) => {
    mkdirSync(join(dir, name), { recursive: true });
    writeFileSync(join(dir, name, 'migration.sql'), sql);
  };
  for (const [name, sql] of Object.entries(extra)) add(name, sql);
  return { dir, add, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export async function withConnection<T>(url: string, fn: (conn: Connection) => Promise<T>): Promise<T> {
  const conn = await createConnection(connectionConfig(url));
  try {
    return await fn(conn);
  } finally {
    await conn.end();
  }
}
