/**
 * 医保电子凭证授权 in the real WeChat build (client/dist/weapp): the return path from the
 * insurance auth mini-program. 同意并授权 → GET /voucher/wechat/launch → wx.navigateToMiniProgram
 * (appId and path exactly as the BFF built them) → the app goes to the background → it comes back
 * (App onShow, scene 1038, referrerInfo.extraData.authCode) → POST /voucher/wechat → the result
 * page (masked identity), or, back without a code, the cancel (未扣费).
 * `npm run build:weapp` first (root `npm test` does it).
 */
import {
  API_PREFIX,
  VOUCHER_CANCELLED_MESSAGE,
  VoucherResultSchema,
  VoucherStatusResponseSchema,
  WechatVoucherLaunchSchema,
  WechatVoucherRequestSchema,
} from '@ih/contract';
import { json, launch, type MiniProgram, type SimRequest } from './harness';

const AUTH_APP_ID = 'wxe183cd55df4b4369';
// orgChnlCrtfCodg carries / + = : it must reach the auth mini-program exactly like this, not encoded.
const ORG_CHNL_CRTF_CODG = 'BqK1kMStlhVDgN2uHf4EsLK/F2LjZPYJ81nK2eYQqxv+uwqDLKKs3Nw==';
const AUTH_PATH =
  'auth/pages/bindcard/auth/index?openType=getAuthCode&bizType=04107&cityCode=640100&channel=AAGwVs3QjOC0m_ux2UuIcfbF' +
  `&orgChnlCrtfCodg=${ORG_CHNL_CRTF_CODG}&orgCodg=H64010000001&orgAppId=1GI9T3VBR0CR3F60C80A0000A6BB7D06`;
const AUTH_CODE = 'ac_sim_7f3e9d21';
const P1 = '0190a000-0000-7000-8000-000000000001';
const FULL_ID = '640102196601010131';
const IDENTITY = { patientId: P1, relationship: 'SELF', nameMasked: '张*国', idType: 'ID_CARD', idNumberMasked: '640***********0131' } as const;
const INSURED = { insutype: '310', insutypeLabel: '职工医保', insuplcAdmdvs: '640100', insuplcName: '银川市', voucherActivated: true, suspended: false };
const BACK_FROM_AUTH = (extraData: Record<string, unknown> | undefined) => ({ scene: 1038, referrerInfo: { appId: AUTH_APP_ID, ...(extraData ? { extraData } : {}) } });

const V = `${API_PREFIX}/voucher`;
const SESSION = { 'ih.session.token': 'ih_at_sim', 'ih.session.refresh': 'ih_rt_sim' };

let mp: MiniProgram | undefined;
afterEach(async () => {
  const closing = mp;
  mp = undefined;
  await closing?.close();
});

/** Launches signed in, with the BFF's launch answer; POST /voucher/wechat answers with `reply`. */
async function startAuthorization(reply: (req: SimRequest) => unknown) {
  const launchBody = WechatVoucherLaunchSchema.parse({ appId: AUTH_APP_ID, path: AUTH_PATH, envVersion: 'release' });
  mp = await launch({
    followNavigation: true,
    storage: SESSION,
    routes: {
      [`GET ${V}/wechat/launch`]: () => json(launchBody),
      [`POST ${V}/wechat`]: (req) => {
        // Answer like the BFF: the body must pass its schema, the answer must be the contract's.
        WechatVoucherRequestSchema.parse(req.data);
        return json(VoucherResultSchema.parse(reply(req)));
      },
      [`GET ${V}/status`]: (req) =>
        json(
          VoucherStatusResponseSchema.parse({
            items: req.query.patientId === P1
              ? [{ identity: IDENTITY, insured: INSURED, lastAuthorization: { channel: 'WECHAT', purpose: 'PAYMENT', authorizedAt: '2026-11-22T08:00:00.000Z', expiresAt: '2026-11-22T08:05:00.000Z', usable: true, used: false, family: null } }]
              : [],
          }),
        ),
    },
    answers: { navigateToMiniProgram: () => ({}) },
  });
  const m = mp;

  const entry = await m.openPage('/pages/auth/voucher/index', { query: { purpose: 'PAYMENT' } });
  await entry.waitFor('.voucher-entry__agree');
  await entry.tap('.voucher-entry__agree');
  await entry.waitFor('.voucher-entry__waiting');

  const launchReq = m.requests.find((r) => r.path === `${V}/wechat/launch`);
  expect(launchReq?.method).toBe('GET');
  expect(launchReq?.headers.authorization).toBe('Bearer ih_at_sim');
  // Jumped with exactly what the BFF said: the path byte for byte (not URL-encoded).
  const jumps = m.callsOf('navigateToMiniProgram');
  expect(jumps).toHaveLength(1);
  expect(jumps[0]!.appId).toBe(AUTH_APP_ID);
  expect(jumps[0]!.path).toBe(AUTH_PATH);
  expect(jumps[0]!.path).toContain(`orgChnlCrtfCodg=${ORG_CHNL_CRTF_CODG}&`);
  expect(jumps[0]!.envVersion).toBe('release');
  // Nothing posted yet; what is being authorized waits in storage for the return.
  expect(m.requests.filter((r) => r.method === 'POST')).toEqual([]);
  const pending = JSON.parse(String(m.storage.get('ih.voucher.pending'))) as { channel: string; appId: string; target: { purpose: string } };
  expect(pending).toMatchObject({ channel: 'wechat', appId: AUTH_APP_ID, target: { purpose: 'PAYMENT' } });

  await m.emitAppHide();
  return { mp: m, entry };
}

test('back from the auth mini-program with a code: POST /voucher/wechat, then the result with the masked identity', async () => {
  const { mp: m } = await startAuthorization(() => ({
    status: 'authorized', channel: 'WECHAT', purpose: 'PAYMENT', orderId: null, identity: IDENTITY, insured: INSURED, family: null,
    authorizedAt: '2026-11-22T08:00:00.000Z', expiresAt: '2026-11-22T08:05:00.000Z',
  }));

  await m.emitAppShow(BACK_FROM_AUTH({ authCode: AUTH_CODE }));
  const result = await m.waitForPage('/pages/auth/voucher-result/index');

  const posts = m.requests.filter((r) => r.method === 'POST');
  expect(posts.map((r) => r.path)).toEqual([`${V}/wechat`]);
  expect(posts[0]!.data).toEqual({ purpose: 'PAYMENT', authCode: AUTH_CODE });
  expect(posts[0]!.headers.authorization).toBe('Bearer ih_at_sim');
  expect(m.storage.has('ih.voucher.pending')).toBe(false);

  const redirect = m.navigations.find((n) => n.api === 'redirectTo');
  expect(redirect?.path).toBe('pages/auth/voucher-result/index');
  expect(redirect?.query).toMatchObject({ outcome: 'authorized', channel: 'wechat', purpose: 'PAYMENT', patientId: P1 });
  expect(m.pages.map((p) => p.path)).toEqual(['pages/auth/voucher-result/index']);

  const card = await result.waitFor('.voucher-card--identity');
  expect(result.get('.voucher-page__title').text).toBe('授权成功');
  expect(card.get('.voucher-card__row--name .voucher-card__value').text).toBe('张*国（本人）');
  expect(card.get('.voucher-card__row--id .voucher-card__value').text).toBe('640***********0131');
  expect(card.get('.voucher-card__row--insutype .voucher-card__value').text).toBe('职工医保');
  expect(result.text).not.toContain(FULL_ID);
  expect(result.text).not.toContain(AUTH_CODE);

  // The same return seen again (the page shows once more) does not post the code a second time.
  await m.emitAppShow(BACK_FROM_AUTH({ authCode: AUTH_CODE }));
  expect(m.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
});

test('back without a code (cancelled in the auth mini-program): the cancel form is posted, the result says 未扣费', async () => {
  const { mp: m } = await startAuthorization((req) => {
    expect(req.data).not.toHaveProperty('authCode');
    return { status: 'cancelled', message: VOUCHER_CANCELLED_MESSAGE };
  });

  await m.emitAppShow(BACK_FROM_AUTH(undefined));
  const result = await m.waitForPage('/pages/auth/voucher-result/index');

  const posts = m.requests.filter((r) => r.method === 'POST');
  expect(posts.map((r) => r.path)).toEqual([`${V}/wechat`]);
  expect(posts[0]!.data).toEqual({ purpose: 'PAYMENT' });
  expect(m.storage.has('ih.voucher.pending')).toBe(false);
  expect(m.navigations.find((n) => n.api === 'redirectTo')?.query).toMatchObject({ outcome: 'cancelled', purpose: 'PAYMENT' });

  await result.waitFor('.voucher-result--cancelled');
  expect(result.get('.voucher-page__title').text).toBe('已取消授权');
  expect(result.text).toContain('本次未扣费');
  expect(result.text).toContain(VOUCHER_CANCELLED_MESSAGE);
  expect(result.query('.voucher-card--identity')).toBeUndefined();
  // Cancelled: no identity was asked for.
  expect(m.requests.some((r) => r.path === `${V}/status`)).toBe(false);
});
