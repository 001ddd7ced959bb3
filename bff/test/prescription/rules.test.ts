/**
 * Rules 7–8 on the server: the diagnosis comes from the disease catalog; drugs from the drug
 * catalog at catalog prices (whatever the client sends); flagged drugs refused; day and quantity
 * limits from settings; self-pay drugs marked; drafts edited in place, discarded, re-priced at signing.
 */
import { makeApp, type TestApp } from '../helpers';
import { api, diagnoseAndDraft, item, makeConsultation, makeWorld, type World } from './fixtures';

let t: TestApp;
let w: World;

beforeAll(async () => {
  t = makeApp();
  w = await makeWorld(t);
});
afterAll(async () => {
  await t.prisma.$disconnect();
});

describe('diagnosis', () => {
  it('is a catalog entry: code and name come from the catalog, typed values are ignored; disabled or unknown diseases are refused', async () => {
    const a = api(t);
    const cid = await makeConsultation(t, w);
    const none = await a.get(`/workspace/consultations/${cid}/diagnosis`, w.doctorA1.token);
    expect(none.body).toEqual({ diagnosis: null });
    const r = await a.put(`/workspace/consultations/${cid}/diagnosis`, w.doctorA1.token, { diseaseId: w.disease.chronic, code: 'Z00', name: '随便写的诊断', note: '血压控制可' });
    expect(r.status).toBe(200);
    const disease = await t.prisma.disease.findUniqueOrThrow({ where: { id: w.disease.chronic } });
    expect(r.body).toMatchObject({ code: disease.code, name: '原发性高血压', category: 'CHRONIC', payableOnline: true, note: '血压控制可', doctorName: '纳红梅' });
    const row = await t.prisma.consultationDiagnosis.findUniqueOrThrow({ where: { consultationId: cid } });
    expect(row.noteEnc).not.toContain('血压控制可'); // encrypted at rest
    expect((await a.get(`/workspace/consultations/${cid}/diagnosis`, w.doctorA1.token)).body.diagnosis.note).toBe('血压控制可');

    const disabled = await a.put(`/workspace/consultations/${cid}/diagnosis`, w.doctorA1.token, { diseaseId: w.disease.disabled });
    expect(disabled.status).toBe(409);
    expect(disabled.body.code).toBe('PRESCRIPTION_DISEASE_NOT_AVAILABLE');
    const unknown = await a.put(`/workspace/consultations/${cid}/diagnosis`, w.doctorA1.token, { diseaseId: '0190a000-0000-7000-8000-000000000000' });
    expect(unknown.body.code).toBe('PRESCRIPTION_DISEASE_NOT_AVAILABLE');
    const typed = await a.put(`/workspace/consultations/${cid}/diagnosis`, w.doctorA1.token, { code: 'I10', name: '高血压' });
    expect(typed.status).toBe(400);
    expect(typed.body.fields[0].path).toBe('diseaseId');
  });

  it('a prescription needs a diagnosis first', async () => {
    const a = api(t);
    const cid = await makeConsultation(t, w);
    const r = await a.post(`/workspace/consultations/${cid}/prescriptions`, w.doctorA1.token, { items: [item(w.drug.a)] });
    expect(r.status).toBe(409);
    expect(r.body.code).toBe('PRESCRIPTION_DIAGNOSIS_REQUIRED');
  });
});

describe('drugs and prices', () => {
  it('prices and totals come from the catalog even when the client sends its own', async () => {
    const a = api(t);
    const cid = await makeConsultation(t, w);
    await a.put(`/workspace/consultations/${cid}/diagnosis`, w.doctorA1.token, { diseaseId: w.disease.chronic });
    const r = await a.post(`/workspace/consultations/${cid}/prescriptions`, w.doctorA1.token, {
      items: [{ ...item(w.drug.a, { quantity: 3 }), unitPriceFen: 1, amountFen: 3, priceFen: 1 }],
      totalFen: 3,
    });
    expect(r.status).toBe(201);
    expect(r.body.items[0]).toMatchObject({ unitPriceFen: w.price.a, amountFen: 3 * w.price.a });
    expect(r.body.totalFen).toBe(3 * w.price.a);
    const rows = await t.prisma.prescriptionItem.findMany({ where: { prescriptionId: r.body.id } });
    expect(rows[0]).toMatchObject({ unitPriceFen: w.price.a, amountFen: 3 * w.price.a });
  });

  it('a drug flagged unfit for internet re-visits is refused with its own code and the field', async () => {
    const a = api(t);
    const cid = await makeConsultation(t, w);
    await a.put(`/workspace/consultations/${cid}/diagnosis`, w.doctorA1.token, { diseaseId: w.disease.chronic });
    const r = await a.post(`/workspace/consultations/${cid}/prescriptions`, w.doctorA1.token, { items: [item(w.drug.a), item(w.drug.unfit)] });
    expect(r.status).toBe(409);
    expect(r.body.code).toBe('PRESCRIPTION_DRUG_UNFIT_FOR_INTERNET');
    expect(r.body.message).toMatch(/不适用于互联网复诊/);
    expect(r.body.fields).toEqual([{ path: 'items.1.drugId', message: expect.stringContaining('盐酸哌替啶注射液') }]);
    expect(await t.prisma.prescription.count({ where: { consultationId: cid } })).toBe(0);
  });

  it('unknown or disabled drugs, duplicates, too many days for the disease, too many units are refused', async () => {
    const a = api(t);
    const cid = await makeConsultation(t, w);
    await a.put(`/workspace/consultations/${cid}/diagnosis`, w.doctorA1.token, { diseaseId: w.disease.chronic });
    const post = (items: object[]) => a.post(`/workspace/consultations/${cid}/prescriptions`, w.doctorA1.token, { items });
    expect((await post([item(w.drug.disabled)])).body.code).toBe('PRESCRIPTION_DRUG_NOT_FOUND');
    expect((await post([item('0190a000-0000-7000-8000-000000000001')])).body.code).toBe('PRESCRIPTION_DRUG_NOT_FOUND');
    expect((await post([item(w.drug.a), item(w.drug.a)])).body.code).toBe('PRESCRIPTION_DRUG_DUPLICATE');
    // Chronic: up to 12 weeks (84 days).
    const long = await post([item(w.drug.a, { days: 85 })]);
    expect(long.body.code).toBe('PRESCRIPTION_DAYS_EXCEEDED');
    expect(long.body.fields[0].path).toBe('items.0.days');
    expect((await post([item(w.drug.a, { quantity: 61 })])).body.code).toBe('PRESCRIPTION_QUANTITY_EXCEEDED');
    expect((await post([])).status).toBe(400);
    expect((await post([item(w.drug.a, { quantity: 0 })])).status).toBe(400);
    expect((await post([item(w.drug.a, { days: 84 })])).status).toBe(201);

    // Common disease: 4 weeks by default.
    const c2 = await makeConsultation(t, w);
    await a.put(`/workspace/consultations/${c2}/diagnosis`, w.doctorA1.token, { diseaseId: w.disease.common });
    const common = await a.post(`/workspace/consultations/${c2}/prescriptions`, w.doctorA1.token, { items: [item(w.drug.a, { days: 29 })] });
    expect(common.body.code).toBe('PRESCRIPTION_DAYS_EXCEEDED');
    expect(common.body.message).toContain('28');
  });

  it('self-pay (丙类) drugs are allowed and marked; on a self-pay visit or a disease insurance does not pay online, every drug is self-pay', async () => {
    const a = api(t);
    const cid = await makeConsultation(t, w);
    const id = await diagnoseAndDraft(t, w, cid, [item(w.drug.a), item(w.drug.selfPay)]);
    const r = (await a.get(`/workspace/prescriptions/${id}`, w.doctorA1.token)).body;
    expect(r.insured).toBe(true);
    expect(r.items.map((i: { selfPay: boolean }) => i.selfPay)).toEqual([false, true]);
    expect(r.selfPayFen).toBe(w.price.selfPay);

    const selfPayVisit = await makeConsultation(t, w, { insured: false });
    const id2 = await diagnoseAndDraft(t, w, selfPayVisit, [item(w.drug.a)]);
    const r2 = (await a.get(`/workspace/prescriptions/${id2}`, w.doctorA1.token)).body;
    expect(r2).toMatchObject({ insured: false, selfPayFen: w.price.a });

    const outOfCatalog = await makeConsultation(t, w);
    const id3 = await diagnoseAndDraft(t, w, outOfCatalog, [item(w.drug.a)], w.doctorA1, w.disease.notPayable);
    expect((await a.get(`/workspace/prescriptions/${id3}`, w.doctorA1.token)).body).toMatchObject({ insured: false, selfPayFen: w.price.a });
  });
});

describe('drafts', () => {
  it('are edited in place (guarded by updatedAt), discarded, and re-checked and re-priced from the catalog at signing', async () => {
    const a = api(t);
    const cid = await makeConsultation(t, w);
    const id = await diagnoseAndDraft(t, w, cid, [item(w.drug.b, { quantity: 1 })]);
    const before = (await a.get(`/workspace/prescriptions/${id}`, w.doctorA1.token)).body;
    const edited = await a.put(`/workspace/prescriptions/${id}`, w.doctorA1.token, { items: [item(w.drug.b, { quantity: 2 }), item(w.drug.a)], note: '饭后服用', expectedUpdatedAt: before.updatedAt });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ id, version: 1, totalFen: 2 * w.price.b + w.price.a, note: '饭后服用' });
    // A stale editor loses.
    const stale = await a.put(`/workspace/prescriptions/${id}`, w.doctorA1.token, { items: [item(w.drug.b)], expectedUpdatedAt: before.updatedAt });
    expect(stale.body.code).toBe('PRESCRIPTION_CHANGED');

    // Catalog changes between draft and signing count: a new price is used, a newly flagged drug is refused.
    await t.prisma.drug.update({ where: { id: w.drug.b }, data: { priceFen: w.price.b + 100 } });
    try {
      const signed = await a.post(`/workspace/prescriptions/${id}/sign-and-submit`, w.doctorA1.token);
      expect(signed.status).toBe(200);
      expect(signed.body.totalFen).toBe(2 * (w.price.b + 100) + w.price.a);
      expect((await a.get(`/prescriptions/${id}/verification`, w.doctorA1.token)).body.valid).toBe(true);
    } finally {
      await t.prisma.drug.update({ where: { id: w.drug.b }, data: { priceFen: w.price.b } });
    }
    // Submitted: no more edits, no discard.
    expect((await a.put(`/workspace/prescriptions/${id}`, w.doctorA1.token, { items: [item(w.drug.b)] })).body.code).toBe('PRESCRIPTION_NOT_EDITABLE');
    expect((await a.del(`/workspace/prescriptions/${id}`, w.doctorA1.token)).body.code).toBe('PRESCRIPTION_NOT_EDITABLE');
    expect((await a.post(`/workspace/prescriptions/${id}/sign-and-submit`, w.doctorA1.token)).body.code).toBe('PRESCRIPTION_NOT_SUBMITTABLE');

    const c2 = await makeConsultation(t, w);
    const id2 = await diagnoseAndDraft(t, w, c2, [item(w.drug.a)]);
    await t.prisma.drug.update({ where: { id: w.drug.a }, data: { unfitForInternet: true } });
    try {
      expect((await a.post(`/workspace/prescriptions/${id2}/sign-and-submit`, w.doctorA1.token)).body.code).toBe('PRESCRIPTION_DRUG_UNFIT_FOR_INTERNET');
    } finally {
      await t.prisma.drug.update({ where: { id: w.drug.a }, data: { unfitForInternet: false } });
    }
    const gone = await a.del(`/workspace/prescriptions/${id2}`, w.doctorA1.token);
    expect(gone.body.status).toBe('CANCELLED');
    // After discarding, a new one may be started.
    expect((await a.post(`/workspace/consultations/${c2}/prescriptions`, w.doctorA1.token, { items: [item(w.drug.a)] })).status).toBe(201);
    expect(await t.prisma.auditLog.count({ where: { targetType: 'prescription', targetId: id2, action: 'prescription.discarded' } })).toBe(1);
  });
});
