/** Demo credentials of the HIS API: one app id + shared secret (HMAC), both sides. */
import { randomBytes } from 'node:crypto';

export function generateHisDemoKeys(): Record<string, string> {
  const secret = randomBytes(24).toString('base64url');
  return { HIS_APP_SECRET: secret, MOCK_HIS_APP_SECRET: secret };
}
