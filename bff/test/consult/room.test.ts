/**
 * The room on the real database: messages with seqs, long polling (woken by a new message, by a
 * change written by "another instance" straight into the database, timing out empty), read
 * marks both ways, images (≤ 9 per consultation), idempotent sends, closed rooms, and the
 * WebSocket against a listening server (auth by header and by first frame, pushed messages,
 * read receipts and status changes, catch-up after reconnect, refused tokens).
 */
import WebSocket from 'ws';
import { MessagesResponseSchema, WsServerMessageSchema, type WsServerMessage } from '@ih/contract';
import { startServer, type RunningServer } from '../../src/server';
import { appendMessage } from '../../src/domains/consult/messages';
import { api, inProgressConsultation, makeWorld, newOwner, uploadedImage, waitingConsultation, type World } from './world';

let w: World;
let server: RunningServer;

beforeAll(async () => {
  w = await makeWorld({ settings: { dbPollMs: 300, longPollMaxSeconds: 5, maxImages: 3 }, realtime: { authTimeoutMs: 1000 } });
  server = await startServer({ config: w.config, prisma: w.prisma, logger: w.log.logger, app: w.app });
});
afterAll(async () => {
  await server.close();
  await w.close().catch(() => undefined);
});

const sendText = (id: string, token: string, text: string, extra: Record<string, unknown> = {}) => api(w).post(`/consultations/${id}/messages`, token, { kind: 'TEXT', text, ...extra });

describe('messages', () => {
  it('patient and doctor exchange texts with consecutive seqs; the text is encrypted at rest; sending advances my read mark', async () => {
    const c = await inProgressConsultation(w);
    const p = await sendText(c.id, c.owner.token, '医生您好，最近血压150/95');
    expect(p.status).toBe(201);
    expect(p.body).toMatchObject({ sender: 'PATIENT', kind: 'TEXT', text: '医生您好，最近血压150/95', file: null });
    const d = await sendText(c.id, w.doctor.A.token, '建议加用一种降压药');
    expect(d.body.seq).toBe(p.body.seq + 1);
    const res = await api(w).get(`/consultations/${c.id}/messages?after=0`, c.owner.token);
    const body = MessagesResponseSchema.parse(res.body);
    expect(body.items.map((m) => m.seq)).toEqual(body.items.map((_, i) => i + 1));
    expect(body.items.map((m) => m.systemCode ?? m.text)).toEqual(['CREATED', 'PAID', 'ACCEPTED', '医生您好，最近血压150/95', '建议加用一种降压药']);
    expect(body).toMatchObject({ status: 'IN_PROGRESS', statusLabel: '问诊中', canSend: true, lastSeq: d.body.seq, hasMore: false });
    const raw = await w.prisma.consultationMessage.findFirstOrThrow({ where: { id: p.body.id } });
    expect(raw.textEnc).not.toContain('血压');
    const state = await w.prisma.consultation.findUniqueOrThrow({ where: { id: c.id } });
    expect(state.patientReadSeq).toBe(p.body.seq);
    expect(state.doctorReadSeq).toBe(d.body.seq);
    // Paging with after/limit.
    const page = MessagesResponseSchema.parse((await api(w).get(`/consultations/${c.id}/messages?after=1&limit=2`, w.doctor.A.token)).body);
    expect(page.items.map((m) => m.seq)).toEqual([2, 3]);
    expect(page.hasMore).toBe(true);
  });

  it('a retried send with the same clientMsgId returns the same message (no duplicate)', async () => {
    const c = await inProgressConsultation(w);
    const a = await sendText(c.id, c.owner.token, '重复发送测试', { clientMsgId: 'cm_0000000001' });
    const b = await sendText(c.id, c.owner.token, '重复发送测试', { clientMsgId: 'cm_0000000001' });
    expect(b.status).toBe(201);
    expect(b.body.id).toBe(a.body.id);
    expect(await w.prisma.consultationMessage.count({ where: { consultationId: c.id, clientMsgId: 'cm_0000000001' } })).toBe(1);
  });

  it('images by file id: shown with a signed URL, readable by the doctor; at most the configured number per consultation (description included)', async () => {
    const owner = await newOwner();
    const first = await uploadedImage(w, owner);
    const c = await inProgressConsultation(w, w.doctor.A, { imageFileIds: [first] }, owner);
    const f2 = await uploadedImage(w, owner);
    const img = await api(w).post(`/consultations/${c.id}/messages`, c.owner.token, { kind: 'IMAGE', fileId: f2 });
    expect(img.status).toBe(201);
    expect(img.body).toMatchObject({ kind: 'IMAGE', text: null, file: { id: f2, mime: 'image/png', url: expect.stringContaining(`/files/${f2}/content`) } });
    expect((await api(w).get(`/files/${f2}`, w.doctor.A.token)).status).toBe(200);
    const docImg = await api(w).post(`/consultations/${c.id}/messages`, w.doctor.A.token, { kind: 'IMAGE', fileId: await uploadedImage(w, w.doctor.A) });
    expect(docImg.status).toBe(201);
    const over = await api(w).post(`/consultations/${c.id}/messages`, c.owner.token, { kind: 'IMAGE', fileId: await uploadedImage(w, owner) });
    expect(over.status).toBe(409);
    expect(over.body).toMatchObject({ code: 'CONSULTATION_IMAGE_LIMIT', message: expect.stringContaining('3 张') });
    // The description's image stays a description image; the room's are messages.
    const detail = (await api(w).get(`/consultations/${c.id}`, c.owner.token)).body;
    expect(detail.images.map((i: { id: string }) => i.id)).toEqual([first]);
    // Somebody else's upload cannot be sent.
    const foreign = await api(w).post(`/consultations/${c.id}/messages`, w.doctor.A.token, { kind: 'IMAGE', fileId: await uploadedImage(w, w.other) });
    expect(foreign.status).toBe(409);
  });

  it('who may send: the patient while waiting; the doctor only after accepting; nobody once it ended', async () => {
    const c = await waitingConsultation(w);
    expect((await sendText(c.id, c.owner.token, '补充：还有点头晕')).status).toBe(201);
    const early = await sendText(c.id, w.doctor.A.token, '你好');
    expect(early.status).toBe(409);
    expect(early.body.code).toBe('CONSULTATION_NOT_ACCEPTED');
    expect((await api(w).post(`/workspace/consultations/${c.id}/accept`, w.doctor.A.token)).status).toBe(200);
    expect((await sendText(c.id, w.doctor.A.token, '你好')).status).toBe(201);
    expect((await api(w).post(`/workspace/consultations/${c.id}/end`, w.doctor.A.token)).body.status).toBe('COMPLETED');
    for (const token of [c.owner.token, w.doctor.A.token]) {
      const r = await sendText(c.id, token, '还在吗');
      expect(r.status).toBe(409);
      expect(r.body.code).toBe('CONSULTATION_CLOSED');
    }
    const m = MessagesResponseSchema.parse((await api(w).get(`/consultations/${c.id}/messages`, c.owner.token)).body);
    expect(m).toMatchObject({ status: 'COMPLETED', statusLabel: '已结束', canSend: false });
    expect(m.items.at(-1)).toMatchObject({ systemCode: 'ENDED' });
    // Unpaid: nothing can be sent yet.
    const { createConsultation } = await import('./world');
    const unpaid = await createConsultation(w, { doctorId: w.doctor.X.doctorId });
    expect((await sendText(unpaid.id, w.owner.token, '你好')).body.code).toBe('CONSULTATION_CLOSED');
    await api(w).post(`/consultations/${unpaid.id}/cancel`, w.owner.token);
  });

  it('validation: empty text, too long, unknown kind', async () => {
    const c = await inProgressConsultation(w);
    expect((await sendText(c.id, c.owner.token, '   ')).status).toBe(400);
    expect((await sendText(c.id, c.owner.token, '字'.repeat(1001))).body.fields[0].message).toContain('1000');
    expect((await api(w).post(`/consultations/${c.id}/messages`, c.owner.token, { kind: 'VIDEO' })).status).toBe(400);
  });
});

describe('read state', () => {
  it('POST …/read moves my mark (never back, never past the end); the other side sees it as peerReadSeq (已读)', async () => {
    const c = await inProgressConsultation(w);
    const d1 = await sendText(c.id, w.doctor.A.token, '请问最近测了几次血压？');
    const before = MessagesResponseSchema.parse((await api(w).get(`/consultations/${c.id}/messages`, w.doctor.A.token)).body);
    expect(before.peerReadSeq).toBeLessThan(d1.body.seq);
    const patientList = (await api(w).get('/consultations?status=IN_PROGRESS', c.owner.token)).body.items.find((i: { id: string }) => i.id === c.id);
    expect(patientList.unreadCount).toBeGreaterThanOrEqual(1);
    const r = await api(w).post(`/consultations/${c.id}/read`, c.owner.token, { seq: 10_000 });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ myReadSeq: d1.body.seq, peerReadSeq: d1.body.seq });
    expect((await api(w).post(`/consultations/${c.id}/read`, c.owner.token, { seq: 1 })).body.myReadSeq).toBe(d1.body.seq);
    const after = MessagesResponseSchema.parse((await api(w).get(`/consultations/${c.id}/messages`, w.doctor.A.token)).body);
    expect(after.peerReadSeq).toBe(d1.body.seq);
    const listed = (await api(w).get('/consultations?status=IN_PROGRESS', c.owner.token)).body.items.find((i: { id: string }) => i.id === c.id);
    expect(listed.unreadCount).toBe(0);
  });

  it('a colleague previewing a WAITING one reads without marking it read for the patient', async () => {
    const c = await waitingConsultation(w);
    await sendText(c.id, c.owner.token, '补充说明');
    const r = await api(w).post(`/consultations/${c.id}/read`, w.doctor.B.token, { seq: 100 });
    expect(r.body.myReadSeq).toBe(0);
    expect((await w.prisma.consultation.findUniqueOrThrow({ where: { id: c.id } })).doctorReadSeq).toBe(0);
    await api(w).post(`/consultations/${c.id}/cancel`, c.owner.token);
  });
});

describe('long polling', () => {
  it('waits, and answers as soon as the other side sends (same instance: the in-process bus)', async () => {
    const c = await inProgressConsultation(w);
    const last = MessagesResponseSchema.parse((await api(w).get(`/consultations/${c.id}/messages`, c.owner.token)).body).lastSeq;
    const started = Date.now();
    const poll = api(w).get(`/consultations/${c.id}/messages?after=${last}&wait=5`, c.owner.token);
    const pollDone = poll.then((r) => ({ r, at: Date.now() }));
    await new Promise((r) => setTimeout(r, 400));
    const sent = await sendText(c.id, w.doctor.A.token, '在的，请讲');
    const { r, at } = await pollDone;
    expect(r.status).toBe(200);
    expect(r.body.items.map((m: { id: string }) => m.id)).toEqual([sent.body.id]);
    expect(at - started).toBeGreaterThanOrEqual(350);
    expect(at - started).toBeLessThan(3000);
  });

  it('is woken by a message another BFF instance wrote (no bus event: the database poll sees it)', async () => {
    const c = await inProgressConsultation(w);
    const last = MessagesResponseSchema.parse((await api(w).get(`/consultations/${c.id}/messages`, c.owner.token)).body).lastSeq;
    const pollDone = api(w).get(`/consultations/${c.id}/messages?after=${last}&wait=5`, c.owner.token).then((r) => ({ r, at: Date.now() }));
    await new Promise((r) => setTimeout(r, 300));
    const startedWrite = Date.now();
    await w.prisma.$transaction((tx) => appendMessage(tx, { consultationId: c.id, sender: 'SYSTEM', kind: 'SYSTEM', systemCode: 'PRESCRIPTION_ISSUED' }));
    const { r, at } = await pollDone;
    expect(r.body.items).toEqual([expect.objectContaining({ systemCode: 'PRESCRIPTION_ISSUED' })]);
    expect(at - startedWrite).toBeLessThan(2000); // poll every 300 ms here
  });

  it('answers on a status change (the doctor ends it) and, with nothing new, after the wait with no items', async () => {
    const c = await inProgressConsultation(w);
    const last = MessagesResponseSchema.parse((await api(w).get(`/consultations/${c.id}/messages`, c.owner.token)).body).lastSeq;
    const quiet = Date.now();
    const empty = await api(w).get(`/consultations/${c.id}/messages?after=${last}&wait=1`, c.owner.token);
    expect(Date.now() - quiet).toBeGreaterThanOrEqual(900);
    expect(empty.body.items).toEqual([]);
    const poll = api(w).get(`/consultations/${c.id}/messages?after=${last}&wait=5`, c.owner.token);
    await new Promise((r) => setTimeout(r, 300));
    await api(w).post(`/workspace/consultations/${c.id}/end`, w.doctor.A.token);
    const r = await poll;
    expect(r.body.status).toBe('COMPLETED');
    expect(r.body.items.at(-1)).toMatchObject({ systemCode: 'ENDED' });
  });

  it('a queue doctor waiting on a WAITING room gets 404 once a colleague accepted it', async () => {
    const c = await waitingConsultation(w);
    const last = (await api(w).get(`/consultations/${c.id}/messages`, w.doctor.B.token)).body.lastSeq;
    const poll = api(w).get(`/consultations/${c.id}/messages?after=${last}&wait=5`, w.doctor.B.token);
    await new Promise((r) => setTimeout(r, 300));
    expect((await api(w).post(`/workspace/consultations/${c.id}/accept`, w.doctor.A.token)).status).toBe(200);
    expect((await poll).status).toBe(404);
  });
});

// ── WebSocket ────────────────────────────────────────────────────────────────────────────────
function wsUrl(): string {
  return `${server.url.replace('http', 'ws')}/api/v1/consultations/ws`;
}

class Client {
  readonly frames: WsServerMessage[] = [];
  private waiters: Array<() => void> = [];
  closed: { code: number } | null = null;
  constructor(readonly ws: WebSocket) {
    ws.on('message', (d) => {
      this.frames.push(WsServerMessageSchema.parse(JSON.parse(d.toString())));
      for (const f of this.waiters.splice(0)) f();
    });
    ws.on('close', (code) => {
      this.closed = { code };
      for (const f of this.waiters.splice(0)) f();
    });
  }
  static async open(headers: Record<string, string> = {}): Promise<Client> {
    const ws = new WebSocket(wsUrl(), { headers });
    const c = new Client(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return c;
  }
  send(frame: unknown): void {
    this.ws.send(JSON.stringify(frame));
  }
  async next<T extends WsServerMessage['type']>(type: T, pred: (f: Extract<WsServerMessage, { type: T }>) => boolean = () => true, timeoutMs = 5000): Promise<Extract<WsServerMessage, { type: T }>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = this.frames.findIndex((f) => f.type === type && pred(f as Extract<WsServerMessage, { type: T }>));
      if (i >= 0) return this.frames.splice(i, 1)[0] as Extract<WsServerMessage, { type: T }>;
      if (this.closed) throw new Error(`socket closed (${this.closed.code}) before a ${type} frame`);
      if (Date.now() > deadline) throw new Error(`no ${type} frame within ${timeoutMs} ms: ${JSON.stringify(this.frames)}`);
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 100);
      });
    }
  }
  async closedWith(timeoutMs = 3000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    if (!this.closed) throw new Error('socket still open');
    return this.closed.code;
  }
  close(): void {
    this.ws.close();
  }
}

describe('WebSocket', () => {
  it('authenticated by header: pushes the other side’s new message, the read receipt and the status change', async () => {
    const c = await inProgressConsultation(w);
    const patient = await Client.open({ Authorization: `Bearer ${c.owner.token}` });
    try {
      await patient.next('ready');
      const last = MessagesResponseSchema.parse((await api(w).get(`/consultations/${c.id}/messages`, c.owner.token)).body).lastSeq;
      patient.send({ type: 'subscribe', consultationId: c.id, afterSeq: last });
      const sub = await patient.next('subscribed');
      expect(sub.state).toMatchObject({ status: 'IN_PROGRESS', canSend: true, lastSeq: last });
      const sent = await sendText(c.id, w.doctor.A.token, '请按时服药，一周后复测');
      const pushed = await patient.next('message', (f) => f.consultationId === c.id);
      expect(pushed.message).toMatchObject({ id: sent.body.id, seq: sent.body.seq, sender: 'DOCTOR', text: '请按时服药，一周后复测' });
      // The patient sends, the doctor reads: the patient's socket gets the receipt.
      const mine = await sendText(c.id, c.owner.token, '好的，谢谢医生');
      await patient.next('message', (f) => f.message.id === mine.body.id);
      await api(w).post(`/consultations/${c.id}/read`, w.doctor.A.token, { seq: mine.body.seq });
      const receipt = await patient.next('state', (f) => f.state.peerReadSeq === mine.body.seq);
      expect(receipt.state.peerReadSeq).toBe(mine.body.seq);
      await api(w).post(`/workspace/consultations/${c.id}/end`, w.doctor.A.token);
      const ended = await patient.next('state', (f) => f.state.status === 'COMPLETED');
      expect(ended.state).toMatchObject({ statusLabel: '已结束', canSend: false });
    } finally {
      patient.close();
    }
  });

  it('authenticated by the first frame (browsers); after a reconnect the missed messages come first', async () => {
    const c = await inProgressConsultation(w);
    const doctor = await Client.open();
    doctor.send({ type: 'auth', token: w.doctor.A.token });
    await doctor.next('ready', (f) => f.role === 'DOCTOR');
    doctor.send({ type: 'subscribe', consultationId: c.id, afterSeq: 0 });
    await doctor.next('subscribed');
    // Everything so far is sent at once (CREATED, PAID, ACCEPTED).
    const backlog = [await doctor.next('message'), await doctor.next('message'), await doctor.next('message')];
    expect(backlog.map((f) => f.message.seq)).toEqual([1, 2, 3]);
    doctor.close();
    await doctor.closedWith();
    const m1 = await sendText(c.id, c.owner.token, '离线期间的消息1');
    const m2 = await sendText(c.id, c.owner.token, '离线期间的消息2');
    const again = await Client.open();
    try {
      again.send({ type: 'auth', token: w.doctor.A.token });
      await again.next('ready');
      again.send({ type: 'subscribe', consultationId: c.id, afterSeq: 3 });
      const a = await again.next('message');
      const b = await again.next('message');
      expect([a.message.id, b.message.id]).toEqual([m1.body.id, m2.body.id]);
      again.send({ type: 'ping' });
      await again.next('pong');
    } finally {
      again.close();
    }
  });

  it('a message written by another instance reaches the socket through the database poll', async () => {
    const c = await inProgressConsultation(w);
    const client = await Client.open({ Authorization: `Bearer ${c.owner.token}` });
    try {
      await client.next('ready');
      const last = (await api(w).get(`/consultations/${c.id}/messages`, c.owner.token)).body.lastSeq as number;
      client.send({ type: 'subscribe', consultationId: c.id, afterSeq: last });
      await client.next('subscribed');
      const row = await w.prisma.$transaction((tx) => appendMessage(tx, { consultationId: c.id, sender: 'SYSTEM', kind: 'SYSTEM', systemCode: 'PRESCRIPTION_ISSUED' }));
      const pushed = await client.next('message', (f) => f.message.seq === row.seq, 3000);
      expect(pushed.message.systemCode).toBe('PRESCRIPTION_ISSUED');
    } finally {
      client.close();
    }
  });

  it('refuses: a bad token (4401), no auth within the time, someone else’s room (error frame, no messages), a malformed frame (4400), other paths (404)', async () => {
    const bad = await Client.open({ Authorization: 'Bearer not_a_token' });
    expect(await bad.closedWith()).toBe(4401);
    expect(bad.frames[0]).toMatchObject({ type: 'error', code: 'UNAUTHENTICATED' });

    const c = await inProgressConsultation(w);
    const other = await Client.open({ Authorization: `Bearer ${w.other.token}` });
    try {
      await other.next('ready');
      other.send({ type: 'subscribe', consultationId: c.id, afterSeq: 0 });
      const err = await other.next('error');
      expect(err).toMatchObject({ code: 'NOT_FOUND', consultationId: c.id });
      const colleague = await Client.open({ Authorization: `Bearer ${w.doctor.X.token}` });
      await colleague.next('ready');
      colleague.send({ type: 'subscribe', consultationId: c.id, afterSeq: 0 });
      expect((await colleague.next('error')).code).toBe('NOT_FOUND');
      colleague.close();
      await sendText(c.id, c.owner.token, '不应被推送');
      await new Promise((r) => setTimeout(r, 500));
      expect(other.frames.filter((f) => f.type === 'message')).toEqual([]);
      other.send({ nonsense: true });
      expect(await other.closedWith()).toBe(4400);
    } finally {
      other.close();
    }

    const silent = await Client.open();
    expect(await silent.closedWith(3000)).toBe(4401);

    const wrongPath = new WebSocket(`${server.url.replace('http', 'ws')}/api/v1/nope`);
    const status = await new Promise<number>((resolve) => wrongPath.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0)));
    expect(status).toBe(404);
  }, 20_000);
});
