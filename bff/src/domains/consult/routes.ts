/**
 * Re-visit consultations. Patients (PATIENT):
 *   GET  /api/v1/patients/:id/offline-visits?hospitalId=   → OfflineVisitsResponse (from the HIS)
 *   POST /api/v1/consultations/eligibility                  → EligibilityResult
 *   POST /api/v1/consultations                              → 201 CreateConsultationResponse (200 when replayed)
 *   GET  /api/v1/consultations?status=&cursor=&limit=       → ConsultationPage
 *   GET  /api/v1/consultations/:id                          → ConsultationDetail
 *   POST /api/v1/consultations/:id/cancel                   → ConsultationDetail
 * Room (PATIENT or DOCTOR, participants only; others 404):
 *   GET  /api/v1/consultations/:id/messages?after=&limit=&wait=   → MessagesResponse (long poll)
 *   POST /api/v1/consultations/:id/messages                       → 201 ConsultationMessage
 *   POST /api/v1/consultations/:id/read                           → ReadResponse
 *   WS   /api/v1/consultations/ws                                 (realtime.ts)
 * Doctors (DOCTOR):
 *   GET  /api/v1/workspace/consultations?status=&cursor=&limit=   → WorkspacePage
 *   GET  /api/v1/workspace/consultations/:id                      → WorkspaceConsultationDetail
 *   POST /api/v1/workspace/consultations/:id/accept               → WorkspaceConsultationDetail
 *   POST /api/v1/workspace/consultations/:id/end                  → WorkspaceConsultationDetail
 * Every change is audited without personal data. Background: the timeout job (timeouts.ts).
 */
import Router from '@koa/router';
import type { Context } from 'koa';
import {
  API_PREFIX,
  CancelConsultationRequestSchema,
  ConsultationListQuerySchema,
  ConsultationParamsSchema,
  CreateConsultationRequestSchema,
  EligibilityRequestSchema,
  MessagesQuerySchema,
  OfflineVisitsParamsSchema,
  OfflineVisitsQuerySchema,
  ReadRequestSchema,
  SendMessageRequestSchema,
  WorkspaceListQuerySchema,
} from '@ih/contract';
import { audit } from '../../lib/audit';
import { fieldCipher } from '../../lib/cipher';
import { input, validate } from '../../lib/validate';
import { hisClientFromConfig } from '../../platforms/his';
import type { AppDeps } from '../../deps';
import { authUser, requireAuth } from '../auth/middleware';
import { limits } from '../auth/limits';
import { SessionService } from '../auth/sessions';
import { filesOf } from '../files/routes';
import { registerFileAccess } from '../files/access';
import { mayRead, resolveActor } from './access';
import { RoomWatcher } from './bus';
import { ConsultCore, defaultOrderPort, type OrderPort } from './core';
import { EligibilityService, type OfflineVisitSource } from './eligibility';
import { ConsultRealtime, type RealtimeOptions } from './realtime';
import { Room } from './room';
import { PatientConsultations, type RequestMeta } from './service';
import type { ConsultSettingsOverrides } from './settings';
import { ConsultTimeouts } from './timeouts';
import { Workspace } from './workspace';

export interface ConsultDeps extends AppDeps {
  /** The HIS; default: built from the configuration on first use. */
  his?: OfflineVisitSource;
  /** Overrides of the environment's consultation/upload settings (tests). */
  consultSettings?: ConsultSettingsOverrides;
  /** The order domain's functions (default: bff/src/domains/order/api.ts). */
  orders?: OrderPort;
  realtime?: RealtimeOptions;
  /** Receives the built module (tests: the timeout job, the watcher). */
  onConsultModule?: (m: ConsultModule) => void;
}

export interface ConsultModule {
  core: ConsultCore;
  patient: PatientConsultations;
  room: Room;
  workspace: Workspace;
  timeouts: ConsultTimeouts;
  realtime: ConsultRealtime;
  eligibility: EligibilityService;
}

/** Margin between the HIS deadline and the BFF's own request time limit. */
const HIS_DEADLINE_MARGIN_MS = 2000;
/** A long poll answers this long before the request time limit. */
const LONG_POLL_MARGIN_MS = 3000;

const meta = (ctx: Context): RequestMeta => ({ requestId: (ctx.state.requestId as string | undefined) ?? null, ip: ctx.ip || null });

/** Aborted when the client goes away before the answer (long polls stop waiting). */
function clientGone(ctx: Context): AbortSignal {
  const ac = new AbortController();
  ctx.res.once('close', () => ac.abort());
  return ac.signal;
}

export function buildConsultModule(deps: ConsultDeps): ConsultModule {
  const { prisma, logger, config } = deps;
  let his = deps.his;
  const cipher = fieldCipher(config);
  const eligibility = new EligibilityService({
    prisma,
    logger,
    cipher,
    his: () => {
      if (!his) {
        const perCall = config.platforms.timeoutMs;
        // Retries included, the HIS must give up before the request does (then 504, not 503).
        const deadlineMs = Math.max(perCall, Math.min(perCall * 3 + 1000, config.requestTimeoutMs - HIS_DEADLINE_MARGIN_MS));
        his = hisClientFromConfig(config, { deadlineMs });
      }
      return his;
    },
  });
  const { files, signer, settings } = filesOf(deps);
  const watcher = new RoomWatcher(prisma, logger, settings.dbPollMs);
  const core = new ConsultCore({ prisma, logger, cipher, signer, files, settings, eligibility, watcher, orders: deps.orders ?? defaultOrderPort });
  const room = new Room(core, Math.max(0, config.requestTimeoutMs - LONG_POLL_MARGIN_MS));
  const sessions = new SessionService({ prisma, config });
  const realtime = new ConsultRealtime(core, room, sessions, logger, deps.realtime);
  return { core, patient: new PatientConsultations(core), room, workspace: new Workspace(core), timeouts: new ConsultTimeouts(core), realtime, eligibility };
}

export function consultRouter(deps: ConsultDeps): Router {
  const { prisma, logger } = deps;
  const m = buildConsultModule(deps);
  deps.onConsultModule?.(m);
  const { eligibility: service, patient, room, workspace, core } = m;

  // Files attached to a consultation: readable by whoever may read the consultation.
  registerFileAccess('consultation', async (db, user, refId) => {
    if (user.role !== 'PATIENT' && user.role !== 'DOCTOR') return false;
    const c = await db.consultation.findUnique({ where: { id: refId }, select: { userId: true, doctorId: true, departmentId: true, status: true, acceptedAt: true } });
    if (!c) return false;
    try {
      return mayRead(c, await resolveActor(db, user));
    } catch {
      return false;
    }
  });

  deps.upgrades?.register({
    handleUpgrade: (req, socket, head) => m.realtime.handleUpgrade(req, socket, head),
    close: async () => {
      core.watcher().stop();
      await m.realtime.close();
    },
  });
  deps.jobs?.register({ name: 'consult.timeouts', everyMs: core.deps.settings.timeoutJobSeconds * 1000, run: () => m.timeouts.run() });

  const router = new Router({ prefix: API_PREFIX });
  const patientOnly = requireAuth({ roles: ['PATIENT'] });
  // Creating a consultation opens its fee order: counted with the payment actions (auth/limits.ts).
  const paymentLimit = limits(deps).payment;
  const doctorOnly = requireAuth({ roles: ['DOCTOR'] });
  const participant = requireAuth({ roles: ['PATIENT', 'DOCTOR'] });
  const actorOf = (ctx: Context) => resolveActor(prisma, authUser(ctx));

  router.get('/patients/:id/offline-visits', patientOnly, validate(OfflineVisitsParamsSchema, 'params'), validate(OfflineVisitsQuerySchema, 'query'), async (ctx) => {
    const { id } = input(ctx, 'params', OfflineVisitsParamsSchema);
    const { hospitalId } = input(ctx, 'query', OfflineVisitsQuerySchema);
    ctx.body = await service.offlineVisits(authUser(ctx).id, id, hospitalId);
  });

  router.post('/consultations/eligibility', patientOnly, validate(EligibilityRequestSchema), async (ctx) => {
    const body = input(ctx, 'body', EligibilityRequestSchema);
    const user = authUser(ctx);
    const result = await service.check(user.id, body);
    await audit(prisma, logger, ctx, {
      action: 'consultation.eligibility_checked',
      targetType: 'patient',
      targetId: body.patientId,
      actorUserId: user.id,
      actorRole: user.role,
      details: { doctorId: body.doctorId, canConsult: result.canConsult, insurance: result.insurance, reasons: result.reasons.map((r) => r.code).join(',') },
    });
    ctx.body = result;
  });

  // ── the patient's consultations ───────────────────────────────────────────────────────────
  router.post('/consultations', patientOnly, paymentLimit, validate(CreateConsultationRequestSchema), async (ctx) => {
    const result = await patient.create(await actorOf(ctx), input(ctx, 'body', CreateConsultationRequestSchema), meta(ctx));
    ctx.status = result.replayed ? 200 : 201;
    ctx.body = result;
  });

  router.get('/consultations', patientOnly, validate(ConsultationListQuerySchema, 'query'), async (ctx) => {
    ctx.body = await patient.list(await actorOf(ctx), input(ctx, 'query', ConsultationListQuerySchema));
  });

  router.get('/consultations/:id', patientOnly, validate(ConsultationParamsSchema, 'params'), async (ctx) => {
    ctx.body = await patient.detail(await actorOf(ctx), input(ctx, 'params', ConsultationParamsSchema).id);
  });

  router.post('/consultations/:id/cancel', patientOnly, validate(ConsultationParamsSchema, 'params'), validate(CancelConsultationRequestSchema), async (ctx) => {
    const { reason } = input(ctx, 'body', CancelConsultationRequestSchema);
    ctx.body = await patient.cancel(await actorOf(ctx), input(ctx, 'params', ConsultationParamsSchema).id, reason, meta(ctx));
  });

  // ── the room ──────────────────────────────────────────────────────────────────────────────
  router.get('/consultations/:id/messages', participant, validate(ConsultationParamsSchema, 'params'), validate(MessagesQuerySchema, 'query'), async (ctx) => {
    const q = input(ctx, 'query', MessagesQuerySchema);
    ctx.body = await room.messages(await actorOf(ctx), input(ctx, 'params', ConsultationParamsSchema).id, q, q.wait > 0 ? clientGone(ctx) : undefined);
  });

  router.post('/consultations/:id/messages', participant, validate(ConsultationParamsSchema, 'params'), validate(SendMessageRequestSchema), async (ctx) => {
    const actor = await actorOf(ctx);
    const id = input(ctx, 'params', ConsultationParamsSchema).id;
    const body = input(ctx, 'body', SendMessageRequestSchema);
    const msg = await room.send(actor, id, body);
    // One audit row per message would be noise; images are audited (a file joins a medical record).
    if (body.kind === 'IMAGE') {
      await audit(prisma, logger, ctx, { action: 'consultation.image_sent', targetType: 'consultation', targetId: id, actorUserId: actor.user.id, actorRole: actor.user.role, details: { fileId: body.fileId, seq: msg.seq } });
    }
    ctx.status = 201;
    ctx.body = msg;
  });

  router.post('/consultations/:id/read', participant, validate(ConsultationParamsSchema, 'params'), validate(ReadRequestSchema), async (ctx) => {
    ctx.body = await room.read(await actorOf(ctx), input(ctx, 'params', ConsultationParamsSchema).id, input(ctx, 'body', ReadRequestSchema).seq);
  });

  // ── the doctor's workspace ────────────────────────────────────────────────────────────────
  router.get('/workspace/consultations', doctorOnly, validate(WorkspaceListQuerySchema, 'query'), async (ctx) => {
    ctx.body = await workspace.list(await actorOf(ctx), input(ctx, 'query', WorkspaceListQuerySchema));
  });

  router.get('/workspace/consultations/:id', doctorOnly, validate(ConsultationParamsSchema, 'params'), async (ctx) => {
    const actor = await actorOf(ctx);
    const id = input(ctx, 'params', ConsultationParamsSchema).id;
    const detail = await workspace.detail(actor, id);
    // Who looked at which patient's record (rule 20); no personal data.
    await audit(prisma, logger, ctx, { action: 'consultation.viewed_by_doctor', targetType: 'consultation', targetId: id, actorUserId: actor.user.id, actorRole: 'DOCTOR', details: { status: detail.status } });
    ctx.body = detail;
  });

  router.post('/workspace/consultations/:id/accept', doctorOnly, validate(ConsultationParamsSchema, 'params'), async (ctx) => {
    ctx.body = await workspace.accept(await actorOf(ctx), input(ctx, 'params', ConsultationParamsSchema).id, meta(ctx));
  });

  router.post('/workspace/consultations/:id/end', doctorOnly, validate(ConsultationParamsSchema, 'params'), async (ctx) => {
    ctx.body = await workspace.end(await actorOf(ctx), input(ctx, 'params', ConsultationParamsSchema).id, meta(ctx));
  });

  return router;
}
