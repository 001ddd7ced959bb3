/**
 * services/realtime RoomFeed: WebSocket first (auth frame in browsers, subscribe with the last
 * seq, message/state frames), long polling the moment the socket fails, reconnect with backoff,
 * nothing running while hidden, catch-up on show, gaps filled, 4401 → refresh → reconnect,
 * fatal answers stop the feed. Timers are jest's fake ones; sockets and fetches are scripted.
 */
import Taro from '@tarojs/taro';
import type { ConsultationMessage, MessagesResponse, RoomState } from '@ih/contract';
import { RoomFeed, type RealtimeMode } from '../src/services/realtime';
import { ApiError } from '../src/services/request';
import { clearSession, getToken, saveSession } from '../src/services/session';
import { CID, fakeSockets, flush, message, messagesResponse, roomState } from './consultFixtures';
import { fakeBff, tokens } from './fakeBff';

interface Harness {
  feed: RoomFeed;
  got: ConsultationMessage[][];
  states: RoomState[];
  modes: RealtimeMode[];
  fatal: ApiError[];
  fetch: jest.Mock<Promise<MessagesResponse>, [number, number]>;
}

/** A feed whose long poll never answers unless the test scripts `fetch`. */
function makeFeed(afterSeq = 3, fetchImpl?: (after: number, wait: number) => Promise<MessagesResponse>): Harness {
  const got: ConsultationMessage[][] = [];
  const states: RoomState[] = [];
  const modes: RealtimeMode[] = [];
  const fatal: ApiError[] = [];
  const fetch = jest.fn(fetchImpl ?? ((after: number, wait: number) => (wait > 0 ? new Promise<MessagesResponse>(() => undefined) : Promise.resolve(messagesResponse([], { lastSeq: after })))));
  const feed = new RoomFeed({
    consultationId: CID,
    afterSeq,
    fetch,
    onMessages: (items) => got.push(items),
    onState: (s) => states.push(s),
    onMode: (m) => modes.push(m),
    onFatal: (e) => fatal.push(e),
    random: () => 0.5, // no jitter: delays are exactly base · 2^(n-1)
  });
  return { feed, got, states, modes, fatal, fetch };
}

/** Opens the socket the way the BFF answers: ready → (client subscribes) → subscribed. */
async function subscribe(s: ReturnType<typeof fakeSockets>[number], state = roomState()) {
  s.open();
  s.push({ type: 'ready', role: 'PATIENT' });
  s.push({ type: 'subscribed', consultationId: CID, state });
  await flush();
}

let h: Harness | undefined;
beforeEach(() => {
  jest.useFakeTimers();
  jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  saveSession(tokens());
});
afterEach(() => {
  h?.feed.stop();
  h = undefined;
  jest.useRealTimers();
  jest.restoreAllMocks();
});

describe('socket', () => {
  it('authenticates with the first frame (browsers send no headers), subscribes with the last seq and hands over pushed messages and states', async () => {
    const sockets = fakeSockets();
    h = makeFeed(3);
    h.feed.start();
    await flush();
    expect(sockets).toHaveLength(1);
    expect(sockets[0]!.url).toBe('ws://localhost/api/v1/consultations/ws');
    sockets[0]!.open();
    expect(sockets[0]!.sent).toEqual([{ type: 'auth', token: getToken() }]);
    sockets[0]!.push({ type: 'ready', role: 'PATIENT' });
    expect(sockets[0]!.sent.at(-1)).toEqual({ type: 'subscribe', consultationId: CID, afterSeq: 3 });
    sockets[0]!.push({ type: 'subscribed', consultationId: CID, state: roomState() });
    await flush();
    expect(h.feed.mode).toBe('live');
    expect(h.states.at(-1)?.statusLabel).toBe('问诊中');

    sockets[0]!.push({ type: 'message', consultationId: CID, message: message(4, { sender: 'DOCTOR', text: '您好' }) });
    sockets[0]!.push({ type: 'message', consultationId: 'another-room', message: message(99) });
    sockets[0]!.push({ type: 'state', consultationId: CID, state: roomState({ peerReadSeq: 4 }) });
    expect(h.got.map((b) => b.map((m) => m.seq))).toEqual([[4]]);
    expect(h.feed.seq).toBe(4);
    expect(h.states.at(-1)?.peerReadSeq).toBe(4);
    expect(h.fetch).not.toHaveBeenCalled(); // no polling while the socket is live

    // Keep-alive ping.
    jest.advanceTimersByTime(25_000);
    expect(sockets[0]!.sent.at(-1)).toEqual({ type: 'ping' });
  });

  it('a gap in the pushed seqs is filled by a fetch before the last seq moves on', async () => {
    const sockets = fakeSockets();
    h = makeFeed(3, async (after) => messagesResponse(after === 3 ? [message(4), message(5)] : []));
    h.feed.start();
    await flush();
    await subscribe(sockets[0]!);
    sockets[0]!.push({ type: 'message', consultationId: CID, message: message(5) });
    expect(h.feed.seq).toBe(3);
    await flush();
    expect(h.fetch).toHaveBeenCalledWith(3, 0);
    expect(h.feed.seq).toBe(5);
    expect(h.got.flat().map((m) => m.seq)).toEqual([5, 4, 5]);
  });
});

describe('falling back to long polling', () => {
  it('polls at once when the socket errors, keeps polling, and stops when a reconnected socket is subscribed', async () => {
    const sockets = fakeSockets();
    const answers: Array<(r: MessagesResponse) => void> = [];
    h = makeFeed(3, (_after, wait) => (wait > 0 ? new Promise((res) => answers.push(res)) : Promise.resolve(messagesResponse([]))));
    h.feed.start();
    await flush();
    await subscribe(sockets[0]!);
    sockets[0]!.error('network changed');
    await flush();
    expect(h.feed.mode).toBe('polling');
    expect(sockets[0]!.closed).toBe(true);
    expect(h.fetch).toHaveBeenLastCalledWith(3, 25);

    // The long poll answers with a doctor's reply: handed over, and the next poll goes on from it.
    answers.shift()!(messagesResponse([message(4, { sender: 'DOCTOR', text: '请继续服药' })]));
    await flush();
    expect(h.got.flat().map((m) => m.text)).toContain('请继续服药');
    expect(h.fetch).toHaveBeenLastCalledWith(4, 25);

    // Reconnect after the first backoff (1 s), subscribe with the new last seq: polling stops.
    jest.advanceTimersByTime(999);
    expect(sockets).toHaveLength(1);
    jest.advanceTimersByTime(1);
    await flush();
    expect(sockets).toHaveLength(2);
    sockets[1]!.open();
    sockets[1]!.push({ type: 'ready', role: 'PATIENT' });
    expect(sockets[1]!.sent.at(-1)).toEqual({ type: 'subscribe', consultationId: CID, afterSeq: 4 });
    sockets[1]!.push({ type: 'subscribed', consultationId: CID, state: roomState({ lastSeq: 4 }) });
    await flush();
    expect(h.feed.mode).toBe('live');
    const polls = h.fetch.mock.calls.length;
    answers.shift()?.(messagesResponse([]));
    await flush();
    expect(h.fetch.mock.calls.length).toBe(polls); // the loop ended with the socket back
    expect(h.modes).toEqual(['live', 'polling', 'live']);
  });

  it('polls when the platform refuses a socket, retrying it with growing delays', async () => {
    const sockets = fakeSockets({ refuse: true });
    h = makeFeed(0);
    h.feed.start();
    await flush();
    expect(h.feed.mode).toBe('polling');
    expect(h.fetch).toHaveBeenCalledWith(0, 25);
    const attempts = () => (Taro.connectSocket as unknown as jest.Mock).mock.calls.length;
    expect(attempts()).toBe(1);
    jest.advanceTimersByTime(1000);
    await flush();
    expect(attempts()).toBe(2);
    jest.advanceTimersByTime(1999);
    await flush();
    expect(attempts()).toBe(2);
    jest.advanceTimersByTime(1);
    await flush();
    expect(attempts()).toBe(3); // 1 s, then 2 s, then 4 s …
    expect(sockets).toHaveLength(0);
  });

  it('a socket that never gets subscribed counts as failed after 8 s', async () => {
    const sockets = fakeSockets();
    h = makeFeed(3);
    h.feed.start();
    await flush();
    sockets[0]!.open();
    jest.advanceTimersByTime(7999);
    expect(h.fetch).not.toHaveBeenCalled();
    jest.advanceTimersByTime(1);
    await flush();
    expect(h.feed.mode).toBe('polling');
    expect(sockets[0]!.closed).toBe(true);
  });

  it('a failing poll waits before asking again', async () => {
    fakeSockets({ refuse: true });
    let calls = 0;
    h = makeFeed(3, () => {
      calls += 1;
      return calls === 1 ? Promise.reject(new ApiError('NETWORK_ERROR', '网络连接失败', 0, 'r')) : new Promise(() => undefined);
    });
    h.feed.start();
    await flush();
    expect(calls).toBe(1);
    jest.advanceTimersByTime(1999);
    await flush();
    expect(calls).toBe(1);
    jest.advanceTimersByTime(1);
    await flush();
    expect(calls).toBe(2);
  });
});

describe('hidden and shown', () => {
  it('pauses everything in the background and catches up and reconnects when shown (App onShow)', async () => {
    const sockets = fakeSockets();
    h = makeFeed(3, async (after, wait) => (wait === 0 ? messagesResponse(after === 3 ? [message(4)] : []) : new Promise(() => undefined)));
    h.feed.start();
    await flush();
    await subscribe(sockets[0]!);
    const onShow = (Taro.onAppShow as unknown as jest.Mock).mock.calls.at(-1)![0] as () => void;
    const onHide = (Taro.onAppHide as unknown as jest.Mock).mock.calls.at(-1)![0] as () => void;

    onHide();
    expect(h.feed.mode).toBe('paused');
    expect(sockets[0]!.closed).toBe(true);
    jest.advanceTimersByTime(120_000);
    await flush();
    expect(sockets).toHaveLength(1); // no reconnects while hidden
    expect(h.fetch).not.toHaveBeenCalled();

    onShow();
    await flush();
    expect(h.fetch).toHaveBeenCalledWith(3, 0);
    expect(h.got.flat().map((m) => m.seq)).toEqual([4]);
    expect(sockets).toHaveLength(2);
    onShow(); // page onShow right after App onShow: nothing twice
    await flush();
    expect(sockets).toHaveLength(2);

    h.feed.stop();
    expect(Taro.offAppShow).toHaveBeenCalledWith(onShow);
    expect(Taro.offAppHide).toHaveBeenCalledWith(onHide);
  });
});

describe('sessions and fatal answers', () => {
  it('closed with 4401 (token expired): refreshes the session and connects again with the new token', async () => {
    const sockets = fakeSockets();
    const fresh = tokens();
    fakeBff({ 'POST /api/v1/auth/refresh': () => ({ status: 200, body: { tokens: fresh, user: { id: 'u1', role: 'PATIENT', displayName: '张*国' } } }) });
    h = makeFeed(3);
    h.feed.start();
    await flush();
    await subscribe(sockets[0]!);
    sockets[0]!.close(4401, 'session expired');
    await flush(20);
    expect(getToken()).toBe(fresh.accessToken);
    expect(sockets).toHaveLength(2);
    sockets[1]!.open();
    expect(sockets[1]!.sent[0]).toEqual({ type: 'auth', token: fresh.accessToken });
  });

  it('an expired token refused at authentication (error frame, then 4401) is renewed once and the socket opened again', async () => {
    const sockets = fakeSockets();
    const fresh = tokens();
    const bff = fakeBff({ 'POST /api/v1/auth/refresh': () => ({ status: 200, body: { tokens: fresh } }) });
    h = makeFeed(3);
    h.feed.start();
    await flush();
    sockets[0]!.open();
    sockets[0]!.push({ type: 'error', code: 'SESSION_EXPIRED', message: '登录已过期' });
    sockets[0]!.close(4401, 'SESSION_EXPIRED');
    await flush(20);
    expect(bff.of('POST', '/api/v1/auth/refresh')).toHaveLength(1);
    expect(sockets).toHaveLength(2);
    sockets[1]!.open();
    expect(sockets[1]!.sent[0]).toEqual({ type: 'auth', token: fresh.accessToken });
  });

  it('NOT_FOUND from the poll stops the feed and reports it', async () => {
    fakeSockets({ refuse: true });
    h = makeFeed(3, () => Promise.reject(new ApiError('NOT_FOUND', '请求的内容不存在或已被删除', 404, 'r1')));
    h.feed.start();
    await flush();
    expect(h.fatal.map((e) => e.code)).toEqual(['NOT_FOUND']);
    expect(h.feed.mode).toBe('stopped');
    jest.advanceTimersByTime(60_000);
    await flush();
    expect(h.fetch).toHaveBeenCalledTimes(1);
  });

  it('signed out: no socket at all, the poll goes through the request layer', async () => {
    clearSession();
    fakeSockets();
    h = makeFeed(3);
    h.feed.start();
    await flush();
    expect(Taro.connectSocket).not.toHaveBeenCalled();
    expect(h.feed.mode).toBe('polling');
    expect(h.fetch).toHaveBeenCalledWith(3, 25);
  });
});
