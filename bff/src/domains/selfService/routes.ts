/**
 * 医保自助经办 (patients only; staff 403, nobody signed in 401), under /api/v1:
 *   GET  /self-service/items                          → {items}: the hall (every enabled item, summaries)
 *   GET  /self-service/items/:code                    → the item's whole definition + dueIfSubmittedToday
 *   POST /self-service/validate                       {itemCode, form, materials} → review data (fields, warnings, masked values, due date, facts)
 *   POST /self-service/applications                   {requestKey, itemCode, patientId, form, materials, confirmed} → 201 {application, duplicate:false, warnings}
 *                                                      (the same requestKey again → 200 {application, duplicate:true})
 *   GET  /self-service/applications?patientId=&status=open|done|all&itemCode=&page=&pageSize=
 *   GET  /self-service/applications/:id               → ApplicationDetail (history, steps, deadline, supplement, filing…)
 *   POST /self-service/applications/:id/withdraw      → ApplicationDetail (only before acceptance)
 *   POST /self-service/applications/:id/supplement    {form, materials, confirmed} → ApplicationDetail
 *   POST /self-service/applications/:id/refresh       → ApplicationDetail after a status query (at most every 10 s)
 *   GET  /self-service/filings?patientId=             → {items}: remote-care filing records
 *   POST /self-service/filings/:id/cancel             {reason, reasonChanged} → FilingView
 *   GET  /self-service/enrollment?patientId=          → EnrollmentInfo (参保信息)
 *   GET  /self-service/account?patientId=&since=&until= → AccountInfo (个人账户余额与变动)
 *   GET  /self-service/certificate?patientId=         → application/pdf (参保凭证)
 *   POST /self-service/agency/notify                  the agency's status notify (signature verified; no session)
 *   GET  /notifications?unread=&page=&pageSize=       → {items, page, pageSize, total, unread}
 *   GET  /notifications/unread-count                  → {unread}
 *   POST /notifications/:id/read                      → Notification
 *   POST /notifications/read-all                      → {updated}
 * Another user's application or 就诊人 answers 404; the insured person sees applications other
 * accounts made for them (read-only). Every change is audited without personal data.
 */
import Router from '@koa/router';
import type { Context } from 'koa';
import {
  API_PREFIX,
  AccountInfoSchema,
  AccountQuerySchema,
  ApplicationIdParamsSchema,
  ApplicationListQuerySchema,
  ApplicationListResponseSchema,
  ApplicationSubmitResponseSchema,
  ApplicationSubmitSchema,
  ApplicationSupplementSchema,
  EnrollmentInfoSchema,
  FilingCancelSchema,
  FilingListResponseSchema,
  ItemCodeParamsSchema,
  NotificationIdParamsSchema,
  NotificationListQuerySchema,
  PatientQuerySchema,
  SelfServiceItemDetailSchema,
  SelfServiceItemListSchema,
  UnreadCountResponseSchema,
  ValidateRequestSchema,
  ValidateResponseSchema,
  chinaDateTime,
  fenToYuan,
  insutypeLabel,
  type SelfServiceItem,
} from '@ih/contract';
import { audit } from '../../lib/audit';
import { fieldCipher } from '../../lib/cipher';
import { AppError } from '../../lib/errors';
import { input, validate } from '../../lib/validate';
import { isPlatformError } from '../../platforms/http';
import { agencyClientFromConfig, NotifyVerificationError, type AgencyClient } from '../../platforms/agency';
import type { AppDeps } from '../../deps';
import { authUser, requireAuth } from '../auth/middleware';
import { registerFileAccess } from '../files/access';
import { ItemCatalog } from './catalog';
import { certificateNo, certificatePdf } from './certificate';
import { NotificationService } from './notifications';
import { FILE_REF_TYPE, SelfServiceService } from './service';

export interface SelfServiceDepsIn extends AppDeps {
  /** The agency client; default: built from the configuration on first use. */
  agency?: AgencyClient;
  now?: () => Date;
}

export const NOTIFY_PATH = `${API_PREFIX}/self-service/agency/notify`;
const STATUS_LABELS = { ACTIVE: '正常参保', SUSPENDED: '暂停参保', TERMINATED: '终止参保' } as const;

function summary(i: SelfServiceItem) {
  return { code: i.code, seq: i.seq, name: i.name, title: i.title, category: i.category, audience: i.audience, mode: i.mode, timeLimit: i.timeLimit, steps: i.steps, sort: i.sort, filingKind: i.filingKind, queryPage: i.queryPage };
}

export function selfServiceParts(deps: SelfServiceDepsIn) {
  const { prisma, logger, config } = deps;
  let agency = deps.agency;
  const getAgency = () => {
    agency ??= agencyClientFromConfig(config);
    return agency;
  };
  const catalog = new ItemCatalog(prisma, logger);
  const service = new SelfServiceService({
    prisma, logger, cipher: fieldCipher(config), catalog, agency: getAgency,
    notifyUrl: `${config.publicBaseUrl}${NOTIFY_PATH}`,
    ...(deps.now ? { now: deps.now } : {}),
  });
  return { service, catalog, getAgency, notifications: new NotificationService(prisma) };
}

export function selfServiceRouter(deps: SelfServiceDepsIn): Router {
  const { prisma, logger, config } = deps;
  const { service, catalog, getAgency, notifications } = selfServiceParts(deps);
  const router = new Router({ prefix: API_PREFIX });
  const patientOnly = requireAuth({ roles: ['PATIENT'] });
  const record = (ctx: Context, action: string, targetType: string, targetId: string, details?: Record<string, string | number | boolean | null>) => {
    const user = authUser(ctx);
    return audit(prisma, logger, ctx, { action, targetType, targetId, actorUserId: user.id, actorRole: user.role, ...(details ? { details } : {}) });
  };

  // Uploaded materials attached to an application: readable by whoever may see the application.
  registerFileAccess(FILE_REF_TYPE, async (db, user, refId) => {
    const viewer = await service.viewer(user.id);
    const row = await db.selfServiceApplication.findUnique({ where: { id: refId }, select: { userId: true } });
    return !!row && row.userId === viewer.userId;
  });

  // Background follow-up (the server starts the scheduler; tests call the functions directly).
  deps.jobs?.register({ name: 'selfService.deliver', everyMs: 30_000, run: () => service.deliverPending() });
  deps.jobs?.register({ name: 'selfService.sync', everyMs: 60_000, run: () => service.syncOpen() });
  deps.jobs?.register({ name: 'selfService.calendar', everyMs: 6 * 3_600_000, run: () => service.checkCalendarCoverage() });

  /** Agency calls made for a query: its failures become the user-facing codes. */
  async function askAgency<T>(call: (a: AgencyClient) => Promise<T>): Promise<T> {
    let a: AgencyClient;
    try {
      a = getAgency();
    } catch (err) {
      logger.error({ err: { message: (err as Error).message } }, 'agency client unavailable (configuration)');
      throw new AppError('AGENCY_UNAVAILABLE', { cause: err });
    }
    try {
      return await call(a);
    } catch (err) {
      if (isPlatformError(err)) {
        logger.warn({ agency: err.toJSON() }, 'agency query failed');
        throw new AppError(err.kind === 'timeout' ? 'AGENCY_TIMEOUT' : 'AGENCY_UNAVAILABLE', { cause: err });
      }
      throw err;
    }
  }

  // ── items ───────────────────────────────────────────────────────────────────────────────────
  router.get('/self-service/items', patientOnly, async (ctx) => {
    const items = (await catalog.enabled()).sort((a, b) => a.sort - b.sort || a.seq - b.seq);
    ctx.body = SelfServiceItemListSchema.parse({ items: items.map(summary) });
  });

  router.get('/self-service/items/:code', patientOnly, validate(ItemCodeParamsSchema, 'params'), async (ctx) => {
    const { code } = input(ctx, 'params', ItemCodeParamsSchema);
    const item = await service.item(code);
    ctx.body = SelfServiceItemDetailSchema.parse({ ...item, dueIfSubmittedToday: await service.dueIfSubmittedToday(item) });
  });

  router.post('/self-service/validate', patientOnly, validate(ValidateRequestSchema), async (ctx) => {
    const b = input(ctx, 'body', ValidateRequestSchema);
    ctx.body = ValidateResponseSchema.parse(await service.validate(authUser(ctx).id, b.itemCode, b.form, b.materials));
  });

  // ── applications ────────────────────────────────────────────────────────────────────────────
  router.post('/self-service/applications', patientOnly, validate(ApplicationSubmitSchema), async (ctx) => {
    const b = input(ctx, 'body', ApplicationSubmitSchema);
    const r = await service.submit(authUser(ctx).id, b);
    if (!r.duplicate) {
      await record(ctx, 'self_service.submitted', 'self_service_application', r.application.id, {
        itemCode: r.application.itemCode, status: r.application.status, delivered: r.application.delivered,
        materials: r.application.materials.length, promises: r.application.materials.filter((m) => m.promise).length,
      });
    }
    ctx.status = r.duplicate ? 200 : 201;
    ctx.body = ApplicationSubmitResponseSchema.parse(r);
  });

  router.get('/self-service/applications', patientOnly, validate(ApplicationListQuerySchema, 'query'), async (ctx) => {
    const q = input(ctx, 'query', ApplicationListQuerySchema);
    ctx.body = ApplicationListResponseSchema.parse(await service.list(await service.viewer(authUser(ctx).id), q));
  });

  router.get('/self-service/applications/:id', patientOnly, validate(ApplicationIdParamsSchema, 'params'), async (ctx) => {
    const { id } = input(ctx, 'params', ApplicationIdParamsSchema);
    ctx.body = await service.detail(await service.viewer(authUser(ctx).id), id);
  });

  router.post('/self-service/applications/:id/withdraw', patientOnly, validate(ApplicationIdParamsSchema, 'params'), async (ctx) => {
    const { id } = input(ctx, 'params', ApplicationIdParamsSchema);
    const viewer = await service.viewer(authUser(ctx).id);
    try {
      const detail = await service.withdraw(viewer, id);
      await record(ctx, 'self_service.withdrawn', 'self_service_application', id, { itemCode: detail.itemCode, status: detail.status });
      ctx.body = detail;
    } catch (err) {
      if (err instanceof AppError && err.code === 'SELF_SERVICE_WITHDRAW_REFUSED') await record(ctx, 'self_service.withdraw_refused', 'self_service_application', id);
      throw err;
    }
  });

  router.post('/self-service/applications/:id/supplement', patientOnly, validate(ApplicationIdParamsSchema, 'params'), validate(ApplicationSupplementSchema), async (ctx) => {
    const { id } = input(ctx, 'params', ApplicationIdParamsSchema);
    const b = input(ctx, 'body', ApplicationSupplementSchema);
    const detail = await service.supplement(await service.viewer(authUser(ctx).id), id, b);
    await record(ctx, 'self_service.supplemented', 'self_service_application', id, { itemCode: detail.itemCode, status: detail.status, materials: detail.materials.length });
    ctx.body = detail;
  });

  const lastRefresh = new Map<string, number>();
  router.post('/self-service/applications/:id/refresh', patientOnly, validate(ApplicationIdParamsSchema, 'params'), async (ctx) => {
    const { id } = input(ctx, 'params', ApplicationIdParamsSchema);
    const viewer = await service.viewer(authUser(ctx).id);
    await service.detail(viewer, id); // 404 for anybody else
    const at = lastRefresh.get(id) ?? 0;
    if (Date.now() - at > 10_000) {
      lastRefresh.set(id, Date.now());
      if (lastRefresh.size > 10_000) lastRefresh.clear();
      try {
        await service.sync(id);
      } catch (err) {
        // The stored state is still right; the user sees it and may try again later.
        logger.warn({ agency: isPlatformError(err) ? err.toJSON() : { message: String(err) }, applicationId: id }, 'refresh: agency status query failed');
      }
    }
    ctx.body = await service.detail(viewer, id);
  });

  // ── filings ─────────────────────────────────────────────────────────────────────────────────
  router.get('/self-service/filings', patientOnly, async (ctx) => {
    const patientId = typeof ctx.query.patientId === 'string' && /^[0-9a-f-]{36}$/i.test(ctx.query.patientId) ? ctx.query.patientId : undefined;
    ctx.body = FilingListResponseSchema.parse({ items: await service.filings(await service.viewer(authUser(ctx).id), patientId) });
  });

  router.post('/self-service/filings/:id/cancel', patientOnly, validate(ApplicationIdParamsSchema, 'params'), validate(FilingCancelSchema), async (ctx) => {
    const { id } = input(ctx, 'params', ApplicationIdParamsSchema);
    const b = input(ctx, 'body', FilingCancelSchema);
    const view = await service.cancelFiling(await service.viewer(authUser(ctx).id), id, b);
    await record(ctx, 'self_service.filing_cancelled', 'self_service_application', id, { kind: view.kind, reasonChanged: b.reasonChanged });
    ctx.body = view;
  });

  // ── queries ─────────────────────────────────────────────────────────────────────────────────
  const enrollmentOf = async (userId: string, patientId: string) => {
    const person = await service.personFor(userId, patientId);
    const e = await askAgency((a) => a.enrollment({ certType: person.certType, certNo: person.certNo }));
    if (!e) throw new AppError('SELF_SERVICE_NOT_INSURED');
    return { person, e };
  };

  router.get('/self-service/enrollment', patientOnly, validate(PatientQuerySchema, 'query'), async (ctx) => {
    const { patientId } = input(ctx, 'query', PatientQuerySchema);
    const { person, e } = await enrollmentOf(authUser(ctx).id, patientId);
    await record(ctx, 'self_service.enrollment_queried', 'patient', patientId);
    ctx.body = EnrollmentInfoSchema.parse({
      patient: person.patient, status: e.status, statusLabel: STATUS_LABELS[e.status], insutype: e.insutype, insutypeLabel: insutypeLabel(e.insutype),
      admdvs: e.admdvs, admdvsName: e.admdvsName, since: e.since, unitName: e.unitName, payments: e.payments, queriedAt: new Date().toISOString(),
    });
  });

  router.get('/self-service/account', patientOnly, validate(AccountQuerySchema, 'query'), async (ctx) => {
    const q = input(ctx, 'query', AccountQuerySchema);
    const person = await service.personFor(authUser(ctx).id, q.patientId);
    const acc = await askAgency((a) => a.account({ certType: person.certType, certNo: person.certNo }, { ...(q.since ? { since: q.since } : {}), ...(q.until ? { until: q.until } : {}) }));
    if (!acc) throw new AppError('SELF_SERVICE_NOT_INSURED');
    await record(ctx, 'self_service.account_queried', 'patient', q.patientId);
    ctx.body = AccountInfoSchema.parse({ patient: person.patient, balanceFen: acc.balanceFen, changes: acc.changes, queriedAt: new Date().toISOString() });
  });

  router.get('/self-service/certificate', patientOnly, validate(PatientQuerySchema, 'query'), async (ctx) => {
    const { patientId } = input(ctx, 'query', PatientQuerySchema);
    const { person, e } = await enrollmentOf(authUser(ctx).id, patientId);
    const printedAt = chinaDateTime();
    const no = certificateNo(config.secrets.dataHashKey, [person.idNumberHash, e.insutype, e.admdvs, e.status, printedAt]);
    const pdf = await certificatePdf({
      title: '基本医疗保险参保凭证', name: person.name, idNumberMasked: person.patient.idNumberMasked, insutypeLabel: insutypeLabel(e.insutype),
      statusLabel: STATUS_LABELS[e.status], admdvsName: e.admdvsName, since: e.since, unitName: e.unitName,
      payments: e.payments.map((p) => ({ period: p.period, kind: p.kind, amount: fenToYuan(p.amountFen) })),
      printedAt, certificateNo: no, issuer: `医保经办机构（${config.platforms.insuranceAgency.orgCode}）`,
    });
    await record(ctx, 'self_service.certificate_printed', 'patient', patientId, { certificateNo: no });
    ctx.type = 'application/pdf';
    ctx.set('Content-Disposition', `attachment; filename="enrollment-certificate.pdf"; filename*=UTF-8''${encodeURIComponent('参保凭证.pdf')}`);
    ctx.body = Buffer.from(pdf);
  });

  // ── the agency's status notify ──────────────────────────────────────────────────────────────
  router.post('/self-service/agency/notify', async (ctx) => {
    const raw = (ctx.request as { rawBody?: string }).rawBody;
    let parsed;
    try {
      let a: AgencyClient;
      try {
        a = getAgency();
      } catch {
        ctx.status = 503;
        ctx.body = { code: 'NOT_CONFIGURED', message: 'agency not configured' };
        return;
      }
      parsed = a.verifyNotify(ctx.headers as Record<string, string | undefined>, ctx.originalUrl, typeof raw === 'string' ? raw : '');
    } catch (err) {
      if (err instanceof NotifyVerificationError) {
        logger.warn({ reason: err.code }, 'agency notify refused');
        await audit(prisma, logger, ctx, { action: 'self_service.notify_refused', targetType: 'agency_notify', actorRole: 'SYSTEM', details: { reason: err.code } });
        ctx.status = err.code === 'BAD_BODY' ? 400 : 401;
        ctx.body = { code: err.code, message: '通知验证失败' };
        return;
      }
      throw err;
    }
    const outcome = await service.onNotify(parsed.applicationNo, parsed.event);
    if (outcome === 'unknown') logger.warn({ event: parsed.event.eventId }, 'agency notify for an unknown application');
    else if (outcome === 'applied') {
      await audit(prisma, logger, ctx, { action: 'self_service.status_changed', targetType: 'agency_application', targetId: parsed.applicationNo, actorRole: 'SYSTEM', details: { status: parsed.event.status, seq: parsed.event.seq } });
    }
    ctx.body = { code: 'SUCCESS', message: outcome };
  });

  // ── notifications ───────────────────────────────────────────────────────────────────────────
  const anyUser = requireAuth();
  router.get('/notifications', anyUser, validate(NotificationListQuerySchema, 'query'), async (ctx) => {
    ctx.body = await notifications.list(authUser(ctx).id, input(ctx, 'query', NotificationListQuerySchema));
  });
  router.get('/notifications/unread-count', anyUser, async (ctx) => {
    ctx.body = UnreadCountResponseSchema.parse({ unread: await notifications.unread(authUser(ctx).id) });
  });
  router.post('/notifications/read-all', anyUser, async (ctx) => {
    ctx.body = { updated: await notifications.markAllRead(authUser(ctx).id) };
  });
  router.post('/notifications/:id/read', anyUser, validate(NotificationIdParamsSchema, 'params'), async (ctx) => {
    const { id } = input(ctx, 'params', NotificationIdParamsSchema);
    ctx.body = await notifications.markRead(authUser(ctx).id, id);
  });

  return router;
}
