/**
 * HIS API authentication (this project's HIS contract; both sides implement it):
 *   request headers  X-HIS-App-Id, X-HIS-Timestamp (epoch ms), X-HIS-Nonce (16–64 chars),
 *                    X-HIS-Signature = hex HMAC-SHA256(appSecret,
 *                      METHOD \n pathname+search \n timestamp \n nonce \n hex SHA-256(body))
 *   answer headers   X-HIS-Timestamp, X-HIS-Signature = hex HMAC-SHA256(appSecret,
 *                      status \n timestamp \n <request nonce> \n hex SHA-256(body))
 * A person is looked up by idNoHash = hex HMAC-SHA256(HMAC-SHA256(appSecret, "his-id-no-hash-v1"),
 * UPPER(ID number)), never by the ID number itself (URLs end up in logs).
 */
import { createHash, createHmac } from 'node:crypto';

export function sha256Hex(body: string | Buffer): string {
  return createHash('sha256').update(body).digest('hex');
}

export function hisRequestSignature(secret: string, method: string, pathAndQuery: string, timestamp: string, nonce: string, body: string): string {
  return createHmac('sha256', secret).update(`${method.toUpperCase()}\n${pathAndQuery}\n${timestamp}\n${nonce}\n${sha256Hex(body)}`).digest('hex');
}

export function hisResponseSignature(secret: string, status: number, timestamp: string, nonce: string, body: string): string {
  return createHmac('sha256', secret).update(`${status}\n${timestamp}\n${nonce}\n${sha256Hex(body)}`).digest('hex');
}

export function hisIdNoHash(secret: string, idNo: string): string {
  const key = createHmac('sha256', secret).update('his-id-no-hash-v1').digest();
  return createHmac('sha256', key).update(idNo.trim().toUpperCase()).digest('hex');
}
