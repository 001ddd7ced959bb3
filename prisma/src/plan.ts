/**
 * Migration authoring without Prisma's engine (`prisma migrate dev --create-only` stand-in):
 * apply every existing migration to a throw-away shadow database, compare it with the schema
 * and render the difference as the next migration.sql, in Prisma's layout and format.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createConnection } from 'mariadb';
import { migrate } from './migrate';
import { MIGRATION_NAME_RE, MIGRATIONS_DIR } from './migrations';
import { migrationScript } from './sql/compare';
import { expectedSchema } from './sql/dmmf';
import { introspect } from './sql/introspect';
import { connectionConfig, quoteIdent, withDatabase } from './url';

export interface PlanOptions {
  schemaPath?: string;
  schemaText?: string;
  migrationsDir?: string;
}

/** The SQL that brings the migrations up to the schema, or null when they already match. */
export async function planMigration(databaseUrl: string, opts: PlanOptions = {}): Promise<{ script: string; warnings: string[] } | null> {
  const expected = expectedSchema(opts);
  const name = `ih_shadow_${randomBytes(6).toString('hex')}`;
  const url = withDatabase(databaseUrl, name);
  try {
    await migrate(url, opts.migrationsDir ? { migrationsDir: opts.migrationsDir } : {});
    const conn = await createConnection(connectionConfig(url));
    try {
      return migrationScript(expected, await introspect(conn), { ignoreImplicitFkIndexes: true });
    } finally {
      await conn.end();
    }
  } finally {
    const server = await createConnection(connectionConfig(databaseUrl, { withDatabase: false }));
    await server.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)}`).finally(() => server.end());
  }
}

/** `20261122061530` (UTC), the prefix Prisma gives migration directories. */
export function migrationTimestamp(d: Date = new Date()): string {
  return d.toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

export function writeMigration(name: string, script: string, opts: { migrationsDir?: string; now?: Date } = {}): string {
  const slug = name.trim().toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '');
  const dirName = `${migrationTimestamp(opts.now)}_${slug}`;
  if (!slug || !MIGRATION_NAME_RE.test(dirName)) throw new Error(`迁移名称无效 / invalid migration name "${name}" (use letters, digits, _)`);
  const dir = join(opts.migrationsDir ?? MIGRATIONS_DIR, dirName);
  mkdirSync(dir, { recursive: false });
  writeFileSync(join(dir, 'migration.sql'), script);
  return dir;
}
