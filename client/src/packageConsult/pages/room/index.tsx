import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import Taro, { useDidHide, useDidShow } from '@tarojs/taro';
import { Image, ScrollView, Text, Textarea, View } from '@tarojs/components';
import {
  CANCEL_CHOICES,
  CANCEL_CHOICE_CODES,
  MAX_CONSULT_IMAGES,
  MESSAGE_TEXT_MAX,
  type ConsultationDetail,
  type ConsultationMessage,
  type RoomState,
} from '@ih/contract';
import { Button, Loading } from '../../../components/nut';
import { PageState } from '../../../components/PageState';
import { PendingMessage, RoomMessage, type PendingSend } from '../../../components/RoomMessage';
import { Upload, useUploads, type UploadItem } from '../../../components/Upload';
import { URLS } from '../../../routes';
import { getMessages, markRead, sendMessage } from '../../../services/consultations';
import { openPage } from '../../../services/nav';
import { pageParams, withQuery } from '../../../services/params';
import { RoomFeed, type RealtimeMode } from '../../../services/realtime';
import { ApiError, CLIENT_ERROR_MESSAGES, buildUrl, isApiError } from '../../../services/request';
import { RoomStatus } from '../../components/RoomStatus';
import { cancelConsultation, getConsultation } from '../../services/consultations';
import '../../components/consult.scss';
import '../../components/room.scss';

/** Messages loaded at first and per 查看更早的消息. */
export const ROOM_PAGE = 30;
const IMAGE_RULES = { purpose: 'CONSULT_IMAGE' } as const;

const toApiError = (e: unknown) => (isApiError(e) ? e : new ApiError('BAD_RESPONSE', CLIENT_ERROR_MESSAGES.BAD_RESPONSE, 0, ''));

function newClientMsgId(): string {
  const rand = () => Math.floor(Math.random() * 0x100000000).toString(36);
  return `m-${Date.now().toString(36)}-${rand()}${rand()}`.slice(0, 64);
}

/** The messages by seq (duplicates from the socket, polling and catch-up collapse). */
function merge(prev: ConsultationMessage[], more: ConsultationMessage[]): ConsultationMessage[] {
  if (!more.length) return prev;
  const bySeq = new Map(prev.map((m) => [m.seq, m]));
  for (const m of more) bySeq.set(m.seq, m);
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
}

function Room({ id }: { id: string }) {
  const [detail, setDetail] = useState<ConsultationDetail>();
  const [loadError, setLoadError] = useState<ApiError>();
  const [attempt, setAttempt] = useState(0);
  const [room, setRoom] = useState<RoomState>();
  const [messages, setMessages] = useState<ConsultationMessage[]>([]);
  const [older, setOlder] = useState<{ loading: boolean; error?: ApiError }>({ loading: false });
  const [mode, setMode] = useState<RealtimeMode>('connecting');
  const [feedError, setFeedError] = useState<ApiError>();
  const [pending, setPending] = useState<PendingSend[]>([]);
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [anchor, setAnchor] = useState('');
  const feed = useRef<RoomFeed | null>(null);
  const visible = useRef(true);
  const statusRef = useRef<string>();

  // ── first load: the consultation, then its latest messages ─────────────────────────────────
  useEffect(() => {
    let current = true;
    setLoadError(undefined);
    (async () => {
      const d = await getConsultation(id);
      const from = Math.max(0, d.room.lastSeq - ROOM_PAGE);
      const first = d.room.lastSeq > 0 ? await getMessages(id, { after: from, limit: ROOM_PAGE + 20 }) : null;
      if (!current) return;
      statusRef.current = d.status;
      setDetail(d);
      setRoom(first ? { ...d.room, ...stateOf(first) } : d.room);
      setMessages(first?.items ?? []);
      const last = first?.items.at(-1);
      if (last) setAnchor(`msg-${last.seq}`);
    })().catch((e: unknown) => {
      if (current) setLoadError(toApiError(e));
    });
    return () => {
      current = false;
    };
  }, [id, attempt]);

  const reloadDetail = useCallback(() => {
    getConsultation(id).then(
      (d) => {
        statusRef.current = d.status;
        setDetail(d);
      },
      (e: unknown) => console.warn('[room] detail refresh failed', toApiError(e).code),
    );
  }, [id]);

  const onState = useCallback(
    (s: RoomState) => {
      // Read marks and the last seq only grow: an answer that left earlier cannot take them back.
      setRoom((prev) =>
        prev ? { ...s, lastSeq: Math.max(prev.lastSeq, s.lastSeq), myReadSeq: Math.max(prev.myReadSeq, s.myReadSeq), peerReadSeq: Math.max(prev.peerReadSeq, s.peerReadSeq) } : s,
      );
      // Paid, accepted, ended, cancelled: the detail knows deadlines, reasons and what may be done.
      if (statusRef.current !== undefined && s.status !== statusRef.current) {
        statusRef.current = s.status;
        reloadDetail();
      }
    },
    [reloadDetail],
  );

  // ── the realtime feed (socket, or long polling while the socket is down) ──────────────────
  const loaded = !!detail;
  useEffect(() => {
    if (!loaded) return;
    const after = messagesRef.current.at(-1)?.seq ?? 0;
    const f = new RoomFeed({
      consultationId: id,
      afterSeq: after,
      fetch: (a, wait) => getMessages(id, { after: a, wait }),
      onMessages: (items) => {
        setMessages((prev) => merge(prev, items));
        const newest = items.at(-1);
        if (newest) setAnchor(`msg-${newest.seq}`);
      },
      onState,
      onMode: setMode,
      onFatal: setFeedError,
    });
    feed.current = f;
    setFeedError(undefined);
    f.start();
    return () => {
      f.stop();
      feed.current = null;
    };
  }, [id, loaded, onState]);
  const messagesRef = useRef(messages);
  messagesRef.current = messages;

  useDidShow(() => {
    visible.current = true;
    feed.current?.resume();
  });
  useDidHide(() => {
    visible.current = false;
    feed.current?.pause();
  });

  // ── read marks: what is on screen is read (the doctor sees 已读) ────────────────────────────
  const lastSeq = messages.at(-1)?.seq ?? 0;
  const readingUpTo = useRef(0);
  useEffect(() => {
    if (!room || !visible.current || lastSeq <= room.myReadSeq || lastSeq <= readingUpTo.current) return;
    const target = lastSeq;
    const timer = setTimeout(() => {
      readingUpTo.current = target;
      markRead(id, target).then(
        (r) => setRoom((prev) => (prev ? { ...prev, myReadSeq: Math.max(prev.myReadSeq, r.myReadSeq), peerReadSeq: Math.max(prev.peerReadSeq, r.peerReadSeq) } : prev)),
        () => {
          readingUpTo.current = 0; // try again with the next change
        },
      );
    }, 400);
    return () => clearTimeout(timer);
  }, [id, lastSeq, room]);

  // ── older messages ────────────────────────────────────────────────────────────────────────
  const firstSeq = messages[0]?.seq ?? 0;
  const hasOlder = firstSeq > 1;
  const loadOlder = () => {
    if (older.loading || !hasOlder) return;
    const after = Math.max(0, firstSeq - 1 - ROOM_PAGE);
    setOlder({ loading: true });
    getMessages(id, { after, limit: firstSeq - 1 - after }).then(
      (r) => {
        setMessages((prev) => merge(prev, r.items.filter((m) => m.seq < firstSeq)));
        setAnchor(`msg-${firstSeq}`);
        setOlder({ loading: false });
      },
      (e: unknown) => setOlder({ loading: false, error: toApiError(e) }),
    );
  };

  // ── sending ─────────────────────────────────────────────────────────────────────────────────
  const deliverSent = (clientMsgId: string, m: ConsultationMessage) => {
    setPending((prev) => prev.filter((p) => p.clientMsgId !== clientMsgId));
    setMessages((prev) => merge(prev, [m]));
    setAnchor(`msg-${m.seq}`);
    // Sending marks everything before it read on the server.
    setRoom((prev) => (prev ? { ...prev, myReadSeq: Math.max(prev.myReadSeq, m.seq), lastSeq: Math.max(prev.lastSeq, m.seq) } : prev));
  };

  const trySend = (p: PendingSend) => {
    setPending((prev) => [...prev.filter((x) => x.clientMsgId !== p.clientMsgId), { ...p, status: 'sending', error: undefined }]);
    setAnchor('room-bottom');
    const body = p.kind === 'TEXT' ? { kind: 'TEXT' as const, text: p.text!, clientMsgId: p.clientMsgId } : { kind: 'IMAGE' as const, fileId: p.fileId!, clientMsgId: p.clientMsgId };
    sendMessage(id, body).then(
      (m) => deliverSent(p.clientMsgId, m),
      (e: unknown) => {
        const err = toApiError(e);
        setPending((prev) => prev.map((x) => (x.clientMsgId === p.clientMsgId ? { ...x, status: 'failed', error: err.message } : x)));
        if (err.code === 'CONSULTATION_CLOSED' || err.code === 'CONSULTATION_STATE_CHANGED') reloadDetail();
        void feed.current?.refresh();
      },
    );
  };

  const sendText = () => {
    const value = text.trim();
    if (!value) return;
    if (value.length > MESSAGE_TEXT_MAX) {
      void Taro.showToast({ title: `一条消息不能超过 ${MESSAGE_TEXT_MAX} 个字`, icon: 'none' });
      return;
    }
    setText('');
    trySend({ clientMsgId: newClientMsgId(), kind: 'TEXT', text: value, status: 'sending' });
  };

  const uploads = useUploads({
    ...IMAGE_RULES,
    max: MAX_CONSULT_IMAGES,
    onUploaded: (item: UploadItem & { uploaded: { id: string } }) => {
      // Uploaded: it leaves the tray and becomes a message on its way.
      uploads.remove(item.key);
      trySend({ clientMsgId: newClientMsgId(), kind: 'IMAGE', fileId: item.uploaded.id, localPath: item.file.path, status: 'sending' });
    },
  });

  // ── status actions ──────────────────────────────────────────────────────────────────────────
  const pay = () => {
    if (detail?.order) void openPage(withQuery(URLS.orderConfirm, { orderId: detail.order.id }));
  };

  const cancel = async () => {
    if (!detail || busy) return;
    let reasonIndex: number;
    try {
      const picked = await Taro.showActionSheet({ itemList: CANCEL_CHOICE_CODES.map((c) => CANCEL_CHOICES[c]) });
      reasonIndex = picked.tapIndex;
    } catch {
      return; // closed without choosing
    }
    const reason = CANCEL_CHOICE_CODES[reasonIndex];
    if (!reason) return;
    const paid = detail.status === 'WAITING';
    const confirm = await Taro.showModal({
      title: '取消问诊',
      content: paid ? '取消后诊查费将原路退回，退款到账时间以支付渠道为准。确定取消吗？' : '取消后本次问诊不再进行，未支付的订单将关闭。确定取消吗？',
      confirmText: '确定取消',
      cancelText: '再想想',
    });
    if (!confirm.confirm) return;
    setBusy(true);
    try {
      const d = await cancelConsultation(id, reason);
      statusRef.current = d.status;
      setDetail(d);
      setRoom(d.room);
      void feed.current?.refresh();
      void Taro.showToast({ title: paid ? '已取消，费用将原路退回' : '已取消', icon: 'none' });
    } catch (e) {
      const err = toApiError(e);
      void Taro.showModal({ title: '未能取消', content: err.message, showCancel: false, confirmText: '知道了' });
      reloadDetail();
    } finally {
      setBusy(false);
    }
  };

  const fileSrc = useCallback((url: string) => buildUrl(url), []);
  const imageUrls = useMemo(() => messages.filter((m) => m.kind === 'IMAGE' && m.file).map((m) => buildUrl(m.file!.url)), [messages]);
  const preview = (m: ConsultationMessage) => {
    if (!m.file) return;
    void Promise.resolve(Taro.previewImage({ urls: imageUrls, current: buildUrl(m.file.url) })).catch(() => undefined);
  };
  /** A signed link expired: the same message again carries a fresh one. */
  const refreshImage = (m: ConsultationMessage) => {
    getMessages(id, { after: m.seq - 1, limit: 1 }).then(
      (r) => setMessages((prev) => merge(prev, r.items)),
      () => undefined,
    );
  };

  if (!detail || !room) {
    return (
      <View className='page consult-page room'>
        <PageState loading={!loadError} error={loadError} onRetry={() => setAttempt((n) => n + 1)} />
      </View>
    );
  }

  const closedNote =
    room.status === 'PENDING_PAYMENT' ? '支付后即可给医生发送消息' : room.status === 'WAITING' || room.status === 'IN_PROGRESS' ? '暂时不能发送消息' : '问诊已结束，不能再发送消息';

  return (
    <View className={`page room room--${room.displayStatus}`}>
      <RoomStatus detail={detail} room={room} mode={mode} busy={busy} onPay={pay} onCancel={() => void cancel()} />
      {feedError ? (
        <View className='room__feed-error' aria-live='assertive'>
          <Text className='room__feed-error-text'>无法继续接收消息：{feedError.message}</Text>
          <Button className='room__feed-retry' size='small' type='primary' fill='outline' onClick={() => setAttempt((n) => n + 1)}>
            重新加载
          </Button>
        </View>
      ) : null}
      <ScrollView className='room__messages' scrollY scrollIntoView={anchor} scrollWithAnimation={false}>
        {hasOlder ? (
          <View className='room__older'>
            {older.loading ? (
              <Loading type='circular' />
            ) : (
              <Text className='room__older-button' onClick={loadOlder}>
                {older.error ? `加载失败（${older.error.message}），点此重试` : '查看更早的消息'}
              </Text>
            )}
          </View>
        ) : messages.length ? (
          <Text className='room__start'>以上是全部消息</Text>
        ) : null}
        <View className='room__description'>
          <Text className='room__description-title'>病情描述</Text>
          <Text className='room__description-text'>{detail.description}</Text>
          {detail.images.length ? (
            <View className='room__description-images' aria-label={`附图 ${detail.images.length} 张`}>
              {detail.images.map((f) => (
                <Image
                  key={f.id}
                  className='room__description-image'
                  src={buildUrl(f.url)}
                  mode='aspectFill'
                  lazyLoad
                  onClick={() => void Promise.resolve(Taro.previewImage({ urls: detail.images.map((x) => buildUrl(x.url)), current: buildUrl(f.url) })).catch(() => undefined)}
                />
              ))}
            </View>
          ) : null}
        </View>
        {messages.length === 0 && pending.length === 0 ? <Text className='room__empty'>还没有消息</Text> : null}
        {messages.map((m) => (
          <RoomMessage key={m.seq} message={m} peerReadSeq={room.peerReadSeq} fileSrc={fileSrc} onPreview={preview} onImageFailed={refreshImage} />
        ))}
        {pending.map((p) => (
          <PendingMessage key={p.clientMsgId} p={p} onRetry={() => trySend(p)} onDiscard={() => setPending((prev) => prev.filter((x) => x.clientMsgId !== p.clientMsgId))} />
        ))}
        <View id='room-bottom' className='room__bottom' />
      </ScrollView>
      {room.canSend ? (
        <View className='room__composer'>
          {uploads.items.length || uploads.notices.length ? (
            <View className='room__tray'>
              <Upload uploads={uploads} rules={IMAGE_RULES} max={MAX_CONSULT_IMAGES} disabled />
            </View>
          ) : null}
          <View className='room__inputs'>
            <View className='room__image' role='button' aria-label='发送图片' onClick={() => void uploads.choose()}>
              <Text>图片</Text>
            </View>
            <Textarea
              className='room__input'
              value={text}
              maxlength={MESSAGE_TEXT_MAX}
              autoHeight
              fixed
              showConfirmBar={false}
              cursorSpacing={16}
              placeholder='输入消息…'
              confirmType='send'
              onInput={(e) => setText(e.detail.value)}
              onConfirm={sendText}
            />
            <Button className='room__send' type='primary' size='small' disabled={!text.trim()} onClick={sendText}>
              发送
            </Button>
          </View>
        </View>
      ) : (
        <View className='room__closed'>
          <Text className='room__closed-text'>{closedNote}</Text>
        </View>
      )}
    </View>
  );
}

function stateOf(r: RoomState): RoomState {
  return { status: r.status, displayStatus: r.displayStatus, statusLabel: r.statusLabel, lastSeq: r.lastSeq, myReadSeq: r.myReadSeq, peerReadSeq: r.peerReadSeq, canSend: r.canSend };
}

/** 问诊室 (?id=): the consultation's status and actions, messages in near real time, sending text and images. */
export default function RoomPage() {
  const id = useRef(pageParams().id ?? '').current;
  if (!id) {
    return (
      <View className='page consult-page room'>
        <PageState
          empty
          emptyTitle='未找到问诊'
          emptyDescription='请从“问诊”列表进入问诊。'
          emptyAction={
            <Button className='page-state__retry' type='primary' onClick={() => void openPage(URLS.consult)}>
              我的问诊
            </Button>
          }
        />
      </View>
    );
  }
  return <Room id={id} />;
}
