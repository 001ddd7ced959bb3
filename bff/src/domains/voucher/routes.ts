/**
 * /api/v1/voucher/* — the e-voucher authorization (patients only, except the national-APP return):
 *   GET  /voucher/wechat/launch              → {appId, path, envVersion} for Taro.navigateToMiniProgram
 *   POST /voucher/wechat                     {authCode?, patientId?, purpose, orderId?} → authorized | cancelled
 *   POST /voucher/alipay                     {authCode?, patientId?, purpose, orderId?} → authorized | pending | cancelled
 *   POST /voucher/alipay/resume              {attemptId}                              → authorized | cancelled
 *   POST /voucher/national-app/start         {patientId?, purpose, orderId?, returnTo?} → {redirectUrl} (+ binding cookie)
 *   GET  /voucher/national-app/callback      ?authCode&state | ?state&error           → 302 to the H5 result page
 *   GET  /voucher/status[?patientId=]        → {items: [...]} my authorization state per 就诊人
 * Errors: INSURANCE_IDENTITY_MISMATCH (someone else's voucher), INSURANCE_VOUCHER_NOT_ACTIVATED
 * (activation guide), INSURANCE_PAY_SUSPENDED (self-pay), INSURANCE_AUTH_CODE_EXPIRED/_USED,
 * VOUCHER_CHANNEL_MISMATCH, ALIPAY_ACCOUNT_MISMATCH, AUTH_STATE_INVALID/_USED, CHANNEL_NOT_CONFIGURED.
 */
import { randomBytes } from 'node:crypto';
import Router from '@koa/router';
import type { Context } from 'koa';
import {
  API_PREFIX,
  AlipayVoucherRequestSchema,
  AlipayVoucherResumeRequestSchema,
  H5_ROUTES,
  NationalAppVoucherStartRequestSchema,
  RedirectResponseSchema,
  VoucherResultSchema,
  VoucherStatusResponseSchema,
  WechatVoucherLaunchSchema,
  WechatVoucherRequestSchema,
  isErrorCode,
  type VoucherOutcome,
} from '@ih/contract';
import { z } from 'zod';
import { input, validate } from '../../lib/validate';
import { AppError } from '../../lib/errors';
import { fieldCipher } from '../../lib/cipher';
import { platformClients } from '../../lib/platformClients';
import { toAppError } from '../../middleware/errorHandler';
import type { AppDeps } from '../../deps';
import { authUser, requireAuth } from '../auth/middleware';
import { limits } from '../auth/limits';
import { AuthFlowStore, readBindingCookie, setBindingCookie, clearBindingCookie, type BindingCookie } from '../auth/flows';
import { h5Url } from '../auth/h5';
import { alipayCodeError, alipayVoucherError, nationalAppExchangeError, wechatVoucherError } from './channelErrors';
import { VoucherService, type ResolvedTarget } from './service';

export const VOUCHER_COOKIE: BindingCookie = { name: 'ih_nhsa_voucher', path: `${API_PREFIX}/voucher/national-app`, maxAgeSeconds: 600 };
/** How long a started round trip (national APP page, Alipay page) may take. */
const FLOW_TTL_SECONDS = 600;

const StatusQuerySchema = z.object({ patientId: z.string().regex(/^[0-9a-f-]{36}$/i, '就诊人编号格式不正确').optional() });

export function voucherRouter(deps: AppDeps): Router {
  const { prisma, logger, config } = deps;
  const cipher = fieldCipher(config);
  const clients = platformClients(config, logger);
  const service = new VoucherService({ prisma, cipher, logger, clients });
  const flows = new AuthFlowStore({ prisma, cipher });
  const router = new Router({ prefix: `${API_PREFIX}/voucher` });
  const patientOnly = requireAuth({ roles: ['PATIENT'] });
  // Each start reaches the e-voucher platform: counted with the payment actions (auth/limits.ts).
  const paymentLimit = limits(deps).payment;

  router.use(async (ctx, next) => {
    ctx.set('Cache-Control', 'no-store');
    await next();
  });

  async function accountOf(userId: string) {
    const user = await prisma.user.findUnique({ where: { id: userId }, select: { wechatOpenId: true, alipayUserId: true, status: true } });
    if (!user) throw new AppError('UNAUTHENTICATED');
    return user;
  }

  // ── WeChat ─────────────────────────────────────────────────────────────────────────────────
  router.get('/wechat/launch', patientOnly, async (ctx) => {
    const w = config.platforms.wechat;
    if (!w.orgChnlCrtfCodg) throw new AppError('CHANNEL_NOT_CONFIGURED');
    // Exactly the documented form; orgChnlCrtfCodg carries / + = and must reach the mini-program unencoded.
    const params = [
      ['openType', 'getAuthCode'],
      ['bizType', '04107'],
      ['cityCode', w.cityCode],
      ['channel', w.channel],
      ['orgChnlCrtfCodg', w.orgChnlCrtfCodg],
      ['orgCodg', config.platforms.mobilePay.orgCode],
      ['orgAppId', w.orgAppId],
    ];
    ctx.body = WechatVoucherLaunchSchema.parse({
      appId: w.authAppId,
      path: `${w.authPath}?${params.map(([k, v]) => `${k}=${v}`).join('&')}`,
      envVersion: w.authEnvVersion,
    });
  });

  router.post('/wechat', patientOnly, paymentLimit, validate(WechatVoucherRequestSchema), async (ctx) => {
    const user = authUser(ctx);
    const body = input(ctx, 'body', WechatVoucherRequestSchema);
    const account = await accountOf(user.id);
    if (!account.wechatOpenId) throw new AppError('VOUCHER_CHANNEL_MISMATCH');
    const target = await service.resolveTarget({ userId: user.id, patientId: body.patientId ?? null, purpose: body.purpose, orderId: body.orderId ?? null });
    if (!body.authCode) {
      await service.refused(ctx, target, 'WECHAT', 'CANCELLED');
      ctx.body = VoucherResultSchema.parse(service.cancelled());
      return;
    }
    const wechat = clients.wechat();
    let grant;
    try {
      const auth = await wechat.userQuery({ authCode: body.authCode, openid: account.wechatOpenId });
      grant = { channel: 'WECHAT' as const, payAuthNo: auth.payAuthNo, family: auth.family, holder: auth.holder };
    } catch (err) {
      const e = wechatVoucherError(err);
      await service.refused(ctx, target, 'WECHAT', e.code);
      throw e;
    }
    ctx.body = VoucherResultSchema.parse(await service.complete(ctx, target, grant));
  });

  // ── Alipay ─────────────────────────────────────────────────────────────────────────────────
  async function alipayQuery(ctx: Context, target: ResolvedTarget, q: { alipayUserId: string; accessToken: string; reqBizNo: string }, resumed: boolean) {
    const alipay = clients.alipay();
    let res;
    try {
      res = await alipay.queryMedicalAuth({ alipayUserId: q.alipayUserId, accessToken: q.accessToken, reqBizNo: q.reqBizNo });
    } catch (err) {
      const e = alipayVoucherError(err);
      await service.refused(ctx, target, 'ALIPAY', e.code);
      throw e;
    }
    if (!res.authorized) {
      if (!res.voucherActivated) {
        await service.refused(ctx, target, 'ALIPAY', 'INSURANCE_VOUCHER_NOT_ACTIVATED');
        throw new AppError('INSURANCE_VOUCHER_NOT_ACTIVATED');
      }
      if (resumed) {
        // Back from Alipay's page without authorizing: cancelled, nothing changed.
        await service.refused(ctx, target, 'ALIPAY', 'CANCELLED');
        return service.cancelled();
      }
      const flow = await flows.create({
        kind: 'ALIPAY_VOUCHER',
        ttlSeconds: FLOW_TTL_SECONDS,
        userId: target.userId,
        patientId: target.patient?.id ?? null,
        orderId: target.orderId,
        purpose: target.purpose,
        channel: 'ALIPAY',
        data: { alipayUserId: q.alipayUserId, accessToken: q.accessToken, reqBizNo: q.reqBizNo },
      });
      return { status: 'pending' as const, attemptId: flow.value, authUrl: res.authUrl, expiresAt: flow.expiresAt.toISOString() };
    }
    if (!res.payAuthNo) throw new AppError('UPSTREAM_UNAVAILABLE');
    return service.complete(ctx, target, {
      channel: 'ALIPAY',
      payAuthNo: res.payAuthNo,
      family: res.family,
      ...(res.relsPayUserName ? { authorizerNameMasked: res.relsPayUserName } : {}),
    });
  }

  router.post('/alipay', patientOnly, paymentLimit, validate(AlipayVoucherRequestSchema), async (ctx) => {
    const user = authUser(ctx);
    const body = input(ctx, 'body', AlipayVoucherRequestSchema);
    const account = await accountOf(user.id);
    if (!account.alipayUserId) throw new AppError('VOUCHER_CHANNEL_MISMATCH');
    const target = await service.resolveTarget({ userId: user.id, patientId: body.patientId ?? null, purpose: body.purpose, orderId: body.orderId ?? null });
    if (!body.authCode) {
      await service.refused(ctx, target, 'ALIPAY', 'CANCELLED');
      ctx.body = VoucherResultSchema.parse(service.cancelled());
      return;
    }
    const alipay = clients.alipay();
    let token;
    try {
      token = await alipay.exchangeAuthCode(body.authCode);
    } catch (err) {
      const e = alipayCodeError(err, 'voucher');
      await service.refused(ctx, target, 'ALIPAY', e.code);
      throw e;
    }
    if (token.userId !== account.alipayUserId) {
      await service.refused(ctx, target, 'ALIPAY', 'ALIPAY_ACCOUNT_MISMATCH');
      throw new AppError('ALIPAY_ACCOUNT_MISMATCH');
    }
    const reqBizNo = `IHVA${Date.now().toString(36)}${randomBytes(8).toString('hex')}`;
    ctx.body = VoucherResultSchema.parse(await alipayQuery(ctx, target, { alipayUserId: token.userId, accessToken: token.accessToken, reqBizNo }, false));
  });

  router.post('/alipay/resume', patientOnly, paymentLimit, validate(AlipayVoucherResumeRequestSchema), async (ctx) => {
    const user = authUser(ctx);
    const { attemptId } = input(ctx, 'body', AlipayVoucherResumeRequestSchema);
    const claimed = await flows.claim('ALIPAY_VOUCHER', attemptId, { userId: user.id });
    if (!claimed.ok) throw new AppError(claimed.reason === 'used' ? 'AUTH_STATE_USED' : 'AUTH_STATE_INVALID');
    const f = claimed.flow;
    const data = flows.data<{ alipayUserId: string; accessToken: string; reqBizNo: string }>(f);
    if (!data || !f.purpose) throw new AppError('AUTH_STATE_INVALID');
    const target = await service.resolveTarget({ userId: user.id, patientId: f.patientId, purpose: f.purpose, orderId: f.orderId });
    ctx.body = VoucherResultSchema.parse(await alipayQuery(ctx, target, data, true));
  });

  // ── national APP (H5) ──────────────────────────────────────────────────────────────────────
  const callbackUrl = `${config.publicBaseUrl}${API_PREFIX}/voucher/national-app/callback`;

  router.post('/national-app/start', patientOnly, paymentLimit, validate(NationalAppVoucherStartRequestSchema), async (ctx) => {
    const user = authUser(ctx);
    const body = input(ctx, 'body', NationalAppVoucherStartRequestSchema);
    const target = await service.resolveTarget({ userId: user.id, patientId: body.patientId ?? null, purpose: body.purpose, orderId: body.orderId ?? null });
    const client = clients.nationalApp();
    const binding = setBindingCookie(ctx, VOUCHER_COOKIE);
    const flow = await flows.create({
      kind: 'NHSA_VOUCHER',
      ttlSeconds: FLOW_TTL_SECONDS,
      binding,
      userId: user.id,
      patientId: target.patient?.id ?? null,
      orderId: target.orderId,
      purpose: target.purpose,
      channel: 'H5',
      returnTo: body.returnTo ?? null,
    });
    ctx.body = RedirectResponseSchema.parse({ redirectUrl: client.buildAuthorizeUrl({ redirectUrl: callbackUrl, state: flow.value, bizType: '04107' }) });
  });

  /** A browser navigation back from the APP's page: every outcome is a redirect to the H5 result page. */
  router.get('/national-app/callback', async (ctx) => {
    const query = ctx.query as Record<string, unknown>;
    const state = typeof query.state === 'string' ? query.state : undefined;
    const back = (outcome: VoucherOutcome, extra: Record<string, string | null | undefined>) => {
      ctx.set('Referrer-Policy', 'no-referrer');
      ctx.redirect(h5Url(config.publicBaseUrl, H5_ROUTES.voucherResult, { outcome, channel: 'nhsa_app', ...extra }));
    };
    const claimed = await flows.claim('NHSA_VOUCHER', state, { binding: readBindingCookie(ctx, VOUCHER_COOKIE) });
    if (!claimed.ok) {
      logger.info({ requestId: ctx.state.requestId, reason: claimed.reason }, 'national APP voucher return refused');
      back('failed', { code: claimed.reason === 'used' ? 'AUTH_STATE_USED' : 'AUTH_STATE_INVALID' });
      return;
    }
    clearBindingCookie(ctx, VOUCHER_COOKIE);
    const f = claimed.flow;
    const keep = { purpose: f.purpose, patientId: f.patientId, orderId: f.orderId, returnTo: f.returnTo };
    let target: ResolvedTarget | undefined;
    try {
      const owner = f.userId ? await accountOf(f.userId) : null;
      if (!owner || owner.status !== 'ACTIVE' || !f.purpose) throw new AppError('AUTH_STATE_INVALID');
      target = await service.resolveTarget({ userId: f.userId!, patientId: f.patientId, purpose: f.purpose, orderId: f.orderId });
      const client = clients.nationalApp();
      const ret = client.parseAuthorizeReturn(query, state!);
      if (!ret.ok) {
        if (ret.reason === 'cancelled' || ret.reason === 'missing_code') {
          await service.refused(ctx, target, 'NHSA_APP', 'CANCELLED');
          back('cancelled', keep);
          return;
        }
        throw new AppError('INSURANCE_AUTH_INVALID');
      }
      let auth;
      try {
        auth = await client.exchangeAuthCode(ret.authCode, '04107');
      } catch (err) {
        const e = nationalAppExchangeError(err, 'voucher');
        await service.refused(ctx, target, 'NHSA_APP', e.code);
        throw e;
      }
      if (!auth.payAuthNo) throw new AppError('UPSTREAM_UNAVAILABLE');
      const result = await service.complete(ctx, target, {
        channel: 'NHSA_APP',
        payAuthNo: auth.payAuthNo,
        family: auth.family,
        person: { name: auth.person.name, idNumber: auth.person.idNo },
        ...(auth.expiresAt ? { expiresAt: auth.expiresAt } : {}),
        ...(auth.relsPayUserName ? { authorizerNameMasked: auth.relsPayUserName } : {}),
      });
      back('authorized', { ...keep, patientId: result.identity.patientId });
    } catch (err) {
      const e = toAppError(err);
      if (e.status >= 500) logger.warn({ requestId: ctx.state.requestId, code: e.code, err: e.cause ?? e }, 'national APP voucher authorization failed');
      back('failed', { ...keep, code: isErrorCode(e.code) ? e.code : 'INTERNAL' });
    }
  });

  // ── my authorization state ────────────────────────────────────────────────────────────────
  router.get('/status', patientOnly, validate(StatusQuerySchema, 'query'), async (ctx) => {
    const user = authUser(ctx);
    const { patientId } = input(ctx, 'query', StatusQuerySchema);
    ctx.body = VoucherStatusResponseSchema.parse({ items: await service.status(user.id, patientId) });
  });

  return router;
}
