/**
 * `npm run db:migrate`: applies pending migrations to DATABASE_URL (creating the database if
 * needed) and keeps `_prisma_migrations` as `prisma migrate deploy` would.
 *   --rolled-back <name>   mark a failed migration rolled back (after fixing its cause)
 *   --status               print applied / pending / failed and exit (1 unless all applied)
 */
import { createConnection } from 'mariadb';
import { markRolledBack, migrate, readMigrationRecords } from '../src/migrate';
import { listMigrationNames } from '../src/migrations';
import { connectionConfig, DEFAULT_DATABASE_URL, parseDatabaseUrl } from '../src/url';

async function main(): Promise<void> {
  const url = process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL;
  const { database, host, port } = parseDatabaseUrl(url);
  const args = process.argv.slice(2);
  const log = (m: string) => process.stdout.write(`[db] ${m}\n`);

  const rb = args.indexOf('--rolled-back');
  if (rb >= 0) {
    const name = args[rb + 1];
    if (!name) throw new Error('用法 / usage: --rolled-back <migration_name>');
    await markRolledBack(url, name);
    log(`Migration \`${name}\` marked as rolled back.`);
    return;
  }

  if (args.includes('--status')) {
    const conn = await createConnection(connectionConfig(url));
    try {
      const records = (await readMigrationRecords(conn)) ?? [];
      const active = records.filter((r) => r.rolled_back_at === null);
      const done = new Set(active.filter((r) => r.finished_at).map((r) => r.migration_name));
      const failed = active.filter((r) => !r.finished_at).map((r) => r.migration_name);
      const pending = listMigrationNames().filter((n) => !done.has(n) && !failed.includes(n));
      log(`${database}@${host}:${port}: ${done.size} applied, ${pending.length} pending, ${failed.length} failed`);
      for (const n of pending) log(`  pending: ${n}`);
      for (const n of failed) log(`  FAILED:  ${n}`);
      if (pending.length || failed.length) process.exitCode = 1;
    } finally {
      await conn.end();
    }
    return;
  }

  log(`migrating ${database}@${host}:${port}`);
  await migrate(url, { log });
}

main().catch((e: Error) => {
  process.stderr.write(`\n数据库迁移失败 / migration failed:\n${e.message}\n`);
  process.exit(1);
});
