/**
 * /api/v1/auth/*:
 *   POST /auth/staff/login   {username, password} → {tokens, user}       (doctors, pharmacists)
 *   POST /auth/refresh       {refreshToken}       → {tokens}             (rotation; reuse revokes)
 *   POST /auth/logout        (signed in)          → {revokedSessions}    (this session)
 *   POST /auth/logout-all    (signed in)          → {revokedSessions}    (every session of the user)
 *   GET  /auth/me            (signed in)          → MeResponse (masked)
 *   GET  /auth/staff/profile (staff only)         → the staff member's workspace facts
 * Patient sign-in per channel (WeChat, Alipay, national APP) is added next to these and opens its
 * session with `SessionService.issueSession` as well.
 */
import Router from '@koa/router';
import {
  API_PREFIX,
  LogoutResponseSchema,
  RefreshRequestSchema,
  RefreshResponseSchema,
  STAFF_ROLES,
  StaffLoginRequestSchema,
  StaffLoginResponseSchema,
} from '@ih/contract';
import { input, validate } from '../../lib/validate';
import { audit } from '../../lib/audit';
import type { AppDeps } from '../../deps';
import { describeUser, staffProfile } from './me';
import { authUser, requestUserAgent, requireAuth, type AuthState } from './middleware';
import type { SessionService } from './sessions';
import { StaffLoginService } from './staffLogin';
import { limits } from './limits';

export function authRouter(deps: AppDeps & { sessions: SessionService }): Router {
  const { prisma, logger, sessions } = deps;
  const staffLogin = new StaffLoginService({ prisma, logger, config: deps.config, sessions });
  const router = new Router({ prefix: `${API_PREFIX}/auth` });
  const signInLimit = limits(deps).signIn;

  // Token answers must never be stored by a cache.
  router.use(async (ctx, next) => {
    ctx.set('Cache-Control', 'no-store');
    await next();
  });

  router.post('/staff/login', signInLimit, validate(StaffLoginRequestSchema), async (ctx) => {
    const body = input(ctx, 'body', StaffLoginRequestSchema);
    const result = await staffLogin.login(ctx, body);
    const user = await describeUser(prisma, { id: result.userId, role: result.role, sessionId: result.sessionId }, result.channel);
    ctx.body = StaffLoginResponseSchema.parse({ tokens: result.tokens, user });
  });

  router.post('/refresh', validate(RefreshRequestSchema), async (ctx) => {
    const { refreshToken } = input(ctx, 'body', RefreshRequestSchema);
    const issued = await sessions.refresh(refreshToken, requestUserAgent(ctx), async ({ userId, familyId }) => {
      logger.warn({ requestId: ctx.state.requestId, userId, familyId }, 'refresh token reused: session family revoked');
      await audit(prisma, logger, ctx, { action: 'auth.session.refresh_reuse', targetType: 'session', targetId: familyId, actorUserId: userId, details: { revoked: true } });
    });
    ctx.body = RefreshResponseSchema.parse({ tokens: issued.tokens });
  });

  router.post('/logout', requireAuth(), async (ctx) => {
    const user = authUser(ctx);
    const revoked = await sessions.revokeFamily(user.sessionId, 'LOGOUT');
    await audit(prisma, logger, ctx, { action: 'auth.logout', targetType: 'session', targetId: user.sessionId, actorUserId: user.id, actorRole: user.role });
    ctx.body = LogoutResponseSchema.parse({ revokedSessions: revoked > 0 ? 1 : 0 });
  });

  router.post('/logout-all', requireAuth(), async (ctx) => {
    const user = authUser(ctx);
    const revoked = await sessions.revokeAllForUser(user.id, 'LOGOUT_ALL');
    await audit(prisma, logger, ctx, { action: 'auth.logout_all', targetType: 'user', targetId: user.id, actorUserId: user.id, actorRole: user.role, details: { sessions: revoked } });
    ctx.body = LogoutResponseSchema.parse({ revokedSessions: revoked });
  });

  router.get('/me', requireAuth(), async (ctx) => {
    const state = ctx.state as AuthState;
    ctx.body = await describeUser(prisma, authUser(ctx), state.session!.channel);
  });

  router.get('/staff/profile', requireAuth({ roles: STAFF_ROLES }), async (ctx) => {
    ctx.body = await staffProfile(prisma, authUser(ctx));
  });

  return router;
}
