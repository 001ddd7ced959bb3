import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { createPrisma, createTestDatabase } from '@ih/db';
import { ReadyResponseSchema } from '@ih/contract';
import { makeApp, testDatabaseUrl, UNREACHABLE_DATABASE_URL, type TestApp } from './helpers';

const opened: TestApp[] = [];
function appOn(databaseUrl: string): TestApp {
  const t = makeApp({ databaseUrl });
  opened.push(t);
  return t;
}
afterAll(async () => {
  await Promise.all(opened.map((t) => t.prisma.$disconnect()));
});

describe('GET /readyz', () => {
  it('is ready on the migrated database', async () => {
    const { app } = appOn(testDatabaseUrl());
    const res = await request(app.callback()).get('/readyz').expect(200);
    expect(ReadyResponseSchema.parse(res.body)).toEqual({ status: 'ready', checks: { database: 'ok', migrations: 'ok' } });
  });

  it('is 503 when the database is unreachable (and says so quickly)', async () => {
    const { app, log } = appOn(UNREACHABLE_DATABASE_URL);
    const started = Date.now();
    const res = await request(app.callback()).get('/readyz').expect(503);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(res.body).toEqual({ status: 'not_ready', checks: { database: 'unreachable', migrations: 'unknown' } });
    expect(log.records().some((r) => r.msg === 'readiness: database unreachable')).toBe(true);
  });

  it('is 503 with the pending migrations on a database that was never migrated', async () => {
    const admin = createPrisma(testDatabaseUrl());
    const name = `ih_test_bff_empty_${randomBytes(4).toString('hex')}`;
    await admin.$executeRawUnsafe(`CREATE DATABASE \`${name}\``);
    try {
      const url = new URL(testDatabaseUrl());
      url.pathname = `/${name}`;
      const t = appOn(url.toString());
      const res = await request(t.app.callback()).get('/readyz').expect(503);
      const body = ReadyResponseSchema.parse(res.body);
      expect(body.status).toBe('not_ready');
      expect(body.checks).toEqual({ database: 'ok', migrations: 'pending' });
      expect(body.pendingMigrations!.length).toBeGreaterThan(0);
      await t.prisma.$disconnect();
    } finally {
      await admin.$executeRawUnsafe(`DROP DATABASE IF EXISTS \`${name}\``);
      await admin.$disconnect();
    }
  });

  it('is 503 when a migration failed', async () => {
    const db = await createTestDatabase(process.env.DATABASE_URL || undefined);
    try {
      const t = appOn(db.url);
      await request(t.app.callback()).get('/readyz').expect(200);
      const rows = await t.prisma.$queryRawUnsafe<Array<{ migration_name: string }>>(
        'SELECT migration_name FROM _prisma_migrations ORDER BY migration_name DESC LIMIT 1',
      );
      const latest = rows[0]!.migration_name;
      // What a migration that broke half-way leaves behind: started, never finished, not rolled back.
      await t.prisma.$executeRawUnsafe('UPDATE _prisma_migrations SET finished_at = NULL, rolled_back_at = NULL WHERE migration_name = ?', latest);
      const res = await request(t.app.callback()).get('/readyz').expect(503);
      const body = ReadyResponseSchema.parse(res.body);
      expect(body.checks).toEqual({ database: 'ok', migrations: 'failed' });
      expect(body.failedMigrations).toEqual([latest]);
      await t.prisma.$disconnect();
    } finally {
      await db.drop();
    }
  });

  it('is 503 while the server is draining', async () => {
    const { app } = appOn(testDatabaseUrl());
    app.lifecycle.draining = true;
    const res = await request(app.callback()).get('/readyz').expect(503);
    expect(res.body).toEqual({ status: 'not_ready', checks: { database: 'ok', migrations: 'ok' }, draining: true });
    expect(res.headers.connection).toBe('close');
  });
});
