/**
 * Alipay's answer codes → typed PlatformErrors (kind + code = sub_code) and Chinese messages.
 * Kinds: isp.* / 20000 / ACQ.SYSTEM_ERROR → unavailable (transient; for a write the outcome is
 * unknown: query before doing anything else); everything else → rejected (the request was refused
 * and nothing happened). Signature problems on Alipay's answers are `signature`.
 */
import { PlatformError } from '../http';

export const ALIPAY = 'alipay';

/** Chinese text for the user, by sub_code (or code). Unknown codes get a generic message. */
const MESSAGES: Record<string, string> = {
  'ACQ.TRADE_NOT_EXIST': '支付订单不存在，请重新下单',
  'ACQ.TRADE_HAS_SUCCESS': '订单已支付，请勿重复支付',
  'ACQ.TRADE_HAS_CLOSE': '订单已关闭，请重新下单',
  'ACQ.TRADE_STATUS_ERROR': '订单状态不允许此操作，请刷新后重试',
  'ACQ.CONTEXT_INCONSISTENT': '订单信息已变化，请重新下单',
  'ACQ.REFUND_AMT_NOT_EQUAL_TOTAL': '退款金额超出可退金额',
  'ACQ.SELLER_BALANCE_NOT_ENOUGH': '退款暂时无法完成，医院将尽快处理',
  'ACQ.INVALID_PARAMETER': '支付参数有误，请重新下单',
  'ACQ.SYSTEM_ERROR': '支付宝系统繁忙，请稍后查看支付结果，请勿重复支付',
  'isp.unknow-error': '支付宝系统繁忙，请稍后重试',
  'aop.invalid-auth-token': '支付宝授权已失效，请重新授权',
  'aop.auth-token-time-out': '支付宝授权已失效，请重新授权',
  'isv.code-invalid': '支付宝授权已失效，请重新授权',
  'isv.refresh-token-invalid': '支付宝授权已失效，请重新授权',
  'isv.invalid-signature': '支付服务配置有误，请联系医院',
  'isv.invalid-app-id': '支付服务配置有误，请联系医院',
  'isv.invalid-timestamp': '支付服务时间不同步，请稍后重试',
  ORG_INFO_INVALID: '医保授权配置有误，请联系医院',
  MEDICAL_AUTH_REFUSED: '医保电子凭证授权失败，请确认凭证已激活且状态正常后重试',
  AMOUNT_MISMATCH: '支付金额与订单不一致，已停止处理，请联系医院',
  SIGNATURE: '支付平台应答校验失败，请稍后重试',
};

export function alipayUserMessage(code: string | undefined): string {
  return (code && MESSAGES[code]) ?? '支付宝服务暂时不可用，请稍后重试';
}

export interface AlipayAnswer {
  code?: string;
  msg?: string;
  sub_code?: string;
  sub_msg?: string;
  [k: string]: unknown;
}

/** Alipay answered but not with 10000: the typed error. */
export function answerError(operation: string, answer: AlipayAnswer, isWrite: boolean): PlatformError {
  const sub = answer.sub_code ?? answer.code ?? 'UNKNOWN';
  const transient = answer.code === '20000' || sub.startsWith('isp.') || sub === 'ACQ.SYSTEM_ERROR';
  return new PlatformError({
    platform: ALIPAY,
    operation,
    kind: transient ? 'unavailable' : 'rejected',
    code: sub,
    // sub_msg may quote request values (isv.invalid-signature echoes the sign string): keep it out.
    message: `alipay ${operation}: ${answer.code ?? '?'} ${answer.msg ?? ''} (${sub})`,
    retryable: transient,
    outcomeUnknown: transient && isWrite,
  });
}
