import { useEffect, useRef, useState } from 'react';
import { useDidShow, useReachBottom } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { formatFen, type OrderList, type OrderListQuery } from '@ih/contract';
import { Button, Loading } from '../../components/nut';
import { PageState } from '../../components/PageState';
import { URLS } from '../../routes';
import { openPage } from '../../services/nav';
import { listOrders } from '../../services/order';
import { orderUrl } from '../../services/orderFlow';
import { ApiError, CLIENT_ERROR_MESSAGES, isApiError } from '../../services/request';
import { isSignedIn } from '../../services/session';
import { StateLabel, formatTime } from './parts/OrderParts';
import './parts/order.scss';
import './index.scss';

type Filter = NonNullable<OrderListQuery['status']>;
type Summary = OrderList['items'][number];

const FILTERS: { key: Filter; label: string }[] = [
  { key: 'all', label: '全部' },
  { key: 'unpaid', label: '待支付' },
  { key: 'paid', label: '已支付' },
  { key: 'refund', label: '退款' },
  { key: 'closed', label: '已关闭' },
];
export const ORDERS_PAGE_SIZE = 20;

function toApiError(e: unknown): ApiError {
  return isApiError(e) ? e : new ApiError('BAD_RESPONSE', CLIENT_ERROR_MESSAGES.BAD_RESPONSE, 0, '');
}

function OrderCard({ order }: { order: Summary }) {
  return (
    <View className={`order-card order-card--${order.state.toLowerCase()}`} onClick={() => void openPage(orderUrl('orderDetail', order.id))}>
      <View className='order-card__head'>
        <Text className='order-card__kind'>{order.kindLabel}</Text>
        <StateLabel state={order.state} label={order.stateLabel} />
      </View>
      <Text className='order-card__line'>
        {order.hospitalName} · 就诊人 {order.patientNameMasked}
      </Text>
      <Text className='order-card__line'>
        {formatTime(order.createdAt)} · {order.payMode === 'INSURANCE' ? '医保支付' : '自费'}
      </Text>
      <View className='order-card__amounts'>
        <Text className='order-card__amount'>医疗费用 {formatFen(order.totalFen)}</Text>
        {order.deliveryFeeFen > 0 ? <Text className='order-card__delivery'>配送费 {formatFen(order.deliveryFeeFen)}</Text> : null}
      </View>
    </View>
  );
}

/**
 * 订单 tab: the patient's orders with their state, filtered (全部/待支付/已支付/退款/已关闭) and
 * paged (more on reaching the bottom, or the 加载更多 button). A card opens the order detail.
 */
export default function Orders() {
  const [signedIn, setSignedIn] = useState(isSignedIn());
  const [filter, setFilter] = useState<Filter>('all');
  const [items, setItems] = useState<Summary[]>([]);
  const [total, setTotal] = useState(0);
  const [page, setPage] = useState(0);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<ApiError>();
  const [loadingMore, setLoadingMore] = useState(false);
  const [moreError, setMoreError] = useState<ApiError>();
  const [attempt, setAttempt] = useState(0);
  const generation = useRef(0);
  const busy = useRef(false);
  const shownOnce = useRef(false);

  useEffect(() => {
    if (!signedIn) {
      setLoading(false);
      return;
    }
    const gen = ++generation.current;
    busy.current = true;
    setLoading(true);
    setError(undefined);
    setMoreError(undefined);
    listOrders({ status: filter, page: 1, pageSize: ORDERS_PAGE_SIZE }).then(
      (p) => {
        if (gen !== generation.current) return;
        busy.current = false;
        setItems(p.items);
        setTotal(p.total);
        setPage(1);
        setLoading(false);
      },
      (e: unknown) => {
        if (gen !== generation.current) return;
        busy.current = false;
        setError(toApiError(e));
        setLoading(false);
      },
    );
  }, [filter, attempt, signedIn]);

  const hasMore = items.length < total && page > 0;
  function loadMore() {
    if (busy.current || !hasMore) return;
    const gen = generation.current;
    busy.current = true;
    setLoadingMore(true);
    setMoreError(undefined);
    listOrders({ status: filter, page: page + 1, pageSize: ORDERS_PAGE_SIZE }).then(
      (p) => {
        if (gen !== generation.current) return;
        busy.current = false;
        // The list may have moved meanwhile (a new order): never show one order twice.
        setItems((old) => [...old, ...p.items.filter((n) => !old.some((o) => o.id === n.id))]);
        setTotal(p.total);
        setPage(p.page);
        setLoadingMore(false);
      },
      (e: unknown) => {
        if (gen !== generation.current) return;
        busy.current = false;
        setMoreError(toApiError(e));
        setLoadingMore(false);
      },
    );
  }

  useReachBottom(loadMore);
  useDidShow(() => {
    const now = isSignedIn();
    setSignedIn(now);
    // Back from an order (paid, refunded…): show the new states.
    if (shownOnce.current && now) setAttempt((n) => n + 1);
    shownOnce.current = true;
  });

  if (!signedIn) {
    return (
      <View className='page orders orders--signed-out'>
        <PageState
          empty
          emptyTitle='请先登录'
          emptyDescription='登录后可查看复诊、处方订单和医保支付记录。'
          emptyAction={
            <Button className='orders__login' type='primary' onClick={() => void openPage(URLS.login)}>
              去登录
            </Button>
          }
        />
      </View>
    );
  }

  return (
    <View className='page orders'>
      <View className='orders__filters' role='tablist'>
        {FILTERS.map((f) => (
          <View
            key={f.key}
            role='tab'
            aria-selected={filter === f.key}
            className={`orders__filter orders__filter--${f.key}${filter === f.key ? ' orders__filter--active' : ''}`}
            onClick={() => setFilter(f.key)}
          >
            <Text>{f.label}</Text>
          </View>
        ))}
      </View>
      <PageState
        loading={loading}
        error={error}
        onRetry={() => setAttempt((n) => n + 1)}
        empty={!loading && items.length === 0}
        emptyTitle='暂无订单'
        emptyDescription={filter === 'all' ? '在线复诊和处方购药的订单会显示在这里。' : '该分类下暂无订单。'}
        emptyAction={
          <Button className='orders__start' type='primary' fill='outline' onClick={() => void openPage(URLS.revisit)}>
            去在线复诊
          </Button>
        }
      >
        <View className='orders__list'>
          {items.map((o) => (
            <OrderCard key={o.id} order={o} />
          ))}
        </View>
        <View className='orders__footer'>
          {loadingMore ? (
            <View className='orders__footer--loading'>
              <Loading type='circular' />
              <Text>正在加载…</Text>
            </View>
          ) : moreError ? (
            <View className='orders__footer--error'>
              <Text>{moreError.message}</Text>
              <Button className='orders__more' size='small' onClick={loadMore}>
                重试
              </Button>
            </View>
          ) : hasMore ? (
            <Button className='orders__more' size='small' fill='outline' onClick={loadMore}>
              加载更多
            </Button>
          ) : (
            <Text className='orders__footer--end'>共 {total} 笔订单，已全部显示</Text>
          )}
        </View>
      </PageState>
    </View>
  );
}
