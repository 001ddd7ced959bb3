/**
 * Encrypted file store on local disk (FILES_DIR). Each file has its own random AES-256-GCM key;
 * that key is kept in the database wrapped by the FieldCipher (DATA_ENCRYPTION_KEY, rotatable),
 * so a copy of the upload directory alone reveals nothing, and neither does the database alone.
 *
 * On disk: `<dir>/<yyyy>/<mm>/<file id>` = "IHF1" ‖ IV (12) ‖ tag (16) ‖ ciphertext; the file id
 * is the GCM AAD (a file moved under another id fails to decrypt). Written to a temporary name
 * and renamed, so a reader never sees half a file. Directories 0700, files 0600.
 *
 * For several BFF instances FILES_DIR must be shared storage (NFS or similar); an object store
 * would be a second implementation of this class.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import type { FieldCipher } from '@ih/db';

const MAGIC = Buffer.from('IHF1');
const IV = 12;
const TAG = 16;

const keyAad = (id: string) => `stored_file_key:${id}`;

export class EncryptedFileStore {
  constructor(
    private readonly dir: string,
    private readonly cipher: FieldCipher,
  ) {}

  private pathOf(storageKey: string): string {
    const full = resolve(this.dir, storageKey);
    if (!full.startsWith(resolve(this.dir) + sep)) throw new Error('storage key outside the upload directory');
    return full;
  }

  /** Encrypts and writes; returns what the database keeps. */
  async put(id: string, content: Buffer, now: Date = new Date()): Promise<{ storageKey: string; keyEnc: string }> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) throw new Error('invalid file id');
    const storageKey = `${now.getUTCFullYear()}/${String(now.getUTCMonth() + 1).padStart(2, '0')}/${id.toLowerCase()}`;
    const key = randomBytes(32);
    const iv = randomBytes(IV);
    const c = createCipheriv('aes-256-gcm', key, iv);
    c.setAAD(Buffer.from(id.toLowerCase()));
    const ct = Buffer.concat([c.update(content), c.final()]);
    const data = Buffer.concat([MAGIC, iv, c.getAuthTag(), ct]);
    const path = this.pathOf(storageKey);
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    const tmp = `${path}.${randomBytes(4).toString('hex')}.tmp`;
    await writeFile(tmp, data, { mode: 0o600 });
    await rename(tmp, path);
    return { storageKey, keyEnc: this.cipher.encrypt(key.toString('base64'), keyAad(id.toLowerCase())) };
  }

  async get(id: string, storageKey: string, keyEnc: string): Promise<Buffer> {
    const data = await readFile(this.pathOf(storageKey));
    if (data.length < MAGIC.length + IV + TAG || !data.subarray(0, MAGIC.length).equals(MAGIC)) throw new Error('stored file is not in the expected format');
    const key = Buffer.from(this.cipher.decrypt(keyEnc, keyAad(id.toLowerCase())), 'base64');
    const d = createDecipheriv('aes-256-gcm', key, data.subarray(MAGIC.length, MAGIC.length + IV));
    d.setAAD(Buffer.from(id.toLowerCase()));
    d.setAuthTag(data.subarray(MAGIC.length + IV, MAGIC.length + IV + TAG));
    return Buffer.concat([d.update(data.subarray(MAGIC.length + IV + TAG)), d.final()]);
  }

  async remove(storageKey: string): Promise<void> {
    await rm(this.pathOf(storageKey), { force: true });
  }

  /** For tests and operators: where a key lives. */
  locate(storageKey: string): string {
    return join(this.pathOf(storageKey));
  }
}
