import type { Config } from '../../config';
import { WechatPayClient, type WechatPayClientConfig } from './client';

/** Builds the WeChat Pay client from the validated configuration; refuses when a key is missing. */
export function wechatPayClientFromConfig(config: Config, extra: Partial<WechatPayClientConfig> = {}): WechatPayClient {
  const p = config.platforms.wechatPay;
  const missing = [
    !p.merchantPrivateKey && 'WECHAT_PAY_MERCHANT_PRIVATE_KEY',
    !p.merchantSerialNo && 'WECHAT_PAY_MERCHANT_SERIAL_NO',
    !p.apiV3Key && 'WECHAT_PAY_API_V3_KEY',
    !(p.publicKey && p.publicKeyId) && !p.platformCert && 'WECHAT_PAY_PUBLIC_KEY + WECHAT_PAY_PUBLIC_KEY_ID（或 WECHAT_PAY_PLATFORM_CERT）',
  ].filter(Boolean);
  if (missing.length) throw new Error(`微信支付未配置：缺少 ${missing.join('、')}`);
  return new WechatPayClient({
    baseUrl: p.baseUrl,
    mchId: p.mchId,
    appId: p.appId,
    merchantPrivateKey: p.merchantPrivateKey!,
    merchantSerialNo: p.merchantSerialNo!,
    apiV3Key: p.apiV3Key!,
    platform: {
      ...(p.publicKey && p.publicKeyId ? { publicKey: { id: p.publicKeyId, pem: p.publicKey } } : {}),
      ...(p.platformCert ? { certificates: [p.platformCert] } : {}),
    },
    timeoutMs: config.platforms.timeoutMs,
    callbackMaxAgeSeconds: p.callbackMaxAgeSeconds,
    ...extra,
  });
}
