import { platform } from './index.weapp';
import { connectWithTaro } from './taroSocket';
import { toWebSocketUrl, type SocketBridge } from './socket.types';

/** WeChat: wx.connectSocket returns a SocketTask (up to 5 at a time); headers are sent. */
export const socket: SocketBridge = {
  sendsHeaders: true,
  url: (path) => toWebSocketUrl(`${platform.apiBase.replace(/\/+$/, '')}${path}`),
  connect: connectWithTaro,
};
