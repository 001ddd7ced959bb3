import Taro from '@tarojs/taro';
import { isCancel, mimeFromName, nameFromPath, type MediaBridge } from './media.types';

interface AlipayChooseResult {
  tempFilePaths?: string[]; // Taro maps apFilePaths here
  apFilePaths?: string[];
  tempFiles?: Array<{ path?: string; size?: number }>;
}

/** The size of a picked file when chooseImage did not report it (my.getFileInfo). */
async function sizeOf(path: string): Promise<number | null> {
  try {
    const info = (await Taro.getFileInfo({ filePath: path })) as { size?: number };
    return typeof info.size === 'number' ? info.size : null;
  } catch {
    return null;
  }
}

/** Alipay: my.chooseImage (apFilePaths); my.uploadFile needs fileType 'image'. */
export const media: MediaBridge = {
  async chooseImages(count) {
    let res: AlipayChooseResult;
    try {
      res = (await Taro.chooseImage({ count, sourceType: ['album', 'camera'], sizeType: ['compressed'] })) as AlipayChooseResult;
    } catch (e) {
      if (isCancel(e)) return { kind: 'cancelled' };
      throw e;
    }
    const paths = res.tempFilePaths ?? res.apFilePaths ?? [];
    const files = await Promise.all(
      paths.map(async (path, i) => {
        const reported = res.tempFiles?.find((f) => f.path === path)?.size ?? res.tempFiles?.[i]?.size;
        const name = nameFromPath(path, i);
        return { path, size: typeof reported === 'number' ? reported : await sizeOf(path), mimeType: mimeFromName(name), name };
      }),
    );
    return { kind: 'picked', files };
  },
  uploadExtras() {
    return { fileType: 'image' };
  },
};
