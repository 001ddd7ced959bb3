/**
 * The mobile-pay center mock on its own: envelope checks, the invariants the BFF's client checks
 * before sending (so they never reach the mock through it), split rules, demo people, admin API,
 * the link used by the channel mocks, and the wiring in allPlatforms().
 */
import request from 'supertest';
import { DEFAULT_SM2_USER_ID, openEnvelope, sealRequest, sm2GenerateKeyPair } from '@ih/crypto';
import { createMockApp } from '../src/app';
import { allPlatforms, completeDemoKeys, demoKeyEnv } from '../src/platforms';
import { computeSplit, createMobilePayMock, generateMobilePayDemoKeys, type MobilePayMock } from '../src/platforms/mobile-pay';
import { insuranceCenterLink } from '../src/platforms/mobile-pay/link';
import { PayAuthRefused as WechatPayAuthRefused } from '../src/platforms/wechat/insurance-link';

const APP_ID = 'mock_mobile_pay_app_id';
const ZHANG = '64010000000000012301';
const LI = '64010000000000012302';
const WANG = '64030000000000045601';

function setup(over: { sm2UserIdMode?: 'appSecret' | 'default' } = {}) {
  const keys = generateMobilePayDemoKeys();
  const mock = createMobilePayMock({
    appId: APP_ID,
    appSecret: keys.MOCK_MOBILE_PAY_APP_SECRET!,
    orgPublicKey: keys.MOCK_MOBILE_PAY_ORG_PUBLIC_KEY!,
    platformPrivateKey: keys.MOCK_MOBILE_PAY_PLATFORM_PRIVATE_KEY!,
    orgCode: 'H00000000001',
    ...over,
  });
  const { app, faults } = createMockApp({ platforms: [mock] });
  const userId = over.sm2UserIdMode === 'default' ? DEFAULT_SM2_USER_ID : keys.MOBILE_PAY_APP_SECRET!;
  const seal = (data: unknown, o: { privateKey?: string; now?: () => number } = {}) =>
    sealRequest(data, { appId: APP_ID, appSecret: keys.MOBILE_PAY_APP_SECRET!, privateKey: o.privateKey ?? keys.MOBILE_PAY_ORG_PRIVATE_KEY!, sm2UserId: userId, ...(o.now ? { now: o.now } : {}) });
  const open = (body: unknown) => openEnvelope<Record<string, unknown>>(body, { appId: APP_ID, appSecret: keys.MOBILE_PAY_APP_SECRET!, publicKey: keys.MOBILE_PAY_PLATFORM_PUBLIC_KEY!, sm2UserId: userId, maxAgeMs: 60_000 });
  const call = async (path: string, data: unknown, o?: { privateKey?: string; now?: () => number }) => {
    const res = await request(app.callback()).post(`/mobile-pay/org/local/api/hos/${path}`).send(seal(data, o)).expect(200);
    const opened = open(res.body);
    return { code: opened.fields.code as string, message: opened.fields.message as string, data: opened.data };
  };
  return { mock, app, faults, keys, seal, open, call };
}

function upload(mock: MobilePayMock, psnNo: string, over: Record<string, unknown> = {}) {
  const p = mock.state.persons.get(psnNo)!;
  return {
    orgCodg: 'H00000000001',
    psnNo,
    insutype: p.insutype,
    insuCode: p.insuplcAdmdvs,
    medOrgOrd: `MO-${Math.random()}`,
    idNo: p.idNo,
    userName: p.name,
    chrgBchno: 'CB1',
    feeType: '01',
    acctUsedFlag: '1',
    payAuthNo: mock.state.issuePayAuthNo(psnNo, {}).payAuthNo,
    medfeeSumamt: '53.29',
    feedetailList: [
      { feedetlSn: '1', medListCodg: '001102000010100', detItemFeeSumamt: '20.00', cnt: '1', pric: '20.00' },
      { feedetlSn: '2', medListCodg: 'XC08CAE647A004010370777', detItemFeeSumamt: '31.85', cnt: '1', pric: '31.85' },
      { feedetlSn: '3', medListCodg: 'XC08CAK591A001010244048', detItemFeeSumamt: '1.44', cnt: '2', pric: '0.72' },
    ],
    ...over,
  };
}

describe('mobile-pay center mock', () => {
  it('split rules: 甲 in scope, 乙 minus 10 %, 丙 none; 85 % / 60 %; account only for 310 with the flag, up to the balance', () => {
    const items = [
      { feeFen: 10_000, cls: 'CLASS_A' as const },
      { feeFen: 10_000, cls: 'CLASS_B' as const },
      { feeFen: 10_000, cls: 'SELF_PAY' as const },
    ];
    // in scope = 10000 + 9000 = 19000
    expect(computeSplit({ items, insutype: '310', acctUsedFlag: true, balanceFen: 1_000_000 })).toMatchObject({ feeSumamt: 30_000, inscpScpAmt: 19_000, preselfpayAmt: 1000, fulamtOwnpayAmt: 10_000, fundPay: 16_150, psnAcctPay: 13_850, ownPayAmt: 0 });
    expect(computeSplit({ items, insutype: '310', acctUsedFlag: true, balanceFen: 5000 })).toMatchObject({ fundPay: 16_150, psnAcctPay: 5000, ownPayAmt: 8850 });
    expect(computeSplit({ items, insutype: '310', acctUsedFlag: false, balanceFen: 5000 })).toMatchObject({ psnAcctPay: 0, ownPayAmt: 13_850 });
    expect(computeSplit({ items, insutype: '390', acctUsedFlag: true, balanceFen: 5000 })).toMatchObject({ fundPay: 11_400, psnAcctPay: 0, ownPayAmt: 18_600 });
    // half-up to the fen: 乙 3185 → self 319 (318.5), 310 on 1 fen in scope → 1 (0.85)
    expect(computeSplit({ items: [{ feeFen: 3185, cls: 'CLASS_B' }], insutype: '310', acctUsedFlag: false, balanceFen: 0 })).toMatchObject({ preselfpayAmt: 319, inscpScpAmt: 2866, fundPay: 2436 });
    for (const s of [computeSplit({ items, insutype: '310', acctUsedFlag: true, balanceFen: 777 })]) expect(s.fundPay + s.psnAcctPay + s.ownPayAmt).toBe(s.feeSumamt);
  });

  it('loads the demo people with balances and family links from the seed', () => {
    const { mock } = setup();
    const zhang = mock.state.persons.get(ZHANG)!;
    expect(zhang).toMatchObject({ insutype: '310', insuplcAdmdvs: '640100', balanceFen: 128_000, voucherActivated: true, suspended: false, wechatOpenId: 'demo_openid_zhangjianguo' });
    expect([...zhang.familyPsnNos].sort()).toEqual([LI, '64010000000000012303']);
    expect([...mock.state.persons.get(LI)!.familyPsnNos]).toEqual([ZHANG]);
    expect(mock.state.persons.get(WANG)!.familyPsnNos.size).toBe(0);
    expect(mock.state.persons.get('64040000000000032101')!.suspended).toBe(true);
    expect(mock.state.findPerson({ alipayUserId: '2088102000000002' })?.psnNo).toBe(WANG);
  });

  it('refuses requests signed with another key, stale requests, and garbage, with signed errors', async () => {
    const { app, call, seal, open, keys } = setup();
    const other = sm2GenerateKeyPair().privateKey;
    expect(await call('uldFeeInfo', { a: 1 }, { privateKey: other })).toMatchObject({ code: '100002', message: '验签失败' });
    expect(await call('uldFeeInfo', { a: 1 }, { now: () => Date.now() - 600_000 })).toMatchObject({ code: '100003' });
    const res = await request(app.callback()).post('/mobile-pay/org/local/api/hos/pay_order').send({ hello: 'world' }).expect(200);
    expect(open(res.body).fields).toMatchObject({ code: '100001', success: false });
    const env = seal({ a: 1 });
    const badEnc = await request(app.callback()).post('/mobile-pay/org/local/api/hos/pay_order').send({ ...env, encData: 'ABCD' }).expect(200);
    expect(open(badEnc.body).fields.code).toBe('100004');
    void keys;
  });

  it('checks the invariants the client also checks (sum, one credential, cnt×pric, catalog)', async () => {
    const { mock, call } = setup();
    expect(await call('uldFeeInfo', upload(mock, ZHANG, { medfeeSumamt: '53.30' }))).toMatchObject({ code: '100011' });
    expect(await call('uldFeeInfo', upload(mock, ZHANG, { ecToken: 'X' }))).toMatchObject({ code: '200000' });
    expect(await call('uldFeeInfo', upload(mock, ZHANG, { payAuthNo: '' }))).toMatchObject({ code: '200000' });
    const bad = upload(mock, ZHANG);
    (bad.feedetailList[2] as Record<string, string>).pric = '0.73';
    expect(await call('uldFeeInfo', bad)).toMatchObject({ code: '100011' });
    expect(await call('uldFeeInfo', upload(mock, ZHANG, { medfeeSumamt: '53.299' }))).toMatchObject({ code: '100010' });
    expect(await call('uldFeeInfo', upload(mock, ZHANG, { orgCodg: 'H99' }))).toMatchObject({ code: '100013' });
    const ok = await call('uldFeeInfo', upload(mock, ZHANG));
    expect(ok.code).toBe('0');
    expect(ok.data).toMatchObject({ payOrdId: expect.stringMatching(/^ORD/), payToken: expect.any(String) });
  });

  it('refund rules at the center: identity, types, whole order only', async () => {
    const { mock, call } = setup();
    const up = upload(mock, ZHANG, { acctUsedFlag: '0' });
    const { data } = await call('uldFeeInfo', up);
    const { payOrdId, payToken } = data as { payOrdId: string; payToken: string };
    const pay = await call('pay_order', { payOrdId, payToken, payAuthNo: up.payAuthNo, orgCodg: 'H00000000001', acctUsedFlag: '0' });
    expect(pay.data).toMatchObject({ feeSumamt: '53.29', ordStas: '1' });
    // A second 6202 for the same order is refused: the client must query instead.
    expect((await call('pay_order', { payOrdId, payToken, payAuthNo: up.payAuthNo, orgCodg: 'H00000000001' })).code).toBe('300002');
    mock.state.settlePayOrder(payOrdId);
    const d = pay.data as Record<string, string>;
    const fresh = () => mock.state.issuePayAuthNo(ZHANG, {}).payAuthNo;
    const refund = (over: Record<string, unknown>) => call('refund_Order', { payOrdId, appRefdSn: `R${Math.random()}`, appRefdTime: '20261122120000', refdType: 'ALL', totlRefdAmt: d.feeSumamt, cashRefdAmt: d.ownPayAmt, psnAcctRefdAmt: d.psnAcctPay, fundRefdAmt: d.fundPay, payAuthNo: fresh(), ...over });
    expect((await refund({ totlRefdAmt: '1.00' })).code).toBe('100011');
    expect((await refund({ refdType: 'CASH' })).code).toBe('300010'); // CASH with insurance parts
    expect((await refund({ refdType: 'HI', totlRefdAmt: d.fundPay, cashRefdAmt: '0.00', psnAcctRefdAmt: '0.00', fundRefdAmt: d.fundPay, payAuthNo: fresh() })).code).toBe('0');
    expect((await refund({ refdType: 'HI', totlRefdAmt: d.fundPay, cashRefdAmt: '0.00', psnAcctRefdAmt: '0.00', fundRefdAmt: d.fundPay })).code).toBe('300010');
    expect((await refund({ appRefdTime: '2026-11-22' })).code).toBe('100010');
    expect((await refund({ payAuthNo: undefined })).code).toBe('200000');
    expect((await refund({ refdType: 'CASH', totlRefdAmt: d.ownPayAmt, cashRefdAmt: d.ownPayAmt, psnAcctRefdAmt: '0.00', fundRefdAmt: '0.00', payAuthNo: mock.state.issuePayAuthNo(WANG, {}).payAuthNo })).code).toBe('200003');
    expect((await refund({ refdType: 'CASH', totlRefdAmt: d.ownPayAmt, cashRefdAmt: d.ownPayAmt, psnAcctRefdAmt: '0.00', fundRefdAmt: '0.00' })).code).toBe('0');
    expect(mock.state.getPayOrder(payOrdId)!.ordStas).toBe('7');
  });

  it('admin API: mint a payAuthNo by channel id, complete an order, see persons without personal data', async () => {
    const { mock, app } = setup();
    const srv = app.callback();
    const g = await request(srv).post('/mobile-pay/__admin/pay-auth').send({ wechatOpenId: 'demo_openid_zhangjianguo', family: true, ttlSeconds: 120, channel: 'wechat' }).expect(201);
    expect(g.body).toMatchObject({ payAuthNo: expect.stringMatching(/^AUTH640100\d{21}$/), psnNo: ZHANG, family: true });
    expect(g.body.expiresAt - Date.now()).toBeGreaterThan(110_000);
    await request(srv).post('/mobile-pay/__admin/pay-auth').send({ psnNo: '64020000000000078901' }).expect(409, { error: 'VOUCHER_NOT_ACTIVATED' });
    await request(srv).post('/mobile-pay/__admin/pay-auth').send({ psnNo: 'nobody' }).expect(404);
    await request(srv).patch(`/mobile-pay/__admin/persons/${ZHANG}`).send({ balanceFen: 500, suspended: true }).expect(200);
    const persons = await request(srv).get('/mobile-pay/__admin/persons').expect(200);
    expect(JSON.stringify(persons.body)).not.toMatch(/张建国|640104196803150131/);
    expect(persons.body.find((p: { psnNo: string }) => p.psnNo === ZHANG)).toMatchObject({ balanceFen: 500, suspended: true });
    await request(srv).post('/mobile-pay/__admin/orders/ORD-NONE/complete').send({}).expect(404);
    mock.reset();
    expect(mock.state.persons.get(ZHANG)!.balanceFen).toBe(128_000);
  });

  it('the channel link mints payAuthNo for WeChat with its error type and settles confirmed orders', async () => {
    const { mock, call } = setup();
    const link = insuranceCenterLink(mock.state);
    const g = link.issuePayAuthNo(ZHANG, { channel: 'wechat', openid: 'demo_openid_zhangjianguo', family: false, ttlSeconds: 60 });
    expect(link.describePayAuthNo!(g.payAuthNo)).toMatchObject({ psnNo: ZHANG, family: false });
    expect(() => link.issuePayAuthNo('64020000000000078901', { channel: 'wechat', openid: 'x', family: false })).toThrow(WechatPayAuthRefused);
    const up = upload(mock, ZHANG, { payAuthNo: g.payAuthNo });
    const { data } = await call('uldFeeInfo', up);
    const { payOrdId, payToken } = data as { payOrdId: string; payToken: string };
    await call('pay_order', { payOrdId, payToken, payAuthNo: g.payAuthNo, orgCodg: 'H00000000001' });
    expect(link.getPayOrder!(payOrdId)).toMatchObject({ ordStas: '1', feeSumamt: 5329, payAuthNo: g.payAuthNo });
    link.settlePayOrder!(payOrdId);
    link.settlePayOrder!(payOrdId); // a second confirmation is ignored
    const o = link.getPayOrder!(payOrdId)!;
    expect(o.ordStas).toBe('6');
    expect(o.fundPay + o.psnAcctPay + o.ownPayAmt).toBe(o.feeSumamt);
    expect(mock.state.persons.get(ZHANG)!.balanceFen).toBe(128_000 - o.psnAcctPay);
  });

  it('works with the standard SM2 user id too', async () => {
    const { mock, call } = setup({ sm2UserIdMode: 'default' });
    expect((await call('uldFeeInfo', upload(mock, ZHANG))).code).toBe('0');
  });

  it('allPlatforms() mounts the center when its demo keys are present and links the WeChat mocks to it', () => {
    const env = { ...demoKeyEnv(completeDemoKeys({})) } as NodeJS.ProcessEnv;
    const names = allPlatforms(env).map((p) => p.name);
    expect(names).toContain('mobile-pay');
    const withoutKeys = allPlatforms({} as NodeJS.ProcessEnv).map((p) => p.name);
    expect(withoutKeys).not.toContain('mobile-pay');
    expect(generateMobilePayDemoKeys()).toEqual(expect.objectContaining({ MOBILE_PAY_APP_SECRET: expect.any(String), MOCK_MOBILE_PAY_PLATFORM_PRIVATE_KEY: expect.any(String) }));
  });
});
