/**
 * Audit trail (rule 20: who did what and when). Rows never carry personal data: no names,
 * ID numbers, phones, passwords or tokens in `details`. Writing is best effort for the request
 * (a failed audit write is logged as an error, it does not fail the user's action).
 */
import type { Context } from 'koa';
import type { Db } from '../deps';
import type { Logger } from '../logger';

export interface AuditEntry {
  action: string;
  targetType: string;
  targetId?: string | null;
  actorUserId?: string | null;
  actorRole?: string | null;
  details?: Record<string, string | number | boolean | null>;
}

export async function audit(prisma: Db, logger: Logger, ctx: Context | null, entry: AuditEntry): Promise<void> {
  try {
    await prisma.auditLog.create({
      data: {
        action: entry.action,
        targetType: entry.targetType,
        targetId: entry.targetId ?? null,
        actorUserId: entry.actorUserId ?? null,
        actorRole: entry.actorRole ?? null,
        requestId: (ctx?.state.requestId as string | undefined) ?? null,
        ip: ctx?.ip ? ctx.ip.slice(0, 45) : null,
        ...(entry.details ? { details: entry.details } : {}),
      },
    });
  } catch (err) {
    logger.error({ err, action: entry.action, requestId: ctx?.state.requestId }, 'audit write failed');
  }
}
