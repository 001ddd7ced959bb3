/**
 * 医保自助经办 applications: submitted by the patient, decided by the insurance agency (an
 * outside system). The BFF validates against the item's data, stores the form encrypted, hands
 * the application to the agency and follows it (status notify, status query, a retry job for
 * deliveries that failed). Every state change is a guarded UPDATE (status / agency sequence in
 * the WHERE), recorded in the history, notified to the user and audited.
 *
 * Rules (issue 7, rules 22–23, /work/shared/domain/self-service.md):
 * - One application per requestKey and user (a second submit returns the first).
 * - Withdrawal only before acceptance (SUBMITTED): locally while not delivered, else at the agency.
 * - SUPPLEMENT_REQUIRED (一次性告知) → the applicant resubmits the whole materials list once; the
 *   time limit restarts from the resubmission.
 * - Due dates in working days on China's calendar (workingDays.ts), from the (re)submission day.
 * - Visibility: the account that submitted it, and the insured person themselves (their own
 *   verified SELF 就诊人 in another account: read-only). Anybody else: 404.
 * - Remote-care filing: one place at a time; long-term filings cannot be cancelled within the
 *   lock period (setting) unless the reason changed.
 * - A recognized 慢特病 (COMPLETED recognition) is written to recognized_diseases for the person.
 */
import { randomBytes } from 'node:crypto';
import {
  APPLICATION_STATUS_LABELS,
  ApplicationDetailSchema,
  ID_TYPE_CERT_CODES,
  REMOTE_FILING_TERM,
  addMonthsYmd,
  chinaDate,
  formValueText,
  isFinalStatus,
  newbornCoverageStart,
  normalizeBankAccount,
  normalizeIdNumber,
  normalizeMobile,
  progressSteps,
  validateSelfServiceForm,
  visibleFields,
  visibleMaterials,
  yuanToFen,
  type ApplicationDetail,
  type ApplicationStatus,
  type ApplicationSubmitInput,
  type ApplicationSummary,
  type DueDate,
  type FieldIssue,
  type FilingView,
  type MaterialProvided,
  type RemoteFilingResult,
  type SelfServiceItem,
  type ValidateResponse,
} from '@ih/contract';
import { cityName, insuranceAdmdvs } from '@ih/contract/src/regions';
import type { FieldCipher } from '@ih/db';
import { AppError } from '../../lib/errors';
import { attachFiles } from '../files/service';
import { isPlatformError, type PlatformError } from '../../platforms/http';
import type { AgencyClient, AgencyEvent } from '../../platforms/agency';
import type { Db } from '../../deps';
import type { Logger } from '../../logger';
import type { ItemCatalog } from './catalog';
import { notify, type Tx } from './notifications';
import { WorkingCalendar, parseSupplement } from './workingDays';
import { isUniqueViolation } from '../../lib/dbErrors';

export const SETTINGS = {
  insuranceYearStart: 'self_service_insurance_year_start',
  newbornGraceDays: 'self_service_newborn_grace_days',
  filingLockMonths: 'self_service_filing_change_lock_months',
  admdvsOverrides: 'admdvs_overrides',
  calendarSupplement: 'working_calendar_supplement',
} as const;

/** Retry delays of deliveries that failed (then every 30 minutes). */
const DELIVERY_BACKOFF_S = [30, 60, 120, 300, 600, 1800];

/** Uploaded materials are attached to the application (uploads domain, refType below). */
export const FILE_REF_TYPE = 'self_service_application';

export interface SelfServiceDeps {
  prisma: Db;
  logger: Logger;
  cipher: FieldCipher;
  catalog: ItemCatalog;
  agency: () => AgencyClient;
  /** Where the agency posts status notifies. */
  notifyUrl: string;
  now?: () => Date;
}

type AppRow = Awaited<ReturnType<SelfServiceService['loadRow']>>;
export interface Viewer {
  userId: string;
  /** Hashes of the user's own verified (SELF) 就诊人. */
  selfHashes: string[];
}

const PATIENT_VIEW = { id: true, nameMasked: true, relationship: true, idType: true, idNumberMasked: true } as const;

function agencyErrorCode(err: PlatformError): 'AGENCY_TIMEOUT' | 'AGENCY_UNAVAILABLE' {
  return err.kind === 'timeout' ? 'AGENCY_TIMEOUT' : 'AGENCY_UNAVAILABLE';
}

const ymdOf = (d: Date | null | undefined) => (d ? d.toISOString().slice(0, 10) : null);
const dateOfYmd = (ymd: string) => new Date(`${ymd}T00:00:00.000Z`);

export class SelfServiceService {
  constructor(private readonly deps: SelfServiceDeps) {}

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  // ── settings ────────────────────────────────────────────────────────────────────────────────
  private async setting(key: string): Promise<unknown> {
    return (await this.deps.prisma.setting.findUnique({ where: { key }, select: { value: true } }))?.value ?? null;
  }

  async calendar(): Promise<WorkingCalendar> {
    return new WorkingCalendar(parseSupplement(await this.setting(SETTINGS.calendarSupplement)));
  }

  /**
   * The operations check behind the job `selfService.calendar`: logs a warning while a year the
   * due dates need has no public-holiday schedule (see workingDays.ts). Returns the missing years.
   */
  async checkCalendarCoverage(): Promise<number[]> {
    const missing = (await this.calendar()).missingYears(chinaDate(this.now()));
    if (missing.length) {
      this.deps.logger.warn(
        { missingYears: missing, setting: SETTINGS.calendarSupplement },
        'working calendar: public holidays missing; due dates are estimated until the State Council notice is added to the setting or chinese-days is upgraded',
      );
    }
    return missing;
  }

  private async insuranceYearStart(): Promise<string> {
    const v = await this.setting(SETTINGS.insuranceYearStart);
    return typeof v === 'string' && /^\d{2}-\d{2}$/.test(v) ? v : '01-01';
  }

  private async intSetting(key: string, fallback: number, max: number): Promise<number> {
    const v = await this.setting(key);
    return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= max ? v : fallback;
  }

  private async admdvsOverrides(): Promise<Record<string, string>> {
    const v = await this.setting(SETTINGS.admdvsOverrides);
    if (!v || typeof v !== 'object' || Array.isArray(v)) return {};
    return Object.fromEntries(Object.entries(v as Record<string, unknown>).filter(([k, x]) => /^\d{6}$/.test(k) && typeof x === 'string' && /^\d{6}$/.test(x))) as Record<string, string>;
  }

  // ── items ───────────────────────────────────────────────────────────────────────────────────
  async item(code: string): Promise<SelfServiceItem> {
    const item = await this.deps.catalog.get(code);
    if (!item || !item.enabled) throw new AppError('SELF_SERVICE_ITEM_NOT_FOUND');
    return item;
  }

  async dueIfSubmittedToday(item: SelfServiceItem): Promise<DueDate | null> {
    if (item.mode !== 'online') return null;
    return (await this.calendar()).dueDate(item.timeLimit, chinaDate(this.now()));
  }

  // ── people ──────────────────────────────────────────────────────────────────────────────────
  async viewer(userId: string): Promise<Viewer> {
    const own = await this.deps.prisma.patient.findMany({ where: { ownerUserId: userId, relationship: 'SELF', deletedAt: null }, select: { idNumberHash: true } });
    return { userId, selfHashes: own.map((p) => p.idNumberHash) };
  }

  private async ownPatient(userId: string, patientId: string) {
    const p = await this.deps.prisma.patient.findFirst({
      where: { id: patientId, ownerUserId: userId, deletedAt: null },
      select: { ...PATIENT_VIEW, nameEnc: true, idNumberEnc: true, idNumberHash: true },
    });
    if (!p) throw new AppError('NOT_FOUND', { message: '就诊人不存在或已删除' });
    return p;
  }

  private visibleWhere(v: Viewer) {
    return { OR: [{ userId: v.userId }, ...(v.selfHashes.length ? [{ personHash: { in: v.selfHashes } }] : [])] };
  }

  // ── validation ──────────────────────────────────────────────────────────────────────────────
  /**
   * The item's rules (shared with the client) plus what only the BFF knows: every file is the
   * user's own upload for materials, not deleted, and not attached elsewhere (`applicationId`:
   * files already attached to this application are fine on a resubmission).
   */
  private async check(userId: string, item: SelfServiceItem, form: Record<string, string>, materials: readonly MaterialProvided[], applicationId?: string) {
    const result = validateSelfServiceForm(item, form, materials, { now: this.now(), cityName, insuranceYearStart: await this.insuranceYearStart() });
    const fields: FieldIssue[] = Object.entries(result.errors).map(([path, message]) => ({ path, message }));
    const ids = [...new Set(materials.flatMap((m) => m.fileIds))];
    if (fields.length === 0 && ids.length > 0) {
      const usable = await this.deps.prisma.storedFile.findMany({
        where: {
          id: { in: ids }, ownerUserId: userId, purpose: 'MATERIAL', deletedAt: null,
          OR: [{ refType: null }, ...(applicationId ? [{ refType: FILE_REF_TYPE, refId: applicationId }] : [])],
        },
        select: { id: true },
      });
      const ok = new Set(usable.map((f) => f.id));
      for (const m of materials) if (m.fileIds.some((id) => !ok.has(id))) fields.push({ path: `materials.${m.code}`, message: '上传的文件不存在、已过期或已用于其他申请，请重新上传' });
    }
    return { fields, warnings: result.warnings };
  }

  /** Attaches the files not attached yet (inside the caller's transaction). */
  private async attach(tx: Tx, userId: string, applicationId: string, materials: readonly { fileIds: string[] }[]): Promise<void> {
    const ids = [...new Set(materials.flatMap((m) => m.fileIds))];
    if (ids.length === 0) return;
    const fresh = await tx.storedFile.findMany({ where: { id: { in: ids }, refType: null }, select: { id: true } });
    await attachFiles(tx, { fileIds: fresh.map((f) => f.id), ownerUserId: userId, purpose: 'MATERIAL', refType: FILE_REF_TYPE, refId: applicationId, now: this.now() });
  }

  /** Stored values: only the fields shown, trimmed and normalized. */
  private normalizedForm(item: SelfServiceItem, form: Record<string, string>): Record<string, string> {
    const out: Record<string, string> = {};
    for (const f of visibleFields(item, form)) {
      const raw = (form[f.key] ?? '').trim();
      if (raw === '') continue;
      out[f.key] = f.type === 'idNumber' ? normalizeIdNumber(raw) : f.type === 'bankAccount' ? normalizeBankAccount(raw) : f.type === 'phone' ? normalizeMobile(raw) : raw;
    }
    return out;
  }

  private materialsFor(item: SelfServiceItem, form: Record<string, string>, given: readonly MaterialProvided[]) {
    const shown = new Set(visibleMaterials(item, form).map((m) => m.code));
    return given
      .filter((m) => shown.has(m.code) && (m.fileIds.length > 0 || m.promise))
      .map((m) => ({ code: m.code, name: item.materials.find((s) => s.code === m.code)?.name ?? m.code, fileIds: m.fileIds, promise: m.promise }));
  }

  /** Review page (server side): field problems, masked values, due date, facts such as the newborn coverage start. */
  async validate(userId: string, itemCode: string, form: Record<string, string>, materials: MaterialProvided[]): Promise<ValidateResponse> {
    const item = await this.item(itemCode);
    if (item.mode !== 'online') throw new AppError('SELF_SERVICE_NOT_ONLINE');
    const { fields, warnings } = await this.check(userId, item, form, materials);
    const normalized = this.normalizedForm(item, form);
    const facts: { label: string; value: string }[] = [];
    const today = chinaDate(this.now());
    if (item.code === 'newborn-enrollment' && normalized.birthDate && !fields.some((f) => f.path === 'form.birthDate')) {
      const c = newbornCoverageStart(normalized.birthDate, today, await this.intSetting(SETTINGS.newbornGraceDays, 90, 3650), await this.insuranceYearStart());
      facts.push({ label: '预计待遇享受起始日', value: `${c.from}（${c.rule === 'from_birth' ? '出生后规定期限内参保，自出生之日起享受' : c.rule === 'next_month' ? '超过规定期限参保，自参保次月起享受' : '出生超过一年参保，自下一医保年度起享受'}）` });
    }
    if (item.filingKind && normalized.place) {
      facts.push({ label: '就医地医保区划', value: insuranceAdmdvs(normalized.place, await this.admdvsOverrides()) });
      facts.push({ label: '备案有效期', value: REMOTE_FILING_TERM[item.filingKind] === 'long' ? '长期有效（变更或取消前一直有效）' : `${normalized.startDate ?? ''} 至 ${normalized.endDate ?? ''}` });
    }
    return {
      ok: fields.length === 0,
      fields,
      warnings: Object.entries(warnings).map(([path, message]) => ({ path, message })),
      review: this.formView(item, normalized),
      due: (await this.calendar()).dueDate(item.timeLimit, today),
      facts,
    };
  }

  private formView(item: SelfServiceItem, form: Record<string, string>) {
    return item.form.filter((f) => form[f.key] !== undefined).map((f) => ({ key: f.key, label: f.label, value: formValueText(f, form[f.key]!, cityName) }));
  }

  // ── submit ──────────────────────────────────────────────────────────────────────────────────
  async submit(userId: string, input: ApplicationSubmitInput): Promise<{ application: ApplicationDetail; duplicate: boolean; warnings: Record<string, string> }> {
    const { prisma, cipher } = this.deps;
    const viewer = await this.viewer(userId);
    const repeat = await prisma.selfServiceApplication.findUnique({ where: { userId_requestKey: { userId, requestKey: input.requestKey } }, select: { id: true, itemCode: true, patientId: true } });
    if (repeat) {
      if (repeat.itemCode !== input.itemCode || repeat.patientId !== input.patientId) throw new AppError('SELF_SERVICE_REQUEST_KEY_REUSED');
      return { application: await this.detail(viewer, repeat.id), duplicate: true, warnings: {} };
    }
    const item = await this.deps.catalog.get(input.itemCode);
    if (!item || !item.enabled) throw new AppError('SELF_SERVICE_ITEM_NOT_FOUND');
    if (item.mode !== 'online') throw new AppError('SELF_SERVICE_NOT_ONLINE');
    const patient = await this.ownPatient(userId, input.patientId);
    const { fields, warnings } = await this.check(userId, item, input.form, input.materials);
    if (fields.length) throw new AppError('VALIDATION_FAILED', { fields });
    const form = this.normalizedForm(item, input.form);
    const materials = this.materialsFor(item, form, input.materials);
    const today = chinaDate(this.now());

    // One open application per person and item; filings: one place at a time; diseases: once.
    const open = await prisma.selfServiceApplication.findFirst({
      where: { personHash: patient.idNumberHash, itemCode: item.code, status: { notIn: ['COMPLETED', 'REJECTED', 'WITHDRAWN'] } },
      select: { id: true },
    });
    if (open) throw new AppError('SELF_SERVICE_DUPLICATE_OPEN');
    if (item.filingKind && (await this.activeFilings(patient.idNumberHash, today)).length > 0) throw new AppError('SELF_SERVICE_FILING_ACTIVE');
    if (item.recognizesDisease && form.diseaseCode) {
      const known = await prisma.recognizedDisease.findFirst({ where: { idNumberHash: patient.idNumberHash, diseaseCode: form.diseaseCode, revokedAt: null, OR: [{ validUntil: null }, { validUntil: { gte: dateOfYmd(today) } }] } });
      if (known) throw new AppError('SELF_SERVICE_ALREADY_RECOGNIZED');
    }

    const due = (await this.calendar()).dueDate(item.timeLimit, today);
    const applicationNo = `SS${today.replace(/-/g, '')}${randomBytes(5).toString('hex').toUpperCase()}`;
    let id: string;
    try {
      id = await prisma.$transaction(async (tx) => {
        const row = await tx.selfServiceApplication.create({
          data: {
            applicationNo, userId, patientId: patient.id, personHash: patient.idNumberHash, requestKey: input.requestKey,
            itemCode: item.code, itemName: item.title, status: 'SUBMITTED', currentStep: '申请',
            formEnc: cipher.encrypt(JSON.stringify(form)), materials, nextSubmitAt: this.now(),
            deadlineAt: due ? dateOfYmd(due.date) : null, deadlineEstimated: due?.estimated ?? false,
          },
          select: { id: true },
        });
        await this.attach(tx, userId, row.id, materials);
        await tx.selfServiceStatusHistory.create({ data: { applicationId: row.id, fromStatus: null, toStatus: 'SUBMITTED', step: '申请', note: '已提交申请', actor: `user:${userId}` } });
        await notify(tx, { userId, kind: 'self_service.status', title: `${item.title}：已提交`, body: `您的“${item.title}”申请已提交，等待医保经办机构受理。${due ? `承诺办结时限：${item.timeLimit.text}，预计 ${due.date} 前办结。` : ''}`, targetType: 'self_service_application', targetId: row.id, dedupeKey: `ssa:${row.id}:submitted` });
        return row.id;
      });
    } catch (err) {
      // The same requestKey submitted twice at the same moment: the other one won.
      if (isUniqueViolation(err)) {
        const again = await prisma.selfServiceApplication.findUnique({ where: { userId_requestKey: { userId, requestKey: input.requestKey } }, select: { id: true } });
        if (again) return { application: await this.detail(viewer, again.id), duplicate: true, warnings: {} };
      }
      throw err;
    }
    await this.deliver(id);
    return { application: await this.detail(viewer, id), duplicate: false, warnings };
  }

  // ── delivery to the agency ──────────────────────────────────────────────────────────────────
  private loadRow(id: string) {
    return this.deps.prisma.selfServiceApplication.findUnique({
      where: { id },
      include: { patient: { select: { ...PATIENT_VIEW, nameEnc: true, idNumberEnc: true } }, history: { orderBy: [{ at: 'asc' }, { id: 'asc' }] } },
    });
  }

  private formOf(row: { formEnc: string | null }): Record<string, string> {
    return row.formEnc ? (JSON.parse(this.deps.cipher.decrypt(row.formEnc)) as Record<string, string>) : {};
  }

  private async agencyForm(item: SelfServiceItem, form: Record<string, string>): Promise<Record<string, string>> {
    if (item.filingKind && form.place) return { ...form, filingKind: item.filingKind, placeAdmdvs: insuranceAdmdvs(form.place, await this.admdvsOverrides()) };
    return form;
  }

  /** Hands a SUBMITTED, not yet delivered application to the agency (idempotent there by applicationNo). */
  async deliver(id: string): Promise<void> {
    const { prisma, logger } = this.deps;
    const row = await this.loadRow(id);
    if (!row || row.agencyAppNo || !row.patient) return;
    if (row.status !== 'SUBMITTED' && row.status !== 'WITHDRAWN') return;
    if (row.status === 'WITHDRAWN') return; // withdrawn before it was ever delivered
    const item = await this.deps.catalog.get(row.itemCode);
    if (!item) return;
    const form = this.formOf(row);
    const materials = (row.materials ?? []) as { code: string; name: string; fileIds: string[]; promise: boolean }[];
    let agencyApp;
    try {
      agencyApp = await this.deps.agency().submit({
        requestKey: row.applicationNo,
        itemCode: item.code,
        catalogSeq: item.seq,
        category: item.category,
        steps: item.steps,
        applicant: { name: this.deps.cipher.decrypt(row.patient.nameEnc), certType: ID_TYPE_CERT_CODES[row.patient.idType], certNo: this.deps.cipher.decrypt(row.patient.idNumberEnc) },
        form: await this.agencyForm(item, form),
        materials,
        notifyUrl: this.deps.notifyUrl,
      });
    } catch (err) {
      if (!isPlatformError(err) && !(err instanceof AppError)) throw err;
      const pe = isPlatformError(err) ? err : null;
      logger.warn({ agency: pe?.toJSON() ?? { code: (err as AppError).code }, applicationId: id }, 'self-service delivery failed');
      if (pe && pe.kind === 'rejected') {
        // The agency refused the application itself (4xx): final, the user is told why.
        const reason = (pe as PlatformError & { agencyMessage?: string }).agencyMessage || '经办机构未接收该申请';
        await this.transition(row.id, 'SUBMITTED', { status: 'REJECTED', rejectReason: reason.slice(0, 300), currentStep: '受理', nextSubmitAt: null, lastSubmitError: pe.code?.slice(0, 64) ?? null }, { note: `经办机构未接收：${reason}`.slice(0, 500), actor: 'agency', step: '受理' }, { where: { agencyAppNo: null } });
        return;
      }
      const attempts = row.submitAttempts + 1;
      const delay = DELIVERY_BACKOFF_S[Math.min(attempts - 1, DELIVERY_BACKOFF_S.length - 1)]!;
      await prisma.selfServiceApplication.updateMany({
        where: { id, agencyAppNo: null },
        data: { submitAttempts: attempts, lastSubmitError: (pe?.code ?? pe?.kind ?? 'UNKNOWN').slice(0, 64), nextSubmitAt: new Date(this.now().getTime() + delay * 1000) },
      });
      return;
    }
    const claimed = await prisma.selfServiceApplication.updateMany({
      where: { id, agencyAppNo: null },
      data: { agencyAppNo: agencyApp.applicationNo, deliveredAt: this.now(), lastSubmitError: null, nextSubmitAt: null, submitAttempts: row.submitAttempts + 1 },
    });
    if (claimed.count === 0) return; // delivered by a concurrent run
    const now = await prisma.selfServiceApplication.findUnique({ where: { id }, select: { status: true } });
    if (now?.status === 'WITHDRAWN') {
      // Withdrawn while it was on its way: withdraw it there too.
      try {
        await this.deps.agency().withdraw(agencyApp.applicationNo, '申请人撤回');
      } catch (err) {
        logger.warn({ agency: isPlatformError(err) ? err.toJSON() : { message: String(err) }, applicationId: id }, 'agency withdraw after local withdrawal failed');
      }
      return;
    }
    await this.applyEvents(id, agencyApp.events);
  }

  /** The retry job: deliveries that failed before, whose time has come. */
  async deliverPending(limit = 20): Promise<number> {
    const due = await this.deps.prisma.selfServiceApplication.findMany({
      where: { status: 'SUBMITTED', agencyAppNo: null, nextSubmitAt: { lte: this.now() } },
      select: { id: true, nextSubmitAt: true },
      orderBy: { nextSubmitAt: 'asc' },
      take: limit,
    });
    let n = 0;
    for (const a of due) {
      // Claim: push nextSubmitAt forward so another instance does not send it at the same time.
      const claim = await this.deps.prisma.selfServiceApplication.updateMany({ where: { id: a.id, agencyAppNo: null, nextSubmitAt: a.nextSubmitAt }, data: { nextSubmitAt: new Date(this.now().getTime() + 60_000) } });
      if (claim.count === 0) continue;
      await this.deliver(a.id);
      n += 1;
    }
    return n;
  }

  /** Follows an application at the agency (status query) and applies what is new. */
  async sync(id: string): Promise<void> {
    const row = await this.deps.prisma.selfServiceApplication.findUnique({ where: { id }, select: { agencyAppNo: true } });
    if (!row?.agencyAppNo) return;
    const a = await this.deps.agency().status(row.agencyAppNo);
    await this.deps.prisma.selfServiceApplication.update({ where: { id }, data: { lastSyncedAt: this.now() } });
    if (a) await this.applyEvents(id, a.events);
  }

  /** The follow-up job: open, delivered applications not heard of for a while. */
  async syncOpen(staleMs = 120_000, limit = 50): Promise<number> {
    const before = new Date(this.now().getTime() - staleMs);
    const rows = await this.deps.prisma.selfServiceApplication.findMany({
      where: { agencyAppNo: { not: null }, status: { notIn: ['COMPLETED', 'REJECTED', 'WITHDRAWN'] }, OR: [{ lastSyncedAt: null }, { lastSyncedAt: { lt: before } }], updatedAt: { lt: before } },
      select: { id: true },
      take: limit,
    });
    for (const r of rows) {
      try {
        await this.sync(r.id);
      } catch (err) {
        this.deps.logger.warn({ agency: isPlatformError(err) ? err.toJSON() : { message: String(err) }, applicationId: r.id }, 'self-service sync failed');
      }
    }
    return rows.length;
  }

  // ── agency events ───────────────────────────────────────────────────────────────────────────
  /** A verified status notify: applied once (event id), in order (sequence); a gap is filled by a status query first. */
  async onNotify(applicationNo: string, event: AgencyEvent): Promise<'applied' | 'duplicate' | 'unknown'> {
    const row = await this.deps.prisma.selfServiceApplication.findUnique({ where: { agencyAppNo: applicationNo }, select: { id: true, agencySeq: true } });
    if (!row) return 'unknown';
    if (event.seq <= row.agencySeq) {
      await this.recordLateEvent(row.id, event);
      return 'duplicate';
    }
    if (event.seq > row.agencySeq + 1) {
      try {
        await this.sync(row.id);
      } catch (err) {
        this.deps.logger.warn({ agency: isPlatformError(err) ? err.toJSON() : { message: String(err) }, applicationId: row.id }, 'gap in agency events; status query failed, applying the notify alone');
      }
    }
    await this.applyEvents(row.id, [event]);
    return 'applied';
  }

  private async recordLateEvent(applicationId: string, e: AgencyEvent): Promise<void> {
    if (e.seq === 1 && e.status === 'SUBMITTED') return;
    const exists = await this.deps.prisma.selfServiceStatusHistory.findUnique({ where: { agencyEventId: e.eventId }, select: { id: true } });
    if (exists) return;
    try {
      await this.deps.prisma.selfServiceStatusHistory.create({ data: { applicationId, fromStatus: null, toStatus: e.status, step: e.step, note: e.note, actor: 'agency', agencyEventId: e.eventId, at: new Date(e.at) } });
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
    }
  }

  /** Applies agency events in sequence order; each one a guarded transition on the agency sequence. */
  async applyEvents(id: string, events: AgencyEvent[]): Promise<void> {
    for (const e of [...events].sort((a, b) => a.seq - b.seq)) {
      for (let tries = 0; tries < 3; tries++) {
        const outcome = await this.applyOne(id, e);
        if (outcome !== 'retry') break;
      }
    }
  }

  private async applyOne(id: string, e: AgencyEvent): Promise<'done' | 'retry'> {
    const { prisma } = this.deps;
    const row = await prisma.selfServiceApplication.findUnique({ where: { id } });
    if (!row) return 'done';
    if (e.seq <= row.agencySeq) {
      await this.recordLateEvent(id, e);
      return 'done';
    }
    if (e.seq === 1 && e.status === 'SUBMITTED') {
      const r = await prisma.selfServiceApplication.updateMany({ where: { id, agencySeq: row.agencySeq }, data: { agencySeq: 1 } });
      return r.count ? 'done' : 'retry';
    }
    const item = await this.deps.catalog.get(row.itemCode);
    const title = item?.title ?? row.itemName;
    const data: Record<string, unknown> = { status: e.status, currentStep: e.step || null, agencySeq: e.seq, version: { increment: 1 } };
    if (e.status === 'ACCEPTED' && !row.acceptedAt) data.acceptedAt = new Date(e.at);
    data.supplement = e.status === 'SUPPLEMENT_REQUIRED' ? { note: e.supplement?.note ?? '材料需补正', items: e.supplement?.items ?? [], requestedAt: e.at } : null;
    if (e.status === 'REJECTED') data.rejectReason = (e.rejectReason ?? e.note ?? '经办机构未通过该申请').slice(0, 500);
    let result: Record<string, unknown> | null = null;
    if (e.status === 'COMPLETED') {
      data.completedAt = new Date(e.at);
      result = item ? await this.resultOf(item, this.formOf(row), e.result ?? {}) : {};
      data.result = result;
    }
    const done = await prisma.$transaction(async (tx) => {
      const r = await tx.selfServiceApplication.updateMany({ where: { id, agencySeq: row.agencySeq, status: row.status }, data: data as never });
      if (r.count === 0) return false;
      await tx.selfServiceStatusHistory.create({ data: { applicationId: id, fromStatus: row.status, toStatus: e.status, step: e.step, note: e.note, actor: 'agency', agencyEventId: e.eventId, at: new Date(e.at) } });
      await notify(tx, {
        userId: row.userId, kind: 'self_service.status', title: `${title}：${APPLICATION_STATUS_LABELS[e.status]}`.slice(0, 64),
        body: this.statusMessage(title, e), targetType: 'self_service_application', targetId: id, dedupeKey: `ssa:${id}:${e.seq}`,
      });
      if (e.status === 'COMPLETED' && item?.recognizesDisease && result && row.personHash) await this.recognize(tx, row.personHash, id, result);
      return true;
    });
    return done ? 'done' : 'retry';
  }

  private statusMessage(title: string, e: AgencyEvent): string {
    switch (e.status) {
      case 'ACCEPTED': return `您的“${title}”申请已受理，请耐心等待审核结果。`;
      case 'SUPPLEMENT_REQUIRED': return `您的“${title}”申请需要补正材料：${(e.supplement?.items ?? []).map((i) => `${i.name}（${i.reason}）`).join('；') || e.note || ''}。请按清单一次性补齐后重新提交。`;
      case 'REVIEWING': return `您的“${title}”申请正在审核。`;
      case 'RECHECKING': return `您的“${title}”申请正在复核。`;
      case 'DISBURSING': return `您的“${title}”申请已审核通过，正在拨付款项。`;
      case 'COMPLETED': return `您的“${title}”申请已办结。`;
      case 'REJECTED': return `您的“${title}”申请未通过：${e.rejectReason ?? e.note ?? ''}`;
      case 'WITHDRAWN': return `您的“${title}”申请已撤销。`;
      default: return `您的“${title}”申请状态已更新。`;
    }
  }

  /** What is kept of the agency's answer on completion (no personal data). */
  private async resultOf(item: SelfServiceItem, form: Record<string, string>, r: Record<string, unknown>): Promise<Record<string, unknown>> {
    const str = (k: string) => (typeof r[k] === 'string' ? (r[k] as string).slice(0, 64) : null);
    if (item.filingKind) {
      const place = form.place ?? '';
      const filing: RemoteFilingResult = {
        filingNo: str('filingNo') ?? '',
        kind: item.filingKind,
        placeCode: place,
        placeName: cityName(place) ?? place,
        placeAdmdvs: insuranceAdmdvs(place, await this.admdvsOverrides()),
        validFrom: str('validFrom') ?? form.startDate ?? chinaDate(this.now()),
        validUntil: REMOTE_FILING_TERM[item.filingKind] === 'long' ? null : (str('validUntil') ?? form.endDate ?? null),
      };
      return { filing };
    }
    if (item.recognizesDisease) {
      const code = str('diseaseCode') ?? form.diseaseCode ?? '';
      const name = item.form.find((f) => f.type === 'disease')?.options?.find((o) => o.value === code)?.label ?? code;
      return { disease: { code, name, validUntil: str('validUntil'), recognitionNo: str('recognitionNo') } };
    }
    if (typeof r.paidAmount === 'string') {
      try {
        return { paidAmountFen: yuanToFen(r.paidAmount), paidAt: str('paidAt') };
      } catch {
        return {};
      }
    }
    const keep: Record<string, unknown> = {};
    for (const k of ['enrolledFrom', 'transferredAt', 'letterNo']) if (str(k)) keep[k] = str(k);
    return keep;
  }

  private async recognize(tx: Tx, personHash: string, applicationId: string, result: Record<string, unknown>): Promise<void> {
    const d = result.disease as { code: string; name: string; validUntil: string | null; recognitionNo: string | null } | undefined;
    if (!d?.code) return;
    const data = {
      diseaseName: d.name.slice(0, 128),
      kind: ['I10.x00', 'E11.900'].includes(d.code) ? 'TWO_DISEASES' : 'CHRONIC_SPECIAL',
      recognizedAt: this.now(),
      validUntil: d.validUntil ? dateOfYmd(d.validUntil) : null,
      applicationId,
      agencyRef: d.recognitionNo,
      revokedAt: null,
    };
    await tx.recognizedDisease.upsert({ where: { idNumberHash_diseaseCode: { idNumberHash: personHash, diseaseCode: d.code } }, create: { idNumberHash: personHash, diseaseCode: d.code, ...data }, update: data });
  }

  /** A local guarded transition (user or system): status in WHERE, history, notification. */
  private async transition(
    id: string,
    from: ApplicationStatus,
    data: { status: ApplicationStatus } & Record<string, unknown>,
    hist: { note: string; actor: string; step?: string | null },
    extra: { where?: Record<string, unknown> } = {},
  ): Promise<boolean> {
    const { prisma } = this.deps;
    return prisma.$transaction(async (tx) => {
      const row = await tx.selfServiceApplication.findUnique({ where: { id }, select: { userId: true, itemName: true, agencySeq: true } });
      if (!row) return false;
      const r = await tx.selfServiceApplication.updateMany({ where: { id, status: from, ...(extra.where ?? {}) }, data: { ...data, version: { increment: 1 } } as never });
      if (r.count === 0) return false;
      await tx.selfServiceStatusHistory.create({ data: { applicationId: id, fromStatus: from, toStatus: data.status, step: hist.step ?? null, note: hist.note, actor: hist.actor } });
      await notify(tx, {
        userId: row.userId, kind: 'self_service.status', title: `${row.itemName}：${APPLICATION_STATUS_LABELS[data.status]}`.slice(0, 64),
        body: data.status === 'WITHDRAWN' ? `您的“${row.itemName}”申请已撤销。` : `您的“${row.itemName}”申请${APPLICATION_STATUS_LABELS[data.status]}：${hist.note}`,
        targetType: 'self_service_application', targetId: id, dedupeKey: `ssa:${id}:local:${data.status}`,
      });
      return true;
    });
  }

  // ── withdraw / supplement ───────────────────────────────────────────────────────────────────
  private async ownRow(viewer: Viewer, id: string) {
    const row = await this.loadRow(id);
    if (!row || !(row.userId === viewer.userId || (row.personHash && viewer.selfHashes.includes(row.personHash)))) throw new AppError('NOT_FOUND', { message: '申请不存在' });
    if (row.userId !== viewer.userId) throw new AppError('SELF_SERVICE_READ_ONLY');
    return row;
  }

  private async agencyCall<T>(call: (a: AgencyClient) => Promise<T>): Promise<T> {
    let agency: AgencyClient;
    try {
      agency = this.deps.agency();
    } catch (err) {
      throw new AppError('AGENCY_UNAVAILABLE', { cause: err });
    }
    try {
      return await call(agency);
    } catch (err) {
      if (isPlatformError(err)) {
        this.deps.logger.warn({ agency: err.toJSON() }, 'agency call failed');
        if (err.kind === 'rejected') throw err;
        throw new AppError(agencyErrorCode(err), { cause: err });
      }
      throw err;
    }
  }

  async withdraw(viewer: Viewer, id: string): Promise<ApplicationDetail> {
    const row = await this.ownRow(viewer, id);
    if (row.status !== 'SUBMITTED') throw new AppError('SELF_SERVICE_WITHDRAW_REFUSED');
    if (!row.agencyAppNo) {
      const ok = await this.transition(id, 'SUBMITTED', { status: 'WITHDRAWN', nextSubmitAt: null, currentStep: '受理' }, { note: '申请人撤回申请（经办机构尚未接收）', actor: `user:${viewer.userId}`, step: '受理' }, { where: { agencyAppNo: null } });
      if (ok) return this.detail(viewer, id);
      // Delivered meanwhile: withdraw at the agency.
      return this.withdraw(viewer, id);
    }
    const no = row.agencyAppNo;
    try {
      const a = await this.agencyCall((ag) => ag.withdraw(no, '申请人撤回'));
      await this.applyEvents(id, a.events);
    } catch (err) {
      if (isPlatformError(err) && err.code === 'ALREADY_ACCEPTED') {
        await this.sync(id).catch(() => undefined);
        throw new AppError('SELF_SERVICE_WITHDRAW_REFUSED');
      }
      if (isPlatformError(err)) throw new AppError('AGENCY_UNAVAILABLE', { cause: err });
      throw err;
    }
    return this.detail(viewer, id);
  }

  async supplement(viewer: Viewer, id: string, input: { form: Record<string, string>; materials: MaterialProvided[] }): Promise<ApplicationDetail> {
    const row = await this.ownRow(viewer, id);
    if (row.status !== 'SUPPLEMENT_REQUIRED' || !row.agencyAppNo) throw new AppError('SELF_SERVICE_NOT_SUPPLEMENTABLE');
    const item = await this.deps.catalog.get(row.itemCode);
    if (!item) throw new AppError('SELF_SERVICE_ITEM_NOT_FOUND');
    const merged = { ...this.formOf(row), ...input.form };
    const { fields } = await this.check(viewer.userId, item, merged, input.materials, id);
    if (fields.length) throw new AppError('VALIDATION_FAILED', { fields });
    const form = this.normalizedForm(item, merged);
    const materials = this.materialsFor(item, form, input.materials);
    const no = row.agencyAppNo;
    let a;
    try {
      a = await this.agencyCall(async (ag) => ag.supplement(no, { form: await this.agencyForm(item, form), materials }));
    } catch (err) {
      if (isPlatformError(err) && err.code === 'NOT_SUPPLEMENT_REQUIRED') {
        await this.sync(id).catch(() => undefined);
        throw new AppError('SELF_SERVICE_NOT_SUPPLEMENTABLE');
      }
      if (isPlatformError(err)) throw new AppError('AGENCY_UNAVAILABLE', { cause: err });
      throw err;
    }
    // The time limit restarts from the resubmission (materials complete).
    const due = (await this.calendar()).dueDate(item.timeLimit, chinaDate(this.now()));
    await this.deps.prisma.$transaction(async (tx) => {
      await this.attach(tx, viewer.userId, id, materials);
      await tx.selfServiceApplication.update({
        where: { id },
        data: { formEnc: this.deps.cipher.encrypt(JSON.stringify(form)), materials, deadlineAt: due ? dateOfYmd(due.date) : null, deadlineEstimated: due?.estimated ?? false },
      });
    });
    await this.applyEvents(id, a.events);
    return this.detail(viewer, id);
  }

  // ── reading ─────────────────────────────────────────────────────────────────────────────────
  private async summaryOf(row: NonNullable<AppRow> | (Omit<NonNullable<AppRow>, 'history'> & { history?: unknown }), viewer: Viewer): Promise<ApplicationSummary> {
    const item = await this.deps.catalog.get(row.itemCode);
    return {
      id: row.id,
      applicationNo: row.applicationNo,
      itemCode: row.itemCode,
      itemTitle: item?.title ?? row.itemName,
      category: item?.category ?? 'enrollment',
      patient: row.patient ? { id: row.patient.id, nameMasked: row.patient.nameMasked, relationship: row.patient.relationship, idType: row.patient.idType, idNumberMasked: row.patient.idNumberMasked } : null,
      status: row.status,
      statusLabel: APPLICATION_STATUS_LABELS[row.status],
      steps: progressSteps(item?.steps ?? ['申请', '受理', '审核', '办结'], row.status, row.currentStep),
      deadline: row.deadlineAt && !isFinalStatus(row.status)
        ? { date: ymdOf(row.deadlineAt)!, workingDays: item?.timeLimit.workingDays ?? null, calendarDays: item?.timeLimit.calendarDays ?? null, estimated: row.deadlineEstimated }
        : null,
      submittedAt: row.submittedAt.toISOString(),
      updatedAt: row.updatedAt.toISOString(),
      byOtherAccount: row.userId !== viewer.userId,
    };
  }

  async detail(viewer: Viewer, id: string): Promise<ApplicationDetail> {
    const row = await this.loadRow(id);
    if (!row || !(row.userId === viewer.userId || (row.personHash && viewer.selfHashes.includes(row.personHash)))) throw new AppError('NOT_FOUND', { message: '申请不存在' });
    const item = await this.deps.catalog.get(row.itemCode);
    const form = this.formOf(row);
    const result = (row.result ?? {}) as { filing?: RemoteFilingResult; disease?: { code: string; name: string; validUntil: string | null }; paidAmountFen?: number };
    const today = chinaDate(this.now());
    const own = row.userId === viewer.userId;
    const supplement = row.status === 'SUPPLEMENT_REQUIRED' && row.supplement ? (row.supplement as ApplicationDetail['supplement']) : null;
    return ApplicationDetailSchema.parse({
      ...(await this.summaryOf(row, viewer)),
      timeLimitText: item?.timeLimit.text ?? '',
      delivered: row.agencyAppNo !== null,
      acceptedAt: row.acceptedAt?.toISOString() ?? null,
      completedAt: row.completedAt?.toISOString() ?? null,
      form: item ? this.formView(item, form) : [],
      materials: ((row.materials ?? []) as { code: string; name: string; fileIds: string[]; promise: boolean }[]).map((m) => ({ code: m.code, name: m.name, fileIds: own ? m.fileIds : [], promise: m.promise })),
      supplement,
      rejectReason: row.status === 'REJECTED' ? row.rejectReason : null,
      filing: result.filing ? { ...result.filing, status: this.filingStatus(result.filing, row.cancelledAt, today), cancelledAt: row.cancelledAt?.toISOString() ?? null } : null,
      recognizedDisease: result.disease ? { code: result.disease.code, name: result.disease.name, validUntil: result.disease.validUntil } : null,
      paidAmountFen: typeof result.paidAmountFen === 'number' ? result.paidAmountFen : null,
      canWithdraw: own && row.status === 'SUBMITTED',
      canSupplement: own && row.status === 'SUPPLEMENT_REQUIRED' && row.agencyAppNo !== null,
      history: row.history.map((h) => ({ status: h.toStatus, label: APPLICATION_STATUS_LABELS[h.toStatus], step: h.step, note: h.note, at: h.at.toISOString() })),
    });
  }

  async list(viewer: Viewer, q: { patientId?: string; status: 'open' | 'done' | 'all'; itemCode?: string; page: number; pageSize: number }) {
    const where = {
      ...this.visibleWhere(viewer),
      ...(q.patientId ? { patientId: q.patientId } : {}),
      ...(q.itemCode ? { itemCode: q.itemCode } : {}),
      ...(q.status === 'open' ? { status: { notIn: ['COMPLETED', 'REJECTED', 'WITHDRAWN'] as ApplicationStatus[] } } : q.status === 'done' ? { status: { in: ['COMPLETED', 'REJECTED', 'WITHDRAWN'] as ApplicationStatus[] } } : {}),
    };
    const [rows, total] = await Promise.all([
      this.deps.prisma.selfServiceApplication.findMany({ where, include: { patient: { select: { ...PATIENT_VIEW, nameEnc: true, idNumberEnc: true } } }, orderBy: [{ submittedAt: 'desc' }, { id: 'desc' }], skip: (q.page - 1) * q.pageSize, take: q.pageSize }),
      this.deps.prisma.selfServiceApplication.count({ where }),
    ]);
    const items = [];
    for (const r of rows) items.push(await this.summaryOf(r, viewer));
    return { items, page: q.page, pageSize: q.pageSize, total };
  }

  // ── remote-care filings ─────────────────────────────────────────────────────────────────────
  private filingStatus(f: RemoteFilingResult, cancelledAt: Date | null, today: string): 'active' | 'cancelled' | 'expired' {
    if (cancelledAt) return 'cancelled';
    if (f.validUntil && f.validUntil < today) return 'expired';
    return 'active';
  }

  private async filingRows(where: Record<string, unknown>) {
    const codes = [...(await this.deps.catalog.all()).values()].filter((i) => i.filingKind).map((i) => i.code);
    return this.deps.prisma.selfServiceApplication.findMany({
      where: { ...where, itemCode: { in: codes }, status: 'COMPLETED' },
      include: { patient: { select: PATIENT_VIEW } },
      orderBy: { completedAt: 'desc' },
    });
  }

  private async activeFilings(personHash: string, today: string) {
    const rows = await this.filingRows({ personHash, cancelledAt: null });
    return rows.filter((r) => {
      const f = (r.result as { filing?: RemoteFilingResult } | null)?.filing;
      return f && this.filingStatus(f, null, today) === 'active';
    });
  }

  async filings(viewer: Viewer, patientId?: string): Promise<FilingView[]> {
    const today = chinaDate(this.now());
    const lockMonths = await this.intSetting(SETTINGS.filingLockMonths, 6, 120);
    const rows = await this.filingRows({ ...this.visibleWhere(viewer), ...(patientId ? { patientId } : {}) });
    return rows.flatMap((r) => {
      const f = (r.result as { filing?: RemoteFilingResult } | null)?.filing;
      if (!f) return [];
      const status = this.filingStatus(f, r.cancelledAt, today);
      const lockEnd = REMOTE_FILING_TERM[f.kind] === 'long' ? addMonthsYmd(f.validFrom, lockMonths) : null;
      return [{
        ...f, applicationId: r.id,
        patient: r.patient ? { id: r.patient.id, nameMasked: r.patient.nameMasked, relationship: r.patient.relationship, idType: r.patient.idType, idNumberMasked: r.patient.idNumberMasked } : null,
        status, cancelledAt: r.cancelledAt?.toISOString() ?? null,
        lockedUntil: status === 'active' && lockEnd && lockEnd > today ? lockEnd : null,
      }];
    });
  }

  async cancelFiling(viewer: Viewer, id: string, input: { reason: string; reasonChanged: boolean }): Promise<FilingView> {
    const row = await this.ownRow(viewer, id);
    const f = (row.result as { filing?: RemoteFilingResult } | null)?.filing;
    if (row.status !== 'COMPLETED' || !f) throw new AppError('NOT_FOUND', { message: '备案记录不存在' });
    const today = chinaDate(this.now());
    if (this.filingStatus(f, row.cancelledAt, today) !== 'active') throw new AppError('SELF_SERVICE_FILING_NOT_ACTIVE');
    const lockMonths = await this.intSetting(SETTINGS.filingLockMonths, 6, 120);
    if (REMOTE_FILING_TERM[f.kind] === 'long' && !input.reasonChanged && addMonthsYmd(f.validFrom, lockMonths) > today) {
      throw new AppError('SELF_SERVICE_FILING_LOCKED', { message: `长期异地就医备案生效未满 ${lockMonths} 个月（${addMonthsYmd(f.validFrom, lockMonths)} 前），备案原因未变化的不能变更或取消；如备案原因已变化，请勾选“备案原因已变化”后再取消` });
    }
    let cancelledAt: Date;
    try {
      const r = await this.agencyCall((a) => a.cancelFiling(f.filingNo, input.reason));
      cancelledAt = new Date(r.cancelledAt);
    } catch (err) {
      if (isPlatformError(err) && err.code === 'ALREADY_CANCELLED') cancelledAt = this.now();
      else if (isPlatformError(err)) throw new AppError('AGENCY_UNAVAILABLE', { cause: err });
      else throw err;
    }
    await this.deps.prisma.$transaction(async (tx) => {
      const r = await tx.selfServiceApplication.updateMany({ where: { id, cancelledAt: null, status: 'COMPLETED' }, data: { cancelledAt, version: { increment: 1 } } });
      if (r.count === 0) return;
      await tx.selfServiceStatusHistory.create({ data: { applicationId: id, fromStatus: 'COMPLETED', toStatus: 'COMPLETED', step: '办结', note: `异地就医备案已取消：${input.reason}`.slice(0, 500), actor: `user:${viewer.userId}` } });
      await notify(tx, { userId: row.userId, kind: 'self_service.filing', title: `${row.itemName}：备案已取消`.slice(0, 64), body: `您在${f.placeName}的异地就医备案已取消，取消后在该地就医不能直接结算。`, targetType: 'self_service_application', targetId: id, dedupeKey: `ssa:${id}:filing_cancelled` });
    });
    const view = (await this.filings(viewer)).find((x) => x.applicationId === id);
    if (!view) throw new AppError('NOT_FOUND');
    return view;
  }

  // ── person identity for queries ─────────────────────────────────────────────────────────────
  async personFor(userId: string, patientId: string) {
    const p = await this.ownPatient(userId, patientId);
    return {
      patient: { id: p.id, nameMasked: p.nameMasked, relationship: p.relationship, idType: p.idType, idNumberMasked: p.idNumberMasked },
      certType: ID_TYPE_CERT_CODES[p.idType],
      certNo: this.deps.cipher.decrypt(p.idNumberEnc),
      idNumberHash: p.idNumberHash,
      name: this.deps.cipher.decrypt(p.nameEnc),
    };
  }
}
