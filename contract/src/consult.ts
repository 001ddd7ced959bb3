/**
 * Online re-visit consultations (复诊问诊): creation, the patient's list and detail, the room
 * (messages, read state, long polling, WebSocket push) and the doctor's workspace. Shared by the
 * BFF and the client.
 *
 * Patient (role PATIENT):
 *   POST /api/v1/consultations                          CreateConsultationRequest → CreateConsultationResponse
 *        (eligibility re-checked on the server; `requestKey` makes a double tap create one)
 *   GET  /api/v1/consultations?status=&cursor=&limit=   → ConsultationPage (newest first)
 *   GET  /api/v1/consultations/:id                      → ConsultationDetail
 *   POST /api/v1/consultations/:id/cancel               CancelConsultationRequest → ConsultationDetail
 *        (before a doctor accepts; the fee is refunded / the unpaid order closed)
 * Room (patient of the consultation; its doctor; any doctor of its department while WAITING):
 *   GET  /api/v1/consultations/:id/messages?after=&limit=&wait=  → MessagesResponse
 *        (`wait` > 0: long poll, answers as soon as something newer than `after` exists, a
 *        status or read state changes, or after `wait` seconds (capped by the BFF) with no items)
 *   POST /api/v1/consultations/:id/messages             SendMessageRequest → ConsultationMessage
 *   POST /api/v1/consultations/:id/read                 ReadRequest → ReadResponse
 *   WS   /api/v1/consultations/ws                       WsClientMessage / WsServerMessage below
 * Doctor (role DOCTOR):
 *   GET  /api/v1/workspace/consultations?status=WAITING|IN_PROGRESS|COMPLETED&cursor=&limit=
 *        WAITING = the queue of the doctor's department; the others = the doctor's own
 *   GET  /api/v1/workspace/consultations/:id            → WorkspaceConsultationDetail
 *   POST /api/v1/workspace/consultations/:id/accept     → WorkspaceConsultationDetail (one doctor wins: 409 for the others)
 *   POST /api/v1/workspace/consultations/:id/end        → WorkspaceConsultationDetail
 */
import { z } from 'zod';
import { DOCTOR_TITLES, DISEASE_CATEGORIES } from './catalog';
import { OfflineDiagnosisRefSchema, OfflineVisitSchema, ELIGIBILITY_REASON_CODES } from './eligibility';
import { FileIdSchema, FileRefSchema, MAX_CONSULT_IMAGES } from './files';

// ── statuses ─────────────────────────────────────────────────────────────────────────────────
/** Stored statuses (database enum ConsultationStatus). */
export const CONSULTATION_STATUSES = ['PENDING_PAYMENT', 'WAITING', 'IN_PROGRESS', 'COMPLETED', 'CANCELLED', 'REFUNDED'] as const;
export type ConsultationStatus = (typeof CONSULTATION_STATUSES)[number];

/** What the patient sees: the stored status, or PRESCRIBED once a prescription was approved. */
export const CONSULTATION_DISPLAY_STATUSES = ['PENDING_PAYMENT', 'WAITING', 'IN_PROGRESS', 'PRESCRIBED', 'COMPLETED', 'CANCELLED', 'REFUNDED'] as const;
export type ConsultationDisplayStatus = (typeof CONSULTATION_DISPLAY_STATUSES)[number];

export const CONSULTATION_STATUS_LABELS: Record<ConsultationDisplayStatus, string> = {
  PENDING_PAYMENT: '待支付',
  WAITING: '待接诊',
  IN_PROGRESS: '问诊中',
  PRESCRIBED: '已开方',
  COMPLETED: '已结束',
  CANCELLED: '已取消',
  REFUNDED: '已取消（已退款）',
};

/** Open = messages may be sent (the patient while WAITING or IN_PROGRESS, the doctor once accepted). */
export const OPEN_CONSULTATION_STATUSES = ['WAITING', 'IN_PROGRESS'] as const satisfies readonly ConsultationStatus[];

export function consultationDisplayStatus(status: ConsultationStatus, prescribed: boolean): ConsultationDisplayStatus {
  if (prescribed && (status === 'IN_PROGRESS' || status === 'COMPLETED')) return 'PRESCRIBED';
  return status;
}

/** Why a consultation was cancelled or ended (stored codes; labels for the patient). */
export const CONSULTATION_CLOSE_REASONS = {
  PATIENT_CANCELLED: '您已取消本次问诊',
  NOT_ACCEPTED_TIMEOUT: '医生在规定时间内未接诊，问诊已自动取消，费用将原路退回',
  PAYMENT_TIMEOUT: '超时未支付，问诊已自动取消',
  ORDER_FAILED: '订单创建失败，问诊未生效，未扣费',
  REFUNDED_BY_HOSPITAL: '医院已办理退款，问诊已取消',
  DOCTOR_ENDED: '医生已结束本次问诊',
  IDLE_TIMEOUT: '长时间没有新消息，问诊已自动结束',
} as const;
export type ConsultationCloseReason = keyof typeof CONSULTATION_CLOSE_REASONS;
export const CONSULTATION_CLOSE_REASON_CODES = Object.keys(CONSULTATION_CLOSE_REASONS) as [ConsultationCloseReason, ...ConsultationCloseReason[]];

// ── messages ─────────────────────────────────────────────────────────────────────────────────
export const MESSAGE_SENDERS = ['PATIENT', 'DOCTOR', 'SYSTEM'] as const;
export type MessageSender = (typeof MESSAGE_SENDERS)[number];
export const MESSAGE_KINDS = ['TEXT', 'IMAGE', 'PRESCRIPTION', 'SYSTEM'] as const;
export type MessageKind = (typeof MESSAGE_KINDS)[number];

/** System messages the BFF posts into the room (code → text shown as a centred note). */
export const SYSTEM_MESSAGES = {
  CREATED: '问诊已提交，请在规定时间内完成支付',
  PAID: '支付成功，已通知医生，请耐心等待医生接诊',
  ACCEPTED: '医生已接诊，请描述您的病情变化和用药情况',
  ENDED: '医生已结束本次问诊',
  IDLE_ENDED: '长时间没有新消息，本次问诊已自动结束',
  CANCELLED: '问诊已取消',
  NOT_ACCEPTED_CANCELLED: '医生在规定时间内未接诊，问诊已自动取消，费用将原路退回',
  PAYMENT_TIMEOUT: '超时未支付，问诊已自动取消',
  REFUNDED: '问诊费用已退回，请留意到账通知',
  PRESCRIPTION_ISSUED: '医生已为您开具处方，药师审核通过后可支付取药',
} as const;
export type SystemMessageCode = keyof typeof SYSTEM_MESSAGES;

/** The same notes as the doctor and pharmacist read them (the texts above speak to the patient). */
export const SYSTEM_MESSAGES_FOR_STAFF: Record<SystemMessageCode, string> = {
  CREATED: '患者已提交问诊，等待支付诊查费',
  PAID: '患者已支付诊查费，等待接诊',
  ACCEPTED: '已接诊，请了解患者病情变化和用药情况',
  ENDED: '本次问诊已结束',
  IDLE_ENDED: '长时间没有新消息，本次问诊已自动结束',
  CANCELLED: '问诊已取消',
  NOT_ACCEPTED_CANCELLED: '规定时间内未接诊，问诊已自动取消，诊查费将原路退回患者',
  PAYMENT_TIMEOUT: '患者超时未支付，问诊已自动取消',
  REFUNDED: '诊查费已退回患者',
  PRESCRIPTION_ISSUED: '处方已开具，药师审核通过后患者可支付取药',
};

/** A system note's text for whoever reads it: the patient, or staff (doctor, pharmacist). */
export function systemMessageText(code: SystemMessageCode, viewer: 'PATIENT' | 'STAFF'): string {
  return viewer === 'PATIENT' ? SYSTEM_MESSAGES[code] : SYSTEM_MESSAGES_FOR_STAFF[code];
}
export const SYSTEM_MESSAGE_CODES = Object.keys(SYSTEM_MESSAGES) as [SystemMessageCode, ...SystemMessageCode[]];

export const MESSAGE_TEXT_MAX = 1000;

export const ConsultationMessageSchema = z.object({
  id: z.string(),
  /** 1, 2, 3… per consultation (the cursor of `?after=`). */
  seq: z.number().int().positive(),
  sender: z.enum(MESSAGE_SENDERS),
  kind: z.enum(MESSAGE_KINDS),
  /** TEXT: what was written; SYSTEM: the note (from SYSTEM_MESSAGES). */
  text: z.string().nullable(),
  /** IMAGE: the picture. */
  file: FileRefSchema.nullable(),
  /** PRESCRIPTION: the prescription the card opens. */
  prescriptionId: z.string().nullable(),
  systemCode: z.enum(SYSTEM_MESSAGE_CODES).nullable(),
  createdAt: z.string(),
});
export type ConsultationMessage = z.infer<typeof ConsultationMessageSchema>;

const clientMsgId = z
  .string()
  .regex(/^[A-Za-z0-9_-]{8,64}$/, '消息编号格式不正确')
  .optional();

export const SendMessageRequestSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('TEXT'),
    text: z.string().trim().min(1, '请输入内容').max(MESSAGE_TEXT_MAX, `一条消息不能超过 ${MESSAGE_TEXT_MAX} 个字`),
    /** The client's id for this send: a retry with the same id returns the same message. */
    clientMsgId,
  }),
  z.object({ kind: z.literal('IMAGE'), fileId: FileIdSchema, clientMsgId }),
]);
export type SendMessageRequest = z.infer<typeof SendMessageRequestSchema>;

export const MessagesQuerySchema = z.object({
  /** Messages with seq greater than this (0: from the start). */
  after: z.coerce.number().int().min(0, '参数不正确').default(0),
  limit: z.coerce.number().int().min(1).max(100, '每次最多 100 条').default(50),
  /** Long poll: wait up to this many seconds for something new (the BFF caps it, ~25 s). */
  wait: z.coerce.number().int().min(0).max(60).default(0),
});
export type MessagesQuery = z.infer<typeof MessagesQuerySchema>;

/** The room's state next to messages (also pushed over the WebSocket). */
export const RoomStateSchema = z.object({
  status: z.enum(CONSULTATION_STATUSES),
  displayStatus: z.enum(CONSULTATION_DISPLAY_STATUSES),
  statusLabel: z.string(),
  /** Highest seq in the consultation. */
  lastSeq: z.number().int().nonnegative(),
  /** Up to where I have read. */
  myReadSeq: z.number().int().nonnegative(),
  /** Up to where the other side has read: my messages with seq ≤ this show 已读. */
  peerReadSeq: z.number().int().nonnegative(),
  /** May I send now. */
  canSend: z.boolean(),
});
export type RoomState = z.infer<typeof RoomStateSchema>;

export const MessagesResponseSchema = RoomStateSchema.extend({
  items: z.array(ConsultationMessageSchema),
  /** More messages exist after the last item (ask again with after = its seq). */
  hasMore: z.boolean(),
});
export type MessagesResponse = z.infer<typeof MessagesResponseSchema>;

export const ReadRequestSchema = z.object({ seq: z.number().int().min(0, '参数不正确') });
export type ReadRequest = z.infer<typeof ReadRequestSchema>;
export const ReadResponseSchema = z.object({ myReadSeq: z.number().int().nonnegative(), peerReadSeq: z.number().int().nonnegative() });
export type ReadResponse = z.infer<typeof ReadResponseSchema>;

// ── creation ─────────────────────────────────────────────────────────────────────────────────
export const DESCRIPTION_MIN = 5;
export const DESCRIPTION_MAX = 1000;

export const ConsultationIdSchema = z.string().regex(/^[0-9a-f-]{36}$/i, '问诊编号不正确');
export const ConsultationParamsSchema = z.object({ id: ConsultationIdSchema });

export const CreateConsultationRequestSchema = z.object({
  patientId: z.string().regex(/^[0-9a-f-]{36}$/i, '请选择就诊人'),
  doctorId: z.string().regex(/^[0-9a-f-]{36}$/i, '请选择医生'),
  /** The offline visit and diagnosis this re-visit continues (as for the eligibility check). */
  offlineDiagnosis: OfflineDiagnosisRefSchema,
  /** The patient's description of the condition now (encrypted at rest). */
  description: z
    .string()
    .trim()
    .min(DESCRIPTION_MIN, `请描述病情（至少 ${DESCRIPTION_MIN} 个字），如症状变化、目前用药`)
    .max(DESCRIPTION_MAX, `病情描述不能超过 ${DESCRIPTION_MAX} 个字`),
  /** Uploaded CONSULT_IMAGE files (POST /files), at most 9, each once. */
  imageFileIds: z
    .array(FileIdSchema)
    .max(MAX_CONSULT_IMAGES, `最多上传 ${MAX_CONSULT_IMAGES} 张图片`)
    .refine((ids) => new Set(ids.map((i) => i.toLowerCase())).size === ids.length, '同一张图片不能重复添加')
    .default([]),
  /** The client's id of this submission (e.g. a UUID made when the page opened): a retry or double tap creates one consultation. */
  requestKey: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, '请求编号格式不正确，请刷新页面后重试'),
  /** The patient saw that insurance will not pay and chose to go on paying it all (required when it is self-pay). */
  acknowledgeSelfPay: z.boolean().default(false),
});
export type CreateConsultationRequest = z.input<typeof CreateConsultationRequestSchema>;

/** Why the patient cancels (a choice, never free text: nothing personal is stored). */
export const CANCEL_CHOICES = {
  NO_LONGER_NEEDED: '不需要了',
  WRONG_INFORMATION: '信息填写有误',
  WAIT_TOO_LONG: '等待时间太长',
  VISIT_OFFLINE: '改为线下就诊',
  OTHER: '其他原因',
} as const;
export type CancelChoice = keyof typeof CANCEL_CHOICES;
export const CANCEL_CHOICE_CODES = Object.keys(CANCEL_CHOICES) as [CancelChoice, ...CancelChoice[]];

export const CancelConsultationRequestSchema = z.object({
  reason: z.enum(CANCEL_CHOICE_CODES, { error: '请选择取消原因' }).default('OTHER'),
});
export type CancelConsultationRequest = z.input<typeof CancelConsultationRequestSchema>;

// ── the patient's views ──────────────────────────────────────────────────────────────────────
const DoctorBriefSchema = z.object({
  id: z.string(),
  name: z.string(),
  title: z.enum(DOCTOR_TITLES),
  departmentName: z.string(),
  hospitalName: z.string(),
});

const DiseaseBriefSchema = z.object({ code: z.string(), name: z.string(), category: z.enum(DISEASE_CATEGORIES) });

export const ConsultationSummarySchema = z.object({
  id: z.string(),
  consultationNo: z.string(),
  status: z.enum(CONSULTATION_STATUSES),
  displayStatus: z.enum(CONSULTATION_DISPLAY_STATUSES),
  statusLabel: z.string(),
  patient: z.object({ id: z.string(), nameMasked: z.string() }),
  /** The doctor serving (the accepting doctor once accepted; before that, the one chosen). */
  doctor: DoctorBriefSchema,
  disease: DiseaseBriefSchema.nullable(),
  /** false: self-pay (see selfPayReasons in the detail). */
  insured: z.boolean(),
  feeFen: z.number().int().nonnegative(),
  /** Messages from the other side not read yet. */
  unreadCount: z.number().int().nonnegative(),
  lastMessage: z.object({ preview: z.string(), sender: z.enum(MESSAGE_SENDERS), createdAt: z.string() }).nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type ConsultationSummary = z.infer<typeof ConsultationSummarySchema>;

export const CONSULTATION_LIST_FILTERS = ['ALL', 'ACTIVE', 'PENDING_PAYMENT', 'WAITING', 'IN_PROGRESS', 'COMPLETED', 'CANCELLED'] as const;
export type ConsultationListFilter = (typeof CONSULTATION_LIST_FILTERS)[number];
export const CONSULTATION_LIST_FILTER_LABELS: Record<ConsultationListFilter, string> = {
  ALL: '全部',
  ACTIVE: '进行中',
  PENDING_PAYMENT: '待支付',
  WAITING: '待接诊',
  IN_PROGRESS: '问诊中',
  COMPLETED: '已结束',
  CANCELLED: '已取消',
};

const cursorQuery = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,200}$/, '分页参数不正确，请刷新后重试')
  .optional()
  .or(z.literal('').transform(() => undefined));

export const ConsultationListQuerySchema = z.object({
  status: z.enum(CONSULTATION_LIST_FILTERS).default('ALL'),
  cursor: cursorQuery,
  limit: z.coerce.number().int().min(1).max(50, '每页最多 50 条').default(20),
});
export type ConsultationListQuery = z.input<typeof ConsultationListQuerySchema>;

/** Cursor pages: pass `nextCursor` back as `cursor` (null: the end). */
export function cursorPageOf<T extends z.ZodTypeAny>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() });
}

export const ConsultationPageSchema = cursorPageOf(ConsultationSummarySchema);
export type ConsultationPage = z.infer<typeof ConsultationPageSchema>;

/** The offline diagnosis the consultation continues (as the HIS reported it at creation). */
export const ConsultationOfflineDiagnosisSchema = z.object({
  hospitalCode: z.string(),
  hospitalName: z.string(),
  visitNo: z.string(),
  visitDate: z.string(),
  departmentName: z.string(),
  diagnosisCode: z.string(),
  diagnosisName: z.string(),
});
export type ConsultationOfflineDiagnosis = z.infer<typeof ConsultationOfflineDiagnosisSchema>;

export const SelfPayReasonSchema = z.object({ code: z.enum(ELIGIBILITY_REASON_CODES), title: z.string() });

export const ConsultationDetailSchema = ConsultationSummarySchema.extend({
  description: z.string(),
  images: z.array(FileRefSchema),
  offlineDiagnosis: ConsultationOfflineDiagnosisSchema.nullable(),
  /** Why insurance does not pay (empty when insured). */
  selfPayReasons: z.array(SelfPayReasonSchema),
  /** The consultation's order (pay it at the cashier while PENDING_PAYMENT). */
  order: z.object({ id: z.string(), orderNo: z.string(), state: z.string(), expiresAt: z.string().nullable() }).nullable(),
  paidAt: z.string().nullable(),
  acceptedAt: z.string().nullable(),
  endedAt: z.string().nullable(),
  cancelledAt: z.string().nullable(),
  closeReason: z.enum(CONSULTATION_CLOSE_REASON_CODES).nullable(),
  closeReasonLabel: z.string().nullable(),
  /** WAITING: cancelled automatically (and refunded) if no doctor accepts by then. */
  acceptDeadline: z.string().nullable(),
  canCancel: z.boolean(),
  room: RoomStateSchema,
});
export type ConsultationDetail = z.infer<typeof ConsultationDetailSchema>;

export const CreateConsultationResponseSchema = z.object({
  consultation: ConsultationDetailSchema,
  /** Go to the cashier with this order. */
  order: z.object({ id: z.string(), orderNo: z.string() }),
  /** true: this requestKey had already created it (nothing new was created). */
  replayed: z.boolean(),
});
export type CreateConsultationResponse = z.infer<typeof CreateConsultationResponseSchema>;

// ── the doctor's workspace ───────────────────────────────────────────────────────────────────
export const WORKSPACE_QUEUE_STATUSES = ['WAITING', 'IN_PROGRESS', 'COMPLETED'] as const;
export type WorkspaceQueueStatus = (typeof WORKSPACE_QUEUE_STATUSES)[number];

export const WorkspaceListQuerySchema = z.object({
  status: z.enum(WORKSPACE_QUEUE_STATUSES).default('WAITING'),
  cursor: cursorQuery,
  limit: z.coerce.number().int().min(1).max(50, '每页最多 50 条').default(20),
});
export type WorkspaceListQuery = z.input<typeof WorkspaceListQuerySchema>;

/** The patient as the doctor sees them: masked name, gender, age (no ID number, no phone). */
export const MaskedPatientSchema = z.object({
  nameMasked: z.string(),
  gender: z.enum(['MALE', 'FEMALE', 'UNKNOWN']),
  age: z.number().int().nonnegative(),
});
export type MaskedPatient = z.infer<typeof MaskedPatientSchema>;

export const WorkspaceConsultationItemSchema = z.object({
  id: z.string(),
  consultationNo: z.string(),
  status: z.enum(CONSULTATION_STATUSES),
  displayStatus: z.enum(CONSULTATION_DISPLAY_STATUSES),
  statusLabel: z.string(),
  patient: MaskedPatientSchema,
  disease: DiseaseBriefSchema.nullable(),
  insured: z.boolean(),
  feeFen: z.number().int().nonnegative(),
  /** The first characters of the description. */
  descriptionPreview: z.string(),
  imageCount: z.number().int().nonnegative(),
  /** The doctor the patient chose; `requestedMe`: that is me. */
  requestedDoctor: z.object({ id: z.string(), name: z.string() }),
  requestedMe: z.boolean(),
  /** WAITING since (paid at). */
  waitingSince: z.string().nullable(),
  acceptDeadline: z.string().nullable(),
  acceptedAt: z.string().nullable(),
  endedAt: z.string().nullable(),
  lastActivityAt: z.string().nullable(),
  unreadCount: z.number().int().nonnegative(),
});
export type WorkspaceConsultationItem = z.infer<typeof WorkspaceConsultationItemSchema>;

export const WorkspacePageSchema = cursorPageOf(WorkspaceConsultationItemSchema);
export type WorkspacePage = z.infer<typeof WorkspacePageSchema>;

export const PreviousConsultationSchema = z.object({
  id: z.string(),
  consultationNo: z.string(),
  createdAt: z.string(),
  endedAt: z.string().nullable(),
  status: z.enum(CONSULTATION_STATUSES),
  statusLabel: z.string(),
  doctorName: z.string(),
  departmentName: z.string(),
  hospitalName: z.string(),
  diseaseName: z.string().nullable(),
});
export type PreviousConsultation = z.infer<typeof PreviousConsultationSchema>;

export const WorkspaceConsultationDetailSchema = WorkspaceConsultationItemSchema.extend({
  description: z.string(),
  images: z.array(FileRefSchema),
  offlineDiagnosis: ConsultationOfflineDiagnosisSchema.nullable(),
  selfPayReasons: z.array(SelfPayReasonSchema),
  /** The patient's offline visits from the HIS (null when the HIS could not answer: see offlineVisitsError). */
  offlineVisits: z.array(OfflineVisitSchema).nullable(),
  offlineVisitsError: z.object({ code: z.string(), message: z.string() }).nullable(),
  /** The patient's earlier online consultations at this hospital (newest first). */
  previousConsultations: z.array(PreviousConsultationSchema),
  closeReason: z.enum(CONSULTATION_CLOSE_REASON_CODES).nullable(),
  closeReasonLabel: z.string().nullable(),
  canAccept: z.boolean(),
  canEnd: z.boolean(),
  room: RoomStateSchema,
});
export type WorkspaceConsultationDetail = z.infer<typeof WorkspaceConsultationDetailSchema>;

// ── WebSocket (/api/v1/consultations/ws) ─────────────────────────────────────────────────────
/**
 * Push only (send messages with POST …/messages). Authenticate with the session's access token:
 * an `Authorization: Bearer` header on the upgrade (mini-programs), or the first frame
 * `{type:'auth', token}` within 10 s (browsers cannot set headers). Then subscribe to rooms;
 * after a reconnect, subscribe again with the last seq seen: missed messages are sent first.
 * The server pings every 30 s; close codes: 4401 not signed in / session ended, 4400 bad frame.
 */
export const CONSULT_WS_PATH = '/api/v1/consultations/ws';

export const WsClientMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('auth'), token: z.string().min(1).max(512) }),
  z.object({ type: z.literal('subscribe'), consultationId: ConsultationIdSchema, afterSeq: z.number().int().min(0).default(0) }),
  z.object({ type: z.literal('unsubscribe'), consultationId: ConsultationIdSchema }),
  z.object({ type: z.literal('ping') }),
]);
export type WsClientMessage = z.input<typeof WsClientMessageSchema>;

export const WsServerMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready'), role: z.string() }),
  z.object({ type: z.literal('subscribed'), consultationId: z.string(), state: RoomStateSchema }),
  z.object({ type: z.literal('message'), consultationId: z.string(), message: ConsultationMessageSchema }),
  /** Status, read state or permissions changed. */
  z.object({ type: z.literal('state'), consultationId: z.string(), state: RoomStateSchema }),
  z.object({ type: z.literal('error'), code: z.string(), message: z.string(), consultationId: z.string().optional() }),
  z.object({ type: z.literal('pong') }),
]);
export type WsServerMessage = z.infer<typeof WsServerMessageSchema>;

export const WS_CLOSE_CODES = { UNAUTHENTICATED: 4401, BAD_FRAME: 4400, SHUTTING_DOWN: 1001 } as const;
