/** /api/v1/voucher/*: the e-voucher authorization calls (pages show errors themselves: silent). */
import {
  API_PREFIX,
  RedirectResponseSchema,
  VoucherResultSchema,
  VoucherStatusResponseSchema,
  WechatVoucherLaunchSchema,
  type AlipayVoucherRequest,
  type NationalAppVoucherStartRequest,
  type RedirectResponse,
  type VoucherResult,
  type VoucherStatusResponse,
  type WechatVoucherLaunch,
  type WechatVoucherRequest,
} from '@ih/contract';
import { request } from './request';

const V = `${API_PREFIX}/voucher`;
const silent = { silent: true } as const;

export function getWechatLaunch(): Promise<WechatVoucherLaunch> {
  return request(`${V}/wechat/launch`, { ...silent, schema: WechatVoucherLaunchSchema });
}

export function authorizeWechat(body: WechatVoucherRequest): Promise<VoucherResult> {
  return request(`${V}/wechat`, { ...silent, method: 'POST', data: body, schema: VoucherResultSchema, timeoutMs: 30_000 });
}

export function authorizeAlipay(body: AlipayVoucherRequest): Promise<VoucherResult> {
  return request(`${V}/alipay`, { ...silent, method: 'POST', data: body, schema: VoucherResultSchema, timeoutMs: 30_000 });
}

export function resumeAlipay(attemptId: string): Promise<VoucherResult> {
  return request(`${V}/alipay/resume`, { ...silent, method: 'POST', data: { attemptId }, schema: VoucherResultSchema, timeoutMs: 30_000 });
}

export function startNationalApp(body: NationalAppVoucherStartRequest): Promise<RedirectResponse> {
  return request(`${V}/national-app/start`, { ...silent, method: 'POST', data: body, schema: RedirectResponseSchema });
}

export function getVoucherStatus(patientId?: string): Promise<VoucherStatusResponse> {
  return request(`${V}/status`, { ...silent, query: { patientId }, schema: VoucherStatusResponseSchema });
}
