module.exports = { ...require('../jest.base.js'), displayName: 'crypto', testMatch: ['<rootDir>/test/**/*.test.ts'] };
