import { useCallback, useEffect, useRef, useState } from 'react';
import Taro, { useDidShow, usePullDownRefresh, useReachBottom } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import {
  CONSULTATION_LIST_FILTER_LABELS,
  DOCTOR_TITLE_LABELS,
  formatFen,
  type ConsultationListFilter,
  type ConsultationSummary,
} from '@ih/contract';
import { Button, Loading } from '../../components/nut';
import { PageState } from '../../components/PageState';
import { URLS } from '../../routes';
import { openPage } from '../../services/nav';
import { ApiError, CLIENT_ERROR_MESSAGES, isApiError } from '../../services/request';
import { isSignedIn } from '../../services/session';
import { STATUS_TONES, listConsultations, shortTime } from './consultations';
import './index.scss';

const FILTERS: ConsultationListFilter[] = ['ALL', 'ACTIVE', 'PENDING_PAYMENT', 'COMPLETED', 'CANCELLED'];
export const CONSULT_PAGE_SIZE = 20;

const toApiError = (e: unknown) => (isApiError(e) ? e : new ApiError('BAD_RESPONSE', CLIENT_ERROR_MESSAGES.BAD_RESPONSE, 0, ''));
const roomUrl = (id: string) => `${URLS.consultRoom}?id=${encodeURIComponent(id)}`;

function ConsultationCard({ c }: { c: ConsultationSummary }) {
  return (
    <View className={`consult-card consult-card--${c.displayStatus}`} hoverClass='consult-card--pressed' data-id={c.id} onClick={() => void openPage(roomUrl(c.id))}>
      <View className='consult-card__head'>
        <Text className='consult-card__doctor'>
          {c.doctor.name} {DOCTOR_TITLE_LABELS[c.doctor.title]}
        </Text>
        <Text className={`status-chip status-chip--${STATUS_TONES[c.displayStatus]} status-chip--${c.displayStatus}`}>{c.statusLabel}</Text>
      </View>
      <Text className='consult-card__line'>
        {c.doctor.hospitalName} · {c.doctor.departmentName}
      </Text>
      <Text className='consult-card__line'>
        就诊人 {c.patient.nameMasked}
        {c.disease ? ` · ${c.disease.name}` : ''} · {formatFen(c.feeFen)}
        {c.insured ? '' : '（自费）'}
      </Text>
      {c.lastMessage ? (
        <View className='consult-card__last'>
          <Text className='consult-card__preview'>
            {c.lastMessage.sender === 'DOCTOR' ? '医生：' : c.lastMessage.sender === 'PATIENT' ? '我：' : ''}
            {c.lastMessage.preview}
          </Text>
          <Text className='consult-card__time'>{shortTime(c.lastMessage.createdAt)}</Text>
        </View>
      ) : (
        <Text className='consult-card__time'>发起于 {shortTime(c.createdAt)}</Text>
      )}
      {c.unreadCount > 0 ? <Text className='consult-card__unread'>{c.unreadCount} 条未读</Text> : null}
      {c.displayStatus === 'PENDING_PAYMENT' ? <Text className='consult-card__hint'>待支付：进入问诊后点击“去支付”</Text> : null}
    </View>
  );
}

interface ListState {
  items: ConsultationSummary[];
  nextCursor: string | null;
  loading: boolean;
  error?: ApiError;
  loadingMore: boolean;
  moreError?: ApiError;
  loaded: boolean;
}
const INITIAL: ListState = { items: [], nextCursor: null, loading: true, loadingMore: false, loaded: false };

function ConsultationList() {
  const [filter, setFilter] = useState<ConsultationListFilter>('ALL');
  const [s, setS] = useState<ListState>(INITIAL);
  const gen = useRef(0);
  const busy = useRef(false);

  /** From the first page again; `keep`: leave the list on screen meanwhile (pull-down, coming back). */
  const reload = useCallback(
    (keep = false) => {
      const g = ++gen.current;
      busy.current = true;
      setS((prev) => (keep && prev.loaded ? { ...prev, error: undefined, moreError: undefined } : INITIAL));
      return listConsultations({ status: filter, limit: CONSULT_PAGE_SIZE }).then(
        (page) => {
          if (g !== gen.current) return;
          busy.current = false;
          setS({ items: page.items, nextCursor: page.nextCursor, loading: false, loadingMore: false, loaded: true });
        },
        (e: unknown) => {
          if (g !== gen.current) return;
          busy.current = false;
          setS((prev) => (keep && prev.loaded ? { ...prev, loading: false } : { ...INITIAL, loading: false, error: toApiError(e) }));
          if (keep) void Taro.showToast({ title: toApiError(e).message, icon: 'none' });
        },
      );
    },
    [filter],
  );

  const loadMore = useCallback(() => {
    if (busy.current || !s.nextCursor) return;
    const g = gen.current;
    busy.current = true;
    setS((prev) => ({ ...prev, loadingMore: true, moreError: undefined }));
    listConsultations({ status: filter, limit: CONSULT_PAGE_SIZE, cursor: s.nextCursor }).then(
      (page) => {
        if (g !== gen.current) return;
        busy.current = false;
        setS((prev) => {
          const seen = new Set(prev.items.map((i) => i.id));
          return { ...prev, items: [...prev.items, ...page.items.filter((i) => !seen.has(i.id))], nextCursor: page.nextCursor, loadingMore: false };
        });
      },
      (e: unknown) => {
        if (g !== gen.current) return;
        busy.current = false;
        setS((prev) => ({ ...prev, loadingMore: false, moreError: toApiError(e) }));
      },
    );
  }, [filter, s.nextCursor]);

  useEffect(() => {
    void reload();
  }, [reload]);

  // Back from a room (new messages, paid, cancelled): refresh quietly.
  const shown = useRef(false);
  useDidShow(() => {
    if (shown.current) void reload(true);
    shown.current = true;
  });
  usePullDownRefresh(() => {
    void reload(true).finally(() => void Promise.resolve(Taro.stopPullDownRefresh()).catch(() => undefined));
  });
  useReachBottom(() => loadMore());

  return (
    <View className='page consult consult--signed-in'>
      <View className='consult__filters chips' role='tablist'>
        {FILTERS.map((f) => (
          <View
            key={f}
            className={`chip consult__filter consult__filter--${f}${f === filter ? ' chip--active' : ''}`}
            role='tab'
            aria-selected={f === filter}
            onClick={() => setFilter(f)}
          >
            <Text className='chip__label'>{CONSULTATION_LIST_FILTER_LABELS[f]}</Text>
          </View>
        ))}
      </View>
      <PageState
        loading={s.loading}
        error={s.error}
        onRetry={() => void reload()}
        empty={s.loaded && s.items.length === 0}
        emptyTitle={filter === 'ALL' ? '暂无问诊记录' : `没有“${CONSULTATION_LIST_FILTER_LABELS[filter]}”的问诊`}
        emptyDescription='已在实体医院确诊的常见病、慢性病，可以选择医生在线复诊。'
        emptyAction={
          <Button className='page-state__retry consult__start' type='primary' onClick={() => void openPage(URLS.revisit)}>
            发起在线复诊
          </Button>
        }
      >
        <View className='consult__items'>
          {s.items.map((c) => (
            <ConsultationCard key={c.id} c={c} />
          ))}
        </View>
        {s.loadingMore ? (
          <View className='consult__footer consult__footer--loading'>
            <Loading type='circular' />
            <Text className='consult__footer-text'>加载中…</Text>
          </View>
        ) : s.moreError ? (
          <View className='consult__footer consult__footer--error'>
            <Text className='consult__footer-text'>{s.moreError.message}</Text>
            <Button className='consult__retry-more' size='small' type='primary' fill='outline' onClick={loadMore}>
              重试
            </Button>
          </View>
        ) : s.nextCursor ? (
          <View className='consult__footer'>
            <Button className='consult__more' size='small' fill='outline' onClick={loadMore}>
              加载更多
            </Button>
          </View>
        ) : (
          <View className='consult__footer consult__footer--end'>
            <Text className='consult__footer-text'>没有更多了</Text>
          </View>
        )}
        <View className='consult__new'>
          <Button className='consult__start' type='primary' fill='outline' block onClick={() => void openPage(URLS.revisit)}>
            发起在线复诊
          </Button>
        </View>
      </PageState>
    </View>
  );
}

/** 问诊 tab = 我的问诊: the patient's consultations with their status, newest first. */
export default function Consult() {
  const [signedIn, setSignedIn] = useState(isSignedIn());
  useDidShow(() => setSignedIn(isSignedIn()));
  usePullDownRefresh(() => {
    // Signed out there is nothing to refresh; the signed-in list registers its own handler.
    if (!isSignedIn()) void Promise.resolve(Taro.stopPullDownRefresh()).catch(() => undefined);
  });
  if (!signedIn) {
    return (
      <View className='page consult consult--signed-out'>
        <PageState
          empty
          emptyTitle='请先登录'
          emptyDescription='登录后可查看您的问诊记录。已在实体医院确诊的常见病、慢性病，可以选择医生在线复诊。'
          emptyAction={
            <View className='consult__signed-out-actions'>
              <Button className='page-state__retry consult__login' type='primary' onClick={() => void openPage(URLS.login)}>
                去登录
              </Button>
              <Button className='page-state__retry consult__start' fill='outline' type='primary' onClick={() => void openPage(URLS.revisit)}>
                发起在线复诊
              </Button>
            </View>
          }
        />
      </View>
    );
  }
  return <ConsultationList />;
}
