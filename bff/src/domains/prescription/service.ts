/**
 * Diagnosis, e-prescriptions, signatures and pharmacist review (rules 6–8; Tongchuan §17–§21).
 *
 * Who may do what (checked on every call; a stranger gets 404, never a hint that it exists):
 *   - the doctor who ACCEPTED the consultation: diagnose and start prescriptions while it is
 *     IN_PROGRESS; keep working on its prescription chain (edit, sign, revise after a rejection
 *     or approval) while it is IN_PROGRESS or COMPLETED (a rejection may come after the visit ended);
 *   - a pharmacist of the prescription's hospital: the review queue, approve (signed) or reject;
 *   - the patient's account (the user who created the consultation): reading and verification.
 *
 * Prescription life (every step a guarded UPDATE … WHERE status = expected):
 *   DRAFT ──sign-and-submit──▶ PENDING_REVIEW ──approve──▶ APPROVED ──paid (order)──▶ PAID ──refund──▶ REFUNDED
 *     │ discard → CANCELLED        │ reject → REJECTED        │ revise → REVOKED (+ new DRAFT version, orders revoked)
 *                                  │ revise → CANCELLED (+ new DRAFT version)
 *   REJECTED ──edit / revise──▶ new DRAFT version (the old row stays REJECTED as history)
 * Signed rows are never edited: any change after signing is a new row (version + 1, previous_id).
 * Prices and amounts come from the drug catalog at the moment of signing; the client never sends them.
 */
import { randomInt } from 'node:crypto';
import {
  RX_AUDIT_ACTIONS,
  chinaStamp14,
  type ApproveRequest,
  type DiagnoseRequest,
  type Diagnosis,
  type DoctorPrescriptionListQuery,
  type FieldIssue,
  type PatientPrescription,
  type PrescriptionDraftRequest,
  type PrescriptionItemInput,
  type PrescriptionVerification,
  type RejectRequest,
  type ReviewQueueQuery,
  type ReviseRequest,
  type SignAndSubmitRequest,
  type WorkspacePrescription,
  type WorkspacePrescriptionPage,
  type DiseaseCategory,
  type InsuranceClass,
} from '@ih/contract';
import { DEFAULT_SM2_USER_ID, sm2Verify } from '@ih/crypto';
import type { FieldCipher, Prisma } from '@ih/db';
import type { Db } from '../../deps';
import type { Logger } from '../../logger';
import { AppError } from '../../lib/errors';
import { SignerNotEnrolledError, type PrescriptionSigner, type SignResult, type SignerSubject } from '../../platforms/signer';
import type { AuthUser } from '../auth/sessions';
import { postPrescriptionMessage } from '../consult/hooks';
import { appendSystemMessage } from '../consult/messages';
import { consultBus } from '../consult/bus';
import { canonicalPrescription, canonicalReview, contentHash, loadSignable, type SignableRow } from './canonical';
import { maxDaysFor, rxLimits, type RxLimits } from './settings';
import { verifyPrescription } from './verify';
import { RX_VIEW_SELECT, patientMaySee, patientView, workspaceView, type RxViewRow } from './views';
import { isUniqueViolation } from '../../lib/dbErrors';

type Tx = Prisma.TransactionClient;

/** Who is calling, for audit rows. */
export interface Who {
  user: AuthUser;
  requestId: string | null;
  ip: string | null;
}

export type RevokeOrders = (db: Db, args: { prescriptionId: string; reason: string }) => Promise<unknown>;

export interface RxServiceDeps {
  prisma: Db;
  logger: Logger;
  cipher: FieldCipher;
  signer: PrescriptionSigner;
  /** ORDER-BFF's revokePrescriptionOrders (loaded lazily by default). */
  revokeOrders?: RevokeOrders;
  now?: () => Date;
}

const DOCTOR_SELECT = {
  id: true,
  name: true,
  hospitalId: true,
  departmentId: true,
  status: true,
  realNameVerified: true,
  internetQualified: true,
  insuranceDoctorCode: true,
} as const;
const PHARMACIST_SELECT = { id: true, name: true, hospitalId: true, status: true, internetQualified: true, licenseNo: true } as const;

type DoctorRow = Prisma.DoctorGetPayload<{ select: typeof DOCTOR_SELECT }>;
type PharmacistRow = Prisma.PharmacistGetPayload<{ select: typeof PHARMACIST_SELECT }>;

export type Staff =
  | { kind: 'DOCTOR'; userId: string; doctor: DoctorRow }
  | { kind: 'PHARMACIST'; userId: string; pharmacist: PharmacistRow }
  | { kind: 'ADMIN'; userId: string };

const CONSULTATION_SELECT = {
  id: true,
  consultationNo: true,
  status: true,
  doctorId: true,
  acceptedAt: true,
  hospitalId: true,
  patientId: true,
  userId: true,
  insured: true,
} as const;
type ConsultationRow = Prisma.ConsultationGetPayload<{ select: typeof CONSULTATION_SELECT }>;

const notFoundConsultation = () => new AppError('NOT_FOUND', { message: '问诊不存在或您无权查看' });
const notFoundRx = () => new AppError('NOT_FOUND', { message: '处方不存在或您无权查看' });

const diagnosisNoteAad = (consultationId: string) => `consultation_diagnosis:${consultationId}`;

/** A priced item ready to store (catalog snapshot, never client prices). */
interface PricedItem {
  drugId: string;
  nationalCode: string;
  drugName: string;
  specification: string;
  unit: string;
  insuranceClass: InsuranceClass;
  quantity: number;
  unitPriceFen: number;
  amountFen: number;
  dosage: string;
  frequency: string;
  route: string;
  days: number;
  sortOrder: number;
}

async function loadRevokeOrders(): Promise<RevokeOrders> {
  const mod = (await import('../order/api')) as { revokePrescriptionOrders?: RevokeOrders };
  if (!mod.revokePrescriptionOrders) throw new Error('order/api.ts has no revokePrescriptionOrders');
  return mod.revokePrescriptionOrders;
}

export class PrescriptionService {
  private readonly prisma: Db;
  private readonly logger: Logger;
  private readonly cipher: FieldCipher;
  private readonly signer: PrescriptionSigner;
  private readonly now: () => Date;
  private revokeOrders?: RevokeOrders;

  constructor(deps: RxServiceDeps) {
    this.prisma = deps.prisma;
    this.logger = deps.logger;
    this.cipher = deps.cipher;
    this.signer = deps.signer;
    this.now = deps.now ?? (() => new Date());
    this.revokeOrders = deps.revokeOrders;
  }

  // ── actors ───────────────────────────────────────────────────────────────────────────────
  async staff(user: AuthUser): Promise<Staff> {
    if (user.role === 'DOCTOR') {
      const doctor = await this.prisma.doctor.findUnique({ where: { userId: user.id }, select: DOCTOR_SELECT });
      if (!doctor) throw new AppError('FORBIDDEN', { message: '该账号未关联医生信息，请联系医院信息科' });
      return { kind: 'DOCTOR', userId: user.id, doctor };
    }
    if (user.role === 'PHARMACIST') {
      const pharmacist = await this.prisma.pharmacist.findUnique({ where: { userId: user.id }, select: PHARMACIST_SELECT });
      if (!pharmacist) throw new AppError('FORBIDDEN', { message: '该账号未关联药师信息，请联系医院信息科' });
      return { kind: 'PHARMACIST', userId: user.id, pharmacist };
    }
    if (user.role === 'ADMIN') return { kind: 'ADMIN', userId: user.id };
    throw new AppError('FORBIDDEN');
  }

  private async doctorOf(user: AuthUser): Promise<DoctorRow> {
    const s = await this.staff(user);
    if (s.kind !== 'DOCTOR') throw new AppError('FORBIDDEN');
    return s.doctor;
  }

  private async pharmacistOf(user: AuthUser): Promise<PharmacistRow> {
    const s = await this.staff(user);
    if (s.kind !== 'PHARMACIST') throw new AppError('FORBIDDEN');
    return s.pharmacist;
  }

  /** Rule 6: real-name, internet-qualified, active; insured visits need an insurance doctor. */
  private assertDoctorMayPrescribe(doctor: DoctorRow, insured: boolean): void {
    if (!doctor.realNameVerified || !doctor.internetQualified || doctor.status !== 'ACTIVE') {
      throw new AppError('STAFF_NOT_QUALIFIED', { message: '您尚未完成实名认证、暂无互联网诊疗资格或执业状态暂停，不能开具互联网处方，请联系医务科' });
    }
    if (insured && !doctor.insuranceDoctorCode) {
      throw new AppError('STAFF_NOT_QUALIFIED', { message: '这是医保问诊，您尚未登记为医保医师，不能开具医保处方，请联系医保办' });
    }
  }

  private assertPharmacistMayReview(p: PharmacistRow): void {
    if (p.status !== 'ACTIVE' || !p.internetQualified) {
      throw new AppError('STAFF_NOT_QUALIFIED', { message: '您的执业状态暂停或暂无互联网处方审核资质，不能审核处方，请联系药学部' });
    }
  }

  /** The consultation this doctor accepted (404 for anyone else). */
  private async servedConsultation(db: Db | Tx, doctor: DoctorRow, consultationId: string): Promise<ConsultationRow> {
    const c = await db.consultation.findUnique({ where: { id: consultationId }, select: CONSULTATION_SELECT });
    if (!c || c.doctorId !== doctor.id || !c.acceptedAt) throw notFoundConsultation();
    return c;
  }

  private async audit(tx: Tx | Db, who: Who, action: string, targetType: string, targetId: string, details?: Record<string, string | number | boolean | null>): Promise<void> {
    await tx.auditLog.create({
      data: {
        action,
        targetType,
        targetId,
        actorUserId: who.user.id,
        actorRole: who.user.role,
        requestId: who.requestId,
        ip: who.ip ? who.ip.slice(0, 45) : null,
        ...(details ? { details } : {}),
      },
    });
  }

  // ── diagnosis ────────────────────────────────────────────────────────────────────────────
  private diagnosisDto(row: {
    consultationId: string;
    diseaseId: string;
    diseaseCode: string;
    diseaseName: string;
    noteEnc: string | null;
    diagnosedAt: Date;
    updatedAt: Date;
    disease: { category: DiseaseCategory; payableOnline: boolean };
    doctor: { name: string };
  }): Diagnosis {
    return {
      consultationId: row.consultationId,
      diseaseId: row.diseaseId,
      code: row.diseaseCode,
      name: row.diseaseName,
      category: row.disease.category,
      payableOnline: row.disease.payableOnline,
      note: row.noteEnc ? this.cipher.decrypt(row.noteEnc, diagnosisNoteAad(row.consultationId)) : null,
      doctorName: row.doctor.name,
      diagnosedAt: row.diagnosedAt.toISOString(),
      updatedAt: row.updatedAt.toISOString(),
    };
  }

  private static readonly DIAGNOSIS_SELECT = {
    consultationId: true,
    diseaseId: true,
    diseaseCode: true,
    diseaseName: true,
    noteEnc: true,
    diagnosedAt: true,
    updatedAt: true,
    disease: { select: { category: true, payableOnline: true, enabled: true } },
    doctor: { select: { name: true } },
  } as const;

  async getDiagnosis(who: Who, consultationId: string): Promise<Diagnosis | null> {
    const doctor = await this.doctorOf(who.user);
    await this.servedConsultation(this.prisma, doctor, consultationId);
    const row = await this.prisma.consultationDiagnosis.findUnique({ where: { consultationId }, select: PrescriptionService.DIAGNOSIS_SELECT });
    return row ? this.diagnosisDto(row) : null;
  }

  async diagnose(who: Who, consultationId: string, body: DiagnoseRequest): Promise<Diagnosis> {
    const doctor = await this.doctorOf(who.user);
    const c = await this.servedConsultation(this.prisma, doctor, consultationId);
    if (c.status !== 'IN_PROGRESS') throw new AppError('PRESCRIPTION_CONSULTATION_NOT_ACTIVE');
    this.assertDoctorMayPrescribe(doctor, c.insured);
    const disease = await this.prisma.disease.findUnique({ where: { id: body.diseaseId }, select: { id: true, code: true, name: true, enabled: true } });
    if (!disease || !disease.enabled) {
      throw new AppError('PRESCRIPTION_DISEASE_NOT_AVAILABLE', { fields: [{ path: 'diseaseId', message: '请从互联网诊疗病种目录中选择' }] });
    }
    const noteEnc = body.note ? this.cipher.encrypt(body.note, diagnosisNoteAad(consultationId)) : null;
    const row = await this.prisma.$transaction(async (tx) => {
      const before = await tx.consultationDiagnosis.findUnique({ where: { consultationId }, select: { diseaseId: true } });
      const saved = await tx.consultationDiagnosis.upsert({
        where: { consultationId },
        create: { consultationId, diseaseId: disease.id, diseaseCode: disease.code, diseaseName: disease.name, noteEnc, doctorId: doctor.id },
        update: { diseaseId: disease.id, diseaseCode: disease.code, diseaseName: disease.name, noteEnc, doctorId: doctor.id },
        select: PrescriptionService.DIAGNOSIS_SELECT,
      });
      await this.audit(tx, who, RX_AUDIT_ACTIONS.diagnose, 'consultation', consultationId, {
        first: before === null,
        diseaseChanged: before !== null && before.diseaseId !== disease.id,
        withNote: noteEnc !== null,
      });
      return saved;
    });
    return this.diagnosisDto(row);
  }

  private async currentDiagnosis(db: Db | Tx, consultationId: string) {
    const d = await db.consultationDiagnosis.findUnique({
      where: { consultationId },
      select: { diseaseId: true, diseaseCode: true, diseaseName: true, disease: { select: { category: true, payableOnline: true, enabled: true } } },
    });
    if (!d) throw new AppError('PRESCRIPTION_DIAGNOSIS_REQUIRED');
    if (!d.disease.enabled) throw new AppError('PRESCRIPTION_DISEASE_NOT_AVAILABLE', { message: '诊断所选病种已停用，请重新选择诊断后再开具处方' });
    return d;
  }

  // ── pricing and checks (rule 8) ──────────────────────────────────────────────────────────
  private async priceItems(db: Db | Tx, items: readonly PrescriptionItemInput[], category: DiseaseCategory, limits: RxLimits): Promise<PricedItem[]> {
    const seen = new Map<string, number>();
    items.forEach((it, n) => {
      if (seen.has(it.drugId)) throw new AppError('PRESCRIPTION_DRUG_DUPLICATE', { fields: [{ path: `items.${n}.drugId`, message: `与第 ${seen.get(it.drugId)! + 1} 行药品重复` }] });
      seen.set(it.drugId, n);
    });
    const drugs = await db.drug.findMany({
      where: { id: { in: items.map((i) => i.drugId) } },
      select: { id: true, nationalCode: true, name: true, specification: true, unit: true, priceFen: true, insuranceClass: true, unfitForInternet: true, enabled: true },
    });
    const byId = new Map(drugs.map((d) => [d.id, d]));
    const maxDays = maxDaysFor(limits, category);
    const notFound: FieldIssue[] = [];
    const unfit: FieldIssue[] = [];
    const tooLong: FieldIssue[] = [];
    const tooMany: FieldIssue[] = [];
    items.forEach((it, n) => {
      const d = byId.get(it.drugId);
      if (!d || !d.enabled) notFound.push({ path: `items.${n}.drugId`, message: '药品不在目录中或已停用' });
      else if (d.unfitForInternet) unfit.push({ path: `items.${n}.drugId`, message: `${d.name}不适用于互联网复诊处方` });
      if (it.days > maxDays) tooLong.push({ path: `items.${n}.days`, message: `该病种互联网处方用药天数最多 ${maxDays} 天` });
      if (it.quantity > limits.maxQuantityItem) tooMany.push({ path: `items.${n}.quantity`, message: `单个药品最多开具 ${limits.maxQuantityItem} ${d?.unit ?? ''}`.trim() });
    });
    if (notFound.length) throw new AppError('PRESCRIPTION_DRUG_NOT_FOUND', { fields: notFound });
    if (unfit.length) throw new AppError('PRESCRIPTION_DRUG_UNFIT_FOR_INTERNET', { fields: unfit });
    if (tooLong.length) {
      throw new AppError('PRESCRIPTION_DAYS_EXCEEDED', { message: `用药天数超过上限：${category === 'COMMON' ? '常见病' : '慢性病'}互联网复诊处方最多 ${maxDays} 天，请减少天数或数量`, fields: tooLong });
    }
    if (tooMany.length) throw new AppError('PRESCRIPTION_QUANTITY_EXCEEDED', { fields: tooMany });
    return items.map((it, n) => {
      const d = byId.get(it.drugId)!;
      return {
        drugId: d.id,
        nationalCode: d.nationalCode,
        drugName: d.name,
        specification: d.specification,
        unit: d.unit,
        insuranceClass: d.insuranceClass,
        quantity: it.quantity,
        unitPriceFen: d.priceFen,
        amountFen: d.priceFen * it.quantity,
        dosage: it.dosage,
        frequency: it.frequency,
        route: it.route,
        days: it.days,
        sortOrder: n,
      };
    });
  }

  // ── reading ──────────────────────────────────────────────────────────────────────────────
  private async loadView(db: Db | Tx, id: string): Promise<RxViewRow | null> {
    return db.prescription.findUnique({ where: { id }, select: RX_VIEW_SELECT });
  }

  private viewerOf(s: Staff) {
    if (s.kind === 'DOCTOR') return { kind: s.kind, doctorId: s.doctor.id, hospitalId: s.doctor.hospitalId };
    if (s.kind === 'PHARMACIST') return { kind: s.kind, hospitalId: s.pharmacist.hospitalId };
    return { kind: s.kind };
  }

  /** Staff may see: the writing doctor; a pharmacist of the hospital once submitted; an admin. */
  private staffMaySee(s: Staff, row: Pick<RxViewRow, 'doctorId' | 'hospitalId' | 'submittedAt'>): boolean {
    if (s.kind === 'DOCTOR') return row.doctorId === s.doctor.id;
    if (s.kind === 'PHARMACIST') return row.hospitalId === s.pharmacist.hospitalId && row.submittedAt !== null;
    return true;
  }

  async staffDetail(who: Who, id: string): Promise<WorkspacePrescription> {
    const s = await this.staff(who.user);
    const row = await this.loadView(this.prisma, id);
    if (!row || !this.staffMaySee(s, row)) throw notFoundRx();
    return workspaceView(row, this.viewerOf(s), this.now());
  }

  async listForConsultation(who: Who, consultationId: string): Promise<{ items: WorkspacePrescription[] }> {
    const doctor = await this.doctorOf(who.user);
    await this.servedConsultation(this.prisma, doctor, consultationId);
    const rows = await this.prisma.prescription.findMany({ where: { consultationId }, orderBy: [{ createdAt: 'asc' }, { version: 'asc' }], select: RX_VIEW_SELECT });
    const viewer = { kind: 'DOCTOR' as const, doctorId: doctor.id, hospitalId: doctor.hospitalId };
    return { items: rows.map((r) => workspaceView(r, viewer, this.now())) };
  }

  async listMine(who: Who, q: DoctorPrescriptionListQuery & { page: number; pageSize: number }): Promise<WorkspacePrescriptionPage> {
    const doctor = await this.doctorOf(who.user);
    const where: Prisma.PrescriptionWhereInput = { doctorId: doctor.id, ...(q.status ? { status: q.status } : {}) };
    const [total, rows] = await Promise.all([
      this.prisma.prescription.count({ where }),
      this.prisma.prescription.findMany({ where, orderBy: [{ updatedAt: 'desc' }, { id: 'desc' }], skip: (q.page - 1) * q.pageSize, take: q.pageSize, select: RX_VIEW_SELECT }),
    ]);
    const viewer = { kind: 'DOCTOR' as const, doctorId: doctor.id, hospitalId: doctor.hospitalId };
    return { items: rows.map((r) => workspaceView(r, viewer, this.now())), page: q.page, pageSize: q.pageSize, total };
  }

  async reviewQueue(who: Who, q: ReviewQueueQuery & { page: number; pageSize: number; status: 'PENDING_REVIEW' | 'APPROVED' | 'REJECTED' }): Promise<WorkspacePrescriptionPage> {
    const p = await this.pharmacistOf(who.user);
    const where: Prisma.PrescriptionWhereInput = { hospitalId: p.hospitalId, status: q.status, submittedAt: { not: null } };
    const orderBy: Prisma.PrescriptionOrderByWithRelationInput[] = q.status === 'PENDING_REVIEW' ? [{ submittedAt: 'asc' }, { id: 'asc' }] : [{ updatedAt: 'desc' }, { id: 'desc' }];
    const [total, rows] = await Promise.all([
      this.prisma.prescription.count({ where }),
      this.prisma.prescription.findMany({ where, orderBy, skip: (q.page - 1) * q.pageSize, take: q.pageSize, select: RX_VIEW_SELECT }),
    ]);
    const viewer = { kind: 'PHARMACIST' as const, hospitalId: p.hospitalId };
    return { items: rows.map((r) => workspaceView(r, viewer, this.now())), page: q.page, pageSize: q.pageSize, total };
  }

  // ── doctor: drafts ───────────────────────────────────────────────────────────────────────
  private static rxNoRoot(rxNo: string): string {
    return rxNo.replace(/-\d+$/, '');
  }

  private newRxNo(): string {
    return `RX${chinaStamp14(this.now().getTime())}${String(randomInt(0, 1_000_000)).padStart(6, '0')}`;
  }

  async createDraft(who: Who, consultationId: string, body: PrescriptionDraftRequest): Promise<WorkspacePrescription> {
    const doctor = await this.doctorOf(who.user);
    const c = await this.servedConsultation(this.prisma, doctor, consultationId);
    if (c.status !== 'IN_PROGRESS') throw new AppError('PRESCRIPTION_CONSULTATION_NOT_ACTIVE');
    this.assertDoctorMayPrescribe(doctor, c.insured);
    const diagnosis = await this.currentDiagnosis(this.prisma, consultationId);
    const limits = await rxLimits(this.prisma, this.logger);
    const priced = await this.priceItems(this.prisma, body.items, diagnosis.disease.category, limits);
    const id = await this.prisma.$transaction(async (tx) => {
      // One open prescription per consultation at a time (the consultation row lock orders concurrent creates).
      await tx.$queryRaw`SELECT id FROM consultations WHERE id = ${consultationId} FOR UPDATE`;
      const open = await tx.prescription.findFirst({
        where: { consultationId, OR: [{ status: { in: ['DRAFT', 'PENDING_REVIEW'] } }, { status: 'REJECTED', next: { is: null } }] },
        select: { id: true },
      });
      if (open) throw new AppError('PRESCRIPTION_OPEN_EXISTS');
      const created = await this.insertPrescription(tx, {
        rxNo: this.newRxNo(),
        version: 1,
        previousId: null,
        consultation: c,
        doctorId: doctor.id,
        diagnosis,
        items: priced,
        note: body.note ?? null,
        reviseReason: null,
      });
      await this.audit(tx, who, RX_AUDIT_ACTIONS.draft, 'prescription', created, { consultationId, version: 1, itemCount: priced.length, totalFen: sum(priced) });
      return created;
    });
    return this.staffDetail(who, id);
  }

  private async insertPrescription(
    tx: Tx,
    a: {
      rxNo: string;
      version: number;
      previousId: string | null;
      consultation: Pick<ConsultationRow, 'id' | 'patientId' | 'hospitalId' | 'insured'>;
      doctorId: string;
      diagnosis: { diseaseCode: string; diseaseName: string; disease: { payableOnline: boolean } };
      items: PricedItem[];
      note: string | null;
      reviseReason: string | null;
    },
  ): Promise<string> {
    try {
      const row = await tx.prescription.create({
        data: {
          rxNo: a.rxNo,
          version: a.version,
          previousId: a.previousId,
          consultationId: a.consultation.id,
          patientId: a.consultation.patientId,
          doctorId: a.doctorId,
          hospitalId: a.consultation.hospitalId,
          diagnosisCode: a.diagnosis.diseaseCode,
          diagnosisName: a.diagnosis.diseaseName,
          insured: a.consultation.insured && a.diagnosis.disease.payableOnline,
          status: 'DRAFT',
          totalFen: sum(a.items),
          note: a.note,
          reviseReason: a.reviseReason,
          items: { create: a.items },
        },
        select: { id: true },
      });
      return row.id;
    } catch (err) {
      // previous_id is unique: somebody else already made the next version.
      if (isUniqueViolation(err)) throw new AppError('PRESCRIPTION_CHANGED', { cause: err });
      throw err;
    }
  }

  /** The doctor's own prescription, for writing (404 for anyone else). */
  private async ownForWriting(doctor: DoctorRow, id: string) {
    const row = await this.prisma.prescription.findUnique({
      where: { id },
      select: {
        id: true,
        rxNo: true,
        version: true,
        status: true,
        doctorId: true,
        consultationId: true,
        note: true,
        updatedAt: true,
        next: { select: { id: true } },
        items: { orderBy: { sortOrder: 'asc' }, select: { id: true, drugId: true, dosage: true, frequency: true, route: true, days: true, quantity: true } },
      },
    });
    if (!row || row.doctorId !== doctor.id) throw notFoundRx();
    const c = await this.servedConsultation(this.prisma, doctor, row.consultationId);
    if (c.status !== 'IN_PROGRESS' && c.status !== 'COMPLETED') throw new AppError('PRESCRIPTION_CONSULTATION_NOT_ACTIVE', { message: '问诊已取消或已退款，不能再修改处方' });
    return { row, consultation: c };
  }

  async edit(who: Who, id: string, body: PrescriptionDraftRequest): Promise<WorkspacePrescription> {
    const doctor = await this.doctorOf(who.user);
    const { row, consultation } = await this.ownForWriting(doctor, id);
    if (row.next) throw new AppError('PRESCRIPTION_NOT_EDITABLE', { message: '该处方已有更新的版本，请打开最新版本修改' });
    if (body.expectedUpdatedAt && new Date(body.expectedUpdatedAt).getTime() !== row.updatedAt.getTime()) throw new AppError('PRESCRIPTION_CHANGED');
    if (row.status !== 'DRAFT' && row.status !== 'REJECTED') throw new AppError('PRESCRIPTION_NOT_EDITABLE');
    this.assertDoctorMayPrescribe(doctor, consultation.insured);
    const diagnosis = await this.currentDiagnosis(this.prisma, row.consultationId);
    const limits = await rxLimits(this.prisma, this.logger);
    const priced = await this.priceItems(this.prisma, body.items, diagnosis.disease.category, limits);

    if (row.status === 'REJECTED') {
      // A rejected (signed) version is history: the edit becomes the next version.
      const newId = await this.prisma.$transaction(async (tx) => {
        const still = await tx.prescription.count({ where: { id, status: 'REJECTED' } });
        if (still !== 1) throw new AppError('PRESCRIPTION_CHANGED');
        const created = await this.insertPrescription(tx, {
          rxNo: `${PrescriptionService.rxNoRoot(row.rxNo)}-${row.version + 1}`,
          version: row.version + 1,
          previousId: row.id,
          consultation,
          doctorId: doctor.id,
          diagnosis,
          items: priced,
          note: body.note ?? null,
          reviseReason: '按药师审核意见修改',
        });
        await this.audit(tx, who, RX_AUDIT_ACTIONS.newVersion, 'prescription', created, { previousId: row.id, fromStatus: 'REJECTED', version: row.version + 1, itemCount: priced.length, totalFen: sum(priced) });
        return created;
      });
      return this.staffDetail(who, newId);
    }

    await this.prisma.$transaction(async (tx) => {
      const moved = await tx.prescription.updateMany({
        where: { id, status: 'DRAFT', updatedAt: row.updatedAt },
        data: {
          totalFen: sum(priced),
          note: body.note ?? null,
          diagnosisCode: diagnosis.diseaseCode,
          diagnosisName: diagnosis.diseaseName,
          insured: consultation.insured && diagnosis.disease.payableOnline,
          updatedAt: this.now(),
        },
      });
      if (moved.count !== 1) throw new AppError('PRESCRIPTION_CHANGED');
      await tx.prescriptionItem.deleteMany({ where: { prescriptionId: id } });
      await tx.prescriptionItem.createMany({ data: priced.map((p) => ({ ...p, prescriptionId: id })) });
      await this.audit(tx, who, RX_AUDIT_ACTIONS.edit, 'prescription', id, { version: row.version, itemCount: priced.length, totalFen: sum(priced) });
    });
    return this.staffDetail(who, id);
  }

  async discard(who: Who, id: string): Promise<WorkspacePrescription> {
    const doctor = await this.doctorOf(who.user);
    const { row } = await this.ownForWriting(doctor, id);
    if (row.status !== 'DRAFT') throw new AppError('PRESCRIPTION_NOT_EDITABLE', { message: '只有草稿可以删除；已提交的处方请使用“修改处方”' });
    await this.prisma.$transaction(async (tx) => {
      const moved = await tx.prescription.updateMany({ where: { id, status: 'DRAFT' }, data: { status: 'CANCELLED' } });
      if (moved.count !== 1) throw new AppError('PRESCRIPTION_CHANGED');
      await this.audit(tx, who, RX_AUDIT_ACTIONS.discard, 'prescription', id, { version: row.version, from: 'DRAFT', to: 'CANCELLED' });
    });
    return this.staffDetail(who, id);
  }

  // ── doctor: sign and submit ──────────────────────────────────────────────────────────────
  private async sign(subject: SignerSubject, content: string): Promise<SignResult> {
    let result: SignResult;
    try {
      result = await this.signer.sign(subject, content);
    } catch (err) {
      if (err instanceof SignerNotEnrolledError) throw new AppError('SIGNER_NOT_ENROLLED', { cause: err });
      this.logger.error({ err, subjectType: subject.type, signer: this.signer.kind }, 'signing failed');
      throw new AppError('SIGNER_UNAVAILABLE', { cause: err });
    }
    // Never store a signature we cannot verify ourselves.
    if (!sm2Verify(Buffer.from(content, 'utf8'), result.signature, result.publicKey, { userId: DEFAULT_SM2_USER_ID })) {
      this.logger.error({ subjectType: subject.type, signer: this.signer.kind }, 'signer returned a signature that does not verify');
      throw new AppError('SIGNER_UNAVAILABLE');
    }
    return result;
  }

  async signAndSubmit(who: Who, id: string, body: SignAndSubmitRequest): Promise<WorkspacePrescription> {
    const doctor = await this.doctorOf(who.user);
    const { row, consultation } = await this.ownForWriting(doctor, id);
    if (row.status !== 'DRAFT' || row.next) throw new AppError('PRESCRIPTION_NOT_SUBMITTABLE');
    if (body.expectedUpdatedAt && new Date(body.expectedUpdatedAt).getTime() !== row.updatedAt.getTime()) throw new AppError('PRESCRIPTION_CHANGED');
    if (row.items.length === 0) throw new AppError('VALIDATION_FAILED', { fields: [{ path: 'items', message: '请至少开具一种药品' }] });
    this.assertDoctorMayPrescribe(doctor, consultation.insured);
    const diagnosis = await this.currentDiagnosis(this.prisma, row.consultationId);
    const limits = await rxLimits(this.prisma, this.logger);
    // Re-checked and re-priced from the catalog NOW: a drug flagged or re-priced since the draft counts.
    const priced = await this.priceItems(this.prisma, row.items, diagnosis.disease.category, limits);
    const base = await loadSignable(this.prisma, id);
    if (!base) throw notFoundRx();
    const signedAt = this.now();
    const validUntil = new Date(signedAt.getTime() + limits.validHours * 3600_000);
    const insured = consultation.insured && diagnosis.disease.payableOnline;
    const totalFen = sum(priced);
    const signable: SignableRow = {
      ...base,
      diagnosisCode: diagnosis.diseaseCode,
      diagnosisName: diagnosis.diseaseName,
      insured,
      totalFen,
      signedAt,
      validUntil,
      items: priced.map((p) => ({
        drugId: p.drugId,
        nationalCode: p.nationalCode,
        drugName: p.drugName,
        specification: p.specification,
        unit: p.unit,
        insuranceClass: p.insuranceClass,
        quantity: p.quantity,
        unitPriceFen: p.unitPriceFen,
        amountFen: p.amountFen,
        dosage: p.dosage,
        frequency: p.frequency,
        route: p.route,
        days: p.days,
      })),
    };
    const content = canonicalPrescription(signable);
    const hash = contentHash(content);
    const sig = await this.sign({ type: 'DOCTOR', id: doctor.id }, content);

    await this.prisma.$transaction(async (tx) => {
      const moved = await tx.prescription.updateMany({
        where: { id, status: 'DRAFT', updatedAt: row.updatedAt },
        data: {
          status: 'PENDING_REVIEW',
          diagnosisCode: diagnosis.diseaseCode,
          diagnosisName: diagnosis.diseaseName,
          insured,
          totalFen,
          signedAt,
          validUntil,
          signature: sig.signature,
          signedContentHash: hash,
          signedContent: content,
          signerPublicKey: sig.publicKey,
          signerKeyId: sig.keyId,
          submittedAt: signedAt,
          rejectReason: null,
        },
      });
      if (moved.count !== 1) throw new AppError('PRESCRIPTION_CHANGED');
      for (const [n, item] of row.items.entries()) {
        const p = priced[n]!;
        await tx.prescriptionItem.update({
          where: { id: item.id },
          data: { nationalCode: p.nationalCode, drugName: p.drugName, specification: p.specification, unit: p.unit, insuranceClass: p.insuranceClass, unitPriceFen: p.unitPriceFen, amountFen: p.amountFen, sortOrder: n },
        });
      }
      // What is stored must be exactly what was signed.
      const stored = await loadSignable(tx, id);
      if (!stored || canonicalPrescription(stored) !== content) throw new Error('signed content does not round-trip through the database');
      await this.audit(tx, who, RX_AUDIT_ACTIONS.sign, 'prescription', id, { version: row.version, keyId: sig.keyId, algorithm: sig.algorithm, contentHash: hash });
      await this.audit(tx, who, RX_AUDIT_ACTIONS.submit, 'prescription', id, { version: row.version, from: 'DRAFT', to: 'PENDING_REVIEW', itemCount: priced.length, totalFen });
      const told = await tx.consultationMessage.count({ where: { consultationId: row.consultationId, kind: 'SYSTEM', systemCode: 'PRESCRIPTION_ISSUED' } });
      if (told === 0) await appendSystemMessage(tx, row.consultationId, 'PRESCRIPTION_ISSUED', signedAt);
    });
    consultBus.publish(row.consultationId);
    return this.staffDetail(who, id);
  }

  // ── doctor: new versions ─────────────────────────────────────────────────────────────────
  async revise(who: Who, id: string, body: ReviseRequest): Promise<WorkspacePrescription> {
    const doctor = await this.doctorOf(who.user);
    const { row, consultation } = await this.ownForWriting(doctor, id);
    if (row.next) throw new AppError('PRESCRIPTION_NOT_REVISABLE', { message: '该处方已有更新的版本，请打开最新版本' });
    if (row.status === 'PAID' || row.status === 'REFUNDED') throw new AppError('PRESCRIPTION_ALREADY_PAID');
    if (!['PENDING_REVIEW', 'REJECTED', 'APPROVED', 'UPLOADED'].includes(row.status)) throw new AppError('PRESCRIPTION_NOT_REVISABLE');
    this.assertDoctorMayPrescribe(doctor, consultation.insured);
    const diagnosis = await this.currentDiagnosis(this.prisma, row.consultationId);
    const items = await this.prisma.prescriptionItem.findMany({ where: { prescriptionId: id }, orderBy: { sortOrder: 'asc' } });
    const now = this.now();
    let revokedApproved = false;
    const newId = await this.prisma.$transaction(async (tx) => {
      if (row.status === 'APPROVED' || row.status === 'UPLOADED') {
        // Guarded: if the order's payment landed first (→ PAID), nothing changes here.
        const moved = await tx.prescription.updateMany({ where: { id, status: row.status }, data: { status: 'REVOKED', revokedAt: now, reviseReason: body.reason } });
        if (moved.count !== 1) {
          const s = await tx.prescription.findUniqueOrThrow({ where: { id }, select: { status: true } });
          throw s.status === 'PAID' ? new AppError('PRESCRIPTION_ALREADY_PAID') : new AppError('PRESCRIPTION_CHANGED');
        }
        revokedApproved = true;
        await this.audit(tx, who, RX_AUDIT_ACTIONS.revoke, 'prescription', id, { version: row.version, from: row.status, to: 'REVOKED' });
      } else if (row.status === 'PENDING_REVIEW') {
        const moved = await tx.prescription.updateMany({ where: { id, status: 'PENDING_REVIEW' }, data: { status: 'CANCELLED', reviseReason: body.reason } });
        if (moved.count !== 1) throw new AppError('PRESCRIPTION_CHANGED');
        await this.audit(tx, who, RX_AUDIT_ACTIONS.revoke, 'prescription', id, { version: row.version, from: 'PENDING_REVIEW', to: 'CANCELLED' });
      } else {
        const still = await tx.prescription.count({ where: { id, status: 'REJECTED' } });
        if (still !== 1) throw new AppError('PRESCRIPTION_CHANGED');
      }
      const created = await this.insertPrescription(tx, {
        rxNo: `${PrescriptionService.rxNoRoot(row.rxNo)}-${row.version + 1}`,
        version: row.version + 1,
        previousId: id,
        consultation,
        doctorId: doctor.id,
        diagnosis,
        items: items.map((i) => ({
          drugId: i.drugId,
          nationalCode: i.nationalCode,
          drugName: i.drugName,
          specification: i.specification,
          unit: i.unit,
          insuranceClass: i.insuranceClass,
          quantity: i.quantity,
          unitPriceFen: i.unitPriceFen,
          amountFen: i.amountFen,
          dosage: i.dosage,
          frequency: i.frequency,
          route: i.route,
          days: i.days,
          sortOrder: i.sortOrder,
        })),
        note: row.note,
        reviseReason: body.reason,
      });
      await this.audit(tx, who, RX_AUDIT_ACTIONS.newVersion, 'prescription', created, { previousId: id, fromStatus: row.status, version: row.version + 1 });
      return created;
    });
    if (revokedApproved) await this.revokeOrdersOf(who, id, body.reason);
    return this.staffDetail(who, newId);
  }

  /** After a revoke: ORDER-BFF revokes (6401) uploaded-but-unpaid orders and closes created ones. */
  private async revokeOrdersOf(who: Who, prescriptionId: string, reason: string): Promise<void> {
    try {
      this.revokeOrders ??= await loadRevokeOrders();
      const result = await this.revokeOrders(this.prisma, { prescriptionId, reason: `处方已修改：${reason}`.slice(0, 200) });
      const r = (result ?? {}) as { revoked?: unknown; closed?: unknown };
      await this.audit(this.prisma, who, 'prescription.orders_revoked', 'prescription', prescriptionId, {
        revoked: typeof r.revoked === 'number' ? r.revoked : null,
        closed: typeof r.closed === 'number' ? r.closed : null,
      });
    } catch (err) {
      // The prescription is already REVOKED: no order of it can be paid (the order domain checks the
      // status, and a payment that still lands is refunded by onPrescriptionPaid → REVOKED).
      this.logger.error({ err, prescriptionId }, 'revoking the orders of a revoked prescription failed');
      await this.audit(this.prisma, who, 'prescription.orders_revoke_failed', 'prescription', prescriptionId, { error: (err as Error)?.name ?? 'Error' }).catch(() => undefined);
    }
  }

  // ── pharmacist ───────────────────────────────────────────────────────────────────────────
  private async forReview(who: Who, id: string, expectedVersion: number | undefined) {
    const p = await this.pharmacistOf(who.user);
    const row = await this.prisma.prescription.findUnique({
      where: { id },
      select: { id: true, rxNo: true, version: true, status: true, hospitalId: true, consultationId: true, signature: true, submittedAt: true, validUntil: true, next: { select: { id: true } }, doctor: { select: { userId: true } } },
    });
    if (!row || row.hospitalId !== p.hospitalId || !row.submittedAt) throw notFoundRx();
    this.assertPharmacistMayReview(p);
    if (row.status !== 'PENDING_REVIEW' || row.next) throw new AppError('PRESCRIPTION_NOT_REVIEWABLE');
    if (expectedVersion !== undefined && expectedVersion !== row.version) throw new AppError('PRESCRIPTION_CHANGED');
    return { p, row };
  }

  private async signedReview(p: PharmacistRow, row: { id: string; rxNo: string; version: number; signature: string | null }, who: Who, decision: 'APPROVED' | 'REJECTED', comment: string | null) {
    const v = await verifyPrescription(this.prisma, row.id);
    if (!v || !v.valid || !v.computedHash || !row.signature) {
      await this.audit(this.prisma, who, 'prescription.signature_invalid', 'prescription', row.id, {
        version: row.version,
        failed: v ? v.checks.filter((c) => !c.ok).map((c) => c.check).join(',') : 'MISSING',
      });
      throw new AppError('PRESCRIPTION_SIGNATURE_INVALID');
    }
    const reviewedAt = this.now();
    const content = canonicalReview({
      prescriptionId: row.id,
      rxNo: row.rxNo,
      version: row.version,
      prescriptionHash: v.computedHash,
      doctorSignature: row.signature,
      pharmacistId: p.id,
      licenseNo: p.licenseNo,
      decision,
      comment,
      reviewedAt,
    });
    const sig = await this.sign({ type: 'PHARMACIST', id: p.id }, content);
    return { reviewedAt, content, hash: contentHash(content), sig, prescriptionHash: v.computedHash };
  }

  async approve(who: Who, id: string, body: ApproveRequest): Promise<WorkspacePrescription> {
    const { p, row } = await this.forReview(who, id, body.expectedVersion);
    if (!row.validUntil || row.validUntil.getTime() <= this.now().getTime()) {
      throw new AppError('PRESCRIPTION_NOT_REVIEWABLE', { message: '处方已超过有效期，不能审核通过，请驳回并请医生重新开具' });
    }
    const comment = body.comment ?? null;
    const r = await this.signedReview(p, row, who, 'APPROVED', comment);
    await this.prisma.$transaction(async (tx) => {
      const moved = await tx.prescription.updateMany({
        where: { id, status: 'PENDING_REVIEW', signedContentHash: r.prescriptionHash },
        data: { status: 'APPROVED', approvedAt: r.reviewedAt },
      });
      if (moved.count !== 1) throw new AppError('PRESCRIPTION_NOT_REVIEWABLE');
      await tx.prescriptionReview.create({
        data: {
          prescriptionId: id,
          prescriptionVersion: row.version,
          pharmacistId: p.id,
          decision: 'APPROVED',
          comment,
          signature: r.sig.signature,
          signedContent: r.content,
          contentHash: r.hash,
          signerPublicKey: r.sig.publicKey,
          signerKeyId: r.sig.keyId,
          reviewedAt: r.reviewedAt,
        },
      });
      await this.audit(tx, who, RX_AUDIT_ACTIONS.approve, 'prescription', id, { version: row.version, from: 'PENDING_REVIEW', to: 'APPROVED', keyId: r.sig.keyId, contentHash: r.hash });
      // The patient sees it in the room (a PRESCRIPTION card opening the prescription page).
      await postPrescriptionMessage(tx, { consultationId: row.consultationId, prescriptionId: id, doctorUserId: row.doctor.userId });
    });
    consultBus.publish(row.consultationId);
    return this.staffDetail(who, id);
  }

  async reject(who: Who, id: string, body: RejectRequest): Promise<WorkspacePrescription> {
    const { p, row } = await this.forReview(who, id, body.expectedVersion);
    const r = await this.signedReview(p, row, who, 'REJECTED', body.reason);
    await this.prisma.$transaction(async (tx) => {
      const moved = await tx.prescription.updateMany({ where: { id, status: 'PENDING_REVIEW' }, data: { status: 'REJECTED', rejectReason: body.reason } });
      if (moved.count !== 1) throw new AppError('PRESCRIPTION_NOT_REVIEWABLE');
      await tx.prescriptionReview.create({
        data: {
          prescriptionId: id,
          prescriptionVersion: row.version,
          pharmacistId: p.id,
          decision: 'REJECTED',
          comment: body.reason,
          signature: r.sig.signature,
          signedContent: r.content,
          contentHash: r.hash,
          signerPublicKey: r.sig.publicKey,
          signerKeyId: r.sig.keyId,
          reviewedAt: r.reviewedAt,
        },
      });
      await this.audit(tx, who, RX_AUDIT_ACTIONS.reject, 'prescription', id, { version: row.version, from: 'PENDING_REVIEW', to: 'REJECTED' });
    });
    return this.staffDetail(who, id);
  }

  // ── patient ──────────────────────────────────────────────────────────────────────────────
  async patientList(who: Who, consultationId: string | undefined): Promise<{ items: PatientPrescription[] }> {
    if (consultationId) {
      const c = await this.prisma.consultation.findUnique({ where: { id: consultationId }, select: { userId: true } });
      if (!c || c.userId !== who.user.id) throw notFoundConsultation();
    }
    const rows = await this.prisma.prescription.findMany({
      where: { consultation: { userId: who.user.id }, ...(consultationId ? { consultationId } : {}), status: { notIn: ['DRAFT', 'REJECTED'] } },
      orderBy: [{ createdAt: 'desc' }, { version: 'desc' }],
      take: 100,
      select: RX_VIEW_SELECT,
    });
    const now = this.now();
    return { items: rows.filter(patientMaySee).map((r) => patientView(r, now)) };
  }

  async patientDetail(who: Who, id: string): Promise<PatientPrescription> {
    const row = await this.loadView(this.prisma, id);
    if (!row || row.consultation.userId !== who.user.id || !patientMaySee(row)) throw notFoundRx();
    const view = patientView(row, this.now());
    if (view.payable) {
      // "去支付" only for a prescription whose rows still match both signatures.
      const v = await verifyPrescription(this.prisma, id);
      if (!v?.valid) {
        this.logger.warn({ prescriptionId: id }, 'approved prescription fails signature verification: not payable');
        view.payable = false;
      }
    }
    return view;
  }

  async verification(who: Who, id: string): Promise<PrescriptionVerification> {
    const row = await this.prisma.prescription.findUnique({ where: { id }, select: { id: true, status: true, approvedAt: true, doctorId: true, hospitalId: true, submittedAt: true, consultation: { select: { userId: true } } } });
    if (!row) throw notFoundRx();
    if (who.user.role === 'PATIENT') {
      if (row.consultation.userId !== who.user.id || !patientMaySee(row)) throw notFoundRx();
    } else {
      const s = await this.staff(who.user);
      if (!this.staffMaySee(s, row)) throw notFoundRx();
    }
    const v = await verifyPrescription(this.prisma, id);
    if (!v) throw notFoundRx();
    await this.audit(this.prisma, who, RX_AUDIT_ACTIONS.verify, 'prescription', id, { valid: v.valid, failed: v.checks.filter((c) => !c.ok).map((c) => c.check).join(',') || null });
    if (!v.valid && v.signedAt) this.logger.warn({ prescriptionId: id, failed: v.checks.filter((c) => !c.ok).map((c) => c.check) }, 'prescription signature verification failed');
    return {
      prescriptionId: v.prescriptionId,
      rxNo: v.rxNo,
      version: v.version,
      valid: v.valid,
      algorithm: v.algorithm,
      computedHash: v.computedHash,
      signedHash: v.signedHash,
      signedAt: v.signedAt,
      signerName: v.signerName,
      signerPublicKey: v.signerPublicKey,
      checks: v.checks,
      verifiedAt: this.now().toISOString(),
    };
  }

  // ── expiry (job) ─────────────────────────────────────────────────────────────────────────
  /** Approved prescriptions past their validity → EXPIRED (guarded); their unpaid orders are revoked. */
  async expireStale(limit = 100): Promise<number> {
    const now = this.now();
    const due = await this.prisma.prescription.findMany({
      where: { status: { in: ['APPROVED', 'UPLOADED', 'PENDING_REVIEW', 'DRAFT'] }, validUntil: { lte: now } },
      select: { id: true, status: true, version: true },
      take: limit,
    });
    let n = 0;
    for (const rx of due) {
      const moved = await this.prisma.$transaction(async (tx) => {
        const m = await tx.prescription.updateMany({ where: { id: rx.id, status: rx.status, validUntil: { lte: now } }, data: { status: 'EXPIRED' } });
        if (m.count === 1) {
          await tx.auditLog.create({ data: { action: 'prescription.expired', targetType: 'prescription', targetId: rx.id, actorRole: 'SYSTEM', details: { version: rx.version, from: rx.status, to: 'EXPIRED' } } });
        }
        return m.count === 1;
      });
      if (!moved) continue;
      n += 1;
      if (rx.status === 'APPROVED' || rx.status === 'UPLOADED') {
        try {
          this.revokeOrders ??= await loadRevokeOrders();
          await this.revokeOrders(this.prisma, { prescriptionId: rx.id, reason: '处方已过有效期' });
        } catch (err) {
          this.logger.error({ err, prescriptionId: rx.id }, 'revoking the orders of an expired prescription failed');
        }
      }
    }
    return n;
  }
}

function sum(items: readonly { amountFen: number }[]): number {
  return items.reduce((s, i) => s + i.amountFen, 0);
}
