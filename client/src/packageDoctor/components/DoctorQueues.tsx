import { useState } from 'react';
import { Text, View } from '@tarojs/components';
import { formatFen, type WorkspaceConsultationItem, type WorkspaceQueueStatus } from '@ih/contract';
import { Button, Loading } from '../../components/nut';
import { PageState } from '../../components/PageState';
import { URLS } from '../../routes';
import { openPage } from '../../services/nav';
import { withQuery } from '../../services/params';
import { useCursorList } from '../hooks/useCursorList';
import { QUEUE_POLL_MS, usePolling } from '../hooks/usePolling';
import { clock, patientLine, shortTime } from '../services/format';
import { listConsultations } from '../services/workspace';
import { Tabs } from './Tabs';
import '../../components/PagedList/index.scss';
import './workspace.scss';

const TABS: { key: WorkspaceQueueStatus; label: string; empty: string; emptyDescription: string }[] = [
  { key: 'WAITING', label: '待接诊', empty: '暂无待接诊的问诊', emptyDescription: '本科室患者支付后会出现在这里，页面每 15 秒自动刷新。' },
  { key: 'IN_PROGRESS', label: '问诊中', empty: '暂无进行中的问诊', emptyDescription: '接诊后的问诊会出现在这里。' },
  { key: 'COMPLETED', label: '已结束', empty: '暂无已结束的问诊', emptyDescription: '' },
];

function ConsultationCard({ c }: { c: WorkspaceConsultationItem }) {
  const open = () => void openPage(withQuery(URLS.doctorConsultation, { id: c.id }));
  return (
    <View className={`ws-card consultation-card consultation-card--${c.status.toLowerCase()}`} data-id={c.id} role='button' onClick={open}>
      <View className='ws-card__head'>
        <Text className='ws-card__name consultation-card__patient'>{patientLine(c.patient)}</Text>
        <Text className={`status status--${c.status === 'WAITING' ? 'warn' : c.status === 'IN_PROGRESS' ? 'ok' : 'info'}`}>{c.statusLabel}</Text>
        {c.requestedMe ? <Text className='status status--info consultation-card__mine'>指定我</Text> : null}
        {c.unreadCount > 0 ? <Text className='status status--danger consultation-card__unread'>{c.unreadCount} 条未读</Text> : null}
      </View>
      <Text className='ws-card__line'>
        {c.disease ? `复诊：${c.disease.name}` : '复诊病种未记录'} · {c.insured ? '医保' : '自费'} · 诊查费 {formatFen(c.feeFen)}
      </Text>
      {c.descriptionPreview ? <Text className='ws-card__text'>{c.descriptionPreview}</Text> : null}
      <Text className='ws-card__line'>
        {c.status === 'WAITING'
          ? [c.waitingSince ? `${shortTime(c.waitingSince)} 起等待` : null, c.acceptDeadline ? `${shortTime(c.acceptDeadline)} 前未接诊将自动取消并退款` : null]
              .filter(Boolean)
              .join('，')
          : c.status === 'IN_PROGRESS'
            ? `${shortTime(c.acceptedAt)} 接诊${c.lastActivityAt ? ` · 最近消息 ${shortTime(c.lastActivityAt)}` : ''}`
            : `${shortTime(c.endedAt)} 结束`}
        {c.imageCount ? ` · ${c.imageCount} 张图片` : ''}
      </Text>
      <View className='ws-card__actions'>
        <Button className='ws-card__button consultation-card__open' size='small' type={c.status === 'WAITING' ? 'primary' : 'default'}>
          {c.status === 'WAITING' ? '查看并接诊' : c.status === 'IN_PROGRESS' ? '进入问诊' : '查看'}
        </Button>
      </View>
    </View>
  );
}

/** The doctor's home: the department's waiting queue (polled), my consultations in progress, ended ones. */
export function DoctorQueues() {
  const [tab, setTab] = useState<WorkspaceQueueStatus>('WAITING');
  const list = useCursorList((cursor) => listConsultations({ status: tab, cursor, limit: 20 }), [tab]);
  usePolling(list.refresh, QUEUE_POLL_MS, tab !== 'COMPLETED');
  const current = TABS.find((t) => t.key === tab)!;

  return (
    <View className='doctor-queues'>
      <Tabs name='queues' tabs={TABS} active={tab} onChange={setTab} />
      <View className='workspace__section-title'>
        <Text>
          {current.label}
          {list.refreshedAt ? <Text className='workspace__refreshed'>（{clock(list.refreshedAt)} 更新）</Text> : null}
        </Text>
        <Button className='workspace__refresh' size='small' fill='outline' loading={list.refreshing} disabled={list.refreshing || list.loading} onClick={list.refresh}>
          刷新
        </Button>
      </View>
      {list.error && list.items.length > 0 ? (
        <View className='workspace__stale' role='alert'>
          <Text>刷新失败：{list.error.message}（显示的是上次的结果）</Text>
        </View>
      ) : null}
      <PageState
        loading={list.loading && list.items.length === 0}
        error={list.items.length === 0 ? list.error : undefined}
        onRetry={list.refresh}
        empty={!list.loading && !list.error && list.items.length === 0}
        emptyTitle={current.empty}
        emptyDescription={current.emptyDescription || undefined}
      >
        <View className={`queue queue--${tab.toLowerCase()}`}>
          {list.items.map((c) => (
            <ConsultationCard key={c.id} c={c} />
          ))}
        </View>
        <ListFooter list={list} />
      </PageState>
    </View>
  );
}

export function ListFooter({ list }: { list: { loadingMore: boolean; moreError?: { message: string } | undefined; hasMore: boolean; loadMore: () => void } }) {
  if (list.loadingMore) {
    return (
      <View className='paged-list__footer paged-list__footer--loading'>
        <Loading type='circular' />
        <Text className='paged-list__footer-text'>加载中…</Text>
      </View>
    );
  }
  if (list.moreError) {
    return (
      <View className='paged-list__footer paged-list__footer--error'>
        <Text className='paged-list__footer-text'>{list.moreError.message}</Text>
        <Button className='paged-list__retry' size='small' type='primary' fill='outline' onClick={list.loadMore}>
          重试
        </Button>
      </View>
    );
  }
  if (list.hasMore) {
    return (
      <View className='paged-list__footer'>
        <Button className='paged-list__more' size='small' fill='outline' onClick={list.loadMore}>
          加载更多
        </Button>
      </View>
    );
  }
  return (
    <View className='paged-list__footer paged-list__footer--end'>
      <Text className='paged-list__footer-text'>没有更多了</Text>
    </View>
  );
}
