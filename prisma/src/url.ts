/**
 * DATABASE_URL handling: `mysql://user:password@host:port/database?connection_limit=10`.
 * (`mariadb://` is accepted too.)
 */
import type { ConnectionConfig } from 'mariadb';

export const DEFAULT_DATABASE_URL = 'mysql://root@127.0.0.1:3306/internet_hospital';

export interface ParsedDatabaseUrl {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
  params: URLSearchParams;
}

export function parseDatabaseUrl(databaseUrl: string): ParsedDatabaseUrl {
  let url: URL;
  try {
    url = new URL(databaseUrl);
  } catch {
    throw new Error('DATABASE_URL 格式错误 / DATABASE_URL is not a valid URL (expected mysql://user:password@host:port/database)');
  }
  if (url.protocol !== 'mysql:' && url.protocol !== 'mariadb:') {
    throw new Error(`DATABASE_URL 协议不支持 / unsupported DATABASE_URL protocol "${url.protocol}" (expected mysql:)`);
  }
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!database) throw new Error('DATABASE_URL 缺少数据库名 / DATABASE_URL has no database name');
  assertSafeIdentifier(database);
  return {
    host: url.hostname || '127.0.0.1',
    port: url.port ? Number(url.port) : 3306,
    user: decodeURIComponent(url.username || 'root'),
    password: decodeURIComponent(url.password || ''),
    database,
    params: url.searchParams,
  };
}

/** The same server and credentials, another database. */
export function withDatabase(databaseUrl: string, database: string): string {
  assertSafeIdentifier(database);
  const url = new URL(databaseUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

/** Connection options for the `mariadb` driver (database omitted when `withDatabase` is false). */
export function connectionConfig(databaseUrl: string, opts: { withDatabase?: boolean } = {}): ConnectionConfig {
  const p = parseDatabaseUrl(databaseUrl);
  return {
    host: p.host,
    port: p.port,
    user: p.user,
    password: p.password,
    ...(opts.withDatabase === false ? {} : { database: p.database }),
    connectTimeout: 10_000,
    // DATETIME values are UTC everywhere (as Prisma writes them).
    timezone: 'Z',
    bigIntAsNumber: false,
    insertIdAsNumber: true,
    decimalAsNumber: false,
  };
}

/** Database names are interpolated into DDL (CREATE/DROP DATABASE), so only plain names pass. */
export function assertSafeIdentifier(name: string): void {
  if (!/^[A-Za-z0-9_$-]{1,64}$/.test(name)) {
    throw new Error(`不安全的数据库名 / unsafe database name: ${JSON.stringify(name)}`);
  }
}

export function quoteIdent(name: string): string {
  return '`' + name.replace(/`/g, '``') + '`';
}
