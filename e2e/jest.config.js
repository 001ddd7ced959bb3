// H5 end-to-end tests: real Chromium against the H5 build served by the real BFF and mocks.
module.exports = {
  ...require('../jest.base.js'),
  displayName: 'e2e',
  testMatch: ['<rootDir>/tests/**/*.e2e.ts'],
  globalSetup: '<rootDir>/src/global-setup.ts',
  globalTeardown: '<rootDir>/src/global-teardown.ts',
  testTimeout: 90_000,
};
