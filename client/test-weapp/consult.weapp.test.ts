/**
 * 我的问诊 and the 问诊室 in the real WeChat build (client/dist/weapp, miniprogram-simulate): the
 * tab lists the consultations with worded statuses; a card opens the room (subpackage
 * packageConsult) with the messages; the room connects wx.connectSocket with the session in the
 * header (no auth frame), subscribes with the last seq and shows pushed replies; text is sent
 * with POST; when the socket fails the room long-polls and still shows the doctor's reply.
 * `npm run build:weapp` first (root `npm test` does it).
 */
import {
  API_PREFIX,
  ConsultationDetailSchema,
  ConsultationMessageSchema,
  ConsultationPageSchema,
  MessagesResponseSchema,
  type ConsultationDetail,
  type ConsultationMessage,
  type RoomState,
} from '@ih/contract';
import { deferred, json, launch, settle, type Deferred, type MiniProgram, type SimReply } from './harness';

const CID = '0193b000-0000-7000-8000-0000000000c1';
const C = `${API_PREFIX}/consultations`;
const SESSION = { 'ih.session.token': 'ih_at_sim', 'ih.session.refresh': 'ih_rt_sim' };

const room = (over: Partial<RoomState> = {}): RoomState => ({ status: 'IN_PROGRESS', displayStatus: 'IN_PROGRESS', statusLabel: '问诊中', lastSeq: 2, myReadSeq: 2, peerReadSeq: 1, canSend: true, ...over });

function msg(seq: number, sender: 'PATIENT' | 'DOCTOR' | 'SYSTEM', text: string): ConsultationMessage {
  return ConsultationMessageSchema.parse({
    id: `0193b000-0000-7000-8000-${String(9000 + seq).padStart(12, '0')}`, seq, sender, kind: sender === 'SYSTEM' ? 'SYSTEM' : 'TEXT', text, file: null,
    prescriptionId: null, systemCode: sender === 'SYSTEM' ? 'ACCEPTED' : null, createdAt: `2026-11-22T08:0${seq}:00.000Z`,
  });
}

const HISTORY = [msg(1, 'SYSTEM', '医生已接诊，请描述您的病情变化和用药情况'), msg(2, 'PATIENT', '最近血压偏高')];

const DETAIL: ConsultationDetail = ConsultationDetailSchema.parse({
  id: CID, consultationNo: 'WZ202611220001', status: 'IN_PROGRESS', displayStatus: 'IN_PROGRESS', statusLabel: '问诊中',
  patient: { id: 'p1', nameMasked: '张*国' },
  doctor: { id: 'd1', name: '纳红梅', title: 'CHIEF_PHYSICIAN', departmentName: '心血管内科', hospitalName: '宁夏医科大学总医院' },
  disease: { code: 'I10.x00', name: '高血压', category: 'CHRONIC' }, insured: true, feeFen: 3000, unreadCount: 1,
  lastMessage: { preview: '最近血压偏高', sender: 'PATIENT', createdAt: '2026-11-22T08:02:00.000Z' },
  createdAt: '2026-11-22T08:00:00.000Z', updatedAt: '2026-11-22T08:02:00.000Z',
  description: '血压近一周在 140/90 左右', images: [], offlineDiagnosis: null, selfPayReasons: [],
  order: { id: 'o1', orderNo: 'DD1', state: 'PAID', expiresAt: null }, paidAt: null, acceptedAt: null, endedAt: null, cancelledAt: null,
  closeReason: null, closeReasonLabel: null, acceptDeadline: null, canCancel: false, room: room(),
});

/** A list item is the detail without its detail-only fields. */
function summaryOf(d: ConsultationDetail) {
  const { description: _a, images: _b, offlineDiagnosis: _c, selfPayReasons: _d, order: _e, paidAt: _f, acceptedAt: _g, endedAt: _h, cancelledAt: _i, closeReason: _j, closeReasonLabel: _k, acceptDeadline: _l, canCancel: _m, room: _n, ...summary } = d;
  return summary;
}

const LIST = ConsultationPageSchema.parse({
  items: [
    summaryOf(DETAIL),
    summaryOf({ ...DETAIL, id: '0193b000-0000-7000-8000-0000000000c2', status: 'PENDING_PAYMENT', displayStatus: 'PENDING_PAYMENT', statusLabel: '待支付', unreadCount: 0, lastMessage: null }),
  ],
  nextCursor: null,
});

/** A WeChat SocketTask the test drives (wx.connectSocket returns it; success follows). */
interface SimSocket {
  url: string;
  header: Record<string, string>;
  sent: unknown[];
  closed: boolean;
  emit(event: 'open' | 'message' | 'error' | 'close', payload?: unknown): Promise<void>;
  push(frame: unknown): Promise<void>;
}

function installSockets(mp: MiniProgram, mode: 'work' | 'fail'): SimSocket[] {
  const sockets: SimSocket[] = [];
  (mp.wx as Record<string, unknown>).connectSocket = (o: { url: string; header?: Record<string, string>; success?: (r: unknown) => void; fail?: (e: unknown) => void }) => {
    mp.calls.push({ api: 'connectSocket', args: [o] });
    if (mode === 'fail') {
      setTimeout(() => o.fail?.({ errMsg: 'connectSocket:fail network down' }), 0);
      return undefined;
    }
    const listeners: Record<string, Array<(x: unknown) => void>> = { open: [], message: [], error: [], close: [] };
    const s: SimSocket = {
      url: o.url,
      header: o.header ?? {},
      sent: [],
      closed: false,
      emit: async (event, payload = {}) => {
        listeners[event]!.forEach((l) => l(payload));
        await settle();
      },
      push: (frame) => s.emit('message', { data: JSON.stringify(frame) }),
    };
    sockets.push(s);
    setTimeout(() => o.success?.({ errMsg: 'connectSocket:ok' }), 0);
    return {
      send: ({ data }: { data: string }) => s.sent.push(JSON.parse(data)),
      close: () => {
        s.closed = true;
      },
      onOpen: (l: (x: unknown) => void) => listeners.open!.push(l),
      onMessage: (l: (x: unknown) => void) => listeners.message!.push(l),
      onError: (l: (x: unknown) => void) => listeners.error!.push(l),
      onClose: (l: (x: unknown) => void) => listeners.close!.push(l),
    };
  };
  return sockets;
}

/** The room's routes; long polls (wait > 0) wait in `polls` until the test answers them. */
function roomRoutes(mp: MiniProgram, polls: Array<{ after: number; reply: Deferred<SimReply> }>, sent: unknown[]) {
  mp.route(`GET ${C}/:id`, () => json(DETAIL));
  mp.route(`GET ${C}/:id/messages`, (req) => {
    const after = Number(req.query.after ?? 0);
    if (Number(req.query.wait ?? 0) > 0) {
      const reply = deferred<SimReply>();
      polls.push({ after, reply });
      return reply.promise;
    }
    return json(MessagesResponseSchema.parse({ ...room(), items: HISTORY.filter((m) => m.seq > after), hasMore: false }));
  });
  mp.route(`POST ${C}/:id/read`, (req) => json({ myReadSeq: (req.data as { seq: number }).seq, peerReadSeq: 1 }));
  mp.route(`POST ${C}/:id/messages`, (req) => {
    sent.push(req.data);
    return json(msg(3, 'PATIENT', (req.data as { text: string }).text), 201);
  });
}

let mp: MiniProgram | undefined;
afterEach(async () => {
  const closing = mp;
  mp = undefined;
  await closing?.close();
});

test('我的问诊 → a card → the room over the socket: history, a pushed reply, sending text', async () => {
  mp = await launch({ followNavigation: true, storage: SESSION, routes: { [`GET ${C}`]: () => json(LIST) } });
  const polls: Array<{ after: number; reply: Deferred<SimReply> }> = [];
  const sent: unknown[] = [];
  roomRoutes(mp, polls, sent);
  const sockets = installSockets(mp, 'work');

  const list = await mp.openPage('/pages/consult/index');
  const card = await list.waitFor('.consult-card');
  expect(list.queryAll('.consult-card')).toHaveLength(2);
  expect(card.get('.status-chip').text).toBe('问诊中');
  expect(card.get('.consult-card__unread').text).toBe('1 条未读');
  expect(list.get('.consult-card--PENDING_PAYMENT .status-chip').text).toBe('待支付');
  expect(mp.requests[0]!.query).toEqual({ status: 'ALL', limit: '20' });
  expect(mp.requests[0]!.headers.authorization).toBe('Bearer ih_at_sim');
  await card.tap();

  const page = await mp.waitForPage('/packageConsult/pages/room/index');
  expect(page.options).toEqual({ id: CID });
  await page.waitFor('.msg--mine');
  expect(page.get('.room-status__label').text).toBe('问诊中');
  expect(page.get('.msg--system').text).toContain('医生已接诊');
  expect(page.get('.msg--mine .msg__text').text).toBe('最近血压偏高');
  expect(page.get('.msg--mine .msg__read').text).toBe('未读'); // the doctor has read up to seq 1

  // The socket: the session in the header (no auth frame on WeChat), subscribe with the last seq.
  await page.waitFor(() => sockets[0]);
  expect(sockets[0]!.url).toBe('ws://127.0.0.1:3000/api/v1/consultations/ws');
  expect(sockets[0]!.header.Authorization).toBe('Bearer ih_at_sim');
  await sockets[0]!.emit('open');
  expect(sockets[0]!.sent).toEqual([]);
  await sockets[0]!.push({ type: 'ready', role: 'PATIENT' });
  expect(sockets[0]!.sent).toEqual([{ type: 'subscribe', consultationId: CID, afterSeq: 2 }]);
  await sockets[0]!.push({ type: 'subscribed', consultationId: CID, state: room() });
  await page.waitFor('.room-conn--live');
  await sockets[0]!.push({ type: 'state', consultationId: CID, state: room({ peerReadSeq: 2 }) });
  expect(page.get('.msg--mine .msg__read').text).toBe('已读');
  await sockets[0]!.push({ type: 'message', consultationId: CID, message: msg(3, 'DOCTOR', '请继续服药，一周后复查') });
  const reply = await page.waitFor('.msg--theirs');
  expect(reply.get('.msg__text').text).toBe('请继续服药，一周后复查');
  expect(polls).toHaveLength(0);

  // Sending text.
  await page.get('.room__input').input('好的，谢谢医生');
  await page.tap('.room__send');
  await page.waitFor(() => sent.length > 0);
  expect(sent[0]).toEqual({ kind: 'TEXT', text: '好的，谢谢医生', clientMsgId: expect.stringMatching(/^[A-Za-z0-9_-]{8,64}$/) });
  expect(mp.callsOf('showToast')).toEqual([]);
});

test('the socket cannot connect: the room long-polls and still shows the doctor\'s reply, then marks it read', async () => {
  mp = await launch({ storage: SESSION });
  const polls: Array<{ after: number; reply: Deferred<SimReply> }> = [];
  roomRoutes(mp, polls, []);
  installSockets(mp, 'fail');

  const page = await mp.openPage('/packageConsult/pages/room/index', { query: { id: CID } });
  await page.waitFor('.msg--mine');
  await page.waitFor(() => polls[0]);
  expect(polls[0]!.after).toBe(2);
  const poll = mp.requests.find((r) => r.query.wait)!;
  expect(poll.query).toEqual(expect.objectContaining({ after: '2', wait: '25' }));
  expect(page.get('.room-conn').hasClass('room-conn--polling')).toBe(true);
  expect(page.get('.room-conn').text).toBe('网络不稳定，正在重新连接，消息仍会自动刷新');

  polls[0]!.reply.resolve(json(MessagesResponseSchema.parse({ ...room({ lastSeq: 3, peerReadSeq: 2 }), items: [msg(3, 'DOCTOR', '血压药不要停')], hasMore: false })));
  const reply = await page.waitFor('.msg--theirs');
  expect(reply.get('.msg__text').text).toBe('血压药不要停');
  await page.waitFor(() => mp!.requests.find((r) => r.method === 'POST' && r.path.endsWith('/read')));
  expect(mp.requests.find((r) => r.method === 'POST' && r.path.endsWith('/read'))!.data).toEqual({ seq: 3 });
  await page.waitFor(() => polls[1]);
  expect(polls[1]!.after).toBe(3);
});
