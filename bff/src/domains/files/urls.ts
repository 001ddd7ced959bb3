/**
 * Short-lived signed file URLs: `/api/v1/files/:id/content?exp=<ms>&sig=<HMAC>`. Handed out only
 * in answers to someone allowed to see the file (a mini-program <Image src> cannot send the
 * Authorization header). The key is derived from SESSION_SECRET; the signature covers the id and
 * the expiry, so a URL opens one file until it expires.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { API_PREFIX, type FileMimeType, type FileRef } from '@ih/contract';
import type { Config } from '../../config';

export class FileUrlSigner {
  private readonly key: Buffer;

  constructor(
    secrets: Pick<Config['secrets'], 'sessionSecret'>,
    private readonly ttlSeconds: number,
    private readonly now: () => number = Date.now,
  ) {
    this.key = createHash('sha256').update(`ih-file-url:v1:${secrets.sessionSecret}`).digest();
  }

  private mac(id: string, exp: number): string {
    return createHmac('sha256', this.key).update(`${id.toLowerCase()}.${exp}`).digest('base64url');
  }

  sign(id: string): { url: string; urlExpiresAt: string } {
    // Rounded up to the minute: answers within the same minute carry the same URL (client caches).
    const exp = Math.ceil((this.now() + this.ttlSeconds * 1000) / 60_000) * 60_000;
    return { url: `${API_PREFIX}/files/${id}/content?exp=${exp}&sig=${this.mac(id, exp)}`, urlExpiresAt: new Date(exp).toISOString() };
  }

  /** 'ok' | 'expired' | 'invalid'. */
  verify(id: string, exp: string, sig: string): 'ok' | 'expired' | 'invalid' {
    const expMs = Number(exp);
    if (!Number.isSafeInteger(expMs)) return 'invalid';
    const expected = Buffer.from(this.mac(id, expMs));
    const given = Buffer.from(sig);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return 'invalid';
    return expMs < this.now() ? 'expired' : 'ok';
  }

  ref(file: { id: string; mime: string; sizeBytes: number }): FileRef {
    return { id: file.id, mime: file.mime as FileMimeType, sizeBytes: file.sizeBytes, ...this.sign(file.id) };
  }
}
