/**
 * Draws the tab-bar icons (81×81 PNG, the size WeChat recommends) into src/assets/tabbar/.
 * Run `npx tsx scripts/make-icons.ts` after changing a shape or a colour; the PNGs are committed.
 * No image library: shapes are inside/outside tests on a unit square, 4×4 supersampled, and
 * the PNG is written by hand (zlib + CRC32 from Node).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { TAB_COLOR, TAB_SELECTED_COLOR } from '../src/theme/colors';

type Shape = (x: number, y: number) => boolean;

const SIZE = 81;
const SAMPLES = 4;

// ---- shapes on the unit square (x right, y down) -------------------------------------------
const rect = (x0: number, y0: number, x1: number, y1: number): Shape => (x, y) => x >= x0 && x <= x1 && y >= y0 && y <= y1;
const circle = (cx: number, cy: number, r: number): Shape => (x, y) => (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
const ellipse = (cx: number, cy: number, rx: number, ry: number): Shape => (x, y) => ((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2 <= 1;
const roundRect = (x0: number, y0: number, x1: number, y1: number, r: number): Shape => (x, y) => {
  if (!rect(x0, y0, x1, y1)(x, y)) return false;
  const cx = Math.min(Math.max(x, x0 + r), x1 - r);
  const cy = Math.min(Math.max(y, y0 + r), y1 - r);
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
};
const triangle = (ax: number, ay: number, bx: number, by: number, cx: number, cy: number): Shape => (x, y) => {
  const s1 = (bx - ax) * (y - ay) - (by - ay) * (x - ax);
  const s2 = (cx - bx) * (y - by) - (cy - by) * (x - bx);
  const s3 = (ax - cx) * (y - cy) - (ay - cy) * (x - cx);
  return (s1 >= 0 && s2 >= 0 && s3 >= 0) || (s1 <= 0 && s2 <= 0 && s3 <= 0);
};
const union = (...shapes: Shape[]): Shape => (x, y) => shapes.some((s) => s(x, y));
const minus = (base: Shape, ...holes: Shape[]): Shape => (x, y) => base(x, y) && !holes.some((h) => h(x, y));
const and = (a: Shape, b: Shape): Shape => (x, y) => a(x, y) && b(x, y);

/** 首页: a house with a door. */
const home = union(triangle(0.1, 0.5, 0.5, 0.12, 0.9, 0.5), minus(rect(0.22, 0.45, 0.78, 0.86), rect(0.42, 0.6, 0.58, 0.86)));
/** 问诊: a speech bubble with a medical cross. */
const consult = minus(
  union(roundRect(0.12, 0.18, 0.88, 0.7, 0.12), triangle(0.28, 0.66, 0.28, 0.88, 0.5, 0.66)),
  rect(0.44, 0.28, 0.56, 0.6),
  rect(0.34, 0.38, 0.66, 0.5),
);
/** 订单: a sheet with text lines. */
const orders = minus(roundRect(0.2, 0.1, 0.8, 0.9, 0.08), rect(0.32, 0.28, 0.68, 0.35), rect(0.32, 0.45, 0.68, 0.52), rect(0.32, 0.62, 0.56, 0.69));
/** 我的: a person (head and shoulders). */
const mine = union(circle(0.5, 0.32, 0.17), and(ellipse(0.5, 0.9, 0.34, 0.36), rect(0, 0, 1, 0.88)));

const ICONS: Record<string, Shape> = { home, consult, orders, mine };

// ---- PNG writer ------------------------------------------------------------------------------
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const byte of buf) c = CRC_TABLE[(c ^ byte) & 0xff]! ^ (c >>> 8);
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
function hex(color: string): [number, number, number] {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(color);
  if (!m) throw new Error(`bad colour ${color}`);
  return [parseInt(m[1]!, 16), parseInt(m[2]!, 16), parseInt(m[3]!, 16)];
}
export function renderPng(shape: Shape, color: string, size = SIZE): Buffer {
  const [r, g, b] = hex(color);
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let py = 0; py < size; py++) {
    const row = py * (size * 4 + 1);
    raw[row] = 0; // filter: none
    for (let px = 0; px < size; px++) {
      let hits = 0;
      for (let sy = 0; sy < SAMPLES; sy++) {
        for (let sx = 0; sx < SAMPLES; sx++) {
          if (shape((px + (sx + 0.5) / SAMPLES) / size, (py + (sy + 0.5) / SAMPLES) / size)) hits++;
        }
      }
      const o = row + 1 + px * 4;
      raw[o] = r;
      raw[o + 1] = g;
      raw[o + 2] = b;
      raw[o + 3] = Math.round((255 * hits) / (SAMPLES * SAMPLES));
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
}

if (require.main === module) {
  const outDir = join(__dirname, '..', 'src', 'assets', 'tabbar');
  mkdirSync(outDir, { recursive: true });
  for (const [name, shape] of Object.entries(ICONS)) {
    for (const [suffix, color] of [['', TAB_COLOR], ['-active', TAB_SELECTED_COLOR]] as const) {
      const file = join(outDir, `${name}${suffix}.png`);
      const png = renderPng(shape, color);
      writeFileSync(file, png);
      console.log(`${file.replace(join(__dirname, '..') + '/', '')}  ${png.length} B`);
    }
  }
}
