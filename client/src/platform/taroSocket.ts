import Taro from '@tarojs/taro';
import { errorText, frameText, type SocketConnection } from './socket.types';

/** Taro.connectSocket's SocketTask (WeChat's wx.connectSocket, H5's WebSocket wrapper) as a SocketConnection. */
export async function connectWithTaro(url: string, header: Record<string, string>): Promise<SocketConnection> {
  const task = await Taro.connectSocket({ url, header });
  return {
    send: (data) => void task.send({ data }),
    close: (code = 1000, reason = '') => void task.close({ code, reason }),
    onOpen: (cb) => task.onOpen(() => cb()),
    onMessage: (cb) => task.onMessage((m) => cb(frameText(m.data))),
    onError: (cb) => task.onError((e) => cb(errorText(e))),
    onClose: (cb) => task.onClose((e) => cb(typeof e?.code === 'number' ? e.code : 1006, typeof e?.reason === 'string' ? e.reason : '')),
  };
}
