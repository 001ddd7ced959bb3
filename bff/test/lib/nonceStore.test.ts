/**
 * Callback nonces in MariaDB (lib/nonceStore.ts): first sight accepted, a replay refused by any
 * instance, an expired nonce taken over by exactly one of several racing instances, the sweep.
 */
import { randomBytes } from 'node:crypto';
import { createPrisma } from '@ih/db';
import { DbNonceStore } from '../../src/lib/nonceStore';

const url = process.env.IH_BFF_TEST_DATABASE_URL!;
const a = createPrisma(url);
const b = createPrisma(url);
afterAll(async () => {
  await Promise.all([a.$disconnect(), b.$disconnect()]);
});
const nonce = () => `PUB_KEY_ID_0114232134912410000000000000000001|${randomBytes(16).toString('hex')}`;

describe('DbNonceStore', () => {
  it('accepts a nonce once; the same nonce again is refused by this and by another instance', async () => {
    const n = nonce();
    expect(await new DbNonceStore(a).remember(n, 600_000)).toBe(true);
    expect(await new DbNonceStore(a).remember(n, 600_000)).toBe(false);
    expect(await new DbNonceStore(b).remember(n, 600_000)).toBe(false);
    // Stored as a hash, never the nonce itself.
    const rows = await a.$queryRawUnsafe<Array<{ key: string }>>('SELECT `key` FROM callback_nonces WHERE `key` = ?', DbNonceStore.keyOf(n));
    expect(rows).toEqual([{ key: DbNonceStore.keyOf(n) }]);
    expect(DbNonceStore.keyOf(n)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('many instances racing for one new nonce: exactly one wins', async () => {
    const n = nonce();
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => new DbNonceStore(i % 2 ? a : b).remember(n, 600_000)));
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('an expired nonce is accepted again (a new delivery window), by exactly one of racing instances', async () => {
    const n = nonce();
    const past = new DbNonceStore(a, () => new Date(Date.now() - 700_000));
    expect(await past.remember(n, 600_000)).toBe(true); // expired 100 s ago
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => new DbNonceStore(i % 2 ? a : b).remember(n, 600_000)));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await new DbNonceStore(b).remember(n, 600_000)).toBe(false);
  });

  it('the sweep deletes expired nonces only', async () => {
    const old = nonce();
    const live = nonce();
    await new DbNonceStore(a, () => new Date(Date.now() - 700_000)).remember(old, 600_000);
    await new DbNonceStore(a).remember(live, 600_000);
    const deleted = await new DbNonceStore(b).sweep();
    expect(deleted).toBeGreaterThanOrEqual(1);
    expect(await a.callbackNonce.findUnique({ where: { key: DbNonceStore.keyOf(old) } })).toBeNull();
    expect(await a.callbackNonce.findUnique({ where: { key: DbNonceStore.keyOf(live) } })).not.toBeNull();
  });
});
