import { useRef, useState } from 'react';
import { useDidShow, useReachBottom } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import type { UserNotification as Notification } from '@ih/contract';
import { Button } from '../../../components/nut';
import { PageState } from '../../../components/PageState';
import { usePagedList } from '../../../hooks/usePagedList';
import { URLS } from '../../../routes';
import { openPage } from '../../../services/nav';
import { withQuery } from '../../../services/params';
import { isSignedIn } from '../../../services/session';
import { ListFooter } from '../../components/ListFooter';
import { formatTime } from '../../components/status';
import { listNotifications, markAllNotificationsRead, markNotificationRead } from '../../services/selfService';
import '../../components/selfService.scss';

/** Where a notification leads (by what it is about), or null. */
export function notificationUrl(n: Pick<Notification, 'targetType' | 'targetId'>): string | null {
  if (!n.targetId) return null;
  switch (n.targetType) {
    case 'self_service_application':
      return withQuery(URLS.selfServiceApplication, { id: n.targetId });
    case 'consultation':
      return withQuery(URLS.consultRoom, { id: n.targetId });
    default:
      return null;
  }
}

/** 消息通知: newest first, unread marked (in words too); opening one marks it read and goes to what it is about. */
export default function Notifications() {
  const signedIn = isSignedIn();
  const [readIds, setReadIds] = useState<Set<string>>(new Set());
  const [allRead, setAllRead] = useState(false);
  const list = usePagedList((page) => (signedIn ? listNotifications({ page, pageSize: 20 }) : Promise.resolve({ items: [], page: 1, pageSize: 20, total: 0, unread: 0 })), [signedIn]);
  useReachBottom(() => list.loadMore());
  const shown = useRef(0);
  useDidShow(() => {
    if (shown.current++ > 0) {
      setReadIds(new Set());
      setAllRead(false);
      list.reload();
    }
  });
  const isRead = (n: Notification) => allRead || n.read || readIds.has(n.id);
  const unread = allRead ? 0 : list.items.filter((n) => !isRead(n)).length;

  async function open(n: Notification) {
    if (!isRead(n)) {
      setReadIds((s) => new Set(s).add(n.id));
      markNotificationRead(n.id).catch(() => undefined);
    }
    const url = notificationUrl(n);
    if (url) await openPage(url);
  }

  async function readAll() {
    setAllRead(true);
    try {
      await markAllNotificationsRead();
    } catch {
      setAllRead(false);
    }
  }

  if (!signedIn) {
    return (
      <View className='ss-page ss-notifications ss-notifications--signed-out'>
        <PageState
          empty
          emptyTitle='请先登录'
          emptyDescription='登录后可查看办理进度等消息。'
          emptyAction={
            <Button className='page-state__retry' type='primary' onClick={() => void openPage(URLS.login)}>
              去登录
            </Button>
          }
        />
      </View>
    );
  }
  return (
    <View className='ss-page ss-notifications'>
      <PageState
        loading={list.loading}
        error={list.error}
        onRetry={list.reload}
        empty={!list.loading && !list.error && list.items.length === 0}
        emptyTitle='暂无消息'
        emptyDescription='申请受理、需要补正、办结等进度变化会在这里通知您。'
      >
        <View className='ss-notifications__head'>
          <Text className='ss-notifications__count'>{unread ? `${unread} 条未读` : '全部已读'}</Text>
          {unread ? (
            <Button className='ss-notifications__read-all' size='small' fill='outline' onClick={() => void readAll()}>
              全部标为已读
            </Button>
          ) : null}
        </View>
        {list.items.map((n) => {
          const read = isRead(n);
          return (
            <View
              key={n.id}
              className={`ss-notice ss-notice--${read ? 'read' : 'unread'} ss-notice--${n.kind.replace(/[^a-zA-Z0-9_-]/g, '-')}`}
              role='link'
              data-id={n.id}
              onClick={() => void open(n)}
            >
              <Text className='ss-notice__title'>
                {read ? '' : '【未读】'}
                {n.title}
              </Text>
              <Text className='ss-notice__body'>{n.body}</Text>
              <Text className='ss-notice__time'>{formatTime(n.createdAt)}</Text>
            </View>
          );
        })}
        <ListFooter state={list} />
      </PageState>
    </View>
  );
}
