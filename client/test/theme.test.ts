import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as colors from '../src/theme/colors';

const tokens = readFileSync(join(__dirname, '..', 'src', 'theme', 'tokens.scss'), 'utf8');
function token(name: string): string {
  const m = new RegExp(`--${name}:\\s*(#[0-9a-fA-F]{6})`).exec(tokens);
  if (!m) throw new Error(`token --${name} missing`);
  return m[1]!.toLowerCase();
}

/** WCAG 2 contrast ratio of two #rrggbb colours. */
function contrast(a: string, b: string): number {
  const lum = (hex: string) => {
    const [r, g, bl] = [1, 3, 5].map((i) => {
      const c = parseInt(hex.slice(i, i + 2), 16) / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * bl!;
  };
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
}

describe('theme', () => {
  it('uses the same colours in CSS and in app.config / icons', () => {
    expect(token('ih-color-primary')).toBe(colors.PRIMARY_COLOR);
    expect(token('ih-color-text')).toBe(colors.TEXT_COLOR);
    expect(token('ih-color-text-secondary')).toBe(colors.TEXT_SECONDARY_COLOR);
    expect(token('ih-color-bg')).toBe(colors.PAGE_BACKGROUND);
    expect(token('nutui-color-primary')).toBe(colors.PRIMARY_COLOR);
  });

  it('meets the 4.5:1 contrast the elder-friendly rules ask for', () => {
    const pairs: [string, string][] = [
      [token('ih-color-text'), '#ffffff'],
      [token('ih-color-text'), token('ih-color-bg')],
      [token('ih-color-text-secondary'), '#ffffff'],
      [token('ih-color-text-secondary'), token('ih-color-bg')],
      ['#ffffff', token('ih-color-primary')],
      ['#ffffff', token('ih-color-danger')],
      [token('ih-color-soon-text'), token('ih-color-soon-bg')],
      [colors.TAB_COLOR, '#ffffff'],
      [colors.TAB_SELECTED_COLOR, '#ffffff'],
    ];
    for (const [fg, bg] of pairs) expect({ fg, bg, ratio: contrast(fg, bg) >= 4.5 }).toEqual({ fg, bg, ratio: true });
  });

  it('drives every font size from the one scale variable', () => {
    const sizes = tokens.match(/--ih-font-(xs|sm|md|lg|xl):[^;]+;/g) ?? [];
    expect(sizes).toHaveLength(5);
    for (const s of sizes) expect(s).toContain('var(--ih-font-scale)');
  });
});
