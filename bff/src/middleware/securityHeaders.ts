/**
 * Security headers on every response. No framework banner (Koa sends none; X-Powered-By and
 * Server are removed in case a proxy layer adds them). API responses carry personal data: never
 * cached, never framed, never sniffed.
 */
import type { Context, Next } from 'koa';
import { API_PREFIX } from '@ih/contract';

export function securityHeaders(options: { hsts: boolean }) {
  return async function securityHeadersMiddleware(ctx: Context, next: Next): Promise<void> {
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.set('X-Frame-Options', 'SAMEORIGIN');
    // Origin only: WeChat Pay H5 checks the Referer's domain; paths and queries never leave.
    ctx.set('Referrer-Policy', 'strict-origin-when-cross-origin');
    ctx.set('Cross-Origin-Resource-Policy', 'same-origin');
    ctx.set('X-Permitted-Cross-Domain-Policies', 'none');
    if (options.hsts) ctx.set('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
    if (isApiPath(ctx.path) || ctx.path === '/healthz' || ctx.path === '/readyz') {
      ctx.set('Cache-Control', 'no-store');
      ctx.set('Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'");
    }
    try {
      await next();
    } finally {
      ctx.remove('X-Powered-By');
      ctx.remove('Server');
    }
  };
}

export function isApiPath(path: string): boolean {
  return path === API_PREFIX || path.startsWith(`${API_PREFIX}/`) || path === '/api' || path.startsWith('/api/');
}
