/**
 * Runs the real WeChat mini-program build (client/dist/weapp) in miniprogram-simulate (jsdom).
 *
 * Nothing here re-implements the app: `launch()` executes the build's own app.js (which loads
 * common/vendors/taro/runtime), `openPage()` executes the page's compiled JS and renders its
 * WXML templates (page → base.wxml → utils.wxs, and the recursive `comp` component), compiled
 * by the official WXML compiler (`wcc` from miniprogram-compiler). What the mini-program
 * platform would provide around that is shimmed:
 *
 * - `App` / `getApp`: records the app options Taro builds and runs onLaunch/onShow.
 * - `Page` / `getCurrentPages`: miniprogram-simulate renders custom components only, so a
 *   page's options become a component (data + methods); the harness calls the page lifecycle
 *   (onLoad(query) → onShow → onReady, onHide/onUnload) like the platform and keeps the stack.
 * - `Component`: miniprogram-simulate's, remembered per file so a compiled chunk is executed
 *   once per app launch (as on a phone) even when several pages use the same component.
 * - `wx`: miniprogram-simulate's API mocks, with the ones the app's behaviour depends on
 *   replaced: `request` (routed to per-test handlers, answering like the BFF), storage (one
 *   in-memory store per launch), navigation (recorded and checked against app.json like
 *   WeChat does; optionally followed), toasts/loading/navigation-bar title (recorded), and the
 *   `onAppShow`/`onAppHide` listeners (fired by `mp.emitAppShow(options)` / `mp.emitAppHide()`), and the
 *   user's decisions — `requestPayment`, `requestMedicalInsurancePay`, `navigateToMiniProgram`, `showModal`, … — which the test must
 *   answer (`mp.answer`): they never succeed by default. `login` answers a fresh code.
 *
 * Every wx call is recorded (`mp.calls`, `mp.callsOf(name)`). Requests without a handler,
 * platform APIs without an answer and errors thrown in page code fail the test at `close()`.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { assertWeappBuild, WEAPP_DIR } from './build';

export { assertWeappBuild, WEAPP_DIR } from './build';

interface AppJson {
  pages: string[];
  subPackages?: Array<{ root: string; pages: string[] }>;
  subpackages?: Array<{ root: string; pages: string[] }>;
  tabBar?: { list: Array<{ pagePath: string }> };
}

function readAppJson(): AppJson {
  return JSON.parse(readFileSync(join(WEAPP_DIR, 'app.json'), 'utf8')) as AppJson;
}

/* ------------------------------------------------------------------------------------------ */
/* miniprogram-simulate (typed loosely: its .d.ts describes the component API, not its internals) */

interface SimNode {
  readonly dom: HTMLElement;
  readonly instance: PageInstance;
  querySelector(selector: string): SimNode | undefined;
  querySelectorAll(selector: string): SimNode[];
  dispatchEvent(name: string, options?: { detail?: unknown; touches?: unknown; changedTouches?: unknown }): void;
}
interface SimRoot extends SimNode {
  attach(parent: Element): void;
  detach(): void;
}
interface Simulate {
  load(componentPath: string, tagName: string, options: Record<string, unknown>): string;
  render(id: string, properties?: Record<string, unknown>): SimRoot;
}
type AnyFn = (...args: any[]) => any; // eslint-disable-line @typescript-eslint/no-explicit-any
type Options = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The page object the app's code sees as `this` (a j-component method caller). */
export interface PageInstance {
  route: string;
  __route__: string;
  options: Record<string, string>;
  data: Options;
  setData(data: Options, cb?: () => void): void;
  [key: string]: unknown;
}

type Globals = typeof globalThis & Record<string, unknown>;
const g = globalThis as Globals;

// Requiring miniprogram-simulate installs its `Component`, `Behavior` and `wx` globals.
/* eslint-disable @typescript-eslint/no-require-imports */
const simulate = require('miniprogram-simulate') as Simulate;
const simUtils = require('miniprogram-simulate/src/utils') as { runJs: (path: string) => void };
const exparser = require('miniprogram-exparser') as {
  addGlobalErrorListener(fn: (error: Error, info: { message: string }) => unknown): void;
};
/* eslint-enable @typescript-eslint/no-require-imports */
const simComponent = g.Component as (options: Options) => void;
interface ExparserNode {
  childNodes?: ExparserNode[];
  shadowRoot?: ExparserNode;
}
// j-component's element wrapper (what querySelector returns); RootComponent extends it.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const RootComponentClass = require('j-component/src/render/component') as { prototype: object };
const JComponent = (Object.getPrototypeOf(RootComponentClass.prototype) as { constructor: new (node: ExparserNode) => SimNode }).constructor;
const simWx = g.wx as Options;

let current: MiniProgram | undefined;

// miniprogram-simulate runs a component's JS with Node's require (once per load). The build's
// chunks must run in the current app's module registry instead, once each: see MiniProgram.runJs.
simUtils.runJs = (componentPath: string) => {
  if (!current) throw new Error('weapp-sim: no launched mini-program (call launch() first)');
  current.runComponentJs(componentPath);
};

// exparser reports errors thrown in event handlers and lifetimes here (and logs them).
exparser.addGlobalErrorListener((error, info) => {
  current?.errors.push(Object.assign(error, { where: info.message }));
});

/* ------------------------------------------------------------------------------------------ */
/* Requests                                                                                    */

export interface SimRequest {
  method: string;
  /** The absolute URL the app asked for. */
  url: string;
  origin: string;
  /** Path without the query, e.g. /api/v1/meta. */
  path: string;
  query: Record<string, string>;
  /** `:name` segments of the matched route. */
  params: Record<string, string>;
  headers: Record<string, string>;
  /** As passed to wx.request (a GET's data is also merged into `query`). */
  data: unknown;
}

export type SimReply =
  | { status?: number; body?: unknown; headers?: Record<string, string> }
  /** A failure without an HTTP answer, as wx.request reports it, e.g. 'request:fail timeout'. */
  | { fail: string };

export type RequestHandler = (req: SimRequest) => SimReply | Promise<SimReply>;

/** A JSON answer (200 unless given). */
export function json(body: unknown, status = 200, headers: Record<string, string> = {}): SimReply {
  return { status, body, headers };
}

let requestSeq = 0;
/** The BFF's error body `{code, message, requestId}` with its status. */
export function apiError(status: number, code: string, message = code, requestId = `sim-err-${++requestSeq}`): SimReply {
  return { status, body: { code, message, requestId }, headers: { 'x-request-id': requestId } };
}

export interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(reason: unknown): void;
}

/** For handlers that answer when the test says so (e.g. to see a loading state). */
export function deferred<T>(): Deferred<T> {
  let resolve!: (v: T) => void;
  let reject!: (r: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

interface Route {
  method: string;
  pattern: string;
  regex: RegExp;
  keys: string[];
  handler: RequestHandler;
}

function compileRoute(spec: string, handler: RequestHandler): Route {
  const m = /^([A-Z]+)\s+(\/\S*)$/.exec(spec.trim());
  if (!m) throw new Error(`weapp-sim: a route is "METHOD /path" (":name" for a segment), got "${spec}"`);
  const keys: string[] = [];
  const source = m[2]!
    .split('/')
    .map((seg) => {
      if (seg.startsWith(':')) {
        keys.push(seg.slice(1));
        return '([^/]+)';
      }
      return seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  return { method: m[1]!, pattern: m[2]!, regex: new RegExp(`^${source}$`), keys, handler };
}

function parseQuery(qs: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of qs.split('&')) {
    if (!part) continue;
    const i = part.indexOf('=');
    const k = decodeURIComponent(i < 0 ? part : part.slice(0, i));
    out[k] = i < 0 ? '' : decodeURIComponent(part.slice(i + 1).replace(/\+/g, ' '));
  }
  return out;
}

/* ------------------------------------------------------------------------------------------ */
/* The mini-program                                                                            */

export interface WxCall {
  api: string;
  args: unknown[];
}

export interface Navigation {
  api: 'navigateTo' | 'redirectTo' | 'switchTab' | 'reLaunch' | 'navigateBack';
  url: string;
  /** Page path without the leading '/', '' for navigateBack. */
  path: string;
  query: Record<string, string>;
}

export interface LaunchOptions {
  /** Request handlers by "METHOD /path" (see MiniProgram.route). */
  routes?: Record<string, RequestHandler>;
  /** Initial storage (what an earlier session left behind). */
  storage?: Record<string, unknown>;
  /** Open the pages that navigateTo/redirectTo/switchTab/reLaunch/navigateBack lead to. */
  followNavigation?: boolean;
  /** Answers to platform APIs by name (see MiniProgram.answer). */
  answers?: Record<string, ApiImpl>;
}

/** A platform API's behaviour: return the success result, or throw (a string or {errMsg}) to fail. */
export type ApiImpl = (options: Options) => Options | void | Promise<Options | void>;

/** Launches the build's app (app.js); one at a time per test file. Close it in afterEach. */
export async function launch(options: LaunchOptions = {}): Promise<MiniProgram> {
  assertWeappBuild();
  if (current) await current.close({ quiet: true });
  const mp = new MiniProgram(options);
  current = mp;
  mp.start();
  await settle();
  return mp;
}

/** Lets queued promise callbacks, Taro's batched setData and 0 ms timers run. */
export async function settle(rounds = 3): Promise<void> {
  for (let i = 0; i < rounds; i++) {
    await new Promise<void>((r) => setTimeout(r, 0));
  }
}

const TAG = 'page';
/** Class names in the rendered DOM carry their component's prefix ("page--", "comp--"). */
const CLASS_PREFIX = /^(page|comp)--/;

export class MiniProgram {
  readonly appJson: AppJson = readAppJson();
  /** Every wx API call, in order. */
  readonly calls: WxCall[] = [];
  readonly requests: SimRequest[] = [];
  readonly unhandledRequests: SimRequest[] = [];
  readonly navigations: Navigation[] = [];
  /** Errors thrown by the app's code inside the simulator (event handlers, lifetimes). */
  readonly errors: Array<Error & { where?: string }> = [];
  /** Warnings of the WXML runtime, e.g. "Template `tmpl_0_i` not found." (not rendered). */
  readonly wxmlWarnings: string[] = [];
  readonly storage = new Map<string, unknown>();
  readonly pages: SimPage[] = [];
  readonly wx: Options;
  navigationBarTitle: string | undefined;

  private readonly routes: Route[] = [];
  private readonly answers = new Map<string, ApiImpl>();
  private readonly unanswered: WxCall[] = [];
  private readonly modules = new Map<string, { exports: unknown }>();
  private readonly componentDefs = new Map<string, () => void>();
  private readonly pageIds = new Map<string, string>();
  /** Non-function fields of each page's options (copied onto its instances, as WeChat does). */
  private readonly pageFields = new Map<string, Options>();
  /** wx.onAppShow / wx.onAppHide listeners the app registered (see emitAppShow / emitAppHide). */
  private readonly appShowListeners: AnyFn[] = [];
  private readonly appHideListeners: AnyFn[] = [];
  private readonly follow: boolean;
  private app: Options | undefined;
  private runningFile: string | undefined;
  private closed = false;
  private restoreConsole: (() => void) | undefined;

  constructor(options: LaunchOptions) {
    this.follow = options.followNavigation ?? false;
    for (const [k, v] of Object.entries(options.storage ?? {})) this.storage.set(k, clone(v));
    for (const [spec, handler] of Object.entries(options.routes ?? {})) this.route(spec, handler);
    this.answers.set('login', () => ({ code: `sim-login-code-${++requestSeq}` }));
    for (const [name, impl] of Object.entries(options.answers ?? {})) this.answers.set(name, impl);
    this.wx = this.createWx();
  }

  /* ---- test API ----------------------------------------------------------------------- */

  /**
   * Answers requests: `mp.route('GET /api/v1/consultations/:id', (req) => json({...}))`. The
   * origin (TARO_APP_API_BASE) is not part of the match; a later route for the same
   * "METHOD /path" replaces the earlier one.
   */
  route(spec: string, handler: RequestHandler): this {
    const r = compileRoute(spec, handler);
    const i = this.routes.findIndex((x) => x.method === r.method && x.pattern === r.pattern);
    if (i >= 0) this.routes.splice(i, 1, r);
    else this.routes.push(r);
    return this;
  }

  /**
   * Sets how a platform API answers, e.g. `mp.answer('requestPayment', () => { throw
   * 'requestPayment:fail cancel'; })`. Without an answer, requestPayment fails and the test
   * fails at close().
   */
  answer(api: string, impl: ApiImpl): this {
    this.answers.set(api, impl);
    return this;
  }

  /** The first argument of every call of one wx API. */
  callsOf(api: string): Options[] {
    return this.calls.filter((c) => c.api === api).map((c) => (c.args[0] ?? {}) as Options);
  }

  /** The page on top of the stack. */
  get currentPage(): SimPage | undefined {
    return this.pages[this.pages.length - 1];
  }

  /** Opens a page as the platform would (onLoad(query) → onShow → onReady) on top of the stack. */
  async openPage(url: string, options: { query?: Record<string, string | number | boolean> } = {}): Promise<SimPage> {
    const { path, query } = this.resolveUrl(url);
    for (const [k, v] of Object.entries(options.query ?? {})) query[k] = String(v);
    this.assertPage(path, `openPage("${url}")`);
    const page = this.pushPage(path, query);
    await settle();
    return page;
  }

  /**
   * The app goes to the background (e.g. after navigateToMiniProgram), as WeChat orders it: the
   * top page's onHide, App onHide, then the wx.onAppHide listeners. Settles.
   */
  async emitAppHide(): Promise<void> {
    if (this.currentPage) call(this.currentPage.instance, 'onHide');
    this.app?.onHide?.call(this.app);
    for (const fn of [...this.appHideListeners]) fn();
    await settle();
  }

  /**
   * The app comes back to the foreground with these show options, e.g. back from another
   * mini-program: `{scene: 1038, referrerInfo: {appId, extraData}}`. As WeChat orders it: App
   * onShow(options), the wx.onAppShow listeners (options), then the top page's onShow. Settles.
   */
  async emitAppShow(options: { scene?: number; path?: string; query?: Record<string, string>; referrerInfo?: { appId?: string; extraData?: unknown } } = {}): Promise<void> {
    const show = { path: this.currentPage?.path ?? this.appJson.pages[0]!, query: {}, scene: 1001, referrerInfo: {}, ...clone(options) };
    this.app?.onShow?.call(this.app, show);
    for (const fn of [...this.appShowListeners]) fn(clone(show));
    if (this.currentPage) call(this.currentPage.instance, 'onShow');
    await settle();
  }

  /** Waits until the page on top of the stack is `path` (with followNavigation). */
  async waitForPage(path: string, timeoutMs = 3000): Promise<SimPage> {
    const want = path.replace(/^\//, '').split('?')[0];
    await waitUntil(() => this.currentPage?.path === want, timeoutMs, () => `page ${want} on top (stack: ${this.pages.map((p) => p.path).join(' > ') || 'empty'})`);
    await settle();
    return this.currentPage!;
  }

  /**
   * Unloads every page and checks the run: throws if a request had no handler, a platform API
   * had no answer, or the app's code threw inside the simulator.
   */
  async close(opts: { quiet?: boolean } = {}): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      while (this.pages.length) this.popPage();
      await settle(1);
    } finally {
      this.restoreConsole?.();
      if (current === this) current = undefined;
    }
    if (opts.quiet) return;
    const problems: string[] = [];
    for (const r of this.unhandledRequests) problems.push(`request without a handler: ${r.method} ${r.path} (use mp.route('${r.method} ${r.path}', …))`);
    for (const c of this.unanswered) problems.push(`wx.${c.api} called without an answer (use mp.answer('${c.api}', …))`);
    for (const e of this.errors) problems.push(`error in the app's code${e.where ? ` (${e.where})` : ''}: ${e.stack ?? e.message}`);
    if (problems.length) throw new Error(`weapp-sim:\n- ${problems.join('\n- ')}`);
  }

  /* ---- loading the build -------------------------------------------------------------- */

  /** @internal Executes app.js with the platform globals in place. */
  start(): void {
    const warn = console.warn;
    console.warn = (...args: unknown[]) => {
      const first = String(args[0] ?? '');
      if (first.startsWith('WXMLRT')) {
        this.wxmlWarnings.push(first);
        return;
      }
      warn.apply(console, args);
    };
    this.restoreConsole = () => {
      console.warn = warn;
    };

    g.wx = this.wx;
    g.App = (options: Options) => {
      this.app = options;
    };
    g.getApp = () => this.app;
    g.getCurrentPages = () => this.pages.map((p) => p.instance);
    g.Page = (options: Options) => this.registerPage(options);
    g.Component = (options: Options) => {
      const file = this.runningFile;
      if (file) this.componentDefs.set(file, () => simComponent(options));
      simComponent(options);
    };

    this.requireFile(join(WEAPP_DIR, 'app.js'));
    if (!this.app) throw new Error('weapp-sim: app.js did not call App()');
    const first = this.appJson.pages[0]!;
    const launchOptions = { path: first, query: {}, scene: 1001, referrerInfo: {} };
    this.app.onLaunch?.call(this.app, launchOptions);
    this.app.onShow?.call(this.app, launchOptions);
  }

  /** A CommonJS-style module of the build, run once per launch in this test's jsdom global. */
  private requireFile(file: string): unknown {
    const abs = file.endsWith('.js') ? file : `${file}.js`;
    const cached = this.modules.get(abs);
    if (cached) return cached.exports;
    const mod = { exports: {} as unknown };
    this.modules.set(abs, mod);
    const source = readFileSync(abs, 'utf8');
    // sourceURL: stack traces name the built file (client/dist/weapp/…).
    // eslint-disable-next-line @typescript-eslint/no-implied-eval
    const fn = new Function('require', 'module', 'exports', `${source}\n//# sourceURL=${abs}`) as AnyFn;
    const localRequire = (p: string) => {
      if (!p.startsWith('.') && !p.startsWith('/')) throw new Error(`weapp-sim: ${relative(WEAPP_DIR, abs)} requires "${p}", which a mini-program cannot load`);
      return this.requireFile(resolve(dirname(abs), p));
    };
    fn.call(g, localRequire, mod, mod.exports);
    return mod.exports;
  }

  /** @internal miniprogram-simulate wants a component's definition: run its JS once, then replay. */
  runComponentJs(componentPath: string): void {
    const replay = this.componentDefs.get(componentPath);
    if (replay) return replay();
    const before = this.runningFile;
    this.runningFile = componentPath;
    try {
      this.requireFile(componentPath);
    } finally {
      this.runningFile = before;
    }
    if (!this.componentDefs.has(componentPath)) {
      throw new Error(`weapp-sim: ${relative(WEAPP_DIR, componentPath)}.js called neither Page() nor Component()`);
    }
  }

  /** Page(options) → a component definition with the page's data and methods. */
  private registerPage(options: Options): void {
    const file = this.runningFile;
    if (!file) throw new Error('weapp-sim: Page() called outside a page file');
    const methods: Record<string, AnyFn> = {};
    const fields: Options = {};
    for (const [k, v] of Object.entries(options)) {
      if (k === 'data') continue;
      if (typeof v === 'function') methods[k] = v as AnyFn;
      else fields[k] = v;
    }
    const definition = () => simComponent({ data: clone(options.data ?? {}), methods });
    this.componentDefs.set(file, definition);
    this.pageFields.set(file, fields);
    definition();
  }

  private pageComponentId(path: string): string {
    let id = this.pageIds.get(path);
    if (!id) {
      id = simulate.load(join(WEAPP_DIR, path), TAG, { compiler: 'official', rootPath: WEAPP_DIR });
      this.pageIds.set(path, id);
    }
    return id;
  }

  /* ---- the page stack ----------------------------------------------------------------- */

  private pushPage(path: string, query: Record<string, string>): SimPage {
    const root = simulate.render(this.pageComponentId(path));
    const container = document.createElement('div');
    container.setAttribute('data-weapp-page', path);
    document.body.appendChild(container);
    root.attach(container);
    const instance = root.instance;
    Object.assign(instance, clone(this.pageFields.get(join(WEAPP_DIR, path)) ?? {}));
    instance.route = path;
    instance.__route__ = path;
    instance.options = { ...query };

    const below = this.currentPage;
    const page = new SimPage(this, path, query, root, container);
    this.pages.push(page);
    if (below) call(below.instance, 'onHide');
    call(instance, 'onLoad', { ...query });
    call(instance, 'onShow');
    call(instance, 'onReady');
    return page;
  }

  private popPage(): void {
    const page = this.pages.pop();
    if (!page) return;
    call(page.instance, 'onUnload');
    page.root.detach();
    page.container.remove();
    page.closed = true;
  }

  private isTab(path: string): boolean {
    return (this.appJson.tabBar?.list ?? []).some((t) => t.pagePath === path);
  }

  private allPages(): string[] {
    const subs = this.appJson.subPackages ?? this.appJson.subpackages ?? [];
    return [...this.appJson.pages, ...subs.flatMap((s) => s.pages.map((p) => `${s.root.replace(/\/$/, '')}/${p}`))];
  }

  private assertPage(path: string, what: string): void {
    if (!this.allPages().includes(path)) throw new Error(`weapp-sim: ${what}: page "${path}" is not in app.json`);
  }

  private resolveUrl(url: string): { path: string; query: Record<string, string> } {
    const [rawPath = '', qs = ''] = url.split('?');
    let path = rawPath;
    if (!path.startsWith('/')) {
      // Relative to the current page, as WeChat resolves it.
      const base = this.currentPage ? dirname(`/${this.currentPage.path}`) : '/';
      path = resolve(base, path);
    }
    return { path: path.replace(/^\/+/, ''), query: parseQuery(qs) };
  }

  /* ---- wx ------------------------------------------------------------------------------ */

  private createWx(): Options {
    const wx: Options = {};
    // miniprogram-simulate's mocks for everything not replaced below, recorded.
    for (const [name, value] of Object.entries(simWx)) {
      wx[name] = typeof value === 'function' ? this.recorded(name, value as AnyFn) : value;
    }
    const own: Options = {
      request: (o: Options) => this.request(o),

      getStorageSync: (key: string) => (this.storage.has(key) ? clone(this.storage.get(key)) : ''),
      setStorageSync: (key: string, data: unknown) => void this.storage.set(key, clone(data)),
      removeStorageSync: (key: string) => void this.storage.delete(key),
      clearStorageSync: () => this.storage.clear(),
      getStorageInfoSync: () => ({ keys: [...this.storage.keys()], currentSize: 0, limitSize: 10240 }),
      getStorage: this.asyncApi('getStorage', (o) => {
        if (!this.storage.has(o.key)) throw 'getStorage:fail data not found';
        return { data: clone(this.storage.get(o.key)) };
      }),
      setStorage: this.asyncApi('setStorage', (o) => void this.storage.set(o.key, clone(o.data))),
      removeStorage: this.asyncApi('removeStorage', (o) => void this.storage.delete(o.key)),
      clearStorage: this.asyncApi('clearStorage', () => this.storage.clear()),

      navigateTo: this.asyncApi('navigateTo', (o) => this.navigate('navigateTo', o)),
      redirectTo: this.asyncApi('redirectTo', (o) => this.navigate('redirectTo', o)),
      switchTab: this.asyncApi('switchTab', (o) => this.navigate('switchTab', o)),
      reLaunch: this.asyncApi('reLaunch', (o) => this.navigate('reLaunch', o)),
      navigateBack: this.asyncApi('navigateBack', (o) => this.navigate('navigateBack', o)),

      setNavigationBarTitle: this.asyncApi('setNavigationBarTitle', (o) => {
        this.navigationBarTitle = String(o.title);
      }),
      showToast: this.asyncApi('showToast', () => undefined),
      hideToast: this.asyncApi('hideToast', () => undefined),
      showLoading: this.asyncApi('showLoading', () => undefined),
      hideLoading: this.asyncApi('hideLoading', () => undefined),

      // Listeners kept for emitAppShow / emitAppHide (registration order, off removes one or all).
      onAppShow: (fn: AnyFn) => void this.appShowListeners.push(fn),
      offAppShow: (fn?: AnyFn) => removeListener(this.appShowListeners, fn),
      onAppHide: (fn: AnyFn) => void this.appHideListeners.push(fn),
      offAppHide: (fn?: AnyFn) => removeListener(this.appHideListeners, fn),
    };
    for (const [name, impl] of Object.entries(own)) wx[name] = this.recorded(name, impl as AnyFn);
    // Answered by the test (`login` has a harmless default: a fresh code).
    // navigateToMiniProgram: the user confirms leaving (answer it; the return is emitAppShow).
    for (const name of ['login', 'navigateToMiniProgram', 'showModal', 'requestPayment', 'requestMedicalInsurancePay', 'requestSubscribeMessage', 'chooseImage', 'chooseMedia', 'scanCode', 'getLocation']) {
      wx[name] = this.recorded(
        name,
        this.asyncApi(name, (o) => {
          const impl = this.answers.get(name);
          if (!impl) {
            this.unanswered.push({ api: name, args: [o] });
            throw `${name}:fail weapp-sim: no answer configured`;
          }
          return impl(o);
        }),
      );
    }
    return wx;
  }

  private recorded(name: string, fn: AnyFn): AnyFn {
    return (...args: unknown[]) => {
      this.calls.push({ api: name, args });
      return fn(...args);
    };
  }

  /** WeChat's callback style (success/fail/complete) and its promise style (no callbacks). */
  private asyncApi(name: string, impl: ApiImpl): AnyFn {
    return (options: Options = {}) => {
      const result = new Promise<Options>((res, rej) => {
        setTimeout(() => {
          Promise.resolve()
            .then(() => impl(options))
            .then(
              (value) => res({ errMsg: `${name}:ok`, ...(value ?? {}) }),
              (e: unknown) => rej({ errMsg: errMsgOf(name, e) }),
            );
        }, 0);
      });
      result.then(
        (r) => {
          options.success?.(r);
          options.complete?.(r);
        },
        (e: Options) => {
          options.fail?.(e);
          options.complete?.(e);
        },
      );
      if (options.success || options.fail || options.complete) {
        result.catch(() => undefined);
        return undefined;
      }
      return result;
    };
  }

  private navigate(api: Navigation['api'], o: Options): Options | void {
    if (api === 'navigateBack') {
      const delta = Math.max(1, Number(o.delta ?? 1));
      this.navigations.push({ api, url: '', path: '', query: {} });
      if (this.follow) {
        if (this.pages.length <= 1) throw 'navigateBack:fail cannot navigate back at first page.';
        for (let i = 0; i < delta && this.pages.length > 1; i++) this.popPage();
        call(this.currentPage!.instance, 'onShow');
      }
      return;
    }
    const url = String(o.url ?? '');
    const { path, query } = this.resolveUrl(url);
    if (!this.allPages().includes(path)) throw `${api}:fail page "${path}" is not found`;
    const tab = this.isTab(path);
    if ((api === 'navigateTo' || api === 'redirectTo') && tab) throw `${api}:fail can not ${api} a tabbar page`;
    if (api === 'switchTab' && !tab) throw 'switchTab:fail can not switch to no-tabBar page';
    if (api === 'navigateTo' && this.pages.length >= 10) throw 'navigateTo:fail webview count limit exceed';
    this.navigations.push({ api, url, path, query });
    if (!this.follow) return;
    // Opened after the callback, as on the phone.
    setTimeout(() => {
      if (this.closed) return;
      if (api === 'redirectTo') this.popPage();
      if (api === 'reLaunch') while (this.pages.length) this.popPage();
      if (api === 'switchTab') {
        while (this.pages.length && !this.isTab(this.currentPage!.path)) this.popPage();
        const existing = this.pages.findIndex((p) => p.path === path);
        if (existing >= 0) {
          const [page] = this.pages.splice(existing, 1);
          if (this.currentPage) call(this.currentPage.instance, 'onHide');
          this.pages.push(page!);
          call(page!.instance, 'onShow');
          return;
        }
      }
      this.pushPage(path, api === 'switchTab' ? {} : query);
    }, 0);
  }

  private request(o: Options): Options {
    let aborted = false;
    const url = String(o.url ?? '');
    const method = String(o.method ?? 'GET').toUpperCase();
    const finish = (ok: boolean, res: Options) => {
      if (aborted) return;
      if (ok) o.success?.(res);
      else o.fail?.(res);
      o.complete?.(res);
    };
    const task = {
      abort: () => {
        if (aborted) return;
        finish(false, { errMsg: 'request:fail abort' });
        aborted = true;
      },
      onHeadersReceived: () => undefined,
      offHeadersReceived: () => undefined,
      onChunkReceived: () => undefined,
      offChunkReceived: () => undefined,
    };
    const m = /^(https?:\/\/[^/?#]+)(\/[^?#]*)?(?:\?([^#]*))?/.exec(url);
    if (!m) {
      setTimeout(() => finish(false, { errMsg: `request:fail invalid url "${url}"` }), 0);
      return task;
    }
    const query = parseQuery(m[3] ?? '');
    if (method === 'GET' && o.data && typeof o.data === 'object') {
      for (const [k, v] of Object.entries(o.data as Options)) if (v !== undefined) query[k] = String(v);
    }
    const req: SimRequest = {
      method,
      url,
      origin: m[1]!,
      path: m[2] ?? '/',
      query,
      params: {},
      headers: Object.fromEntries(Object.entries((o.header ?? {}) as Options).map(([k, v]) => [k.toLowerCase(), String(v)])),
      data: clone(o.data),
    };
    this.requests.push(req);
    let handler: RequestHandler | undefined;
    for (const r of this.routes) {
      const hit = r.method === method ? r.regex.exec(req.path) : null;
      if (hit) {
        r.keys.forEach((k, i) => (req.params[k] = decodeURIComponent(hit[i + 1]!)));
        handler = r.handler;
        break;
      }
    }
    if (!handler) {
      this.unhandledRequests.push(req);
      handler = () => apiError(404, 'NOT_FOUND', `weapp-sim: no handler for ${method} ${req.path}`);
    }
    const h = handler;
    setTimeout(() => {
      Promise.resolve()
        .then(() => h(req))
        .then(
          (reply) => {
            if ('fail' in reply) return finish(false, { errMsg: reply.fail });
            const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8', 'x-request-id': req.headers['x-request-id'] ?? `sim-${++requestSeq}`, ...(reply.headers ?? {}) };
            // Through the wire: JSON text, parsed again when dataType is json (WeChat's default).
            const text = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body ?? '');
            let data: unknown = text;
            if ((o.dataType ?? 'json') === 'json') {
              try {
                data = JSON.parse(text);
              } catch {
                data = text;
              }
            }
            finish(true, { errMsg: 'request:ok', statusCode: reply.status ?? 200, data, header: headers, cookies: [] });
          },
          (e: unknown) => {
            this.errors.push(e instanceof Error ? e : new Error(String(e)));
            finish(false, { errMsg: 'request:fail weapp-sim handler threw' });
          },
        );
    }, 0);
    return task;
  }
}

/* ------------------------------------------------------------------------------------------ */
/* Pages and elements                                                                          */

export class SimPage {
  closed = false;
  constructor(
    readonly mp: MiniProgram,
    readonly path: string,
    /** The query the page was opened with (its onLoad options). */
    readonly options: Record<string, string>,
    /** @internal */ readonly root: SimRoot,
    /** @internal */ readonly container: HTMLElement,
  ) {}

  /** The page object the app's code sees as `this`. */
  get instance(): PageInstance {
    return this.root.instance;
  }

  /** The rendered page (jsdom): wx-view, wx-text, … with prefixed class names. */
  get dom(): HTMLElement {
    return this.root.dom;
  }

  /** All visible text of the page. */
  get text(): string {
    return this.root.dom.textContent ?? '';
  }

  /** The first element matching a selector (classes without prefix: `.home-entry--revisit`). */
  query(selector: string): WxElement | undefined {
    return this.queryAll(selector)[0];
  }

  /** Elements matching a selector, also inside nested `comp` components (deep trees). */
  queryAll(selector: string): WxElement[] {
    return deepQueryAll(this.root, selector).map((n) => new WxElement(this, n));
  }

  /** The element or a failure that lists what the page shows instead. */
  get(selector: string): WxElement {
    const el = this.query(selector);
    if (!el) throw new Error(`weapp-sim: no element "${selector}" on ${this.path}. The page shows: ${this.text.trim().slice(0, 300) || '(nothing)'}`);
    return el;
  }

  /** Taps the first element matching the selector (bubbling like a finger tap) and settles. */
  async tap(selector: string): Promise<void> {
    await this.get(selector).tap();
  }

  /** Waits until the selector matches (or the predicate returns a truthy value). */
  async waitFor(selector: string, timeoutMs?: number): Promise<WxElement>;
  async waitFor<T>(predicate: () => T | undefined | null | false, timeoutMs?: number): Promise<T>;
  async waitFor<T>(what: string | (() => T), timeoutMs = 3000): Promise<unknown> {
    let value: unknown;
    const check = typeof what === 'string' ? () => (value = this.query(what)) : () => (value = what());
    await waitUntil(() => Boolean(check()), timeoutMs, () => `${typeof what === 'string' ? `"${what}"` : 'condition'} on ${this.path}; the page shows: ${this.text.trim().slice(0, 300) || '(nothing)'}`);
    return value;
  }

  /** Waits until the selector no longer matches. */
  async waitForGone(selector: string, timeoutMs = 3000): Promise<void> {
    await waitUntil(() => !this.query(selector), timeoutMs, () => `"${selector}" to disappear from ${this.path}`);
  }
}

export class WxElement {
  constructor(
    readonly page: SimPage,
    /** @internal */ readonly node: SimNode,
  ) {}

  get dom(): HTMLElement {
    return this.node.dom;
  }

  /** The tag as rendered, e.g. "wx-view", "wx-text", "wx-button". */
  get tagName(): string {
    return this.node.dom.tagName.toLowerCase();
  }

  get text(): string {
    return this.node.dom.textContent ?? '';
  }

  /** Class names as written in the app (without the component prefix). */
  get classes(): string[] {
    return [...this.node.dom.classList].map((c) => c.replace(CLASS_PREFIX, ''));
  }

  hasClass(name: string): boolean {
    return this.classes.includes(name);
  }

  attr(name: string): string | null {
    return this.node.dom.getAttribute(name);
  }

  query(selector: string): WxElement | undefined {
    return this.queryAll(selector)[0];
  }

  /** The descendant or a failure that says what this element contains instead. */
  get(selector: string): WxElement {
    const el = this.query(selector);
    if (!el) throw new Error(`weapp-sim: no element "${selector}" inside ${this.classes.join('.') || this.tagName} on ${this.page.path}; it shows: ${this.text.trim().slice(0, 300) || '(nothing)'}`);
    return el;
  }

  queryAll(selector: string): WxElement[] {
    // exparser queries descendants of a shadow root; keep those inside this element.
    return this.page.queryAll(selector).filter((e) => e.dom !== this.dom && this.dom.contains(e.dom));
  }

  /** A tap as the platform delivers it to bindtap/catchtap handlers, then settles. */
  async tap(): Promise<void> {
    await this.trigger('tap', { x: 0, y: 0 });
  }

  /** An input's value change (bindinput), then settles. */
  async input(value: string): Promise<void> {
    await this.trigger('input', { value, cursor: value.length, keyCode: 0 });
  }

  /** Any component event with its detail (e.g. 'change', {value}), then settles. */
  async trigger(event: string, detail: unknown = {}): Promise<void> {
    this.node.dispatchEvent(event, { detail });
    await settle();
  }
}

function deepQueryAll(root: SimNode, selector: string): SimNode[] {
  const found = [...root.querySelectorAll(selector)];
  // Past depth 15 Taro renders through its recursive `comp` component, whose content lives in
  // that component's own shadow tree (which exparser's querySelectorAll does not enter).
  const visit = (node: ExparserNode) => {
    for (const child of node.childNodes ?? []) {
      if (child.shadowRoot) found.push(...deepQueryAll(new JComponent(child), selector));
      visit(child);
    }
  };
  const shadow = (root as unknown as { _exparserNode: ExparserNode })._exparserNode.shadowRoot;
  if (shadow) visit(shadow);
  return found;
}

/* ------------------------------------------------------------------------------------------ */
/* helpers                                                                                     */

function call(instance: PageInstance, lifecycle: string, ...args: unknown[]): void {
  const fn = instance[lifecycle];
  if (typeof fn === 'function') (fn as AnyFn).apply(instance, args);
}

function removeListener(list: AnyFn[], fn?: AnyFn): void {
  if (!fn) list.length = 0;
  else if (list.includes(fn)) list.splice(list.indexOf(fn), 1);
}

function clone<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}

function errMsgOf(api: string, e: unknown): string {
  if (typeof e === 'string') return e.includes(':fail') ? e : `${api}:fail ${e}`;
  const msg = (e as { errMsg?: unknown })?.errMsg ?? (e as Error)?.message ?? String(e);
  return String(msg).includes(':fail') ? String(msg) : `${api}:fail ${String(msg)}`;
}

async function waitUntil(ok: () => boolean, timeoutMs: number, what: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (ok()) return;
    if (Date.now() > deadline) throw new Error(`weapp-sim: timed out after ${timeoutMs} ms waiting for ${what()}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
