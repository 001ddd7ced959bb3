/**
 * Small helpers shared by the Alipay, national insurance APP and HIS mocks: generic faults on a
 * named operation (a gateway method such as "alipay.trade.query" is not a path, so the app's
 * path-based middleware cannot target it), HTML escaping, and a phone-sized page shell.
 */
import type { Context } from 'koa';
import type { FaultRegistry } from '../../faults';
import { chinaDateTime, parseChinaDateTime } from '@ih/contract';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Applies latency / timeout / http_error faults registered for `operation` (not for the path:
 * those already ran in the app's middleware). Returns true when the answer has been written.
 */
export async function applyOperationFaults(ctx: Context, faults: FaultRegistry, platform: string, operation: string): Promise<boolean> {
  const latency = faults.take(platform, operation, ['latency']);
  if (latency) await sleep(Number(latency.params.ms ?? 1000));
  if (faults.take(platform, operation, ['timeout'])) {
    await sleep(Number(process.env.MOCK_TIMEOUT_HOLD_MS ?? 120_000));
    ctx.status = 504;
    return true;
  }
  const httpError = faults.take(platform, operation, ['http_error']);
  if (httpError) {
    ctx.status = Number(httpError.params.status ?? 503);
    ctx.body = 'Service Unavailable (injected)';
    return true;
  }
  return false;
}

/** Only faults registered for exactly this operation (or for none) of one kind. */
export function takeFault(faults: FaultRegistry, platform: string, operation: string, kind: Parameters<FaultRegistry['take']>[2][number]) {
  return faults.take(platform, operation, [kind]);
}

export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** A minimal, phone-sized Chinese page (no external assets). `body` must already be escaped. */
export function page(title: string, body: string, accent = '#1677ff'): string {
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1,maximum-scale=1">
<title>${escapeHtml(title)}</title>
<style>
*{box-sizing:border-box}body{margin:0;background:#f5f6f8;font:15px/1.6 -apple-system,"PingFang SC","Microsoft YaHei",sans-serif;color:#1f2329}
.wrap{max-width:420px;margin:0 auto;min-height:100vh;padding:16px}
.bar{background:${accent};color:#fff;padding:14px 16px;margin:-16px -16px 16px;font-size:17px;font-weight:600}
.card{background:#fff;border-radius:10px;padding:14px 16px;margin-bottom:12px}
.muted{color:#8a8f99;font-size:13px}.amount{font-size:32px;font-weight:700;text-align:center;margin:8px 0}
.row{display:flex;justify-content:space-between;padding:4px 0}
label.opt{display:flex;align-items:center;gap:8px;padding:10px 0;border-bottom:1px solid #f0f0f0}
button{width:100%;height:44px;border:0;border-radius:22px;font-size:16px;margin-top:10px;cursor:pointer}
.primary{background:${accent};color:#fff}.secondary{background:#fff;color:#1f2329;border:1px solid #d0d3d9}
.warn{color:#d4380d}.picker a{display:inline-block;margin:4px 8px 4px 0;color:${accent}}
</style></head><body><div class="wrap">${body}</div></body></html>`;
}

/** Adds query parameters to a URL (keeps its own parameters and fragment). */
export function withQuery(url: string, params: Record<string, string | undefined>): string {
  const u = new URL(url);
  for (const [k, v] of Object.entries(params)) if (v !== undefined) u.searchParams.set(k, v);
  return u.toString();
}

/** A redirect target must be an absolute http(s) URL (never javascript:, data: …). */
export function isHttpUrl(value: unknown): value is string {
  if (typeof value !== 'string' || value.length > 2048) return false;
  try {
    const u = new URL(value);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}

/** "yyyy-MM-dd HH:mm:ss" in China Standard Time, and its inverse (shared helpers in @ih/contract). */
export const beijingDateTime = chinaDateTime;
export const parseBeijingDateTime = parseChinaDateTime;
