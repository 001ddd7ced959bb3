/**
 * Queries against the agency mock over HTTP: enrollment info, personal account balance and
 * changes, the printable 参保凭证 (PDF with the predefined CJK font), not insured, agency down;
 * the hall's item list and the offline-only items (rule 23).
 */
import { PDFDocument, PDFDict, PDFName, PDFRawStream, decodePDFRawStream } from 'pdf-lib';
import request from 'supertest';
import { AccountInfoSchema, EnrollmentInfoSchema, SelfServiceItemListSchema } from '@ih/contract';
import { api, startHarness, userWith, type Harness, type PatientUser } from './harness';

let h: Harness;
let u: PatientUser;
// A demo person of the DB seed: the mock knows him as an employee in 银川 with an account balance.
const ZHANG = { idNumber: '640104196803150131', name: '张建国' };

beforeAll(async () => {
  process.env.MOCK_TIMEOUT_HOLD_MS = '2500';
  h = await startHarness();
  u = await userWith(h, { self: { relationship: 'SELF', ...ZHANG }, gone: { relationship: 'PARENT' } });
});
afterAll(() => h.close());
beforeEach(() => h.mock.faults.clear());

describe('enrollment and account', () => {
  it('enrollment info of a 就诊人, amounts in fen, masked identity, audited', async () => {
    const res = await api(h).get(`/self-service/enrollment?patientId=${u.patients.self!.id}`, u).expect(200);
    const e = EnrollmentInfoSchema.parse(res.body);
    expect(e).toMatchObject({ status: 'ACTIVE', statusLabel: '正常参保', insutype: '310', insutypeLabel: '职工医保', admdvs: '640100', admdvsName: '银川市', since: '2008-07-01' });
    expect(e.patient.idNumberMasked).not.toContain('19680315');
    expect(e.payments[0]).toMatchObject({ amountFen: 32_460, kind: '单位及个人缴费' });
    expect(JSON.stringify(res.body)).not.toContain(ZHANG.idNumber);
    expect(await h.t.prisma.auditLog.count({ where: { action: 'self_service.enrollment_queried', targetId: u.patients.self!.id } })).toBe(1);
  });

  it('personal account balance and changes, with a date range', async () => {
    const a = AccountInfoSchema.parse((await api(h).get(`/self-service/account?patientId=${u.patients.self!.id}`, u).expect(200)).body);
    expect(a.balanceFen).toBe(356_820);
    expect(a.changes.length).toBe(6);
    expect(a.changes[0]).toMatchObject({ kind: '个人账户划入', amountFen: 18_650, balanceFen: 356_820 });
    const since = a.changes[1]!.date;
    const ranged = AccountInfoSchema.parse((await api(h).get(`/self-service/account?patientId=${u.patients.self!.id}&since=${since}`, u).expect(200)).body);
    expect(ranged.changes.every((c) => c.date >= since)).toBe(true);
    await api(h).get(`/self-service/account?patientId=${u.patients.self!.id}&since=2026-13-01x`, u).expect(400);
  });

  it('not insured → 409; the agency down → 502; too slow → 504', async () => {
    await fetch(`${h.mock.baseUrl}/insurance-agency/__admin/persons`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ certNo: u.patients.gone!.idNumber, enrolled: false }) });
    expect((await api(h).get(`/self-service/enrollment?patientId=${u.patients.gone!.id}`, u)).body.code).toBe('SELF_SERVICE_NOT_INSURED');
    expect((await api(h).get(`/self-service/certificate?patientId=${u.patients.gone!.id}`, u)).body.code).toBe('SELF_SERVICE_NOT_INSURED');
    h.mock.faults.add({ platform: 'insurance-agency', kind: 'http_error', params: { status: 503 } });
    const down = await api(h).get(`/self-service/enrollment?patientId=${u.patients.self!.id}`, u);
    expect(down.status).toBe(502);
    expect(down.body.code).toBe('AGENCY_UNAVAILABLE');
    h.mock.faults.clear();
    h.mock.faults.add({ platform: 'insurance-agency', kind: 'timeout' });
    const slow = await api(h).get(`/self-service/account?patientId=${u.patients.self!.id}`, u);
    expect(slow.status).toBe(504);
    expect(slow.body.code).toBe('AGENCY_TIMEOUT');
  }, 30_000);
});

describe('参保凭证 (certificate)', () => {
  it('downloads a PDF with the Chinese text in the predefined Adobe-GB1 font, masked ID, a check code', async () => {
    const res = await request(h.t.app.callback())
      .get(`/api/v1/self-service/certificate?patientId=${u.patients.self!.id}`)
      .set({ Authorization: `Bearer ${u.access}` })
      .buffer(true)
      .parse((r, cb) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => cb(null, Buffer.concat(chunks)));
      })
      .expect(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.headers['content-disposition']).toContain('attachment');
    expect(res.headers['cache-control']).toBe('no-store');
    const bytes = res.body as Buffer;
    expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
    if (process.env.IH_KEEP_CERTIFICATE) require('node:fs').writeFileSync(process.env.IH_KEEP_CERTIFICATE, bytes);
    const doc = await PDFDocument.load(bytes);
    expect(doc.getPageCount()).toBe(1);
    expect(doc.getTitle()).toBe('基本医疗保险参保凭证');
    const fonts = doc.getPages()[0]!.node.Resources()!.lookup(PDFName.of('Font'), PDFDict);
    const font = fonts.lookup(fonts.keys()[0]!, PDFDict);
    expect(font.get(PDFName.of('Encoding'))).toEqual(PDFName.of('UniGB-UCS2-H'));
    expect(String(font.get(PDFName.of('BaseFont')))).toBe('/STSong-Light-UniGB-UCS2-H');
    const contents = doc.getPages()[0]!.node.Contents()!;
    const stream = contents instanceof PDFRawStream ? contents : (doc.context.lookup((contents as unknown as { get(i: number): unknown }).get(0) as never) as PDFRawStream);
    const text = Buffer.from(decodePDFRawStream(stream).decode()).toString('latin1');
    const hex = (s: string) => [...s].map((c) => c.charCodeAt(0).toString(16).padStart(4, '0')).join('').toUpperCase();
    expect(text.toUpperCase()).toContain(hex('基本医疗保险参保凭证'));
    expect(text.toUpperCase()).toContain(hex('张建国'));
    expect(text.toUpperCase()).toContain(hex('职工医保'));
    expect(text.toUpperCase()).not.toContain(hex(ZHANG.idNumber));
    const audit = await h.t.prisma.auditLog.findFirstOrThrow({ where: { action: 'self_service.certificate_printed', targetId: u.patients.self!.id } });
    expect(String((audit.details as Record<string, unknown>).certificateNo)).toMatch(/^[0-9A-F]{16}$/);
    expect(text.toUpperCase()).toContain(hex(String((audit.details as Record<string, unknown>).certificateNo)));
  });

  it('only for the user\'s own 就诊人', async () => {
    const stranger = await userWith(h, { self: { relationship: 'SELF' } });
    await api(h).get(`/self-service/certificate?patientId=${u.patients.self!.id}`, stranger).expect(404);
  });
});

describe('the hall', () => {
  it('lists every enabled item from the seeded catalog; offline items carry materials and where to go, no form', async () => {
    const list = SelfServiceItemListSchema.parse((await api(h).get('/self-service/items', u).expect(200)).body);
    expect(list.items).toHaveLength(55);
    const modes = list.items.reduce<Record<string, number>>((m, i) => ({ ...m, [i.mode]: (m[i.mode] ?? 0) + 1 }), {});
    expect(modes).toEqual({ online: 13, query: 4, guide: 1, offline: 37 });
    expect(list.items.filter((i) => i.category === 'remoteCare').map((i) => i.filingKind).sort()).toEqual(['LONG_TERM_RESIDENCE', 'REFERRAL', 'RETIRED_RESETTLED', 'TEMPORARY_TRIP', 'WORKING_ELSEWHERE']);
    const suspend = (await api(h).get('/self-service/items/flexible-suspend', u).expect(200)).body;
    expect(suspend).toMatchObject({ mode: 'offline', form: [], offline: { where: '参保地医保经办机构服务窗口' } });
    expect(suspend.notes).toContain('在医保窗口线下办理退费手续');
    expect(suspend.materials.map((m: { name: string }) => m.name)).toEqual(['参保人员社会保障卡（需开通金融功能，若社会保障卡未激活金融功能需提供本人身份证及银行卡）', '《宁夏回族自治区灵活就业人员医疗保险退费申请表》']);
    const retire = (await api(h).get('/self-service/items/flexible-retire', u).expect(200)).body;
    expect(retire).toMatchObject({ mode: 'offline', steps: ['申请', '受理', '（计算保费）', '审核', '办结'] });
    const voucher = (await api(h).get('/self-service/items/voucher-application', u).expect(200)).body;
    expect(voucher).toMatchObject({ mode: 'guide', guide: { capability: 'voucher' } });
    await api(h).get('/self-service/items/nope', u).expect(404);
  });

  it('disabled items are not offered', async () => {
    await h.t.prisma.selfServiceItem.update({ where: { code: 'aid-reimbursement' }, data: { enabled: false } });
    h.service; // the router's catalog caches for 30 s: a fresh app sees the change
    const fresh = await startHarness();
    try {
      const v = await userWith(fresh, {});
      const list = SelfServiceItemListSchema.parse((await api(fresh).get('/self-service/items', v).expect(200)).body);
      expect(list.items.map((i) => i.code)).not.toContain('aid-reimbursement');
    } finally {
      await h.t.prisma.selfServiceItem.update({ where: { code: 'aid-reimbursement' }, data: { enabled: true } });
      await fresh.close();
    }
  });
});
