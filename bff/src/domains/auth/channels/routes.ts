/**
 * Patient sign-in per channel (/api/v1/auth/*), each ending in SessionService.issueSession:
 *   POST /auth/wechat/login            {code}      code2session → account by openid         → {tokens, user, isNewUser, returnTo}
 *   POST /auth/alipay/login            {authCode}  oauth token → account by Alipay user id   → same
 *   GET  /auth/national-app/start      ?returnTo=  302 to the APP's authorization page (bizType 04106) with a
 *                                                  single-use state bound to this browser (HttpOnly cookie)
 *   GET  /auth/national-app/callback   ?authCode&state | ?state&error
 *                                                  state check (single use, same browser) → code exchange →
 *                                                  account by the APP user's ID hash + SELF 就诊人 →
 *                                                  302 to the H5 login page with a one-time handoff code in the
 *                                                  address fragment (never tokens in a URL)
 *   POST /auth/national-app/handoff    {handoff}   same browser, single use, 2 minutes → the session
 * Codes: LOGIN_CODE_EXPIRED, LOGIN_CODE_USED (WeChat; Alipay cannot tell used from expired),
 * LOGIN_SELF_ONLY, AUTH_STATE_INVALID, AUTH_STATE_USED, LOGIN_HANDOFF_INVALID.
 */
import Router from '@koa/router';
import type { Context } from 'koa';
import {
  API_PREFIX,
  AlipayLoginRequestSchema,
  ChannelLoginResponseSchema,
  H5_ROUTES,
  ID_TYPE_CERT_CODES,
  NationalAppHandoffRequestSchema,
  WechatLoginRequestSchema,
  isErrorCode,
  isSafeReturnTo,
  normalizeIdNumber,
  type ClientChannel,
  type IdType,
} from '@ih/contract';
import { input, validate } from '../../../lib/validate';
import { AppError } from '../../../lib/errors';
import { audit } from '../../../lib/audit';
import { fieldCipher } from '../../../lib/cipher';
import { platformClients } from '../../../lib/platformClients';
import { toAppError } from '../../../middleware/errorHandler';
import type { AppDeps } from '../../../deps';
import { upsertSelfPatientFromVoucher } from '../../patients';
import { alipayCodeError, nationalAppExchangeError, wechatLoginError } from '../../voucher/channelErrors';
import { describeUser } from '../me';
import { requestUserAgent } from '../middleware';
import type { SessionService } from '../sessions';
import { AuthFlowStore, clearBindingCookie, readBindingCookie, setBindingCookie, type BindingCookie } from '../flows';
import { h5Url } from '../h5';
import { limits } from '../limits';
import { findOrCreatePatientUser, type ChannelUser } from './users';

export const LOGIN_COOKIE: BindingCookie = { name: 'ih_nhsa_login', path: `${API_PREFIX}/auth/national-app`, maxAgeSeconds: 600 };
const STATE_TTL_SECONDS = 600;
const HANDOFF_TTL_SECONDS = 120;

const CERT_CODE_TO_ID_TYPE: Record<string, IdType> = Object.fromEntries(Object.entries(ID_TYPE_CERT_CODES).map(([k, v]) => [v, k as IdType]));

export function channelAuthRouter(deps: AppDeps & { sessions: SessionService }): Router {
  const { prisma, logger, config, sessions } = deps;
  const cipher = fieldCipher(config);
  const clients = platformClients(config, logger);
  const flows = new AuthFlowStore({ prisma, cipher });
  const router = new Router({ prefix: `${API_PREFIX}/auth` });
  // One sign-in budget per client IP over every channel and the staff form (auth/limits.ts).
  const signInLimit = limits(deps).signIn;

  router.use(async (ctx, next) => {
    ctx.set('Cache-Control', 'no-store');
    await next();
  });

  async function signIn(ctx: Context, user: ChannelUser, channel: ClientChannel, via: string, returnTo: string | null = null) {
    const issued = await sessions.issueSession(user.id, channel, requestUserAgent(ctx));
    await audit(prisma, logger, ctx, {
      action: 'auth.login',
      targetType: 'session',
      targetId: issued.sessionId,
      actorUserId: user.id,
      actorRole: 'PATIENT',
      details: { via, created: user.created },
    });
    const me = await describeUser(prisma, { id: user.id, role: 'PATIENT', sessionId: issued.sessionId }, channel);
    return ChannelLoginResponseSchema.parse({ tokens: issued.tokens, user: me, isNewUser: user.created, returnTo });
  }

  async function refusedLogin(ctx: Context, via: string, code: string) {
    await audit(prisma, logger, ctx, { action: 'auth.login_failed', targetType: 'channel', targetId: via, details: { reason: code } });
  }

  // ── WeChat mini-program ───────────────────────────────────────────────────────────────────
  router.post('/wechat/login', signInLimit, validate(WechatLoginRequestSchema), async (ctx) => {
    const { code } = input(ctx, 'body', WechatLoginRequestSchema);
    const wechat = clients.wechat();
    let session;
    try {
      session = await wechat.code2session(code);
    } catch (err) {
      const e = wechatLoginError(err);
      await refusedLogin(ctx, 'wechat', e.code);
      throw e;
    }
    const user = await findOrCreatePatientUser(prisma, { wechatOpenId: session.openid }, { wechatUnionId: session.unionid ?? null });
    ctx.body = await signIn(ctx, user, 'WEAPP', 'wechat');
  });

  // ── Alipay mini-program ───────────────────────────────────────────────────────────────────
  router.post('/alipay/login', signInLimit, validate(AlipayLoginRequestSchema), async (ctx) => {
    const { authCode } = input(ctx, 'body', AlipayLoginRequestSchema);
    const alipay = clients.alipay();
    let token;
    try {
      token = await alipay.exchangeAuthCode(authCode);
    } catch (err) {
      const e = alipayCodeError(err, 'login');
      await refusedLogin(ctx, 'alipay', e.code);
      throw e;
    }
    const user = await findOrCreatePatientUser(prisma, { alipayUserId: token.userId });
    ctx.body = await signIn(ctx, user, 'ALIPAY', 'alipay');
  });

  // ── national insurance APP (H5) ───────────────────────────────────────────────────────────
  const loginPage = (query: Record<string, string | null | undefined>) => h5Url(config.publicBaseUrl, H5_ROUTES.login, query);
  const callbackUrl = `${config.publicBaseUrl}${API_PREFIX}/auth/national-app/callback`;
  const redirect = (ctx: Context, url: string) => {
    // The address may carry a handoff code in its fragment: no Referer to anyone.
    ctx.set('Referrer-Policy', 'no-referrer');
    ctx.redirect(url);
  };

  router.get('/national-app/start', async (ctx) => {
    const rawReturn = typeof ctx.query.returnTo === 'string' ? ctx.query.returnTo : null;
    const returnTo = rawReturn && isSafeReturnTo(rawReturn) ? rawReturn : null;
    try {
      const client = clients.nationalApp();
      const binding = setBindingCookie(ctx, LOGIN_COOKIE);
      const flow = await flows.create({ kind: 'NHSA_LOGIN', ttlSeconds: STATE_TTL_SECONDS, binding, channel: 'H5', returnTo });
      redirect(ctx, client.buildAuthorizeUrl({ redirectUrl: callbackUrl, state: flow.value, bizType: '04106' }));
    } catch (err) {
      const e = toAppError(err);
      if (e.status >= 500) logger.warn({ requestId: ctx.state.requestId, code: e.code, err: e.cause ?? e }, 'national APP sign-in could not start');
      redirect(ctx, loginPage({ error: e.code }));
    }
  });

  router.get('/national-app/callback', async (ctx) => {
    const query = ctx.query as Record<string, unknown>;
    const state = typeof query.state === 'string' ? query.state : undefined;
    const binding = readBindingCookie(ctx, LOGIN_COOKIE);
    const claimed = await flows.claim('NHSA_LOGIN', state, { binding });
    if (!claimed.ok) {
      const code = claimed.reason === 'used' ? 'AUTH_STATE_USED' : 'AUTH_STATE_INVALID';
      logger.info({ requestId: ctx.state.requestId, reason: claimed.reason }, 'national APP sign-in return refused');
      await refusedLogin(ctx, 'national_app', code);
      redirect(ctx, loginPage({ error: code }));
      return;
    }
    const returnTo = claimed.flow.returnTo;
    try {
      const client = clients.nationalApp();
      const ret = client.parseAuthorizeReturn(query, state!);
      if (!ret.ok) {
        if (ret.reason === 'cancelled' || ret.reason === 'missing_code') {
          await refusedLogin(ctx, 'national_app', 'CANCELLED');
          clearBindingCookie(ctx, LOGIN_COOKIE);
          redirect(ctx, loginPage({ cancelled: '1', returnTo }));
          return;
        }
        throw new AppError('AUTH_STATE_INVALID');
      }
      let auth;
      try {
        auth = await client.exchangeAuthCode(ret.authCode, '04106');
      } catch (err) {
        throw nationalAppExchangeError(err, 'login');
      }
      // Sign-in is the APP user themself: a relative's voucher would name someone else.
      if (auth.family) throw new AppError('LOGIN_SELF_ONLY');
      const idNumber = normalizeIdNumber(auth.person.idNo);
      const user = await findOrCreatePatientUser(prisma, { nationalAppIdHash: cipher.hash(idNumber) });
      const idType = CERT_CODE_TO_ID_TYPE[auth.person.idType] ?? 'ID_CARD';
      if (idType === 'ID_CARD') {
        await upsertSelfPatientFromVoucher({ prisma, cipher }, { userId: user.id, name: auth.person.name, idType, idNumber });
      } else {
        // The APP gives no birth date / gender for other certificates: SELF is added at the first voucher authorization.
        logger.info({ requestId: ctx.state.requestId, idType }, 'national APP sign-in without a resident ID: SELF not created yet');
      }
      const handoff = await flows.create({
        kind: 'LOGIN_HANDOFF',
        ttlSeconds: HANDOFF_TTL_SECONDS,
        binding,
        userId: user.id,
        channel: 'H5',
        returnTo,
        data: { created: user.created },
      });
      redirect(ctx, loginPage({ handoff: handoff.value }));
    } catch (err) {
      const e = toAppError(err);
      if (e.status >= 500) logger.warn({ requestId: ctx.state.requestId, code: e.code, err: e.cause ?? e }, 'national APP sign-in failed');
      await refusedLogin(ctx, 'national_app', e.code);
      clearBindingCookie(ctx, LOGIN_COOKIE);
      redirect(ctx, loginPage({ error: isErrorCode(e.code) ? e.code : 'INTERNAL', returnTo }));
    }
  });

  router.post('/national-app/handoff', signInLimit, validate(NationalAppHandoffRequestSchema), async (ctx) => {
    const { handoff } = input(ctx, 'body', NationalAppHandoffRequestSchema);
    const claimed = await flows.claim('LOGIN_HANDOFF', handoff, { binding: readBindingCookie(ctx, LOGIN_COOKIE) });
    if (!claimed.ok || !claimed.flow.userId) {
      await refusedLogin(ctx, 'national_app', 'LOGIN_HANDOFF_INVALID');
      throw new AppError('LOGIN_HANDOFF_INVALID');
    }
    clearBindingCookie(ctx, LOGIN_COOKIE);
    const user = await prisma.user.findUnique({ where: { id: claimed.flow.userId }, select: { id: true, role: true, status: true } });
    if (!user || user.role !== 'PATIENT') throw new AppError('LOGIN_HANDOFF_INVALID');
    if (user.status !== 'ACTIVE') throw new AppError('ACCOUNT_DISABLED');
    const created = flows.data<{ created?: boolean }>(claimed.flow)?.created === true;
    ctx.body = await signIn(ctx, { id: user.id, created }, 'H5', 'national_app', claimed.flow.returnTo);
  });

  return router;
}
