/**
 * Uploads:
 *   POST /api/v1/files?purpose=CONSULT_IMAGE|MATERIAL   multipart, one part `file` → 201 UploadedFile
 *   GET  /api/v1/files/:id                                Bearer; owner or whoever may read what it is attached to
 *   GET  /api/v1/files/:id/content?exp=&sig=              signed short-lived URL (from answers showing the file)
 * 413 FILE_TOO_LARGE, 415 FILE_TYPE_NOT_ALLOWED / FILE_TYPE_MISMATCH, 400 FILE_MISSING,
 * 429 FILE_UPLOAD_LIMIT. Audited without names or content.
 */
import Router from '@koa/router';
import multer from '@koa/multer';
import type { Context, Next } from 'koa';
import {
  API_PREFIX,
  FILE_PURPOSES,
  FileParamsSchema,
  SignedFileQuerySchema,
  UploadQuerySchema,
  type FilePurpose,
} from '@ih/contract';
import { audit } from '../../lib/audit';
import { fieldCipher } from '../../lib/cipher';
import { AppError, isAppError } from '../../lib/errors';
import { input, parseInput, validate } from '../../lib/validate';
import type { AppDeps } from '../../deps';
import { authUser, requireAuth } from '../auth/middleware';
import { loadConsultSettings, type ConsultSettings, type ConsultSettingsOverrides } from '../consult/settings';
import { FilesService, type IncomingUpload } from './service';
import { FileUrlSigner } from './urls';

export interface FilesDeps extends AppDeps {
  consultSettings?: ConsultSettingsOverrides;
  /** Built once per app and shared with the consult domain (see filesOf). */
  files?: FilesService;
}

const byDeps = new WeakMap<object, { files: FilesService; signer: FileUrlSigner; settings: ConsultSettings }>();

/** The app's files service, signer and settings (one per configuration object). */
export function filesOf(deps: FilesDeps): { files: FilesService; signer: FileUrlSigner; settings: ConsultSettings } {
  let v = byDeps.get(deps.config);
  if (!v) {
    const settings = loadConsultSettings(process.env, deps.consultSettings);
    const signer = new FileUrlSigner(deps.config.secrets, settings.files.urlTtlSeconds);
    const files = deps.files ?? new FilesService({ prisma: deps.prisma, logger: deps.logger, cipher: fieldCipher(deps.config), signer, settings: settings.files });
    v = { files, signer, settings };
    byDeps.set(deps.config, v);
  }
  return v;
}

/** multer errors → our codes (the part limits keep a request from carrying anything else). */
function multipart(files: FilesService) {
  const uploaders = new Map<FilePurpose | 'any', ReturnType<ReturnType<typeof multer>['single']>>();
  const maxAll = Math.max(...FILE_PURPOSES.map((p) => files.maxBytes(p)));
  for (const p of [...FILE_PURPOSES, 'any'] as const) {
    const limit = p === 'any' ? maxAll : files.maxBytes(p);
    uploaders.set(p, multer({ storage: multer.memoryStorage(), limits: { fileSize: limit, files: 1, fields: 4, fieldSize: 1024, parts: 6, fieldNameSize: 64 } }).single('file'));
  }
  return async function parseMultipart(ctx: Context, next: Next): Promise<void> {
    if (!ctx.is('multipart/form-data')) throw new AppError('FILE_MISSING', { message: '请以 multipart/form-data 方式上传文件（字段名 file）' });
    const fromQuery = typeof ctx.query.purpose === 'string' && (FILE_PURPOSES as readonly string[]).includes(ctx.query.purpose) ? (ctx.query.purpose as FilePurpose) : 'any';
    try {
      await uploaders.get(fromQuery)!(ctx, async () => undefined);
    } catch (err) {
      if (isAppError(err)) throw err;
      const code = (err as { code?: unknown }).code;
      if (code === 'LIMIT_FILE_SIZE') throw files.tooLarge(fromQuery === 'any' ? 'MATERIAL' : fromQuery);
      if (code === 'LIMIT_UNEXPECTED_FILE' || code === 'LIMIT_FILE_COUNT') throw new AppError('BAD_REQUEST', { message: '每次只能上传一个文件（字段名 file）', cause: err });
      if (typeof code === 'string' && code.startsWith('LIMIT_')) throw new AppError('BAD_REQUEST', { message: '上传请求格式不正确，请重新选择文件后上传', cause: err });
      throw new AppError('BAD_REQUEST', { message: '上传中断或格式不正确，请重新上传', cause: err });
    }
    await next();
  };
}

function sendFile(ctx: Context, file: { id: string; mime: string; content: Buffer }, cache: string): void {
  ctx.set('Cache-Control', cache);
  ctx.set('Content-Security-Policy', "default-src 'none'; sandbox");
  ctx.set('Content-Disposition', `inline; filename="${file.id}.${FilesService.extension(file.mime as never)}"`);
  ctx.type = file.mime;
  ctx.body = file.content;
}

export function filesRouter(deps: FilesDeps): Router {
  const { prisma, logger } = deps;
  const { files, signer } = filesOf(deps);
  const router = new Router({ prefix: API_PREFIX });
  const signedIn = requireAuth({ roles: ['PATIENT', 'DOCTOR', 'PHARMACIST'] });

  router.post(
    '/files',
    signedIn,
    async (ctx, next) => {
      await files.checkQuota(authUser(ctx).id);
      await next();
    },
    multipart(files),
    async (ctx) => {
      const user = authUser(ctx);
      const fields = (ctx.request as { body?: Record<string, unknown> }).body ?? {};
      const { purpose } = parseInput(UploadQuerySchema, { purpose: ctx.query.purpose ?? fields.purpose }, 'query');
      const uploaded = await files.upload(user, purpose, (ctx.request as { file?: IncomingUpload }).file);
      await audit(prisma, logger, ctx, {
        action: 'file.uploaded',
        targetType: 'file',
        targetId: uploaded.id,
        actorUserId: user.id,
        actorRole: user.role,
        details: { purpose, mime: uploaded.mime, sizeBytes: uploaded.sizeBytes },
      });
      ctx.status = 201;
      ctx.body = uploaded;
    },
  );

  router.get('/files/:id', signedIn, validate(FileParamsSchema, 'params'), async (ctx) => {
    const { id } = input(ctx, 'params', FileParamsSchema);
    sendFile(ctx, await files.readFor(authUser(ctx), id), 'private, no-store');
  });

  router.get('/files/:id/content', validate(FileParamsSchema, 'params'), async (ctx) => {
    const { id } = input(ctx, 'params', FileParamsSchema);
    let q;
    try {
      q = parseInput(SignedFileQuerySchema, ctx.query, 'query');
    } catch {
      throw new AppError('NOT_FOUND', { message: '文件不存在或链接无效' });
    }
    const verdict = signer.verify(id, q.exp, q.sig);
    if (verdict === 'expired') throw new AppError('FILE_LINK_EXPIRED');
    if (verdict !== 'ok') throw new AppError('NOT_FOUND', { message: '文件不存在或链接无效' });
    const file = await files.readSigned(id);
    const maxAge = Math.max(0, Math.floor((Number(q.exp) - Date.now()) / 1000));
    // The URL is the capability: the client may cache it until it expires, and H5 served from another origin may show it.
    ctx.set('Cross-Origin-Resource-Policy', 'cross-origin');
    sendFile(ctx, file, `private, max-age=${maxAge}`);
  });

  deps.jobs?.register({ name: 'files.unattached-cleanup', everyMs: 3600_000, run: () => files.removeUnattached() });
  return router;
}
