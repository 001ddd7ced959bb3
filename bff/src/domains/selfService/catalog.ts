/**
 * The self-service catalog as the BFF reads it: rows of self_service_items (seeded from seed 002),
 * each definition checked against the contract's schema. Cached briefly; disabled items stay
 * readable (existing applications point at them) but are not offered.
 */
import { SelfServiceItemSchema, type SelfServiceItem } from '@ih/contract';
import type { Db } from '../../deps';
import type { Logger } from '../../logger';

const TTL_MS = 30_000;

export class ItemCatalog {
  private cache: { at: number; items: Map<string, SelfServiceItem> } | null = null;

  constructor(private readonly prisma: Db, private readonly logger: Logger) {}

  async all(): Promise<Map<string, SelfServiceItem>> {
    if (this.cache && Date.now() - this.cache.at < TTL_MS) return this.cache.items;
    const rows = await this.prisma.selfServiceItem.findMany({ orderBy: [{ sort: 'asc' }, { seq: 'asc' }] });
    const items = new Map<string, SelfServiceItem>();
    for (const r of rows) {
      const parsed = SelfServiceItemSchema.safeParse(r.definition);
      if (!parsed.success) {
        this.logger.error({ item: r.code }, 'self-service item definition does not match the contract; item skipped');
        continue;
      }
      items.set(r.code, { ...parsed.data, enabled: r.enabled && parsed.data.enabled, sort: r.sort });
    }
    this.cache = { at: Date.now(), items };
    return items;
  }

  async enabled(): Promise<SelfServiceItem[]> {
    return [...(await this.all()).values()].filter((i) => i.enabled);
  }

  async get(code: string): Promise<SelfServiceItem | undefined> {
    return (await this.all()).get(code);
  }

  invalidate(): void {
    this.cache = null;
  }
}
