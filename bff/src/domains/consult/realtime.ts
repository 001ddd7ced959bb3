/**
 * WebSocket push for consultation rooms (`ws` library) at /api/v1/consultations/ws, on the BFF's
 * own HTTP server (server.ts hands it the upgrade requests). Protocol: contract/src/consult.ts.
 *
 * - Authentication: the session's access token, from the upgrade's Authorization header
 *   (mini-programs) or the first frame {type:'auth'} (browsers), checked like every HTTP request;
 *   re-checked every minute, so a revoked or expired session is closed with 4401 (the client
 *   refreshes and reconnects).
 * - Each subscription is a loop on the same RoomWatcher as the long poll: woken by this process's
 *   bus or by the database poll (other instances), it re-reads the room with the access check
 *   and pushes the messages after the last seq it sent, then the state if it changed. A client
 *   that reconnects subscribes with its last seq and gets what it missed first.
 * - Sending stays on HTTP (POST …/messages): one validated, idempotent path.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, WebSocket, type RawData } from 'ws';
import {
  CONSULT_WS_PATH,
  WS_CLOSE_CODES,
  WsClientMessageSchema,
  messageForCode,
  type WsServerMessage,
} from '@ih/contract';
import type { Logger } from '../../logger';
import { isAppError } from '../../lib/errors';
import type { SessionService } from '../auth/sessions';
import { resolveActor, type Actor } from './access';
import type { ConsultCore } from './core';
import type { Room } from './room';

const MAX_SUBSCRIPTIONS = 20;
const MAX_BUFFERED = 1024 * 1024;
const PUSH_BATCH = 100;

export interface RealtimeOptions {
  pingMs?: number;
  authTimeoutMs?: number;
  recheckSessionMs?: number;
}

interface Subscription {
  abort: AbortController;
}

class Connection {
  actor: Actor | null = null;
  token: string | null = null;
  readonly subs = new Map<string, Subscription>();
  alive = true;
  private timers: NodeJS.Timeout[] = [];

  constructor(
    readonly ws: WebSocket,
    private readonly rt: ConsultRealtime,
  ) {}

  send(msg: WsServerMessage): void {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    if (this.ws.bufferedAmount > MAX_BUFFERED) {
      // A client that does not read: drop it (it reconnects and catches up from its last seq).
      this.ws.terminate();
      return;
    }
    this.ws.send(JSON.stringify(msg));
  }

  error(code: string, consultationId?: string, message?: string): void {
    this.send({ type: 'error', code, message: message ?? messageForCode(code), ...(consultationId ? { consultationId } : {}) });
  }

  timer(t: NodeJS.Timeout): void {
    t.unref();
    this.timers.push(t);
  }

  dispose(): void {
    for (const t of this.timers) clearInterval(t);
    for (const s of this.subs.values()) s.abort.abort();
    this.subs.clear();
  }

  closeWith(code: number, reason: string): void {
    this.dispose();
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) this.ws.close(code, reason);
  }

  get realtime(): ConsultRealtime {
    return this.rt;
  }
}

export class ConsultRealtime {
  private readonly wss: WebSocketServer;
  private readonly conns = new Set<Connection>();
  private readonly pingMs: number;
  private readonly authTimeoutMs: number;
  private readonly recheckMs: number;
  private closed = false;

  constructor(
    private readonly core: ConsultCore,
    private readonly room: Room,
    private readonly sessions: SessionService,
    private readonly logger: Logger,
    opts: RealtimeOptions = {},
  ) {
    this.wss = new WebSocketServer({ noServer: true, maxPayload: 4096, perMessageDeflate: false });
    this.pingMs = opts.pingMs ?? 30_000;
    this.authTimeoutMs = opts.authTimeoutMs ?? 10_000;
    this.recheckMs = opts.recheckSessionMs ?? 60_000;
  }

  readonly path = CONSULT_WS_PATH;

  /** Takes the upgrade if it is ours (returns false otherwise: the caller answers it). */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const path = (req.url ?? '').split('?')[0];
    if (path !== CONSULT_WS_PATH) return false;
    if (this.closed) {
      socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\n\r\n');
      return true;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.onConnection(ws, req));
    return true;
  }

  /** Closes every socket (shutdown: 1001, the clients reconnect to another instance). */
  async close(): Promise<void> {
    this.closed = true;
    for (const c of [...this.conns]) c.closeWith(WS_CLOSE_CODES.SHUTTING_DOWN, 'shutting down');
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  get connectionCount(): number {
    return this.conns.size;
  }

  private onConnection(ws: WebSocket, req: IncomingMessage): void {
    const conn = new Connection(ws, this);
    this.conns.add(conn);
    ws.on('close', () => {
      conn.dispose();
      this.conns.delete(conn);
    });
    ws.on('error', (err) => this.logger.debug({ err: { message: err.message } }, 'consultation socket error'));
    ws.on('pong', () => {
      conn.alive = true;
    });
    conn.timer(
      setInterval(() => {
        if (!conn.alive) return ws.terminate();
        conn.alive = false;
        ws.ping();
      }, this.pingMs),
    );
    // Frames are handled one after another (subscribe before its unsubscribe).
    let chain = Promise.resolve();
    ws.on('message', (data: RawData, isBinary: boolean) => {
      chain = chain.then(() => this.onFrame(conn, data, isBinary)).catch((err: unknown) => {
        this.logger.warn({ err: { name: (err as Error).name, message: (err as Error).message } }, 'consultation socket frame failed');
        conn.error('INTERNAL');
      });
    });

    const header = /^Bearer ([A-Za-z0-9._~+/=-]{1,512})$/i.exec((req.headers.authorization ?? '').trim());
    if (header) {
      chain = chain.then(() => this.authenticate(conn, header[1]!));
    } else {
      conn.timer(
        setTimeout(() => {
          if (!conn.actor) conn.closeWith(WS_CLOSE_CODES.UNAUTHENTICATED, 'authentication required');
        }, this.authTimeoutMs),
      );
    }
  }

  private async authenticate(conn: Connection, token: string): Promise<void> {
    try {
      const session = await this.sessions.authenticate(token);
      const actor = await resolveActor(this.core.prisma, session.user);
      conn.actor = actor;
      conn.token = token;
      conn.send({ type: 'ready', role: actor.user.role });
      conn.timer(setInterval(() => void this.recheck(conn), this.recheckMs));
    } catch (err) {
      const code = isAppError(err) ? err.code : 'UNAUTHENTICATED';
      conn.error(code);
      conn.closeWith(WS_CLOSE_CODES.UNAUTHENTICATED, code);
    }
  }

  private async recheck(conn: Connection): Promise<void> {
    if (!conn.token) return;
    try {
      await this.sessions.authenticate(conn.token);
    } catch (err) {
      if (isAppError(err) && err.status === 401) {
        conn.error(err.code);
        conn.closeWith(WS_CLOSE_CODES.UNAUTHENTICATED, err.code);
      } else if (isAppError(err) && err.code === 'ACCOUNT_DISABLED') {
        conn.closeWith(WS_CLOSE_CODES.UNAUTHENTICATED, err.code);
      }
      // Database trouble: keep the socket; the next check decides.
    }
  }

  private async onFrame(conn: Connection, data: RawData, isBinary: boolean): Promise<void> {
    let parsed;
    try {
      if (isBinary) throw new Error('binary');
      parsed = WsClientMessageSchema.safeParse(JSON.parse(data.toString()));
    } catch {
      parsed = null;
    }
    if (!parsed?.success) {
      conn.error('BAD_REQUEST', undefined, '消息格式不正确');
      conn.closeWith(WS_CLOSE_CODES.BAD_FRAME, 'bad frame');
      return;
    }
    const msg = parsed.data;
    if (msg.type === 'ping') return conn.send({ type: 'pong' });
    if (msg.type === 'auth') {
      if (conn.actor) return;
      return this.authenticate(conn, msg.token);
    }
    if (!conn.actor) {
      conn.error('UNAUTHENTICATED');
      conn.closeWith(WS_CLOSE_CODES.UNAUTHENTICATED, 'authentication required');
      return;
    }
    if (msg.type === 'unsubscribe') {
      conn.subs.get(msg.consultationId)?.abort.abort();
      conn.subs.delete(msg.consultationId);
      return;
    }
    // subscribe (again: restart from the given seq)
    conn.subs.get(msg.consultationId)?.abort.abort();
    conn.subs.delete(msg.consultationId);
    if (conn.subs.size >= MAX_SUBSCRIPTIONS) return conn.error('RATE_LIMITED', msg.consultationId, '同时查看的问诊过多，请关闭部分页面后重试');
    let c;
    try {
      c = await this.core.load(conn.actor, msg.consultationId);
    } catch (err) {
      return conn.error(isAppError(err) ? err.code : 'INTERNAL', msg.consultationId);
    }
    const sub: Subscription = { abort: new AbortController() };
    conn.subs.set(msg.consultationId, sub);
    const prescribed = await this.core.prescribed([c.id]);
    conn.send({ type: 'subscribed', consultationId: c.id, state: this.core.roomState(c, conn.actor, prescribed.has(c.id)) });
    void this.follow(conn, conn.actor, msg.consultationId, msg.afterSeq ?? 0, sub, this.core.fingerprint(c)).catch((err: unknown) => {
      this.logger.warn({ err: { name: (err as Error).name, message: (err as Error).message } }, 'consultation socket subscription ended');
      conn.error('INTERNAL', msg.consultationId);
      conn.subs.delete(msg.consultationId);
    });
  }

  /** Pushes what is new, then waits for the next change; until unsubscribed or closed. */
  private async follow(conn: Connection, actor: Actor, id: string, afterSeq: number, sub: Subscription, initial: string): Promise<void> {
    let lastSeq = afterSeq;
    let fingerprint = initial;
    const signal = sub.abort.signal;
    while (!signal.aborted) {
      let c;
      try {
        c = await this.core.load(actor, id);
      } catch (err) {
        // Access ended (e.g. a colleague accepted it) or it disappeared.
        if (!signal.aborted) conn.error(isAppError(err) ? err.code : 'INTERNAL', id);
        conn.subs.delete(id);
        return;
      }
      if (signal.aborted) return;
      while (c.lastMessageSeq > lastSeq) {
        const { items } = await this.room.messagesAfter(id, lastSeq, PUSH_BATCH);
        if (items.length === 0 || signal.aborted) break;
        for (const m of items) conn.send({ type: 'message', consultationId: id, message: m });
        lastSeq = items[items.length - 1]!.seq;
      }
      const fp = this.core.fingerprint(c);
      if (fp !== fingerprint) {
        const prescribed = await this.core.prescribed([id]);
        conn.send({ type: 'state', consultationId: id, state: this.core.roomState(c, actor, prescribed.has(id)) });
      }
      fingerprint = fp;
      await this.core.watcher().waitForChange(id, fp, 60_000, signal);
    }
  }
}
