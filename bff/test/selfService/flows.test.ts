/**
 * Self-service applications end to end on the real MariaDB, with the 医保经办机构 mock over HTTP
 * (signed both ways, status notifies posted to the BFF listening on a real port): every status
 * path (complete, supplement and resubmit, rejection, withdrawal before acceptance — delivered or
 * not — and refused after), notifies verified and idempotent (duplicates, out of order, bad
 * signature, stale), duplicate submits, delivery retries when the agency is down, access control
 * (other user 404, family member, the insured person read-only), notifications, filings (one
 * place at a time, lock, cancel), recognized chronic diseases for the re-visit eligibility.
 */
import { createHmac, createHash, randomBytes } from 'node:crypto';
import request from 'supertest';
import { ApplicationDetailSchema, ApplicationSubmitResponseSchema, NotificationListResponseSchema, addMonthsYmd } from '@ih/contract';
import { hasRecognizedDisease, recognizedDiseases } from '../../src/domains/selfService';
import { advance, agencyNo, api, day, key, settle, startHarness, upload, userWith, type Harness, type PatientUser } from './harness';

let h: Harness;
let owner: PatientUser;
let other: PatientUser;
let call: ReturnType<typeof api>;

beforeAll(async () => {
  process.env.MOCK_TIMEOUT_HOLD_MS = '2000';
  h = await startHarness();
  call = api(h);
  owner = await userWith(h, { self: { relationship: 'SELF' }, mother: { relationship: 'PARENT', name: '李秀英' }, child: { relationship: 'CHILD' }, kid2: { relationship: 'CHILD' }, kid3: { relationship: 'CHILD' }, kid4: { relationship: 'CHILD' }, kid5: { relationship: 'CHILD' }, kid6: { relationship: 'CHILD' }, n1: { relationship: 'OTHER' }, n2: { relationship: 'OTHER' } });
  other = await userWith(h, { self: { relationship: 'SELF' } });
});

afterAll(async () => {
  await h.close();
});

beforeEach(() => h.mock.faults.clear());

const temporaryFiling = (patientId: string, over: Record<string, string> = {}) => ({
  requestKey: key(),
  itemCode: 'remote-filing-temporary',
  patientId,
  form: { insutype: '390', place: '110100', startDate: day(0), endDate: addMonthsYmd(day(0), 7), phone: '13800000001', ...over },
  materials: [],
  confirmed: true,
});

async function refundRequest(who: PatientUser, patientKey: string) {
  return {
    requestKey: key(),
    itemCode: 'resident-refund',
    patientId: who.patients[patientKey]!.id,
    form: { reason: 'MOVED_OUT', premiumYear: String(Number(day(0).slice(0, 4)) + 1), accountHolder: '张建国', bankName: '中国工商银行银川分行', bankAccount: '6222020200112233445', phone: '13800000001' },
    materials: [{ code: 'm1', fileIds: [await upload(h, who.userId)] }, { code: 'm2', fileIds: [await upload(h, who.userId)] }],
    confirmed: true,
  };
}

async function submit(body: unknown, who = owner) {
  const res = await call.post('/self-service/applications', who, body);
  if (res.status !== 201 && res.status !== 200) throw new Error(`submit ${res.status} ${JSON.stringify(res.body)}`);
  return ApplicationSubmitResponseSchema.parse(res.body).application;
}

async function detail(id: string, who = owner) {
  const res = await call.get(`/self-service/applications/${id}`, who).expect(200);
  return ApplicationDetailSchema.parse(res.body);
}

async function statuses(id: string) {
  return (await h.t.prisma.selfServiceStatusHistory.findMany({ where: { applicationId: id }, orderBy: [{ at: 'asc' }, { id: 'asc' }] })).map((r) => r.toStatus);
}

describe('complete', () => {
  it('a temporary remote-care filing: delivered, accepted, reviewed, completed; steps, due date, filing record, notifications on every change', async () => {
    const app = await submit(temporaryFiling(owner.patients.self!.id));
    expect(app).toMatchObject({ status: 'SUBMITTED', statusLabel: '待受理', delivered: true, canWithdraw: true, byOtherAccount: false, timeLimitText: '线下即时办结；线上不超过2个工作日内' });
    expect(app.steps).toEqual([{ name: '申请', state: 'done' }, { name: '受理', state: 'current' }, { name: '审核', state: 'todo' }, { name: '办结', state: 'todo' }]);
    expect(app.deadline).toMatchObject({ workingDays: 2 });
    expect(app.deadline!.date > day(0)).toBe(true);
    expect(app.form.find((f) => f.key === 'place')).toEqual({ key: 'place', label: '就医地', value: '北京市' });
    expect(app.form.find((f) => f.key === 'phone')!.value).toBe('138****0001');
    const no = await agencyNo(h, app.id);

    await advance(h, no); // 受理
    let d = await detail(app.id);
    expect(d.status).toBe('ACCEPTED');
    expect(d.canWithdraw).toBe(false);
    expect(d.acceptedAt).not.toBeNull();
    expect(d.steps.map((s) => s.state)).toEqual(['done', 'done', 'current', 'todo']);

    await advance(h, no, true); // 审核 → 办结
    d = await detail(app.id);
    expect(d.status).toBe('COMPLETED');
    expect(d.steps.every((s) => s.state === 'done')).toBe(true);
    expect(d.deadline).toBeNull();
    expect(d.filing).toMatchObject({ kind: 'TEMPORARY_TRIP', placeCode: '110100', placeName: '北京市', placeAdmdvs: '110100', validFrom: day(0), validUntil: addMonthsYmd(day(0), 7), status: 'active', cancelledAt: null });
    expect(await statuses(app.id)).toEqual(['SUBMITTED', 'ACCEPTED', 'REVIEWING', 'COMPLETED']);

    const notes = await h.t.prisma.notification.findMany({ where: { userId: owner.userId, targetId: app.id }, orderBy: { createdAt: 'asc' } });
    expect(notes.map((n) => n.title)).toEqual(['其他临时外出就医人员备案：已提交', '其他临时外出就医人员备案：已受理', '其他临时外出就医人员备案：审核中', '其他临时外出就医人员备案：已办结']);

    // The filing record; a second filing while it is active is refused (one place at a time).
    const filings = await call.get('/self-service/filings', owner).expect(200);
    expect(filings.body.items).toEqual([expect.objectContaining({ applicationId: app.id, status: 'active', lockedUntil: null })]);
    const again = await call.post('/self-service/applications', owner, temporaryFiling(owner.patients.self!.id, { place: '310100' }));
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('SELF_SERVICE_FILING_ACTIVE');

    // Cancelling a temporary filing is not locked.
    const cancel = await call.post(`/self-service/filings/${app.id}/cancel`, owner, { reason: '行程取消' }).expect(200);
    expect(cancel.body).toMatchObject({ status: 'cancelled' });
    await call.post(`/self-service/filings/${app.id}/cancel`, owner, { reason: '再次取消' }).expect(409);
    expect((await detail(app.id)).filing).toMatchObject({ status: 'cancelled' });
    await submit(temporaryFiling(owner.patients.self!.id, { place: '310100' })); // allowed again
    const audits = await h.t.prisma.auditLog.findMany({ where: { targetId: app.id } });
    expect(audits.map((a) => a.action)).toEqual(expect.arrayContaining(['self_service.submitted', 'self_service.filing_cancelled']));
    expect(JSON.stringify(audits.map((a) => a.details))).not.toContain(owner.patients.self!.idNumber);
  });

  it('a long-term filing cannot be cancelled within the lock period unless the reason changed; the agency steps follow the item', async () => {
    const body = {
      requestKey: key(), itemCode: 'remote-filing-retired', patientId: owner.patients.mother!.id,
      form: { insutype: '310', place: '440300', startDate: day(-10), address: '深圳市南山区某小区', phone: '13800000011' },
      materials: [{ code: 'm3', promise: true }], confirmed: true,
    };
    const app = await submit(body);
    await advance(h, await agencyNo(h, app.id), true);
    const d = await detail(app.id);
    expect(d.filing).toMatchObject({ kind: 'RETIRED_RESETTLED', placeName: '深圳市', validUntil: null, status: 'active' });
    expect(d.materials).toEqual([{ code: 'm3', name: '异地安置认定材料', fileIds: [], promise: true }]);
    const list = await call.get(`/self-service/filings?patientId=${owner.patients.mother!.id}`, owner).expect(200);
    expect(list.body.items[0].lockedUntil).toBe(addMonthsYmd(day(-10), 6));
    const locked = await call.post(`/self-service/filings/${app.id}/cancel`, owner, { reason: '不想要了' });
    expect(locked.status).toBe(409);
    expect(locked.body.code).toBe('SELF_SERVICE_FILING_LOCKED');
    await call.post(`/self-service/filings/${app.id}/cancel`, owner, { reason: '回参保地居住', reasonChanged: true }).expect(200);
  });

  it('a resident refund goes through 拨付 and records the amount paid; materials are attached to the application', async () => {
    const body = await refundRequest(owner, 'child');
    const app = await submit(body);
    const no = await agencyNo(h, app.id);
    await advance(h, no, true);
    const d = await detail(app.id);
    expect(d.status).toBe('COMPLETED');
    expect(await statuses(app.id)).toEqual(['SUBMITTED', 'ACCEPTED', 'REVIEWING', 'DISBURSING', 'COMPLETED']);
    expect(d.paidAmountFen).toBe(40_000);
    expect(d.form.find((f) => f.key === 'bankAccount')!.value).toBe('6222 **** **** 3445');
    const files = await h.t.prisma.storedFile.findMany({ where: { id: { in: body.materials.flatMap((m) => m.fileIds) } } });
    expect(files.every((f) => f.refType === 'self_service_application' && f.refId === app.id)).toBe(true);
    // The stored form is encrypted: no bank account or phone in clear.
    const row = await h.t.prisma.selfServiceApplication.findUniqueOrThrow({ where: { id: app.id } });
    expect(row.formEnc).not.toContain('6222020200112233445');
    expect(h.t.log.text()).not.toContain('6222020200112233445');
    expect(h.t.log.text()).not.toContain(owner.patients.child!.idNumber);
  });

  it('a recognized 慢特病 is written for the person (the re-visit eligibility reads recognized_diseases)', async () => {
    const body = {
      requestKey: key(), itemCode: 'two-diseases-recognition', patientId: owner.patients.mother!.id,
      form: { diseaseCode: 'I10.x00', hospitalName: '银川市第一人民医院', diagnosisDate: day(-400), phone: '13800000011' },
      materials: [{ code: 'm3', fileIds: [await upload(h, owner.userId), await upload(h, owner.userId)] }], confirmed: true,
    };
    const app = await submit(body);
    await advance(h, await agencyNo(h, app.id), true);
    const d = await detail(app.id);
    expect(d.recognizedDisease).toMatchObject({ code: 'I10.x00', name: '高血压' });
    const hash = (await h.t.prisma.patient.findUniqueOrThrow({ where: { id: owner.patients.mother!.id } })).idNumberHash;
    const rec = await h.t.prisma.recognizedDisease.findUniqueOrThrow({ where: { idNumberHash_diseaseCode: { idNumberHash: hash, diseaseCode: 'I10.x00' } } });
    expect(rec).toMatchObject({ kind: 'TWO_DISEASES', applicationId: app.id, revokedAt: null });
    expect(rec.validUntil).not.toBeNull();
    expect(await recognizedDiseases(h.t.prisma, hash)).toEqual([expect.objectContaining({ diseaseCode: 'I10.x00', diseaseName: '高血压', kind: 'TWO_DISEASES' })]);
    expect(await hasRecognizedDisease(h.t.prisma, hash, 'i10.X00')).toBe(true);
    expect(await hasRecognizedDisease(h.t.prisma, hash, 'E11.900')).toBe(false);
    expect(await hasRecognizedDisease(h.t.prisma, hash, 'I10.x00', new Date(Date.now() + 3 * 365 * 86_400_000))).toBe(false); // expired
    const again = await call.post('/self-service/applications', owner, { ...body, requestKey: key(), materials: [{ code: 'm3', fileIds: [await upload(h, owner.userId)] }] });
    expect(again.body.code).toBe('SELF_SERVICE_ALREADY_RECOGNIZED');
  });
});

describe('supplement (一次性告知补正) and resubmission', () => {
  it('asks once with every missing material, the applicant resubmits, the time limit restarts, it completes', async () => {
    const body = await refundRequest(owner, 'kid2');
    const app = await submit(body);
    const no = await agencyNo(h, app.id);
    const row = await h.t.prisma.selfServiceApplication.findUniqueOrThrow({ where: { id: app.id } });
    h.agency.setScript({ requestKey: row.applicationNo }, { outcome: 'supplement_once', supplementItems: [{ code: 'm2', name: '退费原因证明材料', reason: '户口迁出证明不清晰' }, { code: null, name: '户口簿本人页', reason: '缺少' }] });
    await advance(h, no); // 受理
    await advance(h, no); // 补正
    let d = await detail(app.id);
    expect(d.status).toBe('SUPPLEMENT_REQUIRED');
    expect(d.canSupplement).toBe(true);
    expect(d.supplement).toMatchObject({ items: [{ code: 'm2', name: '退费原因证明材料', reason: '户口迁出证明不清晰' }, { code: null, name: '户口簿本人页', reason: '缺少' }] });
    expect(d.steps.find((s) => s.state === 'attention')).toEqual({ name: '受理', state: 'attention' });
    const note = await h.t.prisma.notification.findFirstOrThrow({ where: { targetId: app.id, title: { contains: '待补正' } } });
    expect(note.body).toContain('户口迁出证明不清晰');

    // Nothing changes when the resubmission is incomplete (field-level message).
    const incomplete = await call.post(`/self-service/applications/${app.id}/supplement`, owner, { materials: [{ code: 'm1', fileIds: body.materials[0]!.fileIds }], confirmed: true });
    expect(incomplete.status).toBe(400);
    expect(incomplete.body.fields).toEqual([{ path: 'materials.m2', message: '请上传「退费原因证明材料」' }]);
    // Another user's upload cannot be used.
    const foreign = await upload(h, other.userId);
    const bad = await call.post(`/self-service/applications/${app.id}/supplement`, owner, { materials: [{ code: 'm1', fileIds: body.materials[0]!.fileIds }, { code: 'm2', fileIds: [foreign] }], confirmed: true });
    expect(bad.status).toBe(400);
    expect(bad.body.fields[0].path).toBe('materials.m2');

    const fresh = await upload(h, owner.userId);
    const res = await call.post(`/self-service/applications/${app.id}/supplement`, owner, { materials: [{ code: 'm1', fileIds: body.materials[0]!.fileIds }, { code: 'm2', fileIds: [fresh] }], confirmed: true }).expect(200);
    await settle(h);
    d = ApplicationDetailSchema.parse(res.body);
    expect(d.status).toBe('REVIEWING');
    expect(d.supplement).toBeNull();
    expect(d.materials.find((m) => m.code === 'm2')!.fileIds).toEqual([fresh]);
    expect((await h.t.prisma.storedFile.findUniqueOrThrow({ where: { id: fresh } })).refId).toBe(app.id);
    // Asking again now is refused.
    const twice = await call.post(`/self-service/applications/${app.id}/supplement`, owner, { materials: [{ code: 'm1', fileIds: body.materials[0]!.fileIds }, { code: 'm2', fileIds: [fresh] }], confirmed: true });
    expect(twice.body.code).toBe('SELF_SERVICE_NOT_SUPPLEMENTABLE');
    await advance(h, no, true);
    expect((await detail(app.id)).status).toBe('COMPLETED');
    expect(await statuses(app.id)).toEqual(['SUBMITTED', 'ACCEPTED', 'SUPPLEMENT_REQUIRED', 'REVIEWING', 'DISBURSING', 'COMPLETED']);
  });
});

describe('rejection', () => {
  it('at review, with the reason shown and notified', async () => {
    h.agency.setScript({ itemCode: 'chronic-recognition' }, { outcome: 'reject', rejectReason: '病历材料不能证明符合该病种认定标准' });
    const app = await submit({
      requestKey: key(), itemCode: 'chronic-recognition', patientId: owner.patients.kid3!.id,
      form: { diseaseCode: 'J44.900', hospitalName: '宁夏医科大学总医院', diagnosisDate: day(-30), phone: '13800000001' },
      materials: [{ code: 'm3', fileIds: [await upload(h, owner.userId)] }], confirmed: true,
    });
    await advance(h, await agencyNo(h, app.id), true);
    const d = await detail(app.id);
    expect(d).toMatchObject({ status: 'REJECTED', statusLabel: '未通过', rejectReason: '病历材料不能证明符合该病种认定标准', recognizedDisease: null, canWithdraw: false, deadline: null });
    expect(d.steps).toEqual([{ name: '申请', state: 'done' }, { name: '受理', state: 'done' }, { name: '审核', state: 'failed' }, { name: '办结', state: 'todo' }]);
    expect(await h.t.prisma.recognizedDisease.count({ where: { applicationId: app.id } })).toBe(0);
    expect(await h.t.prisma.notification.count({ where: { targetId: app.id, body: { contains: '病历材料不能证明' } } })).toBe(1);
    h.agency.setScript({ itemCode: 'chronic-recognition' }, { outcome: 'complete' });
  });

  it('at acceptance (不予受理)', async () => {
    const body = temporaryFiling(owner.patients.kid4!.id);
    const app = await submit(body);
    const row = await h.t.prisma.selfServiceApplication.findUniqueOrThrow({ where: { id: app.id } });
    h.agency.setScript({ requestKey: row.applicationNo }, { outcome: 'reject_at_acceptance', rejectReason: '参保状态异常' });
    await advance(h, await agencyNo(h, app.id));
    const d = await detail(app.id);
    expect(d).toMatchObject({ status: 'REJECTED', rejectReason: '参保状态异常' });
    expect(d.steps[1]).toEqual({ name: '受理', state: 'failed' });
  });
});

describe('withdrawal', () => {
  it('before acceptance: withdrawn at the agency, notified', async () => {
    const app = await submit(temporaryFiling(owner.patients.kid5!.id));
    const res = await call.post(`/self-service/applications/${app.id}/withdraw`, owner).expect(200);
    await settle(h);
    const d = ApplicationDetailSchema.parse(res.body);
    expect(d).toMatchObject({ status: 'WITHDRAWN', statusLabel: '已撤销', canWithdraw: false });
    expect(h.agency.findByRequestKey((await h.t.prisma.selfServiceApplication.findUniqueOrThrow({ where: { id: app.id } })).applicationNo)!.status).toBe('WITHDRAWN');
    expect(await h.t.prisma.notification.count({ where: { targetId: app.id, title: { contains: '已撤销' } } })).toBe(1);
    // The agency's WITHDRAWN notify after our own answer changes nothing.
    expect(await statuses(app.id)).toEqual(['SUBMITTED', 'WITHDRAWN']);
  });

  it('refused after acceptance', async () => {
    const app = await submit(temporaryFiling(owner.patients.kid5!.id));
    await advance(h, await agencyNo(h, app.id));
    const res = await call.post(`/self-service/applications/${app.id}/withdraw`, owner);
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('SELF_SERVICE_WITHDRAW_REFUSED');
    expect((await detail(app.id)).status).toBe('ACCEPTED');
    const audit = await h.t.prisma.auditLog.findFirst({ where: { targetId: app.id, action: 'self_service.withdraw_refused' } });
    expect(audit).not.toBeNull();
  });

  it('refused by the agency when it accepted in the meantime (our state catches up)', async () => {
    const app = await submit(temporaryFiling(owner.patients.kid6!.id));
    h.mock.faults.add({ platform: 'insurance-agency', operation: 'notify', kind: 'notify_never', times: 1 });
    await advance(h, await agencyNo(h, app.id)); // accepted there, we were not told
    expect((await detail(app.id)).status).toBe('SUBMITTED');
    const res = await call.post(`/self-service/applications/${app.id}/withdraw`, owner);
    expect(res.body.code).toBe('SELF_SERVICE_WITHDRAW_REFUSED');
    expect((await detail(app.id)).status).toBe('ACCEPTED');
  });

  it('while the agency is down: saved, withdrawn locally, never delivered afterwards', async () => {
    h.mock.faults.add({ platform: 'insurance-agency', operation: '/api/v1/applications', kind: 'http_error', params: { status: 503 } });
    const app = await submit(temporaryFiling(owner.patients.child!.id));
    expect(app).toMatchObject({ status: 'SUBMITTED', delivered: false, canWithdraw: true });
    await call.post(`/self-service/applications/${app.id}/withdraw`, owner).expect(200);
    h.mock.faults.clear();
    await h.t.prisma.selfServiceApplication.update({ where: { id: app.id }, data: { nextSubmitAt: new Date(Date.now() - 1000) } });
    await h.service.deliverPending();
    const row = await h.t.prisma.selfServiceApplication.findUniqueOrThrow({ where: { id: app.id } });
    expect(row).toMatchObject({ status: 'WITHDRAWN', agencyAppNo: null });
    expect(h.agency.findByRequestKey(row.applicationNo)).toBeUndefined();
  });
});

describe('delivery retries', () => {
  it('the agency down at submission: saved with a retry time, delivered by the job once it is back', async () => {
    h.mock.faults.add({ platform: 'insurance-agency', operation: '/api/v1/applications', kind: 'http_error', params: { status: 503 } });
    const app = await submit(temporaryFiling(owner.patients.kid2!.id));
    expect(app.delivered).toBe(false);
    let row = await h.t.prisma.selfServiceApplication.findUniqueOrThrow({ where: { id: app.id } });
    expect(row).toMatchObject({ submitAttempts: 1, lastSubmitError: 'HTTP_503' });
    expect(row.nextSubmitAt!.getTime()).toBeGreaterThan(Date.now());
    h.mock.faults.clear();
    expect(await h.service.deliverPending()).toBe(0); // not yet due
    await h.t.prisma.selfServiceApplication.update({ where: { id: app.id }, data: { nextSubmitAt: new Date(Date.now() - 1000) } });
    expect(await h.service.deliverPending()).toBe(1);
    row = await h.t.prisma.selfServiceApplication.findUniqueOrThrow({ where: { id: app.id } });
    expect(row.agencyAppNo).not.toBeNull();
    expect((await detail(app.id)).delivered).toBe(true);
  });

  it('an answer whose outcome is unknown (timeout) is sent again with the same key: one application at the agency', async () => {
    h.mock.faults.add({ platform: 'insurance-agency', operation: '/api/v1/applications', kind: 'bad_signature', times: 1 });
    const app = await submit(temporaryFiling(owner.patients.kid3!.id));
    const row0 = await h.t.prisma.selfServiceApplication.findUniqueOrThrow({ where: { id: app.id } });
    expect(row0.agencyAppNo).toBeNull();
    const there = h.agency.findByRequestKey(row0.applicationNo)!;
    expect(there).toBeDefined(); // it did arrive
    await h.t.prisma.selfServiceApplication.update({ where: { id: app.id }, data: { nextSubmitAt: new Date(Date.now() - 1000) } });
    await h.service.deliverPending();
    const row = await h.t.prisma.selfServiceApplication.findUniqueOrThrow({ where: { id: app.id } });
    expect(row.agencyAppNo).toBe(there.applicationNo);
  });
});

describe('notify', () => {
  function signed(body: string, secret: string, path = '/api/v1/self-service/agency/notify', ts = String(Date.now())) {
    const nonce = randomBytes(16).toString('hex');
    const sig = createHmac('sha256', secret).update(`POST\n${path}\n${ts}\n${nonce}\n${createHash('sha256').update(body).digest('hex')}`).digest('hex');
    return { 'content-type': 'application/json', 'x-agency-app-id': 'agency_test_app', 'x-agency-timestamp': ts, 'x-agency-nonce': nonce, 'x-agency-signature': sig };
  }

  it('with a bad signature or a stale timestamp is refused and changes nothing; the status query catches up', async () => {
    const app = await submit(temporaryFiling(owner.patients.kid4!.id));
    const no = await agencyNo(h, app.id);
    h.mock.faults.add({ platform: 'insurance-agency', operation: 'notify', kind: 'bad_signature', times: 2 });
    await advance(h, no);
    const refused = h.agency.deliveries.filter((x) => x.applicationNo === no && x.seq === 2);
    expect(refused.map((x) => x.status)).toEqual([401, 401]);
    expect((await detail(app.id)).status).toBe('SUBMITTED');
    expect(await h.t.prisma.auditLog.count({ where: { action: 'self_service.notify_refused' } })).toBeGreaterThan(0);

    h.mock.faults.add({ platform: 'insurance-agency', operation: 'notify', kind: 'stale_timestamp', times: 2 });
    await advance(h, no);
    expect(h.agency.deliveries.filter((x) => x.applicationNo === no && x.seq === 3).map((x) => x.status)).toEqual([401, 401]);

    // Refresh (status query): both events applied in order.
    const res = await call.post(`/self-service/applications/${app.id}/refresh`, owner).expect(200);
    expect(res.body.status).toBe('REVIEWING');
    expect(await statuses(app.id)).toEqual(['SUBMITTED', 'ACCEPTED', 'REVIEWING']);
  });

  it('is idempotent: a duplicate notify adds no history row and no notification; posting the same event by hand answers SUCCESS again', async () => {
    const app = await submit(temporaryFiling(owner.patients.n1!.id));
    const no = await agencyNo(h, app.id);
    h.mock.faults.add({ platform: 'insurance-agency', operation: 'notify', kind: 'notify_duplicate', times: 1 });
    await advance(h, no);
    const acks = h.agency.deliveries.filter((x) => x.applicationNo === no && x.seq === 2);
    expect(acks.map((x) => x.acked)).toEqual([true, true]);
    expect(await statuses(app.id)).toEqual(['SUBMITTED', 'ACCEPTED']);
    expect(await h.t.prisma.notification.count({ where: { targetId: app.id, title: { contains: '已受理' } } })).toBe(1);
    // The same event once more, signed correctly.
    const secret = h.t.config.platforms.insuranceAgency.appSecret!;
    const event = (await (await fetch(`${h.mock.baseUrl}/insurance-agency/__admin/applications`)).json() as { applicationNo: string; requestKey: string; events: unknown[] }[]).find((a) => a.applicationNo === no)!;
    const body = JSON.stringify({ applicationNo: no, requestKey: event.requestKey, event: event.events[1] });
    const res = await request(h.t.app.callback()).post('/api/v1/self-service/agency/notify').set(signed(body, secret)).send(body).expect(200);
    expect(res.body).toEqual({ code: 'SUCCESS', message: 'duplicate' });
    // Tampered body: refused.
    const tampered = body.replace('"ACCEPTED"', '"COMPLETED"');
    await request(h.t.app.callback()).post('/api/v1/self-service/agency/notify').set(signed(body, secret)).send(tampered).expect(401);
    expect(await statuses(app.id)).toEqual(['SUBMITTED', 'ACCEPTED']);
  });

  it('out of order: a later event first fills the gap by a status query; the earlier one is then a duplicate', async () => {
    const app = await submit(temporaryFiling(owner.patients.n2!.id));
    const no = await agencyNo(h, app.id);
    h.mock.faults.add({ platform: 'insurance-agency', operation: 'notify', kind: 'notify_out_of_order', times: 1, params: { holdMs: 3000 } });
    h.agency.advance(no); // ACCEPTED: held
    await new Promise((r) => setTimeout(r, 50));
    h.agency.advance(no); // REVIEWING: sent first, releases the held one after
    await settle(h);
    expect(await statuses(app.id)).toEqual(['SUBMITTED', 'ACCEPTED', 'REVIEWING']);
    expect((await detail(app.id)).status).toBe('REVIEWING');
    expect(await h.t.prisma.notification.count({ where: { targetId: app.id } })).toBe(3);
  });

  it('for an unknown application is acknowledged and ignored', async () => {
    const secret = h.t.config.platforms.insuranceAgency.appSecret!;
    const body = JSON.stringify({ applicationNo: 'JBNOPE0001', requestKey: 'x', event: { eventId: 'evt-unknown-0001', seq: 2, status: 'ACCEPTED', step: '受理', note: null, at: new Date().toISOString() } });
    const res = await request(h.t.app.callback()).post('/api/v1/self-service/agency/notify').set(signed(body, secret)).send(body).expect(200);
    expect(res.body.message).toBe('unknown');
  });
});

describe('duplicate submits', () => {
  it('the same requestKey twice (also at the same moment) creates one application', async () => {
    const body = temporaryFiling(owner.patients.mother!.id, { place: '120100' });
    // mother has a long-term filing cancelled above; a new filing is allowed.
    const [a, b] = await Promise.all([call.post('/self-service/applications', owner, body), call.post('/self-service/applications', owner, body)]);
    expect([a.status, b.status].sort()).toEqual([200, 201]);
    expect(a.body.application.id).toBe(b.body.application.id);
    const c = await call.post('/self-service/applications', owner, body).expect(200);
    expect(c.body).toMatchObject({ duplicate: true, application: { id: a.body.application.id } });
    expect(await h.t.prisma.selfServiceApplication.count({ where: { userId: owner.userId, requestKey: body.requestKey } })).toBe(1);
    // The key reused for something else: refused.
    const reuse = await call.post('/self-service/applications', owner, { ...body, itemCode: 'remote-filing-referral' });
    expect(reuse.body.code).toBe('SELF_SERVICE_REQUEST_KEY_REUSED');
    await call.post(`/self-service/applications/${a.body.application.id}/withdraw`, owner).expect(200);
  });

  it('a second open application of the same item for the same person is refused', async () => {
    const first = await submit(await refundRequest(owner, 'self'));
    const second = await call.post('/self-service/applications', owner, await refundRequest(owner, 'self'));
    expect(second.status).toBe(409);
    expect(second.body.code).toBe('SELF_SERVICE_DUPLICATE_OPEN');
    await call.post(`/self-service/applications/${first.id}/withdraw`, owner).expect(200);
  });
});

describe('access control', () => {
  let mine: string;
  beforeAll(async () => {
    mine = (await submit(await refundRequest(owner, 'mother'))).id;
  });

  it('another user gets 404 for every operation, and cannot submit for somebody else\'s 就诊人', async () => {
    await call.get(`/self-service/applications/${mine}`, other).expect(404);
    await call.post(`/self-service/applications/${mine}/withdraw`, other).expect(404);
    await call.post(`/self-service/applications/${mine}/supplement`, other, { materials: [], confirmed: true }).expect(404);
    await call.post(`/self-service/applications/${mine}/refresh`, other).expect(404);
    const list = await call.get('/self-service/applications', other).expect(200);
    expect(list.body.items.map((i: { id: string }) => i.id)).not.toContain(mine);
    const res = await call.post('/self-service/applications', other, temporaryFiling(owner.patients.child!.id));
    expect(res.status).toBe(404);
    await call.get(`/self-service/enrollment?patientId=${owner.patients.child!.id}`, other).expect(404);
  });

  it('family members managed by the account: listed and readable, filterable by 就诊人', async () => {
    const list = await call.get(`/self-service/applications?patientId=${owner.patients.mother!.id}`, owner).expect(200);
    expect(list.body.items.map((i: { id: string }) => i.id)).toContain(mine);
    expect(list.body.items.every((i: { patient: { id: string } }) => i.patient.id === owner.patients.mother!.id)).toBe(true);
    expect((await detail(mine)).patient).toMatchObject({ id: owner.patients.mother!.id, relationship: 'PARENT', nameMasked: '李*英' });
  });

  it('the insured person in their own account (verified SELF) sees it read-only; files are not listed to them', async () => {
    const motherAccount = await userWith(h, { self: { relationship: 'SELF', idNumber: owner.patients.mother!.idNumber, name: '李秀英' } });
    const d = await detail(mine, motherAccount);
    expect(d).toMatchObject({ byOtherAccount: true, canWithdraw: false, canSupplement: false });
    expect(d.materials.every((m) => m.fileIds.length === 0)).toBe(true);
    const w = await call.post(`/self-service/applications/${mine}/withdraw`, motherAccount);
    expect(w.status).toBe(403);
    expect(w.body.code).toBe('SELF_SERVICE_READ_ONLY');
    // Somebody who merely added the same person as a family member sees nothing.
    const stranger = await userWith(h, { m: { relationship: 'PARENT', idNumber: owner.patients.mother!.idNumber } });
    await call.get(`/self-service/applications/${mine}`, stranger).expect(404);
  });

  it('staff and anonymous callers are refused', async () => {
    await request(h.t.app.callback()).get('/api/v1/self-service/items').expect(401);
    await request(h.t.app.callback()).get('/api/v1/notifications').expect(401);
  });
});

describe('notifications', () => {
  it('lists newest first with the unread count, marks one and all as read, and never another user\'s', async () => {
    const u = await userWith(h, { self: { relationship: 'SELF' } });
    const app = await submit(temporaryFiling(u.patients.self!.id), u);
    await advance(h, await agencyNo(h, app.id));
    const list = NotificationListResponseSchema.parse((await call.get('/notifications', u).expect(200)).body);
    expect(list.unread).toBe(2);
    expect(list.items.map((n) => n.title)).toEqual(['其他临时外出就医人员备案：已受理', '其他临时外出就医人员备案：已提交']);
    expect(list.items[0]).toMatchObject({ targetType: 'self_service_application', targetId: app.id, read: false });
    expect((await call.get('/notifications/unread-count', u).expect(200)).body).toEqual({ unread: 2 });
    await call.post(`/notifications/${list.items[0]!.id}/read`, other).expect(404);
    const read = await call.post(`/notifications/${list.items[0]!.id}/read`, u).expect(200);
    expect(read.body.read).toBe(true);
    expect((await call.get('/notifications?unread=true', u).expect(200)).body.items).toHaveLength(1);
    expect((await call.post('/notifications/read-all', u).expect(200)).body).toEqual({ updated: 1 });
    expect((await call.get('/notifications/unread-count', u).expect(200)).body).toEqual({ unread: 0 });
  });
});
