/**
 * Identity: sessions, staff sign-in, role checks. What other domains use:
 *   requireAuth({roles}), authUser(ctx)          — protect a route, read ctx.state.user
 *   SessionService#issueSession(userId, channel, userAgent)
 *                                                — the single way a sign-in opens a session
 *                                                  (WeChat code2session, Alipay oauth, national APP)
 *   requestChannel(ctx), requestUserAgent(ctx)   — arguments for issueSession from a request
 */
export { SessionService, type AuthUser, type AuthSession, type IssuedSession, type RevokeReason } from './sessions';
export { requireAuth, authUser, sessionContext, requestChannel, requestUserAgent, bearerToken, type AuthState, type RequireAuthOptions } from './middleware';
export { StaffLoginService } from './staffLogin';
export { authRouter } from './routes';
