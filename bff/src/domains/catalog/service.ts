/**
 * Catalog reads (public): designated internet hospitals, internet departments, doctors, the
 * internet disease catalog and the insurance drug catalog. Every list is paged and filtered in
 * the database; answers are built only from public practice information (no personal data).
 *
 * Rule 5: `hospitalInsurance` is the one place that says whether a hospital may settle with
 * insurance (live and insurance enabled) and, if not, why — the eligibility check uses it too.
 * Rule 6: `doctorFlags` says whether a doctor may take internet consultations and insured ones.
 */
import {
  DepartmentDetailSchema,
  DepartmentListResponseSchema,
  DiseaseListResponseSchema,
  DoctorListResponseSchema,
  DoctorSchema,
  DrugListResponseSchema,
  HospitalListResponseSchema,
  HospitalSchema,
  WorkingHoursSchema,
  hospitalSelfPayMessage,
  type DepartmentDetail,
  type DepartmentListResponse,
  type DiseaseListResponse,
  type Doctor,
  type DoctorListResponse,
  type DrugListResponse,
  type Hospital,
  type HospitalInsurance,
  type HospitalListResponse,
  type WorkingPeriod,
} from '@ih/contract';
import type { Prisma } from '@ih/db';
import type { z } from 'zod';
import type {
  DiseaseListQuerySchema,
  DoctorListQuerySchema,
  DrugListQuerySchema,
  HospitalListQuerySchema,
  DepartmentListQuerySchema,
} from '@ih/contract';
import { AppError } from '../../lib/errors';
import type { Db } from '../../deps';
import type { Logger } from '../../logger';

/** Queries as the route's validation parsed them (defaults applied). */
type Parsed<S extends z.ZodType> = z.output<S>;

const ymd = (d: Date): string => d.toISOString().slice(0, 10);

/** Search terms for doctors treating a disease: its name and other names, at most this many. */
const MAX_DISEASE_TERMS = 40;
/** A disease word matching more catalog entries than this is too vague to search doctors by. */
const MAX_MATCHED_DISEASES = 20;

// ── hospitals ────────────────────────────────────────────────────────────────────────────────
export interface HospitalInsuranceFacts {
  name: string;
  live: boolean;
  insuranceEnabled: boolean;
  goLiveDeadline: Date;
}

export function hospitalInsurance(h: HospitalInsuranceFacts): HospitalInsurance {
  const facts = { name: h.name, goLiveDeadline: ymd(h.goLiveDeadline) };
  const reasons: HospitalInsurance['reasons'] = [];
  if (!h.live) reasons.push({ code: 'HOSPITAL_NOT_LIVE', message: hospitalSelfPayMessage('HOSPITAL_NOT_LIVE', facts) });
  if (!h.insuranceEnabled) reasons.push({ code: 'HOSPITAL_INSURANCE_OFF', message: hospitalSelfPayMessage('HOSPITAL_INSURANCE_OFF', facts) });
  return { mode: reasons.length ? 'self_pay_only' : 'covered', reasons };
}

const HOSPITAL_SELECT = {
  id: true, code: true, name: true, city: true, admdvs: true, level: true, address: true, batch: true,
  goLiveDeadline: true, live: true, liveAt: true, insuranceEnabled: true,
  _count: { select: { departments: { where: { enabled: true } } } },
} as const satisfies Prisma.HospitalSelect;

type HospitalRow = Prisma.HospitalGetPayload<{ select: typeof HOSPITAL_SELECT }>;

function toHospital(h: HospitalRow): Hospital {
  return {
    id: h.id, code: h.code, name: h.name, city: h.city, admdvs: h.admdvs, level: h.level, address: h.address,
    batch: h.batch, goLiveDeadline: ymd(h.goLiveDeadline), live: h.live, liveAt: h.liveAt ? ymd(h.liveAt) : null,
    insuranceEnabled: h.insuranceEnabled, insurance: hospitalInsurance(h), departmentCount: h._count.departments,
  };
}

// ── doctors ──────────────────────────────────────────────────────────────────────────────────
export interface DoctorFacts {
  realNameVerified: boolean;
  internetQualified: boolean;
  insuranceDoctorCode: string | null;
  status: 'ACTIVE' | 'SUSPENDED';
  hospitalId: string;
  department: { enabled: boolean; hospitalId: string };
  hospital: HospitalInsuranceFacts;
}

/** Rule 6: who may take internet consultations, and insured ones. */
export function doctorFlags(d: DoctorFacts): { inInternetDepartment: boolean; acceptsConsultation: boolean; acceptsInsurance: boolean } {
  const inInternetDepartment = d.department.enabled && d.department.hospitalId === d.hospitalId;
  const acceptsConsultation = d.realNameVerified && d.internetQualified && inInternetDepartment;
  const acceptsInsurance = acceptsConsultation && d.status === 'ACTIVE' && !!d.insuranceDoctorCode && hospitalInsurance(d.hospital).mode === 'covered';
  return { inInternetDepartment, acceptsConsultation, acceptsInsurance };
}

const DOCTOR_SELECT = {
  id: true, name: true, gender: true, title: true, specialty: true, intro: true, realNameVerified: true,
  insuranceDoctorCode: true, internetQualified: true, status: true, suspendedReason: true,
  consultationFeeFen: true, workingHours: true, hospitalId: true,
  hospital: { select: { id: true, code: true, name: true, live: true, insuranceEnabled: true, goLiveDeadline: true } },
  department: { select: { id: true, name: true, enabled: true, hospitalId: true } },
} as const satisfies Prisma.DoctorSelect;

type DoctorRow = Prisma.DoctorGetPayload<{ select: typeof DOCTOR_SELECT }>;

function workingHoursOf(value: unknown, logger: Logger | undefined, doctorId: string): WorkingPeriod[] | null {
  if (value === null || value === undefined) return null;
  const parsed = WorkingHoursSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  logger?.warn({ doctorId }, 'doctor working_hours malformed: shown as not published');
  return null;
}

function toDoctor(d: DoctorRow, logger?: Logger): Doctor {
  const flags = doctorFlags(d);
  return {
    id: d.id, name: d.name, gender: d.gender, title: d.title, photoUrl: null, specialty: d.specialty, intro: d.intro,
    hospital: { id: d.hospital.id, code: d.hospital.code, name: d.hospital.name, insurance: hospitalInsurance(d.hospital) },
    department: { id: d.department.id, name: d.department.name },
    realNameVerified: d.realNameVerified, insuranceDoctorRegistered: !!d.insuranceDoctorCode, internetQualified: d.internetQualified,
    status: d.status, suspendedReason: d.status === 'SUSPENDED' ? d.suspendedReason : null,
    consultationFeeFen: d.consultationFeeFen, workingHours: workingHoursOf(d.workingHours, logger, d.id),
    acceptsConsultation: flags.acceptsConsultation, acceptsInsurance: flags.acceptsInsurance,
  };
}

// ── the service ──────────────────────────────────────────────────────────────────────────────
const paging = (q: { page: number; pageSize: number }) => ({ skip: (q.page - 1) * q.pageSize, take: q.pageSize });

/** A search word taken literally: Prisma passes contains/startsWith to LIKE unescaped (% and _ would match anything). */
export function lit(word: string): string {
  return word.replace(/[\\%_]/g, (c) => `\\${c}`);
}

export class CatalogService {
  constructor(private readonly deps: { prisma: Db; logger?: Logger }) {}

  private get db(): Db {
    return this.deps.prisma;
  }

  async hospitals(q: Parsed<typeof HospitalListQuerySchema>): Promise<HospitalListResponse> {
    const and: Prisma.HospitalWhereInput[] = [];
    if (q.keyword) and.push({ OR: [{ name: { contains: lit(q.keyword) } }, { city: { contains: lit(q.keyword) } }, { code: { startsWith: lit(q.keyword.toUpperCase()) } }] });
    if (q.city) and.push({ city: q.city });
    if (q.batch) and.push({ batch: q.batch });
    if (q.insurance === 'covered') and.push({ live: true, insuranceEnabled: true });
    if (q.insurance === 'self_pay_only') and.push({ OR: [{ live: false }, { insuranceEnabled: false }] });
    const where: Prisma.HospitalWhereInput = { AND: and };
    const [rows, total] = await Promise.all([
      this.db.hospital.findMany({ where, select: HOSPITAL_SELECT, orderBy: [{ batch: 'asc' }, { code: 'asc' }], ...paging(q) }),
      this.db.hospital.count({ where }),
    ]);
    return HospitalListResponseSchema.parse({ items: rows.map(toHospital), page: q.page, pageSize: q.pageSize, total });
  }

  async hospital(id: string): Promise<Hospital> {
    const row = await this.db.hospital.findUnique({ where: { id }, select: HOSPITAL_SELECT });
    if (!row) throw new AppError('NOT_FOUND', { message: '未找到该医院' });
    return HospitalSchema.parse(toHospital(row));
  }

  async departments(hospitalId: string, q: Parsed<typeof DepartmentListQuerySchema>): Promise<DepartmentListResponse> {
    const hospital = await this.db.hospital.findUnique({ where: { id: hospitalId }, select: { id: true, name: true, live: true, insuranceEnabled: true, goLiveDeadline: true } });
    if (!hospital) throw new AppError('NOT_FOUND', { message: '未找到该医院' });
    const where: Prisma.InternetDepartmentWhereInput = {
      hospitalId,
      enabled: true,
      ...(q.keyword ? { OR: [{ name: { contains: lit(q.keyword) } }, { intro: { contains: lit(q.keyword) } }] } : {}),
    };
    const [rows, total] = await Promise.all([
      this.db.internetDepartment.findMany({
        where,
        select: { id: true, hospitalId: true, code: true, name: true, caty: true, intro: true, _count: { select: { doctors: true } } },
        orderBy: [{ sortOrder: 'asc' }, { code: 'asc' }],
        ...paging(q),
      }),
      this.db.internetDepartment.count({ where }),
    ]);
    return DepartmentListResponseSchema.parse({
      items: rows.map(({ _count, ...d }) => ({ ...d, doctorCount: _count.doctors })),
      page: q.page,
      pageSize: q.pageSize,
      total,
      hospital: { id: hospital.id, name: hospital.name, insurance: hospitalInsurance(hospital) },
    });
  }

  async department(id: string): Promise<DepartmentDetail> {
    const d = await this.db.internetDepartment.findFirst({
      where: { id, enabled: true },
      select: {
        id: true, hospitalId: true, code: true, name: true, caty: true, intro: true, _count: { select: { doctors: true } },
        hospital: { select: { id: true, name: true, live: true, insuranceEnabled: true, goLiveDeadline: true } },
      },
    });
    if (!d) throw new AppError('NOT_FOUND', { message: '未找到该科室，或该科室未开通互联网诊疗' });
    const { _count, hospital, ...rest } = d;
    return DepartmentDetailSchema.parse({ ...rest, doctorCount: _count.doctors, hospital: { id: hospital.id, name: hospital.name, insurance: hospitalInsurance(hospital) } });
  }

  /** Catalog diseases a search word names (code, name, pinyin initials or another name). */
  async diseasesMatching(word: string): Promise<{ code: string; name: string; keywords: string[] }[]> {
    const rows = await this.db.disease.findMany({
      where: { enabled: true, OR: [{ code: { startsWith: lit(word) } }, { name: { contains: lit(word) } }, { pinyin: { startsWith: lit(word.toLowerCase()) } }, { keywords: { contains: lit(word) } }] },
      select: { code: true, name: true, keywords: true },
      orderBy: { code: 'asc' },
      take: MAX_MATCHED_DISEASES + 1,
    });
    return rows.map((r) => ({ code: r.code, name: r.name, keywords: splitKeywords(r.keywords) }));
  }

  async doctors(q: Parsed<typeof DoctorListQuerySchema>): Promise<DoctorListResponse> {
    const and: Prisma.DoctorWhereInput[] = [{ department: { enabled: true } }];
    if (q.hospitalId) and.push({ hospitalId: q.hospitalId });
    if (q.departmentId) and.push({ departmentId: q.departmentId });
    if (q.title) and.push({ title: q.title });
    if (q.keyword) and.push({ OR: [{ name: { contains: lit(q.keyword) } }, { specialty: { contains: lit(q.keyword) } }, { department: { name: { contains: lit(q.keyword) } } }] });
    if (q.available || q.insuranceOnly) and.push({ status: 'ACTIVE', internetQualified: true, realNameVerified: true });
    if (q.insuranceOnly) and.push({ insuranceDoctorCode: { not: null }, hospital: { live: true, insuranceEnabled: true } });
    let matchedDiseases: { code: string; name: string }[] | undefined;
    if (q.disease) {
      const diseases = (await this.diseasesMatching(q.disease)).slice(0, MAX_MATCHED_DISEASES);
      matchedDiseases = diseases.map(({ code, name }) => ({ code, name }));
      if (diseases.length === 0) return DoctorListResponseSchema.parse({ items: [], page: q.page, pageSize: q.pageSize, total: 0, matchedDiseases });
      const terms = [...new Set(diseases.flatMap((d) => [d.name, ...d.keywords]))].slice(0, MAX_DISEASE_TERMS);
      and.push({ OR: terms.flatMap((t) => [{ specialty: { contains: lit(t) } }, { department: { intro: { contains: lit(t) } } }]) });
    }
    const where: Prisma.DoctorWhereInput = { AND: and };
    const [rows, total] = await Promise.all([
      this.db.doctor.findMany({
        where,
        select: DOCTOR_SELECT,
        // Active and qualified first, then by title (主任 → 住院), then name.
        orderBy: [{ status: 'asc' }, { internetQualified: 'desc' }, { title: 'asc' }, { name: 'asc' }, { id: 'asc' }],
        ...paging(q),
      }),
      this.db.doctor.count({ where }),
    ]);
    return DoctorListResponseSchema.parse({
      items: rows.map((r) => toDoctor(r, this.deps.logger)),
      page: q.page,
      pageSize: q.pageSize,
      total,
      ...(matchedDiseases ? { matchedDiseases } : {}),
    });
  }

  async doctor(id: string): Promise<Doctor> {
    const row = await this.db.doctor.findUnique({ where: { id }, select: DOCTOR_SELECT });
    if (!row) throw new AppError('NOT_FOUND', { message: '未找到该医生' });
    return DoctorSchema.parse(toDoctor(row, this.deps.logger));
  }

  async diseases(q: Parsed<typeof DiseaseListQuerySchema>): Promise<DiseaseListResponse> {
    const and: Prisma.DiseaseWhereInput[] = [{ enabled: true }];
    if (q.keyword) {
      and.push({ OR: [{ code: { startsWith: lit(q.keyword) } }, { name: { contains: lit(q.keyword) } }, { pinyin: { startsWith: lit(q.keyword.toLowerCase()) } }, { keywords: { contains: lit(q.keyword) } }] });
    }
    if (q.category) and.push({ category: q.category });
    if (q.payableOnline !== undefined) and.push({ payableOnline: q.payableOnline });
    const where: Prisma.DiseaseWhereInput = { AND: and };
    const [rows, total] = await Promise.all([
      this.db.disease.findMany({
        where,
        select: { id: true, code: true, name: true, category: true, payableOnline: true, pinyin: true, keywords: true },
        orderBy: [{ category: 'asc' }, { code: 'asc' }],
        ...paging(q),
      }),
      this.db.disease.count({ where }),
    ]);
    return DiseaseListResponseSchema.parse({ items: rows.map((r) => ({ ...r, keywords: splitKeywords(r.keywords) })), page: q.page, pageSize: q.pageSize, total });
  }

  async drugs(q: Parsed<typeof DrugListQuerySchema>): Promise<DrugListResponse> {
    const and: Prisma.DrugWhereInput[] = [{ enabled: true }];
    if (q.keyword) {
      and.push({
        OR: [
          { name: { contains: lit(q.keyword) } },
          { tradeName: { contains: lit(q.keyword) } },
          { pinyin: { startsWith: lit(q.keyword.toLowerCase()) } },
          { nationalCode: { startsWith: lit(q.keyword.toUpperCase()) } },
        ],
      });
    }
    if (q.insuranceClass) and.push({ insuranceClass: q.insuranceClass });
    if (q.fitForInternet !== undefined) and.push({ unfitForInternet: !q.fitForInternet });
    const where: Prisma.DrugWhereInput = { AND: and };
    const [rows, total] = await Promise.all([
      this.db.drug.findMany({
        where,
        select: {
          id: true, nationalCode: true, name: true, tradeName: true, specification: true, dosageForm: true, unit: true,
          manufacturer: true, priceFen: true, insuranceClass: true, unfitForInternet: true, prescriptionOnly: true, pinyin: true,
        },
        orderBy: [{ name: 'asc' }, { nationalCode: 'asc' }],
        ...paging(q),
      }),
      this.db.drug.count({ where }),
    ]);
    return DrugListResponseSchema.parse({ items: rows, page: q.page, pageSize: q.pageSize, total });
  }
}

export function splitKeywords(value: string | null): string[] {
  return value ? value.split(/[,，]/).map((s) => s.trim()).filter(Boolean) : [];
}
