import type { ReactNode } from 'react';
import { Text, View } from '@tarojs/components';
import { Button, Loading } from '../nut';
import { PageState } from '../PageState';
import type { Page, PagedListState } from '../../hooks/usePagedList';
import './index.scss';

export interface PagedListProps<T, P extends Page<unknown>> {
  state: PagedListState<T, P>;
  renderItem: (item: T) => ReactNode;
  className?: string;
  emptyTitle: string;
  emptyDescription?: string;
  emptyAction?: ReactNode;
}

/**
 * An infinite list: the first page through <PageState> (loading / error with retry / empty),
 * then the items and a footer that says what happens next — loading more, a failed page with
 * retry, a "加载更多" button (the page also loads on reaching the bottom), or the end.
 */
export function PagedList<T, P extends Page<unknown>>({ state, renderItem, className, emptyTitle, emptyDescription, emptyAction }: PagedListProps<T, P>) {
  const { items, total, loading, error, loadingMore, moreError, hasMore, reload, loadMore } = state;
  return (
    <View className={`paged-list${className ? ` ${className}` : ''}`}>
      <PageState
        loading={loading}
        error={error}
        onRetry={reload}
        empty={!loading && !error && items.length === 0}
        emptyTitle={emptyTitle}
        emptyDescription={emptyDescription}
        emptyAction={emptyAction}
      >
        <Text className='paged-list__total'>共 {total} 条</Text>
        <View className='paged-list__items'>{items.map(renderItem)}</View>
        {loadingMore ? (
          <View className='paged-list__footer paged-list__footer--loading'>
            <Loading type='circular' />
            <Text className='paged-list__footer-text'>加载中…</Text>
          </View>
        ) : moreError ? (
          <View className='paged-list__footer paged-list__footer--error'>
            <Text className='paged-list__footer-text'>{moreError.message}</Text>
            <Button className='paged-list__retry' size='small' type='primary' fill='outline' onClick={loadMore}>
              重试
            </Button>
          </View>
        ) : hasMore ? (
          <View className='paged-list__footer'>
            <Button className='paged-list__more' size='small' fill='outline' onClick={loadMore}>
              加载更多
            </Button>
          </View>
        ) : (
          <View className='paged-list__footer paged-list__footer--end'>
            <Text className='paged-list__footer-text'>没有更多了</Text>
          </View>
        )}
      </PageState>
    </View>
  );
}
