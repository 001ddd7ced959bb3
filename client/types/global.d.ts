/// <reference types="@tarojs/taro" />

declare module '*.png';
declare module '*.scss';
declare module '*.css';

declare namespace NodeJS {
  interface ProcessEnv {
    NODE_ENV: 'development' | 'production' | 'test';
    /** The build target, set by `taro build --type`. */
    TARO_ENV: 'weapp' | 'alipay' | 'h5';
    /** BFF origin for the mini-program builds (client/.env.*). */
    TARO_APP_API_BASE?: string;
    /** BFF origin for the H5 build; empty = same origin (client/.env.*). */
    TARO_APP_H5_API_BASE?: string;
  }
}
