/**
 * What the order domain works with: database, logger, configuration, FieldCipher and the outside
 * platforms (mobile-pay center, WeChat Pay, Alipay, national APP), each built lazily from the
 * configuration (a platform that is not configured answers CHANNEL_NOT_CONFIGURED when used).
 * Tests build their own context (createOrderContext) around the mocks.
 */
import type { FieldCipher } from '@ih/db';
import type { Config } from '../../config';
import type { Db } from '../../deps';
import type { Logger } from '../../logger';
import { fieldCipher } from '../../lib/cipher';
import { AppError } from '../../lib/errors';
import { platformClients } from '../../lib/platformClients';
import { DbNonceStore } from '../../lib/nonceStore';
import type { MobilePayClient } from '../../platforms/mobile-pay';
import type { AlipayClient } from '../../platforms/alipay';
import type { NationalAppClient } from '../../platforms/national-app';
import { wechatPayClientFromConfig, type WechatPayClient } from '../../platforms/wechat-pay';

export interface OrderPlatforms {
  mobilePay(): MobilePayClient;
  wechatPay(): WechatPayClient;
  alipay(): AlipayClient;
  nationalApp(): NationalAppClient;
}

export interface OrderContext {
  prisma: Db;
  logger: Logger;
  config: Config;
  cipher: FieldCipher;
  platforms: OrderPlatforms;
  /** Names this process in reconciliation runs and events. */
  instanceId: string;
  now(): Date;
}

/** One WeChat Pay client per database and configuration (its callback nonces live in that database). */
const wechatPayClients = new WeakMap<Db, WeakMap<Config, WechatPayClient>>();

export function orderPlatforms(config: Config, logger: Logger, prisma: Db): OrderPlatforms {
  const clients = platformClients(config, logger);
  return {
    mobilePay: () => clients.mobilePay(),
    alipay: () => clients.alipay(),
    nationalApp: () => clients.nationalApp(),
    wechatPay: () => {
      let byConfig = wechatPayClients.get(prisma);
      if (!byConfig) wechatPayClients.set(prisma, (byConfig = new WeakMap()));
      let c = byConfig.get(config);
      if (!c) {
        try {
          // Replayed callbacks are refused whichever instance they reach: nonces in the database.
          c = wechatPayClientFromConfig(config, { nonceStore: new DbNonceStore(prisma) });
        } catch (err) {
          logger.warn({ platform: 'wechat-pay', reason: err instanceof Error ? err.message : 'unknown' }, 'platform not configured');
          throw new AppError('CHANNEL_NOT_CONFIGURED', { cause: err });
        }
        byConfig.set(config, c);
      }
      return c;
    },
  };
}

export function createOrderContext(deps: { prisma: Db; logger: Logger; config: Config; platforms?: OrderPlatforms; instanceId?: string; now?: () => Date }): OrderContext {
  return {
    prisma: deps.prisma,
    logger: deps.logger,
    config: deps.config,
    cipher: fieldCipher(deps.config),
    platforms: deps.platforms ?? orderPlatforms(deps.config, deps.logger, deps.prisma),
    instanceId: deps.instanceId ?? `bff-${process.pid}`,
    now: deps.now ?? (() => new Date()),
  };
}

/** The callback URLs the platforms are given (PUBLIC_BASE_URL + the callback routes). */
export function callbackUrls(config: Config) {
  const base = `${config.publicBaseUrl}/api/v1/callbacks`;
  return {
    mobilePay: `${base}/mobile-pay/settlement`,
    wechatPay: `${base}/wechat-pay`,
    alipay: `${base}/alipay`,
    nationalApp: `${base}/national-app`,
  };
}

/**
 * The context of the app that mounted the order router, for the cross-domain API (api.ts), whose
 * callers pass only the database. The most recently built app wins for a database handle.
 */
const registry = new Map<object, OrderContext>();
let latest: OrderContext | null = null;

export function registerOrderContext(ctx: OrderContext): void {
  registry.set(ctx.prisma, ctx);
  latest = ctx;
}

export function orderContextFor(db: Db): OrderContext {
  const ctx = registry.get(db) ?? (latest ? { ...latest, prisma: db } : null);
  if (!ctx) throw new Error('order domain: no app has been built (orderRouter registers the context)');
  return ctx;
}
