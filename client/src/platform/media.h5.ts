import Taro from '@tarojs/taro';
import { isCancel, mimeFromName, nameFromPath, type MediaBridge } from './media.types';

interface H5TempFile {
  path: string;
  size?: number;
  originalFileObj?: { name?: string; type?: string; size?: number };
}

/** H5: a file input (Taro.chooseImage); the File object gives the real MIME type, name and size. */
export const media: MediaBridge = {
  async chooseImages(count) {
    try {
      const res = await Taro.chooseImage({ count, sourceType: ['album', 'camera'], sizeType: ['compressed'] });
      const temp = (res.tempFiles ?? []) as unknown as H5TempFile[];
      return {
        kind: 'picked',
        // A file input may give more than `count`: useUploads keeps what fits and says what it left out.
        files: temp.map((f, i) => {
          const file = f.originalFileObj;
          const name = file?.name && /\.[a-z0-9]+$/i.test(file.name) ? file.name : nameFromPath(f.path, i);
          const size = typeof file?.size === 'number' ? file.size : typeof f.size === 'number' ? f.size : null;
          return { path: f.path, size, mimeType: file?.type || mimeFromName(name), name };
        }),
      };
    } catch (e) {
      if (isCancel(e)) return { kind: 'cancelled' };
      throw e;
    }
  },
  uploadExtras(file) {
    // Taro's H5 uploadFile fetches the blob: URL; without fileName the part is named file-<time>.
    return { fileName: file.name };
  },
};
