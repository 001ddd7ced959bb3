/**
 * The FieldCipher (encryption at rest of names, ID numbers, phones, pay_auth_no; keyed hashes
 * for lookups) built from the validated configuration. One per configuration object.
 */
import { FieldCipher } from '@ih/db';
import type { Config } from '../config';

const ciphers = new WeakMap<Config['secrets'], FieldCipher>();

export function fieldCipher(config: Pick<Config, 'secrets'>): FieldCipher {
  let cipher = ciphers.get(config.secrets);
  if (!cipher) {
    cipher = new FieldCipher({
      encryptionKey: config.secrets.dataEncryptionKey.toString('base64'),
      hashKey: config.secrets.dataHashKey.toString('base64'),
    });
    ciphers.set(config.secrets, cipher);
  }
  return cipher;
}
