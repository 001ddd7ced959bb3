/**
 * WeChat and Alipay: a protected file from the BFF (Bearer token, session refresh through
 * withSession) is downloaded to a temporary path and opened with the platform's document
 * viewer (PDF: preview, forward, save, print). Never stored by us.
 */
import Taro from '@tarojs/taro';
import { ApiError, baseHeaders, buildUrl, errorFromFailure, errorFromResponse, newRequestId, withSession } from '../../services/request';

export const DOWNLOAD_TIMEOUT_MS = 60_000;

function readJson(path: string): unknown {
  try {
    const fs = Taro.getFileSystemManager();
    return JSON.parse(String(fs.readFileSync(path, 'utf8')));
  } catch {
    return null;
  }
}

export function openPdf(path: string, _fileName: string): Promise<void> {
  return withSession(async (token) => {
    const requestId = newRequestId();
    let res: { statusCode?: number; tempFilePath: string };
    try {
      res = (await Taro.downloadFile({ url: buildUrl(path), header: baseHeaders(requestId, token), timeout: DOWNLOAD_TIMEOUT_MS } as Taro.downloadFile.Option)) as typeof res;
    } catch (e) {
      // Alipay reports an HTTP error through fail with the status.
      const f = (e ?? {}) as { status?: unknown; data?: unknown };
      if (typeof f.status === 'number' && f.status >= 400) throw errorFromResponse(f.status, f.data, requestId);
      throw errorFromFailure(e, requestId);
    }
    const status = res.statusCode ?? 200;
    if (status < 200 || status >= 300) throw errorFromResponse(status, readJson(res.tempFilePath), requestId);
    try {
      await Taro.openDocument({ filePath: res.tempFilePath, fileType: 'pdf', showMenu: true } as Taro.openDocument.Option);
    } catch (e) {
      console.warn('[openPdf] the viewer did not open', e);
      throw new ApiError('DOCUMENT_OPEN_FAILED', '文件已下载，但无法打开，请升级到最新版本后重试', 0, requestId);
    }
  }, { silent: true });
}
