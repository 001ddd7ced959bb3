/**
 * `npm test`: every test of every workspace, in one jest run (projects), after making sure the
 * things the tests load exist: the generated Prisma client and up-to-date weapp and H5 builds (the weapp simulation and the H5 e2e test real output).
 * Extra arguments go to jest, e.g. `npm test -- --selectProjects bff`.
 */
import { ensureClientBuild, log, run } from './lib';

const args = process.argv.slice(2);
const selected = (name: string) => {
  const i = args.indexOf('--selectProjects');
  return i < 0 || args.slice(i + 1).some((a) => a === name);
};

log('generating the Prisma client');
run('npm', ['run', 'db:generate', '--silent']);
if (!process.env.SKIP_CLIENT_BUILD) {
  if (selected('weapp-sim')) ensureClientBuild('weapp');
  if (selected('e2e')) ensureClientBuild('h5');
}
log('running jest (all workspaces)');
run('npx', ['jest', '--ci', ...args]);
