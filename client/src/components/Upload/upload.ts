/**
 * One file to the BFF (POST /api/v1/files?purpose=, multipart part `file`) with Taro.uploadFile,
 * through the request layer's session handling (withSession: Bearer token, refresh on
 * SESSION_EXPIRED and one retry, sign-in when the session is gone) and its error mapping
 * (stable codes, the contract's Chinese messages, request ids). Progress comes from the
 * platform's UploadTask.onProgressUpdate.
 */
import Taro from '@tarojs/taro';
import { API_PREFIX, UploadedFileSchema, type FilePurpose, type UploadedFile } from '@ih/contract';
import { media, type PickedImage } from '../../platform/media';
import {
  ApiError,
  CLIENT_ERROR_MESSAGES,
  baseHeaders,
  buildUrl,
  errorFromFailure,
  errorFromResponse,
  newRequestId,
  withSession,
} from '../../services/request';

/** Uploads of a few MB on a slow mobile network take a while; the platform's own limit is longer. */
export const UPLOAD_TIMEOUT_MS = 120_000;
/** The form part the BFF reads. */
export const UPLOAD_FIELD = 'file';

export interface UploadHandle {
  promise: Promise<UploadedFile>;
  /** Stops the transfer; the promise then rejects with code ABORTED (never shown). */
  abort(): void;
}

export const ABORTED = 'ABORTED';

interface TaroUploadTask extends Promise<Taro.uploadFile.SuccessCallbackResult> {
  onProgressUpdate?: (cb: (r: { progress: number }) => void) => void;
  progress?: (cb: (r: { progress: number }) => void) => unknown;
  abort?: () => void;
}

export function uploadFile(file: PickedImage, purpose: FilePurpose, onProgress: (percent: number) => void): UploadHandle {
  let aborted = false;
  let current: TaroUploadTask | undefined;

  const once = async (token: string | null): Promise<UploadedFile> => {
    if (aborted) throw new ApiError(ABORTED, '已取消上传', 0, '');
    const requestId = newRequestId();
    onProgress(0);
    let res: Taro.uploadFile.SuccessCallbackResult;
    try {
      current = Taro.uploadFile({
        url: buildUrl(`${API_PREFIX}/files`, { purpose }),
        filePath: file.path,
        name: UPLOAD_FIELD,
        formData: { purpose },
        header: baseHeaders(requestId, token),
        timeout: UPLOAD_TIMEOUT_MS,
        ...media.uploadExtras(file),
      } as Taro.uploadFile.Option) as TaroUploadTask;
      const listen = (r: { progress: number }) => {
        if (!aborted && typeof r?.progress === 'number') onProgress(Math.max(0, Math.min(100, Math.round(r.progress))));
      };
      if (typeof current.onProgressUpdate === 'function') current.onProgressUpdate(listen);
      else current.progress?.(listen);
      res = await current;
    } catch (e) {
      if (aborted) throw new ApiError(ABORTED, '已取消上传', 0, requestId);
      // Alipay reports a non-2xx answer through fail with the status and body.
      const f = e as { status?: unknown; statusCode?: unknown; data?: unknown };
      const status = typeof f?.statusCode === 'number' ? f.statusCode : typeof f?.status === 'number' ? f.status : 0;
      if (status >= 400) throw errorFromResponse(status, f.data, requestId);
      throw errorFromFailure(e, requestId);
    }
    if (res.statusCode < 200 || res.statusCode >= 300) throw errorFromResponse(res.statusCode, res.data, requestId);
    let body: unknown = res.data;
    if (typeof body === 'string') {
      try {
        body = JSON.parse(body);
      } catch {
        /* checked below */
      }
    }
    const parsed = UploadedFileSchema.safeParse(body);
    if (!parsed.success) {
      console.warn('[upload] answer does not match the contract', parsed.error.issues);
      throw new ApiError('BAD_RESPONSE', CLIENT_ERROR_MESSAGES.BAD_RESPONSE, res.statusCode, requestId);
    }
    onProgress(100);
    return parsed.data;
  };

  return {
    // silent: the Upload component shows the error on the file itself.
    promise: withSession(once, { silent: true }),
    abort() {
      aborted = true;
      try {
        current?.abort?.();
      } catch {
        /* already finished */
      }
    },
  };
}
