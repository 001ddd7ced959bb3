// Type of the identity module; the build resolves '…/platform/identity' to identity.<TARO_ENV>.ts.
import type { IdentityBridge } from './identity.types';

export type { AlipayIdentity, IdentityBridge, InsuranceAuthReturn, NationalAppIdentity, WechatIdentity } from './identity.types';
export declare const identity: IdentityBridge;
