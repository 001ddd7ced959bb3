/** Starts every mock on MOCK_PORT (default 3100). Faults for demos: MOCK_FAULTS='[{"platform":…,"kind":…}]'. */
import { createMockApp } from './app';
import { allPlatforms } from './platforms';

const port = Number(process.env.MOCK_PORT ?? 3100);
const host = process.env.MOCK_HOST ?? '127.0.0.1';
const publicUrl = process.env.MOCK_PUBLIC_URL ?? `http://${host}:${port}`;
const { app, faults } = createMockApp({ platforms: allPlatforms(process.env), publicUrl: () => publicUrl });
faults.loadFromEnv(process.env.MOCK_FAULTS);
const server = app.listen(port, host, () => {
  process.stdout.write(`mock platforms listening on ${publicUrl} (admin: ${publicUrl}/__admin)\n`);
});
const shutdown = () => server.close(() => process.exit(0));
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
