import { DEFAULT_SM2_USER_ID } from '@ih/crypto';
import type { Config } from '../../config';
import { NationalAppClient } from './client';
import type { NationalAppClientConfig } from './types';

/** Builds the national APP channel client from the validated configuration; refuses when a credential is missing. */
export function nationalAppClientFromConfig(config: Config, extra: Partial<NationalAppClientConfig> = {}): NationalAppClient {
  const n = config.platforms.nationalApp;
  const missing = [
    !n.orgChnlCrtfCodg && 'NATIONAL_APP_ORG_CHNL_CRTF_CODG',
    !n.appSecret && 'NATIONAL_APP_APP_SECRET',
    !n.orgPrivateKey && 'NATIONAL_APP_ORG_PRIVATE_KEY',
    !n.platformPublicKey && 'NATIONAL_APP_PLATFORM_PUBLIC_KEY',
  ].filter(Boolean);
  if (missing.length) throw new Error(`国家医保服务平台 APP 渠道未配置：缺少 ${missing.join('、')}`);
  return new NationalAppClient({
    baseUrl: n.baseUrl,
    orgAppId: n.orgAppId,
    orgChnlCrtfCodg: n.orgChnlCrtfCodg!,
    orgCodg: config.platforms.mobilePay.orgCode,
    appSecret: n.appSecret!,
    orgPrivateKey: n.orgPrivateKey!,
    platformPublicKey: n.platformPublicKey!,
    ...(n.sm2UserIdMode === 'default' ? { sm2UserId: DEFAULT_SM2_USER_ID } : {}),
    timestampFormat: n.timestampFormat,
    timeoutMs: config.platforms.timeoutMs,
    maxAgeMs: n.maxAgeSeconds * 1000,
    ...extra,
  });
}
