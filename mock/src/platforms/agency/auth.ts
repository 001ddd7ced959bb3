/**
 * 医保经办机构 API authentication (this project's agency contract; both sides implement it):
 *   request headers  X-Agency-App-Id, X-Agency-Timestamp (epoch ms), X-Agency-Nonce (16–64 chars),
 *                    X-Agency-Signature = hex HMAC-SHA256(appSecret,
 *                      METHOD \n pathname+search \n timestamp \n nonce \n hex SHA-256(body))
 *   answer headers   X-Agency-Timestamp, X-Agency-Signature = hex HMAC-SHA256(appSecret,
 *                      status \n timestamp \n <request nonce> \n hex SHA-256(body))
 *   status notify    agency → institution: POST notifyUrl with the request headers above, signed
 *                    over "POST \n <notify URL pathname+search> \n …" with the same secret.
 * Certificate numbers travel only in JSON bodies (never in URLs, which end up in logs).
 */
import { createHash, createHmac } from 'node:crypto';

export const sha256Hex = (body: string | Buffer): string => createHash('sha256').update(body).digest('hex');

export function agencyRequestSignature(secret: string, method: string, pathAndQuery: string, timestamp: string, nonce: string, body: string): string {
  return createHmac('sha256', secret).update(`${method.toUpperCase()}\n${pathAndQuery}\n${timestamp}\n${nonce}\n${sha256Hex(body)}`).digest('hex');
}

export function agencyResponseSignature(secret: string, status: number, timestamp: string, nonce: string, body: string): string {
  return createHmac('sha256', secret).update(`${status}\n${timestamp}\n${nonce}\n${sha256Hex(body)}`).digest('hex');
}
