/**
 * Identity in the H5 (inside the national insurance APP): a patient signs in through the APP's
 * authorization page (mock), authorizes their 医保电子凭证 and sees their own identity, masked;
 * cancelling on the APP page comes back with nothing charged.
 */
import type { Browser } from 'playwright-core';
import { join } from 'node:path';
import { ARTIFACTS, launchChromium, PHONE } from '../src/browser';
import { answerOnAppPage, mockUrl as mock, route, signInPatient } from '../src/flows';

// Demo person signed in to the APP by default (prisma/src/seed/data/demo.json: 张建国).
const FULL_ID = '640104196803150131';
const MASKED_NAME = '张*国';

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

test('sign in through the APP page, authorize the e-voucher, see the masked identity', async () => {
  const context = await browser.newContext(PHONE);
  const page = await context.newPage();
  await signInPatient(page);
  // No token ever travels in an address.
  expect(page.url()).not.toMatch(/token|handoff=/i);

  await page.goto(route('pages/auth/voucher/index'));
  await page.locator('.voucher-entry__agree').click();
  await answerOnAppPage(page);
  await page.waitForURL(/voucher-result/, { timeout: 20_000 });
  const card = page.locator('.voucher-card').first();
  await card.waitFor({ timeout: 20_000 });
  const text = (await page.locator('body').textContent()) ?? '';
  expect(text).toContain(MASKED_NAME);
  expect(text).toContain('640***********0131');
  expect(text).not.toContain(FULL_ID);
  expect(text).toMatch(/职工/);
  await page.screenshot({ path: join(ARTIFACTS, 'h5-voucher-authorized.png'), fullPage: true });

  // The BFF keeps pay_auth_no server-side: nothing the H5 can read carries it.
  const status = await page.evaluate(async () => {
    const res = await fetch('/api/v1/voucher/status', { headers: { authorization: `Bearer ${localStorage.getItem('ih.session.token')}` } });
    return { ok: res.ok, body: await res.text() };
  });
  expect(status.ok).toBe(true);
  expect(status.body).not.toMatch(/AUTH[0-9A-Z]{6,}/);
  expect(status.body).not.toContain(FULL_ID);
  await context.close();
});

test('cancelling on the APP page returns with nothing charged', async () => {
  const context = await browser.newContext(PHONE);
  const page = await context.newPage();
  await signInPatient(page);
  await page.goto(route('pages/auth/voucher/index'));
  await page.locator('.voucher-entry__agree').click();
  await page.waitForURL((u) => u.href.startsWith(`${mock()}/national-app/`), { timeout: 20_000 });
  await page.locator('button[value=cancel]').click();
  await page.waitForURL(/voucher-result/, { timeout: 20_000 });
  await page.getByText('未扣费').first().waitFor({ timeout: 20_000 });
  await page.screenshot({ path: join(ARTIFACTS, 'h5-voucher-cancelled.png'), fullPage: true });
  await context.close();
});
