import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, CLIENT_ERROR_MESSAGES } from '../services/request';

export interface Page<T> {
  items: T[];
  page: number;
  total: number;
}

/** The item type of a page. */
export type Item<P extends Page<unknown>> = P['items'][number];

export interface PagedListState<T, P extends Page<unknown>> {
  items: T[];
  total: number;
  /** The last page's whole answer (for extra fields such as matchedDiseases). */
  last: P | undefined;
  /** The first page is loading (nothing to show yet). */
  loading: boolean;
  /** The first page failed. */
  error: ApiError | undefined;
  loadingMore: boolean;
  /** A later page failed (the items so far stay on screen). */
  moreError: ApiError | undefined;
  hasMore: boolean;
  /** Starts again from page 1 (retry, pull-down). */
  reload: () => void;
  /** Loads the next page if there is one and nothing is loading. */
  loadMore: () => void;
}

function toApiError(e: unknown): ApiError {
  if (e instanceof ApiError) return e;
  console.error('[usePagedList] unexpected error', e);
  return new ApiError('BAD_RESPONSE', CLIENT_ERROR_MESSAGES.BAD_RESPONSE, 0, '');
}

/**
 * An infinite list over a paged BFF list. `deps` (filters, search word) restart it from page 1;
 * answers of an older generation (filters changed meanwhile) are dropped.
 */
export function usePagedList<P extends Page<unknown>>(fetchPage: (page: number) => Promise<P>, deps: readonly unknown[]): PagedListState<Item<P>, P> {
  type T = Item<P>;
  const [items, setItems] = useState<T[]>([]);
  const [total, setTotal] = useState(0);
  const [last, setLast] = useState<P>();
  const [page, setPage] = useState(0);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<ApiError>();
  const [loadingMore, setLoadingMore] = useState(false);
  const [moreError, setMoreError] = useState<ApiError>();
  const [attempt, setAttempt] = useState(0);
  const generation = useRef(0);
  const busy = useRef(false);
  const fetchRef = useRef(fetchPage);
  fetchRef.current = fetchPage;

  useEffect(() => {
    const gen = ++generation.current;
    busy.current = true;
    setLoading(true);
    setError(undefined);
    setMoreError(undefined);
    setItems([]);
    setPage(0);
    fetchRef.current(1).then(
      (p) => {
        if (gen !== generation.current) return;
        busy.current = false;
        setItems(p.items as T[]);
        setTotal(p.total);
        setLast(p);
        setPage(1);
        setLoading(false);
      },
      (e: unknown) => {
        if (gen !== generation.current) return;
        busy.current = false;
        setError(toApiError(e));
        setLoading(false);
      },
    );
    return () => {
      generation.current += 1;
      busy.current = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [attempt, ...deps]);

  const hasMore = page > 0 && items.length < total;

  const loadMore = useCallback(() => {
    if (busy.current || !hasMore) return;
    const gen = generation.current;
    busy.current = true;
    setLoadingMore(true);
    setMoreError(undefined);
    fetchRef.current(page + 1).then(
      (p) => {
        if (gen !== generation.current) return;
        busy.current = false;
        setItems((prev) => [...prev, ...(p.items as T[])]);
        setTotal(p.total);
        setLast(p);
        setPage(page + 1);
        setLoadingMore(false);
      },
      (e: unknown) => {
        if (gen !== generation.current) return;
        busy.current = false;
        setMoreError(toApiError(e));
        setLoadingMore(false);
      },
    );
  }, [hasMore, page]);

  const reload = useCallback(() => setAttempt((n) => n + 1), []);
  return { items, total, last, loading, error, loadingMore, moreError, hasMore, reload, loadMore };
}
