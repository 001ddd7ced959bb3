import { useCallback, useEffect, useRef, useState } from 'react';
import { useDidHide, useDidShow } from '@tarojs/taro';
import type { ConsultationMessage, RoomState } from '@ih/contract';
import { getMessages, markRead } from '../../services/consultations';
import { RoomFeed, type RealtimeMode } from '../../services/realtime';
import type { ApiError } from '../../services/request';

export interface RoomView {
  messages: ConsultationMessage[];
  state: RoomState;
  mode: RealtimeMode;
  /** The room cannot be followed any more (gone, not mine, signed out). */
  fatal: ApiError | null;
  /** A message I just sent (the BFF's answer): shown at once, deduplicated by seq. */
  add: (m: ConsultationMessage) => void;
  /** Fetch what is new now. */
  refresh: () => void;
  /** Fetch one message again (an image whose signed link expired gets a fresh one). */
  refetch: (m: ConsultationMessage) => void;
}

/**
 * Follows one consultation room through the shared realtime service (WebSocket, long polling
 * when the socket is unavailable), paused while the page is hidden. Messages are kept by seq
 * (no duplicates, in order); the other side's messages are marked read as they arrive.
 */
export function useRoom(consultationId: string, initial: RoomState): RoomView {
  const [byId, setById] = useState<Map<number, ConsultationMessage>>(() => new Map());
  const [state, setState] = useState<RoomState>(initial);
  const [mode, setMode] = useState<RealtimeMode>('connecting');
  const [fatal, setFatal] = useState<ApiError | null>(null);
  const feed = useRef<RoomFeed | null>(null);
  const readSent = useRef(initial.myReadSeq);

  const merge = useCallback((items: ConsultationMessage[]) => {
    if (!items.length) return;
    setById((prev) => {
      const next = new Map(prev);
      for (const m of items) next.set(m.seq, m);
      return next;
    });
  }, []);

  useEffect(() => {
    if (!consultationId) return undefined;
    const f = new RoomFeed({
      consultationId,
      afterSeq: 0,
      fetch: (after, wait) => getMessages(consultationId, { after, wait }),
      onMessages: merge,
      onState: setState,
      onMode: setMode,
      onFatal: setFatal,
    });
    feed.current = f;
    f.start();
    // The history at once (the socket or the long poll then brings what is new).
    void f.refresh();
    return () => {
      f.stop();
      feed.current = null;
    };
  }, [consultationId, merge]);

  useDidHide(() => feed.current?.pause());
  useDidShow(() => feed.current?.resume());

  const messages = [...byId.values()].sort((a, b) => a.seq - b.seq);
  const lastSeq = messages.length ? messages[messages.length - 1]!.seq : 0;

  // Mark what arrived as read (my own messages count too: the BFF keeps the highest seq).
  useEffect(() => {
    if (lastSeq <= readSent.current || fatal) return;
    readSent.current = lastSeq;
    markRead(consultationId, lastSeq).then(
      (r) => setState((s) => ({ ...s, myReadSeq: r.myReadSeq, peerReadSeq: r.peerReadSeq })),
      () => {
        readSent.current = 0; // try again with the next message
      },
    );
  }, [consultationId, lastSeq, fatal]);

  const add = useCallback((m: ConsultationMessage) => merge([m]), [merge]);
  const refresh = useCallback(() => void feed.current?.refresh(), []);
  const refetch = useCallback(
    (m: ConsultationMessage) => {
      getMessages(consultationId, { after: m.seq - 1, limit: 1 }).then(
        (r) => merge(r.items),
        (e: unknown) => console.warn('[room] message refetch failed', (e as ApiError).code),
      );
    },
    [consultationId, merge],
  );
  return { messages, state, mode, fatal, add, refresh, refetch };
}
