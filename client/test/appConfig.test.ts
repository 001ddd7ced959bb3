import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { CAPABILITY_KEYS } from '@ih/contract';
import { CAPABILITY_URLS } from '../src/capabilities';
import { ROADMAP } from '../src/content/roadmap';
import { URLS, isTabUrl } from '../src/routes';

type AppConfig = {
  pages: string[];
  subPackages: { root: string; pages: string[] }[];
  tabBar: { color: string; selectedColor: string; list: { pagePath: string; text: string; iconPath: string; selectedIconPath: string }[] };
};

const SRC = join(__dirname, '..', 'src');
const g = globalThis as unknown as Record<string, unknown>;
g.defineAppConfig = (c: unknown) => c;
g.definePageConfig = (c: unknown) => c;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const appConfig = (require('../src/app.config') as { default: AppConfig }).default;

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

const allPages = [...appConfig.pages, ...appConfig.subPackages.flatMap((s) => s.pages.map((p) => `${s.root}/${p}`))];

describe('app.config', () => {
  it('lists every page component, and every listed page has a component and a config', () => {
    for (const page of allPages) {
      expect(existsSync(join(SRC, `${page}.tsx`))).toBe(true);
      expect(existsSync(join(SRC, `${page}.config.ts`))).toBe(true);
    }
    const onDisk = walk(SRC)
      .map((f) => relative(SRC, f))
      .filter((f) => /^(pages|package[A-Z]\w*)\/.*index\.tsx$/.test(f))
      .map((f) => f.replace(/\.tsx$/, ''));
    expect(onDisk.sort()).toEqual([...allPages].sort());
  });

  it('keeps the shell, sign-in and cashier in the main package, features in subpackages', () => {
    expect(appConfig.pages[0]).toBe('pages/index/index');
    expect(appConfig.pages).toEqual(expect.arrayContaining(['pages/auth/login/index', 'pages/auth/voucher/index', 'pages/cashier/index']));
    expect(appConfig.subPackages.map((s) => s.root).sort()).toEqual(['packageConsult', 'packageDoctor', 'packageSelfService']);
    for (const s of appConfig.subPackages) expect(s.pages.length).toBeGreaterThan(0);
  });

  it('has four tabs in the main package with both icons present', () => {
    expect(appConfig.tabBar.list.map((t) => t.text)).toEqual(['首页', '问诊', '订单', '我的']);
    expect(appConfig.tabBar.color).not.toBe(appConfig.tabBar.selectedColor);
    for (const t of appConfig.tabBar.list) {
      expect(appConfig.pages).toContain(t.pagePath);
      expect(isTabUrl(`/${t.pagePath}`)).toBe(true);
      expect(existsSync(join(SRC, t.iconPath))).toBe(true);
      expect(existsSync(join(SRC, t.selectedIconPath))).toBe(true);
      expect(statSync(join(SRC, t.iconPath)).size).toBeLessThan(40 * 1024); // WeChat's limit
    }
  });

  it('routes every URL and every capability to a listed page', () => {
    for (const url of Object.values(URLS)) expect(allPages).toContain(url.slice(1));
    for (const key of CAPABILITY_KEYS) {
      expect(allPages).toContain(CAPABILITY_URLS[key].slice(1));
      expect(ROADMAP[key].planned.length).toBeGreaterThan(0);
    }
  });
});
