/**
 * 首页 in the real WeChat build (client/dist/weapp): Taro's compiled JS and WXML run in
 * miniprogram-simulate (see harness.ts). `npm run build:weapp` first (root `npm test` does it).
 */
import { API_PREFIX, CAPABILITY_KEYS, messageForCode, type MetaResponse } from '@ih/contract';
import { apiError, deferred, json, launch, type MiniProgram, type SimReply } from './harness';

const HOME = 'pages/index/index';
const META_ROUTE = `GET ${API_PREFIX}/meta`;

// What the BFF answers today: every capability announced, none live yet.
const META: MetaResponse = {
  appName: '宁夏互联网医院',
  hospitalCount: 38,
  serverTime: '2026-11-22T08:00:00.000Z',
  capabilities: [
    { key: 'revisit', title: '在线复诊', description: '常见病、慢性病复诊，医生在线开具处方，医保可按规定报销', status: 'coming_soon' },
    { key: 'voucher', title: '医保电子凭证', description: '授权医保电子凭证，线上看病买药直接使用医保支付', status: 'coming_soon' },
    { key: 'orders', title: '我的订单', description: '查看问诊、处方、缴费与配送订单及退款进度', status: 'coming_soon' },
    { key: 'selfService', title: '医保自助经办', description: '参保登记、异地就医备案、慢特病认定等业务在线办理', status: 'coming_soon' },
    { key: 'doctorWorkspace', title: '医生工作台', description: '医生在线接诊、开具电子处方（仅限本院医生）', status: 'coming_soon' },
  ],
};

let mp: MiniProgram | undefined;
afterEach(async () => {
  const closing = mp;
  mp = undefined;
  await closing?.close();
});

describe('home page (weapp build in miniprogram-simulate)', () => {
  test('loading state, then the five capabilities marked 即将上线 and the hospital count; 医保自助经办 opens its subpackage', async () => {
    const answer = deferred<SimReply>();
    mp = await launch({ routes: { [META_ROUTE]: () => answer.promise } });
    const page = await mp.openPage(`/${HOME}`);

    // Before the BFF answers: the loading state, the default title, one request to the BFF.
    await page.waitFor('.page-state--loading');
    expect(page.get('.page-state--loading').text).toContain('加载中…');
    expect(page.get('.home__title').text).toBe('互联网医院');
    expect(page.query('.home-entry')).toBeUndefined();
    expect(mp.requests).toHaveLength(1);
    const [req] = mp.requests;
    expect(req).toMatchObject({ method: 'GET', path: '/api/v1/meta', origin: 'http://127.0.0.1:3000' });
    expect(req!.headers['x-request-id']).toMatch(/^c-/);

    answer.resolve(json(META));
    await page.waitForGone('.page-state--loading');

    const entries = page.queryAll('.home-entry');
    expect(entries).toHaveLength(5);
    expect(entries.map((e) => e.classes.find((c) => c.startsWith('home-entry--') && c !== 'home-entry--soon'))).toEqual(
      CAPABILITY_KEYS.map((k) => `home-entry--${k}`),
    );
    for (const c of META.capabilities) {
      const entry = page.get(`.home-entry--${c.key}`);
      expect(entry.get('.home-entry__title').text).toBe(c.title);
      expect(entry.get('.home-entry__desc').text).toBe(c.description);
      expect(entry.get('.home-entry__tag').text).toBe('即将上线');
      expect(entry.hasClass('home-entry--soon')).toBe(true);
    }
    expect(page.get('.home__title').text).toBe('宁夏互联网医院');
    expect(page.get('.home__subtitle').text).toBe('已接入 38 家医院 · 支持医保移动支付');
    expect(page.query('.page-state')).toBeUndefined();
    await page.waitFor(() => mp!.navigationBarTitle === '宁夏互联网医院');
    expect(mp.callsOf('showToast')).toEqual([]);

    await page.tap('.home-entry--selfService');
    await page.waitFor(() => mp!.callsOf('navigateTo').length > 0);
    expect(mp.callsOf('navigateTo').map((o) => o.url)).toEqual(['/packageSelfService/pages/index/index']);
    expect(mp.navigations).toEqual([{ api: 'navigateTo', url: '/packageSelfService/pages/index/index', path: 'packageSelfService/pages/index/index', query: {} }]);
    expect(mp.callsOf('switchTab')).toEqual([]);
    // The navigation succeeded (a failure would toast 页面打开失败).
    expect(mp.callsOf('showToast')).toEqual([]);
  });

  test('503 DB_UNAVAILABLE: the error state in Chinese with a retry that loads the entries', async () => {
    let calls = 0;
    mp = await launch({
      routes: {
        [META_ROUTE]: () => (++calls === 1 ? apiError(503, 'DB_UNAVAILABLE', 'database unreachable', 'req-home-503') : json(META)),
      },
    });
    const page = await mp.openPage(`/${HOME}`);

    const error = await page.waitFor('.page-state--error');
    expect(error.get('.page-state__title').text).toBe('加载失败');
    // The contract's wording for the code, never the server's English text.
    expect(error.get('.page-state__desc').text).toBe(messageForCode('DB_UNAVAILABLE'));
    expect(error.text).not.toContain('database unreachable');
    expect(error.get('.page-state__ref').text).toBe('错误编号：req-home-503');
    expect(page.query('.home-entry')).toBeUndefined();
    expect(page.get('.home__subtitle').text).toBe('医保在线复诊与支付');
    // silent: the page shows the error itself, no toast on top.
    expect(mp.callsOf('showToast')).toEqual([]);

    const retry = error.get('.page-state__retry');
    expect(retry.text).toContain('重新加载');
    await retry.tap();

    await page.waitFor(() => page.queryAll('.home-entry').length === 5);
    expect(calls).toBe(2);
    expect(mp.requests.map((r) => `${r.method} ${r.path}`)).toEqual([META_ROUTE, META_ROUTE]);
    expect(page.query('.page-state--error')).toBeUndefined();
    expect(page.get('.home__subtitle').text).toBe('已接入 38 家医院 · 支持医保移动支付');
    expect(page.queryAll('.home-entry__tag').map((t) => t.text)).toEqual(Array(5).fill('即将上线'));
  });

  test('following the navigation: the 医保服务大厅 subpackage page opens and, signed out, asks for sign-in first', async () => {
    mp = await launch({ routes: { [META_ROUTE]: () => json(META) }, followNavigation: true });
    const home = await mp.openPage(`/${HOME}`);
    await home.waitFor('.home-entry--selfService');

    await home.tap('.home-entry--selfService');
    const hall = await mp.waitForPage('/packageSelfService/pages/index/index');
    expect(mp.pages.map((p) => p.path)).toEqual([HOME, 'packageSelfService/pages/index/index']);
    // Items depend on the person's insurance: no session, no item request, a sign-in prompt.
    const login = await hall.waitFor('.ss-hall__login');
    expect(login.text).toContain('去登录');
    expect(hall.get('.ss-hall').text).toContain('登录后办理');
    expect(mp.requests).toHaveLength(1);

    await hall.tap('.ss-hall__login');
    await hall.waitFor(() => mp!.callsOf('navigateTo').length > 1);
    expect(mp.callsOf('navigateTo').map((o) => o.url).at(-1)).toBe('/pages/auth/login/index');
  });

  // NutUI's icons render an HTML <i> element: the build needs @tarojs/plugin-html for a template
  // of it, otherwise WeChat's WXML runtime drops it ("Template `tmpl_0_i` not found") and the
  // loading spinner is invisible on WeChat.
  test('the loading spinner (NutUI icon, an <i> element) renders on weapp', async () => {
    const answer = deferred<SimReply>();
    mp = await launch({ routes: { [META_ROUTE]: () => answer.promise } });
    const page = await mp.openPage(`/${HOME}`);
    const loading = await page.waitFor('.page-state--loading');
    try {
      expect(mp.wxmlWarnings).toEqual([]);
      expect(loading.query('.nut-icon')).toBeDefined();
    } finally {
      answer.resolve(json(META));
    }
  });
});
