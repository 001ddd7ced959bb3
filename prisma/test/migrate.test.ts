import { randomBytes, createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createConnection } from 'mariadb';
import { createPrisma } from '../src/client';
import { markRolledBack, migrate, migrationStatus, MigrationError, type MigrationRecord } from '../src/migrate';
import { listMigrationNames, MIGRATIONS_DIR, splitStatements } from '../src/migrations';
import { createTestDatabase, type TestDatabase } from '../src/testdb';
import { connectionConfig, DEFAULT_DATABASE_URL, quoteIdent, withDatabase } from '../src/url';
import { copyMigrations, withConnection } from './helpers';

const baseUrl = process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL;
const migrationNames = listMigrationNames();

async function records(url: string): Promise<MigrationRecord[]> {
  return withConnection(url, async (c) => (await c.query('SELECT * FROM _prisma_migrations ORDER BY migration_name')) as MigrationRecord[]);
}

/** A database name that does not exist yet (migrate must create it), dropped after the test. */
function freshUrl(): { url: string; drop(): Promise<void> } {
  const name = `ih_test_${randomBytes(6).toString('hex')}`;
  return {
    url: withDatabase(baseUrl, name),
    drop: async () => {
      const conn = await createConnection(connectionConfig(baseUrl, { withDatabase: false }));
      await conn.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)}`).finally(() => conn.end());
    },
  };
}

describe('migrate', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('has at least the init migration in Prisma layout', () => {
    expect(migrationNames.length).toBeGreaterThanOrEqual(1);
    for (const n of migrationNames) expect(n).toMatch(/^\d{14}_[a-z0-9_]+$/);
    expect(readFileSync(join(MIGRATIONS_DIR, 'migration_lock.toml'), 'utf8')).toMatch(/^provider = "mysql"$/m);
  });

  it('records every migration in _prisma_migrations with Prisma checksums and timestamps', async () => {
    const rows = await records(db.url);
    expect(rows.map((r) => r.migration_name)).toEqual(migrationNames);
    for (const r of rows) {
      const file = readFileSync(join(MIGRATIONS_DIR, r.migration_name, 'migration.sql'));
      expect(r.checksum).toBe(createHash('sha256').update(file).digest('hex'));
      expect(r.checksum).toMatch(/^[0-9a-f]{64}$/);
      expect(r.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(r.finished_at).toBeInstanceOf(Date);
      expect(r.finished_at!.getTime()).toBeGreaterThanOrEqual(r.started_at.getTime());
      expect(Math.abs(r.started_at.getTime() - Date.now())).toBeLessThan(10 * 60_000); // stored as UTC
      expect(r.rolled_back_at).toBeNull();
      expect(r.logs).toBeNull();
      expect(Number(r.applied_steps_count)).toBe(1);
    }
  });

  it('creates _prisma_migrations with the engine’s column definitions', async () => {
    const cols = await withConnection(db.url, async (c) =>
      (await c.query(
        `SELECT COLUMN_NAME AS name, COLUMN_TYPE AS type, IS_NULLABLE AS nullable FROM information_schema.COLUMNS
         WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = '_prisma_migrations' ORDER BY ORDINAL_POSITION`,
      )) as { name: string; type: string; nullable: string }[],
    );
    expect(cols.map((c) => `${c.name} ${c.type} ${c.nullable}`)).toEqual([
      'id varchar(36) NO',
      'checksum varchar(64) NO',
      'finished_at datetime(3) YES',
      'migration_name varchar(255) NO',
      'logs text YES',
      'rolled_back_at datetime(3) YES',
      'started_at datetime(3) NO',
      'applied_steps_count int(10) unsigned NO',
    ]);
  });

  it('is a no-op the second time', async () => {
    const before = await records(db.url);
    const logs: string[] = [];
    const r = await migrate(db.url, { log: (m) => logs.push(m) });
    expect(r.applied).toEqual([]);
    expect(logs).toContain('No pending migrations to apply.');
    const after = await records(db.url);
    expect(after).toEqual(before);
  });

  it('reports ok through migrationStatus', async () => {
    const prisma = createPrisma(db.url);
    try {
      await expect(migrationStatus(prisma)).resolves.toEqual({ state: 'ok', pending: [], failed: [] });
      const extra = copyMigrations({ '29990101000000_later': 'SELECT 1;\n' });
      try {
        await expect(migrationStatus(prisma, { migrationsDir: extra.dir })).resolves.toEqual({ state: 'pending', pending: ['29990101000000_later'], failed: [] });
      } finally {
        extra.cleanup();
      }
    } finally {
      await prisma.$disconnect();
    }
  });
});

describe('migrate: concurrency, creation, failures', () => {
  it('creates a missing database and applies each migration once when two runs start together', async () => {
    const fresh = freshUrl();
    try {
      const [a, b] = await Promise.all([migrate(fresh.url), migrate(fresh.url)]);
      expect([...a.applied, ...b.applied].sort()).toEqual(migrationNames);
      expect(a.applied.length === 0 || b.applied.length === 0).toBe(true);
      const rows = await records(fresh.url);
      expect(rows.map((r) => r.migration_name)).toEqual(migrationNames);
      const charset = await withConnection(fresh.url, async (c) => (await c.query('SELECT @@character_set_database AS cs, @@collation_database AS co')) as { cs: string; co: string }[]);
      expect(charset[0]).toEqual({ cs: 'utf8mb4', co: 'utf8mb4_unicode_ci' });
    } finally {
      await fresh.drop();
    }
  });

  it('records a failed migration with logs, blocks later runs, and resumes after it is marked rolled back', async () => {
    const fresh = freshUrl();
    const dirs = copyMigrations({
      '29990101000000_broken': '-- AlterTable\nALTER TABLE `users` ADD COLUMN `demo_flag` BOOLEAN NOT NULL DEFAULT false;\n\nALTER TABLE `no_such_table` ADD COLUMN `x` INTEGER NULL;\n',
    });
    try {
      const err = await migrate(fresh.url, { migrationsDir: dirs.dir }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(MigrationError);
      expect((err as MigrationError).code).toBe('P3018');
      let rows = await records(fresh.url);
      const failed = rows.find((r) => r.migration_name === '29990101000000_broken')!;
      expect(failed.finished_at).toBeNull();
      expect(failed.rolled_back_at).toBeNull();
      expect(Number(failed.applied_steps_count)).toBe(0);
      expect(failed.logs).toContain('Migration name: 29990101000000_broken');
      expect(failed.logs).toContain('Database error code: 1146');
      expect(failed.logs).toContain('query number 2');

      const prisma = createPrisma(fresh.url);
      try {
        await expect(migrationStatus(prisma, { migrationsDir: dirs.dir })).resolves.toEqual({ state: 'failed', pending: [], failed: ['29990101000000_broken'] });
      } finally {
        await prisma.$disconnect();
      }

      // Blocked (P3009) until resolved, even with nothing else to do.
      await expect(migrate(fresh.url, { migrationsDir: dirs.dir })).rejects.toMatchObject({ code: 'P3009' });

      // Fix the migration (the first statement already ran: make it idempotent), resolve, re-run.
      dirs.add('29990101000000_broken', '-- AlterTable\nALTER TABLE `users` DROP COLUMN `demo_flag`;\n');
      await markRolledBack(fresh.url, '29990101000000_broken');
      const r = await migrate(fresh.url, { migrationsDir: dirs.dir });
      expect(r.applied).toEqual(['29990101000000_broken']);
      rows = await records(fresh.url);
      const attempts = rows.filter((x) => x.migration_name === '29990101000000_broken');
      expect(attempts).toHaveLength(2);
      expect(attempts.filter((x) => x.rolled_back_at !== null)).toHaveLength(1);
      expect(attempts.filter((x) => x.finished_at !== null && x.rolled_back_at === null)).toHaveLength(1);
    } finally {
      dirs.cleanup();
      await fresh.drop();
    }
  });

  it('reports every migration pending on a database that was never migrated', async () => {
    const fresh = freshUrl();
    try {
      const conn = await createConnection(connectionConfig(fresh.url, { withDatabase: false }));
      await conn.query(`CREATE DATABASE ${quoteIdent(new URL(fresh.url).pathname.slice(1))}`).finally(() => conn.end());
      const prisma = createPrisma(fresh.url);
      try {
        await expect(migrationStatus(prisma)).resolves.toEqual({ state: 'pending', pending: migrationNames, failed: [] });
      } finally {
        await prisma.$disconnect();
      }
    } finally {
      await fresh.drop();
    }
  });

  it('refuses a non-empty database that has no migration history (P3005)', async () => {
    const fresh = freshUrl();
    try {
      const conn = await createConnection(connectionConfig(fresh.url, { withDatabase: false }));
      await conn.query(`CREATE DATABASE ${quoteIdent(new URL(fresh.url).pathname.slice(1))}`).finally(() => conn.end());
      await withConnection(fresh.url, (c) => c.query('CREATE TABLE legacy (id INT PRIMARY KEY)'));
      await expect(migrate(fresh.url)).rejects.toMatchObject({ code: 'P3005' });
    } finally {
      await fresh.drop();
    }
  });
});

describe('splitStatements', () => {
  it('splits on semicolons outside strings and comments', () => {
    const sql = "-- CreateTable\nCREATE TABLE `a;b` (`x` VARCHAR(3) DEFAULT 'x;y');\n/* c; d */\nINSERT INTO t VALUES ('it''s; ok', \"q;\");\n# trailing; comment\nSELECT 1";
    expect(splitStatements(sql)).toEqual(["CREATE TABLE `a;b` (`x` VARCHAR(3) DEFAULT 'x;y')", "INSERT INTO t VALUES ('it''s; ok', \"q;\")", 'SELECT 1']);
  });
});
