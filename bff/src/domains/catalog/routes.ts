/**
 * /api/v1/catalog/* — public, paged, filtered catalogs (no sign-in; no personal data).
 *   GET /catalog/hospitals                  ?page&pageSize&keyword&city&batch&insurance=covered|self_pay_only
 *   GET /catalog/hospitals/:id
 *   GET /catalog/hospitals/:id/departments  ?page&pageSize&keyword
 *   GET /catalog/departments/:id
 *   GET /catalog/doctors                    ?page&pageSize&hospitalId&departmentId&keyword&disease&title&available&insuranceOnly
 *   GET /catalog/doctors/:id
 *   GET /catalog/diseases                   ?page&pageSize&keyword&category&payableOnline
 *   GET /catalog/drugs                      ?page&pageSize&keyword&insuranceClass&fitForInternet
 * Every query is validated (400 VALIDATION_FAILED with Chinese field messages); unknown ids 404.
 */
import Router from '@koa/router';
import type { Context } from 'koa';
import {
  API_PREFIX,
  CatalogIdParamsSchema,
  DepartmentListQuerySchema,
  DiseaseListQuerySchema,
  DoctorListQuerySchema,
  DrugListQuerySchema,
  HospitalListQuerySchema,
} from '@ih/contract';
import { input, validate } from '../../lib/validate';
import type { AppDeps } from '../../deps';
import { CatalogService } from './service';

/** Catalogs change rarely but hospital and doctor flags do change: a short shared cache. */
function cacheable(ctx: Context): void {
  ctx.set('Cache-Control', 'public, max-age=60');
}

export function catalogRouter(deps: AppDeps): Router {
  const service = new CatalogService({ prisma: deps.prisma, logger: deps.logger });
  const router = new Router({ prefix: `${API_PREFIX}/catalog` });
  const id = validate(CatalogIdParamsSchema, 'params');

  router.get('/hospitals', validate(HospitalListQuerySchema, 'query'), async (ctx) => {
    ctx.body = await service.hospitals(input(ctx, 'query', HospitalListQuerySchema));
    cacheable(ctx);
  });

  router.get('/hospitals/:id', id, async (ctx) => {
    ctx.body = await service.hospital(input(ctx, 'params', CatalogIdParamsSchema).id);
    cacheable(ctx);
  });

  router.get('/hospitals/:id/departments', id, validate(DepartmentListQuerySchema, 'query'), async (ctx) => {
    ctx.body = await service.departments(input(ctx, 'params', CatalogIdParamsSchema).id, input(ctx, 'query', DepartmentListQuerySchema));
    cacheable(ctx);
  });

  router.get('/departments/:id', id, async (ctx) => {
    ctx.body = await service.department(input(ctx, 'params', CatalogIdParamsSchema).id);
    cacheable(ctx);
  });

  router.get('/doctors', validate(DoctorListQuerySchema, 'query'), async (ctx) => {
    ctx.body = await service.doctors(input(ctx, 'query', DoctorListQuerySchema));
    cacheable(ctx);
  });

  router.get('/doctors/:id', id, async (ctx) => {
    ctx.body = await service.doctor(input(ctx, 'params', CatalogIdParamsSchema).id);
    cacheable(ctx);
  });

  router.get('/diseases', validate(DiseaseListQuerySchema, 'query'), async (ctx) => {
    ctx.body = await service.diseases(input(ctx, 'query', DiseaseListQuerySchema));
    cacheable(ctx);
  });

  router.get('/drugs', validate(DrugListQuerySchema, 'query'), async (ctx) => {
    ctx.body = await service.drugs(input(ctx, 'query', DrugListQuerySchema));
    cacheable(ctx);
  });

  return router;
}
