module.exports = { ...require('../jest.base.js'), displayName: 'mock', testMatch: ['<rootDir>/test/**/*.test.ts'] };
