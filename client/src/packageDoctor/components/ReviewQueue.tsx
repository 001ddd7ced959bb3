import { useState } from 'react';
import { Text, View } from '@tarojs/components';
import { DOCTOR_TITLE_LABELS, formatFen, type WorkspacePrescription } from '@ih/contract';
import { Button } from '../../components/nut';
import { URLS } from '../../routes';
import { openPage } from '../../services/nav';
import { PageState } from '../../components/PageState';
import { withQuery } from '../../services/params';
import { useCursorList, type CursorPage } from '../hooks/useCursorList';
import { QUEUE_POLL_MS, usePolling } from '../hooks/usePolling';
import { patientLine, shortTime } from '../services/format';
import { listReviewQueue } from '../services/workspace';
import { ListFooter } from './DoctorQueues';
import { Tabs } from './Tabs';
import { rxTone } from '../../components/Prescription';
import './workspace.scss';

type ReviewTab = 'PENDING_REVIEW' | 'APPROVED' | 'REJECTED';
const TABS: { key: ReviewTab; label: string; empty: string; emptyDescription?: string }[] = [
  { key: 'PENDING_REVIEW', label: '待审核', empty: '暂无待审核的处方', emptyDescription: '医生签名提交的处方会出现在这里，页面每 15 秒自动刷新。' },
  { key: 'APPROVED', label: '已通过', empty: '暂无审核通过的处方' },
  { key: 'REJECTED', label: '未通过', empty: '暂无审核未通过的处方' },
];

const PAGE_SIZE = 20;

/** The review queue is paged by number; the list hook walks it like a cursor. */
async function reviewPage(status: ReviewTab, cursor: string | undefined): Promise<CursorPage<WorkspacePrescription>> {
  const page = cursor ? Number(cursor) : 1;
  const answer = await listReviewQueue({ status, page, pageSize: PAGE_SIZE });
  return { items: answer.items, nextCursor: page * PAGE_SIZE < answer.total ? String(page + 1) : null };
}

function ReviewCard({ rx }: { rx: WorkspacePrescription }) {
  return (
    <View
      className={`ws-card review-card review-card--${rx.status.toLowerCase()}`}
      data-id={rx.id}
      role='button'
      onClick={() => void openPage(withQuery(URLS.prescriptionReview, { id: rx.id }))}
    >
      <View className='ws-card__head'>
        <Text className='ws-card__name'>处方 {rx.rxNo}</Text>
        {rx.version > 1 ? <Text className='status status--info'>第 {rx.version} 版</Text> : null}
        <Text className={`status status--${rxTone(rx.status)}`}>{rx.statusLabel}</Text>
      </View>
      <Text className='ws-card__line'>患者：{patientLine(rx.patient)}</Text>
      <Text className='ws-card__line'>
        诊断：{rx.diagnosis.name}（{rx.diagnosis.code}）
      </Text>
      <Text className='ws-card__line'>
        {rx.doctor.name} {DOCTOR_TITLE_LABELS[rx.doctor.title]} · {rx.department.name}
      </Text>
      <Text className='ws-card__line'>
        {rx.items.length} 种药品 · 合计 {formatFen(rx.totalFen)}
        {rx.submittedAt ? ` · ${shortTime(rx.submittedAt)} 提交` : ''}
      </Text>
      {rx.status === 'PENDING_REVIEW' ? (
        <View className='ws-card__actions'>
          <Button className='ws-card__button review-card__open' size='small' type='primary'>
            审核处方
          </Button>
        </View>
      ) : null}
    </View>
  );
}

/** The pharmacist's home: prescriptions of the hospital waiting for review (polled), and reviewed ones. */
export function ReviewQueue() {
  const [tab, setTab] = useState<ReviewTab>('PENDING_REVIEW');
  const list = useCursorList((cursor) => reviewPage(tab, cursor), [tab]);
  usePolling(list.refresh, QUEUE_POLL_MS, tab === 'PENDING_REVIEW');
  const current = TABS.find((t) => t.key === tab)!;
  return (
    <View className='review-queue'>
      <Tabs name='review' tabs={TABS} active={tab} onChange={setTab} />
      <View className='workspace__section-title'>
        <Text>{current.label}</Text>
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
        emptyDescription={current.emptyDescription}
      >
        <View className={`queue queue--${tab.toLowerCase()}`}>
          {list.items.map((rx) => (
            <ReviewCard key={rx.id} rx={rx} />
          ))}
        </View>
        <ListFooter list={list} />
      </PageState>
    </View>
  );
}
