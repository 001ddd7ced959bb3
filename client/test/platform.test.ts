import Taro from '@tarojs/taro';
import { platform as alipay } from '../src/platform/index.alipay';
import { createWebStorage, platform as h5 } from '../src/platform/index.h5';
import { platform as weapp } from '../src/platform/index.weapp';
import type { KeyValueStorage } from '../src/platform/types';

afterEach(() => jest.restoreAllMocks());

describe('platform files', () => {
  it('name the three targets', () => {
    expect([weapp.name, alipay.name, h5.name]).toEqual(['weapp', 'alipay', 'h5']);
    expect([weapp.label, alipay.label, h5.label]).toEqual(['微信小程序', '支付宝小程序', '网页版']);
  });

  it('H5 talks to its own origin unless configured', () => {
    expect(h5.apiBase).toBe('');
  });
});

function roundTrip(storage: KeyValueStorage) {
  expect(storage.get('k')).toBeNull();
  storage.set('k', 'v1');
  expect(storage.get('k')).toBe('v1');
  storage.set('k', 'v2');
  expect(storage.get('k')).toBe('v2');
  storage.remove('k');
  expect(storage.get('k')).toBeNull();
}

describe('mini-program storage (over Taro)', () => {
  it('stores, reads and removes strings; a missing key is null', () => {
    roundTrip(weapp.storage);
    expect(Taro.setStorageSync).toHaveBeenCalledWith('k', 'v1');
    expect(Taro.removeStorageSync).toHaveBeenCalledWith('k');
    roundTrip(alipay.storage);
  });

  it('never throws when the platform storage fails', () => {
    jest.spyOn(console, 'warn').mockImplementation(() => {});
    (Taro.getStorageSync as jest.Mock).mockImplementationOnce(() => {
      throw new Error('storage broken');
    });
    (Taro.setStorageSync as jest.Mock).mockImplementationOnce(() => {
      throw new Error('exceed storage max size 10MB');
    });
    expect(weapp.storage.get('k')).toBeNull();
    expect(() => weapp.storage.set('k', 'v')).not.toThrow();
  });
});

describe('H5 storage', () => {
  it('uses localStorage', () => {
    roundTrip(h5.storage);
    h5.storage.set('persist', 'yes');
    expect(localStorage.getItem('persist')).toBe('yes');
  });

  it('keeps values in memory when localStorage throws (webview with storage disabled)', () => {
    jest.spyOn(console, 'warn').mockImplementation(() => {});
    const broken = {
      getItem: () => {
        throw new Error('SecurityError');
      },
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
      removeItem: () => {
        throw new Error('SecurityError');
      },
    } as unknown as Storage;
    roundTrip(createWebStorage(() => broken));
  });

  it('keeps values in memory when localStorage is missing', () => {
    roundTrip(
      createWebStorage(() => {
        throw new Error('localStorage is not available');
      }),
    );
  });
});
