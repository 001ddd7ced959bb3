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

/** A positive number of seconds from the URL (Prisma's names), in milliseconds. */
function secondsParam(params: URLSearchParams, name: string, fallbackMs: number): number {
  const v = Number(params.get(name));
  return Number.isFinite(v) && v > 0 ? Math.round(v * 1000) : fallbackMs;
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
    // Fail fast when the database is down (Prisma's URL parameters, in seconds): a request
    // should get DB_UNAVAILABLE well before its own time limit.
    connectTimeout: secondsParam(p.params, 'connect_timeout', 5_000),
    acquireTimeout: secondsParam(p.params, 'pool_timeout', 6_000),
    // Idle connections are recycled before MariaDB's wait_timeout closes them.
    idleTimeout: 600,
  });
  return new PrismaClient({ adapter });
}
