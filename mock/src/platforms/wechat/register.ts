/**
 * The WeChat family of mocks as allPlatforms() mounts them: login (/wechat), the insurance
 * authorization (/wechat-insurance) and WeChat Pay (/wechat-pay), sharing one link to the
 * mobile-pay center mock (pay_auth_no, pay orders). Without a center link they share a local one.
 */
import type { MockPlatform } from '../../app';
import { wechatPayMockFromEnv, type WechatPayMock } from '../wechat-pay';
import { loadDemoDirectory } from './demo';
import { wechatMocksFromEnv, type WechatMocks } from './index';
import { createLocalInsuranceLink, type InsuranceCenterLink } from './insurance-link';

export interface WechatFamily {
  platforms: MockPlatform[];
  wechat: WechatMocks;
  wechatPay?: WechatPayMock;
}

export function wechatFamily(env: NodeJS.ProcessEnv, insurance?: InsuranceCenterLink): WechatFamily {
  let link = insurance;
  if (!link) {
    const directory = loadDemoDirectory();
    link = createLocalInsuranceLink((psnNo) => [...directory.people.values()].find((p) => p.psnNo === psnNo)?.insuplcAdmdvs);
  }
  const wechat = wechatMocksFromEnv(env, link);
  const wechatPay = wechatPayMockFromEnv(env, link);
  return { platforms: [wechat.wechat, wechat.insurance, ...(wechatPay ? [wechatPay.platform] : [])], wechat, ...(wechatPay ? { wechatPay } : {}) };
}
