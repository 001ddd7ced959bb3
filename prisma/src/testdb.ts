/**
 * Throw-away databases for tests: `ih_test_<random>` on the server of DATABASE_URL (or the
 * default), migrated with every migration. Each jest run creates its own and drops it after.
 */
import { randomBytes } from 'node:crypto';
import { createConnection } from 'mariadb';
import { migrate } from './migrate';
import { connectionConfig, DEFAULT_DATABASE_URL, quoteIdent, withDatabase } from './url';

export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

export async function createTestDatabase(baseUrl: string = process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL): Promise<TestDatabase> {
  const name = `ih_test_${randomBytes(6).toString('hex')}`;
  const url = withDatabase(baseUrl, name);
  const drop = async (): Promise<void> => {
    const conn = await createConnection(connectionConfig(url, { withDatabase: false }));
    try {
      await conn.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)}`);
    } finally {
      await conn.end();
    }
  };
  try {
    await migrate(url);
  } catch (e) {
    await drop().catch(() => undefined);
    throw e;
  }
  return { url, name, drop };
}
