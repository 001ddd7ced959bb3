/**
 * What the patient is told when an outside platform refuses or fails (contract error codes), and
 * the patient identity the mobile-pay center asks for (decrypted only in memory, never logged).
 */
import { ID_TYPE_CERT_CODES, isErrorCode, type ErrorCode } from '@ih/contract';
import { AppError } from '../../lib/errors';
import { PlatformError } from '../../platforms/http';
import { MobilePayInvariantError } from '../../platforms/mobile-pay';
import type { OrderContext } from './context';

/** Mobile-pay center answer codes (mock codes.ts; INF for real deployments) → contract codes. */
const MOBILE_PAY_CODES: Record<string, ErrorCode> = {
  '200001': 'INSURANCE_AUTH_INVALID',
  '200002': 'INSURANCE_AUTH_INVALID',
  '200003': 'INSURANCE_IDENTITY_MISMATCH',
  '200004': 'INSURANCE_IDENTITY_MISMATCH',
  '200005': 'INSURANCE_NOT_INSURED',
  '200006': 'INSURANCE_PAY_SUSPENDED',
  '200007': 'INSURANCE_VOUCHER_NOT_ACTIVATED',
};

export function platformUserError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (err instanceof MobilePayInvariantError) return new AppError('PAYMENT_AMOUNT_MISMATCH', { cause: err });
  if (err instanceof PlatformError) {
    const userCode = (err as { userCode?: unknown }).userCode;
    // WechatPayError carries its own contract code.
    if (isErrorCode(userCode) && userCode !== 'UPSTREAM_UNAVAILABLE') return new AppError(userCode, { cause: err });
    if (err.kind === 'timeout' || (err.outcomeUnknown && err.kind !== 'signature')) return new AppError('UPSTREAM_TIMEOUT', { cause: err });
    if (err.kind === 'unavailable') return new AppError('UPSTREAM_UNAVAILABLE', { cause: err });
    if (err.kind === 'bad_response' && (err.code === 'AMOUNT_MISMATCH' || err.code === 'AMOUNT_IDENTITY')) return new AppError('PAYMENT_AMOUNT_MISMATCH', { cause: err });
    if (err.kind === 'rejected' && err.platform === 'mobile-pay' && err.code && MOBILE_PAY_CODES[err.code]) return new AppError(MOBILE_PAY_CODES[err.code]!, { cause: err });
    if (err.kind === 'rejected') return new AppError('INSURANCE_SETTLEMENT_FAILED', { cause: err, message: '医保或支付平台未受理本次请求，本次未扣费，请稍后重试或联系医院' });
    return new AppError('UPSTREAM_UNAVAILABLE', { cause: err });
  }
  if (err instanceof RangeError) return new AppError('PAYMENT_AMOUNT_MISMATCH', { cause: err });
  throw err;
}

/** Whether a platform error says the request may have been processed (resolve by querying). */
export function outcomeUnknown(err: unknown): boolean {
  return err instanceof PlatformError && (err.outcomeUnknown || err.kind === 'timeout');
}

export interface PatientIdentity {
  readonly name: string;
  readonly idNumber: string;
  /** psn_cert_type code (01 居民身份证 …). */
  idType: string;
}

/** The patient's real name and certificate number for the center (non-enumerable: never serialised). */
export async function patientIdentity(ctx: OrderContext, patientId: string): Promise<PatientIdentity> {
  const p = await ctx.prisma.patient.findUniqueOrThrow({ where: { id: patientId }, select: { nameEnc: true, idNumberEnc: true, idType: true } });
  const out = { idType: ID_TYPE_CERT_CODES[p.idType] } as PatientIdentity;
  Object.defineProperty(out, 'name', { value: ctx.cipher.decrypt(p.nameEnc), enumerable: false });
  Object.defineProperty(out, 'idNumber', { value: ctx.cipher.decrypt(p.idNumberEnc), enumerable: false });
  return out;
}
