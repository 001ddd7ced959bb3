import { useCallback, useEffect, useRef, useState } from 'react';
import type { FilePurpose, UploadedFile } from '@ih/contract';
import { media, type PickedImage } from '../../platform/media';
import { ApiError } from '../../services/request';
import { rejectReason, type UploadRules } from './checks';
import { ABORTED, uploadFile, type UploadHandle } from './upload';

export type UploadStatus = 'queued' | 'uploading' | 'done' | 'failed';

export interface UploadItem {
  key: string;
  file: PickedImage;
  status: UploadStatus;
  /** 0–100 while uploading. */
  progress: number;
  uploaded?: UploadedFile;
  /** Why it failed (Chinese) and whether trying again can help. */
  error?: { code: string; message: string; requestId: string; retryable: boolean };
}

export interface UseUploadsOptions extends UploadRules {
  /** At most this many files (uploaded, uploading and failed together). */
  max: number;
  /** Uploads running at the same time (the rest wait). */
  concurrency?: number;
  /** Called once per file when its upload finished. */
  onUploaded?: (item: UploadItem & { uploaded: UploadedFile }) => void;
}

export interface Uploads {
  items: UploadItem[];
  /** Ids of the finished files, in the order they were picked. */
  fileIds: string[];
  uploaded: UploadedFile[];
  /** Something is still queued or uploading. */
  busy: boolean;
  failedCount: number;
  /** Files the checks refused at the last pick (Chinese, one line each). */
  notices: string[];
  remaining: number;
  /** Opens the platform's picker for the remaining count, checks and uploads the picked files. */
  choose: () => Promise<void>;
  /** Checks and uploads files picked elsewhere (tests, drag and drop). */
  addFiles: (files: PickedImage[]) => void;
  retry: (key: string) => void;
  /** Removes a file (aborting its upload). */
  remove: (key: string) => void;
  clear: () => void;
  dismissNotices: () => void;
}

/** Codes where uploading the same file again cannot help. */
const FINAL_CODES = new Set(['FILE_TOO_LARGE', 'FILE_TYPE_NOT_ALLOWED', 'FILE_TYPE_MISMATCH', 'FILE_DAMAGED', 'PAYLOAD_TOO_LARGE', 'UNSUPPORTED_MEDIA_TYPE', 'VALIDATION_FAILED', 'FORBIDDEN']);

let seq = 0;
const newKey = () => `u${Date.now().toString(36)}${(++seq).toString(36)}`;

/**
 * The state of a set of uploads: pick (platform module), check (type/size from the contract),
 * upload with per-file progress, retry and remove. Finished files give their ids in pick order.
 */
export function useUploads(options: UseUploadsOptions): Uploads {
  const { max, concurrency = 3 } = options;
  const [items, setItems] = useState<UploadItem[]>([]);
  const [notices, setNotices] = useState<string[]>([]);
  const itemsRef = useRef(items);
  itemsRef.current = items;
  const handles = useRef(new Map<string, UploadHandle>());
  const optionsRef = useRef(options);
  optionsRef.current = options;
  const mounted = useRef(true);

  useEffect(() => {
    mounted.current = true;
    const running = handles.current;
    return () => {
      mounted.current = false;
      for (const h of running.values()) h.abort();
      running.clear();
    };
  }, []);

  const patch = useCallback((key: string, change: Partial<UploadItem>) => {
    if (!mounted.current) return;
    setItems((prev) => prev.map((it) => (it.key === key ? { ...it, ...change } : it)));
  }, []);

  const pumpRef = useRef<() => void>(() => undefined);
  const start = useCallback((it: UploadItem) => {
    const purpose: FilePurpose = optionsRef.current.purpose;
    const handle = uploadFile(it.file, purpose, (progress) => patch(it.key, { progress }));
    handles.current.set(it.key, handle);
    itemsRef.current = itemsRef.current.map((x) => (x.key === it.key ? { ...x, status: 'uploading', progress: 0, error: undefined } : x));
    patch(it.key, { status: 'uploading', progress: 0, error: undefined });
    handle.promise.then(
      (uploaded) => {
        handles.current.delete(it.key);
        if (!mounted.current || !itemsRef.current.some((x) => x.key === it.key)) return;
        itemsRef.current = itemsRef.current.map((x) => (x.key === it.key ? { ...x, status: 'done', progress: 100, uploaded } : x));
        patch(it.key, { status: 'done', progress: 100, uploaded });
        optionsRef.current.onUploaded?.({ ...it, status: 'done', progress: 100, uploaded });
        pumpRef.current();
      },
      (e: unknown) => {
        handles.current.delete(it.key);
        const err = e instanceof ApiError ? e : new ApiError('BAD_RESPONSE', '上传失败，请重试', 0, '');
        if (err.code === ABORTED || !mounted.current) return;
        const error = { code: err.code, message: err.message, requestId: err.requestId, retryable: !FINAL_CODES.has(err.code) };
        itemsRef.current = itemsRef.current.map((x) => (x.key === it.key ? { ...x, status: 'failed', error } : x));
        patch(it.key, { status: 'failed', error });
        pumpRef.current();
      },
    );
  }, [patch]);

  /** Starts queued uploads while fewer than `concurrency` run. */
  const pump = useCallback(() => {
    const list = itemsRef.current;
    let running = list.filter((it) => it.status === 'uploading').length;
    for (const it of list) {
      if (running >= concurrency) break;
      if (it.status !== 'queued' || handles.current.has(it.key)) continue;
      running += 1;
      start(it);
    }
  }, [concurrency, start]);
  pumpRef.current = pump;

  const addFiles = useCallback(
    (files: PickedImage[]) => {
      const room = Math.max(0, max - itemsRef.current.length);
      const refused: string[] = [];
      const accepted: UploadItem[] = [];
      for (const file of files) {
        const reason = rejectReason(file, optionsRef.current);
        if (reason) {
          refused.push(reason);
          continue;
        }
        if (accepted.length >= room) {
          refused.push(`最多上传 ${max} 张，「${file.name}」未添加`);
          continue;
        }
        accepted.push({ key: newKey(), file, status: 'queued', progress: 0 });
      }
      setNotices(refused);
      if (!accepted.length) return;
      itemsRef.current = [...itemsRef.current, ...accepted];
      setItems(itemsRef.current);
      pump();
    },
    [max, pump],
  );

  const choose = useCallback(async () => {
    const remaining = max - itemsRef.current.length;
    if (remaining <= 0) {
      setNotices([`最多上传 ${max} 张，请先删除不需要的图片`]);
      return;
    }
    try {
      const picked = await media.chooseImages(remaining);
      if (picked.kind === 'picked') addFiles(picked.files);
    } catch (e) {
      console.warn('[upload] choosing images failed', e);
      setNotices(['无法打开相册或相机，请在设置中允许访问相册和相机后重试']);
    }
  }, [addFiles, max]);

  const retry = useCallback(
    (key: string) => {
      const it = itemsRef.current.find((x) => x.key === key);
      if (!it || it.status !== 'failed') return;
      itemsRef.current = itemsRef.current.map((x) => (x.key === key ? { ...x, status: 'queued', progress: 0, error: undefined } : x));
      setItems(itemsRef.current);
      pump();
    },
    [pump],
  );

  const remove = useCallback(
    (key: string) => {
      handles.current.get(key)?.abort();
      handles.current.delete(key);
      itemsRef.current = itemsRef.current.filter((x) => x.key !== key);
      setItems(itemsRef.current);
      pump();
    },
    [pump],
  );

  const clear = useCallback(() => {
    for (const h of handles.current.values()) h.abort();
    handles.current.clear();
    itemsRef.current = [];
    setItems([]);
    setNotices([]);
  }, []);

  const dismissNotices = useCallback(() => setNotices([]), []);

  const done = items.filter((it): it is UploadItem & { uploaded: UploadedFile } => it.status === 'done' && !!it.uploaded);
  return {
    items,
    fileIds: done.map((it) => it.uploaded.id),
    uploaded: done.map((it) => it.uploaded),
    busy: items.some((it) => it.status === 'queued' || it.status === 'uploading'),
    failedCount: items.filter((it) => it.status === 'failed').length,
    notices,
    remaining: Math.max(0, max - items.length),
    choose,
    addFiles,
    retry,
    remove,
    clear,
    dismissNotices,
  };
}
