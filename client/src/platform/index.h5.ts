import type { KeyValueStorage, Platform } from './types';

/**
 * localStorage, guarded: webviews inside insurance/bank APPs and private browsing can disable
 * it or throw on write. Then values live in memory for this page load only.
 */
export function createWebStorage(getStore: () => Storage | undefined = () => globalThis.localStorage): KeyValueStorage {
  const memory = new Map<string, string>();
  const store = (): Storage | undefined => {
    try {
      return getStore();
    } catch {
      return undefined;
    }
  };
  return {
    get(key) {
      try {
        const stored = store()?.getItem(key);
        if (stored != null) return stored;
      } catch {
        /* fall through to memory */
      }
      return memory.get(key) ?? null;
    },
    set(key, value) {
      memory.set(key, value);
      try {
        store()?.setItem(key, value);
      } catch (e) {
        console.warn('[storage] localStorage unavailable, keeping the value in memory', e);
      }
    },
    remove(key) {
      memory.delete(key);
      try {
        store()?.removeItem(key);
      } catch {
        /* nothing stored there */
      }
    },
  };
}

export const platform: Platform = {
  name: 'h5',
  label: '网页版',
  // Empty = same origin: the BFF serves this build (client/.env.*).
  apiBase: process.env.TARO_APP_H5_API_BASE ?? '',
  storage: createWebStorage(),
  // The H5 build is opened inside the national insurance APP, which signs the patient in.
  patientSignIn: { key: 'nhsa_app', accountName: '国家医保服务平台 APP', label: '使用国家医保服务平台 APP 登录' },
};
