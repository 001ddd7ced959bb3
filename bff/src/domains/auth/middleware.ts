/**
 * Authentication for routes.
 *
 *   app.use(sessionContext(sessions))             // once, in app.ts (no database work by itself)
 *   router.get('/x', requireAuth({ roles: ['PATIENT'] }), handler)
 *
 * `requireAuth` reads the Bearer token, checks it against the database (every request: a
 * revoked session stops working at once), and puts `ctx.state.user = {id, role, sessionId}`.
 * No token / unknown token → 401 UNAUTHENTICATED; expired → 401 SESSION_EXPIRED (the client
 * refreshes and retries); revoked → 401 SESSION_REVOKED; a role not in `roles` → 403 FORBIDDEN.
 * Patients never pass a staff role list and staff never pass ['PATIENT'].
 */
import type { Context, Next } from 'koa';
import { CHANNEL_BY_PLATFORM, CLIENT_PLATFORM_HEADER, type ClientChannel, type UserRole } from '@ih/contract';
import { AppError } from '../../lib/errors';
import type { AuthSession, AuthUser, SessionService } from './sessions';

export interface AuthState {
  /** Set by requireAuth. */
  user?: AuthUser;
  /** Set by requireAuth: the session generation (internal). */
  session?: AuthSession;
  /** Set by sessionContext. */
  sessions?: SessionService;
}

/** Makes the session service available to requireAuth (mounted once, before the routers). */
export function sessionContext(sessions: SessionService) {
  return async function sessionContextMiddleware(ctx: Context, next: Next): Promise<void> {
    (ctx.state as AuthState).sessions = sessions;
    await next();
  };
}

/** The Bearer token of the request, or null (malformed headers count as none). */
export function bearerToken(ctx: Context): string | null {
  const header = ctx.get('authorization');
  const m = /^Bearer ([A-Za-z0-9._~+/=-]{1,512})$/i.exec(header.trim());
  return m ? m[1]! : null;
}

export interface RequireAuthOptions {
  /** Roles allowed on the route; omitted = any signed-in user. */
  roles?: readonly UserRole[];
}

export function requireAuth(options: RequireAuthOptions = {}) {
  const allowed = options.roles ? new Set<UserRole>(options.roles) : null;
  return async function requireAuthMiddleware(ctx: Context, next: Next): Promise<void> {
    const state = ctx.state as AuthState;
    if (!state.sessions) throw new Error('requireAuth: sessionContext() is not mounted');
    const token = bearerToken(ctx);
    if (!token) throw new AppError('UNAUTHENTICATED', { headers: { 'WWW-Authenticate': 'Bearer realm="api"' } });
    const session = await state.sessions.authenticate(token);
    if (allowed && !allowed.has(session.user.role)) throw new AppError('FORBIDDEN');
    state.user = session.user;
    state.session = session;
    // Answers that depend on who asks are never cached by anyone in between.
    ctx.set('Cache-Control', 'no-store');
    ctx.vary('Authorization');
    await next();
  };
}

/** The signed-in user of a route behind requireAuth. */
/** Rate-limit key of the signed-in user (lib/rateLimit.ts); place the limit after requireAuth. */
export const byUser = (ctx: Context): string | null => (ctx.state as AuthState).user?.id ?? null;

export function authUser(ctx: Context): AuthUser {
  const user = (ctx.state as AuthState).user;
  if (!user) throw new Error('authUser(): route is not behind requireAuth()');
  return user;
}

/** The client build that sent the request (x-client-platform), H5 when absent or unknown. */
export function requestChannel(ctx: Context): ClientChannel {
  const platform = ctx.get(CLIENT_PLATFORM_HEADER).toLowerCase();
  return Object.hasOwn(CHANNEL_BY_PLATFORM, platform) ? CHANNEL_BY_PLATFORM[platform]! : 'H5';
}

export function requestUserAgent(ctx: Context): string | null {
  const ua = ctx.get('user-agent');
  return ua ? ua.slice(0, 255) : null;
}
