import Taro from '@tarojs/taro';
import type { KeyValueStorage } from './types';

/**
 * Storage over the mini-program's own synchronous storage (Taro normalises wx/my: a missing
 * key reads as ''). Errors (storage full, 10 MB limit) are logged, never thrown: losing a
 * cached value must not break a page.
 */
export function createTaroStorage(): KeyValueStorage {
  return {
    get(key) {
      try {
        const value: unknown = Taro.getStorageSync(key);
        return typeof value === 'string' && value !== '' ? value : null;
      } catch (e) {
        console.warn('[storage] read failed', key, e);
        return null;
      }
    },
    set(key, value) {
      try {
        Taro.setStorageSync(key, value);
      } catch (e) {
        console.warn('[storage] write failed', key, e);
      }
    },
    remove(key) {
      try {
        Taro.removeStorageSync(key);
      } catch (e) {
        console.warn('[storage] remove failed', key, e);
      }
    },
  };
}
