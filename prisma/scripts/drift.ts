/**
 * `npm run db:check`: fails (exit 1) when the database at DATABASE_URL differs from
 * schema.prisma, or when a migration is pending, failed, unknown or edited after it was applied.
 *   --shadow   also apply all migrations to a throw-away database and compare that (checks the
 *              migration files themselves, whatever state DATABASE_URL is in)
 *   --sql      print the SQL that would remove the differences (a starting point for a migration)
 */
import { checkDrift, checkMigrationsMatchSchema, type DriftResult } from '../src/drift';
import { DEFAULT_DATABASE_URL, parseDatabaseUrl } from '../src/url';

function report(title: string, r: DriftResult, showSql: boolean): boolean {
  for (const w of r.warnings) process.stdout.write(`[db:check] warning: ${w}\n`);
  if (r.ok) {
    process.stdout.write(`[db:check] ${title}: no drift ✔\n`);
    return true;
  }
  process.stdout.write(`[db:check] ${title}: ${r.differences.length} difference(s):\n`);
  for (const d of r.differences) process.stdout.write(`  - ${d}\n`);
  if (showSql && r.suggestedMigration) process.stdout.write(`\n-- SQL that would remove the schema differences:\n${r.suggestedMigration}\n`);
  return false;
}

async function main(): Promise<void> {
  const url = process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL;
  const { database } = parseDatabaseUrl(url);
  const args = process.argv.slice(2);
  const showSql = args.includes('--sql');
  let ok = report(`database \`${database}\` vs schema.prisma`, await checkDrift(url), showSql);
  if (args.includes('--shadow')) {
    ok = report('migrations (applied to a shadow database) vs schema.prisma', await checkMigrationsMatchSchema(url), showSql) && ok;
  }
  if (!ok) {
    process.stdout.write('\n数据库与 schema 不一致 / the database has drifted from the schema (see README.md → "Drift check").\n');
    process.exit(1);
  }
}

main().catch((e: Error) => {
  process.stderr.write(`\n漂移检查失败 / drift check failed to run:\n${e.message}\n`);
  process.exit(2);
});
