import path from 'node:path';
import { defineConfig, type UserConfigExport } from '@tarojs/cli';
import devConfig from './dev';
import prodConfig from './prod';

/**
 * Taro build configuration for the three targets (weapp, alipay, h5), webpack5 runner.
 * Output lands in client/dist/<TARO_ENV>/ so the targets never overwrite each other.
 *
 * Environment (loaded by Taro from client/.env.<mode>, mode = development for --watch,
 * production for a plain build; a shell variable of the same name wins over the file):
 *   TARO_APP_API_BASE     absolute origin of the BFF for the mini-program builds (they have no
 *                         origin of their own), e.g. http://127.0.0.1:3000 in DevTools.
 *   TARO_APP_H5_API_BASE  origin of the BFF for the H5 build; empty = same origin (the BFF
 *                         serves the H5 build itself).
 * See client/src/platform/*: each target picks its own base.
 */

const TARGET = process.env.TARO_ENV ?? 'weapp';
const IS_MINI = TARGET !== 'h5';
const IS_WEAPP = TARGET === 'weapp';

/** @ih/contract is a workspace package shipped as TypeScript source (symlinked in node_modules). */
const CONTRACT_SRC = path.resolve(__dirname, '..', '..', 'contract', 'src');
/** zod 4 ships ES2021 syntax (`??=`); compile it down like our own code for older WebViews. */
const ZOD_DIR = /[\\/]node_modules[\\/]zod[\\/]/;
const COMPILE_INCLUDE = [CONTRACT_SRC, (file: string) => ZOD_DIR.test(file)];

/** NutUI's styles are written for a 375-wide design; our own styles for 750. */
function designWidth(input?: unknown): number {
  const file = (input as { file?: string } | undefined)?.file;
  if (typeof file === 'string' && file.replace(/\\+/g, '/').includes('@nutui')) return 375;
  return 750;
}

const PXTRANSFORM = {
  enable: true,
  config: {
    // NutUI already sizes itself (CSS variables with px fallbacks); converting it twice breaks it.
    selectorBlackList: ['nut-'],
  },
};

function checkApiBase(): void {
  if (!IS_MINI) return;
  const base = process.env.TARO_APP_API_BASE ?? '';
  if (!/^https?:\/\/[^/]+/.test(base)) {
    throw new Error(
      `[client] TARO_APP_API_BASE 必须是 BFF 的绝对地址（如 http://127.0.0.1:3000），当前为 "${base}"。` +
        '请在 client/.env.<mode> 或环境变量中设置。',
    );
  }
}

export default defineConfig<'webpack5'>(async (merge) => {
  checkApiBase();

  const baseConfig: UserConfigExport<'webpack5'> = {
    projectName: 'internet-hospital-client',
    date: '2026-11-22',
    designWidth,
    deviceRatio: {
      640: 2.34 / 2,
      750: 1,
      375: 2,
      828: 1.81 / 2,
    },
    sourceRoot: 'src',
    outputRoot: `dist/${TARGET}`,
    // plugin-html: NutUI renders some HTML elements (e.g. the <i> of its icons); without it the
    // mini-program builds have no template for them and icons/spinners are missing.
    plugins: ['@tarojs/plugin-html'],
    defineConstants: {},
    // Defaults so the code never reads an undefined process.env key; client/.env.<mode> and the
    // shell override them (Taro merges TARO_APP_* from the env files over this object).
    env: {
      TARO_APP_API_BASE: JSON.stringify(process.env.TARO_APP_API_BASE ?? ''),
      TARO_APP_H5_API_BASE: JSON.stringify(process.env.TARO_APP_H5_API_BASE ?? ''),
    },
    copy: {
      // Alipay's IDE reads mini.project.json from the opened folder (dist/alipay).
      patterns: TARGET === 'alipay' ? [{ from: 'mini.project.json', to: `dist/${TARGET}/mini.project.json` }] : [],
      options: {},
    },
    framework: 'react',
    compiler: {
      type: 'webpack5',
      // Dependency prebundling (dev builds only) fails here against the hoisted enhanced-resolve 5.27
      // ("options.roots.map is not a function") and Taro then skips it anyway: keep it off.
      // Should it be turned on, NutUI must stay excluded (else "template not found").
      prebundle: { enable: false, exclude: ['@nutui/nutui-react-taro', '@nutui/icons-react-taro'] },
    },
    cache: { enable: false },
    mini: {
      compile: { include: COMPILE_INCLUDE },
      // Moves code used only by a subpackage out of the main package. Works for WeChat only;
      // scripts/check-size.ts checks the Alipay package separately.
      optimizeMainPackage: { enable: IS_WEAPP },
      postcss: {
        pxtransform: PXTRANSFORM,
        url: { enable: true, config: { limit: 1024 } },
        cssModules: { enable: false, config: { namingPattern: 'module', generateScopedName: '[name]__[local]___[hash:base64:5]' } },
      },
    },
    h5: {
      publicPath: '/',
      staticDirectory: 'static',
      // Hash routing needs no server-side rewrites and survives the insurance APP's webview,
      // which may reload or share the URL with arbitrary paths.
      router: { mode: 'hash' },
      compile: { include: COMPILE_INCLUDE },
      output: {
        filename: 'js/[name].[hash:8].js',
        chunkFilename: 'js/[name].[chunkhash:8].js',
      },
      miniCssExtractPluginOption: {
        ignoreOrder: true,
        filename: 'css/[name].[hash].css',
        chunkFilename: 'css/[name].[chunkhash].css',
      },
      postcss: {
        pxtransform: PXTRANSFORM,
        autoprefixer: { enable: true, config: {} },
        cssModules: { enable: false, config: { namingPattern: 'module', generateScopedName: '[name]__[local]___[hash:base64:5]' } },
      },
      webpackChain(chain) {
        // Taro splits only initial chunks on H5, so every lazily loaded page carried its own copy
        // of NutUI and the shared components. Split async chunks too: shared code loads once.
        const splitChunks = chain.optimization.get('splitChunks');
        if (splitChunks) chain.optimization.splitChunks({ ...splitChunks, chunks: 'all' });
      },
      devServer: {
        // `npm run dev:h5` serves on :10086; API calls go to the BFF like in production.
        proxy: [{ context: ['/api'], target: 'http://127.0.0.1:3000', changeOrigin: true }],
      },
    },
  };

  if (process.env.NODE_ENV === 'development') {
    return merge({}, baseConfig, devConfig);
  }
  return merge({}, baseConfig, prodConfig);
});
