import { useEffect, useRef } from 'react';
import { useDidHide, useDidShow } from '@tarojs/taro';

/** How often the queues ask again while the page is on screen. */
export const QUEUE_POLL_MS = 15_000;

/**
 * Calls `tick` every `intervalMs` while the page is shown (paused while another page is on top
 * or the app is in the background, and once more when it shows again). `enabled: false` stops it.
 */
export function usePolling(tick: () => void, intervalMs: number, enabled = true): void {
  const tickRef = useRef(tick);
  tickRef.current = tick;
  const visible = useRef(true);
  const shownOnce = useRef(false);

  useDidShow(() => {
    visible.current = true;
    if (shownOnce.current && enabled) tickRef.current();
    shownOnce.current = true;
  });
  useDidHide(() => {
    visible.current = false;
  });

  useEffect(() => {
    if (!enabled) return undefined;
    const timer = setInterval(() => {
      if (visible.current) tickRef.current();
    }, intervalMs);
    return () => clearInterval(timer);
  }, [enabled, intervalMs]);
}
