/**
 * Applies pending SQL migrations the way `prisma migrate deploy` does, without Prisma's native
 * schema engine (which cannot be downloaded here), and keeps Prisma's `_prisma_migrations`
 * table exactly as the engine would:
 *  - the table is created with the engine's own DDL when missing (a non-empty database without
 *    it is refused, like P3005);
 *  - a failed migration (finished_at and rolled_back_at both NULL) blocks everything (P3009)
 *    until it is fixed and marked rolled back (`prisma migrate resolve --rolled-back`, or
 *    `npm run migrate -w prisma -- --rolled-back <name>`);
 *  - each migration: INSERT (id uuid v4, checksum = sha256 hex of migration.sql, started_at),
 *    run the script, then applied_steps_count + 1 and finished_at; on error the error text goes
 *    to `logs` (P3018 wording) and the migration stays failed.
 * Concurrency: a MariaDB named lock (GET_LOCK) per database serializes concurrent runs; the
 * second process then finds nothing pending.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createConnection, type Connection } from 'mariadb';
import { listMigrationNames, MIGRATIONS_DIR, readMigrations, scriptMatchesChecksum, splitStatements } from './migrations';
import { MIGRATIONS_TABLE } from './sql/introspect';
import { connectionConfig, parseDatabaseUrl, quoteIdent } from './url';

export interface MigrateOptions {
  log?: (msg: string) => void;
  /** Defaults to prisma/migrations. */
  migrationsDir?: string;
  /** Seconds to wait for another process's migration run (default 120). */
  lockTimeoutSeconds?: number;
}

export interface MigrationRecord {
  id: string;
  checksum: string;
  finished_at: Date | null;
  migration_name: string;
  logs: string | null;
  rolled_back_at: Date | null;
  started_at: Date;
  applied_steps_count: number;
}

/** The engine's DDL (prisma-engines, MysqlFlavour::create_migrations_table). */
export const CREATE_MIGRATIONS_TABLE_SQL = `CREATE TABLE _prisma_migrations (
    id                      VARCHAR(36) PRIMARY KEY NOT NULL,
    checksum                VARCHAR(64) NOT NULL,
    finished_at             DATETIME(3),
    migration_name          VARCHAR(255) NOT NULL,
    logs                    TEXT,
    rolled_back_at          DATETIME(3),
    started_at              DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    applied_steps_count     INTEGER UNSIGNED NOT NULL DEFAULT 0
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
`;

export class MigrationError extends Error {
  constructor(
    message: string,
    readonly code: 'P3005' | 'P3009' | 'P3018' | 'LOCK_TIMEOUT' | 'PROVIDER',
  ) {
    super(message);
    this.name = 'MigrationError';
  }
}

function lockName(database: string): string {
  const name = `prisma_migrate:${database}`;
  return name.length <= 64 ? name : `prisma_migrate:${createHash('sha256').update(database).digest('hex').slice(0, 40)}`;
}

/** Creates the database (utf8mb4_unicode_ci, as Prisma does) when it does not exist. */
export async function ensureDatabase(databaseUrl: string): Promise<boolean> {
  const { database } = parseDatabaseUrl(databaseUrl);
  const conn = await createConnection(connectionConfig(databaseUrl, { withDatabase: false }));
  try {
    const rows = (await conn.query('SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?', [database])) as unknown[];
    if (rows.length) return false;
    await conn.query(`CREATE DATABASE IF NOT EXISTS ${quoteIdent(database)} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    return true;
  } finally {
    await conn.end();
  }
}

async function tableExists(conn: Connection, table: string): Promise<boolean> {
  const rows = (await conn.query('SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?', [table])) as unknown[];
  return rows.length > 0;
}

export async function readMigrationRecords(conn: Connection): Promise<MigrationRecord[] | null> {
  if (!(await tableExists(conn, MIGRATIONS_TABLE))) return null;
  const rows = (await conn.query(
    `SELECT id, checksum, finished_at, migration_name, logs, rolled_back_at, started_at, applied_steps_count
     FROM ${MIGRATIONS_TABLE} ORDER BY started_at, migration_name`,
  )) as MigrationRecord[];
  return rows.map((r) => ({ ...r, applied_steps_count: Number(r.applied_steps_count) }));
}

function failedMigrationsError(failed: MigrationRecord[]): MigrationError {
  const details = failed
    .map((f) => {
      const logs = f.logs?.trim() ? ` with the following logs:\n${f.logs.trim()}` : '';
      return `The \`${f.migration_name}\` migration started at ${f.started_at.toISOString()} failed${logs}`;
    })
    .join('\n');
  return new MigrationError(
    '数据库中存在失败的迁移，新的迁移不会执行 / migrate found failed migrations in the target database, new migrations will not be applied. ' +
      'Fix the cause, then mark it rolled back (`npm run migrate -w prisma -- --rolled-back <name>`) and run again. ' +
      'Read more: https://pris.ly/d/migrate-resolve\n' +
      details,
    'P3009',
  );
}

/** Runs a script statement by statement; on failure returns the engine-style error text. */
async function applyScript(conn: Connection, script: string): Promise<{ ok: true } | { ok: false; code: string; message: string; index: number }> {
  const statements = splitStatements(script);
  for (let i = 0; i < statements.length; i++) {
    try {
      await conn.query(statements[i]!);
    } catch (e) {
      const err = e as { errno?: number; sqlMessage?: string; text?: string; message: string };
      return { ok: false, code: err.errno !== undefined ? String(err.errno) : 'none', message: err.sqlMessage ?? err.text ?? err.message, index: i };
    }
  }
  return { ok: true };
}

export async function migrate(databaseUrl: string, opts: MigrateOptions = {}): Promise<{ applied: string[] }> {
  const log = opts.log ?? (() => undefined);
  const dir = opts.migrationsDir ?? MIGRATIONS_DIR;
  const migrations = readMigrations(dir);
  const { database } = parseDatabaseUrl(databaseUrl);

  if (await ensureDatabase(databaseUrl)) log(`Created database \`${database}\``);

  const conn = await createConnection(connectionConfig(databaseUrl));
  const lock = lockName(database);
  let locked = false;
  try {
    const timeout = opts.lockTimeoutSeconds ?? 120;
    const [row] = (await conn.query('SELECT GET_LOCK(?, ?) AS got', [lock, timeout])) as { got: number | bigint | null }[];
    if (!row || Number(row.got) !== 1) {
      throw new MigrationError(`等待迁移锁超时 / timed out after ${timeout}s waiting for another migration run on \`${database}\``, 'LOCK_TIMEOUT');
    }
    locked = true;

    let records = await readMigrationRecords(conn);
    if (records === null) {
      const others = (await conn.query("SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE'")) as unknown[];
      if (others.length) {
        throw new MigrationError(
          `数据库 \`${database}\` 不为空且没有迁移记录 / The database schema is not empty and has no _prisma_migrations table (P3005). ` +
            'Baseline it first: https://pris.ly/d/migrate-baseline',
          'P3005',
        );
      }
      await conn.query(CREATE_MIGRATIONS_TABLE_SQL);
      records = [];
    }

    const failed = records.filter((r) => r.finished_at === null && r.rolled_back_at === null);
    if (failed.length) throw failedMigrationsError(failed);

    const active = records.filter((r) => r.rolled_back_at === null);
    const appliedNames = new Set(active.map((r) => r.migration_name));
    const local = new Map(migrations.map((m) => [m.name, m]));
    for (const r of active) {
      const m = local.get(r.migration_name);
      if (!m) log(`warning: migration \`${r.migration_name}\` is applied in the database but missing from ${dir}`);
      else if (!scriptMatchesChecksum(m.script, r.checksum)) log(`warning: migration \`${r.migration_name}\` was modified after it was applied`);
    }

    const applied: string[] = [];
    for (const m of migrations) {
      if (appliedNames.has(m.name)) continue;
      log(`Applying migration \`${m.name}\``);
      const id = randomUUID();
      await conn.query(`INSERT INTO ${MIGRATIONS_TABLE} (id, checksum, started_at, migration_name) VALUES (?, ?, UTC_TIMESTAMP(3), ?)`, [id, m.checksum, m.name]);
      const result = await applyScript(conn, m.script);
      if (!result.ok) {
        const logs =
          'A migration failed to apply. New migrations cannot be applied before the error is recovered from. ' +
          'Read more about how to resolve migration issues in a production database: https://pris.ly/d/migrate-resolve\n\n' +
          `Migration name: ${m.name}\n\nDatabase error code: ${result.code}\n\nDatabase error:\n${result.message}\n\n` +
          `Please check the query number ${result.index + 1} from the migration file.\n`;
        await conn.query(`UPDATE ${MIGRATIONS_TABLE} SET logs = ? WHERE id = ?`, [logs, id]);
        throw new MigrationError(`迁移 ${m.name} 执行失败 / ${logs}`, 'P3018');
      }
      await conn.query(`UPDATE ${MIGRATIONS_TABLE} SET applied_steps_count = applied_steps_count + 1 WHERE id = ?`, [id]);
      await conn.query(`UPDATE ${MIGRATIONS_TABLE} SET finished_at = UTC_TIMESTAMP(3) WHERE id = ?`, [id]);
      applied.push(m.name);
    }
    if (!applied.length) log('No pending migrations to apply.');
    else log(`The following migration(s) have been applied: ${applied.join(', ')}`);
    return { applied };
  } finally {
    if (locked) await conn.query('SELECT RELEASE_LOCK(?)', [lock]).catch(() => undefined);
    await conn.end().catch(() => undefined);
  }
}

/**
 * Marks a failed migration as rolled back (what `prisma migrate resolve --rolled-back` does), so
 * the next run applies it again. Only a failed migration can be marked.
 */
export async function markRolledBack(databaseUrl: string, migrationName: string): Promise<void> {
  const conn = await createConnection(connectionConfig(databaseUrl));
  try {
    const records = (await readMigrationRecords(conn)) ?? [];
    const failed = records.filter((r) => r.migration_name === migrationName && r.finished_at === null && r.rolled_back_at === null);
    if (!failed.length) throw new Error(`迁移 ${migrationName} 不是失败状态 / migration \`${migrationName}\` is not in a failed state`);
    await conn.query(`UPDATE ${MIGRATIONS_TABLE} SET rolled_back_at = UTC_TIMESTAMP(3) WHERE id IN (?)`, [failed.map((f) => f.id)]);
  } finally {
    await conn.end();
  }
}

/** Anything with Prisma Client's `$queryRawUnsafe` (PrismaClient, a transaction client). */
export interface RawQueryable {
  $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): Promise<T>;
}

export interface MigrationStatus {
  state: 'ok' | 'pending' | 'failed';
  pending: string[];
  failed: string[];
}

const localNamesCache = new Map<string, string[]>();

/**
 * Cheap status for readiness probes: one query on `_prisma_migrations` against the migration
 * directory listing (read once per process).
 */
export async function migrationStatus(prisma: RawQueryable, opts: { migrationsDir?: string } = {}): Promise<MigrationStatus> {
  const dir = opts.migrationsDir ?? MIGRATIONS_DIR;
  let local = localNamesCache.get(dir);
  if (!local) {
    local = listMigrationNames(dir);
    localNamesCache.set(dir, local);
  }
  let rows: { migration_name: string; finished_at: Date | null; rolled_back_at: Date | null }[];
  try {
    rows = await prisma.$queryRawUnsafe(`SELECT migration_name, finished_at, rolled_back_at FROM ${MIGRATIONS_TABLE}`);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    if (/1146|doesn't exist|does not exist/i.test(msg)) return { state: local.length ? 'pending' : 'ok', pending: [...local], failed: [] };
    throw e;
  }
  const failed = rows.filter((r) => r.finished_at === null && r.rolled_back_at === null).map((r) => r.migration_name);
  const done = new Set(rows.filter((r) => r.finished_at !== null && r.rolled_back_at === null).map((r) => r.migration_name));
  const pending = local.filter((n) => !done.has(n) && !failed.includes(n));
  return { state: failed.length ? 'failed' : pending.length ? 'pending' : 'ok', pending, failed };
}
