import { Text, View } from '@tarojs/components';
import { Button, Loading } from '../../components/nut';
import type { Page, PagedListState } from '../../hooks/usePagedList';
import './selfService.scss';

/** Under a paged list: loading more, a failed page with retry, 加载更多, or the end. */
export function ListFooter<T, P extends Page<unknown>>({ state }: { state: PagedListState<T, P> }) {
  const { loadingMore, moreError, hasMore, loadMore } = state;
  if (loadingMore) {
    return (
      <View className='ss-list-footer ss-list-footer--loading'>
        <Loading type='circular' />
        <Text className='ss-list-footer__text'>加载中…</Text>
      </View>
    );
  }
  if (moreError) {
    return (
      <View className='ss-list-footer ss-list-footer--error'>
        <Text className='ss-list-footer__text'>{moreError.message}</Text>
        <Button className='ss-list-footer__retry' size='small' type='primary' fill='outline' onClick={loadMore}>
          重试
        </Button>
      </View>
    );
  }
  if (hasMore) {
    return (
      <View className='ss-list-footer'>
        <Button className='ss-list-footer__more' size='small' fill='outline' onClick={loadMore}>
          加载更多
        </Button>
      </View>
    );
  }
  return (
    <View className='ss-list-footer ss-list-footer--end'>
      <Text className='ss-list-footer__text'>没有更多了</Text>
    </View>
  );
}
