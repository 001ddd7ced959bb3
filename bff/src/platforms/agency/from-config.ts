import type { Config } from '../../config';
import { AgencyClient } from './client';
import type { AgencyClientConfig } from './types';

/** Builds the agency client from the validated configuration; refuses when the secret is missing. */
export function agencyClientFromConfig(config: Config, extra: Partial<AgencyClientConfig> = {}): AgencyClient {
  const a = config.platforms.insuranceAgency;
  if (!a.appSecret) throw new Error('医保经办机构接口未配置：缺少 INSURANCE_AGENCY_APP_SECRET');
  return new AgencyClient({ baseUrl: a.baseUrl, appId: a.appId, appSecret: a.appSecret, orgCode: a.orgCode, timeoutMs: config.platforms.timeoutMs, ...extra });
}
