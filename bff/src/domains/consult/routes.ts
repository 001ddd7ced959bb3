/**
 * Re-visit consultations (patients only; staff get 403, nobody signed in gets 401):
 *   GET  /api/v1/patients/:id/offline-visits?hospitalId=   → OfflineVisitsResponse (from the HIS)
 *   POST /api/v1/consultations/eligibility                  → EligibilityResult
 * Another user's 就诊人 answers 404. Each check is audited (reason codes only: no diagnosis,
 * no personal data). HIS down → 502 HIS_UNAVAILABLE, HIS too slow → 504 HIS_TIMEOUT.
 */
import Router from '@koa/router';
import {
  API_PREFIX,
  EligibilityRequestSchema,
  OfflineVisitsParamsSchema,
  OfflineVisitsQuerySchema,
} from '@ih/contract';
import { audit } from '../../lib/audit';
import { fieldCipher } from '../../lib/cipher';
import { input, validate } from '../../lib/validate';
import { hisClientFromConfig } from '../../platforms/his';
import type { AppDeps } from '../../deps';
import { authUser, requireAuth } from '../auth/middleware';
import { EligibilityService, type OfflineVisitSource } from './eligibility';

export interface ConsultDeps extends AppDeps {
  /** The HIS; default: built from the configuration on first use. */
  his?: OfflineVisitSource;
}

/** Margin between the HIS deadline and the BFF's own request time limit. */
const HIS_DEADLINE_MARGIN_MS = 2000;

export function consultRouter(deps: ConsultDeps): Router {
  const { prisma, logger, config } = deps;
  let his = deps.his;
  const service = new EligibilityService({
    prisma,
    logger,
    cipher: fieldCipher(config),
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
  const router = new Router({ prefix: API_PREFIX });
  const patientOnly = requireAuth({ roles: ['PATIENT'] });

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

  return router;
}
