// The unit tests run the H5 flavour of the app (see moduleNameMapper for the platform module).
process.env.TARO_ENV = 'h5';

import { __resetStorage } from './doubles/taro';

beforeEach(() => {
  __resetStorage();
  globalThis.localStorage?.clear();
});
