export { HIS, HisClient, hisUserMessage } from './client';
export * from './types';
export { hisClientFromConfig } from './from-config';
