/**
 * Prisma Client over the MariaDB driver adapter (Prisma 7: no native query engine).
 */
import { PrismaMariaDb } from '@prisma/adapter-mariadb';
import { PrismaClient } from '../generated/client/client';
import { parseDatabaseUrl } from './url';

export interface CreatePrismaOptions {
  /** Pool size; `?connection_limit=` in the URL wins. Default 10. */
  connectionLimit?: number;
}

export function createPrisma(databaseUrl: string, opts: CreatePrismaOptions = {}): PrismaClient {
  const p = parseDatabaseUrl(databaseUrl);
  const fromUrl = Number(p.params.get('connection_limit'));
  const connectionLimit = Number.isInteger(fromUrl) && fromUrl > 0 ? fromUrl : (opts.connectionLimit ?? 10);
  const adapter = new PrismaMariaDb({
    host: p.host,
    port: p.port,
    user: p.user,
    password: p.password,
    database: p.database,
    connectionLimit,
    connectTimeout: 10_000,
    // Idle connections are recycled before MariaDB's wait_timeout closes them.
    idleTimeout: 600,
  });
  return new PrismaClient({ adapter });
}
