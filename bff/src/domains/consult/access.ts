/**
 * Who may see and write in a consultation (checked on every request, never cached):
 *   - the patient's side: the user who created it (any of their 就诊人);
 *   - a doctor: while WAITING, any doctor of its department (the queue); once accepted, only the
 *     accepting doctor. Nobody else: 404 (existence is not revealed).
 * Writing (messages): the patient while WAITING or IN_PROGRESS; the accepting doctor while IN_PROGRESS.
 */
import type { ConsultationStatus } from '@ih/contract';
import type { Db } from '../../deps';
import { AppError } from '../../lib/errors';
import type { AuthUser } from '../auth/sessions';

export type Side = 'PATIENT' | 'DOCTOR';

export interface DoctorActor {
  id: string;
  userId: string;
  departmentId: string;
  hospitalId: string;
  name: string;
  status: 'ACTIVE' | 'SUSPENDED';
  realNameVerified: boolean;
  internetQualified: boolean;
  insuranceDoctorCode: string | null;
}

export interface Actor {
  user: AuthUser;
  side: Side;
  /** Set for doctors. */
  doctor?: DoctorActor;
}

export async function resolveActor(prisma: Db, user: AuthUser): Promise<Actor> {
  if (user.role === 'PATIENT') return { user, side: 'PATIENT' };
  if (user.role === 'DOCTOR') {
    const doctor = await prisma.doctor.findUnique({
      where: { userId: user.id },
      select: { id: true, userId: true, departmentId: true, hospitalId: true, name: true, status: true, realNameVerified: true, internetQualified: true, insuranceDoctorCode: true },
    });
    if (!doctor) throw new AppError('FORBIDDEN', { message: '该账号未关联医生信息，请联系医院信息科' });
    return { user, side: 'DOCTOR', doctor: { ...doctor, userId: user.id, status: doctor.status as DoctorActor['status'] } };
  }
  throw new AppError('FORBIDDEN');
}

export interface AccessFacts {
  userId: string;
  doctorId: string;
  departmentId: string;
  status: ConsultationStatus;
  acceptedAt: Date | null;
}

export function mayRead(c: AccessFacts, actor: Actor): boolean {
  if (actor.side === 'PATIENT') return c.userId === actor.user.id;
  const d = actor.doctor!;
  if (c.status === 'WAITING') return c.departmentId === d.departmentId;
  return c.acceptedAt !== null && c.doctorId === d.id;
}

/** The accepting doctor (not a colleague previewing the queue). */
export function isServingDoctor(c: AccessFacts, actor: Actor): boolean {
  return actor.side === 'DOCTOR' && c.acceptedAt !== null && c.doctorId === actor.doctor!.id;
}

export function maySend(c: AccessFacts, actor: Actor): boolean {
  if (!mayRead(c, actor)) return false;
  if (actor.side === 'PATIENT') return c.status === 'WAITING' || c.status === 'IN_PROGRESS';
  return c.status === 'IN_PROGRESS' && isServingDoctor(c, actor);
}

/** Why this actor may not send now (after mayRead passed). */
export function sendRefusal(c: AccessFacts, actor: Actor): AppError {
  if (actor.side === 'DOCTOR' && c.status === 'WAITING') return new AppError('CONSULTATION_NOT_ACCEPTED');
  return new AppError('CONSULTATION_CLOSED');
}

export const notFound = () => new AppError('NOT_FOUND', { message: '问诊不存在或您无权查看' });

/** Whether a doctor may take this consultation (rule 6: insured visits need an active insurance doctor). */
export function acceptRefusal(doctor: DoctorActor, insured: boolean): AppError | null {
  if (!doctor.realNameVerified || !doctor.internetQualified) return new AppError('DOCTOR_CANNOT_ACCEPT', { message: '您尚未完成实名认证或暂无互联网诊疗资格，不能接诊，请联系医务科' });
  if (insured && (doctor.status === 'SUSPENDED' || !doctor.insuranceDoctorCode)) {
    return new AppError('DOCTOR_CANNOT_ACCEPT', { message: '这是医保问诊，您的医保医师服务已暂停或未登记为医保医师，不能接诊；请由本科室其他医生接诊' });
  }
  return null;
}
