/**
 * Form validation of every online item, from its data (selfServiceItems.json, generated from seed
 * 002): the shared function the client runs before sending, and the BFF's answer for the same
 * input (400 VALIDATION_FAILED with the same Chinese message on the same field; review data).
 */
import { SelfServiceItemSchema, addMonthsYmd, validateSelfServiceForm, type MaterialProvidedInput, type SelfServiceItem } from '@ih/contract';
import { cityName } from '@ih/contract/src/regions';
import raw from '../../../prisma/src/seed/data/selfServiceItems.json';
import { api, day, idNumber, key, startHarness, upload, userWith, type Harness, type PatientUser } from './harness';

const items = new Map((raw as unknown[]).map((x) => SelfServiceItemSchema.parse(x)).map((i) => [i.code, i]));
const item = (code: string): SelfServiceItem => items.get(code)!;
const NOW = new Date();
const check = (code: string, form: Record<string, string>, materials: MaterialProvidedInput[] = []) =>
  validateSelfServiceForm(item(code), form, materials, { now: NOW, cityName });
const F = (n = 1) => Array.from({ length: n }, (_, i) => `file-${i}-aaaaaaaa`);
const thisYear = Number(day(0).slice(0, 4));

const VALID: Record<string, { form: Record<string, string>; materials: MaterialProvidedInput[] }> = {
  'flexible-enrollment': { form: { admdvs: '640100', hukou: 'LOCAL', address: '银川市兴庆区', startMonth: day(1), phone: '13800000001' }, materials: [{ code: 'm1', fileIds: F(2) }] },
  'resident-enrollment': { form: { hukou: 'LOCAL', admdvs: '640100', address: '银川市兴庆区', phone: '13800000001' }, materials: [{ code: 'hukou_book', fileIds: F() }] },
  'newborn-enrollment': { form: { babyName: '张小宝', babyGender: 'MALE', birthDate: day(-10), registered: 'NO', birthCertNo: 'Q640012345', relation: 'MOTHER', admdvs: '640100', phone: '13800000001' }, materials: [{ code: 'parents_hukou', fileIds: F() }, { code: 'birth_certificate', fileIds: F() }] },
  'account-withdrawal': { form: { reason: 'EMIGRATION', byAgent: 'NO', accountHolder: '张建国', bankName: '中国银行银川分行', bankAccount: '6217000010000000003', phone: '13800000001' }, materials: [{ code: 'm1', fileIds: F() }, { code: 'emigration_proof', fileIds: F() }] },
  'resident-refund': { form: { reason: 'DEATH', premiumYear: String(thisYear + 1), accountHolder: '张建国', bankName: '中国工商银行', bankAccount: '6222020200112233446', phone: '13800000001' }, materials: [{ code: 'm1', fileIds: F() }, { code: 'm2', fileIds: F() }] },
  'transfer-in': { form: { fromPlace: '610100', fromInsutype: '310', toAdmdvs: '640100', toInsutype: '310', lastPaidDate: day(-20), phone: '13800000001' }, materials: [{ code: 'm1', fileIds: F() }] },
  'remote-filing-retired': { form: { insutype: '310', place: '440300', startDate: day(0), address: '深圳市', phone: '13800000001' }, materials: [{ code: 'm3', promise: true }] },
  'remote-filing-residence': { form: { insutype: '390', place: '110100', startDate: day(0), address: '北京市朝阳区', phone: '13800000001' }, materials: [{ code: 'm3', fileIds: F() }] },
  'remote-filing-work': { form: { insutype: '310', place: '310100', startDate: day(-5), employer: '上海某公司', phone: '13800000001' }, materials: [{ code: 'm3', promise: true }] },
  'remote-filing-temporary': { form: { insutype: '390', place: '500100', startDate: day(0), endDate: addMonthsYmd(day(0), 6), phone: '13800000001' }, materials: [] },
  'remote-filing-referral': { form: { insutype: '390', place: '610100', startDate: day(0), endDate: addMonthsYmd(day(0), 3), fromHospital: '宁夏医科大学总医院', phone: '13800000001' }, materials: [{ code: 'm3', fileIds: F() }] },
  'chronic-recognition': { form: { diseaseCode: 'I50.900', hospitalName: '银川市第一人民医院', diagnosisDate: day(-100), phone: '13800000001' }, materials: [{ code: 'm3', fileIds: F(3) }] },
  'two-diseases-recognition': { form: { diseaseCode: 'E11.900', hospitalName: '某乡镇卫生院', diagnosisDate: day(-100), phone: '13800000001' }, materials: [{ code: 'm3', fileIds: F() }] },
};

describe('every online item has a valid example and refuses an empty form field by field', () => {
  const online = [...items.values()].filter((i) => i.mode === 'online');
  it('covers all online items', () => {
    expect(online.map((i) => i.code).sort()).toEqual(Object.keys(VALID).sort());
  });
  for (const code of Object.keys(VALID)) {
    it(code, () => {
      expect(check(code, VALID[code]!.form, VALID[code]!.materials)).toEqual({ errors: {}, warnings: {} });
      const empty = check(code, {}, []);
      for (const f of item(code).form.filter((x) => x.required && !x.showIf)) expect(empty.errors[`form.${f.key}`]).toMatch(/^请(填写|选择)/);
    });
  }
});

describe('field rules', () => {
  it('ID numbers: checksum, birth date, 15 digits (newborn registered)', () => {
    const base = { ...VALID['newborn-enrollment']!.form, registered: 'YES' };
    const mats = [{ code: 'baby_hukou', fileIds: F() }];
    const good = idNumber(day(-10).replace(/-/g, ''), 123);
    expect(check('newborn-enrollment', { ...base, babyIdNumber: good }, mats).errors).toEqual({});
    const wrong = good.slice(0, 17) + (good[17] === '1' ? '2' : '1');
    expect(check('newborn-enrollment', { ...base, babyIdNumber: wrong }, mats).errors['form.babyIdNumber']).toBe('身份证号码校验位不正确，请逐位核对后重新填写');
    expect(check('newborn-enrollment', { ...base, babyIdNumber: '640104800101123' }, mats).errors['form.babyIdNumber']).toMatch(/15 位/);
    // Hidden field ignored; the materials follow the answer.
    const unregistered = check('newborn-enrollment', { ...VALID['newborn-enrollment']!.form }, []);
    expect(unregistered.errors).toEqual({ 'materials.parents_hukou': '请上传「父母户口簿」', 'materials.birth_certificate': '请上传「医学出生证明」' });
  });

  it('agent ID for an account withdrawal by an agent; death requires an agent and the promise', () => {
    const f = { ...VALID['account-withdrawal']!.form, reason: 'DEATH', byAgent: 'NO' };
    expect(check('account-withdrawal', f, [{ code: 'm1', fileIds: F() }, { code: 'death_certificate', fileIds: F() }]).errors['form.byAgent']).toMatch(/须由继承人代办/);
    const agent = { ...f, byAgent: 'YES', agentName: '张小明', agentIdNumber: '640104198001011234' };
    const r = check('account-withdrawal', agent, [{ code: 'm1', fileIds: F() }, { code: 'death_certificate', fileIds: F() }]);
    expect(r.errors['form.agentIdNumber']).toBeDefined();
    expect(r.errors['materials.agent_promise']).toBe('请上传「个人承诺书（代办）」，或选择签署个人承诺书');
    const ok = check('account-withdrawal', { ...agent, agentIdNumber: idNumber('19800101', 222) }, [{ code: 'm1', fileIds: F() }, { code: 'death_certificate', fileIds: F() }, { code: 'agent_documents', fileIds: F() }, { code: 'agent_promise', promise: true }]);
    expect(ok.errors).toEqual({});
  });

  it('dates: format, bounds relative to today and to another field, order, the 6-month rule for temporary trips', () => {
    const f = VALID['remote-filing-temporary']!.form;
    expect(check('remote-filing-temporary', { ...f, startDate: '2026-02-30' }).errors['form.startDate']).toBe('备案开始日期格式不正确（如 2026-01-31）');
    expect(check('remote-filing-temporary', { ...f, startDate: day(-120) }).errors['form.startDate']).toMatch(/最早可选 90 天前/);
    expect(check('remote-filing-temporary', { ...f, startDate: day(200) }).errors['form.startDate']).toMatch(/不能晚于 180 天后/);
    expect(check('remote-filing-temporary', { ...f, endDate: day(-1) }).errors['form.endDate']).toBe('备案结束日期不能早于开始日期');
    expect(check('remote-filing-temporary', { ...f, endDate: addMonthsYmd(day(0), 2) }).errors['form.endDate']).toMatch(/原则上不少于 6 个月/);
    expect(check('remote-filing-temporary', { ...f, endDate: addMonthsYmd(day(0), 13) }).errors['form.endDate']).toMatch(/最长 12 个月/);
    // Referral: shorter periods are fine (validity varies locally).
    expect(check('remote-filing-referral', { ...VALID['remote-filing-referral']!.form, endDate: addMonthsYmd(day(0), 1) }, VALID['remote-filing-referral']!.materials).errors).toEqual({});
    expect(check('chronic-recognition', { ...VALID['chronic-recognition']!.form, diagnosisDate: day(1) }, VALID['chronic-recognition']!.materials).errors['form.diagnosisDate']).toBe('确诊日期不能晚于今天');
  });

  it('phones: mainland mobile only', () => {
    expect(check('remote-filing-temporary', { ...VALID['remote-filing-temporary']!.form, phone: '0951-1234567' }).errors['form.phone']).toBe('请填写 11 位中国大陆手机号码（1 开头）');
    expect(check('remote-filing-temporary', { ...VALID['remote-filing-temporary']!.form, phone: '+86 138 0000 0001' }).errors).toEqual({});
  });

  it('bank accounts: 16–19 digits; Luhn only warns', () => {
    const f = VALID['resident-refund']!.form;
    const m = VALID['resident-refund']!.materials;
    expect(check('resident-refund', { ...f, bankAccount: '622202020011223' }, m).errors['form.bankAccount']).toBe('银行卡号应为 16–19 位数字，请核对');
    expect(check('resident-refund', { ...f, bankAccount: '62220202001122334465' }, m).errors['form.bankAccount']).toBeDefined();
    expect(check('resident-refund', { ...f, bankAccount: '6222 0202 0011 2233 446' }, m)).toEqual({ errors: {}, warnings: {} });
    const luhnFails = check('resident-refund', { ...f, bankAccount: '6222020200112233445' }, m);
    expect(luhnFails.errors).toEqual({});
    expect(luhnFails.warnings['form.bankAccount']).toMatch(/校验未通过.*以银行核验结果为准/);
  });

  it('resident refunds only for an insurance year that has not started', () => {
    const f = VALID['resident-refund']!.form;
    const m = VALID['resident-refund']!.materials;
    expect(check('resident-refund', { ...f, premiumYear: String(thisYear) }, m).errors['form.premiumYear']).toMatch(/该医保年度已经开始，不再办理/);
    const nextJan = new Date(Date.UTC(thisYear + 1, 0, 2));
    expect(validateSelfServiceForm(item('resident-refund'), { ...f, premiumYear: String(thisYear + 1) }, m, { now: nextJan }).errors['form.premiumYear']).toBeDefined();
  });

  it('residents without local household registration need a Ningxia residence permit and its materials', () => {
    const f = { ...VALID['resident-enrollment']!.form, hukou: 'OTHER_PROVINCE', hasResidencePermit: 'NO' };
    const r = check('resident-enrollment', f, []);
    expect(r.errors['form.hasResidencePermit']).toMatch(/须持有宁夏居住证/);
    expect(r.errors['materials.id_or_hukou']).toBe('请上传「户口簿或身份证」');
    expect(r.errors['materials.residence_permit']).toBe('请上传「宁夏居住证」');
    expect(r.errors['materials.hukou_book']).toBeUndefined();
    expect(check('resident-enrollment', { ...f, hasResidencePermit: 'YES' }, [{ code: 'id_or_hukou', fileIds: F() }, { code: 'residence_permit', fileIds: F() }]).errors).toEqual({});
    expect(check('resident-enrollment', { ...f, hukou: 'FOREIGN', hasResidencePermit: 'YES' }, [{ code: 'residence_permit', fileIds: F() }]).errors).toEqual({ 'materials.foreign_permit': '请上传「中华人民共和国外国人永久居留证」' });
  });

  it('a promise replaces a material only where the catalog allows it', () => {
    expect(check('remote-filing-referral', VALID['remote-filing-referral']!.form, [{ code: 'm3', promise: true }]).errors['materials.m3']).toBe('「转诊住院证明材料」不能以个人承诺代替，请上传材料');
    expect(check('remote-filing-residence', VALID['remote-filing-residence']!.form, []).errors['materials.m3']).toBe('请上传「长期居住认定材料」，或选择签署个人承诺书');
    expect(item('remote-filing-residence').materials.find((m) => m.code === 'm3')!.promiseText).toMatch(/本人承诺/);
  });

  it('places at city level (municipalities as one city); unknown fields and materials are refused', () => {
    const f = VALID['remote-filing-temporary']!.form;
    expect(check('remote-filing-temporary', { ...f, place: '110101' }).errors['form.place']).toMatch(/地市一级/);
    expect(check('remote-filing-temporary', { ...f, place: '640000' }).errors['form.place']).toMatch(/地市一级/);
    expect(check('remote-filing-temporary', { ...f, place: '500200' }).errors).toEqual({}); // 重庆 (县)
    expect(cityName('500200')).toBe('重庆市');
    expect(check('remote-filing-temporary', { ...f, hack: 'x' }).errors['form.hack']).toBeDefined();
    expect(check('remote-filing-temporary', f, [{ code: 'zz', fileIds: F() }]).errors['materials.zz']).toBeDefined();
    expect(check('chronic-recognition', { ...VALID['chronic-recognition']!.form, diseaseCode: 'J06.900' }, VALID['chronic-recognition']!.materials).errors['form.diseaseCode']).toBe('请从列表中选择申请认定病种');
    expect(item('two-diseases-recognition').form.find((x) => x.key === 'diseaseCode')!.options).toEqual([{ value: 'I10.x00', label: '高血压' }, { value: 'E11.900', label: '2型糖尿病' }]);
  });

  it('offline items cannot be validated as forms', () => {
    expect(check('flexible-suspend', {}).errors._).toBeDefined();
  });
});

describe('the BFF answers the same messages', () => {
  let h: Harness;
  let u: PatientUser;
  beforeAll(async () => {
    h = await startHarness();
    u = await userWith(h, { self: { relationship: 'SELF' } });
  });
  afterAll(() => h.close());

  it('submit: 400 with every field problem; nothing stored', async () => {
    const res = await api(h).post('/self-service/applications', u, { requestKey: key(), itemCode: 'resident-refund', patientId: u.patients.self!.id, form: { ...VALID['resident-refund']!.form, bankAccount: '123', phone: '1', premiumYear: String(thisYear) }, materials: [], confirmed: true });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    const byPath = Object.fromEntries(res.body.fields.map((f: { path: string; message: string }) => [f.path, f.message]));
    expect(byPath).toEqual({
      'form.bankAccount': '银行卡号应为 16–19 位数字，请核对',
      'form.phone': '请填写 11 位中国大陆手机号码（1 开头）',
      'form.premiumYear': '该医保年度已经开始，不再办理城乡居民医保退费手续（下一医保年度开始前才能申请）',
      'materials.m1': '请上传「参保人员社会保障卡（或身份证及银行卡）」',
      'materials.m2': '请上传「退费原因证明材料」',
    });
    expect(await h.t.prisma.selfServiceApplication.count({ where: { userId: u.userId } })).toBe(0);
  });

  it('submit without confirming the review page, an offline item, an unknown item', async () => {
    const base = { requestKey: key(), patientId: u.patients.self!.id, form: {}, materials: [] };
    const noConfirm = await api(h).post('/self-service/applications', u, { ...base, itemCode: 'remote-filing-temporary' });
    expect(noConfirm.body.fields).toEqual([{ path: 'confirmed', message: '请核对信息并确认后再提交' }]);
    expect((await api(h).post('/self-service/applications', u, { ...base, itemCode: 'flexible-suspend', confirmed: true })).body.code).toBe('SELF_SERVICE_NOT_ONLINE');
    expect((await api(h).post('/self-service/applications', u, { ...base, itemCode: 'no-such-item', confirmed: true })).body.code).toBe('SELF_SERVICE_ITEM_NOT_FOUND');
  });

  it('validate: review values masked, the Luhn warning, due date and facts (newborn coverage)', async () => {
    const files = [await upload(h, u.userId)];
    const refund = await api(h).post('/self-service/validate', u, { itemCode: 'resident-refund', form: { ...VALID['resident-refund']!.form, bankAccount: '6222020200112233445' }, materials: [{ code: 'm1', fileIds: files }, { code: 'm2', fileIds: files }] }).expect(200);
    expect(refund.body).toMatchObject({ ok: true, fields: [], warnings: [{ path: 'form.bankAccount' }] });
    expect(refund.body.review).toEqual(expect.arrayContaining([{ key: 'bankAccount', label: '银行卡号', value: '6222 **** **** 3445' }, { key: 'reason', label: '退费原因', value: '参保人员死亡' }]));
    expect(refund.body.due).toMatchObject({ workingDays: 20 });
    const newborn = await api(h).post('/self-service/validate', u, { itemCode: 'newborn-enrollment', form: { ...VALID['newborn-enrollment']!.form, birthDate: day(-10) }, materials: [] }).expect(200);
    expect(newborn.body.ok).toBe(false);
    expect(newborn.body.facts).toEqual([{ label: '预计待遇享受起始日', value: expect.stringContaining(`${day(-10)}（出生后规定期限内参保，自出生之日起享受`) }]);
    const foreign = await upload(h, (await userWith(h, {})).userId);
    const stolen = await api(h).post('/self-service/validate', u, { itemCode: 'remote-filing-residence', form: VALID['remote-filing-residence']!.form, materials: [{ code: 'm3', fileIds: [foreign] }] }).expect(200);
    expect(stolen.body.fields).toEqual([{ path: 'materials.m3', message: '上传的文件不存在、已过期或已用于其他申请，请重新上传' }]);
  });
});
