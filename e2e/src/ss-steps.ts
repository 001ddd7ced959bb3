/**
 * Steps for the self-service hall (医保服务大厅) browser test: a small real PNG for material
 * uploads, the insurance agency mock's admin API (scripts, one step at a time), and waiting for
 * the BFF to have heard of a status change before the page is asked to show it.
 */
import type { Locator, Page } from 'playwright-core';
import { apiFromPage, mockUrl } from './flows';
import { solidPng } from './images';

/** Picks `name` through the upload's file chooser (H5: Taro.chooseImage's file input) and waits until it is uploaded. */
export async function uploadPng(page: Page, material: Locator, name: string): Promise<void> {
  const done = material.locator('.upload__item--done');
  const before = await done.count();
  const [chooser] = await Promise.all([page.waitForEvent('filechooser', { timeout: 20_000 }), material.locator('.upload__add').click()]);
  await chooser.setFiles({ name, mimeType: 'image/png', buffer: await solidPng(48, 32, [230, 236, 245]) });
  await done.nth(before).waitFor({ timeout: 20_000 });
}

// ── the insurance agency mock (admin API, mock only) ──────────────────────────────────────────
async function agencyAdmin<T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  const res = await fetch(`${mockUrl()}/insurance-agency/__admin${path}`, {
    method: init.method ?? 'GET',
    headers: init.body ? { 'content-type': 'application/json' } : {},
    body: init.body ? JSON.stringify(init.body) : undefined,
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`agency admin ${path}: ${res.status} ${text}`);
  return (text ? JSON.parse(text) : null) as T;
}

export interface AgencyScript {
  outcome: 'complete' | 'supplement_once' | 'reject' | 'reject_at_acceptance' | 'hold' | 'accept_only';
  auto?: boolean;
  supplementItems?: { code: string | null; name: string; reason: string }[];
}

/** How the agency handles the item's applications from now on. */
export async function scriptAgency(itemCode: string, script: AgencyScript): Promise<void> {
  await agencyAdmin('/script', { method: 'POST', body: { itemCode, ...script } });
}

interface AgencyApp {
  applicationNo: string;
  itemCode: string;
  status: string;
}

/** The agency's number of the (only) application it holds for the item. */
export async function agencyAppNo(itemCode: string): Promise<string> {
  const apps = (await agencyAdmin<AgencyApp[]>('/applications')).filter((a) => a.itemCode === itemCode);
  if (apps.length !== 1) throw new Error(`expected one agency application for ${itemCode}, found ${apps.length}`);
  return apps[0]!.applicationNo;
}

/** The agency takes one step on the application; returns the status it moved to. */
export async function advanceAgency(applicationNo: string): Promise<string> {
  const { events } = await agencyAdmin<{ events: { status: string }[] }>(`/applications/${applicationNo}/advance`, { method: 'POST' });
  if (events.length !== 1) throw new Error(`agency did not move ${applicationNo}`);
  return events[0]!.status;
}

// ── the BFF's view ────────────────────────────────────────────────────────────────────────────
export interface StepView {
  name: string;
  state: string;
}
export interface AppDetail {
  id: string;
  status: string;
  steps: StepView[];
  paidAmountFen: number | null;
  filing: { filingNo: string; placeName: string; status: string } | null;
}

/** Waits until the BFF has the application in `status` (the agency's signed notify is asynchronous). */
export async function waitForBffStatus(page: Page, id: string, status: string, timeoutMs = 20_000): Promise<AppDetail> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    const res = await apiFromPage<AppDetail>(page, `/api/v1/self-service/applications/${id}`);
    if (res.status === 200 && res.body.status === status) return res.body;
    last = `${res.status} ${res.status === 200 ? res.body.status : JSON.stringify(res.body)}`;
    if (Date.now() > deadline) throw new Error(`application ${id} not ${status} after ${timeoutMs} ms (last: ${last})`);
    await page.waitForTimeout(250);
  }
}

/** The progress bar of `root` as [step name, state] pairs, read from the classes. */
export async function stepStates(root: Locator): Promise<[string, string][]> {
  return root.locator('.ss-steps__step').evaluateAll((els) =>
    els.map((el) => [el.getAttribute('data-step') ?? '', /ss-steps__step--(\w+)/.exec(el.className)?.[1] ?? ''] as [string, string]),
  );
}

/** A valid (Luhn) bank card number starting with `prefix` (length prefix + 1). */
export function luhnCard(prefix: string): string {
  let sum = 0;
  const digits = prefix.split('').reverse().map(Number);
  digits.forEach((d, i) => {
    let v = i % 2 === 0 ? d * 2 : d;
    if (v > 9) v -= 9;
    sum += v;
  });
  return `${prefix}${(10 - (sum % 10)) % 10}`;
}
