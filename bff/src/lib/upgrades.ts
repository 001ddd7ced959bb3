/**
 * HTTP upgrade requests (WebSockets) of the BFF's server: domains register a handler while
 * their router is built (`deps.upgrades.register(...)`); server.ts offers each upgrade to them
 * and refuses what nobody takes. On shutdown the server closes them first (their sockets are
 * not HTTP connections: the server's own draining does not see them).
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';

export interface UpgradeHandler {
  /** true: taken (answered or upgraded); false: not this handler's path. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  /** Closes its sockets and stops its waiting work. */
  close(): Promise<void>;
}

export class UpgradeRegistry {
  private readonly handlers: UpgradeHandler[] = [];

  register(handler: UpgradeHandler): void {
    this.handlers.push(handler);
  }

  handle(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    for (const h of this.handlers) if (h.handleUpgrade(req, socket, head)) return;
    socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.handlers.map((h) => h.close()));
  }
}
