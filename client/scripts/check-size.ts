/**
 * `tsx scripts/check-size.ts weapp|alipay|h5 [distDir]`: package sizes of a finished build.
 *
 * Mini-programs: the main package is every file not under a subpackage root (roots read from
 * the built app.json); each subpackage is summed on its own. Fails (exit 1) when the main
 * package exceeds 1.5 MB (our budget; the platforms' hard limit is 2 MB) or any package exceeds
 * 2 MB. Taro's optimizeMainPackage only works for WeChat, so Alipay is checked just the same.
 * H5: reports the total and fails only if index.html is missing.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';

export const MB = 1024 * 1024;
export const MAIN_LIMIT = 1.5 * MB;
export const PACKAGE_LIMIT = 2 * MB;
/** IDE project files sit next to the code but are not uploaded as part of a package. */
const NOT_SHIPPED = new Set(['project.config.json', 'project.private.config.json', 'mini.project.json']);

export type Target = 'weapp' | 'alipay' | 'h5';

export interface PackageSize {
  name: string;
  root: string;
  bytes: number;
  files: number;
  limit: number;
}

export interface SizeReport {
  target: Target;
  packages: PackageSize[];
  problems: string[];
}

function listFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? listFiles(full) : [full];
  });
}

function subpackageRoots(distDir: string): string[] {
  const appJson = join(distDir, 'app.json');
  if (!existsSync(appJson)) throw new Error(`${appJson} 不存在：请先构建`);
  const app = JSON.parse(readFileSync(appJson, 'utf8')) as {
    subPackages?: { root: string }[];
    subpackages?: { root: string }[];
  };
  return (app.subPackages ?? app.subpackages ?? []).map((p) => p.root.replace(/^\/+|\/+$/g, ''));
}

export function formatBytes(bytes: number): string {
  if (bytes >= MB) return `${(bytes / MB).toFixed(2)} MB`;
  return `${(bytes / 1024).toFixed(1)} KB`;
}

export function measureMini(target: Target, distDir: string): SizeReport {
  const roots = subpackageRoots(distDir);
  const main: PackageSize = { name: '主包', root: '/', bytes: 0, files: 0, limit: MAIN_LIMIT };
  const subs = roots.map((root): PackageSize => ({ name: `分包 ${root}`, root, bytes: 0, files: 0, limit: PACKAGE_LIMIT }));
  for (const file of listFiles(distDir)) {
    const rel = relative(distDir, file).split(sep).join('/');
    if (NOT_SHIPPED.has(rel)) continue;
    const size = statSync(file).size;
    const pkg = subs.find((s) => rel.startsWith(`${s.root}/`)) ?? main;
    pkg.bytes += size;
    pkg.files += 1;
  }
  const packages = [main, ...subs];
  const problems = packages
    .filter((p) => p.bytes > p.limit)
    .map((p) => `${p.name} ${formatBytes(p.bytes)} 超过上限 ${formatBytes(p.limit)}`);
  return { target, packages, problems };
}

export function measureH5(distDir: string): SizeReport {
  let bytes = 0;
  let files = 0;
  for (const file of listFiles(distDir)) {
    bytes += statSync(file).size;
    files += 1;
  }
  const problems = existsSync(join(distDir, 'index.html')) ? [] : [`${distDir}/index.html 不存在`];
  return { target: 'h5', packages: [{ name: '全部文件', root: '/', bytes, files, limit: Infinity }], problems };
}

export function measure(target: Target, distDir: string): SizeReport {
  if (!existsSync(distDir)) return { target, packages: [], problems: [`${distDir} 不存在：请先运行 taro build --type ${target}`] };
  return target === 'h5' ? measureH5(distDir) : measureMini(target, distDir);
}

export function formatTable(report: SizeReport): string {
  const rows = [
    ['包', '路径', '文件数', '大小', '上限', '结果'],
    ...report.packages.map((p) => [
      p.name,
      p.root,
      String(p.files),
      formatBytes(p.bytes),
      Number.isFinite(p.limit) ? formatBytes(p.limit) : '-',
      p.bytes > p.limit ? '超限' : 'OK',
    ]),
  ];
  // CJK characters take two columns in a terminal.
  const width = (s: string) => Array.from(s).reduce((w, ch) => w + (/[\u3000-\u9fff\uff00-\uffef]/.test(ch) ? 2 : 1), 0);
  const cols = rows[0]!.map((_, i) => Math.max(...rows.map((r) => width(r[i]!))));
  const line = (r: string[]) => r.map((c, i) => c + ' '.repeat(cols[i]! - width(c))).join('  ');
  return [`[size] ${report.target}`, line(rows[0]!), cols.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}

if (require.main === module) {
  const target = process.argv[2] as Target | undefined;
  if (target !== 'weapp' && target !== 'alipay' && target !== 'h5') {
    console.error('usage: tsx scripts/check-size.ts weapp|alipay|h5 [distDir]');
    process.exit(2);
  }
  const distDir = resolve(process.argv[3] ?? join(__dirname, '..', 'dist', target));
  const report = measure(target, distDir);
  console.log(formatTable(report));
  if (report.problems.length) {
    for (const p of report.problems) console.error(`[size] 失败: ${p}`);
    process.exit(1);
  }
  console.log(`[size] ${target} OK`);
}
