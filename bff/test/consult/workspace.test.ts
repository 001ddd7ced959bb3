/**
 * The doctor's workspace on the real database and the HIS mock: the department queue (first
 * come first served, masked patient, other departments and unpaid ones absent), the detail with
 * the HIS's offline visits and earlier online visits (and a HIS outage not failing the page),
 * accept (guarded: of two doctors at once exactly one wins; rule 6 for insured ones), end,
 * access for other departments / patients, audit rows.
 */
import { WorkspaceConsultationDetailSchema, WorkspacePageSchema } from '@ih/contract';
import { api, createConsultation, inProgressConsultation, makeWorld, markPaid, newOwner, waitingConsultation, type World } from './world';

let w: World;

beforeAll(async () => {
  w = await makeWorld();
});
afterAll(() => w.close());
beforeEach(() => w.mock.faults.clear());

const queue = async (token: string, status = 'WAITING') => WorkspacePageSchema.parse((await api(w).get(`/workspace/consultations?status=${status}&limit=50`, token)).body);

describe('queue', () => {
  it('lists the department’s paid, unaccepted consultations first come first served, to every doctor of that department only', async () => {
    const first = await waitingConsultation(w);
    const second = await waitingConsultation(w, { doctorId: w.doctor.B.doctorId });
    const unpaid = await createConsultation(w, {}, await newOwner());
    const forA = await queue(w.doctor.A.token);
    const ids = forA.items.map((i) => i.id);
    expect(ids).toEqual(expect.arrayContaining([first.id, second.id]));
    expect(ids).not.toContain(unpaid.id);
    expect(ids.indexOf(first.id)).toBeLessThan(ids.indexOf(second.id));
    const item = forA.items.find((i) => i.id === first.id)!;
    expect(item).toMatchObject({
      status: 'WAITING', statusLabel: '待接诊', insured: true, requestedMe: true, requestedDoctor: { id: w.doctor.A.doctorId, name: '医生A' },
      patient: { nameMasked: '张*国', gender: 'MALE', age: expect.any(Number) }, descriptionPreview: expect.stringContaining('血压'), imageCount: 0,
      waitingSince: expect.any(String), acceptDeadline: expect.any(String),
    });
    expect(item.patient.age).toBeGreaterThanOrEqual(57);
    expect(JSON.stringify(forA)).not.toMatch(/640104|张建国/);
    expect((await queue(w.doctor.B.token)).items.find((i) => i.id === first.id)?.requestedMe).toBe(false);
    expect((await queue(w.doctor.X.token)).items.map((i) => i.id)).not.toContain(first.id);
    // Cursor paging keeps the order.
    const p1 = WorkspacePageSchema.parse((await api(w).get('/workspace/consultations?status=WAITING&limit=1', w.doctor.A.token)).body);
    const p2 = WorkspacePageSchema.parse((await api(w).get(`/workspace/consultations?status=WAITING&limit=1&cursor=${p1.nextCursor}`, w.doctor.A.token)).body);
    expect(p1.items[0]!.id).not.toBe(p2.items[0]!.id);
    expect(p1.items[0]!.waitingSince! <= p2.items[0]!.waitingSince!).toBe(true);
  });

  it('patients and pharmacists cannot use the workspace', async () => {
    expect((await api(w).get('/workspace/consultations', w.owner.token)).status).toBe(403);
  });
});

describe('detail', () => {
  it('shows the description, the HIS offline visits and earlier online visits at this hospital (patient masked), and is audited', async () => {
    const owner = await newOwner();
    const earlier = await inProgressConsultation(w, w.doctor.A, {}, owner);
    await api(w).post(`/workspace/consultations/${earlier.id}/end`, w.doctor.A.token);
    const now = await waitingConsultation(w, { doctorId: w.doctor.B.doctorId }, owner);
    const res = await api(w).get(`/workspace/consultations/${now.id}`, w.doctor.A.token);
    expect(res.status).toBe(200);
    const d = WorkspaceConsultationDetailSchema.parse(res.body);
    expect(d).toMatchObject({ status: 'WAITING', canAccept: true, canEnd: false, description: expect.stringContaining('氨氯地平'), offlineVisitsError: null, room: { canSend: false } });
    expect(d.offlineDiagnosis).toMatchObject({ visitNo: 'MZ-DEMO-0001', diagnosisName: '高血压' });
    expect(d.offlineVisits!.map((v) => v.visitNo)).toContain('MZ-DEMO-0001');
    expect(d.previousConsultations).toEqual([expect.objectContaining({ id: earlier.id, status: 'COMPLETED', statusLabel: '已结束', doctorName: '医生A', diseaseName: '高血压' })]);
    expect(JSON.stringify(d)).not.toMatch(/640104196803150131|张建国/);
    const audit = await w.prisma.auditLog.findFirstOrThrow({ where: { action: 'consultation.viewed_by_doctor', targetId: now.id, actorUserId: w.doctor.A.userId } });
    expect(audit.details).toEqual({ status: 'WAITING' });
  });

  it('a HIS outage leaves the page working, with the reason instead of the visits', async () => {
    const c = await waitingConsultation(w);
    w.mock.faults.add({ platform: 'his', kind: 'http_error', params: { status: 503 }, times: 20 });
    const d = (await api(w).get(`/workspace/consultations/${c.id}`, w.doctor.A.token)).body;
    expect(d.offlineVisits).toBeNull();
    expect(d.offlineVisitsError).toMatchObject({ code: 'HIS_UNAVAILABLE', message: expect.stringContaining('医院系统') });
    expect(d.description).toBeTruthy();
  });

  it('another department’s doctor gets 404 (detail, accept, messages); so does anybody for an unpaid one', async () => {
    const c = await waitingConsultation(w);
    expect((await api(w).get(`/workspace/consultations/${c.id}`, w.doctor.X.token)).status).toBe(404);
    expect((await api(w).post(`/workspace/consultations/${c.id}/accept`, w.doctor.X.token)).status).toBe(404);
    expect((await api(w).get(`/consultations/${c.id}/messages`, w.doctor.X.token)).status).toBe(404);
    const unpaid = await createConsultation(w, {}, await newOwner());
    expect((await api(w).get(`/workspace/consultations/${unpaid.id}`, w.doctor.A.token)).status).toBe(404);
    expect((await api(w).post(`/workspace/consultations/${unpaid.id}/accept`, w.doctor.A.token)).status).toBe(409);
  });
});

describe('accept and end', () => {
  it('two doctors accepting at once: exactly one wins, the other gets 409; the winner serves it, the loser loses access', async () => {
    for (let round = 0; round < 3; round++) {
      const c = await waitingConsultation(w);
      const [a, b] = await Promise.all([
        api(w).post(`/workspace/consultations/${c.id}/accept`, w.doctor.A.token),
        api(w).post(`/workspace/consultations/${c.id}/accept`, w.doctor.B.token),
      ]);
      const statuses = [a.status, b.status].sort();
      expect(statuses).toEqual([200, 409]);
      const [win, lose, winner, loser] = a.status === 200 ? [a, b, w.doctor.A, w.doctor.B] : [b, a, w.doctor.B, w.doctor.A];
      expect(lose.body.code).toBe('CONSULTATION_ALREADY_ACCEPTED');
      expect(win.body).toMatchObject({ status: 'IN_PROGRESS', statusLabel: '问诊中', canEnd: true, acceptedAt: expect.any(String), room: { canSend: true } });
      const row = await w.prisma.consultation.findUniqueOrThrow({ where: { id: c.id } });
      expect(row).toMatchObject({ status: 'IN_PROGRESS', doctorId: winner.doctorId, requestedDoctorId: w.doctor.A.doctorId });
      expect(await w.prisma.auditLog.count({ where: { action: 'consultation.accepted', targetId: c.id } })).toBe(1);
      expect(await w.prisma.consultationMessage.count({ where: { consultationId: c.id, systemCode: 'ACCEPTED' } })).toBe(1);
      expect((await api(w).get(`/workspace/consultations/${c.id}`, loser.token)).status).toBe(404);
      expect((await queue(winner.token, 'IN_PROGRESS')).items.map((i) => i.id)).toContain(c.id);
      expect((await queue(loser.token, 'WAITING')).items.map((i) => i.id)).not.toContain(c.id);
      // The patient sees the serving doctor.
      expect((await api(w).get(`/consultations/${c.id}`, c.owner.token)).body.doctor.id).toBe(winner.doctorId);
      // A second tap of the winner is harmless.
      expect((await api(w).post(`/workspace/consultations/${c.id}/accept`, winner.token)).status).toBe(200);
    }
  });

  it('rule 6: a doctor who is not an insurance doctor cannot take an insured consultation, but may take a self-pay one', async () => {
    const insured = await waitingConsultation(w);
    expect((await api(w).get(`/workspace/consultations/${insured.id}`, w.doctor.N.token)).body.canAccept).toBe(false);
    const refused = await api(w).post(`/workspace/consultations/${insured.id}/accept`, w.doctor.N.token);
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('DOCTOR_CANNOT_ACCEPT');
    const selfPay = await waitingConsultation(w, { doctorId: w.doctor.N.doctorId, acknowledgeSelfPay: true });
    expect((await api(w).post(`/workspace/consultations/${selfPay.id}/accept`, w.doctor.N.token)).status).toBe(200);
  });

  it('end: only the serving doctor, IN_PROGRESS → COMPLETED once (system message, audit); listed as completed', async () => {
    const c = await inProgressConsultation(w);
    expect((await api(w).post(`/workspace/consultations/${c.id}/end`, w.doctor.B.token)).status).toBe(404);
    expect((await api(w).post(`/workspace/consultations/${c.id}/end`, c.owner.token)).status).toBe(403);
    const res = await api(w).post(`/workspace/consultations/${c.id}/end`, w.doctor.A.token);
    expect(res.body).toMatchObject({ status: 'COMPLETED', closeReason: 'DOCTOR_ENDED', closeReasonLabel: '医生已结束本次问诊', endedAt: expect.any(String), canEnd: false });
    expect((await api(w).post(`/workspace/consultations/${c.id}/end`, w.doctor.A.token)).status).toBe(200);
    expect(await w.prisma.auditLog.count({ where: { action: 'consultation.ended', targetId: c.id, actorUserId: w.doctor.A.userId } })).toBe(1);
    expect(await w.prisma.consultationMessage.count({ where: { consultationId: c.id, systemCode: 'ENDED' } })).toBe(1);
    expect((await queue(w.doctor.A.token, 'COMPLETED')).items.map((i) => i.id)).toContain(c.id);
    const patientView = (await api(w).get(`/consultations/${c.id}`, c.owner.token)).body;
    expect(patientView).toMatchObject({ status: 'COMPLETED', statusLabel: '已结束', canCancel: false });
  });

  it('accepting a cancelled one is 409 CONSULTATION_STATE_CHANGED', async () => {
    const c = await createConsultation(w, {}, await newOwner());
    await markPaid(w, c.id);
    await w.prisma.consultation.updateMany({ where: { id: c.id }, data: { status: 'CANCELLED' } });
    const r = await api(w).post(`/workspace/consultations/${c.id}/accept`, w.doctor.A.token);
    expect(r.status).toBe(409);
    expect(r.body.code).toBe('CONSULTATION_STATE_CHANGED');
    expect((await api(w).get(`/workspace/consultations/${c.id}`, w.doctor.A.token)).status).toBe(404);
  });
});
