/**
 * Serves the H5 build (STATIC_DIR) for non-API paths: index.html (and any other HTML) with
 * `no-cache` so a new release is picked up at once, content-hashed assets (app.3f2a1b9c.js) for a
 * year as immutable, everything else revalidated. Unknown non-API paths without a file extension
 * that accept HTML get index.html (client-side routes); API paths never reach this.
 */
import { basename } from 'node:path';
import type { ServerResponse } from 'node:http';
import type { Context, Next } from 'koa';
import serve from 'koa-static';
import { isApiPath } from './securityHeaders';

const HASHED = /[.-][0-9a-f]{8,}\.[a-z0-9]+$/i;
const noop = async () => {};

export function cacheControlFor(path: string): string {
  const name = basename(path);
  if (/\.html?$/i.test(name)) return 'no-cache';
  if (HASHED.test(name)) return 'public, max-age=31536000, immutable';
  return 'public, max-age=0, must-revalidate';
}

export function staticH5(dir: string) {
  const serveFiles = serve(dir, {
    index: 'index.html',
    gzip: true,
    brotli: true,
    setHeaders: (res: ServerResponse, path: string) => {
      res.setHeader('Cache-Control', cacheControlFor(path));
    },
  });
  return async function staticH5Middleware(ctx: Context, next: Next): Promise<void> {
    if ((ctx.method !== 'GET' && ctx.method !== 'HEAD') || isApiPath(ctx.path)) return next();
    await serveFiles(ctx, noop);
    if (ctx.body != null) {
      ctx.state.staticFile = true;
      return;
    }
    await next();
    const lastSegment = ctx.path.split('/').pop() ?? '';
    if (ctx.status === 404 && ctx.body == null && !lastSegment.includes('.') && ctx.accepts('html') === 'html') {
      ctx.path = '/';
      await serveFiles(ctx, noop);
      if (ctx.body != null) ctx.state.staticFile = true;
    }
  };
}
