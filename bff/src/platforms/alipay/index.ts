export { AlipayClient, alipayNotifyAck, beijingDateTime, checkNotifyAgainstOrder, isNewerTradeState, parseBeijingDateTime } from './client';
export { alipayClientFromConfig } from './from-config';
export { ALIPAY, alipayErrorCode } from './errors';
export * from './types';

import { AlipayClient } from './client';
import type { AlipayTradeEvent, AlipayNotifyResult } from './types';

/** verifyAndParseXxxNotify convention: the client's verifyNotify as a function. */
export function verifyAndParseAlipayNotify(client: AlipayClient, rawBody: string | Record<string, unknown>, now?: number): AlipayNotifyResult {
  return client.verifyNotify(rawBody, now);
}
export type { AlipayTradeEvent };
