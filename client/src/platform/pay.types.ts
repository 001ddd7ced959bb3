/**
 * How this build launches the cash share of a payment in its channel's own cashier. One file per
 * target (pay.weapp.ts / pay.alipay.ts / pay.h5.ts), picked by Taro's multi-platform resolution
 * when importing '…/platform/pay'. Only the platform call lives here; what to launch comes from
 * the BFF (services/order.ts), and what happened is always asked of the BFF afterwards: a
 * success answer from the channel never means paid (rule 20).
 */
import type { PayChannel, PayLaunch } from '@ih/contract';

export type PayOutcome =
  /** The user came back from the channel's cashier (paid, failed or gave up: ask the BFF). */
  | { kind: 'returned' }
  /** The user closed the cashier without paying. */
  | { kind: 'cancelled' }
  /**
   * The channel cannot take this payment on this device: WeChat without
   * wx.requestMedicalInsurancePay (system:function_not_exist, WeChat older than 8.0.44).
   * Never fall back to a plain payment: insurance would not take part.
   */
  | { kind: 'unsupported'; message: string }
  /** H5: the page left for the APP's cashier; the way back lands on the pay-result page. */
  | { kind: 'redirected' }
  /** The channel refused to open (bad parameters, network): the message says what happened. */
  | { kind: 'failed'; message: string };

export interface PayBridge {
  /** The channel this build pays through (the BFF prepares the launch for it). */
  readonly channel: PayChannel;
  /** Opens the channel's cashier for `launch` (a kind this build does not know → failed, nothing launched). */
  launch(launch: PayLaunch): Promise<PayOutcome>;
}

export const WRONG_CHANNEL: PayOutcome = { kind: 'failed', message: '支付方式与当前使用的小程序或 APP 不一致，请返回订单重试' };

/** Shown when WeChat is too old for the insurance cashier. */
export const WECHAT_UPGRADE_MESSAGE = '当前微信版本不支持医保移动支付，请将微信升级到最新版本（8.0.44 及以上）后重新支付。本次未扣费。';
