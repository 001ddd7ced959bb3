/**
 * "Is this error the database being unreachable?" (→ 503 DB_UNAVAILABLE, not 500).
 * Prisma 7 with the MariaDB driver adapter reports connection trouble in several shapes:
 * PrismaClientInitializationError, P1xxx/P2024 request errors, DriverAdapterError causes
 * ({kind}), raw mariadb SqlErrors (errno 450xx, code ER_*) and Node socket errors (ECONNREFUSED…).
 */
const PRISMA_CODES = new Set(['P1000', 'P1001', 'P1002', 'P1003', 'P1008', 'P1010', 'P1011', 'P1017', 'P2024']);
const ADAPTER_KINDS = new Set(['DatabaseDoesNotExist', 'DatabaseAccessDenied', 'AuthenticationFailed', 'TooManyConnections', 'SocketTimeout', 'DatabaseNotReachable', 'ConnectionClosed', 'TlsConnectionError']);
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE', 'PROTOCOL_CONNECTION_LOST']);
// mariadb connector: connection closed/timeout/socket/pool errors.
const MARIADB_ERRNOS = new Set([45001, 45009, 45012, 45013, 45019, 45026, 45027, 45028, 45035, 45037, 45039, 45042, 45060, 45061, 1040, 1045, 1049, 1203, 2002, 2003, 2006, 2013]);
const MARIADB_CODES = new Set(['ER_CONNECTION_ALREADY_CLOSED', 'ER_SOCKET_UNEXPECTED_CLOSE', 'ER_CONNECTION_TIMEOUT', 'ER_CMD_CONNECTION_CLOSED', 'ER_SOCKET', 'ER_SOCKET_TIMEOUT', 'ER_POOL_ALREADY_CLOSED', 'ER_GET_CONNECTION_TIMEOUT', 'ER_ADD_CONNECTION_CLOSED_POOL', 'ER_CLOSING_POOL', 'ER_POOL_NO_CONNECTION', 'ER_POOL_NOT_INITIALIZED', 'ER_CON_COUNT_ERROR', 'ER_ACCESS_DENIED_ERROR', 'ER_BAD_DB_ERROR']);

function single(err: unknown): boolean {
  if (!err || typeof err !== 'object') return false;
  const e = err as { name?: unknown; code?: unknown; errno?: unknown; kind?: unknown; constructor?: { name?: string } };
  const name = typeof e.name === 'string' ? e.name : (e.constructor?.name ?? '');
  if (name === 'PrismaClientInitializationError' || name === 'PrismaClientRustPanicError') return true;
  if (typeof e.code === 'string' && (PRISMA_CODES.has(e.code) || SOCKET_CODES.has(e.code) || MARIADB_CODES.has(e.code))) return true;
  if (typeof e.errno === 'number' && MARIADB_ERRNOS.has(e.errno)) return true;
  if (typeof e.kind === 'string') {
    if (ADAPTER_KINDS.has(e.kind)) return true;
    if (e.kind === 'mysql' && typeof (e as { code?: unknown }).code === 'number' && MARIADB_ERRNOS.has((e as { code: number }).code)) return true;
  }
  return false;
}

export function isDbUnavailable(err: unknown): boolean {
  const queue: unknown[] = [err];
  const seen = new Set<unknown>();
  while (queue.length > 0 && seen.size < 12) {
    const current = queue.shift();
    if (!current || typeof current !== 'object' || seen.has(current)) continue;
    seen.add(current);
    if (single(current)) return true;
    const e = current as { cause?: unknown; meta?: { driverAdapterError?: unknown } };
    queue.push(e.cause, e.meta?.driverAdapterError);
  }
  return false;
}

/** "Is this error a unique constraint refusing a second row?" (Prisma P2002): the row is already there. */
export function isUniqueViolation(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 'P2002';
}
