/**
 * The BFF process: configuration → logger → Prisma → HTTP server; graceful shutdown on
 * SIGTERM/SIGINT. `startServer()` holds the lifecycle so tests can drive it without signals:
 *   close(): stop accepting connections, let in-flight requests finish (answered with
 *   `Connection: close`), close idle keep-alive sockets, force-close whatever is left after
 *   SHUTDOWN_GRACE_MS, then disconnect Prisma.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createPrisma } from '@ih/db';
import { ConfigError, describeConfig, loadConfig } from './config';
import { createApp, type BffApp } from './app';
import { createLogger } from './logger';
import type { AppDeps } from './deps';

export interface RunningServer {
  /** http://host:port the server answers on (127.0.0.1 when bound to all interfaces). */
  url: string;
  server: Server;
  app: BffApp;
  /** Graceful shutdown; idempotent (every call returns the same promise). */
  close(): Promise<void>;
}

export interface StartOptions extends AppDeps {
  /** An app built by createApp (tests add routes to it first); built from deps when absent. */
  app?: BffApp;
}

const sleep = (ms: number) => new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), ms).unref());

export async function startServer(opts: StartOptions): Promise<RunningServer> {
  const { config, prisma, logger } = opts;
  const app = opts.app ?? createApp(opts);
  const server = createServer(app.callback());
  // WebSockets (the consultation room): whoever registered the path takes it, the rest is refused.
  server.on('upgrade', (req, socket, head) => app.upgrades.handle(req, socket, head));
  // Time to receive a whole request (slow-loris bound); the handler's own limit is in the app.
  server.requestTimeout = config.requestTimeoutMs;
  server.headersTimeout = Math.min(60_000, config.requestTimeoutMs);

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = ['0.0.0.0', '::', ''].includes(config.host) ? '127.0.0.1' : config.host.includes(':') ? `[${config.host}]` : config.host;
  const url = `http://${host}:${address.port}`;

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      app.lifecycle.draining = true;
      await app.jobs.stop();
      logger.info({ graceMs: config.shutdownGraceMs }, 'shutting down: no new connections, finishing in-flight requests');
      const closed = new Promise<'closed'>((resolve) => server.close(() => resolve('closed')));
      server.closeIdleConnections();
      // WebSockets and waiting long polls end now (they would hold the drain up; clients reconnect elsewhere).
      await app.upgrades.close();
      // Connections that go idle while draining (keep-alive clients) are closed as they do.
      const sweeper = setInterval(() => server.closeIdleConnections(), 100);
      try {
        if ((await Promise.race([closed, sleep(config.shutdownGraceMs)])) === 'timeout') {
          logger.warn('shutdown grace period over: closing the remaining connections');
          server.closeAllConnections();
          await closed;
        }
      } finally {
        clearInterval(sweeper);
      }
      try {
        await prisma.$disconnect();
      } catch (err) {
        logger.warn({ err }, 'database disconnect failed');
      }
      logger.info('shut down');
    })());

  return { url, server, app, close };
}

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  const logger = createLogger({ level: config.logLevel, format: config.logFormat });
  const prisma = createPrisma(config.databaseUrl);
  const running = await startServer({ config, prisma, logger });
  if (config.jobsEnabled) running.app.jobs.start();
  logger.info({ config: describeConfig(config) }, 'configuration');
  if (!config.staticDir) logger.warn('H5 build not found (STATIC_DIR): only the API is served; run `npm run build:h5`');
  process.stdout.write(`BFF listening on ${running.url} (API ${running.url}/api/v1/meta, ready ${running.url}/readyz)\n`);

  let stopping = false;
  const stop = (signal: string, code = 0) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'signal received');
    running.close().then(
      () => process.exit(code),
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('unhandledRejection', (err) => logger.error({ err }, 'unhandled promise rejection'));
  process.on('uncaughtException', (err) => {
    logger.fatal({ err }, 'uncaught exception');
    stop('uncaughtException', 1);
  });
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`BFF 启动失败: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
