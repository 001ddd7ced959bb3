/**
 * Steps several browser tests share: signing in as a patient through the national APP's
 * authorization page (mock) and as hospital staff with a password.
 */
import type { Page } from 'playwright-core';

export const base = (): string => process.env.E2E_BASE_URL!;
export const mockUrl = (): string => process.env.E2E_MOCK_URL!;

/** The H5 route of a page path from client/src/routes.ts (hash router). */
export const route = (pagePath: string, query = ''): string => `${base()}/#/${pagePath}${query ? `?${query}` : ''}`;

/** On the national APP's page (mock): agree (or cancel) and come back. */
export async function answerOnAppPage(page: Page, answer: 'agree' | 'cancel' = 'agree'): Promise<void> {
  await page.waitForURL((u) => u.href.startsWith(`${mockUrl()}/national-app/`), { timeout: 20_000 });
  await expect(page.locator('body').textContent()).resolves.toContain('国家医保服务平台');
  await page.locator(`button[value=${answer}]`).click();
}

/** Patient sign-in inside the national APP (the demo person 张建国 is signed in there by default). */
export async function signInPatient(page: Page): Promise<void> {
  await page.goto(route('pages/auth/login/index'));
  await page.locator('.login__channel-button').click();
  await answerOnAppPage(page);
  // Back in the H5 with a one-time handoff code that the login page swaps for tokens.
  await page.waitForURL((u) => u.href.startsWith(base()), { timeout: 20_000 });
  await page.waitForFunction(() => !!window.localStorage.getItem('ih.session.token'), undefined, { timeout: 20_000 });
}

/** Staff sign-in with the hospital-issued account (demo: doctor01 / pharm01, see the seed). */
export async function signInStaff(page: Page, username: string, password: string): Promise<void> {
  await page.goto(route('pages/auth/staff/index'));
  await page.locator('.form-input--username input').fill(username);
  await page.locator('.form-input--password input').fill(password);
  await page.locator('.staff-login__submit').click();
  await page.waitForFunction(() => !!window.localStorage.getItem('ih.session.token'), undefined, { timeout: 20_000 });
}

/** Calls the BFF with the page's session (for checks that the UI does not show). */
export async function apiFromPage<T = unknown>(page: Page, path: string, init: { method?: string; body?: unknown } = {}): Promise<{ status: number; body: T }> {
  return page.evaluate(
    async ({ path, init }) => {
      const res = await fetch(path, {
        method: init.method ?? 'GET',
        headers: { authorization: `Bearer ${localStorage.getItem('ih.session.token')}`, ...(init.body ? { 'content-type': 'application/json' } : {}) },
        body: init.body ? JSON.stringify(init.body) : undefined,
      });
      const text = await res.text();
      return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
    },
    { path, init },
  );
}
