/**
 * The BFF session as the client keeps it: the access token (sent as `Authorization: Bearer`)
 * and the refresh token (exchanged once for a new pair when the access token expires), in the
 * platform's storage (wx/my storage, localStorage on H5). Tokens are opaque: the client never
 * reads anything out of them. Nothing here is ever logged.
 */
import type { SessionTokens } from '@ih/contract';
import { platform } from '../platform';

export const TOKEN_STORAGE_KEY = 'ih.session.token';
export const REFRESH_STORAGE_KEY = 'ih.session.refresh';

/** The access token, or null when signed out. */
export function getToken(): string | null {
  return platform.storage.get(TOKEN_STORAGE_KEY);
}

export function getRefreshToken(): string | null {
  return platform.storage.get(REFRESH_STORAGE_KEY);
}

/** Only the access token (tests and callers that have no refresh token). */
export function setToken(token: string): void {
  platform.storage.set(TOKEN_STORAGE_KEY, token);
}

export function saveSession(tokens: Pick<SessionTokens, 'accessToken' | 'refreshToken'>): void {
  platform.storage.set(TOKEN_STORAGE_KEY, tokens.accessToken);
  platform.storage.set(REFRESH_STORAGE_KEY, tokens.refreshToken);
}

/** Forgets the whole session (both tokens). */
export function clearSession(): void {
  platform.storage.remove(TOKEN_STORAGE_KEY);
  platform.storage.remove(REFRESH_STORAGE_KEY);
}

/** Kept for callers written before refresh tokens existed: forgets the whole session. */
export const clearToken = clearSession;

export function isSignedIn(): boolean {
  return getToken() !== null;
}
