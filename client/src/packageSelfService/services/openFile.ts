/**
 * H5 (the national insurance APP's webview, browsers): a protected file from the BFF is fetched
 * with the session's Bearer token (withSession: refresh and retry) and shown from memory: a new
 * window with the browser's PDF viewer, or a download where windows are blocked.
 * WeChat and Alipay: openFile.weapp.ts / openFile.alipay.ts (Taro picks the file per target).
 */
import { ApiError, baseHeaders, buildUrl, errorFromFailure, errorFromResponse, newRequestId, withSession } from '../../services/request';

export function openPdf(path: string, fileName: string): Promise<void> {
  return withSession(async (token) => {
    const requestId = newRequestId();
    let res: Response;
    try {
      res = await fetch(buildUrl(path), { headers: baseHeaders(requestId, token) });
    } catch (e) {
      throw errorFromFailure(e, requestId);
    }
    if (!res.ok) {
      let body: unknown = null;
      try {
        body = await res.json();
      } catch {
        /* not the BFF's JSON */
      }
      throw errorFromResponse(res.status, body, requestId);
    }
    const blob = await res.blob();
    const url = URL.createObjectURL(blob);
    const opened = typeof window.open === 'function' ? window.open(url, '_blank') : null;
    if (!opened) {
      const a = document.createElement('a');
      a.href = url;
      a.download = fileName;
      a.rel = 'noopener';
      document.body.appendChild(a);
      a.click();
      a.remove();
    }
    // The viewer has its copy; free ours a little later.
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  }, { silent: true }).catch((e: unknown) => {
    throw e instanceof ApiError ? e : new ApiError('BAD_RESPONSE', '文件下载失败，请稍后重试', 0, '');
  });
}
