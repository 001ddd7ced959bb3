// BFF tests run against a real MariaDB: one fresh, migrated database per run (test/globalSetup.ts).
module.exports = {
  ...require('../jest.base.js'),
  displayName: 'bff',
  rootDir: __dirname,
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  globalSetup: '<rootDir>/test/globalSetup.ts',
  globalTeardown: '<rootDir>/test/globalTeardown.ts',
  testTimeout: 30_000,
};
