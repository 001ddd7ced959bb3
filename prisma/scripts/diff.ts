/**
 * `npm run diff -w prisma -- <name>`: writes the next migration for the changes made to
 * schema.prisma (what `prisma migrate dev --create-only --name <name>` would do where the engine
 * exists). Uses a throw-away shadow database on DATABASE_URL's server; DATABASE_URL itself is
 * not touched. Review the SQL (and any warnings), then `npm run db:migrate` and `npm run db:check`.
 *   --print   print the SQL instead of writing a migration directory
 */
import { planMigration, writeMigration } from '../src/plan';
import { DEFAULT_DATABASE_URL } from '../src/url';

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const print = args.includes('--print');
  const name = args.find((a) => !a.startsWith('--'));
  if (!print && !name) throw new Error('用法 / usage: npm run diff -w prisma -- <migration_name> [--print]');
  const plan = await planMigration(process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL);
  if (!plan) {
    process.stdout.write('[db:diff] schema.prisma and the migrations already match: nothing to do.\n');
    return;
  }
  if (print) {
    process.stdout.write(plan.script);
    return;
  }
  const dir = writeMigration(name!, plan.script);
  process.stdout.write(`[db:diff] wrote ${dir}/migration.sql\n`);
  for (const w of plan.warnings) process.stdout.write(`[db:diff] warning: ${w}\n`);
  process.stdout.write('[db:diff] review it, then: npm run db:migrate && npm run db:check\n');
}

main().catch((e: Error) => {
  process.stderr.write(`\n生成迁移失败 / could not create the migration:\n${e.message}\n`);
  process.exit(1);
});
