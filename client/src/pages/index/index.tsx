import { useEffect } from 'react';
import Taro from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import type { Capability } from '@ih/contract';
import { CAPABILITY_URLS } from '../../capabilities';
import { Tag } from '../../components/nut';
import { PageState } from '../../components/PageState';
import { useApi } from '../../hooks/useApi';
import { getMeta } from '../../services/meta';
import { openPage } from '../../services/nav';
import './index.scss';

function HomeEntry({ capability }: { capability: Capability }) {
  const soon = capability.status === 'coming_soon';
  return (
    <View
      className={`home-entry home-entry--${capability.key}${soon ? ' home-entry--soon' : ''}`}
      hoverClass='home-entry--pressed'
      onClick={() => void openPage(CAPABILITY_URLS[capability.key])}
    >
      <View className='home-entry__body'>
        <View className='home-entry__head'>
          <Text className='home-entry__title'>{capability.title}</Text>
          {soon ? (
            <Tag className='home-entry__tag' background='var(--ih-color-soon-bg)' color='var(--ih-color-soon-text)'>
              即将上线
            </Tag>
          ) : null}
        </View>
        <Text className='home-entry__desc'>{capability.description}</Text>
      </View>
      <Text className='home-entry__arrow'>›</Text>
    </View>
  );
}

/** 首页: the hospital's name and an entry per capability from GET /api/v1/meta. */
export default function Home() {
  // silent: the page shows the error itself (PageState), no toast on top.
  const { data, loading, error, reload } = useApi(() => getMeta({ silent: true }));

  useEffect(() => {
    if (data?.appName) void Taro.setNavigationBarTitle({ title: data.appName });
  }, [data?.appName]);

  return (
    <View className='page home'>
      <View className='home__header'>
        <Text className='home__title'>{data?.appName ?? '互联网医院'}</Text>
        <Text className='home__subtitle'>
          {data ? (data.hospitalCount > 0 ? `已接入 ${data.hospitalCount} 家医院 · 支持医保移动支付` : '暂未接入医院') : '医保在线复诊与支付'}
        </Text>
      </View>
      <PageState
        loading={loading && !data}
        error={data ? undefined : error}
        empty={!!data && data.capabilities.length === 0}
        emptyTitle='暂无可用服务'
        emptyDescription='服务正在准备中，请稍后再来'
        onRetry={reload}
      >
        <View className='home__entries'>
          {data?.capabilities.map((c) => <HomeEntry key={c.key} capability={c} />)}
        </View>
      </PageState>
    </View>
  );
}
