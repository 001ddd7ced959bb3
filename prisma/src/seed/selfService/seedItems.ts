/**
 * Seeds the self-service catalog (data/selfServiceItems.json, generated from seed 002) into
 * self_service_items, and the hall's settings (created once; later changes are kept). Items are
 * refreshed from the file by code; codes no longer in the file are disabled, never deleted
 * (applications keep pointing at them).
 */
import { createHash } from 'node:crypto';
import type { PrismaClient } from '../../../generated/client/client';
import items from '../data/selfServiceItems.json';
import settings from '../data/selfServiceSettings.json';

export async function seedSelfService(prisma: PrismaClient, log: (msg: string) => void = () => undefined): Promise<{ items: number; changed: number }> {
  let changed = 0;
  for (const item of items) {
    const definition = JSON.stringify(item);
    const digest = createHash('sha256').update(definition).digest('hex');
    const data = { seq: item.seq, category: item.category, mode: item.mode, title: item.title, sort: item.sort, enabled: item.enabled, definition: item as object, digest };
    const existing = await prisma.selfServiceItem.findUnique({ where: { code: item.code }, select: { digest: true } });
    if (existing?.digest === digest) continue;
    changed += 1;
    // A seq that moved to another code (renamed item) is released first.
    await prisma.selfServiceItem.deleteMany({ where: { seq: item.seq, code: { not: item.code } } });
    await prisma.selfServiceItem.upsert({ where: { code: item.code }, create: { code: item.code, ...data }, update: data });
  }
  await prisma.selfServiceItem.updateMany({ where: { code: { notIn: items.map((i) => i.code) } }, data: { enabled: false } });
  for (const s of settings) {
    await prisma.setting.upsert({ where: { key: s.key }, create: { key: s.key, value: s.value as never, description: s.description }, update: {} });
  }
  log(`self-service: ${items.length} catalog items (${changed} changed), ${settings.length} settings`);
  return { items: items.length, changed };
}
