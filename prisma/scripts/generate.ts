/**
 * `npm run db:generate`: `prisma generate` offline. The Prisma CLI first tries to download its
 * schema engine; pointing PRISMA_SCHEMA_ENGINE_BINARY at any existing file (/bin/false) skips
 * that, and `generate` itself does not need the engine (see /work/shared/environment.md).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..');
const cli = require.resolve('prisma/build/index.js');
const engineStub = process.env.PRISMA_SCHEMA_ENGINE_BINARY && existsSync(process.env.PRISMA_SCHEMA_ENGINE_BINARY) ? process.env.PRISMA_SCHEMA_ENGINE_BINARY : '/bin/false';

const r = spawnSync(process.execPath, [cli, 'generate', '--config', join(root, 'prisma.config.ts')], {
  cwd: root,
  stdio: 'inherit',
  env: {
    ...process.env,
    PRISMA_SCHEMA_ENGINE_BINARY: engineStub,
    PRISMA_HIDE_UPDATE_MESSAGE: '1',
    CHECKPOINT_DISABLE: '1',
  },
});
if (r.status !== 0) {
  process.stderr.write('prisma generate 失败 / prisma generate failed\n');
  process.exit(r.status ?? 1);
}
