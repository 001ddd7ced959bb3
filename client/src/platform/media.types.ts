/**
 * Choosing images on each target. One file per target (media.weapp.ts / media.alipay.ts /
 * media.h5.ts), picked by Taro's multi-platform resolution when importing '…/platform/media'.
 * Only the platform calls live here; checks, uploads and progress are components/Upload.
 */

/** An image the user picked, as the platform hands it over (not uploaded yet). */
export interface PickedImage {
  /** Temporary local path: wxfile://… (WeChat), an apFilePath (Alipay), a blob: URL (H5). */
  path: string;
  /** Bytes; null when the platform does not say (the BFF checks the size again anyway). */
  size: number | null;
  /** MIME type: the File's own on H5; from the file name on the mini-programs; null if unknown. */
  mimeType: string | null;
  /** A file name for the multipart form (keeps the extension the BFF and the type check read). */
  name: string;
}

export type PickResult = { kind: 'picked'; files: PickedImage[] } | { kind: 'cancelled' };

export interface MediaBridge {
  /** Album or camera, at most `count` images (compressed where the platform offers it). */
  chooseImages(count: number): Promise<PickResult>;
  /** What this target's Taro.uploadFile needs besides url/filePath/name/header/formData. */
  uploadExtras(file: PickedImage): Record<string, unknown>;
}

const MIME_BY_EXTENSION: Record<string, string> = {
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  gif: 'image/gif',
  webp: 'image/webp',
  heic: 'image/heic',
  heif: 'image/heif',
  bmp: 'image/bmp',
  pdf: 'application/pdf',
};

/** The MIME type a file name's extension stands for (null when unknown or absent). */
export function mimeFromName(name: string): string | null {
  const m = /\.([a-z0-9]+)(?:[?#].*)?$/i.exec(name);
  return m ? (MIME_BY_EXTENSION[m[1]!.toLowerCase()] ?? null) : null;
}

/** The last path segment of a temporary path, or a generated name with the given extension. */
export function nameFromPath(path: string, index: number): string {
  const last = path.split(/[\\/]/).pop() ?? '';
  return last && /\.[a-z0-9]+$/i.test(last) ? last : `image-${Date.now()}-${index}.jpg`;
}

/** The user closed the picker: WeChat/H5 "…:fail cancel", Alipay error 11 (用户取消). */
export function isCancel(e: unknown): boolean {
  const f = (e ?? {}) as { errMsg?: unknown; errorMessage?: unknown; error?: unknown };
  if (f.error === 11) return true;
  const text = [f.errMsg, f.errorMessage].filter((v) => typeof v === 'string').join(' ');
  return /cancel|取消/i.test(text);
}
