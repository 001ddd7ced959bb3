/**
 * WeChat insurance authorization + WeChat Pay mixed order against the mobile-pay center mock (the
 * wiring of `npm start`): the pay_auth_no comes from the center, the fee upload (6201) and the pay
 * order (6202) are made in the center, WeChat Pay checks the mixed order against the center's
 * pre-settlement and the user's confirmation settles it there (ordStas 6, account balance).
 */
import { WechatClient } from '../../src/platforms/wechat';
import { mixedOrderAmounts, WechatPayClient, type MedInsOrderInput } from '../../src/platforms/wechat-pay';
import { createMobilePayMock, type MobilePayMock } from '../../../mock/src/platforms/mobile-pay';
import { generateMobilePayDemoKeys } from '../../../mock/src/platforms/mobile-pay/keys';
import { insuranceCenterLink } from '../../../mock/src/platforms/mobile-pay/link';
import { createWechatMocks, loadDemoDirectory, type WechatMocks } from '../../../mock/src/platforms/wechat';
import { generateWechatDemoKeys } from '../../../mock/src/platforms/wechat/keys';
import { createWechatPayMock, type WechatPayMock } from '../../../mock/src/platforms/wechat-pay';
import { generateWechatPayDemoKeys } from '../../../mock/src/platforms/wechat-pay/keys';
import { expectPlatformError, startMocks, startReceiver, waitFor, type RunningMocks } from './wechat-helpers';

const APP_ID = 'wxtest0000000001';
const MCH_ID = '1900000109';
const ORG = 'H00000000001';
const ZHANG = 'demo_openid_zhangjianguo';
const directory = loadDemoDirectory();
const mpKeys = generateMobilePayDemoKeys();
const wxKeys = generateWechatDemoKeys();
const payKeys = generateWechatPayDemoKeys();

let center: MobilePayMock;
let wx: WechatMocks;
let payMock: WechatPayMock;
let running: RunningMocks;
let wechat: WechatClient;
let pay: WechatPayClient;
let receiver: Awaited<ReturnType<typeof startReceiver>>;

beforeAll(async () => {
  center = createMobilePayMock({
    appId: 'mp_app_test',
    appSecret: mpKeys.MOCK_MOBILE_PAY_APP_SECRET!,
    orgPublicKey: mpKeys.MOCK_MOBILE_PAY_ORG_PUBLIC_KEY!,
    platformPrivateKey: mpKeys.MOCK_MOBILE_PAY_PLATFORM_PRIVATE_KEY!,
    orgCode: ORG,
    notifyRetryDelayMs: 20,
  });
  const link = insuranceCenterLink(center.state);
  wx = createWechatMocks({ appId: APP_ID, appSecret: wxKeys.MOCK_WECHAT_APP_SECRET!, partnerId: 'p1', partnerSecret: wxKeys.MOCK_WECHAT_INSURANCE_PARTNER_SECRET!, insurance: link, directory });
  payMock = createWechatPayMock({
    mchId: MCH_ID,
    appIds: [APP_ID],
    merchantPublicKeyPem: payKeys.MOCK_WECHAT_PAY_MERCHANT_PUBLIC_KEY!,
    merchantSerialNo: payKeys.MOCK_WECHAT_PAY_MERCHANT_SERIAL_NO!,
    apiV3Key: payKeys.MOCK_WECHAT_PAY_API_V3_KEY!,
    publicKeyId: payKeys.MOCK_WECHAT_PAY_PUBLIC_KEY_ID!,
    publicKeyPrivatePem: payKeys.MOCK_WECHAT_PAY_PUBLIC_KEY_PRIVATE_KEY!,
    insurance: link,
    directory,
    notifyRetryDelaysMs: [50],
  });
  running = await startMocks([center, wx.wechat, wx.insurance, payMock.platform]);
  wechat = new WechatClient({
    apiBaseUrl: `${running.baseUrl}/wechat`,
    appId: APP_ID,
    appSecret: wxKeys.WECHAT_APP_SECRET!,
    insuranceBaseUrl: `${running.baseUrl}/wechat-insurance`,
    partnerId: 'p1',
    partnerSecret: wxKeys.WECHAT_INSURANCE_PARTNER_SECRET!,
    timeoutMs: 2000,
  });
  pay = new WechatPayClient({
    baseUrl: `${running.baseUrl}/wechat-pay`,
    mchId: MCH_ID,
    appId: APP_ID,
    merchantPrivateKey: payKeys.WECHAT_PAY_MERCHANT_PRIVATE_KEY!,
    merchantSerialNo: payKeys.WECHAT_PAY_MERCHANT_SERIAL_NO!,
    apiV3Key: payKeys.WECHAT_PAY_API_V3_KEY!,
    platform: { publicKey: { id: payKeys.WECHAT_PAY_PUBLIC_KEY_ID!, pem: payKeys.WECHAT_PAY_PUBLIC_KEY! } },
    timeoutMs: 2000,
  });
  receiver = await startReceiver(async (h, b) => {
    await pay.verifyAndParseNotify(h, b);
    return 204;
  });
});
afterAll(async () => {
  await payMock.state.notifier?.idle();
  await center.notifier.idle();
  await receiver.close();
  await running.close();
});

let n = 0;
/** Authorize in WeChat, then 6201 + 6202 in the center for the patient; returns what the order needs. */
async function prepare(patientKey: string, family: boolean) {
  const { authCode } = wx.state.mintAuthCode({ openid: ZHANG, person: patientKey, family });
  const auth = await wechat.userQuery({ authCode, openid: ZHANG });
  const patient = center.state.findPerson({ idNo: directory.people.get(patientKey)!.idNumber })!;
  const medOrgOrd = `MZ${Date.now()}${++n}`.slice(0, 20);
  const up = center.state.uploadFee({
    orgCodg: ORG,
    psnNo: patient.psnNo,
    insutype: patient.insutype,
    insuCode: patient.insuplcAdmdvs,
    medOrgOrd,
    idNo: patient.idNo,
    userName: patient.name,
    chrgBchno: `CB${n}`,
    feeType: '01',
    acctUsedFlag: '1',
    payAuthNo: auth.payAuthNo,
    medfeeSumamt: '53.29',
    feedetailList: [
      { feedetlSn: '1', medListCodg: '001102000010100', detItemFeeSumamt: '20.00', cnt: '1', pric: '20.00' },
      { feedetlSn: '2', medListCodg: 'XC08CAE647A004010370777', detItemFeeSumamt: '31.85', cnt: '1', pric: '31.85' },
      { feedetlSn: '3', medListCodg: 'XC08CAK591A001010244048', detItemFeeSumamt: '1.44', cnt: '2', pric: '0.72' },
    ],
  }) as { payOrdId: string; payToken: string };
  center.state.payOrder({ payOrdId: up.payOrdId, payToken: up.payToken, payAuthNo: auth.payAuthNo, orgCodg: ORG });
  const po = center.state.getPayOrder(up.payOrdId)!;
  const amounts = mixedOrderAmounts({ fundPay: po.fundPay, psnAcctPay: po.psnAcctPay, otherPay: po.othPay, ownPayAmt: po.ownPayAmt, freightFen: 800 });
  const outTradeNo = `IHC${Date.now()}${n}`;
  const { prepayId } = await pay.jsapiPrepay({ description: '处方药品', outTradeNo, notifyUrl: receiver.url, totalFen: amounts.wechatPayCashFee, openid: ZHANG });
  const input: MedInsOrderInput = {
    mixPayType: 'CASH_AND_INSURANCE',
    orderType: 'INT_RX_PAY',
    openid: ZHANG,
    payer: auth.holder,
    ...(family ? { relative: { name: patient.name, idNumber: patient.idNo } } : {}),
    outTradeNo,
    serialNo: medOrgOrd,
    payOrderId: up.payOrdId,
    payAuthNo: auth.payAuthNo,
    geoLocation: '106.230909,38.487193',
    cityId: '640100',
    medInstName: '宁夏医科大学总医院',
    medInstNo: ORG,
    amounts,
    callbackUrl: receiver.url,
    prepayId,
  };
  return { input, payOrdId: up.payOrdId, patient };
}

describe('WeChat Pay mixed order settled by the mobile-pay center mock', () => {
  it('self: the confirmation settles the center order (ordStas 6, personal account charged)', async () => {
    const { input, payOrdId, patient } = await prepare('zhang', false);
    const before = center.state.persons.get(patient.psnNo)!.balanceFen;
    const { order } = await pay.createMedInsOrder(input);
    payMock.state.payMixedOrder(order.mix_trade_no);
    const q = await pay.queryMedInsOrder({ mixTradeNo: order.mix_trade_no }, { outTradeNo: input.outTradeNo, amounts: input.amounts });
    expect(q.mix_pay_status).toBe('MIX_PAY_SUCCESS');
    const po = center.state.getPayOrder(payOrdId)!;
    expect(po.ordStas).toBe('6');
    expect(center.state.persons.get(patient.psnNo)!.balanceFen).toBe(before - po.psnAcctPay);
    await waitFor(() => receiver.received.some((r) => r.body.includes('MEDICAL_INSURANCE.SUCCESS') && r.status === 204));
  });

  it('family: the holder pays for a linked relative with the holder’s family authorization', async () => {
    const { input, payOrdId } = await prepare('li', true);
    expect(input.payer.name).toBe('张建国');
    const { order } = await pay.createMedInsOrder(input);
    expect(order.pay_for_relatives).toBe(true);
    payMock.state.payMixedOrder(order.mix_trade_no);
    expect(center.state.getPayOrder(payOrdId)!.ordStas).toBe('6');
  });

  it('refuses amounts that differ from the center’s pre-settlement (268510610) and a serial_no ≠ medOrgOrd', async () => {
    const { input } = await prepare('zhang', false);
    const a = input.amounts;
    const shifted = mixedOrderAmounts({ fundPay: a.medInsGovFee - 1, psnAcctPay: a.medInsSelfFee + 1, ownPayAmt: a.medInsCashFee, freightFen: 800 });
    await expectPlatformError(pay.createMedInsOrder({ ...input, amounts: shifted }), { reason: 'SETTLEMENT_CHECK_FAILED', errno: 268510610 });
    await expectPlatformError(pay.createMedInsOrder({ ...input, serialNo: 'MZ-OTHER' }), { reason: 'SETTLEMENT_CHECK_FAILED' });
    const ok = await pay.createMedInsOrder(input);
    expect(ok.order.mix_pay_status).toBe('MIX_PAY_CREATED');
  });

  it('a settlement the center refuses (insufficient personal account) ends MIX_PAY_FAIL with the reason', async () => {
    const { input, payOrdId, patient } = await prepare('zhang', false);
    const { order } = await pay.createMedInsOrder(input);
    const person = center.state.persons.get(patient.psnNo)!;
    const saved = person.balanceFen;
    person.balanceFen = 0;
    try {
      payMock.state.payMixedOrder(order.mix_trade_no);
    } finally {
      person.balanceFen = saved;
    }
    const q = await pay.queryMedInsOrder({ mixTradeNo: order.mix_trade_no });
    expect(q.mix_pay_status).toBe('MIX_PAY_FAIL');
    expect(q.med_ins_fail_reason).toBeTruthy();
    expect(center.state.getPayOrder(payOrdId)!.ordStas).toBe('15');
  });
});
