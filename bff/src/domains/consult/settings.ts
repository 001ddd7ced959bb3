/**
 * Settings of the consultation room and its timeouts, and of uploads: environment variables,
 * validated when the app is built (a bad value refuses to start, naming the variable, never its
 * value). Tests pass overrides (`consultSettings` in the app's deps). Timeouts that a hospital may
 * want to change at run time are also `settings` rows (they win over the environment):
 *   consult_accept_timeout_minutes, consult_idle_timeout_minutes.
 *
 * | variable                            | default            | meaning |
 * |-------------------------------------|--------------------|---------|
 * | CONSULT_ACCEPT_TIMEOUT_MINUTES      | 1440 (24 h)        | WAITING not accepted this long after payment → cancelled, fee refunded |
 * | CONSULT_IDLE_TIMEOUT_MINUTES        | 1440 (24 h)        | IN_PROGRESS without a message this long → ended |
 * | CONSULT_PAYMENT_TIMEOUT_MINUTES     | 30                 | PENDING_PAYMENT cancelled after this when its order has no expiry of its own |
 * | CONSULT_TIMEOUT_JOB_SECONDS         | 60                 | how often the timeout job runs |
 * | CONSULT_LONG_POLL_MAX_SECONDS       | 25                 | longest wait of GET …/messages?wait= |
 * | CONSULT_DB_POLL_MS                  | 2000               | how often waiting requests / sockets look at the database for changes made by other BFF instances |
 * | CONSULT_MAX_IMAGES                  | 9                  | images per consultation (description + room) |
 * | FILES_DIR                           | .data/uploads      | where encrypted uploads are kept (relative to the repository root) |
 * | FILES_MAX_BYTES_CONSULT_IMAGE       | 10485760 (10 MB)   | size limit of consultation images |
 * | FILES_MAX_BYTES_MATERIAL            | 20971520 (20 MB)   | size limit of self-service materials |
 * | FILES_URL_TTL_SECONDS               | 600                | life of signed file URLs |
 * | FILES_MAX_UNATTACHED_PER_DAY        | 60                 | uploads per user in 24 h not yet attached to anything (429 beyond) |
 * | FILES_UNATTACHED_TTL_HOURS          | 24                 | unattached uploads older than this are deleted by the timeout job |
 */
import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { DEFAULT_FILE_MAX_BYTES, MAX_CONSULT_IMAGES, type FilePurpose } from '@ih/contract';
import { ConfigError, REPO_ROOT } from '../../config';

export interface FilesSettings {
  dir: string;
  maxBytes: Record<FilePurpose, number>;
  urlTtlSeconds: number;
  maxUnattachedPerDay: number;
  unattachedTtlHours: number;
}

export interface ConsultSettings {
  acceptTimeoutMinutes: number;
  idleTimeoutMinutes: number;
  paymentTimeoutMinutes: number;
  timeoutJobSeconds: number;
  longPollMaxSeconds: number;
  dbPollMs: number;
  maxImages: number;
  files: FilesSettings;
}

export type ConsultSettingsOverrides = Partial<Omit<ConsultSettings, 'files'>> & { files?: Partial<FilesSettings> };

const int = (min: number, max: number, fallback: number) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v.trim() === '') return fallback;
      const n = Number(v.trim());
      if (!/^\d+$/.test(v.trim()) || n < min || n > max) {
        ctx.addIssue({ code: 'custom', message: `必须是 ${min}–${max} 之间的整数` });
        return z.NEVER;
      }
      return n;
    });

const ENV_SCHEMA = z.object({
  CONSULT_ACCEPT_TIMEOUT_MINUTES: int(1, 30 * 24 * 60, 24 * 60),
  CONSULT_IDLE_TIMEOUT_MINUTES: int(1, 30 * 24 * 60, 24 * 60),
  CONSULT_PAYMENT_TIMEOUT_MINUTES: int(1, 24 * 60, 30),
  CONSULT_TIMEOUT_JOB_SECONDS: int(1, 3600, 60),
  CONSULT_LONG_POLL_MAX_SECONDS: int(1, 55, 25),
  CONSULT_DB_POLL_MS: int(200, 60_000, 2000),
  CONSULT_MAX_IMAGES: int(1, MAX_CONSULT_IMAGES, MAX_CONSULT_IMAGES),
  FILES_DIR: z.string().optional(),
  FILES_MAX_BYTES_CONSULT_IMAGE: int(1024, 50 * 1024 * 1024, DEFAULT_FILE_MAX_BYTES.CONSULT_IMAGE),
  FILES_MAX_BYTES_MATERIAL: int(1024, 50 * 1024 * 1024, DEFAULT_FILE_MAX_BYTES.MATERIAL),
  FILES_URL_TTL_SECONDS: int(30, 86_400, 600),
  FILES_MAX_UNATTACHED_PER_DAY: int(1, 10_000, 60),
  FILES_UNATTACHED_TTL_HOURS: int(1, 24 * 30, 24),
});

export function loadConsultSettings(env: Record<string, string | undefined> = process.env, overrides: ConsultSettingsOverrides = {}): ConsultSettings {
  const parsed = ENV_SCHEMA.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => ({ variable: String(i.path[0] ?? '?'), message: i.message })));
  }
  const e = parsed.data;
  const dirRaw = e.FILES_DIR?.trim() || '.data/uploads';
  const files: FilesSettings = {
    dir: isAbsolute(dirRaw) ? dirRaw : resolve(REPO_ROOT, dirRaw),
    maxBytes: { CONSULT_IMAGE: e.FILES_MAX_BYTES_CONSULT_IMAGE, MATERIAL: e.FILES_MAX_BYTES_MATERIAL },
    urlTtlSeconds: e.FILES_URL_TTL_SECONDS,
    maxUnattachedPerDay: e.FILES_MAX_UNATTACHED_PER_DAY,
    unattachedTtlHours: e.FILES_UNATTACHED_TTL_HOURS,
    ...overrides.files,
  };
  const { files: _files, ...rest } = overrides;
  return {
    acceptTimeoutMinutes: e.CONSULT_ACCEPT_TIMEOUT_MINUTES,
    idleTimeoutMinutes: e.CONSULT_IDLE_TIMEOUT_MINUTES,
    paymentTimeoutMinutes: e.CONSULT_PAYMENT_TIMEOUT_MINUTES,
    timeoutJobSeconds: e.CONSULT_TIMEOUT_JOB_SECONDS,
    longPollMaxSeconds: e.CONSULT_LONG_POLL_MAX_SECONDS,
    dbPollMs: e.CONSULT_DB_POLL_MS,
    maxImages: e.CONSULT_MAX_IMAGES,
    ...rest,
    files,
  };
}

/** Runtime overrides of the timeouts (settings table). */
export const SETTING_ACCEPT_TIMEOUT_MINUTES = 'consult_accept_timeout_minutes';
export const SETTING_IDLE_TIMEOUT_MINUTES = 'consult_idle_timeout_minutes';
