import { useEffect } from 'react';

/**
 * Test double of @tarojs/taro: the APIs the app and the NutUI components it uses call.
 * request/showToast/navigation are jest mocks (tests script them); storage is an in-memory
 * map that behaves like the mini-program's (missing key → '').
 */
type AnyFn = (...args: any[]) => any;

const store = new Map<string, unknown>();

export const request = jest.fn() as jest.Mock & AnyFn;
export const showToast = jest.fn(() => Promise.resolve({ errMsg: 'showToast:ok' }));
export const navigateTo = jest.fn(() => Promise.resolve({ errMsg: 'navigateTo:ok' }));
export const switchTab = jest.fn(() => Promise.resolve({ errMsg: 'switchTab:ok' }));
export const navigateBack = jest.fn(() => Promise.resolve({ errMsg: 'navigateBack:ok' }));
export const redirectTo = jest.fn(() => Promise.resolve({ errMsg: 'redirectTo:ok' }));
/** Confirms by default; tests script `{ confirm: false }` with mockResolvedValueOnce. */
export const showModal = jest.fn((_opts?: unknown) => Promise.resolve({ confirm: true, cancel: false, errMsg: 'showModal:ok' }));
/** Page-show hook: runs once after mount here (a real page also runs it when shown again). */
export function useDidShow(cb: () => void): void {
  useEffect(() => {
    cb();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
}
/** Page hidden (another page opened on top, app in the background): never called here unless a test calls the callback. */
export const useDidHide = jest.fn((_cb: () => void) => undefined);
/** Page bottom reached: tests call the last registered callback (`(useReachBottom as jest.Mock).mock.calls`). */
export const useReachBottom = jest.fn((_cb: () => void) => undefined);
/** Pull-down refresh: tests call the last registered callback; stopPullDownRefresh is recorded. */
export const usePullDownRefresh = jest.fn((_cb: () => void) => undefined);
export const stopPullDownRefresh = jest.fn(() => Promise.resolve({ errMsg: 'stopPullDownRefresh:ok' }));
/** Mini-program APIs of the sign-in and e-voucher flows (the weapp/alipay identity modules). */
export const login = jest.fn(() => Promise.resolve({ code: 'wx-login-code', errMsg: 'login:ok' }));
export const navigateToMiniProgram = jest.fn((_opts?: unknown) => Promise.resolve({ errMsg: 'navigateToMiniProgram:ok' }));
export const onAppShow = jest.fn((_cb: (o: unknown) => void) => undefined);
export const offAppShow = jest.fn();
export const onAppHide = jest.fn((_cb: () => void) => undefined);
export const offAppHide = jest.fn();
/** Media, uploads and sockets (consultation pages): unscripted they fail like a refused platform call. */
export const previewImage = jest.fn((_opts?: unknown) => Promise.resolve({ errMsg: 'previewImage:ok' }));
export const showActionSheet = jest.fn((_opts?: unknown) => Promise.reject({ errMsg: 'showActionSheet:fail cancel' }));
export const chooseImage = jest.fn((_opts?: unknown) => Promise.reject({ errMsg: 'chooseImage:fail cancel' }));
export const chooseMedia = jest.fn((_opts?: unknown) => Promise.reject({ errMsg: 'chooseMedia:fail cancel' }));
export const getFileInfo = jest.fn((_opts?: unknown) => Promise.reject({ errMsg: 'getFileInfo:fail not scripted' }));
export const uploadFile = jest.fn((_opts?: unknown) => Object.assign(Promise.reject({ errMsg: 'uploadFile:fail not scripted' }), { onProgressUpdate: jest.fn(), abort: jest.fn() }));
export const connectSocket = jest.fn((_opts?: unknown) => Promise.reject({ errMsg: 'connectSocket:fail not scripted' }));
export const getEnterOptionsSync = jest.fn(() => ({ scene: 1001, path: 'pages/index/index', query: {}, referrerInfo: {} }) as Record<string, unknown>);
export const getCurrentPages = jest.fn(() => [{}] as unknown[]);
export const setNavigationBarTitle = jest.fn(() => Promise.resolve({ errMsg: 'setNavigationBarTitle:ok' }));
export const getStorageSync = jest.fn((key: string) => (store.has(key) ? store.get(key) : ''));
export const setStorageSync = jest.fn((key: string, value: unknown) => {
  store.set(key, value);
});
export const removeStorageSync = jest.fn((key: string) => {
  store.delete(key);
});

export const ENV_TYPE = { WEAPP: 'WEAPP', ALIPAY: 'ALIPAY', WEB: 'WEB', RN: 'RN', SWAN: 'SWAN', TT: 'TT', QQ: 'QQ', JD: 'JD', HARMONY: 'HARMONY' };
export const getEnv = () => ENV_TYPE.WEB;
export const pxTransform = (size: number) => `${size}px`;
export const getSystemInfoSync = () => ({ windowWidth: 375, windowHeight: 667, pixelRatio: 2, platform: 'devtools' });
export const createSelectorQuery = () => {
  const query = {
    select: () => query,
    selectAll: () => query,
    boundingClientRect: () => query,
    exec: (cb?: (r: unknown[]) => void) => cb?.([]),
  };
  return query;
};
export const eventCenter = { on: jest.fn(), off: jest.fn(), trigger: jest.fn() };
/** Tests set `__routerParams` (via __setRouterParams) for pages that read their query. */
let routerParams: Record<string, string> = {};
export const getCurrentInstance = jest.fn(() => ({ router: { params: routerParams, path: '/pages/index/index' }, page: {} }));
export const nextTick = (cb: () => void) => setTimeout(cb, 0);

/** Test helpers (not part of Taro). */
export function __resetStorage(): void {
  store.clear();
  routerParams = {};
}

export function __setRouterParams(params: Record<string, string>): void {
  routerParams = params;
}

const Taro = {
  request,
  showToast,
  navigateTo,
  switchTab,
  navigateBack,
  redirectTo,
  showModal,
  useDidShow,
  useDidHide,
  useReachBottom,
  usePullDownRefresh,
  stopPullDownRefresh,
  setNavigationBarTitle,
  login,
  navigateToMiniProgram,
  onAppShow,
  offAppShow,
  onAppHide,
  offAppHide,
  previewImage,
  showActionSheet,
  chooseImage,
  chooseMedia,
  getFileInfo,
  uploadFile,
  connectSocket,
  getEnterOptionsSync,
  getCurrentPages,
  getStorageSync,
  setStorageSync,
  removeStorageSync,
  ENV_TYPE,
  getEnv,
  pxTransform,
  getSystemInfoSync,
  createSelectorQuery,
  eventCenter,
  getCurrentInstance,
  nextTick,
};
export default Taro;
