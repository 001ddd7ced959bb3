import { platform } from './index.h5';
import { connectWithTaro } from './taroSocket';
import { toWebSocketUrl, type SocketBridge } from './socket.types';

/** The page's own origin when the BFF serves the H5 build (apiBase ''). */
function origin(): string {
  const base = platform.apiBase.replace(/\/+$/, '');
  if (base) return base;
  const loc = globalThis.location;
  return loc ? `${loc.protocol}//${loc.host}` : '';
}

/** H5: the browser's WebSocket through Taro (no custom headers: the server reads the URL). */
export const socket: SocketBridge = {
  sendsHeaders: false,
  url: (path) => toWebSocketUrl(`${origin()}${path}`),
  connect: connectWithTaro,
};
