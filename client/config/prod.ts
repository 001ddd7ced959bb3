import type { UserConfigExport } from '@tarojs/cli';

/** `taro build` (NODE_ENV=production): minified output (Taro's defaults: terser + csso). */
export default {
  mini: {},
  h5: {},
} satisfies UserConfigExport<'webpack5'>;
