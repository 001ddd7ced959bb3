/**
 * The trail staff follow from a consultation to its prescriptions (every version) to the orders and
 * payments (Tongchuan §4(4), §32: 诊疗、处方、交易、配送全程可追溯). Any of the three ids leads to the
 * whole story of its consultation: audit rows of the consultation, its prescriptions and its orders,
 * plus the order state machine's transition log (order_events), in time order.
 *
 * Who may look: the consultation's doctor, a pharmacist of its hospital, an administrator.
 * Anyone else: 404. Patients are never named (actor names only for staff).
 */
import type { AuditQuery, AuditTrail } from '@ih/contract';
import type { Prisma } from '@ih/db';
import type { Db } from '../../deps';
import { AppError } from '../../lib/errors';
import type { Staff } from './service';

const MAX_ENTRIES = 1000;
const notFound = () => new AppError('NOT_FOUND', { message: '追溯对象不存在或您无权查看' });

type Detail = Record<string, string | number | boolean | null>;

function flatDetails(v: unknown): Detail | null {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return null;
  const out: Detail = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    out[k] = x === null || typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean' ? x : JSON.stringify(x);
  }
  return out;
}

function actorOfEvent(actor: string): { role: string | null; userId: string | null } {
  const [kind, id] = actor.split(':', 2);
  if (kind === 'user') return { role: 'PATIENT', userId: id ?? null };
  if (kind === 'staff') return { role: 'STAFF', userId: id ?? null };
  return { role: 'SYSTEM', userId: null };
}

async function consultationOf(prisma: Db, q: AuditQuery): Promise<string | null> {
  switch (q.targetType) {
    case 'consultation':
      return (await prisma.consultation.findUnique({ where: { id: q.targetId }, select: { id: true } }))?.id ?? null;
    case 'prescription':
      return (await prisma.prescription.findUnique({ where: { id: q.targetId }, select: { consultationId: true } }))?.consultationId ?? null;
    case 'order': {
      const o = await prisma.order.findUnique({ where: { id: q.targetId }, select: { consultationId: true, prescription: { select: { consultationId: true } } } });
      return o?.consultationId ?? o?.prescription?.consultationId ?? null;
    }
  }
}

export async function auditTrail(prisma: Db, staff: Staff, q: AuditQuery): Promise<AuditTrail> {
  const consultationId = await consultationOf(prisma, q);
  if (!consultationId) throw notFound();
  const c = await prisma.consultation.findUniqueOrThrow({ where: { id: consultationId }, select: { id: true, doctorId: true, hospitalId: true } });
  const allowed =
    staff.kind === 'ADMIN' ||
    (staff.kind === 'DOCTOR' && staff.doctor.id === c.doctorId) ||
    (staff.kind === 'PHARMACIST' && staff.pharmacist.hospitalId === c.hospitalId);
  if (!allowed) throw notFound();

  const prescriptions = await prisma.prescription.findMany({ where: { consultationId }, orderBy: [{ createdAt: 'asc' }, { version: 'asc' }], select: { id: true } });
  const rxIds = prescriptions.map((p) => p.id);
  const orders = await prisma.order.findMany({
    where: { OR: [{ consultationId }, ...(rxIds.length ? [{ prescriptionId: { in: rxIds } }] : [])] },
    orderBy: { createdAt: 'asc' },
    select: { id: true },
  });
  const orderIds = orders.map((o) => o.id);

  const or: Prisma.AuditLogWhereInput[] = [{ targetType: 'consultation', targetId: consultationId }];
  if (rxIds.length) or.push({ targetType: 'prescription', targetId: { in: rxIds } });
  if (orderIds.length) or.push({ targetType: 'order', targetId: { in: orderIds } });
  const [logs, events] = await Promise.all([
    prisma.auditLog.findMany({ where: { OR: or }, orderBy: [{ at: 'asc' }, { id: 'asc' }], take: MAX_ENTRIES }),
    orderIds.length
      ? prisma.orderEvent.findMany({ where: { orderId: { in: orderIds } }, orderBy: [{ at: 'asc' }, { id: 'asc' }], take: MAX_ENTRIES })
      : Promise.resolve([]),
  ]);

  const staffIds = [...new Set(logs.filter((l) => l.actorUserId && (l.actorRole === 'DOCTOR' || l.actorRole === 'PHARMACIST')).map((l) => l.actorUserId!))];
  const [doctors, pharmacists] = staffIds.length
    ? await Promise.all([
        prisma.doctor.findMany({ where: { userId: { in: staffIds } }, select: { userId: true, name: true } }),
        prisma.pharmacist.findMany({ where: { userId: { in: staffIds } }, select: { userId: true, name: true } }),
      ])
    : [[], []];
  const names = new Map<string, string>([...doctors, ...pharmacists].filter((x) => x.userId).map((x) => [x.userId!, x.name]));

  const entries: AuditTrail['entries'] = [
    ...logs.map((l) => ({
      id: `audit:${l.id.toString()}`,
      at: l.at.toISOString(),
      action: l.action,
      targetType: l.targetType,
      targetId: l.targetId,
      actorRole: l.actorRole,
      actorUserId: l.actorUserId,
      actorName: l.actorUserId && (l.actorRole === 'DOCTOR' || l.actorRole === 'PHARMACIST') ? (names.get(l.actorUserId) ?? null) : null,
      details: flatDetails(l.details),
    })),
    ...events.map((e) => {
      const a = actorOfEvent(e.actor);
      return {
        id: `order_event:${e.id.toString()}`,
        at: e.at.toISOString(),
        action: `order.${e.transition.toLowerCase()}`,
        targetType: 'order',
        targetId: e.orderId,
        actorRole: a.role,
        actorUserId: a.userId,
        actorName: null,
        details: { from: e.fromState, to: e.toState, ...(flatDetails(e.detail) ?? {}) },
      };
    }),
  ].sort((x, y) => (x.at < y.at ? -1 : x.at > y.at ? 1 : x.id < y.id ? -1 : x.id > y.id ? 1 : 0));

  return {
    targets: [
      { targetType: 'consultation', targetId: consultationId },
      ...rxIds.map((id) => ({ targetType: 'prescription', targetId: id })),
      ...orderIds.map((id) => ({ targetType: 'order', targetId: id })),
    ],
    entries: entries.slice(0, MAX_ENTRIES),
  };
}
