import type { PayLaunch } from '@ih/contract';
import { WRONG_CHANNEL, type PayBridge, type PayOutcome } from './pay.types';

/** my.tradePay's answer (Alipay mini-program). */
interface TradePayResult {
  resultCode?: string;
  memo?: string;
}
interface AlipayMy {
  tradePay?(o: { tradeNO: string; success?: (r: TradePayResult) => void; fail?: (e: { error?: number; errorMessage?: string } & TradePayResult) => void }): void;
}
declare const my: AlipayMy | undefined;

/**
 * 9000 paid, 8000 processing, 6004 unknown → ask the BFF (it decides, never this code); 6001 the
 * user left; 6002 network; 4000 and others: not paid.
 */
export function outcomeOfTradePay(r: TradePayResult | undefined): PayOutcome {
  switch (String(r?.resultCode ?? '')) {
    case '9000':
    case '8000':
    case '6004':
      return { kind: 'returned' };
    case '6001':
      return { kind: 'cancelled' };
    case '6002':
      return { kind: 'failed', message: '网络连接出错，支付未完成，请检查网络后重试' };
    default:
      return { kind: 'failed', message: '支付宝支付未完成，如未扣费可重新支付；如已扣费请勿重复支付，稍后在订单中查看结果' };
  }
}

function tradePay(launch: Extract<PayLaunch, { kind: 'ALIPAY_TRADE' }>): Promise<PayOutcome> {
  const host = typeof my === 'undefined' ? undefined : my;
  if (!host?.tradePay) return Promise.resolve({ kind: 'unsupported', message: '当前支付宝版本不支持该支付方式，请将支付宝升级到最新版本后重新支付。本次未扣费。' });
  return new Promise<PayOutcome>((resolve) => {
    host.tradePay!({
      tradeNO: launch.tradeNo,
      success: (r) => resolve(outcomeOfTradePay(r)),
      fail: (e) => resolve(e?.resultCode ? outcomeOfTradePay(e) : { kind: 'failed', message: '支付宝收银台未能打开，本次未扣费，请稍后重试' }),
    });
  });
}

export const pay: PayBridge = {
  channel: 'ALIPAY',

  launch(launch) {
    switch (launch.kind) {
      case 'ALIPAY_TRADE':
        return tradePay(launch);
      case 'NONE':
        return Promise.resolve({ kind: 'returned' });
      default:
        return Promise.resolve(WRONG_CHANNEL);
    }
  },
};
