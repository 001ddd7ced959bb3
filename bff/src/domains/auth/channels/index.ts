/** Patient sign-in through WeChat, Alipay and the national insurance APP (see routes.ts). */
export { channelAuthRouter, LOGIN_COOKIE } from './routes';
export { findOrCreatePatientUser, type ChannelKey, type ChannelUser } from './users';
