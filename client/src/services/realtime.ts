/**
 * Near-real-time updates of one consultation room, on all three targets.
 *
 *   WebSocket (platform/socket: wx/my SocketTask, the browser's WebSocket) to
 *   /api/v1/consultations/ws: auth (header on the mini-programs, first frame in browsers) →
 *   `ready` → subscribe {consultationId, afterSeq} → `subscribed` (the room state; missed
 *   messages follow) → `message` / `state` frames. A ping every 25 s; silence past 70 s counts
 *   as a dead connection.
 *
 *   When the socket cannot open, closes or goes silent, the room does not wait: it long-polls
 *   GET …/messages?after=<last seq>&wait=25 at once (the request layer's session handling
 *   applies), while the socket is tried again with exponential backoff and jitter (1 s, 2 s, 4 s
 *   … 30 s). Once a socket is subscribed again, polling stops.
 *
 *   App or page hidden → everything stops (no socket, no polling, no timers); shown again →
 *   one catch-up fetch and a fresh connection. Messages are handed over by seq: a gap (a seq
 *   missing) triggers a catch-up fetch before the last seq moves past it, so nothing is skipped;
 *   the page drops duplicates by seq.
 */
import Taro from '@tarojs/taro';
import {
  CONSULT_WS_PATH,
  WS_CLOSE_CODES,
  WsServerMessageSchema,
  type ConsultationMessage,
  type MessagesResponse,
  type RoomState,
  type WsClientMessage,
} from '@ih/contract';
import { socket, type SocketConnection } from '../platform/socket';
import { ApiError, refreshSession } from './request';
import { getToken } from './session';

/** 'live' = a subscribed socket; 'polling' = long polling (the socket is retried meanwhile). */
export type RealtimeMode = 'connecting' | 'live' | 'polling' | 'paused' | 'stopped';

export interface RealtimeTiming {
  /** From connect to `subscribed`. */
  openTimeoutMs: number;
  pingIntervalMs: number;
  /** No frame for this long: the connection is dead. */
  silenceTimeoutMs: number;
  reconnectBaseMs: number;
  reconnectMaxMs: number;
  /** The long poll's wait (seconds). */
  pollWaitSeconds: number;
  pollRetryBaseMs: number;
  pollRetryMaxMs: number;
}

export const DEFAULT_TIMING: RealtimeTiming = {
  openTimeoutMs: 8000,
  pingIntervalMs: 25_000,
  silenceTimeoutMs: 70_000,
  reconnectBaseMs: 1000,
  reconnectMaxMs: 30_000,
  pollWaitSeconds: 25,
  pollRetryBaseMs: 2000,
  pollRetryMaxMs: 30_000,
};

export interface RoomFeedOptions {
  consultationId: string;
  /** The highest seq the page already has. */
  afterSeq: number;
  /** GET …/messages?after=&wait= (wait 0: answer at once). */
  fetch: (after: number, wait: number) => Promise<MessagesResponse>;
  onMessages: (items: ConsultationMessage[]) => void;
  onState: (state: RoomState) => void;
  onMode?: (mode: RealtimeMode) => void;
  /** The room cannot be followed any more (gone, not mine, signed out). The feed has stopped. */
  onFatal?: (error: ApiError) => void;
  timing?: Partial<RealtimeTiming>;
  /** 0 ≤ x < 1, for the backoff jitter (tests pass a constant). */
  random?: () => number;
}

/** Answers that polling again cannot fix. */
const FATAL_CODES = new Set(['NOT_FOUND', 'FORBIDDEN', 'UNAUTHENTICATED', 'SESSION_EXPIRED', 'SESSION_REVOKED', 'ACCOUNT_DISABLED']);

type Timer = ReturnType<typeof setTimeout>;

function stateOf(r: MessagesResponse): RoomState {
  return { status: r.status, displayStatus: r.displayStatus, statusLabel: r.statusLabel, lastSeq: r.lastSeq, myReadSeq: r.myReadSeq, peerReadSeq: r.peerReadSeq, canSend: r.canSend };
}

export class RoomFeed {
  private readonly t: RealtimeTiming;
  private readonly random: () => number;
  private lastSeq: number;
  private modeNow: RealtimeMode = 'connecting';
  private started = false;
  private stopped = false;
  private paused = false;

  private conn: SocketConnection | null = null;
  /** The access token the current connection was opened with. */
  private connToken: string | null = null;
  /** Bumped whenever a connection is dropped on purpose: late events of an old one are ignored. */
  private connGen = 0;
  private socketFailures = 0;
  private reconnectTimer: Timer | undefined;
  private openTimer: Timer | undefined;
  private pingTimer: ReturnType<typeof setInterval> | undefined;
  private silenceTimer: Timer | undefined;

  private pollGen = 0;
  private polling = false;
  private pollRetryTimer: Timer | undefined;
  private catchingUp: Promise<void> | null = null;

  private readonly appShow = () => this.resume();
  private readonly appHide = () => this.pause();

  constructor(private readonly o: RoomFeedOptions) {
    this.t = { ...DEFAULT_TIMING, ...o.timing };
    this.random = o.random ?? Math.random;
    this.lastSeq = o.afterSeq;
  }

  get mode(): RealtimeMode {
    return this.modeNow;
  }

  /** The highest seq handed over without a gap before it. */
  get seq(): number {
    return this.lastSeq;
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    try {
      Taro.onAppShow?.(this.appShow);
      Taro.onAppHide?.(this.appHide);
    } catch (e) {
      console.warn('[realtime] app show/hide listeners unavailable', e);
    }
    void this.connect();
  }

  stop(): void {
    if (this.stopped) return;
    this.halt();
    this.stopped = true;
    try {
      Taro.offAppShow?.(this.appShow);
      Taro.offAppHide?.(this.appHide);
    } catch {
      /* nothing registered */
    }
    this.setMode('stopped');
  }

  /** App or page hidden: nothing runs until resume(). */
  pause(): void {
    if (this.stopped || this.paused || !this.started) return;
    this.paused = true;
    this.halt();
    this.setMode('paused');
  }

  /** App or page shown: catch up at once and connect again (idempotent while running). */
  resume(): void {
    if (this.stopped || !this.started || !this.paused) return;
    this.paused = false;
    this.socketFailures = 0;
    void this.catchUp();
    void this.connect();
  }

  /** Fetches what is newer than the last seq now (e.g. after sending). */
  refresh(): Promise<void> {
    return this.catchUp();
  }

  // ── socket ────────────────────────────────────────────────────────────────────────────────
  private async connect(): Promise<void> {
    if (this.stopped || this.paused) return;
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
    const gen = ++this.connGen;
    if (!this.polling) this.setMode('connecting');
    const token = getToken();
    if (!token) {
      // Signed out: polling goes through the request layer, which opens the sign-in page.
      this.startPolling();
      return;
    }
    let conn: SocketConnection;
    try {
      conn = await socket.connect(socket.url(CONSULT_WS_PATH), { Authorization: `Bearer ${token}` });
    } catch (e) {
      console.warn('[realtime] socket could not start', e);
      this.socketFailed(gen);
      return;
    }
    if (gen !== this.connGen || this.stopped || this.paused) {
      conn.close(1000, 'not needed');
      return;
    }
    this.conn = conn;
    this.connToken = token;
    this.openTimer = setTimeout(() => this.socketFailed(gen), this.t.openTimeoutMs);
    conn.onOpen(() => {
      if (gen !== this.connGen) return;
      this.touch(gen);
      if (!socket.sendsHeaders) this.send({ type: 'auth', token });
    });
    conn.onMessage((text) => {
      if (gen !== this.connGen) return;
      this.touch(gen);
      this.onFrame(gen, text);
    });
    conn.onError((message) => {
      if (gen !== this.connGen) return;
      console.warn('[realtime] socket error', message);
      this.socketFailed(gen);
    });
    conn.onClose((code) => {
      if (gen !== this.connGen) return;
      if (code === WS_CLOSE_CODES.UNAUTHENTICATED) {
        void this.renewAndReconnect(gen, token);
        return;
      }
      this.socketFailed(gen);
    });
  }

  private onFrame(gen: number, text: string): void {
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      return;
    }
    const parsed = WsServerMessageSchema.safeParse(raw);
    if (!parsed.success) return;
    const m = parsed.data;
    switch (m.type) {
      case 'ready':
        this.send({ type: 'subscribe', consultationId: this.o.consultationId, afterSeq: this.lastSeq });
        return;
      case 'subscribed':
        if (m.consultationId !== this.o.consultationId) return;
        clearTimeout(this.openTimer);
        this.openTimer = undefined;
        this.socketFailures = 0;
        this.stopPolling();
        this.setMode('live');
        this.o.onState(m.state);
        if (m.state.lastSeq > this.lastSeq) void this.catchUp();
        clearInterval(this.pingTimer);
        this.pingTimer = setInterval(() => this.send({ type: 'ping' }), this.t.pingIntervalMs);
        return;
      case 'message':
        if (m.consultationId === this.o.consultationId) this.deliver([m.message]);
        return;
      case 'state':
        if (m.consultationId === this.o.consultationId) this.o.onState(m.state);
        return;
      case 'error':
        // The access token expired before the socket was authenticated (close 4401 follows).
        if (!m.consultationId && m.code === 'SESSION_EXPIRED' && this.connToken) {
          void this.renewAndReconnect(gen, this.connToken);
          return;
        }
        // The socket cannot serve this room (e.g. no access): polling reports the real error.
        if (!m.consultationId || m.consultationId === this.o.consultationId) this.socketFailed(gen);
        return;
      case 'pong':
        return;
    }
  }

  private send(frame: WsClientMessage): void {
    try {
      this.conn?.send(JSON.stringify(frame));
    } catch (e) {
      console.warn('[realtime] send failed', e);
    }
  }

  /** Any frame proves the connection alive: the silence watchdog starts again. */
  private touch(gen: number): void {
    clearTimeout(this.silenceTimer);
    this.silenceTimer = setTimeout(() => this.socketFailed(gen), this.t.silenceTimeoutMs);
  }

  private dropSocket(): void {
    this.connGen += 1;
    clearTimeout(this.openTimer);
    clearTimeout(this.silenceTimer);
    clearInterval(this.pingTimer);
    this.openTimer = this.silenceTimer = this.pingTimer = undefined;
    const conn = this.conn;
    this.conn = null;
    try {
      conn?.close(1000, 'bye');
    } catch {
      /* already closed */
    }
  }

  /** The socket is of no use now: poll at once, try the socket again later. */
  private socketFailed(gen: number): void {
    if (gen !== this.connGen || this.stopped || this.paused) return;
    this.dropSocket();
    this.socketFailures += 1;
    this.startPolling();
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    clearTimeout(this.reconnectTimer);
    const delay = this.backoff(this.t.reconnectBaseMs, this.t.reconnectMaxMs, this.socketFailures);
    this.reconnectTimer = setTimeout(() => void this.connect(), delay);
  }

  /** Closed with 4401: the access token expired while connected. Renew it (single-flight) and reconnect. */
  private async renewAndReconnect(gen: number, usedToken: string): Promise<void> {
    if (gen !== this.connGen) return;
    this.dropSocket();
    this.startPolling();
    let outcome: 'refreshed' | 'failed' = 'failed';
    try {
      outcome = await refreshSession(usedToken);
    } catch {
      /* network: retry the socket later */
    }
    if (this.stopped || this.paused || gen + 1 !== this.connGen) return;
    if (outcome === 'refreshed') void this.connect();
    else {
      this.socketFailures += 1;
      this.scheduleReconnect();
    }
  }

  // ── polling ───────────────────────────────────────────────────────────────────────────────
  private startPolling(): void {
    if (this.polling || this.stopped || this.paused) return;
    this.polling = true;
    this.setMode('polling');
    void this.pollLoop(++this.pollGen);
  }

  private stopPolling(): void {
    if (!this.polling) return;
    this.polling = false;
    this.pollGen += 1;
    clearTimeout(this.pollRetryTimer);
    this.pollRetryTimer = undefined;
  }

  private async pollLoop(gen: number): Promise<void> {
    let failures = 0;
    let wait = this.t.pollWaitSeconds;
    while (gen === this.pollGen && !this.stopped && !this.paused) {
      try {
        const res = await this.o.fetch(this.lastSeq, wait);
        this.apply(res);
        failures = 0;
        wait = res.hasMore ? 0 : this.t.pollWaitSeconds;
      } catch (e) {
        if (this.fatal(e)) return;
        failures += 1;
        const delay = this.backoff(this.t.pollRetryBaseMs, this.t.pollRetryMaxMs, failures);
        await new Promise<void>((resolve) => {
          this.pollRetryTimer = setTimeout(resolve, delay);
        });
      }
    }
  }

  /** One fetch without waiting (single-flight), repeated while the BFF says there is more. */
  private catchUp(): Promise<void> {
    this.catchingUp ??= (async () => {
      try {
        for (let i = 0; i < 20 && !this.stopped; i++) {
          const res = await this.o.fetch(this.lastSeq, 0);
          this.apply(res);
          if (!res.hasMore) break;
        }
      } catch (e) {
        if (!this.fatal(e)) console.warn('[realtime] catch-up failed', e);
      } finally {
        this.catchingUp = null;
      }
    })();
    return this.catchingUp;
  }

  private apply(res: MessagesResponse): void {
    if (this.stopped) return;
    this.deliver(res.items, true);
    this.o.onState(stateOf(res));
  }

  /**
   * Hands messages to the page. The last seq only moves over consecutive seqs; a gap (from the
   * socket) asks the BFF for what is missing. `complete`: a fetch answer (all after lastSeq).
   */
  private deliver(items: ConsultationMessage[], complete = false): void {
    if (this.stopped || !items.length) return;
    const sorted = [...items].sort((a, b) => a.seq - b.seq);
    this.o.onMessages(sorted);
    let gap = false;
    for (const m of sorted) {
      if (m.seq <= this.lastSeq) continue;
      if (m.seq === this.lastSeq + 1 || complete) this.lastSeq = m.seq;
      else gap = true;
    }
    if (gap) void this.catchUp();
  }

  private fatal(e: unknown): boolean {
    if (!(e instanceof ApiError) || !FATAL_CODES.has(e.code) || this.stopped) return false;
    this.stop();
    this.o.onFatal?.(e);
    return true;
  }

  // ── helpers ───────────────────────────────────────────────────────────────────────────────
  private halt(): void {
    this.dropSocket();
    this.stopPolling();
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
  }

  private backoff(base: number, max: number, attempt: number): number {
    const raw = Math.min(max, base * 2 ** Math.max(0, attempt - 1));
    return Math.round(raw * (0.75 + this.random() * 0.5));
  }

  private setMode(mode: RealtimeMode): void {
    if (this.modeNow === mode) return;
    this.modeNow = mode;
    this.o.onMode?.(mode);
  }
}
