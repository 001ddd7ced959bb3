/**
 * Drift check: does the migrated database match schema.prisma, and do the migration files
 * still match what was applied?
 *
 * Expected side: the schema's DMMF (@prisma/prisma-schema-wasm get_dmmf) turned into the MySQL
 * schema Prisma would create (src/sql/dmmf.ts). Actual side: information_schema (src/sql/
 * introspect.ts). Compared: tables, columns, column types (incl. enum values), nullability,
 * defaults, AUTO_INCREMENT, primary keys, indexes and unique keys (name, columns, order,
 * uniqueness), foreign keys (columns, target, ON DELETE/UPDATE), table engine. Migration history:
 * pending, failed, edited (checksum) and unknown migrations.
 */
import { randomBytes } from 'node:crypto';
import { createConnection } from 'mariadb';
import { migrate } from './migrate';
import { MIGRATIONS_DIR, readMigrations, scriptMatchesChecksum } from './migrations';
import { compareSchemas, migrationScript } from './sql/compare';
import { expectedSchema, foreignKeysWithoutIndex } from './sql/dmmf';
import { introspect } from './sql/introspect';
import type { SchemaDef } from './sql/model';
import { readMigrationRecords } from './migrate';
import { connectionConfig, parseDatabaseUrl, quoteIdent, withDatabase } from './url';

export interface DriftOptions {
  /** Path of the Prisma schema to compare with (default prisma/schema.prisma). */
  schemaPath?: string;
  /** Schema text to compare with (wins over schemaPath). */
  schemaText?: string;
  /** Migrations directory (default prisma/migrations). */
  migrationsDir?: string;
}

export interface DriftResult {
  ok: boolean;
  differences: string[];
  /** Not failures: e.g. a foreign key InnoDB will index implicitly. */
  warnings: string[];
  /** The SQL that would bring the database to the schema (null when there is none). */
  suggestedMigration: string | null;
}

export async function checkDrift(databaseUrl: string, opts: DriftOptions = {}): Promise<DriftResult> {
  const expected: SchemaDef = expectedSchema(opts);
  const warnings = foreignKeysWithoutIndex(expected);
  const differences: string[] = [];
  const { database } = parseDatabaseUrl(databaseUrl);

  const server = await createConnection(connectionConfig(databaseUrl, { withDatabase: false }));
  try {
    const exists = (await server.query('SELECT 1 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?', [database])) as unknown[];
    if (!exists.length) {
      return { ok: false, differences: [`Database \`${database}\` does not exist: run the migrations first (npm run db:migrate).`], warnings, suggestedMigration: null };
    }
  } finally {
    await server.end();
  }

  const conn = await createConnection(connectionConfig(databaseUrl));
  try {
    const dir = opts.migrationsDir ?? MIGRATIONS_DIR;
    const local = readMigrations(dir);
    const records = await readMigrationRecords(conn);
    if (records === null) {
      differences.push(`Database \`${database}\` has no _prisma_migrations table: no migration was ever applied to it.`);
    } else {
      const active = records.filter((r) => r.rolled_back_at === null);
      for (const r of active) {
        if (r.finished_at === null) {
          differences.push(`Migration \`${r.migration_name}\` failed (started ${r.started_at.toISOString()}) and blocks further migrations.`);
        }
      }
      const byName = new Map(local.map((m) => [m.name, m]));
      for (const r of active) {
        const m = byName.get(r.migration_name);
        if (!m) differences.push(`Migration \`${r.migration_name}\` is recorded as applied but its directory is missing from the migrations folder.`);
        else if (!scriptMatchesChecksum(m.script, r.checksum)) {
          differences.push(`Migration \`${r.migration_name}\` was modified after it was applied: the checksum of its migration.sql (${m.checksum}) no longer matches the applied one (${r.checksum}).`);
        }
      }
      const applied = new Set(active.filter((r) => r.finished_at !== null).map((r) => r.migration_name));
      const failed = new Set(active.filter((r) => r.finished_at === null).map((r) => r.migration_name));
      for (const m of local) {
        if (!applied.has(m.name) && !failed.has(m.name)) differences.push(`Migration \`${m.name}\` has not been applied to the database.`);
      }
    }

    const actual = await introspect(conn);
    const schemaDiffs = compareSchemas(expected, actual, { ignoreImplicitFkIndexes: true, checkEngine: true });
    differences.push(...schemaDiffs.map((d) => d.message));
    const suggested = schemaDiffs.length ? migrationScript(expected, actual, { ignoreImplicitFkIndexes: true }) : null;
    return { ok: differences.length === 0, differences, warnings, suggestedMigration: suggested?.script ?? null };
  } finally {
    await conn.end();
  }
}

/**
 * Applies every migration to a throw-away database on the same server and checks it against the
 * schema: verifies the migration files themselves, whatever state DATABASE_URL is in.
 */
export async function checkMigrationsMatchSchema(databaseUrl: string, opts: DriftOptions = {}): Promise<DriftResult> {
  const name = `ih_shadow_${randomBytes(6).toString('hex')}`;
  const url = withDatabase(databaseUrl, name);
  try {
    await migrate(url, { ...(opts.migrationsDir ? { migrationsDir: opts.migrationsDir } : {}) });
    return await checkDrift(url, opts);
  } finally {
    const conn = await createConnection(connectionConfig(databaseUrl, { withDatabase: false }));
    await conn.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)}`).finally(() => conn.end());
  }
}
