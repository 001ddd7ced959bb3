import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, CLIENT_ERROR_MESSAGES } from '../../services/request';

export interface CursorPage<T> {
  items: T[];
  nextCursor: string | null;
}

export interface CursorListState<T> {
  items: T[];
  /** The first page is loading (nothing on screen yet). */
  loading: boolean;
  error: ApiError | undefined;
  loadingMore: boolean;
  moreError: ApiError | undefined;
  hasMore: boolean;
  /** A silent refresh (polling) is running. */
  refreshing: boolean;
  /** When the first page last arrived. */
  refreshedAt: number | null;
  /** Loads the first page again; the old items stay until the new ones arrive. */
  refresh: () => void;
  loadMore: () => void;
}

function toApiError(e: unknown): ApiError {
  if (e instanceof ApiError) return e;
  console.error('[useCursorList] unexpected error', e);
  return new ApiError('BAD_RESPONSE', CLIENT_ERROR_MESSAGES.BAD_RESPONSE, 0, '');
}

/**
 * A list over a cursor-paged BFF list (`{items, nextCursor}`). `deps` start it again from
 * scratch; `refresh()` (the 刷新 button, polling) replaces the list with a fresh first page
 * without blanking the screen; a failed refresh keeps what is shown and reports the error.
 */
export function useCursorList<T>(fetchPage: (cursor: string | undefined) => Promise<CursorPage<T>>, deps: readonly unknown[]): CursorListState<T> {
  const [items, setItems] = useState<T[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<ApiError>();
  const [loadingMore, setLoadingMore] = useState(false);
  const [moreError, setMoreError] = useState<ApiError>();
  const [refreshing, setRefreshing] = useState(false);
  const [refreshedAt, setRefreshedAt] = useState<number | null>(null);
  const [attempt, setAttempt] = useState(0);
  const generation = useRef(0);
  const hasData = useRef(false);
  const busy = useRef(false);
  const fetchRef = useRef(fetchPage);
  fetchRef.current = fetchPage;

  // A new list (deps changed): start from nothing.
  useEffect(() => {
    hasData.current = false;
    setItems([]);
    setCursor(null);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, deps);

  useEffect(() => {
    const gen = ++generation.current;
    busy.current = true;
    if (hasData.current) setRefreshing(true);
    else setLoading(true);
    setMoreError(undefined);
    fetchRef.current(undefined).then(
      (p) => {
        if (gen !== generation.current) return;
        busy.current = false;
        hasData.current = true;
        setItems(p.items);
        setCursor(p.nextCursor);
        setError(undefined);
        setLoading(false);
        setRefreshing(false);
        setRefreshedAt(Date.now());
      },
      (e: unknown) => {
        if (gen !== generation.current) return;
        busy.current = false;
        setError(toApiError(e));
        setLoading(false);
        setRefreshing(false);
      },
    );
    return () => {
      generation.current += 1;
      busy.current = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [attempt, ...deps]);

  const loadMore = useCallback(() => {
    if (busy.current || !cursor) return;
    const gen = generation.current;
    busy.current = true;
    setLoadingMore(true);
    setMoreError(undefined);
    fetchRef.current(cursor).then(
      (p) => {
        if (gen !== generation.current) return;
        busy.current = false;
        setItems((prev) => [...prev, ...p.items]);
        setCursor(p.nextCursor);
        setLoadingMore(false);
      },
      (e: unknown) => {
        if (gen !== generation.current) return;
        busy.current = false;
        setMoreError(toApiError(e));
        setLoadingMore(false);
      },
    );
  }, [cursor]);

  const refresh = useCallback(() => {
    if (busy.current) return;
    setAttempt((n) => n + 1);
  }, []);

  return { items, loading, error, loadingMore, moreError, hasMore: !!cursor, refreshing, refreshedAt, refresh, loadMore };
}
