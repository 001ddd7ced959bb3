/**
 * The product's capabilities as the app shell shows them (GET /api/v1/meta). The single place
 * that lists them: flip `status` to 'available' when a domain goes live.
 */
import type { Capability } from '@ih/contract';

export const CAPABILITIES: readonly Capability[] = [
  // Live up to the eligibility check (catalog, offline diagnosis from the HIS, covered / self-pay /
  // refused with reasons); describing the condition, payment and the consultation room follow.
  { key: 'revisit', title: '在线复诊', description: '常见病、慢性病复诊，医生在线开具处方，医保可按规定报销', status: 'available' },
  // Live: sign-in on WeChat/Alipay/national APP and the e-voucher authorization per channel
  // (self-only, family, activation guide, cancel), checked against the mocks and in Chromium.
  { key: 'voucher', title: '医保电子凭证', description: '授权医保电子凭证，线上看病买药直接使用医保支付', status: 'available' },
  // Live: orders with guarded transitions, the cashier (6201/6202), WeChat/Alipay/APP cash share,
  // verified callbacks, refunds and reconciliation, checked against the mocks' faults.
  { key: 'orders', title: '我的订单', description: '查看问诊、处方、缴费与配送订单及退款进度', status: 'available' },
  // Live: the hall from seed 002 (items as data), applications through the agency (mock), filings,
  // queries and notifications; checked against the agency mock and walked in Chromium.
  { key: 'selfService', title: '医保自助经办', description: '参保登记、异地就医备案、慢特病认定等业务在线办理', status: 'available' },
  { key: 'doctorWorkspace', title: '医护工作台', description: '医生在线接诊、开具电子处方，药师在线审方（仅限本院医护人员）', status: 'available' },
];
