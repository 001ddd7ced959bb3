// Type of the payment module; the build resolves '…/platform/pay' to pay.<TARO_ENV>.ts.
import type { PayBridge } from './pay.types';

export type { PayBridge, PayOutcome } from './pay.types';
export declare const pay: PayBridge;
