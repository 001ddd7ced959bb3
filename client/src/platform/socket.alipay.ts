import { platform } from './index.alipay';
import { errorText, frameText, toWebSocketUrl, type SocketBridge } from './socket.types';

/** Alipay's SocketTask (my.connectSocket with multiple: true). */
interface AlipaySocketTask {
  send(o: { data: string }): void;
  close(o?: { code?: number; reason?: string }): void;
  onOpen(cb: () => void): void;
  onMessage(cb: (res: { data?: unknown }) => void): void;
  onError(cb: (e: unknown) => void): void;
  onClose(cb: (e?: { code?: number; reason?: string }) => void): void;
}
interface AlipayMy {
  connectSocket(o: { url: string; header?: Record<string, string>; multiple?: boolean; fail?: (e: unknown) => void }): AlipaySocketTask | undefined;
}
declare const my: AlipayMy;

/**
 * Alipay: Taro maps connectSocket to the old single-connection API (my.onSocketOpen, …), whose
 * listeners are global and pile up on every reconnect. `multiple: true` gives a SocketTask
 * whose listeners belong to that connection.
 */
export const socket: SocketBridge = {
  sendsHeaders: true,
  url: (path) => toWebSocketUrl(`${platform.apiBase.replace(/\/+$/, '')}${path}`),
  connect(url, header) {
    return new Promise((resolve, reject) => {
      let failed = false;
      const task = my.connectSocket({
        url,
        header,
        multiple: true,
        fail: (e) => {
          failed = true;
          reject(new Error(errorText(e)));
        },
      });
      if (failed) return;
      if (!task) {
        reject(new Error('my.connectSocket returned no SocketTask'));
        return;
      }
      resolve({
        send: (data) => task.send({ data }),
        close: (code = 1000, reason = '') => task.close({ code, reason }),
        onOpen: (cb) => task.onOpen(() => cb()),
        onMessage: (cb) => task.onMessage((m) => cb(frameText(m?.data))),
        onError: (cb) => task.onError((e) => cb(errorText(e))),
        onClose: (cb) => task.onClose((e) => cb(typeof e?.code === 'number' ? e.code : 1006, typeof e?.reason === 'string' ? e.reason : '')),
      });
    });
  },
};
