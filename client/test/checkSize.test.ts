import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { MAIN_LIMIT, MB, PACKAGE_LIMIT, formatTable, measure } from '../scripts/check-size';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ih-size-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function file(rel: string, bytes: number) {
  const p = join(dir, rel);
  mkdirSync(dirname(p), { recursive: true });
  writeFileSync(p, Buffer.alloc(bytes));
}
function app(roots: string[]) {
  writeFileSync(join(dir, 'app.json'), JSON.stringify({ pages: ['pages/index/index'], subPackages: roots.map((root) => ({ root, pages: ['pages/index/index'] })) }));
}

describe('check-size', () => {
  it('sums the main package and each subpackage separately', () => {
    app(['packageA', 'packageB']);
    file('app.js', 1000);
    file('pages/index/index.js', 500);
    file('packageA/pages/index/index.js', 300);
    file('packageA/pages/index/index.wxss', 200);
    file('packageB/pages/index/index.js', 50);
    // A folder whose name only starts like a subpackage root belongs to the main package.
    file('packageAB/x.js', 7);
    file('project.config.json', 10_000); // IDE file, not shipped
    const report = measure('weapp', dir);
    const byRoot = Object.fromEntries(report.packages.map((p) => [p.root, p.bytes]));
    const appJsonSize = JSON.stringify({ pages: ['pages/index/index'], subPackages: ['packageA', 'packageB'].map((root) => ({ root, pages: ['pages/index/index'] })) }).length;
    expect(byRoot).toEqual({ '/': 1000 + 500 + 7 + appJsonSize, packageA: 500, packageB: 50 });
    expect(report.problems).toEqual([]);
    expect(formatTable(report)).toContain('packageA');
  });

  it('fails when the main package exceeds 1.5 MB', () => {
    app(['packageA']);
    file('vendors.js', MAIN_LIMIT + 1);
    const report = measure('weapp', dir);
    expect(report.problems).toHaveLength(1);
    expect(report.problems[0]).toContain('主包');
  });

  it('accepts a main package just under the limit', () => {
    app([]);
    file('vendors.js', MAIN_LIMIT - 10_000);
    expect(measure('alipay', dir).problems).toEqual([]);
  });

  it('fails when a subpackage exceeds 2 MB', () => {
    app(['packageBig']);
    file('packageBig/big.js', PACKAGE_LIMIT + 1);
    const report = measure('alipay', dir);
    expect(report.problems).toEqual([expect.stringContaining('packageBig')]);
    expect(report.packages.find((p) => p.root === 'packageBig')!.bytes).toBe(2 * MB + 1);
  });

  it('fails without a build', () => {
    expect(measure('weapp', join(dir, 'missing')).problems).toHaveLength(1);
    expect(() => measure('weapp', dir)).toThrow(/app.json/);
  });

  it('checks that the H5 build has index.html', () => {
    file('js/app.js', 100);
    expect(measure('h5', dir).problems).toHaveLength(1);
    file('index.html', 10);
    const report = measure('h5', dir);
    expect(report.problems).toEqual([]);
    expect(report.packages[0]!.bytes).toBe(110);
  });
});
