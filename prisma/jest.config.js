// Tests run against the real MariaDB of DATABASE_URL's server: each run creates its own
// `ih_test_<random>` databases and drops them afterwards.
module.exports = {
  ...require('../jest.base.js'),
  displayName: 'prisma',
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  testTimeout: 60_000,
};
