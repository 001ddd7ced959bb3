/**
 * The BFF's configuration: environment variables only, validated once at start-up.
 * Invalid configuration refuses to start with one line per bad variable; values are never
 * echoed (several are secrets, DATABASE_URL may carry a password).
 *
 * Outside platforms default to the local mocks (MOCK_BASE_URL, http://127.0.0.1:3100). In
 * production every platform variable must be set explicitly and must not point at the mocks,
 * and the well-known development secrets are refused.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, X509Certificate } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { Sm2PrivateKey, Sm2PublicKey, sm2GenerateKeyPair } from '@ih/crypto';

export const REPO_ROOT = resolve(__dirname, '..', '..');

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface PlatformsConfig {
  /** 移动支付中心 (national insurance mobile-pay center, interfaces 6201–6401). */
  mobilePay: MobilePayConfig;
  /** WeChat open platform (login) and the WeChat insurance authorization (mipuserquery). */
  wechat: {
    apiBaseUrl: string;
    appId: string;
    insuranceBaseUrl: string;
    insurancePartnerId: string;
    /** Secrets: unset outside production means "not configured". */
    appSecret?: string;
    insurancePartnerSecret?: string;
    /**
     * The insurance auth mini-program the client jumps to (wx.navigateToMiniProgram) and the
     * institution's parameters on its path (bizType 04107; orgCodg = MOBILE_PAY_ORG_CODE).
     */
    authAppId: string;
    authPath: string;
    authEnvVersion: 'release' | 'trial' | 'develop';
    cityCode: string;
    channel: string;
    orgAppId: string;
    /** 机构渠道认证编码 of the WeChat channel (may contain / + =; never URL-encoded on the path). */
    orgChnlCrtfCodg?: string;
  };
  /** WeChat Pay v3 (self-pay share of insurance orders). */
  wechatPay: {
    baseUrl: string;
    mchId: string;
    appId: string;
    /** Merchant API private key (PEM) and its certificate serial number. */
    merchantPrivateKey?: string;
    merchantSerialNo?: string;
    /** APIv3 key (32 bytes): callbacks' AES-256-GCM. */
    apiV3Key?: string;
    /** WeChat Pay public key (PEM) and its id PUB_KEY_ID_… (public-key mode). */
    publicKey?: string;
    publicKeyId?: string;
    /** Optional platform certificate (PEM) trusted next to the public key (certificate mode). */
    platformCert?: string;
    /** Callbacks whose Wechatpay-Timestamp is further than this from now are refused. */
    callbackMaxAgeSeconds: number;
  };
  /** Alipay open platform (gateway) and its insurance authorization (see bff/src/platforms/alipay). */
  alipay: {
    gatewayUrl: string;
    appId: string;
    /** RSA2 keys (secrets; unset outside production means "not configured"): Base64 DER or PEM. */
    appPrivateKey?: string;
    alipayPublicKey?: string;
    /** The institution's insurance-authorization credentials for the Alipay channel (org_code = MOBILE_PAY_ORG_CODE). */
    medicalOrgAppId: string;
    medicalOrgChnlCrtfCode?: string;
    /** Notifications whose notify_time is further than this from now are refused. */
    notifyMaxAgeSeconds: number;
  };
  /** The hospital's HIS (offline visits, prices, catalogs; see bff/src/platforms/his). */
  his: { baseUrl: string; hospitalCode: string; appId: string; appSecret?: string };
  /** 国家医保服务平台 APP (H5 inside the APP: authorization, cashier; see bff/src/platforms/national-app). */
  nationalApp: {
    baseUrl: string;
    channelId: string;
    /** Channel credentials (orgCodg = MOBILE_PAY_ORG_CODE). orgAppId is the envelope appId (≥ 16 characters). */
    orgAppId: string;
    orgChnlCrtfCodg?: string;
    appSecret?: string;
    orgPrivateKey?: string;
    platformPublicKey?: string;
    sm2UserIdMode: 'appSecret' | 'default';
    timestampFormat: 'ms' | 'yyyyMMddHHmmss';
    /** Answers and notifies whose timestamp is further than this from now are refused. */
    maxAgeSeconds: number;
  };
  /** 医保经办机构 (self-service items: filing, refunds, recognition). */
  insuranceAgency: { baseUrl: string; orgCode: string; appId: string; appSecret?: string };
  /** Upper bound of one call to any outside platform. */
  timeoutMs: number;
}

/** 移动支付中心 client settings (see bff/src/platforms/mobile-pay/README.md). */
export interface MobilePayConfig {
  baseUrl: string;
  appId: string;
  orgCode: string;
  /** 1101 person lookup (FSI message in the envelope); default: under the mock's base URL. */
  psnInfoUrl: string;
  /** Secrets/keys: unset outside production means "not configured" (the client refuses to start). */
  appSecret?: string;
  /** The institution's SM2 private key (Base64 of raw d, or hex). */
  orgPrivateKey?: string;
  /** The platform's SM2 public key (Base64 of 04‖X‖Y, or hex). */
  platformPublicKey?: string;
  /** SM2 user id: the appSecret bytes (platform Java demo) or the default 1234567812345678. */
  sm2UserIdMode: 'appSecret' | 'default';
  timestampFormat: 'ms' | 'yyyyMMddHHmmss';
  /** 6302 notifies (and answers) whose timestamp is further than this from now are refused. */
  notifyMaxAgeSeconds: number;
}

export interface Config {
  nodeEnv: 'development' | 'test' | 'production';
  isProduction: boolean;
  port: number;
  host: string;
  /** Behind a reverse proxy: trust X-Forwarded-Proto/-For. */
  trustProxy: boolean;
  databaseUrl: string;
  logLevel: LogLevel;
  logFormat: 'json' | 'pretty';
  bodyLimit: { json: string; form: string };
  requestTimeoutMs: number;
  /** Background jobs (timeouts, reconciliation) run in this process (JOBS_ENABLED). */
  jobsEnabled: boolean;
  /** Directory of the H5 build, or null when it does not exist / is disabled. */
  staticDir: string | null;
  publicBaseUrl: string;
  appName: string;
  secrets: { dataEncryptionKey: Buffer; dataHashKey: Buffer; sessionSecret: string };
  shutdownGraceMs: number;
  /** Sessions, staff sign-in lockout and 就诊人 limits (the DB `settings` rows of the same meaning win; see domains/auth). */
  auth: AuthConfig;
  /** Request rate limits shared by every BFF process (lib/rateLimit.ts); null = off. */
  rateLimits: RateLimitsConfig;
  mockBaseUrl: string;
  platforms: PlatformsConfig;
}

export interface AuthConfig {
  /** Life of an access token (AUTH_ACCESS_TTL_SECONDS, default 30 min). */
  accessTtlSeconds: number;
  /** Life of a refresh token, renewed by each refresh (AUTH_REFRESH_TTL_DAYS, default 30). */
  refreshTtlSeconds: number;
  /** Failed staff sign-ins in a row before the account is locked (STAFF_LOGIN_MAX_FAILURES, default 5). */
  staffMaxFailedLogins: number;
  /** How long a locked staff account stays locked (STAFF_LOCKOUT_MINUTES, default 15). */
  staffLockoutMinutes: number;
  /** 就诊人 one account may keep (PATIENTS_MAX_PER_USER, default 10). */
  maxPatientsPerUser: number;
}

/** A fixed window: at most `points` requests per `durationSec` seconds for one caller. */
export interface RateRule {
  points: number;
  durationSec: number;
}

export interface RateLimitsConfig {
  /** Sign-in attempts per client IP, every channel and the staff password form together
   *  (RATE_LIMIT_SIGN_IN, default 60/600; generous because carrier NAT puts many phones behind one IP —
   *  guessing one staff password is stopped by the account lockout, this stops spraying many). */
  signIn: RateRule | null;
  /** Payment actions per signed-in user: order creation, insurance preparation, pay, refund,
   *  e-voucher authorization starts — each reaches an outside platform (RATE_LIMIT_PAYMENT, default 30/60). */
  payment: RateRule | null;
}

/** Defaults when the variable is unset; the test environment leaves the limits off (tests switch them on). */
const RATE_LIMIT_DEFAULTS: Record<'RATE_LIMIT_SIGN_IN' | 'RATE_LIMIT_PAYMENT', RateRule> = {
  RATE_LIMIT_SIGN_IN: { points: 60, durationSec: 600 },
  RATE_LIMIT_PAYMENT: { points: 30, durationSec: 60 },
};

function rateRule(value: string | undefined, name: keyof typeof RATE_LIMIT_DEFAULTS, nodeEnv: Config['nodeEnv']): RateRule | null {
  if (value === undefined) return nodeEnv === 'test' ? null : RATE_LIMIT_DEFAULTS[name];
  if (value.toLowerCase() === 'off') return null;
  const [points, durationSec] = value.split('/').map(Number) as [number, number];
  return { points, durationSec };
}

/** One problem with one variable; the message never contains the variable's value. */
export interface ConfigIssue {
  variable: string;
  message: string;
}

export class ConfigError extends Error {
  constructor(readonly issues: ConfigIssue[]) {
    super(`配置无效，服务拒绝启动：\n${issues.map((i) => `  - ${i.variable}: ${i.message}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Development/test-only secrets (public, in this repository). Production refuses them. Tests and
 * one-off local runs may use them; `npm start` generates random ones into .data/ instead.
 */
export const INSECURE_DEV_SECRETS = {
  DATA_ENCRYPTION_KEY: Buffer.alloc(32, 1).toString('base64'),
  DATA_HASH_KEY: Buffer.alloc(32, 2).toString('base64'),
  SESSION_SECRET: 'insecure-development-session-secret-0000',
} as const;

// ---- outside platforms: one row per variable (the single place that lists them) -----------------
type PlatformKey = Exclude<keyof PlatformsConfig, 'timeoutMs'>;
interface PlatformVar {
  env: string;
  platform: PlatformKey;
  field: string;
  /** 'secret': keys and secrets — no default (dev/test take them from the demo keys), required in production, never echoed. */
  kind: 'url' | 'id' | 'secret';
  /** Default pointing at the local mocks; `mock` is MOCK_BASE_URL without a trailing slash. None for secrets. */
  mockDefault?: (mock: string) => string;
  /** For secrets: returns a Chinese message when the value is unusable (never echoes it). */
  check?: (value: string) => string | undefined;
  /** For secrets with a format: a freshly generated valid value (tests, documentation). */
  sample?: () => string;
  describe: string;
}

/** SM2 keys as the mobile-pay center hands them out (Base64 or hex); parsed by @ih/crypto. */
/** RSA keys/certificates in PEM (literal "\n" accepted, as env files often carry them). */
function pemCheck(kind: 'private' | 'public' | 'certificate') {
  return (value: string): string | undefined => {
    const pem = value.replace(/\\n/g, '\n');
    try {
      if (kind === 'private') {
        if (createPrivateKey(pem).asymmetricKeyType !== 'rsa') return '必须是 RSA 私钥（PEM）';
      } else if (kind === 'public') {
        if (createPublicKey(pem).asymmetricKeyType !== 'rsa') return '必须是 RSA 公钥（PEM）';
      } else if (Date.parse(new X509Certificate(pem).validTo) < Date.now()) {
        return '证书已过期';
      }
      return undefined;
    } catch {
      return kind === 'private' ? '不是有效的 PEM 私钥' : kind === 'public' ? '不是有效的 PEM 公钥' : '不是有效的 PEM 证书';
    }
  };
}

const rsaSample = (part: 'private' | 'public') => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return part === 'private' ? privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() : publicKey.export({ type: 'spki', format: 'pem' }).toString();
};

function sm2KeyCheck(kind: 'private' | 'public') {
  return (value: string): string | undefined => {
    try {
      if (kind === 'private') Sm2PrivateKey.from(value);
      else Sm2PublicKey.from(value);
      return undefined;
    } catch {
      return kind === 'private' ? '不是有效的 SM2 私钥（Base64 或 hex 编码的 32 字节 d）' : '不是有效的 SM2 公钥（Base64 或 hex 编码的 04‖X‖Y）';
    }
  };
}

/** RSA keys as Alipay's key tool prints them (Base64 of DER: PKCS#8/PKCS#1 private, SPKI public) or PEM. */
function rsaKeyCheck(kind: 'private' | 'public') {
  return (value: string): string | undefined => {
    const text = value.replace(/\\n/g, '\n').trim();
    try {
      let key;
      if (text.startsWith('-----')) key = kind === 'private' ? createPrivateKey(text) : createPublicKey(text);
      else {
        const der = Buffer.from(text.replace(/\s+/g, ''), 'base64');
        if (kind === 'public') key = createPublicKey({ key: der, format: 'der', type: 'spki' });
        else {
          try {
            key = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
          } catch {
            key = createPrivateKey({ key: der, format: 'der', type: 'pkcs1' });
          }
        }
      }
      return key.asymmetricKeyType === 'rsa' ? undefined : kind === 'private' ? '必须是 RSA 私钥' : '必须是 RSA 公钥';
    } catch {
      return kind === 'private' ? '不是有效的 RSA 私钥（Base64 DER 或 PEM）' : '不是有效的 RSA 公钥（Base64 DER 或 PEM）';
    }
  };
}

const rsaDerSample = (part: 'private' | 'public') => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return part === 'private' ? privateKey.export({ type: 'pkcs8', format: 'der' }).toString('base64') : publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
};

const credentialCheck = (v: string) => (/^[\x21-\x7e]{8,512}$/.test(v) ? undefined : '必须是 8–512 位可见 ASCII 字符');

export const PLATFORM_VARS: readonly PlatformVar[] = [
  { env: 'MOBILE_PAY_BASE_URL', platform: 'mobilePay', field: 'baseUrl', kind: 'url', mockDefault: (m) => `${m}/mobile-pay`, describe: '移动支付中心接口根地址（6201–6401 在其下 /org/local/api/hos/）' },
  { env: 'MOBILE_PAY_APP_ID', platform: 'mobilePay', field: 'appId', kind: 'id', mockDefault: () => 'mock_mobile_pay_app_id', describe: '移动支付中心分配的渠道 appId' },
  { env: 'MOBILE_PAY_ORG_CODE', platform: 'mobilePay', field: 'orgCode', kind: 'id', mockDefault: () => 'H00000000001', describe: '定点医药机构编码 orgCodg' },
  { env: 'MOBILE_PAY_PSN_INFO_URL', platform: 'mobilePay', field: 'psnInfoUrl', kind: 'url', mockDefault: (m) => `${m}/mobile-pay/fsi/api/rsfComIfsService/callService`, describe: '人员信息获取（1101）地址' },
  { env: 'MOBILE_PAY_APP_SECRET', platform: 'mobilePay', field: 'appSecret', kind: 'secret', check: (v) => (/^[\x21-\x7e]{8,128}$/.test(v) ? undefined : '必须是 8–128 位可见 ASCII 字符'), describe: '移动支付中心分配的 appSecret（SM4 密钥派生与签名串）' },
  { env: 'MOBILE_PAY_ORG_PRIVATE_KEY', platform: 'mobilePay', field: 'orgPrivateKey', kind: 'secret', check: sm2KeyCheck('private'), sample: () => sm2GenerateKeyPair().privateKey, describe: '本机构 SM2 私钥（签名请求）' },
  { env: 'MOBILE_PAY_PLATFORM_PUBLIC_KEY', platform: 'mobilePay', field: 'platformPublicKey', kind: 'secret', check: sm2KeyCheck('public'), sample: () => sm2GenerateKeyPair().publicKey, describe: '移动支付中心 SM2 公钥（验签应答与 6302 通知）' },
  { env: 'WECHAT_API_BASE_URL', platform: 'wechat', field: 'apiBaseUrl', kind: 'url', mockDefault: (m) => `${m}/wechat`, describe: '微信开放接口根地址（真实：https://api.weixin.qq.com）' },
  { env: 'WECHAT_APP_ID', platform: 'wechat', field: 'appId', kind: 'id', mockDefault: () => 'wxmock0000000001', describe: '微信小程序 appId' },
  { env: 'WECHAT_INSURANCE_BASE_URL', platform: 'wechat', field: 'insuranceBaseUrl', kind: 'url', mockDefault: (m) => `${m}/wechat-insurance`, describe: '微信医保授权查询（mipuserquery）根地址' },
  { env: 'WECHAT_INSURANCE_PARTNER_ID', platform: 'wechat', field: 'insurancePartnerId', kind: 'id', mockDefault: () => 'mock_partner_id', describe: '微信医保合作方 partnerId' },
  { env: 'WECHAT_INSURANCE_CITY_CODE', platform: 'wechat', field: 'cityCode', kind: 'id', mockDefault: () => '000000', describe: '微信医保授权小程序 cityCode（参保地城市编码）' },
  { env: 'WECHAT_INSURANCE_CHANNEL', platform: 'wechat', field: 'channel', kind: 'id', mockDefault: () => 'mock_wechat_channel', describe: '微信医保授权小程序 channel（渠道号）' },
  { env: 'WECHAT_INSURANCE_ORG_APP_ID', platform: 'wechat', field: 'orgAppId', kind: 'id', mockDefault: () => 'mock_wechat_org_app_id', describe: '微信医保渠道 orgAppId（医保移动支付渠道申请表）' },
  { env: 'WECHAT_INSURANCE_ORG_CHNL_CRTF_CODG', platform: 'wechat', field: 'orgChnlCrtfCodg', kind: 'secret', check: credentialCheck, sample: () => randomBytes(24).toString('base64'), describe: '微信渠道的机构渠道认证编码 orgChnlCrtfCodg（授权小程序路径参数，不做 URL 编码）' },
  { env: 'WECHAT_PAY_BASE_URL', platform: 'wechatPay', field: 'baseUrl', kind: 'url', mockDefault: (m) => `${m}/wechat-pay`, describe: '微信支付 v3 根地址（真实：https://api.mch.weixin.qq.com）' },
  { env: 'WECHAT_PAY_MCH_ID', platform: 'wechatPay', field: 'mchId', kind: 'id', mockDefault: () => '1900000001', describe: '微信支付商户号' },
  { env: 'WECHAT_PAY_APP_ID', platform: 'wechatPay', field: 'appId', kind: 'id', mockDefault: () => 'wxmock0000000001', describe: '微信支付关联的 appId' },
  { env: 'WECHAT_APP_SECRET', platform: 'wechat', field: 'appSecret', kind: 'secret', check: (v) => (/^[A-Za-z0-9]{16,64}$/.test(v) ? undefined : '必须是 16–64 位字母或数字'), sample: () => randomBytes(16).toString('hex'), describe: '微信小程序 AppSecret（jscode2session）' },
  { env: 'WECHAT_INSURANCE_PARTNER_SECRET', platform: 'wechat', field: 'insurancePartnerSecret', kind: 'secret', check: (v) => (/^[\x21-\x7e]{16,128}$/.test(v) ? undefined : '必须是 16–128 位可见 ASCII 字符'), sample: () => randomBytes(16).toString('hex'), describe: '微信医保合作方 partnerSecret（god-portal-signature 的 HMAC 密钥）' },
  { env: 'WECHAT_PAY_MERCHANT_PRIVATE_KEY', platform: 'wechatPay', field: 'merchantPrivateKey', kind: 'secret', check: pemCheck('private'), sample: () => rsaSample('private'), describe: '微信支付商户 API 私钥（apiclient_key.pem，请求签名与 paySign）' },
  { env: 'WECHAT_PAY_MERCHANT_SERIAL_NO', platform: 'wechatPay', field: 'merchantSerialNo', kind: 'secret', check: (v) => (/^[0-9A-Fa-f]{8,64}$/.test(v) ? undefined : '必须是十六进制证书序列号'), sample: () => randomBytes(20).toString('hex').toUpperCase(), describe: '微信支付商户 API 证书序列号' },
  { env: 'WECHAT_PAY_API_V3_KEY', platform: 'wechatPay', field: 'apiV3Key', kind: 'secret', check: (v) => (Buffer.byteLength(v, 'utf8') === 32 ? undefined : '必须是 32 字节的 APIv3 密钥'), sample: () => randomBytes(16).toString('hex'), describe: '微信支付 APIv3 密钥（回调报文 AES-256-GCM 解密）' },
  { env: 'WECHAT_PAY_PUBLIC_KEY', platform: 'wechatPay', field: 'publicKey', kind: 'secret', check: pemCheck('public'), sample: () => rsaSample('public'), describe: '微信支付公钥（pub_key.pem，验签应答与回调、加密敏感字段）' },
  { env: 'WECHAT_PAY_PUBLIC_KEY_ID', platform: 'wechatPay', field: 'publicKeyId', kind: 'secret', check: (v) => (/^PUB_KEY_ID_[0-9A-Za-z]{4,64}$/.test(v) ? undefined : '必须形如 PUB_KEY_ID_…'), sample: () => `PUB_KEY_ID_01${randomBytes(8).toString('hex')}`, describe: '微信支付公钥 ID（PUB_KEY_ID_…，请求头 Wechatpay-Serial）' },
  { env: 'ALIPAY_GATEWAY_URL', platform: 'alipay', field: 'gatewayUrl', kind: 'url', mockDefault: (m) => `${m}/alipay/gateway.do`, describe: '支付宝开放平台网关（真实：https://openapi.alipay.com/gateway.do）' },
  { env: 'ALIPAY_APP_ID', platform: 'alipay', field: 'appId', kind: 'id', mockDefault: () => '2021000000000001', describe: '支付宝应用 appId' },
  { env: 'ALIPAY_APP_PRIVATE_KEY', platform: 'alipay', field: 'appPrivateKey', kind: 'secret', check: rsaKeyCheck('private'), sample: () => rsaDerSample('private'), describe: '支付宝应用私钥（RSA2，签名请求）' },
  { env: 'ALIPAY_PUBLIC_KEY', platform: 'alipay', field: 'alipayPublicKey', kind: 'secret', check: rsaKeyCheck('public'), sample: () => rsaDerSample('public'), describe: '支付宝公钥（RSA2，验签应答与异步通知）' },
  { env: 'ALIPAY_MEDICAL_ORG_APP_ID', platform: 'alipay', field: 'medicalOrgAppId', kind: 'id', mockDefault: () => 'mock_alipay_medical_org_app_id', describe: '支付宝医保授权 org_app_id（医保移动支付渠道申请表）' },
  { env: 'ALIPAY_MEDICAL_ORG_CHNL_CRTF_CODE', platform: 'alipay', field: 'medicalOrgChnlCrtfCode', kind: 'secret', check: credentialCheck, sample: () => randomBytes(24).toString('base64'), describe: '支付宝渠道的机构渠道认证编码 org_chnl_crtf_code' },
  { env: 'HIS_BASE_URL', platform: 'his', field: 'baseUrl', kind: 'url', mockDefault: (m) => `${m}/his`, describe: '医院 HIS 接口根地址' },
  { env: 'HIS_HOSPITAL_CODE', platform: 'his', field: 'hospitalCode', kind: 'id', mockDefault: () => 'MOCK_HOSPITAL', describe: 'HIS 中本院的机构代码' },
  { env: 'HIS_APP_ID', platform: 'his', field: 'appId', kind: 'id', mockDefault: () => 'mock_his_app', describe: 'HIS 接口接入方 ID（X-HIS-App-Id）' },
  { env: 'HIS_APP_SECRET', platform: 'his', field: 'appSecret', kind: 'secret', check: (v) => (/^[\x21-\x7e]{16,128}$/.test(v) ? undefined : '必须是 16–128 位可见 ASCII 字符'), sample: () => randomBytes(24).toString('base64url'), describe: 'HIS 接口 HMAC 密钥（请求/应答签名与身份证号哈希）' },
  { env: 'NATIONAL_APP_BASE_URL', platform: 'nationalApp', field: 'baseUrl', kind: 'url', mockDefault: (m) => `${m}/national-app`, describe: '国家医保服务平台 APP 开放接口根地址' },
  { env: 'NATIONAL_APP_CHANNEL_ID', platform: 'nationalApp', field: 'channelId', kind: 'id', mockDefault: () => 'mock_channel_id', describe: '国家医保 APP 渠道编号' },
  { env: 'NATIONAL_APP_ORG_APP_ID', platform: 'nationalApp', field: 'orgAppId', kind: 'id', mockDefault: () => 'mock_national_app_org_app_id', describe: '国家医保 APP 渠道 orgAppId（报文 appId，至少 16 位）' },
  { env: 'NATIONAL_APP_ORG_CHNL_CRTF_CODG', platform: 'nationalApp', field: 'orgChnlCrtfCodg', kind: 'secret', check: credentialCheck, sample: () => randomBytes(24).toString('base64'), describe: '国家医保 APP 渠道的机构渠道认证编码 orgChnlCrtfCodg' },
  { env: 'NATIONAL_APP_APP_SECRET', platform: 'nationalApp', field: 'appSecret', kind: 'secret', check: (v) => (/^[\x21-\x7e]{8,128}$/.test(v) ? undefined : '必须是 8–128 位可见 ASCII 字符'), sample: () => randomBytes(16).toString('hex').toUpperCase(), describe: '国家医保 APP 渠道 appSecret（SM4 密钥派生与签名串）' },
  { env: 'NATIONAL_APP_ORG_PRIVATE_KEY', platform: 'nationalApp', field: 'orgPrivateKey', kind: 'secret', check: sm2KeyCheck('private'), sample: () => sm2GenerateKeyPair().privateKey, describe: '本机构在国家医保 APP 渠道的 SM2 私钥' },
  { env: 'NATIONAL_APP_PLATFORM_PUBLIC_KEY', platform: 'nationalApp', field: 'platformPublicKey', kind: 'secret', check: sm2KeyCheck('public'), sample: () => sm2GenerateKeyPair().publicKey, describe: '国家医保 APP 渠道平台 SM2 公钥（验签应答与支付通知）' },
  { env: 'INSURANCE_AGENCY_BASE_URL', platform: 'insuranceAgency', field: 'baseUrl', kind: 'url', mockDefault: (m) => `${m}/insurance-agency`, describe: '医保经办机构（自助经办）接口根地址' },
  { env: 'INSURANCE_AGENCY_ORG_CODE', platform: 'insuranceAgency', field: 'orgCode', kind: 'id', mockDefault: () => 'MOCK_AGENCY', describe: '经办机构编码' },
  { env: 'INSURANCE_AGENCY_APP_ID', platform: 'insuranceAgency', field: 'appId', kind: 'id', mockDefault: () => 'mock_agency_app', describe: '经办机构接口接入方 ID（X-Agency-App-Id）' },
  { env: 'INSURANCE_AGENCY_APP_SECRET', platform: 'insuranceAgency', field: 'appSecret', kind: 'secret', check: (v) => (/^[\x21-\x7e]{16,128}$/.test(v) ? undefined : '必须是 16–128 位可见 ASCII 字符'), sample: () => randomBytes(24).toString('base64url'), describe: '经办机构接口 HMAC 密钥（请求/应答/状态通知签名）' },
];

// ---- helpers -------------------------------------------------------------------------------------
type Env = Record<string, string | undefined>;

/** Unset and blank are the same thing for configuration. */
function read(env: Env, name: string): string | undefined {
  const v = env[name];
  return v === undefined || v.trim() === '' ? undefined : v.trim();
}

const BYTES_RE = /^\d+(?:\.\d+)?\s*(?:b|kb|mb)$/i;
const BASE64_RE = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function httpUrl(message: string) {
  return z.string().refine((v) => {
    try {
      const u = new URL(v);
      return (u.protocol === 'http:' || u.protocol === 'https:') && !u.username && !u.password;
    } catch {
      return false;
    }
  }, message);
}

function intInRange(min: number, max: number, message: string) {
  return z.string().regex(/^\d+$/, message).transform(Number).pipe(z.number().int().min(min, message).max(max, message));
}

const key32 = (name: string) =>
  z
    .string({ error: `必须设置（base64 编码的 32 字节随机密钥，例如 \`openssl rand -base64 32\`）` })
    .refine((v) => BASE64_RE.test(v) && Buffer.from(v, 'base64').length === 32, `${name} 必须是 base64 编码的 32 字节密钥`)
    .transform((v) => Buffer.from(v, 'base64'));

function buildSchema(env: Env) {
  const mockBase = (read(env, 'MOCK_BASE_URL') ?? read(env, 'MOCK_PUBLIC_URL') ?? `http://127.0.0.1:${read(env, 'MOCK_PORT') ?? '3100'}`).replace(/\/+$/, '');
  const port = read(env, 'PORT') ?? '3000';

  const shape: Record<string, z.ZodType> = {
    NODE_ENV: z.enum(['development', 'test', 'production'], { error: '只能是 development、test 或 production' }).default('development'),
    PORT: intInRange(0, 65535, '必须是 0–65535 的整数端口号').default(3000),
    HOST: z.string().regex(/^[A-Za-z0-9.:[\]-]+$/, '必须是主机名或 IP 地址').default('127.0.0.1'),
    TRUST_PROXY: z.enum(['true', 'false', '1', '0'], { error: '只能是 true 或 false' }).default('false').transform((v) => v === 'true' || v === '1'),
    DATABASE_URL: z
      .string()
      .refine((v) => {
        try {
          const u = new URL(v);
          return (u.protocol === 'mysql:' || u.protocol === 'mariadb:') && u.hostname !== '' && u.pathname.length > 1;
        } catch {
          return false;
        }
      }, '必须是 mysql://用户[:密码]@主机[:端口]/数据库 形式的地址')
      .default('mysql://root@127.0.0.1:3306/internet_hospital'),
    LOG_LEVEL: z.enum(LOG_LEVELS, { error: `只能是 ${LOG_LEVELS.join('、')} 之一` }).default('info'),
    LOG_FORMAT: z.enum(['json', 'pretty'], { error: '只能是 json 或 pretty' }).optional(),
    BODY_LIMIT_JSON: z.string().regex(BYTES_RE, '必须是大小，如 1mb、256kb').default('1mb'),
    BODY_LIMIT_FORM: z.string().regex(BYTES_RE, '必须是大小，如 1mb、256kb').default('256kb'),
    REQUEST_TIMEOUT_MS: intInRange(1000, 600_000, '必须是 1000–600000 之间的毫秒数').default(30_000),
    STATIC_DIR: z.string().optional(),
    PUBLIC_BASE_URL: httpUrl('必须是 http(s):// 开头、不含用户名密码的地址').default(`http://127.0.0.1:${port}`),
    APP_NAME: z.string().min(1).max(40, '不能超过 40 个字符').default('互联网医院'),
    DATA_ENCRYPTION_KEY: key32('DATA_ENCRYPTION_KEY'),
    DATA_HASH_KEY: key32('DATA_HASH_KEY'),
    SESSION_SECRET: z.string({ error: '必须设置（至少 32 个字符的随机串）' }).min(32, '至少 32 个字符'),
    SHUTDOWN_GRACE_MS: intInRange(0, 600_000, '必须是 0–600000 之间的毫秒数').default(10_000),
    AUTH_ACCESS_TTL_SECONDS: intInRange(60, 86_400, '必须是 60–86400 之间的秒数').default(1800),
    AUTH_REFRESH_TTL_DAYS: intInRange(1, 365, '必须是 1–365 之间的天数').default(30),
    STAFF_LOGIN_MAX_FAILURES: intInRange(1, 100, '必须是 1–100 之间的整数').default(5),
    JOBS_ENABLED: z.enum(['true', 'false', '1', '0'], { error: '只能是 true 或 false' }).default('true').transform((v) => v === 'true' || v === '1'),
    STAFF_LOCKOUT_MINUTES: intInRange(1, 1440, '必须是 1–1440 之间的分钟数').default(15),
    PATIENTS_MAX_PER_USER: intInRange(1, 100, '必须是 1–100 之间的整数').default(10),
    MOCK_BASE_URL: httpUrl('必须是 http(s):// 开头的地址').default(mockBase),
    PLATFORM_TIMEOUT_MS: intInRange(100, 120_000, '必须是 100–120000 之间的毫秒数').default(10_000),
  };
  for (const v of PLATFORM_VARS) {
    if (v.kind === 'secret') {
      const check = v.check;
      shape[v.env] = z
        .string()
        .superRefine((value, c) => {
          const problem = check?.(value);
          if (problem) c.addIssue({ code: 'custom', message: problem });
        })
        .optional();
      continue;
    }
    const def = v.mockDefault?.(mockBase) ?? '';
    shape[v.env] =
      v.kind === 'url'
        ? httpUrl('必须是 http(s):// 开头、不含用户名密码的地址').default(def)
        : z.string().regex(/^[A-Za-z0-9_.\-/]{1,64}$/, '只能包含字母、数字和 _ . - /，最长 64 位').default(def);
  }
  // The WeChat insurance auth mini-program is public and the same for every institution: defaults are the real values.
  shape.WECHAT_INSURANCE_AUTH_APP_ID = z.string().regex(/^wx[0-9a-f]{16}$/, '必须是微信小程序 appId（wx 开头 18 位）').default('wxe183cd55df4b4369');
  shape.WECHAT_INSURANCE_AUTH_PATH = z.string().regex(/^[A-Za-z0-9_/-]{1,128}$/, '必须是小程序页面路径（不含 ? 与参数）').default('auth/pages/bindcard/auth/index');
  shape.WECHAT_INSURANCE_AUTH_ENV_VERSION = z.enum(['release', 'trial', 'develop'], { error: '只能是 release、trial 或 develop' }).default('release');
  shape.MOBILE_PAY_SM2_USER_ID_MODE = z.enum(['appSecret', 'default'], { error: '只能是 appSecret 或 default' }).default('appSecret');
  shape.MOBILE_PAY_TIMESTAMP_FORMAT = z.enum(['ms', 'yyyyMMddHHmmss'], { error: '只能是 ms 或 yyyyMMddHHmmss' }).default('ms');
  shape.MOBILE_PAY_NOTIFY_MAX_AGE_SECONDS = intInRange(10, 86_400, '必须是 10–86400 之间的秒数').default(300);
  shape.WECHAT_PAY_PLATFORM_CERT = z.string().superRefine((value, c) => {
    const problem = pemCheck('certificate')(value);
    if (problem) c.addIssue({ code: 'custom', message: problem });
  }).optional();
  shape.WECHAT_PAY_CALLBACK_MAX_AGE_SECONDS = intInRange(10, 3600, '必须是 10–3600 之间的秒数').default(300);
  shape.ALIPAY_NOTIFY_MAX_AGE_SECONDS = intInRange(10, 86_400, '必须是 10–86400 之间的秒数').default(900);
  shape.NATIONAL_APP_SM2_USER_ID_MODE = z.enum(['appSecret', 'default'], { error: '只能是 appSecret 或 default' }).default('appSecret');
  shape.NATIONAL_APP_TIMESTAMP_FORMAT = z.enum(['ms', 'yyyyMMddHHmmss'], { error: '只能是 ms 或 yyyyMMddHHmmss' }).default('ms');
  shape.NATIONAL_APP_MAX_AGE_SECONDS = intInRange(10, 86_400, '必须是 10–86400 之间的秒数').default(300);
  for (const name of Object.keys(RATE_LIMIT_DEFAULTS)) {
    shape[name] = z
      .string()
      .refine((v) => {
        if (v.toLowerCase() === 'off') return true;
        const m = /^(\d{1,6})\/(\d{1,6})$/.exec(v);
        return !!m && Number(m[1]) >= 1 && Number(m[2]) >= 1 && Number(m[2]) <= 86_400;
      }, '格式为 次数/秒数（如 60/600，秒数 1–86400），或 off 表示关闭')
      .optional();
  }
  return { schema: z.object(shape), mockBase };
}

/** Rules that only apply in production (refuse demo secrets and mock platforms). */
function productionIssues(env: Env, raw: Record<string, unknown>, mockBase: string): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  for (const [name, value] of Object.entries(INSECURE_DEV_SECRETS)) {
    if (read(env, name) === value) issues.push({ variable: name, message: '生产环境不能使用开发/测试用的公开密钥，请生成新的随机密钥' });
  }
  for (const name of ['DATA_ENCRYPTION_KEY', 'DATA_HASH_KEY'] as const) {
    const key = raw[name];
    if (Buffer.isBuffer(key) && new Set(key).size < 16) issues.push({ variable: name, message: '密钥随机性不足，请用 `openssl rand -base64 32` 生成' });
  }
  const secret = raw.SESSION_SECRET;
  if (typeof secret === 'string' && new Set(secret).size < 10) issues.push({ variable: 'SESSION_SECRET', message: '随机性不足，请使用随机生成的长串' });
  const publicUrl = read(env, 'PUBLIC_BASE_URL');
  if (!publicUrl) issues.push({ variable: 'PUBLIC_BASE_URL', message: '生产环境必须设置对外访问地址（https://…）' });
  else if (!publicUrl.startsWith('https://')) issues.push({ variable: 'PUBLIC_BASE_URL', message: '生产环境必须使用 https 地址' });
  if (!read(env, 'DATABASE_URL')) issues.push({ variable: 'DATABASE_URL', message: '生产环境必须显式设置数据库地址' });
  for (const v of PLATFORM_VARS) {
    const value = read(env, v.env);
    if (value === undefined) {
      issues.push({ variable: v.env, message: `生产环境必须显式设置（${v.describe}），不能使用本地模拟平台的默认值` });
    } else if ((v.mockDefault && value === v.mockDefault(mockBase)) || (v.kind === 'url' && value.startsWith(mockBase))) {
      issues.push({ variable: v.env, message: '生产环境不能指向本地模拟平台（mock）' });
    }
  }
  return issues;
}

function resolveStaticDir(env: Env): string | null {
  const value = env.STATIC_DIR;
  if (value !== undefined && ['', 'off', 'none', 'false'].includes(value.trim().toLowerCase())) return null;
  const dir = value?.trim() ? (isAbsolute(value.trim()) ? value.trim() : resolve(REPO_ROOT, value.trim())) : resolve(REPO_ROOT, 'client', 'dist', 'h5');
  return existsSync(dir) && statSync(dir).isDirectory() ? dir : null;
}

/** Reads and validates the configuration; throws ConfigError listing every bad variable. */
export function loadConfig(env: Env = process.env): Config {
  const cleaned: Env = {};
  for (const [k, v] of Object.entries(env)) cleaned[k] = v === undefined || v.trim() === '' ? undefined : v.trim();
  const { schema, mockBase } = buildSchema(cleaned);
  const parsed = schema.safeParse(cleaned);
  const issues: ConfigIssue[] = [];
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const variable = String(issue.path[0] ?? '(环境)');
      // Our schemas carry Chinese messages; anything else gets a generic one (never the value).
      const message = /[\u4e00-\u9fff]/.test(issue.message) ? issue.message : '取值不合法';
      if (!issues.some((i) => i.variable === variable)) issues.push({ variable, message });
    }
  }
  const raw = (parsed.success ? parsed.data : {}) as Record<string, unknown>;
  if (parsed.success) {
    if ((raw.DATA_ENCRYPTION_KEY as Buffer).equals(raw.DATA_HASH_KEY as Buffer)) {
      issues.push({ variable: 'DATA_HASH_KEY', message: '不能与 DATA_ENCRYPTION_KEY 相同' });
    }
    if (raw.NODE_ENV === 'production') issues.push(...productionIssues(cleaned, raw, mockBase));
  } else if (cleaned.NODE_ENV === 'production') {
    issues.push(...productionIssues(cleaned, {}, mockBase).filter((i) => !issues.some((j) => j.variable === i.variable)));
  }
  if (issues.length > 0) throw new ConfigError(issues);

  const platforms = { timeoutMs: raw.PLATFORM_TIMEOUT_MS as number } as PlatformsConfig;
  for (const v of PLATFORM_VARS) {
    const section = ((platforms as unknown as Record<string, Record<string, string>>)[v.platform] ??= {});
    section[v.field] = raw[v.env] as string;
  }
  platforms.wechat.authAppId = raw.WECHAT_INSURANCE_AUTH_APP_ID as string;
  platforms.wechat.authPath = raw.WECHAT_INSURANCE_AUTH_PATH as string;
  platforms.wechat.authEnvVersion = raw.WECHAT_INSURANCE_AUTH_ENV_VERSION as PlatformsConfig['wechat']['authEnvVersion'];
  platforms.mobilePay.sm2UserIdMode = raw.MOBILE_PAY_SM2_USER_ID_MODE as MobilePayConfig['sm2UserIdMode'];
  platforms.mobilePay.timestampFormat = raw.MOBILE_PAY_TIMESTAMP_FORMAT as MobilePayConfig['timestampFormat'];
  platforms.mobilePay.notifyMaxAgeSeconds = raw.MOBILE_PAY_NOTIFY_MAX_AGE_SECONDS as number;
  if (raw.WECHAT_PAY_PLATFORM_CERT) platforms.wechatPay.platformCert = raw.WECHAT_PAY_PLATFORM_CERT as string;
  platforms.wechatPay.callbackMaxAgeSeconds = raw.WECHAT_PAY_CALLBACK_MAX_AGE_SECONDS as number;
  platforms.alipay.notifyMaxAgeSeconds = raw.ALIPAY_NOTIFY_MAX_AGE_SECONDS as number;
  platforms.nationalApp.sm2UserIdMode = raw.NATIONAL_APP_SM2_USER_ID_MODE as PlatformsConfig['nationalApp']['sm2UserIdMode'];
  platforms.nationalApp.timestampFormat = raw.NATIONAL_APP_TIMESTAMP_FORMAT as PlatformsConfig['nationalApp']['timestampFormat'];
  platforms.nationalApp.maxAgeSeconds = raw.NATIONAL_APP_MAX_AGE_SECONDS as number;
  const nodeEnv = raw.NODE_ENV as Config['nodeEnv'];
  return {
    nodeEnv,
    isProduction: nodeEnv === 'production',
    port: raw.PORT as number,
    host: raw.HOST as string,
    trustProxy: raw.TRUST_PROXY as boolean,
    databaseUrl: raw.DATABASE_URL as string,
    logLevel: raw.LOG_LEVEL as LogLevel,
    logFormat: (raw.LOG_FORMAT as Config['logFormat'] | undefined) ?? (nodeEnv === 'development' && process.stdout.isTTY ? 'pretty' : 'json'),
    bodyLimit: { json: raw.BODY_LIMIT_JSON as string, form: raw.BODY_LIMIT_FORM as string },
    requestTimeoutMs: raw.REQUEST_TIMEOUT_MS as number,
    jobsEnabled: raw.JOBS_ENABLED as boolean,
    staticDir: resolveStaticDir(cleaned),
    publicBaseUrl: (raw.PUBLIC_BASE_URL as string).replace(/\/+$/, ''),
    appName: raw.APP_NAME as string,
    secrets: {
      dataEncryptionKey: raw.DATA_ENCRYPTION_KEY as Buffer,
      dataHashKey: raw.DATA_HASH_KEY as Buffer,
      sessionSecret: raw.SESSION_SECRET as string,
    },
    shutdownGraceMs: raw.SHUTDOWN_GRACE_MS as number,
    auth: {
      accessTtlSeconds: raw.AUTH_ACCESS_TTL_SECONDS as number,
      refreshTtlSeconds: (raw.AUTH_REFRESH_TTL_DAYS as number) * 86_400,
      staffMaxFailedLogins: raw.STAFF_LOGIN_MAX_FAILURES as number,
      staffLockoutMinutes: raw.STAFF_LOCKOUT_MINUTES as number,
      maxPatientsPerUser: raw.PATIENTS_MAX_PER_USER as number,
    },
    rateLimits: {
      signIn: rateRule(raw.RATE_LIMIT_SIGN_IN as string | undefined, 'RATE_LIMIT_SIGN_IN', nodeEnv),
      payment: rateRule(raw.RATE_LIMIT_PAYMENT as string | undefined, 'RATE_LIMIT_PAYMENT', nodeEnv),
    },
    mockBaseUrl: raw.MOCK_BASE_URL as string,
    platforms,
  };
}

/** What the start-up log may show: no secrets, no database password. */
export function describeConfig(config: Config): Record<string, unknown> {
  const db = new URL(config.databaseUrl);
  return {
    nodeEnv: config.nodeEnv,
    listen: `${config.host}:${config.port}`,
    database: `${db.protocol}//${db.hostname}:${db.port || '3306'}${db.pathname}`,
    staticDir: config.staticDir,
    publicBaseUrl: config.publicBaseUrl,
    platforms: Object.fromEntries(PLATFORM_VARS.filter((v) => v.kind === 'url').map((v) => [v.env, (config.platforms[v.platform] as Record<string, string>)[v.field]])),
  };
}
