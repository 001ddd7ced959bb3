/**
 * 就诊人 on the real MariaDB: CRUD for the signed-in patient, field checks with Chinese messages,
 * duplicates, other users' patients, masking in every answer, encryption at rest, soft delete,
 * the SELF identity from the e-voucher.
 */
import request from 'supertest';
import { ERROR_CATALOG, ID_CARD_MESSAGES, idCardCheckChar } from '@ih/contract';
import { fieldCipher } from '../src/lib/cipher';
import { upsertSelfPatientFromVoucher } from '../src/domains/patients/service';
import { makeApp, type TestApp } from './helpers';
import { bearer, patientWithSession, uniq } from './authHelpers';

let t: TestApp;
beforeAll(() => {
  t = makeApp();
});
afterAll(async () => {
  await t.prisma.$disconnect();
});

// Synthetic people (valid checksums): the demo data's 李秀英 and 张子涵, and a made-up one.
const MOTHER = { name: '李秀英', idNumber: '640104194508020247', phone: '13800000002' };
const CHILD = { name: '张子涵', idNumber: '640106201506180429', phone: '13800000003' };
const FIRST17 = '64010419800101001';
const FATHER = { name: '欧阳建华', idNumber: FIRST17 + idCardCheckChar(FIRST17), phone: '13900000004' };
const SECRETS = [MOTHER, CHILD, FATHER].flatMap((p) => [p.name, p.idNumber, p.phone]);

const api = () => request(t.app.callback());

function expectMasked(body: unknown): void {
  const text = JSON.stringify(body);
  for (const secret of SECRETS) expect(text).not.toContain(secret);
}

function add(token: string, person: { name: string; idNumber: string; phone: string }, extra: Record<string, unknown> = {}) {
  return api().post('/api/v1/patients').set(bearer(token)).send({ ...person, idType: 'ID_CARD', relationship: 'PARENT', ...extra });
}

describe('creating', () => {
  it('adds a 就诊人, derives birth date and gender, answers masked, makes the first one default', async () => {
    const s = await patientWithSession(t);
    const res = await add(s.access, MOTHER).expect(201);
    expect(res.body).toMatchObject({
      relationship: 'PARENT', nameMasked: '李*英', idType: 'ID_CARD', idNumberMasked: '640***********0247', phoneMasked: '138****0002',
      gender: 'FEMALE', isDefault: true, fromVoucher: false,
    });
    expect(res.body.age).toBeGreaterThanOrEqual(80);
    expectMasked(res.body);
    const row = await t.prisma.patient.findUniqueOrThrow({ where: { id: res.body.id } });
    expect(row.birthDate.toISOString().slice(0, 10)).toBe('1945-08-02');

    const second = await add(s.access, CHILD, { relationship: 'CHILD' }).expect(201);
    expect(second.body.isDefault).toBe(false);
    const audit = await t.prisma.auditLog.findFirstOrThrow({ where: { action: 'patient.create', targetId: res.body.id } });
    expect(audit.actorUserId).toBe(s.userId);
    expectMasked(audit.details);
  });

  it('stores name, ID number and phone encrypted, with a keyed hash for lookup', async () => {
    const s = await patientWithSession(t);
    const res = await add(s.access, FATHER).expect(201);
    const rows = await t.prisma.$queryRawUnsafe<Record<string, unknown>[]>('SELECT * FROM patients WHERE id = ?', res.body.id);
    const raw = JSON.stringify(rows, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v));
    expect(raw).not.toContain(FATHER.name);
    expect(raw).not.toContain(FATHER.idNumber);
    expect(raw).not.toContain(FATHER.idNumber.slice(6, 14));
    expect(raw).not.toContain(FATHER.phone);
    const row = rows[0]!;
    const cipher = fieldCipher(t.config);
    expect(cipher.decrypt(row.name_enc as string)).toBe(FATHER.name);
    expect(cipher.decrypt(row.id_number_enc as string)).toBe(FATHER.idNumber);
    expect(cipher.decrypt(row.phone_enc as string)).toBe(FATHER.phone);
    expect(row.id_number_hash).toBe(cipher.hash(FATHER.idNumber));
    expect(row.name_masked).toBe('欧**华');
  });

  it('refuses a wrong check digit, an impossible birth date and bad fields with Chinese field messages', async () => {
    const s = await patientWithSession(t);
    const res = await add(s.access, { name: '', idNumber: '640104194508020248', phone: '1234' }, { relationship: '' }).expect(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    expect(res.body.message).toBe(ERROR_CATALOG.VALIDATION_FAILED.message);
    expect(res.body.fields).toEqual([
      { path: 'name', message: '请填写姓名' },
      { path: 'idNumber', message: ID_CARD_MESSAGES.checksum },
      { path: 'phone', message: '请填写 11 位中国大陆手机号码（1 开头）' },
      { path: 'relationship', message: '请选择与您的关系' },
    ]);
    const first17 = '64010419450230024';
    const birth = await add(s.access, { ...MOTHER, idNumber: first17 + idCardCheckChar(first17) }).expect(400);
    expect(birth.body.fields).toEqual([{ path: 'idNumber', message: ID_CARD_MESSAGES.birth_date }]);
    expect(await t.prisma.patient.count({ where: { ownerUserId: s.userId } })).toBe(0);
  });

  it('refuses 15-digit ID numbers', async () => {
    const s = await patientWithSession(t);
    const res = await add(s.access, { ...MOTHER, idNumber: '640104450802024' }).expect(400);
    expect(res.body.fields).toEqual([{ path: 'idNumber', message: ID_CARD_MESSAGES.fifteen_digits }]);
  });

  it('refuses creating SELF by hand: it comes from the e-voucher', async () => {
    const s = await patientWithSession(t);
    const res = await add(s.access, MOTHER, { relationship: 'SELF' }).expect(400);
    expect(res.body.fields).toEqual([{ path: 'relationship', message: expect.stringContaining('医保电子凭证') }]);
  });

  it('takes other certificates with their formats, and birth date and gender from the form', async () => {
    const s = await patientWithSession(t);
    const bad = await add(s.access, { name: 'John Smith', idNumber: 'E1', phone: '13900000009' }, { idType: 'PASSPORT', relationship: 'OTHER' }).expect(400);
    expect(bad.body.fields).toEqual([
      { path: 'idNumber', message: '护照号码应为 5–17 位字母或数字' },
      { path: 'birthDate', message: '请选择出生日期' },
      { path: 'gender', message: '请选择性别' },
    ]);
    const ok = await add(s.access, { name: 'John Smith', idNumber: 'e12345678', phone: '13900000009' }, { idType: 'PASSPORT', relationship: 'OTHER', birthDate: '1980-02-28', gender: 'MALE' }).expect(201);
    expect(ok.body).toMatchObject({ idType: 'PASSPORT', idNumberMasked: 'E******78', nameMasked: 'J********h', gender: 'MALE' });
  });

  it('answers 409 with a clear message for the same ID number twice (x/X and spaces alike)', async () => {
    const s = await patientWithSession(t);
    const first17 = '64040219720530088';
    const id = first17 + idCardCheckChar(first17); // ends in X
    await add(s.access, { name: '马海燕', idNumber: id, phone: '13800000004' }).expect(201);
    const dup = await add(s.access, { name: '马海燕', idNumber: ` ${id.toLowerCase()} `, phone: '13800000004' }, { relationship: 'OTHER' }).expect(409);
    expect(dup.body).toMatchObject({ code: 'PATIENT_DUPLICATE', message: ERROR_CATALOG.PATIENT_DUPLICATE.message });
    // Another account may add the same person.
    const other = await patientWithSession(t);
    await add(other.access, { name: '马海燕', idNumber: id, phone: '13800000004' }).expect(201);
  });

  it('stops at the configured number of 就诊人', async () => {
    const app = makeApp({ env: { PATIENTS_MAX_PER_USER: '2' } });
    try {
      const s = await patientWithSession(app);
      const post = (p: typeof MOTHER) => request(app.app.callback()).post('/api/v1/patients').set(bearer(s.access)).send({ ...p, relationship: 'PARENT' });
      await post(MOTHER).expect(201);
      await post(CHILD).expect(201);
      expect((await post(FATHER).expect(409)).body.code).toBe('PATIENT_LIMIT_REACHED');
      const list = await request(app.app.callback()).get('/api/v1/patients').set(bearer(s.access)).expect(200);
      expect(list.body.limit).toBe(2);
    } finally {
      await app.prisma.$disconnect();
    }
  });
});

describe('reading and changing', () => {
  it('lists and reads only masked values, the default first', async () => {
    const s = await patientWithSession(t);
    await add(s.access, MOTHER).expect(201);
    const child = await add(s.access, CHILD, { relationship: 'CHILD', isDefault: true }).expect(201);
    const list = await api().get('/api/v1/patients').set(bearer(s.access)).expect(200);
    expect(list.headers['cache-control']).toBe('no-store');
    expect(list.body.items.map((p: { nameMasked: string; isDefault: boolean }) => [p.nameMasked, p.isDefault])).toEqual([
      ['张*涵', true],
      ['李*英', false],
    ]);
    expect(list.body.limit).toBe(10);
    expectMasked(list.body);
    const one = await api().get(`/api/v1/patients/${child.body.id}`).set(bearer(s.access)).expect(200);
    expect(one.body).toEqual(child.body);
    expectMasked(one.body);
  });

  it('edits phone, name, relationship and the default flag; never the certificate', async () => {
    const s = await patientWithSession(t);
    const a = await add(s.access, MOTHER).expect(201);
    const b = await add(s.access, CHILD, { relationship: 'CHILD' }).expect(201);
    const res = await api().patch(`/api/v1/patients/${b.body.id}`).set(bearer(s.access)).send({ phone: '+86 139 0000 0005', name: '张子晗', isDefault: true }).expect(200);
    expect(res.body).toMatchObject({ phoneMasked: '139****0005', nameMasked: '张*晗', isDefault: true, relationship: 'CHILD' });
    expectMasked(res.body);
    expect(JSON.stringify(res.body)).not.toContain('13900000005');
    const before = await api().get(`/api/v1/patients/${a.body.id}`).set(bearer(s.access)).expect(200);
    expect(before.body.isDefault).toBe(false);

    const cert = await api().patch(`/api/v1/patients/${b.body.id}`).set(bearer(s.access)).send({ idNumber: MOTHER.idNumber }).expect(400);
    expect(cert.body.fields[0].message).toMatch(/证件类型和号码不能修改/);
    const bad = await api().patch(`/api/v1/patients/${b.body.id}`).set(bearer(s.access)).send({ phone: '12' }).expect(400);
    expect(bad.body.fields).toEqual([{ path: 'phone', message: '请填写 11 位中国大陆手机号码（1 开头）' }]);
    const audit = await t.prisma.auditLog.findFirstOrThrow({ where: { action: 'patient.update', targetId: b.body.id } });
    expect(audit.details).toEqual({ fields: 'isDefault,name,phone' });
  });

  it("answers 404 for another user's 就诊人, on every verb", async () => {
    const owner = await patientWithSession(t);
    const p = await add(owner.access, MOTHER).expect(201);
    const other = await patientWithSession(t);
    const url = `/api/v1/patients/${p.body.id}`;
    expect((await api().get(url).set(bearer(other.access)).expect(404)).body.code).toBe('NOT_FOUND');
    await api().patch(url).set(bearer(other.access)).send({ phone: '13900000006' }).expect(404);
    await api().delete(url).set(bearer(other.access)).expect(404);
    expect((await api().get('/api/v1/patients').set(bearer(other.access)).expect(200)).body.items).toEqual([]);
    const row = await t.prisma.patient.findUniqueOrThrow({ where: { id: p.body.id } });
    expect(row.deletedAt).toBeNull();
    expect(row.phoneMasked).toBe('138****0002');
    await api().get('/api/v1/patients/not-a-uuid').set(bearer(owner.access)).expect(400);
  });
});

describe('deleting', () => {
  it('soft-deletes, passes the default on, and adding the person again brings the row back', async () => {
    const s = await patientWithSession(t);
    const a = await add(s.access, MOTHER).expect(201);
    const b = await add(s.access, CHILD, { relationship: 'CHILD' }).expect(201);
    expect(a.body.isDefault).toBe(true);
    const res = await api().delete(`/api/v1/patients/${a.body.id}`).set(bearer(s.access)).expect(200);
    expect(res.body).toEqual({ id: a.body.id, deleted: true });
    const list = await api().get('/api/v1/patients').set(bearer(s.access)).expect(200);
    expect(list.body.items).toEqual([expect.objectContaining({ id: b.body.id, isDefault: true })]);
    const row = await t.prisma.patient.findUniqueOrThrow({ where: { id: a.body.id } });
    expect(row.deletedAt).not.toBeNull();
    await api().get(`/api/v1/patients/${a.body.id}`).set(bearer(s.access)).expect(404);

    const again = await add(s.access, MOTHER, { relationship: 'OTHER' }).expect(201);
    expect(again.body).toMatchObject({ id: a.body.id, relationship: 'OTHER', isDefault: false });
  });

  it('refuses while an order waits for payment or a refund', async () => {
    const s = await patientWithSession(t);
    const p = await add(s.access, MOTHER).expect(201);
    const tag = uniq();
    const hospital = await t.prisma.hospital.create({ data: { code: `HP${tag}`, name: `测试医院P${tag}`, city: '银川市', admdvs: '640100', batch: 1, goLiveDeadline: new Date('2021-12-31') } });
    const order = await t.prisma.order.create({ data: { orderNo: `T${tag}`, kind: 'CONSULTATION', userId: s.userId, patientId: p.body.id, hospitalId: hospital.id, totalFen: 2000 } });
    const refused = await api().delete(`/api/v1/patients/${p.body.id}`).set(bearer(s.access)).expect(409);
    expect(refused.body).toMatchObject({ code: 'PATIENT_HAS_OPEN_ORDERS', message: ERROR_CATALOG.PATIENT_HAS_OPEN_ORDERS.message });
    await t.prisma.order.update({ where: { id: order.id }, data: { state: 'REFUNDING' } });
    await api().delete(`/api/v1/patients/${p.body.id}`).set(bearer(s.access)).expect(409);
    await t.prisma.order.update({ where: { id: order.id }, data: { state: 'PAID' } });
    await api().delete(`/api/v1/patients/${p.body.id}`).set(bearer(s.access)).expect(200);
  });
});

describe('the own identity (SELF) from the e-voucher', () => {
  const deps = () => ({ prisma: t.prisma, cipher: fieldCipher(t.config) });
  const SELF = { name: '张建国', idNumber: '640104196803150131', phone: '13800000001' };

  it('is created from the voucher, shown as 本人, named in /auth/me, and cannot be deleted or renamed', async () => {
    const s = await patientWithSession(t);
    await add(s.access, MOTHER).expect(201);
    const r = await upsertSelfPatientFromVoucher(deps(), { userId: s.userId, idType: 'ID_CARD', ...SELF });
    expect(r.created).toBe(true);
    expect(r.patient).toMatchObject({ relationship: 'SELF', fromVoucher: true, nameMasked: '张*国', gender: 'MALE', isDefault: false });

    const list = await api().get('/api/v1/patients').set(bearer(s.access)).expect(200);
    expect(list.body.items[0]).toMatchObject({ id: r.patient.id, relationship: 'SELF' });
    const who = await api().get('/api/v1/auth/me').set(bearer(s.access)).expect(200);
    expect(who.body).toMatchObject({ displayName: '张*国', patient: { selfNameMasked: '张*国' } });
    expect(JSON.stringify(who.body)).not.toContain(SELF.name);

    expect((await api().delete(`/api/v1/patients/${r.patient.id}`).set(bearer(s.access)).expect(409)).body.code).toBe('PATIENT_SELF_UNDELETABLE');
    const rename = await api().patch(`/api/v1/patients/${r.patient.id}`).set(bearer(s.access)).send({ name: '张建军', relationship: 'OTHER' }).expect(400);
    expect(rename.body.fields).toEqual([
      { path: 'name', message: '本人姓名来自医保电子凭证，不能修改' },
      { path: 'relationship', message: '本人的关系不能修改' },
    ]);
    await api().patch(`/api/v1/patients/${r.patient.id}`).set(bearer(s.access)).send({ phone: '13800000011' }).expect(200);

    // Adding the same person by hand is a duplicate.
    expect((await add(s.access, SELF, { relationship: 'OTHER' }).expect(409)).body.code).toBe('PATIENT_DUPLICATE');
    // Authorizing again updates, a different person is refused.
    expect((await upsertSelfPatientFromVoucher(deps(), { userId: s.userId, idType: 'ID_CARD', ...SELF })).created).toBe(false);
    await expect(upsertSelfPatientFromVoucher(deps(), { userId: s.userId, idType: 'ID_CARD', ...FATHER })).rejects.toMatchObject({ code: 'SELF_IDENTITY_CONFLICT' });
  });

  it('turns an entry added by hand for the same person into SELF', async () => {
    const s = await patientWithSession(t);
    const byHand = await add(s.access, SELF, { relationship: 'OTHER' }).expect(201);
    const r = await upsertSelfPatientFromVoucher(deps(), { userId: s.userId, idType: 'ID_CARD', name: SELF.name, idNumber: SELF.idNumber });
    expect(r).toMatchObject({ created: false, patient: { id: byHand.body.id, relationship: 'SELF', isDefault: true } });
    expect(await t.prisma.patient.count({ where: { ownerUserId: s.userId } })).toBe(1);
  });
});

describe('logs', () => {
  it('never contain the names, ID numbers or phones sent in this file', () => {
    const text = t.log.text();
    expect(text.length).toBeGreaterThan(0);
    for (const secret of [...SECRETS, '张建国', '640104196803150131']) expect(text).not.toContain(secret);
  });
});
