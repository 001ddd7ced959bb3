// Type of the platform module for TypeScript and editors. The build resolves '../platform' to
// index.<TARO_ENV>.ts (Taro's multi-platform file resolution); there is deliberately no
// index.ts, so a build that failed to pick a platform file fails instead of guessing.
import type { Platform } from './types';

export type { KeyValueStorage, PatientSignInChannel, Platform, PlatformName } from './types';
export declare const platform: Platform;
