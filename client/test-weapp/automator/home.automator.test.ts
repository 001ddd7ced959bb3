/**
 * @jest-environment node
 *
 * 首页 in real WeChat DevTools through miniprogram-automator: the same walk as
 * ../home.weapp.test.ts. Needs WeChat DevTools (Windows/macOS; there is no Linux build) with
 * 设置 → 安全设置 → 服务端口 enabled, and WECHAT_DEVTOOLS_CLI pointing at its CLI, e.g.
 *   macOS:   /Applications/wechatwebdevtools.app/Contents/MacOS/cli
 *   Windows: C:\Program Files (x86)\Tencent\微信web开发者工具\cli.bat
 * It opens the repository root (project.config.json points at client/dist/weapp), so build
 * first: `npm run build:weapp`. Without WECHAT_DEVTOOLS_CLI the suite is reported as skipped.
 *
 * wx.request is mocked inside the mini-program (mockWxMethod), so no BFF is needed. Mocks only
 * apply after launch, so each test installs them and then reLaunches the home page.
 */
import type { MetaResponse } from '@ih/contract';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { assertWeappBuild, REPO_ROOT, WEAPP_DIR } from '../build';

const CLI = process.env.WECHAT_DEVTOOLS_CLI;
const SKIPPED = 'skipped: WECHAT_DEVTOOLS_CLI not set; WeChat DevTools has no Linux build';
const describeInDevTools = CLI ? describe : describe.skip;

const HOME = '/pages/index/index';
const SELF_SERVICE = 'packageSelfService/pages/index/index';
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

/* The automator's types, as far as these specs use them (the package is loaded only when run). */
interface AutoElement {
  text(): Promise<string>;
  tap(): Promise<void>;
  $(selector: string): Promise<AutoElement | null>;
}
interface AutoPage {
  path: string;
  waitFor(condition: string | number | (() => Promise<boolean> | boolean)): Promise<void>;
  $(selector: string): Promise<AutoElement | null>;
  $$(selector: string): Promise<AutoElement[]>;
}
interface AutoMiniProgram {
  reLaunch(url: string): Promise<AutoPage | undefined>;
  currentPage(): Promise<AutoPage | undefined>;
  mockWxMethod(method: string, fn: unknown, ...args: unknown[]): Promise<void>;
  restoreWxMethod(method: string): Promise<void>;
  evaluate<T>(fn: unknown, ...args: unknown[]): Promise<T>;
  close(): Promise<void>;
}

// These functions run INSIDE the mini-program (mockWxMethod/evaluate send their source text):
// no closures, no imports, plain ES5.
/* eslint-disable */
function mockRequest(this: unknown, options: { url: string }, meta: unknown, failFirst: boolean): Promise<unknown> {
  var app = getApp() as Record<string, any>;
  if (!/\/api\/v1\/meta(\?|$)/.test(options.url)) {
    return Promise.resolve({ statusCode: 404, data: { code: 'NOT_FOUND', message: 'not mocked', requestId: 'auto-404' }, header: {} });
  }
  app.__simMetaCalls = (app.__simMetaCalls || 0) + 1;
  var n = app.__simMetaCalls;
  return new Promise(function (resolve) {
    // Held until the test releases it, so the loading state can be seen.
    (function wait() {
      if (!app.__simHold) {
        if (failFirst && n === 1) resolve({ statusCode: 503, data: { code: 'DB_UNAVAILABLE', message: 'database unreachable', requestId: 'req-home-503' }, header: {} });
        else resolve({ statusCode: 200, data: meta, header: {} });
      } else setTimeout(wait, 50);
    })();
  });
}
function setHold(hold: boolean): void {
  var app = getApp() as Record<string, any>;
  app.__simHold = hold;
  app.__simMetaCalls = 0;
}
function releaseHold(): void {
  (getApp() as Record<string, any>).__simHold = false;
}
function metaCalls(): number {
  return (getApp() as Record<string, any>).__simMetaCalls || 0;
}
declare function getApp(): unknown;
/* eslint-enable */

async function textOf(page: AutoPage, selector: string): Promise<string> {
  const el = await page.$(selector);
  if (!el) throw new Error(`no element ${selector} on ${page.path}`);
  return (await el.text()).trim();
}

// Runs everywhere: what the DevTools specs rely on without DevTools itself.
test('DevTools setup: project.config.json at the repository root opens the weapp build; miniprogram-automator is installed', () => {
  const config = JSON.parse(readFileSync(join(REPO_ROOT, 'project.config.json'), 'utf8')) as { compileType?: string; miniprogramRoot?: string; setting?: { urlCheck?: boolean } };
  expect(config.compileType).toBe('miniprogram');
  expect(resolve(REPO_ROOT, config.miniprogramRoot ?? '')).toBe(WEAPP_DIR);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const automator = require('miniprogram-automator') as { launch?: unknown };
  expect(typeof automator.launch).toBe('function');
});

describeInDevTools(`home page in WeChat DevTools (miniprogram-automator)${CLI ? '' : ` — ${SKIPPED}`}`, () => {
  let mini: AutoMiniProgram;

  beforeAll(async () => {
    assertWeappBuild();
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const automator = require('miniprogram-automator') as { launch(o: Record<string, unknown>): Promise<AutoMiniProgram> };
    mini = await automator.launch({ cliPath: CLI, projectPath: REPO_ROOT, trustProject: true, timeout: 90_000 });
  }, 120_000);

  afterAll(async () => {
    await mini?.close();
  }, 30_000);

  afterEach(async () => {
    await mini?.restoreWxMethod('request');
  });

  test('loading state, then the five capabilities marked 即将上线 and the hospital count; 医保自助经办 opens its subpackage', async () => {
    await mini.evaluate(setHold, true);
    await mini.mockWxMethod('request', mockRequest, META, false);
    const page = (await mini.reLaunch(HOME))!;

    await page.waitFor('.page-state--loading');
    expect(await textOf(page, '.page-state--loading')).toContain('加载中');
    expect(await page.$$('.home-entry')).toHaveLength(0);

    await mini.evaluate(releaseHold);
    await page.waitFor(async () => (await page.$$('.home-entry')).length === 5);
    expect(await mini.evaluate<number>(metaCalls)).toBe(1);
    for (const c of META.capabilities) {
      const entry = (await page.$(`.home-entry--${c.key}`))!;
      expect(entry).not.toBeNull();
      expect((await entry.text()).replace(/\s+/g, '')).toContain(c.title);
      const tag = await entry.$('.home-entry__tag');
      expect(tag && (await tag.text()).trim()).toBe('即将上线');
    }
    expect(await textOf(page, '.home__subtitle')).toBe('已接入 38 家医院 · 支持医保移动支付');

    await (await page.$('.home-entry--selfService'))!.tap();
    await page.waitFor(async () => (await mini.currentPage())?.path === SELF_SERVICE);
    const hall = (await mini.currentPage())!;
    await hall.waitFor('.coming-soon--selfService');
    expect(await textOf(hall, '.coming-soon__title')).toBe('医保服务大厅');
  }, 60_000);

  test('503 DB_UNAVAILABLE: the error state in Chinese with a retry that loads the entries', async () => {
    await mini.evaluate(setHold, false);
    await mini.mockWxMethod('request', mockRequest, META, true);
    const page = (await mini.reLaunch(HOME))!;

    await page.waitFor('.page-state--error');
    expect(await textOf(page, '.page-state__title')).toBe('加载失败');
    expect(await textOf(page, '.page-state__desc')).toBe('服务暂时不可用，请稍后重试');
    expect(await textOf(page, '.page-state__ref')).toBe('错误编号：req-home-503');

    await (await page.$('.page-state__retry'))!.tap();
    await page.waitFor(async () => (await page.$$('.home-entry')).length === 5);
    expect(await mini.evaluate<number>(metaCalls)).toBe(2);
    expect(await page.$('.page-state--error')).toBeNull();
  }, 60_000);
});
