/**
 * Prisma 7 CLI configuration for @ih/db. The CLI is used here only for `generate`
 * (scripts/generate.ts); migrations are applied by src/migrate.ts (see README.md), but the
 * layout below is Prisma's own, so `prisma migrate deploy/status` work wherever the schema
 * engine is available.
 */
import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: 'schema.prisma',
  migrations: { path: 'migrations' },
  datasource: {
    url: process.env.DATABASE_URL ?? 'mysql://root@127.0.0.1:3306/internet_hospital',
  },
});
