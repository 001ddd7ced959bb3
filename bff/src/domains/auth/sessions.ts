/**
 * BFF sessions: opaque random tokens, only keyed hashes stored, checked against the database on
 * every request (so sign-out and revocation take effect immediately).
 *
 * - A sign-in (`issueSession`) opens a family: one `sessions` row holding the hashes of an access
 *   token (AUTH_ACCESS_TTL_SECONDS, 30 min) and a refresh token (AUTH_REFRESH_TTL_DAYS, 30 days).
 *   The family id (the first row's id) is the session id users and audit rows see.
 * - `refresh` rotates: the presented row is marked `rotatedAt` and a new row of the same family
 *   gets a fresh pair (the refresh lifetime starts again). The old access token stops working.
 * - Presenting a refresh token that was already rotated means two parties hold it: the whole
 *   family is revoked (REFRESH_REUSE) and audited; both must sign in again.
 * - `revokeFamily` (sign-out) and `revokeAllForUser` (sign-out everywhere) set `revokedAt`.
 *
 * Token hashes are HMAC-SHA256 with SESSION_SECRET (a database dump alone cannot be used to
 * check guessed tokens); changing SESSION_SECRET signs everybody out.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { ClientChannel, SessionTokens, UserRole } from '@ih/contract';
import { AppError } from '../../lib/errors';
import type { Config } from '../../config';
import type { Db } from '../../deps';

export const ACCESS_PREFIX = 'ih_at_';
export const REFRESH_PREFIX = 'ih_rt_';
const TOKEN_RE = /^ih_(at|rt)_[A-Za-z0-9_-]{43}$/;
/** lastSeenAt is written at most this often per session (it is informational). */
const LAST_SEEN_RESOLUTION_MS = 60_000;

export type RevokeReason = 'LOGOUT' | 'LOGOUT_ALL' | 'REFRESH_REUSE' | 'ACCOUNT_DISABLED';

/** Who is calling, as routes see it (`ctx.state.user`). */
export interface AuthUser {
  id: string;
  role: UserRole;
  /** The sign-in session (refresh family) id. */
  sessionId: string;
}

export interface AuthSession {
  user: AuthUser;
  /** The current generation's row id (internal). */
  rowId: string;
  channel: ClientChannel;
}

export interface IssuedSession {
  sessionId: string;
  tokens: SessionTokens;
}

const WWW_AUTHENTICATE = { 'WWW-Authenticate': 'Bearer realm="api", error="invalid_token"' };

function authError(code: 'UNAUTHENTICATED' | 'SESSION_EXPIRED' | 'SESSION_REVOKED'): AppError {
  return new AppError(code, { headers: WWW_AUTHENTICATE });
}

function newToken(prefix: string): string {
  return prefix + randomBytes(32).toString('base64url');
}

export interface SessionServiceOptions {
  prisma: Db;
  config: Pick<Config, 'secrets' | 'auth'>;
  /** Injectable clock (tests). */
  now?: () => Date;
}

/** What the service reports when refresh detected reuse (the caller audits it). */
export interface RefreshReuse {
  userId: string;
  familyId: string;
}

export class SessionService {
  private readonly prisma: Db;
  private readonly secret: string;
  private readonly accessTtlMs: number;
  private readonly refreshTtlMs: number;
  private readonly now: () => Date;

  constructor(opts: SessionServiceOptions) {
    this.prisma = opts.prisma;
    this.secret = opts.config.secrets.sessionSecret;
    this.accessTtlMs = opts.config.auth.accessTtlSeconds * 1000;
    this.refreshTtlMs = opts.config.auth.refreshTtlSeconds * 1000;
    this.now = opts.now ?? (() => new Date());
  }

  /** Keyed hash of a token as stored in the database. */
  hashToken(token: string): string {
    return createHmac('sha256', this.secret).update(token, 'utf8').digest('hex');
  }

  private pair(now: Date) {
    const accessToken = newToken(ACCESS_PREFIX);
    const refreshToken = newToken(REFRESH_PREFIX);
    const accessExpiresAt = new Date(now.getTime() + this.accessTtlMs);
    const expiresAt = new Date(now.getTime() + this.refreshTtlMs);
    return {
      row: { accessTokenHash: this.hashToken(accessToken), accessExpiresAt, refreshTokenHash: this.hashToken(refreshToken), expiresAt },
      tokens: {
        tokenType: 'Bearer' as const,
        accessToken,
        accessExpiresAt: accessExpiresAt.toISOString(),
        refreshToken,
        refreshExpiresAt: expiresAt.toISOString(),
      },
    };
  }

  /**
   * Opens a new session for a user who has just proved who they are (staff password, WeChat
   * code2session, Alipay oauth, national-APP callback). The only way sessions are created.
   */
  async issueSession(userId: string, channel: ClientChannel, userAgent?: string | null): Promise<IssuedSession> {
    const now = this.now();
    const { row, tokens } = this.pair(now);
    const created = await this.prisma.$transaction(async (tx) => {
      const first = await tx.session.create({
        data: { familyId: 'pending', userId, channel, userAgent: userAgent ? userAgent.slice(0, 255) : null, createdAt: now, lastSeenAt: now, ...row },
        select: { id: true },
      });
      await tx.session.update({ where: { id: first.id }, data: { familyId: first.id } });
      return first;
    });
    return { sessionId: created.id, tokens };
  }

  /**
   * The session behind an access token. Throws 401: UNAUTHENTICATED (unknown token),
   * SESSION_EXPIRED (expired or superseded by a refresh: the client refreshes), SESSION_REVOKED
   * (signed out, or the refresh family was revoked); 403 ACCOUNT_DISABLED (account not active).
   */
  async authenticate(accessToken: string): Promise<AuthSession> {
    if (!TOKEN_RE.test(accessToken) || !accessToken.startsWith(ACCESS_PREFIX)) throw authError('UNAUTHENTICATED');
    const row = await this.prisma.session.findUnique({
      where: { accessTokenHash: this.hashToken(accessToken) },
      select: {
        id: true, familyId: true, userId: true, channel: true, accessExpiresAt: true, rotatedAt: true, revokedAt: true, lastSeenAt: true,
        user: { select: { role: true, status: true } },
      },
    });
    if (!row) throw authError('UNAUTHENTICATED');
    if (row.revokedAt) throw authError('SESSION_REVOKED');
    const now = this.now();
    if (row.rotatedAt || row.accessExpiresAt.getTime() <= now.getTime()) throw authError('SESSION_EXPIRED');
    if (row.user.status !== 'ACTIVE') {
      await this.revokeFamily(row.familyId, 'ACCOUNT_DISABLED');
      throw new AppError('ACCOUNT_DISABLED');
    }
    if (now.getTime() - row.lastSeenAt.getTime() > LAST_SEEN_RESOLUTION_MS) {
      await this.prisma.session.updateMany({ where: { id: row.id }, data: { lastSeenAt: now } });
    }
    return { user: { id: row.userId, role: row.user.role, sessionId: row.familyId }, rowId: row.id, channel: row.channel };
  }

  /**
   * Exchanges a refresh token for a new pair (rotation). Reuse of a rotated token revokes the
   * family and throws SESSION_REVOKED; `onReuse` is told first (for the audit trail).
   */
  async refresh(refreshToken: string, userAgent?: string | null, onReuse?: (r: RefreshReuse) => Promise<void>): Promise<IssuedSession> {
    if (!TOKEN_RE.test(refreshToken) || !refreshToken.startsWith(REFRESH_PREFIX)) throw authError('UNAUTHENTICATED');
    const row = await this.prisma.session.findUnique({
      where: { refreshTokenHash: this.hashToken(refreshToken) },
      select: { id: true, familyId: true, userId: true, channel: true, userAgent: true, expiresAt: true, rotatedAt: true, revokedAt: true, user: { select: { status: true } } },
    });
    if (!row) throw authError('UNAUTHENTICATED');
    if (row.revokedAt) throw authError('SESSION_REVOKED');
    const reuse = async (): Promise<never> => {
      await this.revokeFamily(row.familyId, 'REFRESH_REUSE');
      await onReuse?.({ userId: row.userId, familyId: row.familyId });
      throw authError('SESSION_REVOKED');
    };
    if (row.rotatedAt) return reuse();
    const now = this.now();
    if (row.expiresAt.getTime() <= now.getTime()) throw authError('SESSION_EXPIRED');
    if (row.user.status !== 'ACTIVE') {
      await this.revokeFamily(row.familyId, 'ACCOUNT_DISABLED');
      throw new AppError('ACCOUNT_DISABLED');
    }
    const { row: next, tokens } = this.pair(now);
    const rotated = await this.prisma.$transaction(async (tx) => {
      // The guard: exactly one caller may rotate a given generation.
      const claimed = await tx.session.updateMany({ where: { id: row.id, rotatedAt: null, revokedAt: null }, data: { rotatedAt: now } });
      if (claimed.count !== 1) return false;
      await tx.session.create({
        data: {
          familyId: row.familyId,
          userId: row.userId,
          channel: row.channel,
          userAgent: userAgent ? userAgent.slice(0, 255) : row.userAgent,
          createdAt: now,
          lastSeenAt: now,
          ...next,
        },
      });
      return true;
    });
    // Lost the race against another refresh with the same token: that is reuse as well.
    if (!rotated) return reuse();
    return { sessionId: row.familyId, tokens };
  }

  /** Ends one sign-in session (every generation of the family). Returns the rows revoked. */
  async revokeFamily(familyId: string, reason: RevokeReason): Promise<number> {
    const r = await this.prisma.session.updateMany({ where: { familyId, revokedAt: null }, data: { revokedAt: this.now(), revokedReason: reason } });
    return r.count;
  }

  /** Ends every session of a user (sign out everywhere; account disabled). Returns the sessions ended. */
  async revokeAllForUser(userId: string, reason: RevokeReason): Promise<number> {
    const now = this.now();
    return this.prisma.$transaction(async (tx) => {
      const families = await tx.session.findMany({
        where: { userId, revokedAt: null, rotatedAt: null, expiresAt: { gt: now } },
        select: { familyId: true },
      });
      await tx.session.updateMany({ where: { userId, revokedAt: null }, data: { revokedAt: now, revokedReason: reason } });
      return new Set(families.map((f) => f.familyId)).size;
    });
  }

  /**
   * Deletes rows of families that can no longer be renewed (refresh expired for `graceDays`).
   * For a periodic job; reuse detection only needs rows while their family could still refresh.
   */
  async purgeExpired(graceDays = 7): Promise<number> {
    const cutoff = new Date(this.now().getTime() - graceDays * 86_400_000);
    const r = await this.prisma.session.deleteMany({ where: { expiresAt: { lt: cutoff } } });
    return r.count;
  }
}
