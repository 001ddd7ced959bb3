/**
 * `npm test`: every test of every workspace, in one jest run (projects), after making sure the
 * things the tests load exist: the generated Prisma client, the native crypto addon (if any),
 * and up-to-date weapp and H5 builds (the weapp simulation and the H5 e2e test real output).
 * Extra arguments go to jest, e.g. `npm test -- --selectProjects bff`.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ensureClientBuild, log, ROOT, run } from './lib';

const args = process.argv.slice(2);
const selected = (name: string) => {
  const i = args.indexOf('--selectProjects');
  return i < 0 || args.slice(i + 1).some((a) => a === name);
};

log('generating the Prisma client');
run('npm', ['run', 'db:generate', '--silent']);
if (existsSync(join(ROOT, 'crypto', 'binding.gyp'))) {
  log('building the native SM2 addon');
  run('npm', ['run', 'build', '--silent', '-w', 'crypto']);
}
if (!process.env.SKIP_CLIENT_BUILD) {
  if (selected('weapp-sim')) ensureClientBuild('weapp');
  if (selected('e2e')) ensureClientBuild('h5');
}
log('running jest (all workspaces)');
run('npx', ['jest', '--ci', ...args]);
