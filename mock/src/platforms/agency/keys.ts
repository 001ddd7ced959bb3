/** Demo credentials of the 医保经办机构 API: one app id + shared secret (HMAC), both sides. */
import { randomBytes } from 'node:crypto';

export function generateAgencyDemoKeys(): Record<string, string> {
  const secret = randomBytes(24).toString('base64url');
  return { INSURANCE_AGENCY_APP_SECRET: secret, MOCK_INSURANCE_AGENCY_APP_SECRET: secret };
}
