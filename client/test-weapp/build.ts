/**
 * Where the WeChat build is, and whether it is usable: present and built from the current
 * sources (the hash `npm run build:weapp` stamps into client/dist/weapp/.source-hash, see
 * scripts/lib.ts). Shared by the simulator harness and the miniprogram-automator specs.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { clientSourceHash } from '../../scripts/lib';

export const REPO_ROOT = resolve(__dirname, '../..');
export const WEAPP_DIR = resolve(__dirname, '../dist/weapp');

/** Set WEAPP_SIM_ALLOW_STALE=1 to test a build made without the stamp (`npm run dev:weapp -w client`). */
const ALLOW_STALE = process.env.WEAPP_SIM_ALLOW_STALE === '1';
const FIX = 'Run `npm run build:weapp` in the repository root (`npm test` does it for you when the weapp-sim project is selected).';

let checked = false;

/** Throws a message that says what to run when the build is missing or stale. */
export function assertWeappBuild(): void {
  if (checked) return;
  const rel = relative(REPO_ROOT, WEAPP_DIR);
  if (!existsSync(join(WEAPP_DIR, 'app.js')) || !existsSync(join(WEAPP_DIR, 'app.json'))) {
    throw new Error(`The WeChat build is missing: ${rel}/app.js not found. ${FIX}`);
  }
  if (!ALLOW_STALE) {
    const stamp = join(WEAPP_DIR, '.source-hash');
    if (!existsSync(stamp)) {
      throw new Error(`The WeChat build in ${rel} has no .source-hash stamp (it was not made by \`npm run build:weapp\`), so it may be stale. ${FIX} Or set WEAPP_SIM_ALLOW_STALE=1 to test a watch build as it is.`);
    }
    if (readFileSync(stamp, 'utf8').trim() !== clientSourceHash('weapp')) {
      throw new Error(`The WeChat build in ${rel} is stale: the client sources (or contract/, client/.env*, TARO_APP_* variables) changed since it was built. ${FIX}`);
    }
  }
  checked = true;
}
