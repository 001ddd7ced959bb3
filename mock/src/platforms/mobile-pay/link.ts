/**
 * The mobile-pay center mock seen through the WeChat mocks' InsuranceCenterLink (and usable by
 * any channel mock: Alipay, the national APP): pay_auth_no minting, pay-order lookups, and the
 * settlement that follows the user's confirmation in the channel's cashier.
 * Refusals are rethrown as the WeChat mock's PayAuthRefused so its `instanceof` checks work.
 */
import { type InsuranceCenterLink, PayAuthRefused as WechatPayAuthRefused } from '../wechat/insurance-link';
import { MobilePayRefusal } from './codes';
import { type MobilePayCenterState, PayAuthRefused } from './state';

export function insuranceCenterLink(state: MobilePayCenterState): InsuranceCenterLink {
  return {
    issuePayAuthNo(psnNo, opts) {
      try {
        const g = state.issuePayAuthNo(psnNo, { ...opts, channel: opts.channel, family: opts.family, ...(opts.ttlSeconds !== undefined ? { ttlSeconds: opts.ttlSeconds } : {}) });
        return { payAuthNo: g.payAuthNo, expiresAt: g.expiresAt };
      } catch (e) {
        if (e instanceof PayAuthRefused) throw new WechatPayAuthRefused(e.reason, e.message);
        throw e;
      }
    },
    describePayAuthNo(payAuthNo) {
      const a = state.describePayAuthNo(payAuthNo);
      return a && a.kind === 'payAuthNo' ? { payAuthNo: a.payAuthNo, psnNo: a.psnNo, expiresAt: a.expiresAt, family: a.family } : undefined;
    },
    getPayOrder: (payOrdId) => state.getPayOrder(payOrdId),
    settlePayOrder(payOrdId) {
      try {
        state.settlePayOrder(payOrdId);
      } catch (e) {
        // Not pre-settled (unknown, already settled, revoked): nothing to settle; the channel's own
        // status stays as it is, like the real center ignoring a confirmation it cannot match.
        if (!(e instanceof MobilePayRefusal)) throw e;
      }
    },
  };
}
