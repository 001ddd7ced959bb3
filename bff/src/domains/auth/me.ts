/** GET /api/v1/auth/me and the staff profile: who is signed in, masked. */
import { DOCTOR_TITLE_LABELS, MeResponseSchema, ROLE_LABELS, maskName, type ClientChannel, type MeResponse } from '@ih/contract';
import { AppError } from '../../lib/errors';
import type { Db } from '../../deps';
import type { AuthUser } from './sessions';

export async function describeUser(prisma: Db, user: AuthUser, channel: ClientChannel): Promise<MeResponse> {
  const row = await prisma.user.findUnique({
    where: { id: user.id },
    select: {
      role: true,
      phoneMasked: true,
      doctor: { select: { name: true, title: true, hospital: { select: { name: true } }, department: { select: { name: true } } } },
      pharmacist: { select: { name: true, hospital: { select: { name: true } } } },
    },
  });
  if (!row) throw new AppError('UNAUTHENTICATED');
  const base = { id: user.id, role: row.role, roleLabel: ROLE_LABELS[row.role], sessionId: user.sessionId, channel };

  if (row.role === 'PATIENT') {
    const self = await prisma.patient.findFirst({
      where: { ownerUserId: user.id, relationship: 'SELF', deletedAt: null },
      select: { nameMasked: true },
    });
    const selfNameMasked = self?.nameMasked ?? null;
    return MeResponseSchema.parse({
      ...base,
      displayName: selfNameMasked ?? row.phoneMasked ?? '患者用户',
      patient: { phoneMasked: row.phoneMasked ?? null, selfNameMasked },
      staff: null,
    });
  }

  const staff = row.doctor
    ? {
        nameMasked: maskName(row.doctor.name),
        hospitalName: row.doctor.hospital.name,
        departmentName: row.doctor.department.name,
        title: DOCTOR_TITLE_LABELS[row.doctor.title] ?? null,
      }
    : row.pharmacist
      ? { nameMasked: maskName(row.pharmacist.name), hospitalName: row.pharmacist.hospital.name, departmentName: null, title: '药师' }
      : null;
  return MeResponseSchema.parse({
    ...base,
    displayName: staff ? `${staff.nameMasked} · ${ROLE_LABELS[row.role]}` : ROLE_LABELS[row.role],
    patient: null,
    staff,
  });
}

/** GET /api/v1/auth/staff/profile (staff only): what the workspace needs to know about the account. */
export async function staffProfile(prisma: Db, user: AuthUser) {
  const row = await prisma.user.findUnique({
    where: { id: user.id },
    select: {
      role: true,
      doctor: {
        select: {
          id: true, name: true, title: true, status: true, internetQualified: true, realNameVerified: true, insuranceDoctorCode: true,
          hospital: { select: { id: true, name: true } }, department: { select: { id: true, name: true } },
        },
      },
      pharmacist: { select: { id: true, name: true, status: true, hospital: { select: { id: true, name: true } } } },
    },
  });
  if (!row) throw new AppError('UNAUTHENTICATED');
  if (row.doctor) {
    const d = row.doctor;
    return {
      role: row.role,
      doctor: {
        id: d.id,
        nameMasked: maskName(d.name),
        title: DOCTOR_TITLE_LABELS[d.title] ?? null,
        hospital: d.hospital,
        department: d.department,
        active: d.status === 'ACTIVE',
        internetQualified: d.internetQualified,
        realNameVerified: d.realNameVerified,
        insuranceDoctor: d.insuranceDoctorCode !== null,
      },
      pharmacist: null,
    };
  }
  if (row.pharmacist) {
    const p = row.pharmacist;
    return { role: row.role, doctor: null, pharmacist: { id: p.id, nameMasked: maskName(p.name), hospital: p.hospital, active: p.status === 'ACTIVE' } };
  }
  return { role: row.role, doctor: null, pharmacist: null };
}
