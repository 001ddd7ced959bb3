/**
 * The H5 build served by the real BFF (with the demo seed and the mocks): the home page shows
 * the hospital count from the database and an honest entry per capability; an entry opens its
 * subpackage page; a failing API shows the error state and recovers on retry.
 */
import type { Browser, Page } from 'playwright-core';
import { join } from 'node:path';
import { ARTIFACTS, launchChromium, PHONE } from '../src/browser';

const base = () => process.env.E2E_BASE_URL!;
let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

async function openHome(page: Page): Promise<void> {
  await page.goto(`${base()}/`);
  await page.locator('.home-entry').first().waitFor({ timeout: 30_000 });
}

test('home page lists every capability from the BFF, the live ones open and the rest honestly marked as coming soon', async () => {
  const context = await browser.newContext(PHONE);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await openHome(page);

  await expect(page.locator('.home__subtitle').textContent()).resolves.toContain('已接入 38 家医院');
  // What the BFF says is live decides the tag: compare with the same answer the page got.
  const meta = (await (await page.request.get(`${base()}/api/v1/meta`)).json()) as { capabilities: { key: string; status: string }[] };
  expect(meta.capabilities.map((c) => c.key).sort()).toEqual(['doctorWorkspace', 'orders', 'revisit', 'selfService', 'voucher']);
  expect(meta.capabilities.find((c) => c.key === 'revisit')?.status).toBe('available');
  for (const { key, status } of meta.capabilities) {
    const entry = page.locator(`.home-entry--${key}`);
    await expect(entry.count()).resolves.toBe(1);
    const text = await entry.textContent();
    if (status === 'coming_soon') expect(text).toContain('即将上线');
    else expect(text).not.toContain('即将上线');
  }
  await page.screenshot({ path: join(ARTIFACTS, 'h5-home.png'), fullPage: true });

  // One navigation: the self-service entry opens the self-service subpackage's page.
  await page.locator('.home-entry--selfService').click();
  await page.waitForURL(/packageSelfService\/pages\/index\/index/, { timeout: 15_000 });
  // Signed out, the hall asks for sign-in first (items depend on the person's insurance).
  const hall = page.locator('.ss-hall');
  await hall.waitFor({ timeout: 15_000 });
  await page.locator('.ss-hall__login').waitFor({ timeout: 15_000 });
  await expect(hall.textContent()).resolves.toContain('登录后办理');
  await page.screenshot({ path: join(ARTIFACTS, 'h5-self-service.png') });
  expect(errors).toEqual([]);
  await context.close();
});

test('a failing API shows the error state with retry, and retry recovers', async () => {
  const context = await browser.newContext(PHONE);
  const page = await context.newPage();
  let fail = true;
  await page.route('**/api/v1/meta', (route) =>
    fail
      ? route.fulfill({ status: 503, contentType: 'application/json', body: JSON.stringify({ code: 'DB_UNAVAILABLE', message: '服务暂时不可用，请稍后重试', requestId: 'e2e' }) })
      : route.continue(),
  );
  await page.goto(`${base()}/`);
  const retry = page.locator('.page-state__retry');
  await retry.waitFor({ timeout: 30_000 });
  await expect(page.locator('body').textContent()).resolves.toContain('服务暂时不可用');
  fail = false;
  await retry.click();
  await page.locator('.home-entry').first().waitFor({ timeout: 15_000 });
  await expect(page.locator('.home-entry').count()).resolves.toBe(5);
  await context.close();
});
