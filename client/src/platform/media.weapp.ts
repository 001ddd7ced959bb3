import Taro from '@tarojs/taro';
import { isCancel, mimeFromName, nameFromPath, type MediaBridge } from './media.types';

/** WeChat: wx.chooseMedia (wx.chooseImage is deprecated there); images only, compressed. */
export const media: MediaBridge = {
  async chooseImages(count) {
    try {
      const res = await Taro.chooseMedia({ count, mediaType: ['image'], sourceType: ['album', 'camera'], sizeType: ['compressed'] });
      return {
        kind: 'picked',
        files: (res.tempFiles ?? []).map((f, i) => {
          const name = nameFromPath(f.tempFilePath, i);
          return { path: f.tempFilePath, size: typeof f.size === 'number' ? f.size : null, mimeType: mimeFromName(name), name };
        }),
      };
    } catch (e) {
      if (isCancel(e)) return { kind: 'cancelled' };
      throw e;
    }
  },
  uploadExtras() {
    return {};
  },
};
