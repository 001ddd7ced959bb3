/**
 * Sign-in, sign-out and "who am I" against /api/v1/auth/*. Channel sign-ins for patients
 * (WeChat, Alipay, national APP) are added by the voucher/identity work and end in the same
 * `saveSession`.
 */
import {
  API_PREFIX,
  LogoutResponseSchema,
  MeResponseSchema,
  StaffLoginResponseSchema,
  type LogoutResponse,
  type MeResponse,
  type StaffLoginRequest,
  type StaffLoginResponse,
} from '@ih/contract';
import { request, resetSignInRedirect, type RequestOptions } from './request';
import { clearSession, getToken, saveSession } from './session';

type Extra = Pick<RequestOptions<unknown>, 'silent' | 'noSignInRedirect'>;

/** Staff (doctor, pharmacist) username + password. Stores the session on success. */
export async function staffLogin(form: StaffLoginRequest, options: Extra = {}): Promise<StaffLoginResponse> {
  const body = await request(`${API_PREFIX}/auth/staff/login`, { ...options, method: 'POST', data: form, schema: StaffLoginResponseSchema, anonymous: true });
  saveSession(body.tokens);
  resetSignInRedirect();
  return body;
}

/** The signed-in user (masked), or null when there is no session or it has ended. */
export async function getMe(options: Extra = {}): Promise<MeResponse | null> {
  if (!getToken()) return null;
  try {
    return await request(`${API_PREFIX}/auth/me`, { ...options, schema: MeResponseSchema, noSignInRedirect: true });
  } catch (e) {
    // The request layer has already cleared a session that is gone.
    if (!getToken()) return null;
    throw e;
  }
}

async function endSession(path: string, options: Extra): Promise<LogoutResponse | null> {
  try {
    return await request(path, { ...options, method: 'POST', schema: LogoutResponseSchema, noSignInRedirect: true });
  } finally {
    // Signed out on this device whatever the answer: a session the BFF already ended is gone too.
    clearSession();
  }
}

/** Signs out here (this session only). */
export function logout(options: Extra = {}): Promise<LogoutResponse | null> {
  return endSession(`${API_PREFIX}/auth/logout`, options);
}

/** Signs out on every device of this account. */
export function logoutEverywhere(options: Extra = {}): Promise<LogoutResponse | null> {
  return endSession(`${API_PREFIX}/auth/logout-all`, options);
}
