/**
 * Creating a consultation against the real database, the HIS mock and the real order domain:
 * eligibility re-run on the server (a client claiming eligibility is not believed), self-pay
 * flagged and acknowledged, fee from the doctor's catalog, idempotency (retry and concurrent
 * double tap create one), images attached (≤ 9, owner's, once), encryption at rest, order
 * failure handled, list/detail/cancel with the refund hook, audit rows.
 */
import { randomBytes } from 'node:crypto';
import {
  ConsultationDetailSchema,
  ConsultationPageSchema,
  CreateConsultationResponseSchema,
} from '@ih/contract';
import { fieldCipher } from '../../src/lib/cipher';
import { defaultOrderPort } from '../../src/domains/consult/core';
import { DM_OLD, HLP, api, createBody, createConsultation, makeWorld, markPaid, uploadedImage, type World } from './world';

let w: World;
const refundCalls: string[] = [];
let failOrders = false;

beforeAll(async () => {
  w = await makeWorld();
  // The real order functions, observed (and made to fail on demand for one test).
  w.module.core.deps.orders = {
    createConsultationOrder: async (db, args) => {
      if (failOrders) throw new Error('order store down');
      return defaultOrderPort.createConsultationOrder(db, args);
    },
    refundConsultationFee: async (db, args) => {
      refundCalls.push(args.consultationId);
      return defaultOrderPort.refundConsultationFee(db, args);
    },
  };
});
afterAll(() => w.close());

describe('create', () => {
  it('201: PENDING_PAYMENT, insured, the doctor’s catalog fee, an order for that fee, the offline diagnosis from the HIS', async () => {
    const res = await api(w).post('/consultations', w.owner.token, createBody(w, { feeFen: 1 }));
    expect(res.status).toBe(201);
    const body = CreateConsultationResponseSchema.parse(res.body);
    const doctorFee = (await w.prisma.doctor.findUniqueOrThrow({ where: { id: w.doctor.A.doctorId } })).consultationFeeFen;
    expect(body.replayed).toBe(false);
    expect(body.consultation).toMatchObject({
      status: 'PENDING_PAYMENT', displayStatus: 'PENDING_PAYMENT', statusLabel: '待支付', insured: true, feeFen: doctorFee, selfPayReasons: [],
      canCancel: true, description: createBody(w).description, images: [],
      doctor: { id: w.doctor.A.doctorId, name: '医生A', departmentName: '心血管内科' },
      patient: { id: w.owner.patientId, nameMasked: '张*国' },
      disease: { code: 'I10.x00', name: '高血压', category: 'CHRONIC' },
      offlineDiagnosis: { hospitalCode: 'H64010000001', visitNo: 'MZ-DEMO-0001', diagnosisCode: 'I10.x00', diagnosisName: '高血压' },
      order: { id: body.order.id, state: 'CREATED' },
      room: { status: 'PENDING_PAYMENT', canSend: false, lastSeq: 1, myReadSeq: 1 },
      unreadCount: 0,
    });
    const order = await w.prisma.order.findUniqueOrThrow({ where: { id: body.order.id } });
    expect(order).toMatchObject({ kind: 'CONSULTATION', consultationId: body.consultation.id, totalFen: doctorFee, userId: w.owner.userId, payMode: 'INSURANCE' });
    const msgs = await api(w).get(`/consultations/${body.consultation.id}/messages`, w.owner.token);
    expect(msgs.body.items).toEqual([expect.objectContaining({ seq: 1, sender: 'SYSTEM', kind: 'SYSTEM', systemCode: 'CREATED', text: expect.stringContaining('支付') })]);
  });

  it('keeps the description and the offline diagnosis encrypted at rest (bound to the row)', async () => {
    const description = `头晕${randomBytes(4).toString('hex')}，血压偏高`;
    const { id } = await createConsultation(w, { description, doctorId: w.doctor.B.doctorId });
    const raw = await w.prisma.$queryRawUnsafe<{ description_enc: string; offline_diagnosis_enc: string }[]>('SELECT description_enc, offline_diagnosis_enc FROM consultations WHERE id = ?', id);
    expect(raw[0]!.description_enc).not.toContain('头晕');
    expect(raw[0]!.offline_diagnosis_enc).not.toMatch(/高血压|I10/);
    expect(() => fieldCipher(w.config).decrypt(raw[0]!.description_enc)).toThrow(); // AAD: not readable as another column
    await api(w).post(`/consultations/${id}/cancel`, w.owner.token);
  });

  it('re-runs eligibility on the server: a refused re-visit is 409 CONSULTATION_NOT_ELIGIBLE whatever the client thinks', async () => {
    const res = await api(w).post('/consultations', w.owner.token, { ...createBody(w, { offlineDiagnosis: DM_OLD }), canConsult: true, insurance: 'covered' });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ code: 'CONSULTATION_NOT_ELIGIBLE', message: expect.stringContaining('复诊期限') });
    const notMine = await api(w).post('/consultations', w.other.token, createBody(w, { patientId: w.other.patientId }));
    expect(notMine.status).toBe(409);
    expect(notMine.body.code).toBe('CONSULTATION_NOT_ELIGIBLE');
    expect(await w.prisma.consultation.count({ where: { userId: w.other.userId } })).toBe(0);
  });

  it('self-pay: refused until acknowledged, then stored as not insured with the reasons, and its order is self-pay', async () => {
    const first = await api(w).post('/consultations', w.owner.token, createBody(w, { offlineDiagnosis: HLP }));
    expect(first.status).toBe(409);
    expect(first.body).toMatchObject({ code: 'CONSULTATION_SELF_PAY_NOT_CONFIRMED', message: expect.stringContaining('医保不予支付') });
    const ok = await api(w).post('/consultations', w.owner.token, createBody(w, { offlineDiagnosis: HLP, acknowledgeSelfPay: true, doctorId: w.doctor.B.doctorId }));
    expect(ok.status).toBe(201);
    expect(ok.body.consultation).toMatchObject({ insured: false, selfPayReasons: [{ code: 'DISEASE_NOT_COVERED', title: '该病种医保不支付线上复诊' }], disease: null });
    const row = await w.prisma.consultation.findUniqueOrThrow({ where: { id: ok.body.consultation.id } });
    expect(row).toMatchObject({ insured: false, selfPayReason: 'DISEASE_NOT_COVERED' });
    expect((await w.prisma.order.findUniqueOrThrow({ where: { id: ok.body.order.id } })).payMode).toBe('SELF_PAY');
    const audit = await w.prisma.auditLog.findFirstOrThrow({ where: { action: 'consultation.created', targetId: row.id } });
    expect(audit.details).toMatchObject({ insured: false, selfPayReasons: 'DISEASE_NOT_COVERED' });
    await api(w).post(`/consultations/${row.id}/cancel`, w.owner.token);
  });

  it('a doctor that is not an insurance doctor makes it self-pay (rule 6) — flagged, not refused', async () => {
    const res = await api(w).post('/consultations', w.owner.token, createBody(w, { doctorId: w.doctor.N.doctorId, acknowledgeSelfPay: true }));
    expect(res.status).toBe(201);
    expect(res.body.consultation.selfPayReasons.map((r: { code: string }) => r.code)).toEqual(['DOCTOR_NOT_INSURANCE_DOCTOR']);
    await api(w).post(`/consultations/${res.body.consultation.id}/cancel`, w.owner.token);
  });

  it('idempotent: the same requestKey returns the same consultation and order (200, replayed); concurrent double taps create one', async () => {
    const body = createBody(w, { doctorId: w.doctor.X.doctorId });
    const a = await api(w).post('/consultations', w.owner.token, body);
    const b = await api(w).post('/consultations', w.owner.token, body);
    expect(a.status).toBe(201);
    expect(b.status).toBe(200);
    expect(b.body.replayed).toBe(true);
    expect(b.body.consultation.id).toBe(a.body.consultation.id);
    expect(b.body.order.id).toBe(a.body.order.id);
    await api(w).post(`/consultations/${a.body.consultation.id}/cancel`, w.owner.token);

    const tap = createBody(w, { doctorId: w.doctor.X.doctorId });
    const [r1, r2, r3] = await Promise.all([1, 2, 3].map(() => api(w).post('/consultations', w.owner.token, tap)));
    const ids = new Set([r1!, r2!, r3!].map((r) => r.body.consultation?.id));
    expect([r1!.status, r2!.status, r3!.status].sort()).toEqual([200, 200, 201]);
    expect(ids.size).toBe(1);
    const [id] = [...ids];
    expect(await w.prisma.order.count({ where: { consultationId: id } })).toBe(1);
    expect(await w.prisma.consultation.count({ where: { userId: w.owner.userId, requestKey: tap.requestKey } })).toBe(1);
    await api(w).post(`/consultations/${id}/cancel`, w.owner.token);
  });

  it('the same key with a different patient/doctor is 409 CONSULTATION_REQUEST_KEY_REUSED; a second open one with the same doctor is 409 CONSULTATION_ALREADY_OPEN', async () => {
    const body = createBody(w, { doctorId: w.doctor.X.doctorId });
    const first = await api(w).post('/consultations', w.owner.token, body);
    expect(first.status).toBe(201);
    const reused = await api(w).post('/consultations', w.owner.token, { ...body, doctorId: w.doctor.B.doctorId });
    expect(reused.status).toBe(409);
    expect(reused.body.code).toBe('CONSULTATION_REQUEST_KEY_REUSED');
    const again = await api(w).post('/consultations', w.owner.token, createBody(w, { doctorId: w.doctor.X.doctorId }));
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('CONSULTATION_ALREADY_OPEN');
    await api(w).post(`/consultations/${first.body.consultation.id}/cancel`, w.owner.token);
  });

  it('images: the owner’s uploads are attached and shown; someone else’s, used ones or more than 9 are refused', async () => {
    const img = [await uploadedImage(w), await uploadedImage(w)];
    const c = await createConsultation(w, { imageFileIds: img, doctorId: w.doctor.X.doctorId });
    expect(c.body.consultation.images.map((i: { id: string }) => i.id).sort()).toEqual([...img].sort());
    expect(c.body.consultation.images[0].url).toMatch(/^\/api\/v1\/files\/.+\/content\?exp=/);
    await api(w).post(`/consultations/${c.id}/cancel`, w.owner.token);
    const used = await api(w).post('/consultations', w.owner.token, createBody(w, { imageFileIds: [img[0]], doctorId: w.doctor.X.doctorId }));
    expect(used.status).toBe(409);
    expect(used.body.code).toBe('FILE_NOT_USABLE');
    const foreign = await uploadedImage(w, w.other);
    const theirs = await api(w).post('/consultations', w.owner.token, createBody(w, { imageFileIds: [foreign], doctorId: w.doctor.X.doctorId }));
    expect(theirs.body.code).toBe('FILE_NOT_USABLE');
    expect(await w.prisma.consultation.count({ where: { userId: w.owner.userId, status: { in: ['PENDING_PAYMENT'] }, requestedDoctorId: w.doctor.X.doctorId } })).toBe(0);
    const ten = await api(w).post('/consultations', w.owner.token, createBody(w, { imageFileIds: Array.from({ length: 10 }, () => foreign) }));
    expect(ten.status).toBe(400);
    expect(ten.body.fields[0]).toMatchObject({ path: 'imageFileIds', message: '最多上传 9 张图片' });
  });

  it('validation: a too-short description and a bad request key are field errors in Chinese', async () => {
    const res = await api(w).post('/consultations', w.owner.token, createBody(w, { description: '头晕', requestKey: 'x' }));
    expect(res.status).toBe(400);
    const paths = res.body.fields.map((f: { path: string }) => f.path);
    expect(paths).toEqual(expect.arrayContaining(['description', 'requestKey']));
    expect(res.body.fields.find((f: { path: string }) => f.path === 'description').message).toContain('至少 5 个字');
  });

  it('when the order cannot be created: 503, the consultation is cancelled (nothing to pay), its images and key are free again', async () => {
    const img = await uploadedImage(w);
    const body = createBody(w, { imageFileIds: [img], doctorId: w.doctor.B.doctorId });
    failOrders = true;
    const res = await api(w).post('/consultations', w.owner.token, body);
    failOrders = false;
    expect(res.status).toBe(503);
    expect(res.body.code).toBe('CONSULTATION_ORDER_FAILED');
    const row = await w.prisma.consultation.findFirstOrThrow({ where: { userId: w.owner.userId, closeReason: 'ORDER_FAILED' }, orderBy: { createdAt: 'desc' } });
    expect(row).toMatchObject({ status: 'CANCELLED', requestKey: null });
    const retry = await api(w).post('/consultations', w.owner.token, body);
    expect(retry.status).toBe(201);
    expect(retry.body.consultation.images.map((i: { id: string }) => i.id)).toEqual([img]);
    await api(w).post(`/consultations/${retry.body.consultation.id}/cancel`, w.owner.token);
  });

  it('patients only; staff 403; no session 401', async () => {
    expect((await api(w).post('/consultations', w.doctor.A.token, createBody(w))).status).toBe(403);
    expect((await api(w).post('/consultations', 'nope', createBody(w))).status).toBe(401);
  });
});

describe('list, detail, cancel', () => {
  it('lists the user’s own consultations newest first with cursors and status filters; others see none of them', async () => {
    const page1 = await api(w).get('/consultations?limit=2', w.owner.token);
    expect(page1.status).toBe(200);
    const p1 = ConsultationPageSchema.parse(page1.body);
    expect(p1.items).toHaveLength(2);
    expect(p1.nextCursor).not.toBeNull();
    const page2 = ConsultationPageSchema.parse((await api(w).get(`/consultations?limit=2&cursor=${p1.nextCursor}`, w.owner.token)).body);
    const seen = [...p1.items, ...page2.items].map((i) => i.id);
    expect(new Set(seen).size).toBe(seen.length);
    expect(p1.items[0]!.createdAt >= p1.items[1]!.createdAt).toBe(true);
    const cancelled = ConsultationPageSchema.parse((await api(w).get('/consultations?status=CANCELLED&limit=50', w.owner.token)).body);
    expect(cancelled.items.length).toBeGreaterThan(0);
    expect(cancelled.items.every((i) => i.status === 'CANCELLED' || i.status === 'REFUNDED')).toBe(true);
    expect(cancelled.items.every((i) => i.statusLabel.startsWith('已取消'))).toBe(true);
    expect(cancelled.items[0]!.lastMessage).toMatchObject({ sender: 'SYSTEM', preview: '问诊已取消' });
    const theirs = ConsultationPageSchema.parse((await api(w).get('/consultations', w.other.token)).body);
    expect(theirs.items).toEqual([]);
    expect((await api(w).get('/consultations?cursor=!!', w.owner.token)).status).toBe(400);
    expect((await api(w).get('/consultations?cursor=bm9wZQ', w.owner.token)).status).toBe(400);
  });

  it('another patient’s consultation is 404 (detail, cancel, messages)', async () => {
    const { id } = await createConsultation(w, { doctorId: w.doctor.B.doctorId });
    expect((await api(w).get(`/consultations/${id}`, w.other.token)).status).toBe(404);
    expect((await api(w).post(`/consultations/${id}/cancel`, w.other.token)).status).toBe(404);
    expect((await api(w).get(`/consultations/${id}/messages`, w.other.token)).status).toBe(404);
    expect((await api(w).post(`/consultations/${id}/messages`, w.other.token, { kind: 'TEXT', text: '你好' })).status).toBe(404);
    const detail = ConsultationDetailSchema.parse((await api(w).get(`/consultations/${id}`, w.owner.token)).body);
    expect(detail.id).toBe(id);
    await api(w).post(`/consultations/${id}/cancel`, w.owner.token);
  });

  it('cancel while unpaid: CANCELLED, the order closed by the order domain, audited', async () => {
    const { id, orderId } = await createConsultation(w, { doctorId: w.doctor.B.doctorId });
    refundCalls.length = 0;
    const res = await api(w).post(`/consultations/${id}/cancel`, w.owner.token, { reason: 'WRONG_INFORMATION' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'CANCELLED', statusLabel: '已取消', canCancel: false, closeReason: 'PATIENT_CANCELLED', room: { canSend: false } });
    expect(refundCalls).toEqual([id]);
    expect((await w.prisma.order.findUniqueOrThrow({ where: { id: orderId } })).state).not.toBe('CREATED');
    const row = await w.prisma.consultation.findUniqueOrThrow({ where: { id } });
    expect(row).toMatchObject({ cancelReason: 'WRONG_INFORMATION', refundRequestedAt: expect.any(Date) });
    const audit = await w.prisma.auditLog.findFirstOrThrow({ where: { action: 'consultation.cancelled', targetId: id } });
    expect(audit).toMatchObject({ actorUserId: w.owner.userId, actorRole: 'PATIENT', details: { from: 'PENDING_PAYMENT', to: 'CANCELLED', reason: 'PATIENT_CANCELLED' } });
    expect(await w.prisma.auditLog.count({ where: { action: 'consultation.refund_requested', targetId: id } })).toBe(1);
    // A second cancel changes nothing.
    const again = await api(w).post(`/consultations/${id}/cancel`, w.owner.token);
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('CONSULTATION_NOT_CANCELLABLE');
    expect(refundCalls).toEqual([id]);
  });

  it('cancel while WAITING (paid) asks for the refund; after a doctor accepted, cancel is refused', async () => {
    const paid = await createConsultation(w, { doctorId: w.doctor.B.doctorId });
    await markPaid(w, paid.id);
    refundCalls.length = 0;
    const res = await api(w).post(`/consultations/${paid.id}/cancel`, w.owner.token);
    expect(res.body.status).toBe('CANCELLED');
    expect(refundCalls).toEqual([paid.id]);

    const taken = await createConsultation(w, { doctorId: w.doctor.B.doctorId });
    await markPaid(w, taken.id);
    expect((await api(w).post(`/workspace/consultations/${taken.id}/accept`, w.doctor.B.token)).status).toBe(200);
    const refused = await api(w).post(`/consultations/${taken.id}/cancel`, w.owner.token);
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('CONSULTATION_NOT_CANCELLABLE');
  });
});

describe('hooks', () => {
  it('onConsultationPaid: PENDING_PAYMENT → WAITING once (system message, audit); again → ALREADY_PAID; after a cancel → CLOSED (the caller refunds)', async () => {
    const { id } = await createConsultation(w, { doctorId: w.doctor.X.doctorId });
    expect(await markPaid(w, id)).toEqual({ outcome: 'WAITING' });
    expect(await markPaid(w, id)).toEqual({ outcome: 'ALREADY_PAID' });
    const d = (await api(w).get(`/consultations/${id}`, w.owner.token)).body;
    expect(d).toMatchObject({ status: 'WAITING', statusLabel: '待接诊', paidAt: expect.any(String), acceptDeadline: expect.any(String), room: { canSend: true } });
    expect(d.lastMessage).toMatchObject({ sender: 'SYSTEM', preview: expect.stringContaining('支付成功') });
    expect(await w.prisma.auditLog.count({ where: { action: 'consultation.paid', targetId: id } })).toBe(1);
    await api(w).post(`/consultations/${id}/cancel`, w.owner.token);

    const late = await createConsultation(w, { doctorId: w.doctor.X.doctorId });
    await api(w).post(`/consultations/${late.id}/cancel`, w.owner.token);
    expect(await markPaid(w, late.id)).toEqual({ outcome: 'CLOSED' });
  });

  it('onConsultationRefunded: a cancelled one becomes REFUNDED (已取消（已退款）), once', async () => {
    const { onConsultationRefunded } = await import('../../src/domains/consult/hooks');
    const { id } = await createConsultation(w, { doctorId: w.doctor.X.doctorId });
    await markPaid(w, id);
    await api(w).post(`/consultations/${id}/cancel`, w.owner.token);
    expect(await w.prisma.$transaction((tx) => onConsultationRefunded(tx, id))).toEqual({ outcome: 'REFUNDED' });
    expect(await w.prisma.$transaction((tx) => onConsultationRefunded(tx, id))).toEqual({ outcome: 'ALREADY_REFUNDED' });
    const d = (await api(w).get(`/consultations/${id}`, w.owner.token)).body;
    expect(d).toMatchObject({ status: 'REFUNDED', statusLabel: '已取消（已退款）' });
  });
});
