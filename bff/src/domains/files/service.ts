/**
 * Uploads: type sniffing, limits, encrypted storage, attaching, reading with access checks, and
 * the clean-up of uploads never attached to anything.
 */
import { randomUUID } from 'node:crypto';
import FileType from 'file-type';
import {
  FILE_PURPOSE_TYPES,
  IMAGE_MIME_TYPES,
  PDF_MIME_TYPE,
  formatBytes,
  type FileMimeType,
  type FilePurpose,
  type UploadedFile,
} from '@ih/contract';
import type { FieldCipher, Prisma } from '@ih/db';
import type { Db } from '../../deps';
import type { Logger } from '../../logger';
import { AppError } from '../../lib/errors';
import type { AuthUser } from '../auth/sessions';
import type { FilesSettings } from '../consult/settings';
import { mayReadAttached } from './access';
import { sanitizeImage } from './sanitize';
import { EncryptedFileStore } from './storage';
import type { FileUrlSigner } from './urls';

type Tx = Prisma.TransactionClient;

/** Declared types and extensions we recognise (anything else declared is ignored, e.g. application/octet-stream). */
const DECLARED_MIME: Record<string, FileMimeType> = {
  'image/jpeg': 'image/jpeg',
  'image/jpg': 'image/jpeg',
  'image/pjpeg': 'image/jpeg',
  'image/png': 'image/png',
  'image/webp': 'image/webp',
  'image/heic': 'image/heic',
  'image/heif': 'image/heic',
  'application/pdf': 'application/pdf',
};
const EXT_MIME: Record<string, FileMimeType> = {
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  heic: 'image/heic',
  heif: 'image/heic',
  pdf: 'application/pdf',
};
const MIME_EXT: Record<FileMimeType, string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
  'image/heic': 'heic',
  'application/pdf': 'pdf',
};

/** Declared types that say nothing (mini-programs often send these). */
const GENERIC_DECLARED = new Set(['', 'application/octet-stream', 'binary/octet-stream', 'application/unknown']);

export const UPLOAD_ROLES: Record<FilePurpose, readonly AuthUser['role'][]> = {
  CONSULT_IMAGE: ['PATIENT', 'DOCTOR'],
  MATERIAL: ['PATIENT'],
};

function typeWords(purpose: FilePurpose): string {
  const images = 'JPG、PNG、WEBP、HEIC 格式的图片';
  return FILE_PURPOSE_TYPES[purpose].includes(PDF_MIME_TYPE) ? `${images}或 PDF 文件` : images;
}

/** The real type from the bytes, normalised to the contract's list (null: not one we take). */
export async function sniffType(content: Buffer): Promise<FileMimeType | null> {
  const found = await FileType.fromBuffer(content);
  if (!found) return null;
  if (found.mime === 'image/heif' || found.mime === 'image/heic') return 'image/heic';
  return (IMAGE_MIME_TYPES as readonly string[]).includes(found.mime) || found.mime === PDF_MIME_TYPE ? (found.mime as FileMimeType) : null;
}

export interface IncomingUpload {
  buffer: Buffer;
  size: number;
  mimetype?: string;
  originalname?: string;
}

export class FilesService {
  readonly store: EncryptedFileStore;

  constructor(
    private readonly deps: { prisma: Db; logger: Logger; cipher: FieldCipher; signer: FileUrlSigner; settings: FilesSettings; now?: () => Date },
  ) {
    this.store = new EncryptedFileStore(deps.settings.dir, deps.cipher);
  }

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  maxBytes(purpose: FilePurpose): number {
    return this.deps.settings.maxBytes[purpose];
  }

  tooLarge(purpose: FilePurpose): AppError {
    return new AppError('FILE_TOO_LARGE', { message: `文件过大（最大 ${formatBytes(this.maxBytes(purpose))}），请压缩图片或选择较小的文件后重试` });
  }

  /** 429 when the user has too many uploads not attached to anything in the last 24 h. */
  async checkQuota(userId: string): Promise<void> {
    const since = new Date(this.now().getTime() - 24 * 3600_000);
    const n = await this.deps.prisma.storedFile.count({ where: { ownerUserId: userId, refType: null, deletedAt: null, createdAt: { gte: since } } });
    if (n >= this.deps.settings.maxUnattachedPerDay) throw new AppError('FILE_UPLOAD_LIMIT');
  }

  /** Checks the content (size, sniffed type, declared type and extension agree), re-encodes photos without metadata, and stores it encrypted. */
  async upload(user: AuthUser, purpose: FilePurpose, file: IncomingUpload | undefined): Promise<UploadedFile> {
    if (!UPLOAD_ROLES[purpose].includes(user.role)) throw new AppError('FORBIDDEN');
    if (!file || file.size === 0 || file.buffer.length === 0) throw new AppError('FILE_MISSING');
    if (file.size > this.maxBytes(purpose)) throw this.tooLarge(purpose);
    const sniffed = await sniffType(file.buffer);
    if (!sniffed || !FILE_PURPOSE_TYPES[purpose].includes(sniffed)) {
      throw new AppError('FILE_TYPE_NOT_ALLOWED', { message: `不支持该文件类型，请上传${typeWords(purpose)}` });
    }
    const declared = (file.mimetype ?? '').toLowerCase().split(';')[0]!.trim();
    if (!GENERIC_DECLARED.has(declared)) {
      const known = DECLARED_MIME[declared];
      if (!known || known !== sniffed) throw new AppError('FILE_TYPE_MISMATCH');
    }
    const ext = /\.([A-Za-z0-9]{1,8})$/.exec(file.originalname ?? '')?.[1]?.toLowerCase();
    if (ext && EXT_MIME[ext] && EXT_MIME[ext] !== sniffed) throw new AppError('FILE_TYPE_MISMATCH');

    // Photos: upright, re-encoded without EXIF/GPS and other metadata, fully decoded (sanitize.ts).
    const clean = await sanitizeImage(file.buffer, sniffed);
    if (clean === 'UNDECODABLE') throw new AppError('FILE_DAMAGED');
    const content = clean ?? file.buffer;

    const { prisma } = this.deps;
    const now = this.now();
    const id = randomUUID();
    const { storageKey, keyEnc } = await this.store.put(id, content, now);
    try {
      const row = await prisma.storedFile.create({
        data: { id, ownerUserId: user.id, purpose, mime: sniffed, sizeBytes: content.length, storageKey, keyEnc, createdAt: now },
        select: { id: true, purpose: true, mime: true, sizeBytes: true, createdAt: true },
      });
      return { ...this.deps.signer.ref(row), purpose: row.purpose, createdAt: row.createdAt.toISOString() };
    } catch (err) {
      await this.store.remove(storageKey).catch(() => undefined);
      throw err;
    }
  }

  /** The file if `user` may read it (owner, or the attached record's policy), else 404. */
  async readFor(user: AuthUser, id: string): Promise<{ content: Buffer; mime: FileMimeType; id: string }> {
    const row = await this.deps.prisma.storedFile.findFirst({
      where: { id, deletedAt: null },
      select: { id: true, ownerUserId: true, refType: true, refId: true, mime: true, storageKey: true, keyEnc: true },
    });
    if (!row) throw new AppError('NOT_FOUND', { message: '文件不存在或已删除' });
    if (row.ownerUserId !== user.id && !(await mayReadAttached(this.deps.prisma, user, row.refType, row.refId))) {
      throw new AppError('NOT_FOUND', { message: '文件不存在或已删除' });
    }
    return { id: row.id, mime: row.mime as FileMimeType, content: await this.store.get(row.id, row.storageKey, row.keyEnc) };
  }

  /** The file behind a verified signed URL. */
  async readSigned(id: string): Promise<{ content: Buffer; mime: FileMimeType; id: string }> {
    const row = await this.deps.prisma.storedFile.findFirst({ where: { id, deletedAt: null }, select: { id: true, mime: true, storageKey: true, keyEnc: true } });
    if (!row) throw new AppError('NOT_FOUND', { message: '文件不存在或已删除' });
    return { id: row.id, mime: row.mime as FileMimeType, content: await this.store.get(row.id, row.storageKey, row.keyEnc) };
  }

  static extension(mime: FileMimeType): string {
    return MIME_EXT[mime];
  }

  /** Deletes uploads never attached within FILES_UNATTACHED_TTL_HOURS (row marked, content removed). */
  async removeUnattached(): Promise<number> {
    const { prisma } = this.deps;
    const cutoff = new Date(this.now().getTime() - this.deps.settings.unattachedTtlHours * 3600_000);
    const rows = await prisma.storedFile.findMany({ where: { refType: null, deletedAt: null, createdAt: { lt: cutoff } }, select: { id: true, storageKey: true }, take: 500 });
    let removed = 0;
    for (const r of rows) {
      // Guarded: a file attached meanwhile is kept.
      const n = await prisma.storedFile.updateMany({ where: { id: r.id, refType: null, deletedAt: null }, data: { deletedAt: this.now() } });
      if (n.count === 1) {
        await this.store.remove(r.storageKey).catch((err: unknown) => this.deps.logger.warn({ err: { message: (err as Error).message }, fileId: r.id }, 'could not remove an expired upload'));
        removed += 1;
      }
    }
    return removed;
  }
}

/**
 * Attaches the owner's uploads to a record (inside the caller's transaction). Each file can be
 * attached once, only by its owner, only for its purpose; anything else: 409 FILE_NOT_USABLE.
 */
export async function attachFiles(
  tx: Tx,
  args: { fileIds: readonly string[]; ownerUserId: string; purpose: FilePurpose; refType: string; refId: string; now?: Date },
): Promise<void> {
  if (args.fileIds.length === 0) return;
  const n = await tx.storedFile.updateMany({
    where: { id: { in: [...args.fileIds] }, ownerUserId: args.ownerUserId, purpose: args.purpose, refType: null, deletedAt: null },
    data: { refType: args.refType, refId: args.refId, attachedAt: args.now ?? new Date() },
  });
  if (n.count !== args.fileIds.length) throw new AppError('FILE_NOT_USABLE');
}
