import type { Config } from '../../config';
import { AlipayClient } from './client';
import type { AlipayClientConfig } from './types';

/** Builds the Alipay client from the validated configuration; refuses when a key is missing. */
export function alipayClientFromConfig(config: Config, extra: Partial<AlipayClientConfig> = {}): AlipayClient {
  const a = config.platforms.alipay;
  const missing = [!a.appPrivateKey && 'ALIPAY_APP_PRIVATE_KEY', !a.alipayPublicKey && 'ALIPAY_PUBLIC_KEY', !a.medicalOrgChnlCrtfCode && 'ALIPAY_MEDICAL_ORG_CHNL_CRTF_CODE'].filter(Boolean);
  if (missing.length) throw new Error(`支付宝接口未配置：缺少 ${missing.join('、')}`);
  return new AlipayClient({
    gatewayUrl: a.gatewayUrl,
    appId: a.appId,
    appPrivateKey: a.appPrivateKey!.replace(/\\n/g, '\n'),
    alipayPublicKey: a.alipayPublicKey!.replace(/\\n/g, '\n'),
    timeoutMs: config.platforms.timeoutMs,
    notifyMaxAgeMs: a.notifyMaxAgeSeconds * 1000,
    medical: { orgAppId: a.medicalOrgAppId, orgChnlCrtfCode: a.medicalOrgChnlCrtfCode!, orgCode: config.platforms.mobilePay.orgCode },
    ...extra,
  });
}
