/**
 * The outside-platform clients the routes use, built lazily from the configuration (one per app):
 * a platform whose credentials are not configured answers 503 CHANNEL_NOT_CONFIGURED for the
 * routes that need it (logged once, naming the missing variables) instead of refusing to start —
 * the other channels keep working. Production refuses to start without them anyway (config.ts).
 */
import type { Config } from '../config';
import type { Logger } from '../logger';
import { wechatClientFromConfig, type WechatClient } from '../platforms/wechat';
import { alipayClientFromConfig, type AlipayClient } from '../platforms/alipay';
import { nationalAppClientFromConfig, type NationalAppClient } from '../platforms/national-app';
import { createMobilePayClient, type MobilePayClient } from '../platforms/mobile-pay';
import { AppError } from './errors';

export interface PlatformClients {
  wechat(): WechatClient;
  alipay(): AlipayClient;
  nationalApp(): NationalAppClient;
  mobilePay(): MobilePayClient;
}

const byConfig = new WeakMap<Config, PlatformClients>();

export function platformClients(config: Config, logger: Logger): PlatformClients {
  let clients = byConfig.get(config);
  if (clients) return clients;
  const memo = <T>(platform: string, build: () => T): (() => T) => {
    let value: T | undefined;
    let warned = false;
    return () => {
      if (value !== undefined) return value;
      try {
        value = build();
        return value;
      } catch (err) {
        if (!warned) {
          warned = true;
          // The factories' messages name the missing variables, never their values.
          logger.warn({ platform, reason: err instanceof Error ? err.message : 'unknown' }, 'platform not configured');
        }
        throw new AppError('CHANNEL_NOT_CONFIGURED', { cause: err });
      }
    };
  };
  clients = {
    wechat: memo('wechat', () => wechatClientFromConfig(config)),
    alipay: memo('alipay', () => alipayClientFromConfig(config)),
    nationalApp: memo('national-app', () => nationalAppClientFromConfig(config)),
    mobilePay: memo('mobile-pay', () => createMobilePayClient(config.platforms)),
  };
  byConfig.set(config, clients);
  return clients;
}
