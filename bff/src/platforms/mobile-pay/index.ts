/**
 * National insurance mobile-pay center adapter (移动支付中心): see client.ts for the rules and
 * README.md for configuration and the mock-vs-real switch.
 */
import type { PlatformsConfig } from '../../config';
import { MobilePayClient, type MobilePayClientOptions, mobilePayOptionsFromConfig } from './client';

export * from './types';
export { MobilePayClient, MobilePayInvariantError, assertNotifyMatchesOrder, settlementNotifyAck, mobilePayOptionsFromConfig, wireDateTime, wireStamp, PATHS, MOBILE_PAY } from './client';
export type { MobilePayClientOptions, MobilePayInterface } from './client';

/** The client from the BFF configuration (throws a Chinese message naming missing keys). */
export function createMobilePayClient(platforms: PlatformsConfig, extra: Partial<MobilePayClientOptions> = {}): MobilePayClient {
  return new MobilePayClient({ ...mobilePayOptionsFromConfig(platforms.mobilePay, platforms.timeoutMs), ...extra });
}
