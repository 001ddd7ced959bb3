/**
 * What the client checks before uploading (the BFF checks the bytes again and decides): the type
 * each purpose accepts and its size limit, from @ih/contract, with messages that say what to do.
 */
import { DEFAULT_FILE_MAX_BYTES, FILE_PURPOSE_TYPES, PDF_MIME_TYPE, formatBytes, type FilePurpose } from '@ih/contract';
import type { PickedImage } from '../../platform/media';

const TYPE_NAMES: Record<string, string> = {
  'image/jpeg': 'JPG',
  'image/png': 'PNG',
  'image/webp': 'WEBP',
  'image/heic': 'HEIC',
  [PDF_MIME_TYPE]: 'PDF',
};

export interface UploadRules {
  purpose: FilePurpose;
  /** Accepted MIME types (default: the purpose's). */
  accept?: readonly string[];
  /** Largest file in bytes (default: the purpose's). */
  maxBytes?: number;
}

export function acceptedTypes(rules: UploadRules): readonly string[] {
  return rules.accept ?? FILE_PURPOSE_TYPES[rules.purpose];
}

export function maxBytesOf(rules: UploadRules): number {
  return rules.maxBytes ?? DEFAULT_FILE_MAX_BYTES[rules.purpose];
}

/** "JPG、PNG、WEBP 或 HEIC" */
export function typeNames(types: readonly string[]): string {
  const names = [...new Set(types.map((t) => TYPE_NAMES[t] ?? t))];
  return names.length > 1 ? `${names.slice(0, -1).join('、')} 或 ${names.at(-1)}` : (names[0] ?? '');
}

/** Why this file cannot be uploaded (Chinese, says what to do), or null when it may go. */
export function rejectReason(file: PickedImage, rules: UploadRules): string | null {
  const types = acceptedTypes(rules);
  // Unknown type (no extension): the BFF sniffs the bytes and answers FILE_TYPE_NOT_ALLOWED.
  if (file.mimeType && !types.includes(file.mimeType)) {
    return `「${file.name}」的格式不支持，请选择 ${typeNames(types)} 格式的${types.includes(PDF_MIME_TYPE) ? '文件' : '图片'}`;
  }
  const max = maxBytesOf(rules);
  if (file.size !== null && file.size > max) {
    return `「${file.name}」大小 ${formatBytes(file.size)}，超过 ${formatBytes(max)} 的上限，请压缩或截图后重新选择`;
  }
  if (file.size === 0) return `「${file.name}」是空文件，请重新选择`;
  return null;
}
