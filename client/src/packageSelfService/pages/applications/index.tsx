import { useRef, useState } from 'react';
import { useDidShow, useReachBottom } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { Button } from '../../../components/nut';
import { Choice } from '../../../components/Form';
import { PageState } from '../../../components/PageState';
import { usePagedList } from '../../../hooks/usePagedList';
import { URLS } from '../../../routes';
import { openPage } from '../../../services/nav';
import { pageParams } from '../../../services/params';
import { isSignedIn } from '../../../services/session';
import { ListFooter } from '../../components/ListFooter';
import { ApplicationCard } from '../../components/ApplicationCard';
import { listApplications } from '../../services/selfService';
import '../../components/selfService.scss';

type Tab = 'open' | 'done' | 'all';
const TABS: { value: Tab; label: string }[] = [
  { value: 'open', label: '办理中' },
  { value: 'done', label: '已结束' },
  { value: 'all', label: '全部' },
];

/** 我的申请: applications by state (办理中 / 已结束 / 全部), each with its progress; `?item=` narrows to one item (e.g. 转移接续). */
export default function Applications() {
  const { item } = pageParams();
  const [tab, setTab] = useState<Tab>('all');
  const [signedIn, setSignedIn] = useState(isSignedIn());
  const list = usePagedList((page) => (signedIn ? listApplications({ status: tab, itemCode: item, page, pageSize: 20 }) : Promise.resolve({ items: [], page: 1, pageSize: 20, total: 0 })), [tab, signedIn, item]);
  useReachBottom(() => list.loadMore());
  const shown = useRef(0);
  useDidShow(() => {
    const now = isSignedIn();
    if (now !== signedIn) setSignedIn(now);
    else if (shown.current++ > 0) list.reload();
  });

  if (!signedIn) {
    return (
      <View className='ss-page ss-applications ss-applications--signed-out'>
        <PageState
          empty
          emptyTitle='请先登录'
          emptyDescription='登录后可查看您和家人的医保经办申请。'
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
    <View className='ss-page ss-applications'>
      <View className='ss-tabs'>
        <Choice name='applications-tab' options={TABS} value={tab} onChange={setTab} />
      </View>
      <PageState
        loading={list.loading}
        error={list.error}
        onRetry={list.reload}
        empty={!list.loading && !list.error && list.items.length === 0}
        emptyTitle={tab === 'open' ? '没有办理中的申请' : tab === 'done' ? '没有已结束的申请' : '还没有申请'}
        emptyDescription='可在医保服务大厅在线办理异地就医备案、参保登记、退费等事项。'
        emptyAction={
          <Button className='page-state__retry ss-applications__to-hall' type='primary' onClick={() => void openPage(URLS.selfService)}>
            去服务大厅
          </Button>
        }
      >
        <Text className='ss-applications__total'>共 {list.total} 条</Text>
        {list.items.map((a) => (
          <ApplicationCard key={a.id} app={a} />
        ))}
        <ListFooter state={list} />
      </PageState>
    </View>
  );
}
