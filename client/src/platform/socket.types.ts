/**
 * WebSocket on each target, behind one small interface (services/realtime.ts uses it). One file
 * per target (socket.weapp.ts / socket.alipay.ts / socket.h5.ts), picked by Taro's
 * multi-platform resolution when importing '…/platform/socket'.
 */

export interface SocketConnection {
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onOpen(cb: () => void): void;
  /** Text frames only (the BFF sends JSON). */
  onMessage(cb: (data: string) => void): void;
  onError(cb: (message: string) => void): void;
  onClose(cb: (code: number, reason: string) => void): void;
}

export interface SocketBridge {
  /** The platform sends `header` with the upgrade (mini-programs); browsers cannot. */
  readonly sendsHeaders: boolean;
  /** The ws:// / wss:// address of a BFF path (`/api/v1/…`), with its query. */
  url(path: string): string;
  /**
   * Opens a connection. `header` reaches the server on the mini-programs; browsers cannot send
   * headers with a WebSocket, so anything the server needs must also be in the URL or the first
   * frame. Rejects when the platform refuses to start one.
   */
  connect(url: string, header: Record<string, string>): Promise<SocketConnection>;
}

/** http(s)://host/… → ws(s)://host/… */
export function toWebSocketUrl(httpUrl: string): string {
  return httpUrl.replace(/^http(s?):\/\//i, (_m, s: string) => `ws${s}://`);
}

/** A frame's payload as text (mini-programs may hand over an ArrayBuffer). */
export function frameText(data: unknown): string {
  if (typeof data === 'string') return data;
  if (data instanceof ArrayBuffer && typeof TextDecoder !== 'undefined') return new TextDecoder().decode(data);
  return '';
}

export function errorText(e: unknown): string {
  const f = (e ?? {}) as { errMsg?: unknown; errorMessage?: unknown; message?: unknown };
  const text = [f.errMsg, f.errorMessage, f.message].find((v) => typeof v === 'string' && v);
  return typeof text === 'string' ? text : 'socket error';
}
