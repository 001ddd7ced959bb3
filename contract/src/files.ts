/**
 * Uploads (/api/v1/files), shared by the BFF and the client's Upload component.
 *
 *   POST /api/v1/files?purpose=CONSULT_IMAGE|MATERIAL   multipart/form-data, one part named `file`
 *        (`purpose` may also come as a form field before the file) → UploadedFile
 *   GET  /api/v1/files/:id                                the content (Bearer token; owner, or staff
 *                                                         who may read what the file is attached to)
 *   GET  /api/v1/files/:id/content?exp=&sig=              the same through a short-lived signed URL
 *                                                         (`url` in every answer that shows a file):
 *                                                         mini-program <Image src> cannot send headers
 *
 * The BFF sniffs the real type from the bytes (never trusts the name or the declared type), keeps
 * the content encrypted at rest, and answers 413 FILE_TOO_LARGE / 415 FILE_TYPE_NOT_ALLOWED /
 * 415 FILE_TYPE_MISMATCH / 415 FILE_DAMAGED with Chinese messages. JPEG, PNG and WebP photos are
 * stored re-encoded (upright, without EXIF/GPS or other metadata), so `sizeBytes` is the stored size. Limits per purpose are configuration; the defaults
 * below are what the client checks before uploading (the BFF decides).
 */
import { z } from 'zod';

export const FILE_PURPOSES = ['CONSULT_IMAGE', 'MATERIAL'] as const;
export type FilePurpose = (typeof FILE_PURPOSES)[number];

export const FILE_PURPOSE_LABELS: Record<FilePurpose, string> = {
  CONSULT_IMAGE: '问诊图片',
  MATERIAL: '申请材料',
};

export const IMAGE_MIME_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'image/heic'] as const;
export const PDF_MIME_TYPE = 'application/pdf';
export const FILE_MIME_TYPES = [...IMAGE_MIME_TYPES, PDF_MIME_TYPE] as const;
export type FileMimeType = (typeof FILE_MIME_TYPES)[number];

/** Types each purpose accepts (the BFF sniffs the bytes; these are the sniffed types). */
export const FILE_PURPOSE_TYPES: Record<FilePurpose, readonly FileMimeType[]> = {
  CONSULT_IMAGE: IMAGE_MIME_TYPES,
  MATERIAL: FILE_MIME_TYPES,
};

/** Default size limits (bytes) per purpose; the BFF's FILES_MAX_BYTES_<PURPOSE> may change them. */
export const DEFAULT_FILE_MAX_BYTES: Record<FilePurpose, number> = {
  CONSULT_IMAGE: 10 * 1024 * 1024,
  MATERIAL: 20 * 1024 * 1024,
};

/** Images attached to one consultation (description + room), at most. */
export const MAX_CONSULT_IMAGES = 9;

/** Human-readable size: 1.5MB, 300KB. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${Number((bytes / 1024 / 1024).toFixed(1))}MB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)}KB`;
  return `${bytes}B`;
}

export const FileIdSchema = z.string().regex(/^[0-9a-f-]{36}$/i, '文件编号不正确');

export const UploadQuerySchema = z.object({
  purpose: z.enum(FILE_PURPOSES, { error: '请指定上传用途' }),
});
export type UploadQuery = z.infer<typeof UploadQuerySchema>;

export const FileParamsSchema = z.object({ id: FileIdSchema });

export const SignedFileQuerySchema = z.object({
  exp: z.string().regex(/^\d{1,13}$/, '链接已失效'),
  sig: z.string().regex(/^[A-Za-z0-9_-]{16,128}$/, '链接已失效'),
});

/** A stored file as any answer shows it. `url` is relative to the BFF and expires (`urlExpiresAt`). */
export const FileRefSchema = z.object({
  id: z.string(),
  mime: z.enum(FILE_MIME_TYPES),
  sizeBytes: z.number().int().nonnegative(),
  /** Signed, short-lived path (`/api/v1/files/:id/content?exp=&sig=`); prefix the API base. */
  url: z.string(),
  urlExpiresAt: z.string(),
});
export type FileRef = z.infer<typeof FileRefSchema>;

export const UploadedFileSchema = FileRefSchema.extend({
  purpose: z.enum(FILE_PURPOSES),
  createdAt: z.string(),
});
export type UploadedFile = z.infer<typeof UploadedFileSchema>;
