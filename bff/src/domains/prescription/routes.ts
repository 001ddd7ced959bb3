/**
 * Prescription routes (contract/src/prescription.ts lists them with their shapes):
 *   doctor      /api/v1/workspace/consultations/:id/diagnosis|prescriptions, /api/v1/workspace/prescriptions…
 *   pharmacist  /api/v1/workspace/review-queue, /api/v1/workspace/prescriptions/:id/approve|reject
 *   staff       /api/v1/workspace/audit
 *   patient     /api/v1/prescriptions, /api/v1/prescriptions/:id
 *   both        /api/v1/prescriptions/:id/verification
 */
import Router from '@koa/router';
import type { Context } from 'koa';
import {
  API_PREFIX,
  ApproveRequestSchema,
  AuditQuerySchema,
  DiagnoseRequestSchema,
  DoctorPrescriptionListQuerySchema,
  PatientPrescriptionListQuerySchema,
  PrescriptionDraftRequestSchema,
  RejectRequestSchema,
  ReviewQueueQuerySchema,
  ReviseRequestSchema,
  RxIdParamsSchema,
  SignAndSubmitRequestSchema,
} from '@ih/contract';
import type { AppDeps } from '../../deps';
import { fieldCipher } from '../../lib/cipher';
import { input, validate } from '../../lib/validate';
import { LocalSigner, type PrescriptionSigner } from '../../platforms/signer';
import { authUser, requireAuth } from '../auth/middleware';
import { auditTrail } from './auditTrail';
import { PrescriptionService, type RevokeOrders, type Who } from './service';

export interface PrescriptionDeps extends AppDeps {
  /** The signing service; default: the local signer (keys in signer_keys, auto-enrolled outside production). */
  signer?: PrescriptionSigner;
  revokeOrders?: RevokeOrders;
}

/** How often approved prescriptions past their validity are expired. */
const EXPIRY_JOB_MS = 5 * 60_000;

function who(ctx: Context): Who {
  return { user: authUser(ctx), requestId: (ctx.state.requestId as string | undefined) ?? null, ip: ctx.ip || null };
}

export function prescriptionService(deps: PrescriptionDeps): PrescriptionService {
  const cipher = fieldCipher(deps.config);
  const signer = deps.signer ?? new LocalSigner(deps.prisma, cipher, { autoEnroll: !deps.config.isProduction });
  return new PrescriptionService({ prisma: deps.prisma, logger: deps.logger, cipher, signer, ...(deps.revokeOrders ? { revokeOrders: deps.revokeOrders } : {}) });
}

export function prescriptionRouter(deps: PrescriptionDeps): Router {
  const service = prescriptionService(deps);
  deps.jobs?.register({ name: 'prescription.expiry', everyMs: EXPIRY_JOB_MS, run: () => service.expireStale() });

  const router = new Router({ prefix: API_PREFIX });
  const doctor = requireAuth({ roles: ['DOCTOR'] });
  const pharmacist = requireAuth({ roles: ['PHARMACIST'] });
  const staff = requireAuth({ roles: ['DOCTOR', 'PHARMACIST', 'ADMIN'] });
  const patient = requireAuth({ roles: ['PATIENT'] });
  const anyone = requireAuth({ roles: ['PATIENT', 'DOCTOR', 'PHARMACIST', 'ADMIN'] });
  const id = validate(RxIdParamsSchema, 'params');
  const idOf = (ctx: Context) => input(ctx, 'params', RxIdParamsSchema).id;

  // ── doctor ──
  router.get('/workspace/consultations/:id/diagnosis', doctor, id, async (ctx) => {
    ctx.body = { diagnosis: await service.getDiagnosis(who(ctx), idOf(ctx)) };
  });
  router.put('/workspace/consultations/:id/diagnosis', doctor, id, validate(DiagnoseRequestSchema), async (ctx) => {
    ctx.body = await service.diagnose(who(ctx), idOf(ctx), input(ctx, 'body', DiagnoseRequestSchema));
  });
  router.get('/workspace/consultations/:id/prescriptions', doctor, id, async (ctx) => {
    ctx.body = await service.listForConsultation(who(ctx), idOf(ctx));
  });
  router.post('/workspace/consultations/:id/prescriptions', doctor, id, validate(PrescriptionDraftRequestSchema), async (ctx) => {
    ctx.status = 201;
    ctx.body = await service.createDraft(who(ctx), idOf(ctx), input(ctx, 'body', PrescriptionDraftRequestSchema));
  });
  router.get('/workspace/prescriptions', doctor, validate(DoctorPrescriptionListQuerySchema, 'query'), async (ctx) => {
    ctx.body = await service.listMine(who(ctx), input(ctx, 'query', DoctorPrescriptionListQuerySchema));
  });
  router.get('/workspace/prescriptions/:id', staff, id, async (ctx) => {
    ctx.body = await service.staffDetail(who(ctx), idOf(ctx));
  });
  router.put('/workspace/prescriptions/:id', doctor, id, validate(PrescriptionDraftRequestSchema), async (ctx) => {
    ctx.body = await service.edit(who(ctx), idOf(ctx), input(ctx, 'body', PrescriptionDraftRequestSchema));
  });
  router.delete('/workspace/prescriptions/:id', doctor, id, async (ctx) => {
    ctx.body = await service.discard(who(ctx), idOf(ctx));
  });
  router.post('/workspace/prescriptions/:id/sign-and-submit', doctor, id, validate(SignAndSubmitRequestSchema), async (ctx) => {
    ctx.body = await service.signAndSubmit(who(ctx), idOf(ctx), input(ctx, 'body', SignAndSubmitRequestSchema));
  });
  router.post('/workspace/prescriptions/:id/revise', doctor, id, validate(ReviseRequestSchema), async (ctx) => {
    ctx.status = 201;
    ctx.body = await service.revise(who(ctx), idOf(ctx), input(ctx, 'body', ReviseRequestSchema));
  });

  // ── pharmacist ──
  router.get('/workspace/review-queue', pharmacist, validate(ReviewQueueQuerySchema, 'query'), async (ctx) => {
    ctx.body = await service.reviewQueue(who(ctx), input(ctx, 'query', ReviewQueueQuerySchema));
  });
  router.post('/workspace/prescriptions/:id/approve', pharmacist, id, validate(ApproveRequestSchema), async (ctx) => {
    ctx.body = await service.approve(who(ctx), idOf(ctx), input(ctx, 'body', ApproveRequestSchema));
  });
  router.post('/workspace/prescriptions/:id/reject', pharmacist, id, validate(RejectRequestSchema), async (ctx) => {
    ctx.body = await service.reject(who(ctx), idOf(ctx), input(ctx, 'body', RejectRequestSchema));
  });

  // ── staff: trail ──
  router.get('/workspace/audit', staff, validate(AuditQuerySchema, 'query'), async (ctx) => {
    const s = await service.staff(authUser(ctx));
    ctx.body = await auditTrail(deps.prisma, s, input(ctx, 'query', AuditQuerySchema));
  });

  // ── patient ──
  router.get('/prescriptions', patient, validate(PatientPrescriptionListQuerySchema, 'query'), async (ctx) => {
    ctx.body = await service.patientList(who(ctx), input(ctx, 'query', PatientPrescriptionListQuerySchema).consultationId);
  });
  router.get('/prescriptions/:id', patient, id, async (ctx) => {
    ctx.body = await service.patientDetail(who(ctx), idOf(ctx));
  });
  router.get('/prescriptions/:id/verification', anyone, id, async (ctx) => {
    ctx.body = await service.verification(who(ctx), idOf(ctx));
  });

  return router;
}
