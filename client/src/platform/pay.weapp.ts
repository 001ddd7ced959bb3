import Taro from '@tarojs/taro';
import type { PayLaunch } from '@ih/contract';
import { WECHAT_UPGRADE_MESSAGE, WRONG_CHANNEL, type PayBridge, type PayOutcome } from './pay.types';

/** wx.requestMedicalInsurancePay (WeChat ≥ 8.0.44; HarmonyOS ≥ 8.0.13). Not in Taro's API list: called on `wx`. */
interface MedicalInsurancePayOptions {
  mixTradeNo: string;
  timeStamp?: string;
  nonceStr?: string;
  package?: string;
  signType?: 'RSA';
  paySign?: string;
  success?: (r: { errMsg?: string }) => void;
  fail?: (e: { errMsg?: string; errCode?: number }) => void;
}
interface Wx {
  requestMedicalInsurancePay?: (o: MedicalInsurancePayOptions) => void;
}
declare const wx: Wx | undefined;

function wxApi(): Wx | undefined {
  return typeof wx === 'undefined' ? undefined : wx;
}

const UNSUPPORTED: PayOutcome = { kind: 'unsupported', message: WECHAT_UPGRADE_MESSAGE };

/** A fail callback of the insurance cashier: missing API → unsupported; cancel → cancelled; else failed. */
export function outcomeOfMedInsFailure(e: { errMsg?: unknown } | undefined): PayOutcome {
  const msg = String(e?.errMsg ?? '');
  if (/function_not_exist|not support|is not a function/i.test(msg)) return UNSUPPORTED;
  if (/cancel/i.test(msg)) return { kind: 'cancelled' };
  return { kind: 'failed', message: '微信医保支付未能完成，如未扣费可重新支付；如已扣费请勿重复支付，稍后在订单中查看结果' };
}

function medicalInsurancePay(launch: Extract<PayLaunch, { kind: 'WECHAT_MED_INS' }>): Promise<PayOutcome> {
  const host = wxApi();
  const api = host?.requestMedicalInsurancePay;
  // Older WeChat: the API is missing. Ask the user to update; never fall back to wx.requestPayment
  // (insurance would not take part and the patient would pay everything in cash).
  if (typeof api !== 'function') return Promise.resolve(UNSUPPORTED);
  return new Promise<PayOutcome>((resolve) => {
    const opts: MedicalInsurancePayOptions = {
      mixTradeNo: launch.mixTradeNo,
      // The cash fields only when there is a cash share (the BFF sends them then).
      ...(launch.paySign
        ? { timeStamp: launch.timeStamp, nonceStr: launch.nonceStr, package: launch.package, signType: launch.signType ?? 'RSA', paySign: launch.paySign }
        : {}),
      success: () => resolve({ kind: 'returned' }),
      fail: (e) => resolve(outcomeOfMedInsFailure(e)),
    };
    try {
      api.call(host, opts);
    } catch (e) {
      resolve(outcomeOfMedInsFailure({ errMsg: String((e as Error)?.message ?? e) }));
    }
  });
}

/** Self-pay orders (no insurance part): the ordinary WeChat payment. */
async function jsapiPay(launch: Extract<PayLaunch, { kind: 'WECHAT_JSAPI' }>): Promise<PayOutcome> {
  try {
    await Taro.requestPayment({ timeStamp: launch.timeStamp, nonceStr: launch.nonceStr, package: launch.package, signType: launch.signType, paySign: launch.paySign });
    return { kind: 'returned' };
  } catch (e) {
    const msg = String((e as { errMsg?: unknown })?.errMsg ?? '');
    if (/cancel/i.test(msg)) return { kind: 'cancelled' };
    return { kind: 'failed', message: '微信支付未能完成，如未扣费可重新支付；如已扣费请勿重复支付，稍后在订单中查看结果' };
  }
}

export const pay: PayBridge = {
  channel: 'WECHAT',

  launch(launch) {
    switch (launch.kind) {
      case 'WECHAT_MED_INS':
        return medicalInsurancePay(launch);
      case 'WECHAT_JSAPI':
        return jsapiPay(launch);
      case 'NONE':
        return Promise.resolve({ kind: 'returned' });
      default:
        return Promise.resolve(WRONG_CHANNEL);
    }
  },
};
