/**
 * Diagnosis, e-prescriptions, SM2 signatures, pharmacist review, versions and the audit trail
 * (rules 6–8; Tongchuan §17–§21), shared by the BFF (RX-BFF) and the client (workspace + the
 * patient's prescription page).
 *
 * Doctor (role DOCTOR; only the doctor serving an IN_PROGRESS consultation may write):
 *   GET  /workspace/consultations/:id/diagnosis            → DiagnosisResponse
 *   PUT  /workspace/consultations/:id/diagnosis            DiagnoseRequest → Diagnosis
 *   GET  /workspace/consultations/:id/prescriptions        → WorkspacePrescriptionList (every version)
 *   POST /workspace/consultations/:id/prescriptions        PrescriptionDraftRequest → WorkspacePrescription (DRAFT)
 *   GET  /workspace/prescriptions                          ?status&page&pageSize (mine) → WorkspacePrescriptionPage
 *   GET  /workspace/prescriptions/:id                      → WorkspacePrescription (writer, or a pharmacist of the hospital)
 *   PUT  /workspace/prescriptions/:id                      PrescriptionDraftRequest → WorkspacePrescription
 *        (DRAFT: edited in place; REJECTED: a NEW version is created from the request and returned)
 *   DELETE /workspace/prescriptions/:id                    discards a DRAFT (→ CANCELLED)
 *   POST /workspace/prescriptions/:id/sign-and-submit      SignAndSubmitRequest → WorkspacePrescription (PENDING_REVIEW, signed)
 *   POST /workspace/prescriptions/:id/revise               ReviseRequest → WorkspacePrescription (the NEW DRAFT version)
 *        (APPROVED/UPLOADED: the old one is REVOKED at once and its unpaid orders revoked/closed;
 *         REJECTED: the old one stays REJECTED)
 * Pharmacist (role PHARMACIST, same hospital):
 *   GET  /workspace/review-queue                           ?status&page&pageSize → WorkspacePrescriptionPage
 *   POST /workspace/prescriptions/:id/approve              ApproveRequest → WorkspacePrescription (APPROVED, signed)
 *   POST /workspace/prescriptions/:id/reject               RejectRequest → WorkspacePrescription (REJECTED)
 * Staff:
 *   GET  /workspace/audit                                  ?targetType&targetId → AuditTrail (the target and what hangs on it)
 * Patient (own prescriptions only; others' look missing):
 *   GET  /prescriptions                                    ?consultationId → PatientPrescriptionList
 *   GET  /prescriptions/:id                                → PatientPrescription
 * Patient owner or staff:
 *   GET  /prescriptions/:id/verification                   → PrescriptionVerification
 *
 * Prices and amounts always come from the drug catalog on the server: an item never carries a
 * price from the client (unknown fields are dropped). Signed content never changes: a change
 * after signing is a new row (version + 1, `previousId` → the old one).
 */
import { z } from 'zod';
import { INSURANCE_CLASSES, DISEASE_CATEGORIES, DOCTOR_TITLES } from './catalog';
import { PageQuerySchema, pageOf } from './http';

// ── statuses ─────────────────────────────────────────────────────────────────────────────────
export const PRESCRIPTION_STATUSES = ['DRAFT', 'PENDING_REVIEW', 'APPROVED', 'REJECTED', 'UPLOADED', 'PAID', 'REFUNDED', 'REVOKED', 'CANCELLED', 'EXPIRED'] as const;
export type PrescriptionStatus = (typeof PRESCRIPTION_STATUSES)[number];

/** What the workspace shows. */
export const PRESCRIPTION_STATUS_LABELS: Record<PrescriptionStatus, string> = {
  DRAFT: '草稿',
  PENDING_REVIEW: '待药师审核',
  APPROVED: '审核通过',
  REJECTED: '审核未通过',
  UPLOADED: '已上传医保',
  PAID: '已支付',
  REFUNDED: '已退款',
  REVOKED: '已作废',
  CANCELLED: '已取消',
  EXPIRED: '已过期',
};

/** What the patient sees (drafts and rejected versions are never shown to the patient). */
export const PATIENT_PRESCRIPTION_STATUS_LABELS: Record<PrescriptionStatus, string> = {
  DRAFT: '医生开具中',
  PENDING_REVIEW: '药师审核中',
  APPROVED: '待支付',
  REJECTED: '医生修改中',
  UPLOADED: '待支付',
  PAID: '已支付',
  REFUNDED: '已退款',
  REVOKED: '已作废（医生已修改处方）',
  CANCELLED: '已取消',
  EXPIRED: '已过期',
};

/** Statuses a patient can pay (with a valid doctor signature and a signed pharmacist approval). */
export const PAYABLE_PRESCRIPTION_STATUSES = ['APPROVED', 'UPLOADED'] as const satisfies readonly PrescriptionStatus[];

export const SIGNATURE_ALGORITHM = 'SM3withSM2' as const;

// ── inputs ───────────────────────────────────────────────────────────────────────────────────
const text = (max: number, what: string) =>
  z.string().trim().min(1, `请填写${what}`).max(max, `${what}不能超过 ${max} 个字符`);

export const RxIdParamsSchema = z.object({ id: z.uuid('编号格式不正确') });

export const DiagnoseRequestSchema = z.object({
  /** A disease of the internet disease catalog: code and name come from the catalog, never typed. */
  diseaseId: z.uuid('请从病种目录中选择诊断'),
  /** Optional clinical note (encrypted at rest). */
  note: z.string().trim().max(500, '诊断备注不能超过 500 个字符').optional(),
});
export type DiagnoseRequest = z.infer<typeof DiagnoseRequestSchema>;

export const PRESCRIPTION_MAX_ITEMS = 5;

export const PrescriptionItemInputSchema = z.object({
  drugId: z.uuid('请从药品目录中选择药品'),
  /** 用法用量, e.g. 每次1片. */
  dosage: text(64, '用法用量'),
  /** 频次, e.g. 每日一次. */
  frequency: text(32, '用药频次'),
  /** 给药途径, e.g. 口服. */
  route: text(32, '给药途径'),
  /** 用药天数 (bounded by the disease's setting, see PrescriptionLimits). */
  days: z.number({ error: '请填写用药天数' }).int('用药天数须为整数').min(1, '用药天数至少 1 天').max(365, '用药天数过长'),
  /** 数量 in the drug's selling unit (盒/瓶/支). */
  quantity: z.number({ error: '请填写数量' }).int('数量须为整数').min(1, '数量至少为 1').max(999, '数量过大'),
});
export type PrescriptionItemInput = z.infer<typeof PrescriptionItemInputSchema>;

export const PrescriptionDraftRequestSchema = z.object({
  items: z
    .array(PrescriptionItemInputSchema)
    .min(1, '请至少开具一种药品')
    .max(PRESCRIPTION_MAX_ITEMS, `一张处方最多 ${PRESCRIPTION_MAX_ITEMS} 种药品`),
  /** Doctor's note to the patient/pharmacist (no personal data). */
  note: z.string().trim().max(200, '备注不能超过 200 个字符').optional(),
  /** Optimistic check: the version/updatedAt the doctor edited (409 if it changed meanwhile). */
  expectedUpdatedAt: z.iso.datetime({ offset: true }).optional(),
});
export type PrescriptionDraftRequest = z.infer<typeof PrescriptionDraftRequestSchema>;

export const SignAndSubmitRequestSchema = z.object({
  expectedUpdatedAt: z.iso.datetime({ offset: true }).optional(),
});
export type SignAndSubmitRequest = z.infer<typeof SignAndSubmitRequestSchema>;

export const ReviseRequestSchema = z.object({
  /** Why the prescription is changed (kept in the audit trail and shown to the pharmacist). */
  reason: text(200, '修改原因'),
});
export type ReviseRequest = z.infer<typeof ReviseRequestSchema>;

export const ApproveRequestSchema = z.object({
  comment: z.string().trim().max(500, '审核意见不能超过 500 个字符').optional(),
  /** The version the pharmacist reviewed (409 if the doctor changed it meanwhile). */
  expectedVersion: z.number().int().min(1).optional(),
});
export type ApproveRequest = z.infer<typeof ApproveRequestSchema>;

export const RejectRequestSchema = z.object({
  reason: text(500, '不通过的原因'),
  expectedVersion: z.number().int().min(1).optional(),
});
export type RejectRequest = z.infer<typeof RejectRequestSchema>;

export const DoctorPrescriptionListQuerySchema = PageQuerySchema.extend({
  status: z.enum(PRESCRIPTION_STATUSES).optional(),
});
export type DoctorPrescriptionListQuery = z.input<typeof DoctorPrescriptionListQuerySchema>;

export const ReviewQueueQuerySchema = PageQuerySchema.extend({
  /** Default PENDING_REVIEW; APPROVED/REJECTED list this pharmacist's hospital's reviewed ones. */
  status: z.enum(['PENDING_REVIEW', 'APPROVED', 'REJECTED']).default('PENDING_REVIEW'),
});
export type ReviewQueueQuery = z.input<typeof ReviewQueueQuerySchema>;

export const PatientPrescriptionListQuerySchema = z.object({
  consultationId: z.uuid('编号格式不正确').optional(),
});
export type PatientPrescriptionListQuery = z.infer<typeof PatientPrescriptionListQuerySchema>;

export const AUDIT_TARGET_TYPES = ['consultation', 'prescription', 'order'] as const;
export const AuditQuerySchema = z.object({
  targetType: z.enum(AUDIT_TARGET_TYPES, { error: '请选择追溯对象类型（问诊、处方或订单）' }),
  targetId: z.string().trim().min(1, '请填写追溯对象编号').max(64),
});
export type AuditQuery = z.infer<typeof AuditQuerySchema>;

// ── outputs ──────────────────────────────────────────────────────────────────────────────────
export const DiagnosisSchema = z.object({
  consultationId: z.string(),
  diseaseId: z.string(),
  code: z.string(),
  name: z.string(),
  category: z.enum(DISEASE_CATEGORIES),
  /** In the insurance-payable internet catalog (otherwise the drugs are self-pay). */
  payableOnline: z.boolean(),
  note: z.string().nullable(),
  doctorName: z.string(),
  diagnosedAt: z.string(),
  updatedAt: z.string(),
});
export type Diagnosis = z.infer<typeof DiagnosisSchema>;
export const DiagnosisResponseSchema = z.object({ diagnosis: DiagnosisSchema.nullable() });
export type DiagnosisResponse = z.infer<typeof DiagnosisResponseSchema>;

export const PrescriptionItemSchema = z.object({
  id: z.string(),
  drugId: z.string(),
  /** 国家医保药品编码. */
  nationalCode: z.string(),
  drugName: z.string(),
  specification: z.string(),
  unit: z.string(),
  insuranceClass: z.enum(INSURANCE_CLASSES),
  /** Paid by the patient in full (丙类, or the visit is self-pay). */
  selfPay: z.boolean(),
  quantity: z.number().int(),
  unitPriceFen: z.number().int().nonnegative(),
  amountFen: z.number().int().nonnegative(),
  dosage: z.string(),
  frequency: z.string(),
  route: z.string(),
  days: z.number().int(),
});
export type PrescriptionItem = z.infer<typeof PrescriptionItemSchema>;

export const SignatureStatusSchema = z.object({
  /** The doctor signed this version. */
  doctorSigned: z.boolean(),
  doctorSignedAt: z.string().nullable(),
  /** A pharmacist's signed approval exists for this version. */
  pharmacistSigned: z.boolean(),
  pharmacistSignedAt: z.string().nullable(),
  algorithm: z.literal(SIGNATURE_ALGORITHM),
});
export type SignatureStatus = z.infer<typeof SignatureStatusSchema>;

const PrescriptionCommonSchema = z.object({
  id: z.string(),
  /** 处方号. */
  rxNo: z.string(),
  version: z.number().int(),
  status: z.enum(PRESCRIPTION_STATUSES),
  statusLabel: z.string(),
  consultationId: z.string(),
  hospital: z.object({ id: z.string(), name: z.string() }),
  department: z.object({ id: z.string(), name: z.string() }),
  doctor: z.object({ id: z.string(), name: z.string(), title: z.enum(DOCTOR_TITLES) }),
  /** The pharmacist who approved this version, once approved. */
  pharmacist: z.object({ id: z.string(), name: z.string() }).nullable(),
  patient: z.object({ id: z.string(), nameMasked: z.string(), gender: z.enum(['MALE', 'FEMALE', 'UNKNOWN']), age: z.number().int().nullable() }),
  diagnosis: z.object({ code: z.string(), name: z.string() }),
  /** The visit is insured (drugs of the insurance catalog may be paid by insurance). */
  insured: z.boolean(),
  items: z.array(PrescriptionItemSchema),
  totalFen: z.number().int().nonnegative(),
  /** Sum of the items the patient pays in full (丙类 / self-pay visit). */
  selfPayFen: z.number().int().nonnegative(),
  note: z.string().nullable(),
  signature: SignatureStatusSchema,
  /** Only APPROVED/UPLOADED, signed by doctor and pharmacist, not expired. */
  payable: z.boolean(),
  validUntil: z.string().nullable(),
  submittedAt: z.string().nullable(),
  approvedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const PatientPrescriptionSchema = PrescriptionCommonSchema.extend({
  /** Set when this version was replaced by a newer one the patient should open instead. */
  replacedById: z.string().nullable(),
});
export type PatientPrescription = z.infer<typeof PatientPrescriptionSchema>;
export const PatientPrescriptionListSchema = z.object({ items: z.array(PatientPrescriptionSchema) });
export type PatientPrescriptionList = z.infer<typeof PatientPrescriptionListSchema>;

export const ReviewRecordSchema = z.object({
  id: z.string(),
  version: z.number().int(),
  decision: z.enum(['APPROVED', 'REJECTED']),
  comment: z.string().nullable(),
  pharmacistName: z.string(),
  signed: z.boolean(),
  reviewedAt: z.string(),
});
export type ReviewRecord = z.infer<typeof ReviewRecordSchema>;

export const WorkspacePrescriptionSchema = PrescriptionCommonSchema.extend({
  consultationNo: z.string(),
  previousId: z.string().nullable(),
  nextId: z.string().nullable(),
  /** The last rejection of this version (or of the version this one revises). */
  rejectReason: z.string().nullable(),
  /** Why the doctor revised (on the new version) / why it was revoked (on the old one). */
  reviseReason: z.string().nullable(),
  reviews: z.array(ReviewRecordSchema),
  /** What the signed-in staff member may do now. */
  actions: z.object({
    edit: z.boolean(),
    submit: z.boolean(),
    discard: z.boolean(),
    revise: z.boolean(),
    review: z.boolean(),
  }),
});
export type WorkspacePrescription = z.infer<typeof WorkspacePrescriptionSchema>;
export const WorkspacePrescriptionListSchema = z.object({ items: z.array(WorkspacePrescriptionSchema) });
export type WorkspacePrescriptionList = z.infer<typeof WorkspacePrescriptionListSchema>;
export const WorkspacePrescriptionPageSchema = pageOf(WorkspacePrescriptionSchema);
export type WorkspacePrescriptionPage = z.infer<typeof WorkspacePrescriptionPageSchema>;

export const SIGNATURE_CHECKS = ['CONTENT_HASH', 'DOCTOR_SIGNATURE', 'DOCTOR_KEY', 'PHARMACIST_SIGNATURE'] as const;
export type SignatureCheck = (typeof SIGNATURE_CHECKS)[number];

export const PrescriptionVerificationSchema = z.object({
  prescriptionId: z.string(),
  rxNo: z.string(),
  version: z.number().int(),
  /** All checks passed: the stored rows are exactly what the doctor signed (and the pharmacist approved). */
  valid: z.boolean(),
  algorithm: z.literal(SIGNATURE_ALGORITHM),
  /** SM3 hex of the canonical content recomputed from the database rows now. */
  computedHash: z.string().nullable(),
  /** SM3 hex recorded when the doctor signed. */
  signedHash: z.string().nullable(),
  signedAt: z.string().nullable(),
  signerName: z.string(),
  /** Base64 04‖X‖Y of the key that signed (snapshot at signing time). */
  signerPublicKey: z.string().nullable(),
  checks: z.array(z.object({ check: z.enum(SIGNATURE_CHECKS), ok: z.boolean(), message: z.string() })),
  verifiedAt: z.string(),
});
export type PrescriptionVerification = z.infer<typeof PrescriptionVerificationSchema>;

export const AuditEntrySchema = z.object({
  id: z.string(),
  at: z.string(),
  action: z.string(),
  targetType: z.string(),
  targetId: z.string().nullable(),
  actorRole: z.string().nullable(),
  actorUserId: z.string().nullable(),
  /** Staff display name (doctors/pharmacists); patients are never named. */
  actorName: z.string().nullable(),
  details: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).nullable(),
});
export type AuditEntry = z.infer<typeof AuditEntrySchema>;

export const AuditTrailSchema = z.object({
  /** The objects the trail covers (the target plus what it leads to: prescriptions, versions, orders). */
  targets: z.array(z.object({ targetType: z.string(), targetId: z.string() })),
  entries: z.array(AuditEntrySchema),
});
export type AuditTrail = z.infer<typeof AuditTrailSchema>;

/** Audit actions written by the prescription domain. */
export const RX_AUDIT_ACTIONS = {
  diagnose: 'consultation.diagnosed',
  draft: 'prescription.drafted',
  edit: 'prescription.edited',
  discard: 'prescription.discarded',
  sign: 'prescription.signed',
  submit: 'prescription.submitted',
  approve: 'prescription.approved',
  reject: 'prescription.rejected',
  newVersion: 'prescription.new_version',
  revoke: 'prescription.revoked',
  paid: 'prescription.paid',
  refunded: 'prescription.refunded',
  verify: 'prescription.verified',
} as const;
