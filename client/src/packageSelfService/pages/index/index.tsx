import { useMemo, useState } from 'react';
import { useDidShow } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import {
  SELF_SERVICE_CATEGORIES,
  SELF_SERVICE_CATEGORY_LABELS,
  type SelfServiceCategory,
  type SelfServiceItemSummary,
} from '@ih/contract';
import { Button } from '../../../components/nut';
import { PageState } from '../../../components/PageState';
import { useApi } from '../../../hooks/useApi';
import { URLS } from '../../../routes';
import { openPage } from '../../../services/nav';
import { withQuery } from '../../../services/params';
import { isSignedIn } from '../../../services/session';
import { ItemCard } from '../../components/ItemCard';
import { SearchBox } from '../../components/SearchBox';
import { listItems, unreadCount } from '../../services/selfService';
import '../../components/selfService.scss';

interface Group {
  category: SelfServiceCategory;
  items: SelfServiceItemSummary[];
}

/** Items of the hall grouped by category in the catalog's order; `word` filters titles, names and categories. */
export function groupItems(items: readonly SelfServiceItemSummary[], word: string): Group[] {
  const w = word.trim();
  const match = (i: SelfServiceItemSummary) => !w || i.title.includes(w) || i.name.includes(w) || SELF_SERVICE_CATEGORY_LABELS[i.category].includes(w);
  const sorted = [...items].filter(match).sort((a, b) => a.sort - b.sort || a.seq - b.seq);
  return SELF_SERVICE_CATEGORIES.map((category) => ({ category, items: sorted.filter((i) => i.category === category) })).filter((g) => g.items.length > 0);
}

function Shortcut({ name, title, desc, url, count }: { name: string; title: string; desc: string; url: string; count?: number }) {
  return (
    <View className={`ss-shortcuts__item ss-shortcut--${name}`} hoverClass='ss-item-card--pressed' role='link' onClick={() => void openPage(url)}>
      <Text className='ss-shortcuts__title'>
        {title}
        {count ? (
          <Text className='ss-badge-count' aria-label={`${count} 条未读`}>
            {count > 99 ? '99+' : count}
          </Text>
        ) : null}
      </Text>
      <Text className='ss-shortcuts__desc'>{desc}</Text>
    </View>
  );
}

/** 医保服务大厅: the catalog's items by category, with search; shortcuts to my applications, filings and messages. */
export default function Hall() {
  const [signedIn, setSignedIn] = useState(isSignedIn());
  const items = useApi(async () => (signedIn ? listItems() : null), [signedIn]);
  const [word, setWord] = useState('');
  const [unread, setUnread] = useState(0);
  useDidShow(() => {
    const now = isSignedIn();
    setSignedIn(now);
    if (now) unreadCount().then(setUnread, () => undefined);
  });
  const all = items.data?.items ?? [];
  const personal = useMemo(() => groupItems(all.filter((i) => i.audience === 'person'), word), [all, word]);
  const others = useMemo(() => groupItems(all.filter((i) => i.audience !== 'person'), word), [all, word]);
  const found = personal.reduce((n, g) => n + g.items.length, 0) + others.reduce((n, g) => n + g.items.length, 0);

  return (
    <View className='ss-page ss-hall'>
      <View className='ss-page__intro'>
        <Text className='ss-page__title'>医保服务大厅</Text>
        <Text className='ss-page__lead'>参保登记、异地就医备案、待遇认定、退费和查询等医保经办事项。每个事项都写明所需材料、办理时限和办理环节。</Text>
      </View>
      <View className='ss-shortcuts'>
        <Shortcut name='applications' title='我的申请' desc='办理进度、补正、撤回' url={URLS.selfServiceApplications} />
        <Shortcut name='notifications' title='消息通知' desc='受理、补正和办结提醒' url={URLS.notifications} count={unread} />
        <Shortcut name='filings' title='我的异地备案' desc='查看、取消备案' url={URLS.selfServiceFilings} />
        <Shortcut name='transfer' title='转移接续进度' desc='联系函、信息表、办结' url={withQuery(URLS.selfServiceQuery, { page: 'transfer' })} />
      </View>
      <SearchBox className='ss-hall__search' value={word} onChange={setWord} placeholder='搜索事项，如 异地、退费、慢特病' />
      {!signedIn ? (
        <PageState
          empty
          emptyTitle='登录后办理'
          emptyDescription='医保经办事项与您的参保信息相关，请先登录；登录后可为本人或家人办理。'
          emptyAction={
            <Button className='page-state__retry ss-hall__login' type='primary' onClick={() => void openPage(URLS.login)}>
              去登录
            </Button>
          }
        />
      ) : null}
      <PageState
        loading={signedIn && items.loading && !items.data}
        error={items.data ? undefined : items.error}
        onRetry={items.reload}
        empty={!!items.data && found === 0}
        emptyTitle={word ? '没有找到相关事项' : '暂无可办理的事项'}
        emptyDescription={word ? `没有与「${word.trim()}」相关的事项，请换个关键词，如“备案”“参保”。` : '请稍后再试。'}
      >
        {personal.map((g) => (
          <View key={g.category} className={`ss-category ss-category--${g.category}`}>
            <View className='ss-category__head'>
              <Text className='ss-category__title'>{SELF_SERVICE_CATEGORY_LABELS[g.category]}</Text>
              <Text className='ss-category__count'>{g.items.length} 项</Text>
            </View>
            {g.items.map((i) => (
              <ItemCard key={i.code} item={i} />
            ))}
          </View>
        ))}
        {others.length ? (
          <>
            <Text className='ss-page__section-title'>单位与医药机构业务</Text>
            <Text className='ss-page__hint ss-hall__others-note'>以下事项由参保单位或定点医药机构办理，请查看材料后到医保经办窗口办理。</Text>
            {others.map((g) => (
              <View key={g.category} className={`ss-category ss-category--${g.category}`}>
                <View className='ss-category__head'>
                  <Text className='ss-category__title'>{SELF_SERVICE_CATEGORY_LABELS[g.category]}</Text>
                  <Text className='ss-category__count'>{g.items.length} 项</Text>
                </View>
                {g.items.map((i) => (
                  <ItemCard key={i.code} item={i} />
                ))}
              </View>
            ))}
          </>
        ) : null}
      </PageState>
    </View>
  );
}
