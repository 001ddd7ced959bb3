import type { AlipayIdentity } from './identity.types';

/** The parts of Alipay's `my` this module uses. */
interface AlipayMy {
  getAuthCode(o: { scopes: string[] | string; success?: (r: { authCode?: string }) => void; fail?: (e: { error?: number; errorMessage?: string }) => void }): void;
  ap?: { navigateToAlipayPage?(o: { path: string; success?: () => void; fail?: (e: unknown) => void }): void };
  navigateTo?(o: { url: string; success?: () => void; fail?: (e: unknown) => void }): void;
}
declare const my: AlipayMy;

/** my.getAuthCode errors that mean the user said no (11: user cancelled). */
const USER_DECLINED = new Set([11, 2001]);

function getAuthCode(scopes: string[]): Promise<{ code: string | null; declined: boolean }> {
  return new Promise((resolve, reject) => {
    my.getAuthCode({
      scopes,
      success: (r) => resolve({ code: r.authCode || null, declined: !r.authCode }),
      fail: (e) => (e && typeof e.error === 'number' && USER_DECLINED.has(e.error) ? resolve({ code: null, declined: true }) : reject(e)),
    });
  });
}

export const identity: AlipayIdentity = {
  kind: 'alipay',

  async getLoginCode() {
    const { code } = await getAuthCode(['auth_base']);
    if (!code) throw new Error('my.getAuthCode returned no code');
    return code;
  },

  async getVoucherAuthCode() {
    const { code } = await getAuthCode(['auth_user', 'nhsamp']);
    return code;
  },

  openAuthPage(url) {
    return new Promise((resolve, reject) => {
      if (my.ap?.navigateToAlipayPage) {
        my.ap.navigateToAlipayPage({ path: url, success: () => resolve(), fail: reject });
        return;
      }
      reject(new Error('my.ap.navigateToAlipayPage is not available'));
    });
  },
};
