/**
 * Versions after approval (old → REVOKED, orders revoked through ORDER-BFF's revokePrescriptionOrders),
 * the hooks ORDER-BFF calls (paid, refunded, payable), races decided by guarded updates, expiry,
 * and the local signer (keys encrypted at rest, not enrolled, rotation).
 */
import { DEFAULT_SM2_USER_ID, sm2PublicKeyFromPrivate, sm2Verify } from '@ih/crypto';
import { fieldCipher } from '../../src/lib/cipher';
import { LocalSigner, rotateLocalKey, signerKeyAad } from '../../src/platforms/signer';
import { onPrescriptionPaid, onPrescriptionRefunded, payablePrescription } from '../../src/domains/prescription/hooks';
import { prescriptionService } from '../../src/domains/prescription/routes';
import { createPrescriptionOrder } from '../../src/domains/order/api';
import { captureLogger, makeApp, type TestApp } from '../helpers';
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

describe('a change after approval', () => {
  it('creates a new version, revokes the old one and its unpaid orders, and the patient is pointed to the new one', async () => {
    const a = api(t);
    const { id, consultationId } = await approvedPrescription(t, w);
    const order = await createPrescriptionOrder(t.prisma, { prescriptionId: id, userId: w.patientUser.userId, fulfilment: 'PICKUP' });
    expect((await t.prisma.order.findUniqueOrThrow({ where: { id: order.orderId } })).state).toBe('CREATED');

    expect((await a.post(`/workspace/prescriptions/${id}/revise`, w.doctorA1.token, {})).status).toBe(400); // a reason is required
    const r = await a.post(`/workspace/prescriptions/${id}/revise`, w.doctorA1.token, { reason: '患者诉头晕，减量' });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ version: 2, previousId: id, status: 'DRAFT', reviseReason: '患者诉头晕，减量' });
    const newId = r.body.id as string;

    const old = await t.prisma.prescription.findUniqueOrThrow({ where: { id } });
    expect(old).toMatchObject({ status: 'REVOKED', reviseReason: '患者诉头晕，减量' });
    expect(old.revokedAt).toBeInstanceOf(Date);
    // ORDER-BFF's revokePrescriptionOrders ran: the unpaid order is closed.
    const o = await t.prisma.order.findUniqueOrThrow({ where: { id: order.orderId } });
    expect(['CANCELLED', 'CLOSED']).toContain(o.state);
    expect(await t.prisma.auditLog.count({ where: { targetType: 'prescription', targetId: id, action: 'prescription.orders_revoked' } })).toBe(1);
    expect(await t.prisma.auditLog.count({ where: { targetType: 'prescription', targetId: id, action: 'prescription.revoked', actorUserId: w.doctorA1.userId } })).toBe(1);
    expect(await t.prisma.auditLog.count({ where: { targetType: 'prescription', targetId: newId, action: 'prescription.new_version' } })).toBe(1);

    // The old one is no longer payable; the patient sees it as 已作废 with a pointer to the new one.
    await expect(payablePrescription(t.prisma, id, w.patientUser.userId)).rejects.toMatchObject({ code: 'PRESCRIPTION_NOT_PAYABLE' });
    const seen = await a.get(`/prescriptions/${id}`, w.patientUser.token);
    expect(seen.body).toMatchObject({ status: 'REVOKED', payable: false, replacedById: newId });
    // A second revise of the old version is refused; the new version goes through review again.
    expect((await a.post(`/workspace/prescriptions/${id}/revise`, w.doctorA1.token, { reason: '再改' })).body.code).toBe('PRESCRIPTION_NOT_REVISABLE');
    expect((await a.put(`/workspace/prescriptions/${newId}`, w.doctorA1.token, { items: [item(w.drug.a, { quantity: 1 })] })).status).toBe(200);
    expect((await a.post(`/workspace/prescriptions/${newId}/sign-and-submit`, w.doctorA1.token)).status).toBe(200);
    expect((await a.post(`/workspace/prescriptions/${newId}/approve`, w.pharmA.token)).status).toBe(200);
    const p = await payablePrescription(t.prisma, newId, w.patientUser.userId);
    expect(p).toMatchObject({ version: 2, totalFen: w.price.a, items: [expect.objectContaining({ quantity: 1, unitPriceFen: w.price.a, selfPay: false })] });
    expect(await t.prisma.consultationMessage.count({ where: { consultationId, kind: 'PRESCRIPTION' } })).toBe(2);
  });

  it('calls the order hook it is given, and a failing hook does not undo the revoke', async () => {
    const calls: unknown[] = [];
    const log = captureLogger();
    const service = prescriptionService({ config: t.config, prisma: t.prisma, logger: log.logger, revokeOrders: async (_db, args) => { calls.push(args); throw new Error('platform down'); } });
    const { id } = await approvedPrescription(t, w);
    const who = { user: { id: w.doctorA1.userId, role: 'DOCTOR' as const, sessionId: 'x' }, requestId: null, ip: null } as Parameters<typeof service.revise>[0];
    const r = await service.revise(who, id, { reason: '换药' });
    expect(calls).toEqual([{ prescriptionId: id, reason: expect.stringContaining('换药') }]);
    expect((await t.prisma.prescription.findUniqueOrThrow({ where: { id } })).status).toBe('REVOKED');
    expect(r.previousId).toBe(id);
    expect(await t.prisma.auditLog.count({ where: { targetId: id, action: 'prescription.orders_revoke_failed' } })).toBe(1);
  });

  it('a paid prescription cannot be revised; a payment that lands after a revoke is sent back (the hook says REVOKED)', async () => {
    const a = api(t);
    const first = await approvedPrescription(t, w);
    await t.prisma.$transaction((tx) => onPrescriptionPaid(tx, first.id));
    expect((await a.post(`/workspace/prescriptions/${first.id}/revise`, w.doctorA1.token, { reason: '改' })).body.code).toBe('PRESCRIPTION_ALREADY_PAID');

    const second = await approvedPrescription(t, w);
    expect((await a.post(`/workspace/prescriptions/${second.id}/revise`, w.doctorA1.token, { reason: '改' })).status).toBe(201);
    expect(await t.prisma.$transaction((tx) => onPrescriptionPaid(tx, second.id))).toEqual({ outcome: 'REVOKED' });
    expect((await t.prisma.prescription.findUniqueOrThrow({ where: { id: second.id } })).status).toBe('REVOKED');
  });

  it('a pending prescription can be withdrawn by revising (old → CANCELLED), and only one of two racing revisions wins', async () => {
    const a = api(t);
    const cid = await makeConsultation(t, w);
    const id = await diagnoseAndDraft(t, w, cid);
    await a.post(`/workspace/prescriptions/${id}/sign-and-submit`, w.doctorA1.token);
    const [r1, r2] = await Promise.all([
      a.post(`/workspace/prescriptions/${id}/revise`, w.doctorA1.token, { reason: '剂量写错' }),
      a.post(`/workspace/prescriptions/${id}/revise`, w.doctorA1.token, { reason: '剂量写错' }),
    ]);
    expect([r1.status, r2.status].sort()).toEqual([201, 409]);
    expect((await t.prisma.prescription.findUniqueOrThrow({ where: { id } })).status).toBe('CANCELLED');
    expect(await t.prisma.prescription.count({ where: { previousId: id } })).toBe(1);
    // The withdrawn version is not reviewable.
    expect((await a.post(`/workspace/prescriptions/${id}/approve`, w.pharmA.token)).body.code).toBe('PRESCRIPTION_NOT_REVIEWABLE');
  });

  it('two approvals at once: one review, one card', async () => {
    const a = api(t);
    const cid = await makeConsultation(t, w);
    const id = await diagnoseAndDraft(t, w, cid);
    await a.post(`/workspace/prescriptions/${id}/sign-and-submit`, w.doctorA1.token);
    const [r1, r2] = await Promise.all([a.post(`/workspace/prescriptions/${id}/approve`, w.pharmA.token), a.post(`/workspace/prescriptions/${id}/approve`, w.pharmA.token)]);
    expect([r1.status, r2.status].sort()).toEqual([200, 409]);
    expect(await t.prisma.prescriptionReview.count({ where: { prescriptionId: id } })).toBe(1);
    expect(await t.prisma.consultationMessage.count({ where: { consultationId: cid, kind: 'PRESCRIPTION' } })).toBe(1);
  });
});

describe('hooks for ORDER-BFF', () => {
  it('paid: APPROVED → PAID once (idempotent); refunded: PAID → REFUNDED once', async () => {
    const { id } = await approvedPrescription(t, w);
    expect(await t.prisma.$transaction((tx) => onPrescriptionPaid(tx, id))).toEqual({ outcome: 'PAID' });
    expect(await t.prisma.$transaction((tx) => onPrescriptionPaid(tx, id))).toEqual({ outcome: 'ALREADY_PAID' });
    const paid = await t.prisma.prescription.findUniqueOrThrow({ where: { id } });
    expect(paid.status).toBe('PAID');
    expect(paid.paidAt).toBeInstanceOf(Date);
    await expect(payablePrescription(t.prisma, id, w.patientUser.userId)).rejects.toMatchObject({ code: 'PRESCRIPTION_NOT_PAYABLE' });
    expect(await t.prisma.$transaction((tx) => onPrescriptionRefunded(tx, id))).toEqual({ outcome: 'REFUNDED' });
    expect(await t.prisma.$transaction((tx) => onPrescriptionRefunded(tx, id))).toEqual({ outcome: 'ALREADY_REFUNDED' });
    expect((await t.prisma.prescription.findUniqueOrThrow({ where: { id } })).status).toBe('REFUNDED');
    const actions = (await t.prisma.auditLog.findMany({ where: { targetId: id, actorRole: 'SYSTEM' } })).map((l) => l.action);
    expect(actions).toEqual(expect.arrayContaining(['prescription.paid', 'prescription.refunded']));
  });

  it('payable: the approved current version with catalog prices; others refused with codes', async () => {
    const cid = await makeConsultation(t, w);
    const draftId = await diagnoseAndDraft(t, w, cid);
    await expect(payablePrescription(t.prisma, draftId, w.patientUser.userId)).rejects.toMatchObject({ code: 'PRESCRIPTION_NOT_PAYABLE' });
    const { id } = await approvedPrescription(t, w, undefined, [item(w.drug.a, { quantity: 2 }), item(w.drug.selfPay)]);
    await expect(payablePrescription(t.prisma, id, w.otherUser.userId)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const p = await payablePrescription(t.prisma, id, w.patientUser.userId);
    expect(p).toMatchObject({ id, status: 'APPROVED', insured: true, totalFen: 2 * w.price.a + w.price.selfPay });
    expect(p.items.map((i) => [i.unitPriceFen, i.quantity, i.amountFen, i.selfPay])).toEqual([
      [w.price.a, 2, 2 * w.price.a, false],
      [w.price.selfPay, 1, w.price.selfPay, true],
    ]);
    // Past its validity: not payable, and the expiry job moves it to EXPIRED.
    await t.prisma.prescription.update({ where: { id }, data: { validUntil: new Date(Date.now() - 1000) } });
    await expect(payablePrescription(t.prisma, id, w.patientUser.userId)).rejects.toMatchObject({ code: 'PRESCRIPTION_NOT_PAYABLE' });
    const service = prescriptionService({ config: t.config, prisma: t.prisma, logger: captureLogger().logger });
    expect(await service.expireStale()).toBeGreaterThanOrEqual(1);
    expect((await t.prisma.prescription.findUniqueOrThrow({ where: { id } })).status).toBe('EXPIRED');
    expect(await t.prisma.$transaction((tx) => onPrescriptionPaid(tx, id))).toEqual({ outcome: 'CLOSED' });
  });
});

describe('local signer', () => {
  it('keeps private keys encrypted at rest, bound to their subject; the public key is published on the doctor', async () => {
    const { id } = await approvedPrescription(t, w);
    const rx = await t.prisma.prescription.findUniqueOrThrow({ where: { id } });
    const key = await t.prisma.signerKey.findFirstOrThrow({ where: { subjectType: 'DOCTOR', subjectId: w.doctorA1.doctorId, activeMarker: true } });
    expect(rx.signerKeyId).toBe(key.id);
    const cipher = fieldCipher(t.config);
    const d = cipher.decrypt(key.privateKeyEnc, signerKeyAad({ type: 'DOCTOR', id: w.doctorA1.doctorId }));
    expect(key.privateKeyEnc).not.toContain(d);
    expect(sm2PublicKeyFromPrivate(d)).toBe(key.publicKey);
    expect(() => cipher.decrypt(key.privateKeyEnc, signerKeyAad({ type: 'DOCTOR', id: w.doctorA2.doctorId }))).toThrow();
    expect((await t.prisma.doctor.findUniqueOrThrow({ where: { id: w.doctorA1.doctorId } })).sm2PublicKey).toBe(key.publicKey);
    expect((await t.prisma.pharmacist.findUniqueOrThrow({ where: { id: w.pharmA.pharmacistId } })).sm2PublicKey).toBeTruthy();
  });

  it('without auto-enrolment a doctor with no key gets SIGNER_NOT_ENROLLED and nothing changes', async () => {
    const cid = await makeConsultation(t, w, { doctor: w.doctorA1b });
    const id = await diagnoseAndDraft(t, w, cid, undefined, w.doctorA1b);
    const log = captureLogger();
    const service = prescriptionService({ config: t.config, prisma: t.prisma, logger: log.logger, signer: new LocalSigner(t.prisma, fieldCipher(t.config), { autoEnroll: false }) });
    const who = { user: { id: w.doctorA1b.userId, role: 'DOCTOR' as const, sessionId: 'x' }, requestId: null, ip: null } as Parameters<typeof service.signAndSubmit>[0];
    await expect(service.signAndSubmit(who, id, {})).rejects.toMatchObject({ code: 'SIGNER_NOT_ENROLLED' });
    expect((await t.prisma.prescription.findUniqueOrThrow({ where: { id } })).status).toBe('DRAFT');
  });

  it('after a key rotation old signatures still verify and new ones use the new key', async () => {
    const a = api(t);
    const { id } = await approvedPrescription(t, w);
    const before = await t.prisma.prescription.findUniqueOrThrow({ where: { id } });
    const next = await rotateLocalKey(t.prisma, fieldCipher(t.config), { type: 'DOCTOR', id: w.doctorA1.doctorId });
    expect(next.publicKey).not.toBe(before.signerPublicKey);
    expect((await a.get(`/prescriptions/${id}/verification`, w.patientUser.token)).body.valid).toBe(true);
    const { id: id2 } = await approvedPrescription(t, w);
    const after = await t.prisma.prescription.findUniqueOrThrow({ where: { id: id2 } });
    expect(after.signerPublicKey).toBe(next.publicKey);
    expect(sm2Verify(Buffer.from(after.signedContent!, 'utf8'), after.signature!, next.publicKey, { userId: DEFAULT_SM2_USER_ID })).toBe(true);
    expect((await a.get(`/prescriptions/${id2}/verification`, w.patientUser.token)).body.valid).toBe(true);
  });
});

describe('seeded demo keys', () => {
  it('the seed’s key layout is what the local signer uses (doctor signs without auto-enrolment)', async () => {
    const { ensureSigningKey } = await import('../../../prisma/src/seed/signingKeys');
    const cid = await makeConsultation(t, w, { doctor: w.doctorA2, departmentId: w.deptA2 });
    await t.prisma.signerKey.updateMany({ where: { subjectId: w.doctorA2.doctorId }, data: { activeMarker: null } });
    const db = t.prisma as unknown as Parameters<typeof ensureSigningKey>[0];
    expect(await ensureSigningKey(db, fieldCipher(t.config), 'DOCTOR', w.doctorA2.doctorId)).toBe('created');
    expect(await ensureSigningKey(db, fieldCipher(t.config), 'DOCTOR', w.doctorA2.doctorId)).toBe('kept');
    const id = await diagnoseAndDraft(t, w, cid, undefined, w.doctorA2);
    const service = prescriptionService({ config: t.config, prisma: t.prisma, logger: captureLogger().logger, signer: new LocalSigner(t.prisma, fieldCipher(t.config), { autoEnroll: false }) });
    const who = { user: { id: w.doctorA2.userId, role: 'DOCTOR' as const, sessionId: 'x' }, requestId: null, ip: null } as Parameters<typeof service.signAndSubmit>[0];
    const r = await service.signAndSubmit(who, id, {});
    expect(r.status).toBe('PENDING_REVIEW');
    const key = await t.prisma.signerKey.findFirstOrThrow({ where: { subjectId: w.doctorA2.doctorId, activeMarker: true } });
    expect((await t.prisma.prescription.findUniqueOrThrow({ where: { id } })).signerPublicKey).toBe(key.publicKey);
    expect((await t.prisma.doctor.findUniqueOrThrow({ where: { id: w.doctorA2.doctorId } })).sm2PublicKey).toBe(key.publicKey);
  });
});
