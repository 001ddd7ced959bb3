/**
 * The WeChat Pay mock's own rules, driven with a hand-written merchant signer (no BFF code):
 * request authentication, signed answers, Request-ID error codes, amount identities, field
 * linkage by mix_pay_type and the encrypted payer fields.
 */
import { constants, createHash, createPrivateKey, createPublicKey, publicEncrypt, randomBytes, sign, verify } from 'node:crypto';
import request from 'supertest';
import { createMockApp } from '../src/app';
import { createLocalInsuranceLink, loadDemoDirectory } from '../src/platforms/wechat';
import { createWechatPayMock } from '../src/platforms/wechat-pay';
import { generateWechatPayDemoKeys } from '../src/platforms/wechat-pay/keys';

const keys = generateWechatPayDemoKeys();
const MCH = '1900000109';
const APP = 'wxtest0000000001';
const directory = loadDemoDirectory();
const link = createLocalInsuranceLink(() => '640100');
const mock = createWechatPayMock({
  mchId: MCH,
  appIds: [APP],
  merchantPublicKeyPem: keys.MOCK_WECHAT_PAY_MERCHANT_PUBLIC_KEY!,
  merchantSerialNo: keys.MOCK_WECHAT_PAY_MERCHANT_SERIAL_NO!,
  apiV3Key: keys.MOCK_WECHAT_PAY_API_V3_KEY!,
  publicKeyId: keys.MOCK_WECHAT_PAY_PUBLIC_KEY_ID!,
  publicKeyPrivatePem: keys.MOCK_WECHAT_PAY_PUBLIC_KEY_PRIVATE_KEY!,
  insurance: link,
  directory,
  notifyRetryDelaysMs: [10],
  notifyTimeoutMs: 500,
});
const { app } = createMockApp({ platforms: [mock.platform] });
const server = app.callback();
const merchantKey = createPrivateKey(keys.WECHAT_PAY_MERCHANT_PRIVATE_KEY!);
const wxPub = createPublicKey(keys.WECHAT_PAY_PUBLIC_KEY!);

function auth(method: string, url: string, body: string, o: { ts?: number; nonce?: string; key?: typeof merchantKey } = {}) {
  const ts = String(o.ts ?? Math.floor(Date.now() / 1000));
  const nonce = o.nonce ?? randomBytes(16).toString('hex');
  const sig = sign('sha256', Buffer.from(`${method}\n${url}\n${ts}\n${nonce}\n${body}\n`), o.key ?? merchantKey).toString('base64');
  return `WECHATPAY2-SHA256-RSA2048 mchid="${MCH}",nonce_str="${nonce}",signature="${sig}",timestamp="${ts}",serial_no="${keys.WECHAT_PAY_MERCHANT_SERIAL_NO}"`;
}
const enc = (s: string) => publicEncrypt({ key: wxPub, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' }, Buffer.from(s)).toString('base64');
const md5 = (s: string) => createHash('md5').update(s.toUpperCase()).digest('hex');

async function post(path: string, payload: unknown, o: { serial?: string | null; authorization?: string } = {}) {
  const body = JSON.stringify(payload);
  let r = request(server).post(`/wechat-pay${path}`).set('Content-Type', 'application/json').set('Authorization', o.authorization ?? auth('POST', path, body));
  if (o.serial !== null) r = r.set('Wechatpay-Serial', o.serial ?? keys.WECHAT_PAY_PUBLIC_KEY_ID!);
  return r.send(body);
}
const errno = (res: request.Response) => Number(/-(\d+)$/.exec(res.headers['request-id'] ?? '')?.[1] ?? 0);

function medInsBody(over: Record<string, unknown> = {}) {
  const zhang = directory.people.get('zhang')!;
  const grant = link.issuePayAuthNo(zhang.psnNo!, { channel: 'wechat', openid: 'demo_openid_zhangjianguo', family: false });
  return {
    mix_pay_type: 'INSURANCE_ONLY',
    order_type: 'INT_RE_DIAG_PAY',
    appid: APP,
    openid: 'demo_openid_zhangjianguo',
    payer: { name: enc(zhang.name), id_digest: enc(md5(zhang.idNumber)), card_type: 'ID_CARD' },
    out_trade_no: `T${randomBytes(6).toString('hex')}`,
    serial_no: 'MZ0001',
    pay_order_id: 'ORD1',
    pay_auth_no: grant.payAuthNo,
    geo_location: '106.230909,38.487193',
    med_ins_order_create_time: '2026-11-22T10:00:00+08:00',
    city_id: '640100',
    med_inst_name: '医院',
    med_inst_no: 'H1',
    total_fee: 1000,
    med_ins_gov_fee: 700,
    med_ins_self_fee: 300,
    med_ins_other_fee: 0,
    med_ins_cash_fee: 0,
    wechat_pay_cash_fee: 0,
    callback_url: 'http://127.0.0.1:9/callback',
    ...over,
  };
}

describe('WeChat Pay mock', () => {
  it('authenticates merchants: unsigned, wrong key, stale, replayed → 401 SIGN_ERROR', async () => {
    const path = '/v3/med-ins/orders/out-trade-no/none';
    expect((await request(server).get(`/wechat-pay${path}`)).status).toBe(401);
    const other = generateWechatPayDemoKeys();
    const wrong = await request(server).get(`/wechat-pay${path}`).set('Authorization', auth('GET', path, '', { key: createPrivateKey(other.WECHAT_PAY_MERCHANT_PRIVATE_KEY!) }));
    expect([wrong.status, wrong.body.code]).toEqual([401, 'SIGN_ERROR']);
    const stale = await request(server).get(`/wechat-pay${path}`).set('Authorization', auth('GET', path, '', { ts: Math.floor(Date.now() / 1000) - 600 }));
    expect(stale.status).toBe(401);
    const a = auth('GET', path, '');
    expect((await request(server).get(`/wechat-pay${path}`).set('Authorization', a)).status).toBe(404);
    expect((await request(server).get(`/wechat-pay${path}`).set('Authorization', a)).status).toBe(401);
  });

  it('signs every answer with the platform key named in Wechatpay-Serial, errors included', async () => {
    const path = '/v3/med-ins/orders/out-trade-no/none';
    const res = await request(server).get(`/wechat-pay${path}`).set('Authorization', auth('GET', path, ''));
    expect([res.status, res.body.code, errno(res)]).toEqual([404, 'ORDER_NOT_EXIST', 268529515]);
    const h = res.headers;
    expect(h['wechatpay-serial']).toBe(keys.WECHAT_PAY_PUBLIC_KEY_ID);
    const msg = Buffer.from(`${h['wechatpay-timestamp']}\n${h['wechatpay-nonce']}\n${res.text}\n`);
    expect(verify('sha256', msg, wxPub, Buffer.from(h['wechatpay-signature']!, 'base64'))).toBe(true);
  });

  it('creates a valid insurance-only order and refuses broken amount identities with their codes', async () => {
    const ok = await post('/v3/med-ins/orders', medInsBody());
    expect([ok.status, ok.body.mix_pay_status, ok.body.self_pay_status]).toEqual([200, 'MIX_PAY_CREATED', 'NO_SELF_PAY']);
    expect(ok.body.payer).toBeUndefined();
    const total = await post('/v3/med-ins/orders', medInsBody({ total_fee: 1001 }));
    expect([total.status, total.body.code, errno(total)]).toEqual([400, 'RULE_LIMIT', 268529477]);
    const cash = await post('/v3/med-ins/orders', medInsBody({ med_ins_cash_fee: 5 }));
    expect(errno(cash)).toBe(268529476);
    const floats = await post('/v3/med-ins/orders', medInsBody({ med_ins_gov_fee: 699.5, med_ins_self_fee: 300.5 }));
    expect([floats.body.code, errno(floats)]).toEqual(['PARAM_ERROR', 268435461]);
  });

  it('checks field linkage by mix_pay_type', async () => {
    const cashOnly = await post('/v3/med-ins/orders', medInsBody({ mix_pay_type: 'CASH_ONLY', wechat_pay_cash_fee: 1000, med_ins_cash_fee: 1000, med_ins_gov_fee: 0, med_ins_self_fee: 0, prepay_id: 'wx1' }));
    expect(errno(cashOnly)).toBe(268529474);
    const mixedNoPrepay = await post('/v3/med-ins/orders', medInsBody({ mix_pay_type: 'CASH_AND_INSURANCE', total_fee: 1500, med_ins_cash_fee: 500, wechat_pay_cash_fee: 500 }));
    expect(errno(mixedNoPrepay)).toBe(268529475);
    const badTime = await post('/v3/med-ins/orders', medInsBody({ med_ins_order_create_time: '2026-11-22 10:00:00' }));
    expect(badTime.body.code).toBe('PARAM_ERROR');
  });

  it('needs Wechatpay-Serial and fields encrypted under that key; plaintext names are refused', async () => {
    expect((await post('/v3/med-ins/orders', medInsBody(), { serial: null })).body.code).toBe('PARAM_ERROR');
    const plain = await post('/v3/med-ins/orders', medInsBody({ payer: { name: '张建国', id_digest: md5('640104196803150131'), card_type: 'ID_CARD' } }));
    expect([plain.status, plain.body.code]).toEqual([400, 'PARAM_ERROR']);
    const wang = directory.people.get('wang')!;
    const other = await post('/v3/med-ins/orders', medInsBody({ payer: { name: enc(wang.name), id_digest: enc(md5(wang.idNumber)), card_type: 'ID_CARD' } }));
    expect(errno(other)).toBe(268545962);
  });

  it('refuses a med-ins refund notice whose parts do not add up or exceed the order', async () => {
    const created = await post('/v3/med-ins/orders', medInsBody());
    const mix = created.body.mix_trade_no as string;
    mock.state.payMixedOrder(mix);
    const path = `/v3/med-ins/refunds/notify?mix_trade_no=${mix}`;
    const notice = (o: Record<string, unknown>) => ({ med_refund_total_fee: 1000, med_refund_gov_fee: 700, med_refund_self_fee: 300, med_refund_other_fee: 0, refund_time: '2026-11-22T11:00:00+08:00', out_refund_no: 'R1', ...o });
    expect((await post(path, notice({ med_refund_total_fee: 999 }))).body.code).toBe('PARAM_ERROR');
    expect((await post(path, notice({ med_refund_gov_fee: 800, med_refund_total_fee: 1100 }))).status).toBe(400);
    const ok = await post(path, notice({}));
    expect(ok.status).toBe(204);
    expect(mock.state.orders.get(mix)!.entity.mix_pay_status).toBe('MIX_PAY_REFUND');
    await mock.state.notifier!.idle();
  });
});
