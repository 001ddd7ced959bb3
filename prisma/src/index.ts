/**
 * @ih/db — the database workspace: Prisma schema and client, SQL migrations with Prisma's
 * bookkeeping, drift check, field encryption, demo seed.
 */
export * from '../generated/client/client';
export { createPrisma, type CreatePrismaOptions } from './client';
export { migrate, migrationStatus, markRolledBack, ensureDatabase, MigrationError, type MigrateOptions, type MigrationStatus, type RawQueryable } from './migrate';
export { checkDrift, checkMigrationsMatchSchema, type DriftOptions, type DriftResult } from './drift';
export { planMigration, writeMigration, type PlanOptions } from './plan';
export { createTestDatabase, type TestDatabase } from './testdb';
export { FieldCipher, FieldCipherError, normalizeIdNumber, normalizePhone, type FieldCipherOptions } from './cipher';
export { hashPassword, verifyPassword } from './password';
export { seed, type SeedOptions, type SeedResult } from './seed';
export { DEFAULT_DATABASE_URL, parseDatabaseUrl, withDatabase } from './url';
