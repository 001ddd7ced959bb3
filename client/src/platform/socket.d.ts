// Type of the socket module; the build resolves '…/platform/socket' to socket.<TARO_ENV>.ts.
import type { SocketBridge } from './socket.types';

export type { SocketBridge, SocketConnection } from './socket.types';
export declare const socket: SocketBridge;
