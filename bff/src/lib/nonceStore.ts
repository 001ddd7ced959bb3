/**
 * Callback nonces kept in the database (`callback_nonces`), for the platform adapters' replay
 * checks (`NonceStore` of platforms/wechat-pay/notify.ts). An in-memory store only protects the
 * instance that saw the first delivery; behind a load balancer the replay may reach another one.
 *
 * remember(key, ttl): INSERT the key's hash; a duplicate key is a replay unless that row has
 * expired, in which case it is taken over with a guarded UPDATE (… WHERE expires_at <= now), so
 * of two instances racing for one nonce exactly one wins. A database error propagates: the
 * callback is answered non-2xx and the platform delivers it again (fail closed).
 */
import { createHash } from 'node:crypto';
import type { Db } from '../deps';
import type { NonceStore } from '../platforms/wechat-pay';
import { isUniqueViolation } from './dbErrors';

export class DbNonceStore implements NonceStore {
  constructor(
    private readonly prisma: Db,
    private readonly now: () => Date = () => new Date(),
  ) {}

  static keyOf(key: string): string {
    return createHash('sha256').update(key, 'utf8').digest('hex');
  }

  async remember(key: string, ttlMs: number): Promise<boolean> {
    const now = this.now();
    const expiresAt = new Date(now.getTime() + ttlMs);
    const id = DbNonceStore.keyOf(key);
    try {
      await this.prisma.callbackNonce.create({ data: { key: id, expiresAt } });
      return true;
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
    }
    const taken = await this.prisma.callbackNonce.updateMany({ where: { key: id, expiresAt: { lte: now } }, data: { expiresAt } });
    return taken.count === 1;
  }

  /** Deletes the nonces whose time is over; returns how many. */
  async sweep(): Promise<number> {
    const r = await this.prisma.callbackNonce.deleteMany({ where: { expiresAt: { lt: this.now() } } });
    return r.count;
  }
}
