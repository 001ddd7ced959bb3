export { NATIONAL_APP, NationalAppClient, authorizeReturnErrorCode, checkCashierNotifyAgainstOrder, nationalAppErrorCode, nationalAppNotifyAck } from './client';
export { nationalAppClientFromConfig } from './from-config';
export * from './types';

import type { NationalAppClient } from './client';
import type { NationalAppNotifyResult } from './types';

/** verifyAndParseXxxNotify convention. */
export function verifyAndParseNationalAppNotify(client: NationalAppClient, rawBody: string | unknown, now?: number): NationalAppNotifyResult {
  return client.verifyNotify(rawBody, now);
}
