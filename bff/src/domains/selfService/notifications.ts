/**
 * User notifications (generic; self-service status changes today, other domains may add kinds):
 * created inside the transaction of the change they announce, idempotent by `dedupeKey`.
 * Bodies carry no personal data beyond what the user already owns (item names, statuses).
 */
import { NotificationSchema, type NotificationListResponse } from '@ih/contract';
import { AppError } from '../../lib/errors';
import type { Db } from '../../deps';

export type Tx = Parameters<Parameters<Db['$transaction']>[0]>[0];

export interface NewNotification {
  userId: string;
  kind: string;
  title: string;
  body: string;
  targetType?: string | null;
  targetId?: string | null;
  /** Same key twice → one notification. */
  dedupeKey?: string | null;
}

export async function notify(db: Tx | Db, n: NewNotification): Promise<void> {
  await db.notification.createMany({
    data: [{ userId: n.userId, kind: n.kind.slice(0, 32), title: n.title.slice(0, 64), body: n.body.slice(0, 500), targetType: n.targetType ?? null, targetId: n.targetId ?? null, dedupeKey: n.dedupeKey ?? null }],
    skipDuplicates: true,
  });
}

const view = (r: { id: string; kind: string; title: string; body: string; targetType: string | null; targetId: string | null; readAt: Date | null; createdAt: Date }) =>
  NotificationSchema.parse({ id: r.id, kind: r.kind, title: r.title, body: r.body, targetType: r.targetType, targetId: r.targetId, read: r.readAt !== null, createdAt: r.createdAt.toISOString() });

export class NotificationService {
  constructor(private readonly prisma: Db) {}

  unread(userId: string): Promise<number> {
    return this.prisma.notification.count({ where: { userId, readAt: null } });
  }

  async list(userId: string, q: { unread?: 'true' | 'false'; page: number; pageSize: number }): Promise<NotificationListResponse> {
    const where = { userId, ...(q.unread === 'true' ? { readAt: null } : q.unread === 'false' ? { readAt: { not: null } } : {}) };
    const [rows, total, unread] = await Promise.all([
      this.prisma.notification.findMany({ where, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], skip: (q.page - 1) * q.pageSize, take: q.pageSize }),
      this.prisma.notification.count({ where }),
      this.unread(userId),
    ]);
    return { items: rows.map(view), page: q.page, pageSize: q.pageSize, total, unread };
  }

  async markRead(userId: string, id: string) {
    const row = await this.prisma.notification.findFirst({ where: { id, userId } });
    if (!row) throw new AppError('NOT_FOUND', { message: '消息不存在或已删除' });
    if (!row.readAt) {
      await this.prisma.notification.updateMany({ where: { id, userId, readAt: null }, data: { readAt: new Date() } });
      return view({ ...row, readAt: new Date() });
    }
    return view(row);
  }

  async markAllRead(userId: string): Promise<number> {
    const r = await this.prisma.notification.updateMany({ where: { userId, readAt: null }, data: { readAt: new Date() } });
    return r.count;
  }
}
