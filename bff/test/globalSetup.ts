/**
 * One fresh, migrated MariaDB database for this run (ih_test_<random>), dropped in
 * globalTeardown. Test files get its URL through IH_BFF_TEST_DATABASE_URL.
 */
import { createTestDatabase } from '@ih/db';

export default async function globalSetup(): Promise<void> {
  const db = await createTestDatabase(process.env.DATABASE_URL || undefined);
  (globalThis as { __ihBffTestDb?: { drop(): Promise<void> } }).__ihBffTestDb = db;
  process.env.IH_BFF_TEST_DATABASE_URL = db.url;
}
