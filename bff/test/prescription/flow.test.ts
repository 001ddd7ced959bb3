/**
 * The prescription's life over HTTP on the real MariaDB: diagnose → draft → sign-and-submit →
 * pharmacist rejects → doctor edits (new version) → re-signs → approves (signed) → the card in the
 * room → the patient's view; signature verification, tampering with rows, the audit rows.
 */
import { DEFAULT_SM2_USER_ID, sm2Verify, sm3Hex } from '@ih/crypto';
import { PatientPrescriptionSchema, PrescriptionVerificationSchema, WorkspacePrescriptionSchema } from '@ih/contract';
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

describe('reject → revise → resubmit → approve', () => {
  it('walks the whole review loop, each version signed, and the patient sees only the approved one', async () => {
    const a = api(t);
    const cid = await makeConsultation(t, w);
    const id1 = await diagnoseAndDraft(t, w, cid, [item(w.drug.a, { quantity: 2 }), item(w.drug.selfPay, { quantity: 1 })]);

    const draft = WorkspacePrescriptionSchema.parse((await a.get(`/workspace/prescriptions/${id1}`, w.doctorA1.token)).body);
    expect(draft).toMatchObject({ status: 'DRAFT', version: 1, totalFen: 2 * w.price.a + w.price.selfPay, actions: { edit: true, submit: true, discard: true, revise: false } });
    expect(draft.items.find((i) => i.drugId === w.drug.selfPay)).toMatchObject({ selfPay: true, insuranceClass: 'SELF_PAY' });
    expect(draft.selfPayFen).toBe(w.price.selfPay);

    // The patient sees nothing yet; the pharmacist does not see drafts.
    expect((await a.get('/prescriptions', w.patientUser.token, { consultationId: cid })).body.items).toHaveLength(0);
    expect((await a.get(`/workspace/prescriptions/${id1}`, w.pharmA.token)).status).toBe(404);

    const submitted = await a.post(`/workspace/prescriptions/${id1}/sign-and-submit`, w.doctorA1.token);
    expect(submitted.status).toBe(200);
    expect(submitted.body).toMatchObject({ status: 'PENDING_REVIEW', signature: { doctorSigned: true, pharmacistSigned: false, algorithm: 'SM3withSM2' } });

    // Stored: signature over the stored canonical content with the doctor's published key.
    const row = await t.prisma.prescription.findUniqueOrThrow({ where: { id: id1 }, include: { doctor: true } });
    expect(row.signedContent).toContain(`"rxNo":"${row.rxNo}"`);
    expect(row.signedContent).not.toContain('张');
    expect(row.signedContentHash).toBe(sm3Hex(Buffer.from(row.signedContent!, 'utf8')));
    expect(row.signerPublicKey).toBe(row.doctor.sm2PublicKey);
    expect(sm2Verify(Buffer.from(row.signedContent!, 'utf8'), row.signature!, row.signerPublicKey!, { userId: DEFAULT_SM2_USER_ID })).toBe(true);
    expect(Buffer.from(row.signature!, 'base64')).toHaveLength(64);

    // The room tells the patient a prescription is being reviewed.
    expect(await t.prisma.consultationMessage.count({ where: { consultationId: cid, systemCode: 'PRESCRIPTION_ISSUED' } })).toBe(1);

    // Queue of pharmacist A (not B).
    const queueA = await a.get('/workspace/review-queue', w.pharmA.token, { pageSize: 100 });
    expect(queueA.body.items.map((x: { id: string }) => x.id)).toContain(id1);
    expect((await a.get('/workspace/review-queue', w.pharmB.token, { pageSize: 100 })).body.items.map((x: { id: string }) => x.id)).not.toContain(id1);
    const seen = WorkspacePrescriptionSchema.parse((await a.get(`/workspace/prescriptions/${id1}`, w.pharmA.token)).body);
    expect(seen.actions.review).toBe(true);
    expect(seen.patient.nameMasked).toBe('张*国');

    // Reject with a reason (signed too).
    const noReason = await a.post(`/workspace/prescriptions/${id1}/reject`, w.pharmA.token, { reason: ' ' });
    expect(noReason.status).toBe(400);
    const rej = await a.post(`/workspace/prescriptions/${id1}/reject`, w.pharmA.token, { reason: '复合维生素非必需，请删除', expectedVersion: 1 });
    expect(rej.status).toBe(200);
    expect(rej.body).toMatchObject({ status: 'REJECTED', rejectReason: '复合维生素非必需，请删除' });
    const rejReview = await t.prisma.prescriptionReview.findFirstOrThrow({ where: { prescriptionId: id1 } });
    expect(rejReview).toMatchObject({ decision: 'REJECTED', prescriptionVersion: 1 });
    expect(sm2Verify(Buffer.from(rejReview.signedContent!, 'utf8'), rejReview.signature!, rejReview.signerPublicKey!)).toBe(true);

    // A second review of the same version is refused.
    expect((await a.post(`/workspace/prescriptions/${id1}/approve`, w.pharmA.token)).body.code).toBe('PRESCRIPTION_NOT_REVIEWABLE');

    // The doctor finds it among the rejected ones.
    const mine = await a.get('/workspace/prescriptions', w.doctorA1.token, { status: 'REJECTED', pageSize: 100 });
    expect(mine.body.items.map((x: { id: string }) => x.id)).toContain(id1);
    // A new prescription cannot be started while the rejected one is open.
    expect((await a.post(`/workspace/consultations/${cid}/prescriptions`, w.doctorA1.token, { items: [item(w.drug.a)] })).body.code).toBe('PRESCRIPTION_OPEN_EXISTS');

    // Edit → version 2 (a new row; version 1 stays REJECTED as history).
    const edited = await a.put(`/workspace/prescriptions/${id1}`, w.doctorA1.token, { items: [item(w.drug.a, { quantity: 2 })] });
    expect(edited.status).toBe(200);
    const v2 = WorkspacePrescriptionSchema.parse(edited.body);
    expect(v2.id).not.toBe(id1);
    expect(v2).toMatchObject({ version: 2, previousId: id1, status: 'DRAFT', totalFen: 2 * w.price.a, rejectReason: '复合维生素非必需，请删除' });
    const old = WorkspacePrescriptionSchema.parse((await a.get(`/workspace/prescriptions/${id1}`, w.doctorA1.token)).body);
    expect(old).toMatchObject({ status: 'REJECTED', nextId: v2.id, actions: { edit: false, revise: false } });
    expect(v2.rxNo).toBe(`${old.rxNo}-2`);
    // Editing the old version again is refused.
    expect((await a.put(`/workspace/prescriptions/${id1}`, w.doctorA1.token, { items: [item(w.drug.a)] })).body.code).toBe('PRESCRIPTION_NOT_EDITABLE');

    expect((await a.post(`/workspace/prescriptions/${v2.id}/sign-and-submit`, w.doctorA1.token)).status).toBe(200);
    // The pharmacist reviewed version 1: a stale approval is refused.
    expect((await a.post(`/workspace/prescriptions/${v2.id}/approve`, w.pharmA.token, { expectedVersion: 1 })).body.code).toBe('PRESCRIPTION_CHANGED');
    const approved = await a.post(`/workspace/prescriptions/${v2.id}/approve`, w.pharmA.token, { comment: '用药合理', expectedVersion: 2 });
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ status: 'APPROVED', payable: true, pharmacist: { name: '郝丽' }, signature: { doctorSigned: true, pharmacistSigned: true } });

    // The PRESCRIPTION card in the room (once).
    const cards = await t.prisma.consultationMessage.findMany({ where: { consultationId: cid, kind: 'PRESCRIPTION' } });
    expect(cards).toHaveLength(1);
    expect(cards[0]).toMatchObject({ prescriptionId: v2.id, sender: 'DOCTOR', senderUserId: w.doctorA1.userId });

    // The patient: only version 2 (the rejected version is an internal back-and-forth).
    const list = await a.get('/prescriptions', w.patientUser.token, { consultationId: cid });
    expect(list.status).toBe(200);
    expect(list.body.items.map((x: { id: string }) => x.id)).toEqual([v2.id]);
    const mineP = PatientPrescriptionSchema.parse((await a.get(`/prescriptions/${v2.id}`, w.patientUser.token)).body);
    expect(mineP).toMatchObject({
      status: 'APPROVED',
      statusLabel: '待支付',
      payable: true,
      patient: { nameMasked: '张*国', gender: 'MALE' },
      doctor: { name: '纳红梅' },
      pharmacist: { name: '郝丽' },
      diagnosis: { name: '原发性高血压' },
      signature: { doctorSigned: true, pharmacistSigned: true },
    });
    expect(mineP.items[0]).toMatchObject({ unitPriceFen: w.price.a, quantity: 2, amountFen: 2 * w.price.a });
    expect(JSON.stringify(mineP)).not.toContain('张建国');
    expect((await a.get(`/prescriptions/${id1}`, w.patientUser.token)).status).toBe(404);

    // Both signatures verify.
    const ver = PrescriptionVerificationSchema.parse((await a.get(`/prescriptions/${v2.id}/verification`, w.patientUser.token)).body);
    expect(ver.valid).toBe(true);
    expect(ver.checks.map((c) => [c.check, c.ok])).toEqual([
      ['CONTENT_HASH', true],
      ['DOCTOR_SIGNATURE', true],
      ['DOCTOR_KEY', true],
      ['PHARMACIST_SIGNATURE', true],
    ]);

    // Audit rows for every step, with who.
    const logs = await t.prisma.auditLog.findMany({ where: { targetType: 'prescription', targetId: { in: [id1, v2.id] } }, orderBy: { id: 'asc' } });
    const actions = logs.map((l) => `${l.action}@${l.actorRole}`);
    for (const expected of [
      'prescription.drafted@DOCTOR',
      'prescription.signed@DOCTOR',
      'prescription.submitted@DOCTOR',
      'prescription.rejected@PHARMACIST',
      'prescription.new_version@DOCTOR',
      'prescription.approved@PHARMACIST',
      'prescription.verified@PATIENT',
    ]) {
      expect(actions).toContain(expected);
    }
    expect(logs.find((l) => l.action === 'prescription.approved')!.actorUserId).toBe(w.pharmA.userId);
    expect(JSON.stringify(logs.map((l) => l.details))).not.toMatch(/原发性高血压|张建国|I10/);
    const diag = await t.prisma.auditLog.findFirstOrThrow({ where: { targetType: 'consultation', targetId: cid, action: 'consultation.diagnosed' } });
    expect(diag.actorUserId).toBe(w.doctorA1.userId);
  });
});

describe('signature verification against the rows', () => {
  it('fails after a quantity, a price, an item or the diagnosis is changed in the database, and passes again once restored', async () => {
    const a = api(t);
    const { id } = await approvedPrescription(t, w, undefined, [item(w.drug.a, { quantity: 2 }), item(w.drug.b, { quantity: 1 })]);
    const verify = async () => PrescriptionVerificationSchema.parse((await a.get(`/prescriptions/${id}/verification`, w.patientUser.token)).body);
    expect((await verify()).valid).toBe(true);

    const it0 = await t.prisma.prescriptionItem.findFirstOrThrow({ where: { prescriptionId: id, drugId: w.drug.a } });
    await t.prisma.prescriptionItem.update({ where: { id: it0.id }, data: { quantity: 3 } });
    const bad = await verify();
    expect(bad.valid).toBe(false);
    expect(bad.checks.filter((c) => !c.ok).map((c) => c.check)).toEqual(['CONTENT_HASH', 'DOCTOR_SIGNATURE', 'PHARMACIST_SIGNATURE']);
    expect(bad.computedHash).not.toBe(bad.signedHash);
    // Not payable while the rows do not match the signature.
    expect((await a.get(`/prescriptions/${id}`, w.patientUser.token)).body.payable).toBe(false);
    const { payablePrescription } = await import('../../src/domains/prescription/hooks');
    await expect(payablePrescription(t.prisma, id, w.patientUser.userId)).rejects.toMatchObject({ code: 'PRESCRIPTION_SIGNATURE_INVALID' });
    await t.prisma.prescriptionItem.update({ where: { id: it0.id }, data: { quantity: 2 } });
    expect((await verify()).valid).toBe(true);
    expect((await a.get(`/prescriptions/${id}`, w.patientUser.token)).body.payable).toBe(true);

    await t.prisma.prescriptionItem.update({ where: { id: it0.id }, data: { unitPriceFen: 1 } });
    expect((await verify()).valid).toBe(false);
    await t.prisma.prescriptionItem.update({ where: { id: it0.id }, data: { unitPriceFen: w.price.a } });

    await t.prisma.prescription.update({ where: { id }, data: { diagnosisCode: 'X99' } });
    expect((await verify()).valid).toBe(false);
    const orig = await t.prisma.disease.findUniqueOrThrow({ where: { id: w.disease.chronic } });
    await t.prisma.prescription.update({ where: { id }, data: { diagnosisCode: orig.code } });

    const extra = await t.prisma.prescriptionItem.create({
      data: { prescriptionId: id, drugId: w.drug.selfPay, nationalCode: 'X', drugName: '加塞', specification: '-', insuranceClass: 'SELF_PAY', quantity: 1, unit: '盒', unitPriceFen: 1, amountFen: 1, dosage: '-', frequency: '-', route: '-', days: 1 },
    });
    expect((await verify()).valid).toBe(false);
    await t.prisma.prescriptionItem.delete({ where: { id: extra.id } });
    expect((await verify()).valid).toBe(true);

    // The pharmacist's signed approval covers the review row too.
    const review = await t.prisma.prescriptionReview.findFirstOrThrow({ where: { prescriptionId: id, decision: 'APPROVED' } });
    await t.prisma.prescriptionReview.update({ where: { id: review.id }, data: { comment: '改过的意见' } });
    const r = await verify();
    expect(r.valid).toBe(false);
    expect(r.checks.filter((c) => !c.ok).map((c) => c.check)).toEqual(['PHARMACIST_SIGNATURE']);
    await t.prisma.prescriptionReview.update({ where: { id: review.id }, data: { comment: review.comment } });

    // A signature by another key (swapped key snapshot) fails DOCTOR_KEY / DOCTOR_SIGNATURE.
    const { sm2GenerateKeyPair } = await import('@ih/crypto');
    const other = sm2GenerateKeyPair();
    await t.prisma.prescription.update({ where: { id }, data: { signerPublicKey: other.publicKey } });
    const k = await verify();
    expect(k.valid).toBe(false);
    expect(k.checks.find((c) => c.check === 'DOCTOR_KEY')!.ok).toBe(false);
  });

  it('staff may verify (writer, pharmacist of the hospital); others get 404', async () => {
    const a = api(t);
    const { id } = await approvedPrescription(t, w);
    expect((await a.get(`/prescriptions/${id}/verification`, w.doctorA1.token)).body.valid).toBe(true);
    expect((await a.get(`/prescriptions/${id}/verification`, w.pharmA.token)).body.valid).toBe(true);
    expect((await a.get(`/prescriptions/${id}/verification`, w.pharmB.token)).status).toBe(404);
    expect((await a.get(`/prescriptions/${id}/verification`, w.doctorA2.token)).status).toBe(404);
    expect((await a.get(`/prescriptions/${id}/verification`, w.otherUser.token)).status).toBe(404);
  });
});
