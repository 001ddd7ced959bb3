import type { Config } from '../../config';
import { HisClient } from './client';
import type { HisClientConfig } from './types';

/** Builds the HIS client from the validated configuration; refuses when the secret is missing. */
export function hisClientFromConfig(config: Config, extra: Partial<HisClientConfig> = {}): HisClient {
  const h = config.platforms.his;
  if (!h.appSecret) throw new Error('医院 HIS 接口未配置：缺少 HIS_APP_SECRET');
  return new HisClient({ baseUrl: h.baseUrl, appId: h.appId, appSecret: h.appSecret, timeoutMs: config.platforms.timeoutMs, ...extra });
}
