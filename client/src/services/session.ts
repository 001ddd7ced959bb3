import { platform } from '../platform';

/** Where the BFF session token lives in platform storage. Sign-in (a later issue) writes it. */
export const TOKEN_STORAGE_KEY = 'ih.session.token';

export function getToken(): string | null {
  return platform.storage.get(TOKEN_STORAGE_KEY);
}

export function setToken(token: string): void {
  platform.storage.set(TOKEN_STORAGE_KEY, token);
}

export function clearToken(): void {
  platform.storage.remove(TOKEN_STORAGE_KEY);
}
