// `npm test` runs every workspace's jest project in one run (see scripts/test.ts).
const fs = require('node:fs');
const path = require('node:path');

const projects = ['contract', 'crypto', 'prisma', 'mock', 'bff', 'client', 'e2e']
  .map((dir) => path.join(__dirname, dir))
  .filter((dir) => fs.existsSync(path.join(dir, 'jest.config.js')))
  .flatMap((dir) => {
    const config = require(path.join(dir, 'jest.config.js'));
    // A workspace may define several projects (e.g. client unit tests and the weapp simulation).
    return (config.projects ?? [dir]).map((p) => (typeof p === 'string' ? p : { rootDir: dir, ...p }));
  });

module.exports = { projects, testTimeout: 30_000 };
