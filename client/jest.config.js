// Client tests. `projects` so further client suites (e.g. a simulation of the weapp build)
// can be added next to the unit tests; the root jest.config.js picks them all up.
const path = require('node:path');
const base = require('../jest.base.js');

const unit = {
  ...base,
  displayName: 'client',
  rootDir: __dirname,
  testEnvironment: 'jsdom',
  testMatch: ['<rootDir>/test/**/*.test.ts?(x)'],
  moduleFileExtensions: ['ts', 'tsx', 'js', 'jsx', 'json'],
  moduleNameMapper: {
    // Small doubles of Taro's runtime so pages render in jsdom (see test/doubles/).
    '^@tarojs/taro$': '<rootDir>/test/doubles/taro.ts',
    '^@tarojs/components$': '<rootDir>/test/doubles/components.tsx',
    // What Taro's multi-platform resolution does at build time; tests run the H5 flavour.
    '^(\\.\\./)+platform$': '<rootDir>/src/platform/index.h5.ts',
    '^(\\.\\./)+platform/identity$': '<rootDir>/src/platform/identity.h5.ts',
    '^(\\.\\./)+platform/pay$': '<rootDir>/src/platform/pay.h5.ts',
    '^(\\.\\./)+platform/(media|socket)$': '<rootDir>/src/platform/$2.h5.ts',
    '\\.(css|scss)$': '<rootDir>/test/doubles/style.ts',
    '\\.(png|jpe?g|gif|svg)$': '<rootDir>/test/doubles/file.ts',
  },
  // NutUI ships ES modules: compile them like our code.
  transformIgnorePatterns: ['/node_modules/(?!(@nutui)/)'],
  setupFilesAfterEnv: ['<rootDir>/test/setup.ts'],
  clearMocks: true,
};

// The real WeChat build (client/dist/weapp) run in miniprogram-simulate (test-weapp/harness.ts).
// The compiled JS and WXML are executed as built: never transformed by jest.
const weappSim = {
  ...base,
  displayName: 'weapp-sim',
  rootDir: __dirname,
  testEnvironment: 'jsdom',
  testMatch: ['<rootDir>/test-weapp/**/*.test.ts'],
  transformIgnorePatterns: ['/node_modules/', '/dist/'],
  clearMocks: true,
};

module.exports = { projects: [unit, weappSim], rootDir: path.resolve(__dirname) };
