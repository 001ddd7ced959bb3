import type { Config } from '../../config';
import { WechatClient, type WechatClientConfig } from './client';

/** Builds the WeChat client from the validated configuration; refuses when a secret is missing. */
export function wechatClientFromConfig(config: Config, extra: Partial<WechatClientConfig> = {}): WechatClient {
  const w = config.platforms.wechat;
  const missing = [!w.appSecret && 'WECHAT_APP_SECRET', !w.insurancePartnerSecret && 'WECHAT_INSURANCE_PARTNER_SECRET'].filter(Boolean);
  if (missing.length) throw new Error(`微信接口未配置：缺少 ${missing.join('、')}`);
  return new WechatClient({
    apiBaseUrl: w.apiBaseUrl,
    appId: w.appId,
    appSecret: w.appSecret!,
    insuranceBaseUrl: w.insuranceBaseUrl,
    partnerId: w.insurancePartnerId,
    partnerSecret: w.insurancePartnerSecret!,
    timeoutMs: config.platforms.timeoutMs,
    ...extra,
  });
}
