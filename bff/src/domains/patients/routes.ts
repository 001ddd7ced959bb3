/**
 * /api/v1/patients (patients only; staff get 403): the signed-in user's 就诊人.
 *   GET    /patients        → {items, limit}
 *   GET    /patients/:id    → Patient
 *   POST   /patients        → 201 Patient          (PatientCreateSchema; SELF refused)
 *   PATCH  /patients/:id    → Patient              (name, phone, relationship, isDefault)
 *   DELETE /patients/:id    → {id, deleted: true}  (soft; refused with open orders or for SELF)
 * Every answer is masked; every change is audited (no personal data in the audit row).
 */
import Router from '@koa/router';
import {
  API_PREFIX,
  PatientCreateSchema,
  PatientDeleteResponseSchema,
  PatientIdParamsSchema,
  PatientListResponseSchema,
  PatientUpdateSchema,
} from '@ih/contract';
import { input, validate } from '../../lib/validate';
import { audit } from '../../lib/audit';
import { fieldCipher } from '../../lib/cipher';
import type { AppDeps } from '../../deps';
import { authUser, requireAuth } from '../auth/middleware';
import { PatientService } from './service';

export function patientsRouter(deps: AppDeps): Router {
  const { prisma, logger, config } = deps;
  const service = new PatientService({ prisma, logger, config, cipher: fieldCipher(config) });
  const router = new Router({ prefix: `${API_PREFIX}/patients` });
  const patientOnly = requireAuth({ roles: ['PATIENT'] });
  const record = (ctx: Parameters<typeof authUser>[0], action: string, patientId: string, details?: Record<string, string | number | boolean | null>) => {
    const user = authUser(ctx);
    return audit(prisma, logger, ctx, { action: `patient.${action}`, targetType: 'patient', targetId: patientId, actorUserId: user.id, actorRole: user.role, ...(details ? { details } : {}) });
  };

  router.get('/', patientOnly, async (ctx) => {
    const user = authUser(ctx);
    const [items, limit] = await Promise.all([service.list(user.id), service.limit()]);
    ctx.body = PatientListResponseSchema.parse({ items, limit });
  });

  router.get('/:id', patientOnly, validate(PatientIdParamsSchema, 'params'), async (ctx) => {
    const { id } = input(ctx, 'params', PatientIdParamsSchema);
    ctx.body = await service.get(authUser(ctx).id, id);
  });

  router.post('/', patientOnly, validate(PatientCreateSchema), async (ctx) => {
    const body = input(ctx, 'body', PatientCreateSchema);
    const patient = await service.create(authUser(ctx).id, body);
    await record(ctx, 'create', patient.id, { relationship: patient.relationship, idType: patient.idType });
    ctx.status = 201;
    ctx.body = patient;
  });

  router.patch('/:id', patientOnly, validate(PatientIdParamsSchema, 'params'), validate(PatientUpdateSchema), async (ctx) => {
    const { id } = input(ctx, 'params', PatientIdParamsSchema);
    const body = input(ctx, 'body', PatientUpdateSchema);
    const patient = await service.update(authUser(ctx).id, id, body);
    // Which fields changed, never their values.
    await record(ctx, 'update', id, { fields: Object.keys(body).sort().join(',') });
    ctx.body = patient;
  });

  router.delete('/:id', patientOnly, validate(PatientIdParamsSchema, 'params'), async (ctx) => {
    const { id } = input(ctx, 'params', PatientIdParamsSchema);
    await service.remove(authUser(ctx).id, id);
    await record(ctx, 'delete', id);
    ctx.body = PatientDeleteResponseSchema.parse({ id, deleted: true });
  });

  return router;
}
