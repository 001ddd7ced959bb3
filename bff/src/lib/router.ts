/** Mounting a domain router: its routes plus 405 answers in the API's error format. */
import type Koa from 'koa';
import type Router from '@koa/router';

export function mountRouter(app: Koa, router: Router): void {
  app.use(router.routes());
  // Sets 405 + Allow (501 for unknown methods) without a body; the error middleware answers
  // them as METHOD_NOT_ALLOWED in the usual JSON shape, keeping the Allow header.
  app.use(router.allowedMethods());
}
