/**
 * Upper bound for one request (REQUEST_TIMEOUT_MS). When a handler takes longer the client gets
 * 503 REQUEST_TIMEOUT ("check the result later, do not submit again"); the handler is not
 * cancelled (it may be settling a payment) and its late result or error is only logged.
 */
import type { Context, Next } from 'koa';
import { AppError } from '../lib/errors';
import type { Logger } from '../logger';

export function requestTimeout(ms: number, logger: Logger) {
  return async function requestTimeoutMiddleware(ctx: Context, next: Next): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const work = next();
    const expired = new Promise<'expired'>((resolve) => {
      timer = setTimeout(() => resolve('expired'), ms);
      timer.unref();
    });
    try {
      const winner = await Promise.race([work.then(() => 'done' as const), expired]);
      if (winner === 'expired') {
        work.catch((err: unknown) => logger.warn({ requestId: ctx.state.requestId as string, err }, 'request failed after its timeout'));
        throw new AppError('REQUEST_TIMEOUT');
      }
    } finally {
      clearTimeout(timer);
    }
  };
}
