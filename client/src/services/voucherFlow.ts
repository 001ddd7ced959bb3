/**
 * The e-voucher authorization round trip, per channel (rules 13–16):
 *
 *   WeChat   GET launch → Taro.navigateToMiniProgram(insurance auth mini-program) → the user comes
 *            back (App onShow, scene 1038, referrerInfo.extraData.authCode) → POST /voucher/wechat.
 *   Alipay   my.getAuthCode(auth_user, nhsamp) → POST /voucher/alipay → authorized, or pending:
 *            open Alipay's page (auth_url) → back (onShow) → POST /voucher/alipay/resume.
 *   H5       POST /voucher/national-app/start → the APP's page → the BFF's callback redirects
 *            to the result page (nothing to resume here).
 *
 * While the user is away, what was being authorized (purpose, 就诊人, order, where to return) is
 * kept in the platform storage, so the page that shows again can finish it. Coming back without
 * a code is a cancel: the BFF answers `cancelled`, nothing is charged.
 */
import type { VoucherAuthorized, VoucherCancelled, VoucherPurpose, VoucherResult } from '@ih/contract';
import { isSafeReturnTo } from '@ih/contract';
import { platform } from '../platform';
import { identity } from '../platform/identity';
import { authorizeAlipay, authorizeWechat, getWechatLaunch, resumeAlipay, startNationalApp } from './voucher';

export interface VoucherTarget {
  purpose: VoucherPurpose;
  /** Absent: the account owner themself. */
  patientId?: string;
  orderId?: string;
  /** H5 route to go back to afterwards (the order, the cashier…). */
  returnTo?: string;
}

/** Authorized or cancelled: the user can be shown the result. */
export type FinalResult = VoucherAuthorized | VoucherCancelled;

export type FlowStep =
  | { step: 'done'; result: FinalResult }
  /** The user is on the channel's page now; the answer comes back on show (or, on H5, by redirect). */
  | { step: 'waiting' };

export const PENDING_KEY = 'ih.voucher.pending';
/** A started authorization older than this is forgotten (pay_auth_no lives minutes anyway). */
export const PENDING_MAX_AGE_MS = 15 * 60_000;

interface Pending {
  channel: 'wechat' | 'alipay';
  target: VoucherTarget;
  /** WeChat: the auth mini-program we jumped to. */
  appId?: string;
  /** Alipay: the BFF's attempt id. */
  attemptId?: string;
  startedAt: number;
}

function savePending(p: Pending): void {
  platform.storage.set(PENDING_KEY, JSON.stringify(p));
}

export function loadPending(now = Date.now()): Pending | null {
  const raw = platform.storage.get(PENDING_KEY);
  if (!raw) return null;
  try {
    const p = JSON.parse(raw) as Pending;
    if (typeof p.startedAt !== 'number' || now - p.startedAt > PENDING_MAX_AGE_MS || !p.target?.purpose) {
      clearPending();
      return null;
    }
    return p;
  } catch {
    clearPending();
    return null;
  }
}

export function clearPending(): void {
  platform.storage.remove(PENDING_KEY);
}

function body(t: VoucherTarget) {
  return { purpose: t.purpose, ...(t.patientId ? { patientId: t.patientId } : {}), ...(t.orderId ? { orderId: t.orderId } : {}) };
}

function final(r: VoucherResult): FinalResult {
  if (r.status === 'pending') throw new Error('unexpected pending result');
  return r;
}

/** Starts the authorization with this build's channel. Errors are ApiError (shown by the page). */
export async function startVoucherAuthorization(target: VoucherTarget): Promise<FlowStep> {
  switch (identity.kind) {
    case 'wechat': {
      const launch = await getWechatLaunch();
      savePending({ channel: 'wechat', target, appId: launch.appId, startedAt: Date.now() });
      let opened: 'opened' | 'cancelled';
      try {
        opened = await identity.openInsuranceAuth(launch);
      } catch (e) {
        clearPending();
        throw e;
      }
      if (opened === 'opened') return { step: 'waiting' };
      clearPending();
      // The jump was refused: tell the BFF (audit) — it answers cancelled, nothing changes.
      return { step: 'done', result: final(await authorizeWechat(body(target))) };
    }
    case 'alipay': {
      const authCode = await identity.getVoucherAuthCode();
      const r = await authorizeAlipay({ ...body(target), ...(authCode ? { authCode } : {}) });
      if (r.status !== 'pending') return { step: 'done', result: r };
      savePending({ channel: 'alipay', target, attemptId: r.attemptId, startedAt: Date.now() });
      await identity.openAuthPage(r.authUrl);
      return { step: 'waiting' };
    }
    case 'nhsa_app': {
      const r = await startNationalApp({ ...body(target), ...(target.returnTo && isSafeReturnTo(target.returnTo) ? { returnTo: target.returnTo } : {}) });
      identity.redirect(r.redirectUrl);
      return { step: 'waiting' };
    }
  }
}

/**
 * On page show: finishes an authorization the user started and came back from. Null when there is
 * none (or nothing came back yet).
 */
export async function resumeVoucherAuthorization(): Promise<{ target: VoucherTarget; step: FlowStep } | null> {
  const p = loadPending();
  if (!p) return null;
  if (p.channel === 'wechat' && identity.kind === 'wechat') {
    const ret = identity.takeInsuranceAuthReturn(p.appId ?? '');
    if (!ret) return null;
    clearPending();
    const r = await authorizeWechat({ ...body(p.target), ...(ret.authCode ? { authCode: ret.authCode } : {}) });
    return { target: p.target, step: { step: 'done', result: final(r) } };
  }
  if (p.channel === 'alipay' && identity.kind === 'alipay' && p.attemptId) {
    clearPending();
    return { target: p.target, step: { step: 'done', result: final(await resumeAlipay(p.attemptId)) } };
  }
  clearPending();
  return null;
}

// ── the result page's address ────────────────────────────────────────────────────────────────
export type VoucherOutcomeParams = {
  outcome: 'authorized' | 'cancelled' | 'failed';
  purpose: VoucherPurpose;
  patientId?: string | null;
  orderId?: string | null;
  returnTo?: string | null;
  code?: string | null;
};

export function query(params: Record<string, string | null | undefined>): string {
  const qs = Object.entries(params)
    .filter((e): e is [string, string] => typeof e[1] === 'string' && e[1] !== '')
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join('&');
  return qs ? `?${qs}` : '';
}

/** Adds query parameters to an in-app address. */
export function withQuery(url: string, params: Record<string, string | null | undefined>): string {
  const q = query(params);
  if (!q) return url;
  return url.includes('?') ? `${url}&${q.slice(1)}` : `${url}${q}`;
}
