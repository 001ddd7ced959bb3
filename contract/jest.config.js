module.exports = { ...require('../jest.base.js'), displayName: 'contract', testMatch: ['<rootDir>/test/**/*.test.ts'] };
