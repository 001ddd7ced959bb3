/**
 * Contract tests: the BFF's WeChat Pay v3 client (wechatpay-node-v3 with an injected HTTP layer)
 * against the WeChat Pay mock over HTTP — JSAPI prepay, the medical-insurance mixed order with a
 * real pay_auth_no from the WeChat insurance mock, launch parameters, queries, refunds, the
 * med-ins refund notice, signed/encrypted callbacks — and every fault on answers and callbacks.
 */
import { createVerify } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { createPrisma } from '@ih/db';
import { DbNonceStore } from '../../src/lib/nonceStore';
import { WechatClient, type WechatInsuranceAuthorization } from '../../src/platforms/wechat';
import {
  assertMixedOrderMatches,
  assertRefundMatches,
  assertTransactionMatches,
  checkMixedOrderAmounts,
  idDigest,
  mixedOrderAmounts,
  notifyAnswer,
  to18,
  WechatPayAmountMismatchError,
  WechatPayClient,
  WechatPayError,
  WechatPayNotifyError,
  type MedInsOrderInput,
  type MixedOrderAmounts,
  type WechatPayClientConfig,
  type WechatPayEvent,
} from '../../src/platforms/wechat-pay';
import { createWechatMocks, createLocalInsuranceLink, loadDemoDirectory, type WechatMocks } from '../../../mock/src/platforms/wechat';
import { generateWechatDemoKeys } from '../../../mock/src/platforms/wechat/keys';
import { createWechatPayMock, type WechatPayMock } from '../../../mock/src/platforms/wechat-pay';
import { generateWechatPayDemoKeys } from '../../../mock/src/platforms/wechat-pay/keys';
import { caught, eventLog, expectPlatformError, sleep, startMocks, startReceiver, waitFor, type RunningMocks } from './wechat-helpers';

const APP_ID = 'wxtest0000000001';
const MCH_ID = '1900000109';
const PARTNER = 'partner_test_01';
const ZHANG = 'demo_openid_zhangjianguo'; // 张建国 (self), family: 李秀英 (li)
const WANG = 'demo_openid_wanglihua';

const wxKeys = generateWechatDemoKeys();
const payKeys = generateWechatPayDemoKeys();
const directory = loadDemoDirectory();
const link = createLocalInsuranceLink((psnNo) => [...directory.people.values()].find((p) => p.psnNo === psnNo)?.insuplcAdmdvs);

let wx: WechatMocks;
let payMock: WechatPayMock;
let running: RunningMocks;
let wechat: WechatClient;
let cfg: WechatPayClientConfig;
let pay: WechatPayClient;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
const log = eventLog();

/** What the callback endpoint saw: verified events or typed rejections. */
interface Outcome {
  headers: IncomingHttpHeaders;
  body: string;
  event?: WechatPayEvent;
  error?: unknown;
  flagged?: unknown;
}
const outcomes: Outcome[] = [];
/** Idempotent store: business key + event type → the event as first processed. */
const processed = new Map<string, WechatPayEvent>();
/** Local orders (what the BFF's database would hold) for comparing callback amounts. */
const localOrders = new Map<string, { outTradeNo: string; amounts: MixedOrderAmounts }>();
let verifier: (h: IncomingHttpHeaders, b: string) => Promise<WechatPayEvent>;

function keyOf(ev: WechatPayEvent): string {
  if (ev.type === 'MEDICAL_INSURANCE.SUCCESS') return `${ev.order.mix_trade_no}|${ev.type}`;
  if (ev.type === 'TRANSACTION.SUCCESS') return `${ev.transaction.out_trade_no}|${ev.type}`;
  if (ev.type === 'OTHER') return `${ev.id}|${ev.eventType}`;
  return `${ev.refund.out_refund_no}|${ev.type}`;
}

beforeAll(async () => {
  process.env.MOCK_TIMEOUT_HOLD_MS = '900';
  wx = createWechatMocks({ appId: APP_ID, appSecret: wxKeys.MOCK_WECHAT_APP_SECRET!, partnerId: PARTNER, partnerSecret: wxKeys.MOCK_WECHAT_INSURANCE_PARTNER_SECRET!, insurance: link, directory });
  payMock = createWechatPayMock({
    mchId: MCH_ID,
    appIds: [APP_ID],
    merchantPublicKeyPem: payKeys.MOCK_WECHAT_PAY_MERCHANT_PUBLIC_KEY!,
    merchantSerialNo: payKeys.MOCK_WECHAT_PAY_MERCHANT_SERIAL_NO!,
    apiV3Key: payKeys.MOCK_WECHAT_PAY_API_V3_KEY!,
    publicKeyId: payKeys.MOCK_WECHAT_PAY_PUBLIC_KEY_ID!,
    publicKeyPrivatePem: payKeys.MOCK_WECHAT_PAY_PUBLIC_KEY_PRIVATE_KEY!,
    platformCertPem: payKeys.MOCK_WECHAT_PAY_PLATFORM_CERT!,
    platformCertPrivatePem: payKeys.MOCK_WECHAT_PAY_PLATFORM_CERT_PRIVATE_KEY!,
    insurance: link,
    directory,
    notifyRetryDelaysMs: [60, 120],
    notifyTimeoutMs: 1000,
    refundDelayMs: 30,
  });
  running = await startMocks([wx.wechat, wx.insurance, payMock.platform]);
  wechat = new WechatClient({
    apiBaseUrl: `${running.baseUrl}/wechat`,
    appId: APP_ID,
    appSecret: wxKeys.WECHAT_APP_SECRET!,
    insuranceBaseUrl: `${running.baseUrl}/wechat-insurance`,
    partnerId: PARTNER,
    partnerSecret: wxKeys.WECHAT_INSURANCE_PARTNER_SECRET!,
    timeoutMs: 1000,
  });
  cfg = {
    baseUrl: `${running.baseUrl}/wechat-pay`,
    mchId: MCH_ID,
    appId: APP_ID,
    merchantPrivateKey: payKeys.WECHAT_PAY_MERCHANT_PRIVATE_KEY!,
    merchantSerialNo: payKeys.WECHAT_PAY_MERCHANT_SERIAL_NO!,
    apiV3Key: payKeys.WECHAT_PAY_API_V3_KEY!,
    platform: { publicKey: { id: payKeys.WECHAT_PAY_PUBLIC_KEY_ID!, pem: payKeys.WECHAT_PAY_PUBLIC_KEY! }, certificates: [payKeys.WECHAT_PAY_PLATFORM_CERT!] },
    timeoutMs: 400,
    onEvent: log.onEvent,
  };
  pay = new WechatPayClient(cfg);
  verifier = (h, b) => pay.verifyAndParseNotify(h, b);
  receiver = await startReceiver(async (headers, body) => {
    const o: Outcome = { headers, body };
    outcomes.push(o);
    try {
      const ev = await verifier(headers, body);
      o.event = ev;
      const key = keyOf(ev);
      if (!processed.has(key)) processed.set(key, ev);
      if (ev.type === 'MEDICAL_INSURANCE.SUCCESS') {
        const local = localOrders.get(ev.order.out_trade_no);
        try {
          if (local) assertMixedOrderMatches('notify', local, ev.order as unknown as Record<string, unknown>);
        } catch (e) {
          o.flagged = e; // authentic but not our amounts: flag the order for review, stop retries.
        }
      }
      return notifyAnswer().status;
    } catch (e) {
      o.error = e;
      return notifyAnswer(e).status;
    }
  });
});
afterAll(async () => {
  await payMock.state.notifier?.idle();
  await receiver.close();
  await running.close();
});
afterEach(() => running.faults.clear());

let seq = 0;
const newOutTradeNo = () => `IH${Date.now()}${String(++seq).padStart(4, '0')}`;

async function authorize(openid: string, person?: string, family = false): Promise<WechatInsuranceAuthorization> {
  const { authCode } = wx.state.mintAuthCode({ openid, ...(person ? { person } : {}), family });
  return wechat.userQuery({ authCode, openid });
}

const STANDARD = () => mixedOrderAmounts({ fundPay: 6000, psnAcctPay: 2000, ownPayAmt: 1500, freightFen: 800 });

async function orderInput(opts: { openid?: string; person?: string; family?: boolean; amounts?: MixedOrderAmounts; payer?: { name: string; idNumber: string } } = {}): Promise<{ input: MedInsOrderInput; auth: WechatInsuranceAuthorization }> {
  const openid = opts.openid ?? ZHANG;
  const auth = await authorize(openid, opts.person, opts.family);
  const amounts = opts.amounts ?? STANDARD();
  const outTradeNo = newOutTradeNo();
  let prepayId: string | undefined;
  if (amounts.wechatPayCashFee > 0) {
    prepayId = (await pay.jsapiPrepay({ description: '互联网医院-处方药品', outTradeNo, notifyUrl: receiver.url, totalFen: amounts.wechatPayCashFee, openid })).prepayId;
  }
  const patient = opts.person ? directory.people.get(opts.person)! : undefined;
  const input: MedInsOrderInput = {
    mixPayType: amounts.wechatPayCashFee > 0 ? 'CASH_AND_INSURANCE' : 'INSURANCE_ONLY',
    orderType: 'INT_RX_PAY',
    openid,
    payer: opts.payer ?? auth.holder,
    ...(opts.family && patient ? { relative: { name: patient.name, idNumber: patient.idNumber } } : {}),
    outTradeNo,
    serialNo: `MZ${outTradeNo.slice(-12)}`,
    payOrderId: `ORD640100${outTradeNo.slice(-16)}`,
    payAuthNo: auth.payAuthNo,
    geoLocation: '106.230909,38.487193',
    cityId: '640100',
    medInstName: '宁夏医科大学总医院',
    medInstNo: 'H64010000001',
    amounts,
    callbackUrl: receiver.url,
    ...(prepayId ? { prepayId } : {}),
  };
  localOrders.set(outTradeNo, { outTradeNo, amounts });
  return { input, auth };
}

const medInsEventFor = (mixTradeNo: string) => () => outcomes.find((o) => o.event?.type === 'MEDICAL_INSURANCE.SUCCESS' && o.event.order.mix_trade_no === mixTradeNo);

describe('amounts (before anything is sent)', () => {
  it('builds the identities, puts freight in cash_add_detail and refuses broken ones', () => {
    const a = STANDARD();
    expect(a).toMatchObject({ totalFee: 10300, medInsCashFee: 1500, wechatPayCashFee: 2300, cashAdd: [{ type: 'FREIGHT', fee: 800 }] });
    expect(() => checkMixedOrderAmounts({ ...a, wechatPayCashFee: a.wechatPayCashFee + 1 })).toThrow(/wechat_pay_cash_fee/);
    expect(() => checkMixedOrderAmounts({ ...a, totalFee: a.totalFee - 1 })).toThrow(/total_fee/);
    expect(() => checkMixedOrderAmounts({ ...a, medInsGovFee: 1.5 })).toThrow(/整数/);
    const reduced = mixedOrderAmounts({ fundPay: 100, psnAcctPay: 0, ownPayAmt: 500, cashReduce: [{ type: 'HOSPITAL_REDUCE', fee: 200 }] });
    expect(reduced).toMatchObject({ totalFee: 600, wechatPayCashFee: 300 });
  });

  it('computes id_digest as WeChat Pay documents (upper case, 15→18, MD5)', () => {
    expect(idDigest('44030019000101123x')).toBe('09eb26e839ff3a2e3980352ae45ef09e');
    expect(to18('640104680315013')).toMatch(/^64010419680315013[\dX]$/);
  });

  it('never sends an order whose amounts break an identity', async () => {
    const { input } = await orderInput();
    const before = log.events.length;
    const broken = { ...input, amounts: { ...input.amounts, medInsCashFee: input.amounts.medInsCashFee + 1 } };
    expect(await caught(pay.createMedInsOrder(broken))).toBeInstanceOf(RangeError);
    expect(await caught(pay.createMedInsOrder({ ...input, prepayId: undefined }))).toBeInstanceOf(RangeError);
    expect(log.events.length).toBe(before);
  });
});

describe('mixed order: normal flows', () => {
  it('creates, launches, pays, verifies both callbacks and queries the result', async () => {
    const { input } = await orderInput();
    const { order, recovered } = await pay.createMedInsOrder(input);
    expect(recovered).toBe(false);
    expect(order).toMatchObject({ mix_pay_status: 'MIX_PAY_CREATED', self_pay_status: 'SELF_PAY_CREATED', med_ins_pay_status: 'MED_INS_PAY_CREATED', total_fee: 10300, wechat_pay_cash_fee: 2300 });
    expect(JSON.stringify(order)).not.toContain('张建国');

    // Launch parameters: paySign is RSA over appId\ntimeStamp\nnonceStr\npackage\n (mixTradeNo not signed).
    const launch = pay.medicalInsuranceLaunch(order.mix_trade_no, input.prepayId);
    expect(launch).toMatchObject({ mixTradeNo: order.mix_trade_no, appId: APP_ID, package: `prepay_id=${input.prepayId}`, signType: 'RSA' });
    const v = createVerify('RSA-SHA256').update(`${APP_ID}\n${launch.timeStamp}\n${launch.nonceStr}\n${launch.package}\n`);
    expect(v.verify(payKeys.MOCK_WECHAT_PAY_MERCHANT_PUBLIC_KEY!, launch.paySign!, 'base64')).toBe(true);

    payMock.state.payMixedOrder(order.mix_trade_no);
    const medIns = await waitFor(medInsEventFor(order.mix_trade_no));
    expect(medIns.error).toBeUndefined();
    expect(medIns.flagged).toBeUndefined();
    const tx = await waitFor(() => outcomes.find((o) => o.event?.type === 'TRANSACTION.SUCCESS' && o.event.transaction.out_trade_no === input.outTradeNo));
    if (tx.event?.type !== 'TRANSACTION.SUCCESS') throw new Error('unreachable');
    assertTransactionMatches('notify', { outTradeNo: input.outTradeNo, totalFen: 2300 }, tx.event.transaction);
    // The public-key identity signed them (the order was created with Wechatpay-Serial PUB_KEY_ID_…).
    expect(medIns.headers['wechatpay-serial']).toBe(payKeys.WECHAT_PAY_PUBLIC_KEY_ID);

    const expected = { outTradeNo: input.outTradeNo, amounts: input.amounts };
    const byMix = await pay.queryMedInsOrder({ mixTradeNo: order.mix_trade_no }, expected);
    expect(byMix).toMatchObject({ mix_pay_status: 'MIX_PAY_SUCCESS', self_pay_status: 'SELF_PAY_SUCCESS', med_ins_pay_status: 'MED_INS_PAY_SUCCESS' });
    expect(byMix.paid_time).toMatch(/\+08:00$/);
    expect((await pay.queryMedInsOrder({ outTradeNo: input.outTradeNo }, expected)).mix_trade_no).toBe(order.mix_trade_no);
    expect((await pay.queryTransaction(input.outTradeNo, { totalFen: 2300 })).trade_state).toBe('SUCCESS');
  });

  it('handles an insurance-only order (no cash share: no prepay, launch without cash fields)', async () => {
    const { input } = await orderInput({ openid: WANG, amounts: mixedOrderAmounts({ fundPay: 5000, psnAcctPay: 1000, ownPayAmt: 0 }) });
    expect(input.mixPayType).toBe('INSURANCE_ONLY');
    const { order } = await pay.createMedInsOrder(input);
    expect(order.self_pay_status).toBe('NO_SELF_PAY');
    expect(pay.medicalInsuranceLaunch(order.mix_trade_no)).toEqual({ mixTradeNo: order.mix_trade_no, appId: APP_ID });
    payMock.state.payMixedOrder(order.mix_trade_no);
    await waitFor(medInsEventFor(order.mix_trade_no));
    expect(outcomes.some((o) => o.event?.type === 'TRANSACTION.SUCCESS' && o.event.transaction.out_trade_no === input.outTradeNo)).toBe(false);
  });

  it('pays for a relative with a family authorization (payer = holder, relative = patient)', async () => {
    const { input } = await orderInput({ person: 'li', family: true });
    expect(input.relative?.name).toBe('李秀英');
    const { order } = await pay.createMedInsOrder(input);
    expect(order.pay_for_relatives).toBe(true);
  });

  it('refunds the cash share (REFUND.SUCCESS verified), notifies the insurance refund, ends MIX_PAY_REFUND', async () => {
    const { input } = await orderInput();
    const { order } = await pay.createMedInsOrder(input);
    payMock.state.payMixedOrder(order.mix_trade_no);
    await waitFor(medInsEventFor(order.mix_trade_no));
    const outRefundNo = `R${input.outTradeNo}`;
    const r = await pay.refund({ outTradeNo: input.outTradeNo, outRefundNo, refundFen: 2300, totalFen: 2300, reason: '处方作废', notifyUrl: receiver.url });
    expect(r.status).toBe('PROCESSING');
    // Same out_refund_no again: the same refund (WeChat Pay's idempotency key).
    expect((await pay.refund({ outTradeNo: input.outTradeNo, outRefundNo, refundFen: 2300, totalFen: 2300, notifyUrl: receiver.url })).refund_id).toBe(r.refund_id);
    const ev = await waitFor(() => outcomes.find((o) => o.event?.type === 'REFUND.SUCCESS' && o.event.refund.out_refund_no === outRefundNo));
    if (ev.event?.type !== 'REFUND.SUCCESS') throw new Error('unreachable');
    assertRefundMatches('notify', { outRefundNo, refundFen: 2300, totalFen: 2300 }, ev.event.refund);
    expect((await pay.queryRefund(outRefundNo, { refundFen: 2300 })).status).toBe('SUCCESS');
    await pay.notifyMedInsRefund(order.mix_trade_no, { outRefundNo, govFen: 6000, selfFen: 2000, otherFen: 0, refundTime: new Date() });
    expect((await pay.queryMedInsOrder({ mixTradeNo: order.mix_trade_no })).mix_pay_status).toBe('MIX_PAY_REFUND');
    await expectPlatformError(pay.refund({ outTradeNo: input.outTradeNo, outRefundNo: `${outRefundNo}b`, refundFen: 1, totalFen: 2300 }), { reason: 'BUSINESS_RULE', wxCode: 'INVALID_REQUEST' });
  });
});

describe('mixed order: platform errors mapped', () => {
  it('refuses paying for someone else with the holder’s pay_auth_no (name / ID digest mismatch)', async () => {
    const wang = directory.people.get('wang')!;
    const { input } = await orderInput({ payer: { name: wang.name, idNumber: wang.idNumber } });
    const e = await expectPlatformError<WechatPayError>(pay.createMedInsOrder(input), { reason: 'NAME_MISMATCH', errno: 268545962, userCode: 'INSURANCE_IDENTITY_MISMATCH' });
    expect(e.wxCode).toBe('INVALID_REQUEST');
    const zhang = directory.people.get('zhang')!;
    const { input: input2 } = await orderInput({ payer: { name: zhang.name, idNumber: wang.idNumber } });
    await expectPlatformError(pay.createMedInsOrder(input2), { reason: 'ID_DIGEST_MISMATCH', errno: 268545961 });
  });

  it('refuses a used or expired pay_auth_no (268547120)', async () => {
    const { input } = await orderInput();
    await pay.createMedInsOrder(input);
    const { input: second } = await orderInput();
    await expectPlatformError(pay.createMedInsOrder({ ...second, payAuthNo: input.payAuthNo }), { reason: 'PAY_AUTH_NO_INVALID', errno: 268547120, userCode: 'INSURANCE_AUTH_INVALID' });
    const { input: third } = await orderInput();
    link.grants.get(third.payAuthNo!)!.expiresAt = Date.now() - 1;
    await expectPlatformError(pay.createMedInsOrder(third), { reason: 'PAY_AUTH_NO_INVALID' });
  });

  it('resolves ALREADY_EXISTS by querying (same out_trade_no sent again)', async () => {
    const { input } = await orderInput();
    const first = await pay.createMedInsOrder(input);
    const again = await pay.createMedInsOrder(input);
    expect(again).toEqual({ order: expect.objectContaining({ mix_trade_no: first.order.mix_trade_no }), recovered: true });
  });

  it('maps an injected platform error code (268510610 settlement check failed) and ORDER_NOT_EXIST', async () => {
    const { input } = await orderInput();
    running.faults.add({ platform: 'wechat-pay', operation: '/v3/med-ins/orders', kind: 'platform_error', params: { status: 400, code: 'INVALID_REQUEST', errno: 268510610, message: '医保局结算校验失败' }, times: 1 });
    await expectPlatformError(pay.createMedInsOrder(input), { reason: 'SETTLEMENT_CHECK_FAILED', errno: 268510610, userCode: 'INSURANCE_SETTLEMENT_FAILED', kind: 'rejected' });
    await expectPlatformError(pay.queryMedInsOrder({ mixTradeNo: '20260101000000123456' }), { reason: 'ORDER_NOT_EXIST', httpStatus: 404, userCode: 'NOT_FOUND' });
  });

  it('is refused with SIGN_ERROR when the merchant key does not match', async () => {
    const { generateKeyPairSync } = await import('node:crypto');
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const stranger = new WechatPayClient({ ...cfg, merchantPrivateKey: other });
    await expectPlatformError(stranger.queryMedInsOrder({ outTradeNo: 'X1' }), { reason: 'SIGN_ERROR', httpStatus: 401 });
  });
});

describe('mixed order: faults on calls', () => {
  it('bounds a timeout on create and queries instead of sending again', async () => {
    const { input } = await orderInput();
    running.faults.add({ platform: 'wechat-pay', operation: '/v3/med-ins/orders', kind: 'timeout', times: 1 });
    const before = log.events.length;
    const started = Date.now();
    await expectPlatformError(pay.createMedInsOrder(input), { kind: 'timeout', outcomeUnknown: true });
    expect(Date.now() - started).toBeLessThan(1500);
    const calls = log.events.slice(before).map((e) => e.operation);
    expect(calls.filter((o) => o === 'POST /v3/med-ins/orders')).toHaveLength(1);
    expect(calls).toContain('GET /v3/med-ins/orders/out-trade-no/{id}');
  });

  it('recovers a create that landed after the client gave up (late answer) by the same out_trade_no', async () => {
    const { input } = await orderInput();
    running.faults.add({ platform: 'wechat-pay', operation: '/v3/med-ins/orders', kind: 'latency', params: { ms: 600 }, times: 1 });
    await expectPlatformError(pay.createMedInsOrder(input), { kind: 'timeout', outcomeUnknown: true });
    await sleep(700);
    const again = await pay.createMedInsOrder(input);
    expect(again.recovered).toBe(true);
    expect(again.order.mix_pay_status).toBe('MIX_PAY_CREATED');
  });

  it('maps 5xx: 503 is not retried (outcome known), 500 is looked up, a GET is retried', async () => {
    const { input } = await orderInput();
    running.faults.add({ platform: 'wechat-pay', operation: '/v3/med-ins/orders', kind: 'http_error', params: { status: 503 }, times: 1 });
    await expectPlatformError(pay.createMedInsOrder(input), { kind: 'unavailable', code: 'HTTP_503', outcomeUnknown: false });
    running.faults.add({ platform: 'wechat-pay', operation: '/v3/med-ins/orders', kind: 'http_error', params: { status: 500 }, times: 1 });
    const before = log.events.length;
    await expectPlatformError(pay.createMedInsOrder(input), { kind: 'unavailable', code: 'HTTP_500', outcomeUnknown: true });
    expect(log.events.slice(before).some((e) => e.operation === 'GET /v3/med-ins/orders/out-trade-no/{id}')).toBe(true);
    const { order } = await pay.createMedInsOrder(input);
    running.faults.add({ platform: 'wechat-pay', kind: 'http_error', params: { status: 502 }, times: 1 });
    const mark = log.events.length;
    const q = await pay.queryMedInsOrder({ mixTradeNo: order.mix_trade_no });
    expect(q.mix_trade_no).toBe(order.mix_trade_no);
    expect(log.events.slice(mark).map((e) => [e.attempt, e.status, e.willRetry])).toEqual([
      [1, 502, true],
      [2, 200, false],
    ]);
  });

  it('rejects answers with a wrong signature or a stale timestamp; a create with an untrusted answer is looked up', async () => {
    const { input } = await orderInput();
    running.faults.add({ platform: 'wechat-pay', operation: '/v3/med-ins/orders', kind: 'bad_signature', times: 1 });
    const created = await pay.createMedInsOrder(input);
    expect(created.recovered).toBe(true);
    const ref = { mixTradeNo: created.order.mix_trade_no };
    running.faults.add({ platform: 'wechat-pay', operation: '/v3/med-ins/orders/mix-trade-no/:no', kind: 'bad_signature', times: 1 });
    await expectPlatformError(pay.queryMedInsOrder(ref), { kind: 'signature', code: 'RESPONSE_SIGNATURE' });
    running.faults.add({ platform: 'wechat-pay', operation: '/v3/med-ins/orders/mix-trade-no/:no', kind: 'stale_timestamp', params: { seconds: 900 }, times: 1 });
    await expectPlatformError(pay.queryMedInsOrder(ref), { kind: 'signature', code: 'RESPONSE_STALE' });
  });

  it('flags an authentic answer whose amounts differ from the local order', async () => {
    const { input } = await orderInput();
    const { order } = await pay.createMedInsOrder(input);
    running.faults.add({ platform: 'wechat-pay', operation: '/v3/med-ins/orders/mix-trade-no/:no', kind: 'wrong_amount', params: { deltaFen: 100 }, times: 1 });
    const e = await expectPlatformError<WechatPayAmountMismatchError>(pay.queryMedInsOrder({ mixTradeNo: order.mix_trade_no }, { outTradeNo: input.outTradeNo, amounts: input.amounts }), { code: 'AMOUNT_MISMATCH' });
    expect(e.fields).toEqual(expect.arrayContaining(['total_fee', 'wechat_pay_cash_fee']));
    running.faults.add({ platform: 'wechat-pay', operation: '/v3/med-ins/orders', kind: 'wrong_amount', times: 1 });
    const { input: other } = await orderInput();
    expect(await caught(pay.createMedInsOrder(other))).toBeInstanceOf(WechatPayAmountMismatchError);
  });

  it('works in certificate mode too (Wechatpay-Serial = platform certificate serial)', async () => {
    const certOnly = new WechatPayClient({ ...cfg, platform: { certificates: [payKeys.WECHAT_PAY_PLATFORM_CERT!] } });
    expect(certOnly.keys.preferredSerial).toMatch(/^[0-9A-F]{40}$/);
    const { input } = await orderInput();
    const { order } = await certOnly.createMedInsOrder(input);
    payMock.state.payMixedOrder(order.mix_trade_no);
    const ev = await waitFor(medInsEventFor(order.mix_trade_no));
    expect(ev.headers['wechatpay-serial']).toBe(certOnly.keys.preferredSerial);
    expect(ev.error).toBeUndefined();
    // A verifier that trusts only the public key refuses the certificate-signed callback.
    const pkOnly = new WechatPayClient({ ...cfg, platform: { publicKey: { id: payKeys.WECHAT_PAY_PUBLIC_KEY_ID!, pem: payKeys.WECHAT_PAY_PUBLIC_KEY! } } });
    await expectPlatformError(pkOnly.verifyAndParseNotify(ev.headers as Record<string, string>, ev.body), { reason: 'UNKNOWN_SERIAL' });
  });
});

describe('callbacks: verified or rejected', () => {
  async function paidOrder(): Promise<{ input: MedInsOrderInput; mixTradeNo: string }> {
    const { input } = await orderInput();
    const { order } = await pay.createMedInsOrder(input);
    return { input, mixTradeNo: order.mix_trade_no };
  }
  const deliveries = (mixTradeNo: string) => outcomes.filter((o) => o.event?.type === 'MEDICAL_INSURANCE.SUCCESS' && o.event.order.mix_trade_no === mixTradeNo);

  it('rejects a tampered callback and a replayed one (same nonce)', async () => {
    const { mixTradeNo } = await paidOrder();
    payMock.state.payMixedOrder(mixTradeNo);
    const ok = await waitFor(medInsEventFor(mixTradeNo));
    const headers = ok.headers as Record<string, string>;
    const tampered = ok.body.replace('"MEDICAL_INSURANCE.SUCCESS"', '"MEDICAL_INSURANCE.SUCCES"');
    const e1 = await expectPlatformError<WechatPayNotifyError>(verifier(headers, tampered), { reason: 'BAD_SIGNATURE', kind: 'signature' });
    expect(notifyAnswer(e1).status).toBe(401);
    await expectPlatformError(verifier(headers, ok.body), { reason: 'REPLAYED_NONCE' });
    await expectPlatformError(verifier({ ...headers, 'wechatpay-signature': `WECHATPAY/SIGNTEST/${headers['wechatpay-signature']}` }, ok.body), { reason: 'SIGNATURE_PROBE' });
    await expectPlatformError(verifier({ ...headers, 'wechatpay-serial': 'PUB_KEY_ID_0000' }, ok.body), { reason: 'UNKNOWN_SERIAL' });
    await expectPlatformError(verifier({ 'wechatpay-timestamp': headers['wechatpay-timestamp']! }, ok.body), { reason: 'MISSING_HEADERS' });
  });

  it('a replay that reaches another BFF instance is refused too: the nonces are kept in the database', async () => {
    const url = process.env.IH_BFF_TEST_DATABASE_URL!;
    const [dbA, dbB] = [createPrisma(url), createPrisma(url)];
    try {
      const instanceA = new WechatPayClient({ ...cfg, nonceStore: new DbNonceStore(dbA) });
      const instanceB = new WechatPayClient({ ...cfg, nonceStore: new DbNonceStore(dbB) });
      const { mixTradeNo } = await paidOrder();
      payMock.state.payMixedOrder(mixTradeNo);
      const ok = await waitFor(medInsEventFor(mixTradeNo));
      const headers = ok.headers as Record<string, string>;
      const ev = await instanceA.verifyAndParseNotify(headers, ok.body);
      expect(ev.type).toBe('MEDICAL_INSURANCE.SUCCESS');
      await expectPlatformError(instanceB.verifyAndParseNotify(headers, ok.body), { reason: 'REPLAYED_NONCE' });
      // Kept as long as its timestamp could be accepted (2 × the 300 s window), under a hash of serial|nonce.
      const row = await dbA.callbackNonce.findUniqueOrThrow({ where: { key: DbNonceStore.keyOf(`${headers['wechatpay-serial']}|${headers['wechatpay-nonce']}`) } });
      expect(row.expiresAt.getTime() - Date.now()).toBeGreaterThan(590_000);
      expect(row.expiresAt.getTime() - Date.now()).toBeLessThanOrEqual(600_000);
    } finally {
      await Promise.all([dbA.$disconnect(), dbB.$disconnect()]);
    }
  });

  it('rejects a callback with a stale timestamp (every retry), and the query still finds the payment', async () => {
    const { mixTradeNo } = await paidOrder();
    running.faults.add({ platform: 'wechat-pay', operation: 'MEDICAL_INSURANCE.SUCCESS', kind: 'stale_timestamp', params: { seconds: 600 }, times: 1 });
    payMock.state.payMixedOrder(mixTradeNo);
    await waitFor(() => payMock.state.notifier!.deliveries.find((d) => d.eventType === 'MEDICAL_INSURANCE.SUCCESS' && d.plaintext.mix_trade_no === mixTradeNo && d.status === 'failed'));
    const rejected = outcomes.filter((o) => o.error instanceof WechatPayNotifyError && o.body.includes('MEDICAL_INSURANCE') && (o.error as WechatPayNotifyError).reason === 'STALE_TIMESTAMP');
    expect(rejected.length).toBe(3); // first attempt + 2 retries, all refused
    expect(deliveries(mixTradeNo)).toHaveLength(0);
    expect((await pay.queryMedInsOrder({ mixTradeNo })).mix_pay_status).toBe('MIX_PAY_SUCCESS');
  });

  it('rejects a callback signed with the wrong key', async () => {
    const { mixTradeNo } = await paidOrder();
    running.faults.add({ platform: 'wechat-pay', operation: 'MEDICAL_INSURANCE.SUCCESS', kind: 'bad_signature', times: 1 });
    payMock.state.payMixedOrder(mixTradeNo);
    const d = await waitFor(() => payMock.state.notifier!.deliveries.find((x) => x.eventType === 'MEDICAL_INSURANCE.SUCCESS' && x.plaintext.mix_trade_no === mixTradeNo && x.status !== 'pending'));
    expect(d.status).toBe('failed');
    expect(d.attempts).toEqual([401, 401, 401]);
    expect(deliveries(mixTradeNo)).toHaveLength(0);
  });

  it('flags an authentic callback whose amount differs from the local order', async () => {
    const { mixTradeNo } = await paidOrder();
    running.faults.add({ platform: 'wechat-pay', operation: 'MEDICAL_INSURANCE.SUCCESS', kind: 'wrong_amount', params: { deltaFen: 1 }, times: 1 });
    payMock.state.payMixedOrder(mixTradeNo);
    const o = await waitFor(medInsEventFor(mixTradeNo));
    expect(o.flagged).toBeInstanceOf(WechatPayAmountMismatchError);
    expect((o.flagged as WechatPayAmountMismatchError).fields).toContain('total_fee');
  });

  it('processes a duplicate once (same result), both deliveries verified', async () => {
    const { mixTradeNo } = await paidOrder();
    running.faults.add({ platform: 'wechat-pay', operation: 'MEDICAL_INSURANCE.SUCCESS', kind: 'notify_duplicate', times: 1 });
    payMock.state.payMixedOrder(mixTradeNo);
    await waitFor(() => deliveries(mixTradeNo).length === 2);
    const [a, b] = deliveries(mixTradeNo);
    expect(a!.event).toEqual(b!.event);
    expect(a!.headers['wechatpay-nonce']).not.toBe(b!.headers['wechatpay-nonce']);
    expect([...processed.keys()].filter((k) => k.startsWith(mixTradeNo))).toHaveLength(1);
  });

  it('never sent: the active query finds the payment', async () => {
    const { input, mixTradeNo } = await paidOrder();
    running.faults.add({ platform: 'wechat-pay', operation: 'MEDICAL_INSURANCE.SUCCESS', kind: 'notify_never', times: 1 });
    payMock.state.payMixedOrder(mixTradeNo);
    await payMock.state.notifier!.idle();
    expect(deliveries(mixTradeNo)).toHaveLength(0);
    const q = await pay.queryMedInsOrder({ mixTradeNo }, { outTradeNo: input.outTradeNo, amounts: input.amounts });
    expect(q.mix_pay_status).toBe('MIX_PAY_SUCCESS');
  });

  it('out of order and late callbacks are still verified and processed', async () => {
    const { input, mixTradeNo } = await paidOrder();
    running.faults.add({ platform: 'wechat-pay', kind: 'notify_out_of_order', times: 1 });
    payMock.state.payMixedOrder(mixTradeNo);
    await waitFor(() => deliveries(mixTradeNo).length === 1 && outcomes.some((o) => o.event?.type === 'TRANSACTION.SUCCESS' && o.event.transaction.out_trade_no === input.outTradeNo));
    const iMed = outcomes.findIndex((o) => o.event?.type === 'MEDICAL_INSURANCE.SUCCESS' && o.event.order.mix_trade_no === mixTradeNo);
    const iTx = outcomes.findIndex((o) => o.event?.type === 'TRANSACTION.SUCCESS' && o.event.transaction.out_trade_no === input.outTradeNo);
    expect(iMed).toBeLessThan(iTx);

    const late = await paidOrder();
    running.faults.add({ platform: 'wechat-pay', operation: 'MEDICAL_INSURANCE.SUCCESS', kind: 'notify_late', params: { ms: 300 }, times: 1 });
    const paidAt = Date.now();
    payMock.state.payMixedOrder(late.mixTradeNo);
    const o = await waitFor(medInsEventFor(late.mixTradeNo));
    expect(o.error).toBeUndefined();
    const at = (await waitFor(() => receiver.received.find((r) => r.body === o.body)))!.at;
    expect(at - paidAt).toBeGreaterThanOrEqual(290);
  });

  it('a failed insurance payment answers med_ins_fail_reason on the query and sends no success callback', async () => {
    const { mixTradeNo } = await paidOrder();
    payMock.state.payMixedOrder(mixTradeNo, { result: 'FAIL', fail_reason: '医保个人账户余额不足' });
    const q = await pay.queryMedInsOrder({ mixTradeNo });
    expect(q).toMatchObject({ mix_pay_status: 'MIX_PAY_FAIL', med_ins_fail_reason: '医保个人账户余额不足' });
    await payMock.state.notifier!.idle();
    expect(deliveries(mixTradeNo)).toHaveLength(0);
  });
});
