/**
 * `npm start`: the whole product on this machine with demo data and the mocks.
 *   1. local demo secrets (.data/, generated once, git-ignored)
 *   2. Prisma client, migrations, demo seed (only into an empty database)
 *   3. the H5 build (rebuilt only when client sources changed)
 *   4. the mocks of every outside platform and the BFF (which also serves the H5 build)
 * Then prints where to open it. Ctrl-C stops everything.
 */
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { ensureClientBuild, ensureLocalSecrets, log, ROOT, run, startChild, waitForHttp } from './lib';

async function main(): Promise<void> {
  const port = Number(process.env.PORT ?? 3000);
  const mockPort = Number(process.env.MOCK_PORT ?? 3100);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...ensureLocalSecrets(),
    PORT: String(port),
    MOCK_PORT: String(mockPort),
    DATABASE_URL: process.env.DATABASE_URL ?? 'mysql://root@127.0.0.1:3306/internet_hospital',
    MOCK_DATA_DIR: process.env.MOCK_DATA_DIR ?? join(ROOT, '.data', 'mock'),
  };

  log('Prisma client, migrations and demo data');
  run('npm', ['run', 'db:generate', '--silent'], env);
  run('npm', ['run', 'db:migrate', '--silent'], env);
  run('npm', ['run', 'db:seed', '--silent'], env);

  if (!process.env.SKIP_CLIENT_BUILD) ensureClientBuild('h5');

  const children: ChildProcess[] = [];
  const stop = (signal: NodeJS.Signals) => {
    log(`stopping (${signal}) …`);
    for (const c of children) c.kill('SIGTERM');
    setTimeout(() => process.exit(0), 8000).unref();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);

  children.push(startChild('mock', 'npx', ['tsx', 'mock/src/main.ts'], env));
  await waitForHttp(`http://127.0.0.1:${mockPort}/healthz`);
  children.push(startChild('bff', 'npx', ['tsx', 'bff/src/server.ts'], env));
  await waitForHttp(`http://127.0.0.1:${port}/readyz`);

  const line = '─'.repeat(64);
  process.stdout.write(
    `\n${line}\n  互联网医院 · 医保移动支付 已启动（演示数据 + 外部平台模拟）\n\n` +
      `  H5（在浏览器打开）:      http://127.0.0.1:${port}/\n` +
      `  BFF 接口:               http://127.0.0.1:${port}/api/v1/meta\n` +
      `  健康检查:               http://127.0.0.1:${port}/readyz\n` +
      `  外部平台模拟（mock）:   http://127.0.0.1:${mockPort}/__admin\n` +
      `  微信开发者工具:         导入仓库根目录（project.config.json → client/dist/weapp，先 npm run build:weapp）\n` +
      `  支付宝开发者工具:       打开 client/dist/alipay（先 npm run build:alipay）\n` +
      `\n  Ctrl-C 停止\n${line}\n`,
  );
  await Promise.race(children.map((c) => new Promise((r) => c.on('exit', r))));
  stop('SIGTERM');
}

main().catch((e: Error) => {
  process.stderr.write(`\n启动失败: ${e.message}\n`);
  process.exit(1);
});
