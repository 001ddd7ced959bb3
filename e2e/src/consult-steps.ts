/**
 * Small helpers for the consultation spec (tests/consultation.e2e.ts): the page currently shown
 * (H5 keeps earlier pages of the stack in the DOM, hidden), Taro form fields, waiting for text,
 * a tiny PNG made on the spot for the upload, and money as the client formats it.
 */
import type { Locator, Page } from 'playwright-core';
import { deflateSync } from 'node:zlib';

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

// ── a real (tiny) PNG, so the BFF's type sniffing sees an image ────────────────────────────────
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** A width×height RGB PNG of one colour (a 'photo' of a blood-pressure log, as far as the test is concerned). */
export function tinyPng(width = 16, height = 16, rgb: [number, number, number] = [200, 40, 40]): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type RGB
  const row = Buffer.concat([Buffer.from([0]), Buffer.from(Array.from({ length: width }, () => rgb).flat())]);
  const raw = Buffer.concat(Array.from({ length: height }, () => row));
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}
