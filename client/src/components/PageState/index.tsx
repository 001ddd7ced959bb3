import type { ReactNode } from 'react';
import { Text, View } from '@tarojs/components';
import type { ApiError } from '../../services/request';
import { Button, Loading } from '../nut';
import './index.scss';

export interface PageStateProps {
  loading?: boolean;
  /** Shown in words (never colour alone), with the request id for support. */
  error?: Pick<ApiError, 'message' | 'requestId'> | null;
  /** True when the loaded data has nothing to show. */
  empty?: boolean;
  emptyTitle?: string;
  emptyDescription?: string;
  /** Replaces the refresh button of the empty state (e.g. a link to what to do instead). */
  emptyAction?: ReactNode;
  onRetry?: () => void;
  /** Rendered when not loading, no error, not empty. */
  children?: ReactNode;
}

/**
 * The loading / error / empty states every page shares. Loading wins only before the first
 * data: a page passes `loading && !data` so a reload keeps the content on screen.
 */
export function PageState({
  loading,
  error,
  empty,
  emptyTitle = '暂无内容',
  emptyDescription,
  emptyAction,
  onRetry,
  children,
}: PageStateProps) {
  if (loading) {
    return (
      <View className='page-state page-state--loading'>
        <Loading type='circular' />
        <Text className='page-state__title'>加载中…</Text>
      </View>
    );
  }
  if (error) {
    return (
      <View className='page-state page-state--error'>
        <View className='page-state__mark page-state__mark--error'>!</View>
        <Text className='page-state__title'>加载失败</Text>
        <Text className='page-state__desc'>{error.message}</Text>
        {error.requestId ? <Text className='page-state__ref'>错误编号：{error.requestId}</Text> : null}
        {onRetry ? (
          <Button className='page-state__retry' type='primary' onClick={onRetry}>
            重新加载
          </Button>
        ) : null}
      </View>
    );
  }
  if (empty) {
    return (
      <View className='page-state page-state--empty'>
        <View className='page-state__mark page-state__mark--empty'>?</View>
        <Text className='page-state__title'>{emptyTitle}</Text>
        {emptyDescription ? <Text className='page-state__desc'>{emptyDescription}</Text> : null}
        {emptyAction ?? (onRetry ? (
          <Button className='page-state__retry' fill='outline' type='primary' onClick={onRetry}>
            刷新
          </Button>
        ) : null)}
      </View>
    );
  }
  return <>{children}</>;
}

export default PageState;
