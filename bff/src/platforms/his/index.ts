export { HIS, HisClient, hisUserMessage } from './client';
export * from './types';
