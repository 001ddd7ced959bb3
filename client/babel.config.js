// babel-preset-taro options: https://docs.taro.zone/docs/next/babel-config
// Applies project-wide, so it also compiles @ih/contract's TypeScript source (see config/index.ts).
module.exports = {
  presets: [
    [
      'taro',
      {
        framework: 'react',
        ts: true,
        compiler: 'webpack5',
      },
    ],
  ],
};
