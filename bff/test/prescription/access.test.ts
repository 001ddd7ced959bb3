/**
 * Who may do what: every role against someone else's consultation / prescription. Strangers get
 * 404 (existence is not revealed), wrong roles 403, nobody signed in 401.
 */
import request from 'supertest';
import { makeApp, type TestApp } from '../helpers';
import { api, approvedPrescription, diagnoseAndDraft, item, makeConsultation, makeWorld, type World } from './fixtures';

let t: TestApp;
let w: World;

beforeAll(async () => {
  t = makeApp();
  w = await makeWorld(t);
});
afterAll(async () => {
  await t.prisma.$disconnect();
});

describe('doctor side', () => {
  it('no token → 401; a patient or pharmacist on doctor routes → 403', async () => {
    const a = api(t);
    const cid = await makeConsultation(t, w);
    const none = await request(t.app.callback()).put(`/api/v1/workspace/consultations/${cid}/diagnosis`).send({ diseaseId: w.disease.chronic });
    expect(none.status).toBe(401);
    expect((await a.put(`/workspace/consultations/${cid}/diagnosis`, w.patientUser.token, { diseaseId: w.disease.chronic })).status).toBe(403);
    expect((await a.post(`/workspace/consultations/${cid}/prescriptions`, w.pharmA.token, { items: [item(w.drug.a)] })).status).toBe(403);
    expect((await a.get('/workspace/review-queue', w.doctorA1.token)).status).toBe(403);
    expect((await a.get('/workspace/prescriptions', w.patientUser.token)).status).toBe(403);
  });

  it('a doctor of the same department who did not accept it, or of another department: 404 for everything', async () => {
    const a = api(t);
    const cid = await makeConsultation(t, w);
    const draft = await diagnoseAndDraft(t, w, cid);
    for (const other of [w.doctorA1b, w.doctorA2]) {
      expect((await a.get(`/workspace/consultations/${cid}/diagnosis`, other.token)).status).toBe(404);
      expect((await a.put(`/workspace/consultations/${cid}/diagnosis`, other.token, { diseaseId: w.disease.chronic })).status).toBe(404);
      expect((await a.get(`/workspace/consultations/${cid}/prescriptions`, other.token)).status).toBe(404);
      expect((await a.post(`/workspace/consultations/${cid}/prescriptions`, other.token, { items: [item(w.drug.a)] })).status).toBe(404);
      expect((await a.get(`/workspace/prescriptions/${draft}`, other.token)).status).toBe(404);
      expect((await a.put(`/workspace/prescriptions/${draft}`, other.token, { items: [item(w.drug.a)] })).status).toBe(404);
      expect((await a.post(`/workspace/prescriptions/${draft}/sign-and-submit`, other.token)).status).toBe(404);
      expect((await a.del(`/workspace/prescriptions/${draft}`, other.token)).status).toBe(404);
      const listed = await a.get('/workspace/prescriptions', other.token, { pageSize: 100 });
      expect(listed.body.items.map((x: { id: string }) => x.id)).not.toContain(draft);
    }
  });

  it('a consultation still waiting (not accepted) is not the doctor’s yet: 404; accepted but ended/cancelled: no new diagnosis or prescription', async () => {
    const a = api(t);
    const waiting = await makeConsultation(t, w, { status: 'WAITING' });
    expect((await a.put(`/workspace/consultations/${waiting}/diagnosis`, w.doctorA1.token, { diseaseId: w.disease.chronic })).status).toBe(404);
    for (const status of ['COMPLETED', 'CANCELLED'] as const) {
      const cid = await makeConsultation(t, w, { status });
      const d = await a.put(`/workspace/consultations/${cid}/diagnosis`, w.doctorA1.token, { diseaseId: w.disease.chronic });
      expect(d.status).toBe(409);
      expect(d.body.code).toBe('PRESCRIPTION_CONSULTATION_NOT_ACTIVE');
      const p = await a.post(`/workspace/consultations/${cid}/prescriptions`, w.doctorA1.token, { items: [item(w.drug.a)] });
      expect(p.body.code).toBe('PRESCRIPTION_CONSULTATION_NOT_ACTIVE');
      // Reading its (empty) history stays possible for the serving doctor.
      expect((await a.get(`/workspace/consultations/${cid}/prescriptions`, w.doctorA1.token)).status).toBe(200);
    }
  });

  it('rule 6: an unqualified doctor, or an insured visit with a doctor who is not an insurance doctor, cannot prescribe', async () => {
    const a = api(t);
    const cid = await makeConsultation(t, w);
    await t.prisma.doctor.update({ where: { id: w.doctorA1.doctorId }, data: { internetQualified: false } });
    try {
      const r = await a.put(`/workspace/consultations/${cid}/diagnosis`, w.doctorA1.token, { diseaseId: w.disease.chronic });
      expect(r.status).toBe(403);
      expect(r.body.code).toBe('STAFF_NOT_QUALIFIED');
    } finally {
      await t.prisma.doctor.update({ where: { id: w.doctorA1.doctorId }, data: { internetQualified: true } });
    }
    const code = (await t.prisma.doctor.findUniqueOrThrow({ where: { id: w.doctorA1.doctorId } })).insuranceDoctorCode;
    await t.prisma.doctor.update({ where: { id: w.doctorA1.doctorId }, data: { insuranceDoctorCode: null } });
    try {
      const insured = await a.put(`/workspace/consultations/${cid}/diagnosis`, w.doctorA1.token, { diseaseId: w.disease.chronic });
      expect(insured.body.code).toBe('STAFF_NOT_QUALIFIED');
      const selfPay = await makeConsultation(t, w, { insured: false });
      expect((await a.put(`/workspace/consultations/${selfPay}/diagnosis`, w.doctorA1.token, { diseaseId: w.disease.chronic })).status).toBe(200);
    } finally {
      await t.prisma.doctor.update({ where: { id: w.doctorA1.doctorId }, data: { insuranceDoctorCode: code } });
    }
  });
});

describe('pharmacist side', () => {
  it('a pharmacist of another hospital cannot see, approve or reject; drafts are the doctor’s own', async () => {
    const a = api(t);
    const cid = await makeConsultation(t, w);
    const id = await diagnoseAndDraft(t, w, cid);
    expect((await a.get(`/workspace/prescriptions/${id}`, w.pharmA.token)).status).toBe(404);
    expect((await a.post(`/workspace/prescriptions/${id}/approve`, w.pharmA.token)).status).toBe(404);
    expect((await a.post(`/workspace/prescriptions/${id}/sign-and-submit`, w.doctorA1.token)).status).toBe(200);
    expect((await a.get(`/workspace/prescriptions/${id}`, w.pharmB.token)).status).toBe(404);
    expect((await a.post(`/workspace/prescriptions/${id}/approve`, w.pharmB.token)).status).toBe(404);
    expect((await a.post(`/workspace/prescriptions/${id}/reject`, w.pharmB.token, { reason: '不合理' })).status).toBe(404);
    // Doctors cannot review.
    expect((await a.post(`/workspace/prescriptions/${id}/approve`, w.doctorA1.token)).status).toBe(403);
    // A pharmacist without internet qualification cannot review.
    await t.prisma.pharmacist.update({ where: { id: w.pharmA.pharmacistId }, data: { internetQualified: false } });
    try {
      const r = await a.post(`/workspace/prescriptions/${id}/approve`, w.pharmA.token);
      expect(r.status).toBe(403);
      expect(r.body.code).toBe('STAFF_NOT_QUALIFIED');
    } finally {
      await t.prisma.pharmacist.update({ where: { id: w.pharmA.pharmacistId }, data: { internetQualified: true } });
    }
    expect((await a.post(`/workspace/prescriptions/${id}/approve`, w.pharmA.token)).status).toBe(200);
  });
});

describe('patient side', () => {
  it('another user’s prescription and consultation look missing; staff tokens are refused on patient routes', async () => {
    const a = api(t);
    const { id, consultationId } = await approvedPrescription(t, w);
    expect((await a.get(`/prescriptions/${id}`, w.patientUser.token)).status).toBe(200);
    expect((await a.get(`/prescriptions/${id}`, w.otherUser.token)).status).toBe(404);
    expect((await a.get('/prescriptions', w.otherUser.token, { consultationId })).status).toBe(404);
    expect((await a.get('/prescriptions', w.otherUser.token)).body.items.map((x: { id: string }) => x.id)).not.toContain(id);
    expect((await a.get(`/prescriptions/${id}`, w.doctorA1.token)).status).toBe(403);
    expect((await a.get('/prescriptions', w.patientUser.token, { consultationId: 'nope' })).status).toBe(400);
    expect((await a.get('/prescriptions/not-a-uuid', w.patientUser.token)).status).toBe(400);
  });
});

describe('audit trail', () => {
  it('GET /workspace/audit follows consultation → prescriptions → orders for the doctor and the hospital’s pharmacist only', async () => {
    const a = api(t);
    const { id, consultationId } = await approvedPrescription(t, w);
    const { createPrescriptionOrder } = await import('../../src/domains/order/api');
    const order = await createPrescriptionOrder(t.prisma, { prescriptionId: id, userId: w.patientUser.userId, fulfilment: 'PICKUP' });
    await t.prisma.auditLog.create({ data: { action: 'order.created', targetType: 'order', targetId: order.orderId, actorUserId: w.patientUser.userId, actorRole: 'PATIENT' } });

    for (const [targetType, targetId] of [['consultation', consultationId], ['prescription', id], ['order', order.orderId]] as const) {
      const r = await a.get('/workspace/audit', w.doctorA1.token, { targetType, targetId });
      expect(r.status).toBe(200);
      expect(r.body.targets).toEqual(expect.arrayContaining([{ targetType: 'consultation', targetId: consultationId }, { targetType: 'prescription', targetId: id }, { targetType: 'order', targetId: order.orderId }]));
      const actions = r.body.entries.map((e: { action: string }) => e.action);
      expect(actions).toEqual(expect.arrayContaining(['consultation.diagnosed', 'prescription.drafted', 'prescription.signed', 'prescription.submitted', 'prescription.approved', 'order.created']));
      const approvedEntry = r.body.entries.find((e: { action: string }) => e.action === 'prescription.approved');
      expect(approvedEntry).toMatchObject({ actorRole: 'PHARMACIST', actorName: '郝丽' });
      const times = r.body.entries.map((e: { at: string }) => e.at);
      expect([...times].sort()).toEqual(times);
      // Patients are never named.
      expect(r.body.entries.find((e: { action: string }) => e.action === 'order.created').actorName).toBeNull();
    }
    expect((await a.get('/workspace/audit', w.pharmA.token, { targetType: 'prescription', targetId: id })).status).toBe(200);
    expect((await a.get('/workspace/audit', w.pharmB.token, { targetType: 'prescription', targetId: id })).status).toBe(404);
    expect((await a.get('/workspace/audit', w.doctorA2.token, { targetType: 'consultation', targetId: consultationId })).status).toBe(404);
    expect((await a.get('/workspace/audit', w.patientUser.token, { targetType: 'consultation', targetId: consultationId })).status).toBe(403);
    expect((await a.get('/workspace/audit', w.doctorA1.token, { targetType: 'payment', targetId: id })).status).toBe(400);
  });
});
