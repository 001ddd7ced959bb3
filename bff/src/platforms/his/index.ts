export { HIS, HisClient, hisErrorCode } from './client';
export * from './types';
export { hisClientFromConfig } from './from-config';
