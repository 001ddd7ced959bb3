/**
 * Patient sign-in through the channel of this build (WeChat, Alipay, national insurance APP).
 * Every way ends in the same saveSession. The national APP (H5) leaves the page: the BFF's
 * callback brings the browser back to the sign-in page with a one-time `handoff` code, swapped
 * here for the tokens (tokens never travel in an address).
 */
import { API_PREFIX, ChannelLoginResponseSchema, isSafeReturnTo, type ChannelLoginResponse } from '@ih/contract';
import { identity } from '../platform/identity';
import { buildUrl, request, resetSignInRedirect } from './request';
import { saveSession } from './session';

const A = `${API_PREFIX}/auth`;

async function finish(path: string, data: unknown): Promise<ChannelLoginResponse> {
  const body = await request(path, { method: 'POST', data, schema: ChannelLoginResponseSchema, anonymous: true, silent: true });
  saveSession(body.tokens);
  resetSignInRedirect();
  return body;
}

/** Where the H5 sign-in starts (a browser navigation: the BFF redirects to the APP's page). */
export function nationalAppStartUrl(returnTo?: string | null): string {
  return buildUrl(`${A}/national-app/start`, returnTo && isSafeReturnTo(returnTo) ? { returnTo } : {});
}

/** The H5 comes back with ?handoff=…: swap it for the session. */
export function nationalAppHandoff(handoff: string): Promise<ChannelLoginResponse> {
  return finish(`${A}/national-app/handoff`, { handoff });
}

/**
 * Signs in with this build's channel. Mini-programs: resolves with the session. H5: navigates to
 * the national APP's authorization page and resolves 'redirected' (the page is being left).
 */
export async function signInWithChannel(returnTo?: string | null): Promise<ChannelLoginResponse | 'redirected'> {
  switch (identity.kind) {
    case 'wechat':
      return finish(`${A}/wechat/login`, { code: await identity.getLoginCode() });
    case 'alipay':
      return finish(`${A}/alipay/login`, { authCode: await identity.getLoginCode() });
    case 'nhsa_app':
      identity.redirect(nationalAppStartUrl(returnTo));
      return 'redirected';
  }
}
