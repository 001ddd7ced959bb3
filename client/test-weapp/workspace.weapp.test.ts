/**
 * 医护工作台 in the real WeChat build (client/dist/weapp, subpackage packageDoctor,
 * miniprogram-simulate): a signed-in doctor sees the department's waiting queue (masked patient,
 * worded status) and an empty state for an empty tab; a card opens the consultation (detail,
 * the room's messages, patient facts, 接诊) and 接诊 POSTs …/accept and shows the consultation
 * in progress; a pharmacist sees the review queue and a card opens the review page; signed out,
 * every workspace page asks for staff sign-in. Every BFF answer is built through the contract's
 * schemas. `npm run build:weapp` first (root `npm test` does it).
 */
import {
  API_PREFIX,
  ConsultationMessageSchema,
  DiagnosisResponseSchema,
  MeResponseSchema,
  MessagesResponseSchema,
  PrescriptionVerificationSchema,
  ReadResponseSchema,
  WorkspaceConsultationDetailSchema,
  WorkspacePageSchema,
  WorkspacePrescriptionListSchema,
  WorkspacePrescriptionPageSchema,
  WorkspacePrescriptionSchema,
  type ConsultationMessage,
  type MeResponse,
  type RoomState,
  type WorkspaceConsultationDetail,
} from '@ih/contract';
import { deferred, json, launch, type Deferred, type MiniProgram, type SimReply } from './harness';

const WS = `${API_PREFIX}/workspace`;
const ROOM = `${API_PREFIX}/consultations`;
const SESSION = { 'ih.session.token': 'ih_at_staff', 'ih.session.refresh': 'ih_rt_staff' };

const CID = '0194c000-0000-7000-8000-0000000000c1';
const RXID = '0194c000-0000-7000-8000-0000000000f1';
const DOCTOR_ID = '0194c000-0000-7000-8000-0000000000d1';

const DOCTOR_ME: MeResponse = MeResponseSchema.parse({
  id: DOCTOR_ID, role: 'DOCTOR', roleLabel: '医生', displayName: '纳*梅', sessionId: 's-doc', channel: 'WEAPP', patient: null,
  staff: { nameMasked: '纳*梅', hospitalName: '宁夏医科大学总医院', departmentName: '心血管内科', title: 'CHIEF_PHYSICIAN' },
});
const PHARMACIST_ME: MeResponse = MeResponseSchema.parse({
  id: '0194c000-0000-7000-8000-0000000000e1', role: 'PHARMACIST', roleLabel: '药师', displayName: '马*兰', sessionId: 's-ph', channel: 'WEAPP', patient: null,
  staff: { nameMasked: '马*兰', hospitalName: '宁夏医科大学总医院', departmentName: '药剂科', title: null },
});

const room = (over: Partial<RoomState> = {}): RoomState => ({
  status: 'WAITING', displayStatus: 'WAITING', statusLabel: '待接诊', lastSeq: 2, myReadSeq: 0, peerReadSeq: 0, canSend: false, ...over,
});

function msg(seq: number, sender: 'PATIENT' | 'SYSTEM', text: string | null, systemCode: 'PAID' | 'ACCEPTED' | null = null): ConsultationMessage {
  return ConsultationMessageSchema.parse({
    id: `0194c000-0000-7000-8000-${String(9000 + seq).padStart(12, '0')}`, seq, sender, kind: sender === 'SYSTEM' ? 'SYSTEM' : 'TEXT', text, file: null,
    prescriptionId: null, systemCode, createdAt: `2026-11-22T08:0${seq}:00.000Z`,
  });
}
// What the patient's room holds while waiting: the payment note and the patient's own words.
const HISTORY = [msg(1, 'SYSTEM', '支付成功，已通知医生，请耐心等待医生接诊', 'PAID'), msg(2, 'PATIENT', '医生您好，降压药快吃完了')];

const WAITING: WorkspaceConsultationDetail = WorkspaceConsultationDetailSchema.parse({
  id: CID, consultationNo: 'WZ202611220007', status: 'WAITING', displayStatus: 'WAITING', statusLabel: '待接诊',
  patient: { nameMasked: '张*国', gender: 'MALE', age: 58 },
  disease: { code: 'I10.x00', name: '高血压', category: 'CHRONIC' }, insured: true, feeFen: 3000,
  descriptionPreview: '血压近一周在 140/90 左右', imageCount: 0,
  requestedDoctor: { id: DOCTOR_ID, name: '纳红梅' }, requestedMe: true,
  waitingSince: '2026-11-22T08:01:00.000Z', acceptDeadline: '2026-11-22T10:01:00.000Z', acceptedAt: null, endedAt: null, lastActivityAt: '2026-11-22T08:02:00.000Z',
  unreadCount: 1,
  description: '血压近一周在 140/90 左右，氨氯地平还剩 3 天的量',
  images: [],
  offlineDiagnosis: { hospitalCode: 'H64010000001', hospitalName: '宁夏医科大学总医院', visitNo: 'MZ-1', visitDate: '2026-10-13', departmentName: '心血管内科门诊', diagnosisCode: 'I10.x00', diagnosisName: '高血压' },
  selfPayReasons: [],
  offlineVisits: [{
    hospitalCode: 'H64010000001', hospitalName: '宁夏医科大学总医院', visitNo: 'MZ-1', visitDate: '2026-10-13', visitType: 'OUTPATIENT', departmentName: '心血管内科门诊',
    doctorName: '纳红梅', daysSinceVisit: 40, withinWindow: true, diagnoses: [{ code: 'I10.x00', name: '高血压', primary: true, inCatalog: true, payableOnline: true, category: 'CHRONIC' }],
  }],
  offlineVisitsError: null,
  previousConsultations: [],
  closeReason: null, closeReasonLabel: null,
  canAccept: true, canEnd: false,
  room: room(),
});

const ACCEPTED: WorkspaceConsultationDetail = WorkspaceConsultationDetailSchema.parse({
  ...WAITING, status: 'IN_PROGRESS', displayStatus: 'IN_PROGRESS', statusLabel: '问诊中', acceptedAt: '2026-11-22T08:10:00.000Z', acceptDeadline: null,
  canAccept: false, canEnd: true, room: room({ status: 'IN_PROGRESS', displayStatus: 'IN_PROGRESS', statusLabel: '问诊中', lastSeq: 3, canSend: true }),
});

/** A queue item is the detail without its detail-only fields. */
function itemOf(d: WorkspaceConsultationDetail) {
  const { description: _a, images: _b, offlineDiagnosis: _c, selfPayReasons: _d, offlineVisits: _e, offlineVisitsError: _f, previousConsultations: _g, closeReason: _h, closeReasonLabel: _i, canAccept: _j, canEnd: _k, room: _l, ...item } = d;
  return item;
}
const queue = (items: WorkspaceConsultationDetail[]) => json(WorkspacePageSchema.parse({ items: items.map(itemOf), nextCursor: null }));

const RX = WorkspacePrescriptionSchema.parse({
  id: RXID, rxNo: 'CF202611220003', version: 1, status: 'PENDING_REVIEW', statusLabel: '待药师审核', consultationId: CID, consultationNo: 'WZ202611220007',
  hospital: { id: 'h1', name: '宁夏医科大学总医院' }, department: { id: 'dep1', name: '心血管内科' },
  doctor: { id: DOCTOR_ID, name: '纳红梅', title: 'CHIEF_PHYSICIAN' }, pharmacist: null,
  patient: { id: 'p1', nameMasked: '张*国', gender: 'MALE', age: 58 },
  diagnosis: { code: 'I10.x00', name: '高血压' }, insured: true,
  items: [{
    id: 'it1', drugId: 'drug1', nationalCode: 'XC08CAA014A001010101445', drugName: '苯磺酸氨氯地平片', specification: '5mg*28片', unit: '盒',
    insuranceClass: 'CLASS_A', selfPay: false, quantity: 1, unitPriceFen: 2350, amountFen: 2350, dosage: '5mg', frequency: '每日一次', route: '口服', days: 28,
  }],
  totalFen: 2350, selfPayFen: 0, note: null,
  signature: { doctorSigned: true, doctorSignedAt: '2026-11-22T08:30:00.000Z', pharmacistSigned: false, pharmacistSignedAt: null, algorithm: 'SM3withSM2' },
  payable: false, validUntil: null, submittedAt: '2026-11-22T08:30:00.000Z', approvedAt: null, revokedAt: null,
  createdAt: '2026-11-22T08:20:00.000Z', updatedAt: '2026-11-22T08:30:00.000Z',
  previousId: null, nextId: null, rejectReason: null, reviseReason: null, reviews: [],
  actions: { edit: false, submit: false, discard: false, revise: false, review: true },
});
const VERIFICATION = PrescriptionVerificationSchema.parse({
  prescriptionId: RXID, rxNo: RX.rxNo, version: 1, valid: true, algorithm: 'SM3withSM2', computedHash: 'ab'.repeat(32), signedHash: 'ab'.repeat(32),
  signedAt: '2026-11-22T08:30:00.000Z', signerName: '纳红梅', signerPublicKey: 'BASE64KEY',
  checks: [{ check: 'CONTENT_HASH', ok: true, message: '处方内容与签名时一致' }, { check: 'DOCTOR_SIGNATURE', ok: true, message: '医生签名有效' }],
  verifiedAt: '2026-11-22T08:40:00.000Z',
});

/** wx.connectSocket that cannot connect: the room falls back to long polling (GET …/messages?wait=). */
function socketsUnavailable(mp: MiniProgram): void {
  (mp.wx as Record<string, unknown>).connectSocket = (o: { url: string; fail?: (e: unknown) => void }) => {
    mp.calls.push({ api: 'connectSocket', args: [o] });
    setTimeout(() => o.fail?.({ errMsg: 'connectSocket:fail network down' }), 0);
    return undefined;
  };
}

let mp: MiniProgram | undefined;
afterEach(async () => {
  const closing = mp;
  mp = undefined;
  await closing?.close();
});

const requestsTo = (m: MiniProgram, method: string, path: string) => m.requests.filter((r) => r.method === method && r.path === path);

test('a doctor\'s home: the waiting queue with the masked patient and worded status; an empty tab says so', async () => {
  mp = await launch({
    storage: SESSION,
    routes: {
      [`GET ${API_PREFIX}/auth/me`]: () => json(DOCTOR_ME),
      [`GET ${WS}/consultations`]: (req) => (req.query.status === 'WAITING' ? queue([WAITING]) : queue([])),
    },
  });
  const home = await mp.openPage('/packageDoctor/pages/index/index');
  const card = await home.waitFor('.consultation-card');

  expect(home.get('.workspace__title').text).toBe('医生工作台');
  expect(home.get('.workspace__lead').text).toBe('纳*梅 · 医生 · 宁夏医科大学总医院 · 心血管内科');
  expect(requestsTo(mp, 'GET', `${API_PREFIX}/auth/me`)[0]!.headers.authorization).toBe('Bearer ih_at_staff');
  const waitingCalls = requestsTo(mp, 'GET', `${WS}/consultations`);
  expect(waitingCalls.map((r) => r.query)).toEqual([{ status: 'WAITING', limit: '20' }]);
  expect(waitingCalls[0]!.headers.authorization).toBe('Bearer ih_at_staff');

  expect(home.get('.ws-tab--WAITING').hasClass('ws-tabs__tab--active')).toBe(true);
  expect(home.queryAll('.queue--waiting .consultation-card')).toHaveLength(1);
  expect(card.hasClass('consultation-card--waiting')).toBe(true);
  expect(card.get('.consultation-card__patient').text).toBe('张*国 · 男 · 58 岁');
  expect(card.get('.status--warn').text).toBe('待接诊');
  expect(card.get('.consultation-card__mine').text).toBe('指定我');
  expect(card.get('.consultation-card__unread').text).toBe('1 条未读');
  expect(card.text).toContain('复诊：高血压 · 医保 · 诊查费 ¥30.00');
  expect(card.get('.ws-card__text').text).toBe('血压近一周在 140/90 左右');
  expect(card.get('.consultation-card__open').text).toBe('查看并接诊');
  expect(home.query('.page-state--empty')).toBeUndefined();

  // 问诊中: none of mine → the empty state in words, no card.
  await home.tap('.ws-tab--IN_PROGRESS');
  const empty = await home.waitFor('.page-state--empty');
  expect(requestsTo(mp, 'GET', `${WS}/consultations`).map((r) => r.query.status)).toEqual(['WAITING', 'IN_PROGRESS']);
  expect(home.get('.ws-tab--IN_PROGRESS').hasClass('ws-tabs__tab--active')).toBe(true);
  expect(empty.get('.page-state__title').text).toBe('暂无进行中的问诊');
  expect(empty.get('.page-state__desc').text).toBe('接诊后的问诊会出现在这里。');
  expect(home.queryAll('.consultation-card')).toHaveLength(0);
});

test('a waiting card opens the consultation: detail, messages, patient facts and 接诊 → accepted', async () => {
  mp = await launch({
    followNavigation: true,
    storage: SESSION,
    routes: { [`GET ${API_PREFIX}/auth/me`]: () => json(DOCTOR_ME), [`GET ${WS}/consultations`]: () => queue([WAITING]) },
  });
  socketsUnavailable(mp);
  let accepted = false;
  const polls: Array<{ after: number; reply: Deferred<SimReply> }> = [];
  // Once accepted, the next read is held until the test answers it (a slow network).
  const reread = deferred<SimReply>();
  mp.route(`GET ${WS}/consultations/:id`, () => (accepted ? reread.promise : json(WAITING)));
  mp.route(`POST ${WS}/consultations/:id/accept`, () => {
    accepted = true;
    return json(ACCEPTED);
  });
  mp.route(`GET ${WS}/consultations/:id/diagnosis`, () => json(DiagnosisResponseSchema.parse({ diagnosis: null })));
  mp.route(`GET ${WS}/consultations/:id/prescriptions`, () => json(WorkspacePrescriptionListSchema.parse({ items: [] })));
  // Like the BFF: a long poll (wait > 0) answers at once when there is something after `after`,
  // otherwise it waits (here: until the test answers it).
  mp.route(`GET ${ROOM}/:id/messages`, (req) => {
    const after = Number(req.query.after ?? 0);
    const items = HISTORY.filter((m) => m.seq > after);
    if (Number(req.query.wait ?? 0) > 0 && items.length === 0) {
      const reply = deferred<SimReply>();
      polls.push({ after, reply });
      return reply.promise;
    }
    return json(MessagesResponseSchema.parse({ ...(accepted ? ACCEPTED.room : WAITING.room), items, hasMore: false }));
  });
  mp.route(`POST ${ROOM}/:id/read`, (req) => json(ReadResponseSchema.parse({ myReadSeq: (req.data as { seq: number }).seq, peerReadSeq: 0 })));

  const home = await mp.openPage('/packageDoctor/pages/index/index');
  await (await home.waitFor('.consultation-card--waiting')).tap();
  expect(mp.callsOf('navigateTo').map((o) => o.url)).toEqual([`/packageDoctor/pages/consultation/index?id=${CID}`]);

  const page = await mp.waitForPage('/packageDoctor/pages/consultation/index');
  expect(page.options).toEqual({ id: CID });
  const head = await page.waitFor('.consultation-head');
  expect(requestsTo(mp, 'GET', `${WS}/consultations/${CID}`)).toHaveLength(1);

  // The patient's facts.
  expect(head.get('.consultation-head__patient').text).toBe('张*国 · 男 · 58 岁');
  expect(head.get('.consultation-head__status').text).toBe('待接诊');
  expect(head.text).toContain('复诊：高血压（I10.x00） · 医保 · 诊查费 ¥30.00');
  expect(head.text).toContain('问诊号 WZ202611220007 · 患者选择的医生：纳红梅（我）');
  expect(head.get('.consultation-head__deadline').text).toContain('前接诊，超时将自动取消并为患者退款。');
  expect(page.get('.ws-tab--case').hasClass('ws-tabs__tab--active')).toBe(true);
  expect(page.get('.ws-pane--case').hasClass('ws-pane--hidden')).toBe(false);
  expect(page.get('.case-history__description').text).toBe('血压近一周在 140/90 左右，氨氯地平还剩 3 天的量');
  expect(page.get('.case-history__offline').text).toContain('高血压（I10.x00）');
  expect(page.get('.case-history__offline').text).toContain('2026-10-13 · 宁夏医科大学总医院 · 心血管内科门诊 · 就诊号 MZ-1');
  expect(page.get('.case-visit--recent').text).toContain('2026-10-13 宁夏医科大学总医院 · 心血管内科门诊 · 纳红梅 · 门诊');

  // The room's messages (history at once), in the doctor's words; no reply box before accepting.
  const theirs = await page.waitFor('.msg--theirs');
  const history = requestsTo(mp, 'GET', `${ROOM}/${CID}/messages`).find((r) => !r.query.wait)!;
  expect(history.query).toEqual({ after: '0', limit: '50' });
  expect(theirs.get('.msg__sender').text).toBe('患者');
  expect(theirs.get('.msg__text').text).toBe('医生您好，降压药快吃完了');
  expect(page.get('.msg--PAID .msg__system-text').text).toBe('患者已支付诊查费，等待接诊');
  expect(page.get('.chat__closed').text).toBe('接诊后才能回复患者。');
  expect(page.query('.chat__composer')).toBeUndefined();
  await page.waitFor(() => requestsTo(mp!, 'POST', `${ROOM}/${CID}/read`)[0]);
  expect(requestsTo(mp, 'POST', `${ROOM}/${CID}/read`)[0]!.data).toEqual({ seq: 2 });
  // No socket: the room long-polls after the last seq it has.
  expect(mp.callsOf('connectSocket')[0]).toEqual(expect.objectContaining({ url: 'ws://127.0.0.1:3000/api/v1/consultations/ws' }));
  await page.waitFor(() => polls[0]);
  expect(polls[0]!.after).toBe(2);

  // 接诊 (nothing diagnosed or prescribed before it).
  expect(page.query('.ws-actions__end')).toBeUndefined();
  expect(requestsTo(mp, 'GET', `${WS}/consultations/${CID}/diagnosis`)).toHaveLength(0);
  const accept = page.get('.ws-actions__accept');
  expect(accept.text).toBe('接诊');
  await accept.tap();
  await page.waitFor(() => requestsTo(mp!, 'POST', `${WS}/consultations/${CID}/accept`)[0]);
  const acceptReq = requestsTo(mp, 'POST', `${WS}/consultations/${CID}/accept`);
  expect(acceptReq).toHaveLength(1);
  expect(acceptReq[0]!.data).toEqual({});
  expect(acceptReq[0]!.headers.authorization).toBe('Bearer ih_at_staff');

  // Accepted: in progress, the chat pane in front, 结束问诊 instead of 接诊, diagnosis and prescriptions loaded.
  await page.waitFor(() => page.get('.consultation-head__status').text === '问诊中');
  await page.waitForGone('.ws-actions__accept');
  expect(page.get('.ws-actions__end').text).toBe('结束问诊');
  expect(page.query('.consultation-head__deadline')).toBeUndefined();
  expect(page.get('.ws-tab--chat').hasClass('ws-tabs__tab--active')).toBe(true);
  expect(page.get('.ws-pane--chat').hasClass('ws-pane--hidden')).toBe(false);
  expect(page.get('.ws-pane--case').hasClass('ws-pane--hidden')).toBe(true);
  expect(mp.callsOf('showToast')).toEqual([expect.objectContaining({ title: '已接诊', icon: 'success' })]);
  await page.waitFor(() => requestsTo(mp!, 'GET', `${WS}/consultations/${CID}/prescriptions`)[0]);
  expect(requestsTo(mp, 'GET', `${WS}/consultations/${CID}/diagnosis`)).toHaveLength(1);

  // The long poll answers with the status change (as the BFF does): the reply box opens.
  polls[0]!.reply.resolve(json(MessagesResponseSchema.parse({ ...ACCEPTED.room, items: [msg(3, 'SYSTEM', '医生已接诊，请描述您的病情变化和用药情况', 'ACCEPTED')], hasMore: false })));
  await page.waitFor('.chat__composer');
  expect(page.query('.chat__closed')).toBeUndefined();
  expect(page.get('.msg--ACCEPTED .msg__system-text').text).toBe('已接诊，请了解患者病情变化和用药情况');
  expect(page.get('.form-input--chat')).toBeDefined();
  // The room's status change makes the page read the consultation again (the BFF's current state).
  await page.waitFor(() => requestsTo(mp!, 'GET', `${WS}/consultations/${CID}`).length === 2);
  // While that read is on its way the page keeps the accepted state: 接诊 never comes back.
  await new Promise((r) => setTimeout(r, 50));
  expect(page.get('.consultation-head__status').text).toBe('问诊中');
  expect(page.query('.ws-actions__accept')).toBeUndefined();
  reread.resolve(json(ACCEPTED));
  await page.waitFor(() => page.get('.consultation-head__status').text === '问诊中');
  expect(page.query('.ws-actions__accept')).toBeUndefined();
  expect(page.get('.ws-actions__end').text).toBe('结束问诊');
  expect(requestsTo(mp, 'POST', `${WS}/consultations/${CID}/accept`)).toHaveLength(1);
});

test('a pharmacist\'s home: the review queue (待审核) with a prescription card that opens the review page', async () => {
  mp = await launch({
    followNavigation: true,
    storage: SESSION,
    routes: {
      [`GET ${API_PREFIX}/auth/me`]: () => json(PHARMACIST_ME),
      [`GET ${WS}/review-queue`]: () => json(WorkspacePrescriptionPageSchema.parse({ items: [RX], page: 1, pageSize: 20, total: 1 })),
      [`GET ${WS}/prescriptions/:id`]: () => json(RX),
      [`GET ${API_PREFIX}/prescriptions/:id/verification`]: () => json(VERIFICATION),
    },
  });
  const home = await mp.openPage('/packageDoctor/pages/index/index');
  const card = await home.waitFor('.review-card');

  expect(home.get('.workspace__title').text).toBe('药师审方');
  expect(home.query('.doctor-queues')).toBeUndefined();
  expect(requestsTo(mp, 'GET', `${WS}/consultations`)).toHaveLength(0);
  expect(requestsTo(mp, 'GET', `${WS}/review-queue`).map((r) => r.query)).toEqual([{ status: 'PENDING_REVIEW', page: '1', pageSize: '20' }]);
  expect(home.get('.ws-tab--PENDING_REVIEW').text).toBe('待审核');
  expect(home.get('.ws-tab--PENDING_REVIEW').hasClass('ws-tabs__tab--active')).toBe(true);
  expect(home.queryAll('.queue--pending_review .review-card')).toHaveLength(1);
  expect(card.hasClass('review-card--pending_review')).toBe(true);
  expect(card.get('.ws-card__name').text).toBe('处方 CF202611220003');
  expect(card.get('.status--warn').text).toBe('待药师审核');
  expect(card.text).toContain('患者：张*国 · 男 · 58 岁');
  expect(card.text).toContain('诊断：高血压（I10.x00）');
  expect(card.text).toContain('纳红梅 主任医师 · 心血管内科');
  expect(card.text).toContain('1 种药品 · 合计 ¥23.50');
  expect(card.get('.review-card__open').text).toBe('审核处方');

  await card.tap();
  expect(mp.callsOf('navigateTo').map((o) => o.url)).toEqual([`/packageDoctor/pages/review/index?id=${RXID}`]);
  const page = await mp.waitForPage('/packageDoctor/pages/review/index');
  const sheet = await page.waitFor('.rx-sheet');
  expect(requestsTo(mp, 'GET', `${WS}/prescriptions/${RXID}`)).toHaveLength(1);
  expect(sheet.get('.rx-status').text).toBe('待药师审核');
  expect(sheet.text).toContain('处方号 CF202611220003');
  expect(sheet.get('.rx-item__name').text).toContain('苯磺酸氨氯地平片');
  expect(sheet.get('.rx-sheet__total-value').text).toBe('¥23.50');
  const verified = await page.waitFor('.rx-verify--valid');
  expect(requestsTo(mp, 'GET', `${API_PREFIX}/prescriptions/${RXID}/verification`)).toHaveLength(1);
  expect(verified.get('.rx-verify__title').text).toBe('电子签名验证通过');
  expect(page.get('.review-form__approve').text).toBe('审核通过');
  expect(page.get('.review-form__reject').text).toBe('审核不通过');
  expect(page.query('.review-form__hint')).toBeUndefined();
});

test('signed out: the workspace asks for staff sign-in (no BFF call) and the button opens it', async () => {
  mp = await launch();
  const home = await mp.openPage('/packageDoctor/pages/index/index');
  const gate = await home.waitFor('.staff-gate--signed-out');
  expect(gate.get('.staff-gate__title').text).toBe('请先登录');
  expect(gate.get('.staff-gate__lead').text).toBe('工作台仅供本院医生、药师使用，请使用医院分配的账号登录。');
  expect(home.query('.workspace__head')).toBeUndefined();
  expect(home.query('.doctor-queues')).toBeUndefined();
  expect(mp.requests).toEqual([]);

  await home.tap('.staff-gate__login');
  expect(mp.callsOf('navigateTo').map((o) => o.url)).toEqual(['/pages/auth/staff/index']);

  // The consultation page behind the same gate.
  const consultation = await mp.openPage('/packageDoctor/pages/consultation/index', { query: { id: CID } });
  await consultation.waitFor('.staff-gate--signed-out');
  expect(consultation.query('.consultation-head')).toBeUndefined();
  expect(mp.requests).toEqual([]);
});
