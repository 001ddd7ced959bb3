/**
 * Small helpers for the consultation spec (tests/consultation.e2e.ts): the page currently shown
 * (H5 keeps earlier pages of the stack in the DOM, hidden), Taro form fields, waiting for text,
 * and money as the client formats it.
 */
import type { Locator, Page } from 'playwright-core';

export const STEP_MS = 20_000;

/** The visible instance of a page root (e.g. '.describe'): earlier pages of the stack stay in the DOM, hidden. */
export function shown(page: Page, root: string): Locator {
  return page.locator(root).filter({ visible: true });
}

/** Waits until the locator's first match contains the text (and returns that match). */
export async function waitForText(scope: Locator, text: string | RegExp, timeout = STEP_MS): Promise<Locator> {
  const hit = scope.filter({ hasText: text }).first();
  await hit.waitFor({ timeout });
  return hit;
}

/** A Taro <Textarea>/<Input> rendered as a custom element around the native field (or the field itself). */
export function field(scope: Locator | Page, cls: string, tag: 'textarea' | 'input' = 'textarea'): Locator {
  return scope.locator(`${tag}.${cls}, .${cls} ${tag}`).first();
}

/** Fen as the client shows it (contract formatFen: ¥12.34). */
export const yuan = (fen: number): string => `¥${(fen / 100).toFixed(2)}`;

