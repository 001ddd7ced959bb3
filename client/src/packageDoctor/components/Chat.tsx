import { useEffect, useRef, useState } from 'react';
import Taro from '@tarojs/taro';
import { Image, Text, View } from '@tarojs/components';
import { MESSAGE_TEXT_MAX, SendMessageRequestSchema, fieldErrors, type ConsultationMessage, type ConsultationStatus, type RoomState } from '@ih/contract';
import { Button } from '../../components/nut';
import { FormError } from '../../components/Form';
import { sendMessage } from '../../packageConsult/services/consultations';
import { buildUrl, isApiError } from '../../services/request';
import { useRoom } from '../hooks/useRoom';
import { shortTime } from '../services/format';
import { TextArea } from './TextArea';
import './workspace.scss';

const MODE_NOTES: Partial<Record<string, string>> = {
  connecting: '正在连接…',
  polling: '实时连接不可用，正在自动刷新消息',
  paused: '已暂停更新',
  stopped: '',
};

function newClientMsgId(): string {
  return `d${Date.now().toString(36)}${Math.floor(Math.random() * 0xffffffff).toString(36)}`.slice(0, 40);
}

/** Why the doctor cannot write now, in words. */
function closedNote(status: ConsultationStatus): string {
  if (status === 'WAITING') return '接诊后才能回复患者。';
  if (status === 'PENDING_PAYMENT') return '患者尚未支付。';
  return '问诊已结束，不能再发送消息。';
}

function Bubble({ m, peerReadSeq, onOpenPrescription }: { m: ConsultationMessage; peerReadSeq: number; onOpenPrescription?: (id: string) => void }) {
  if (m.sender === 'SYSTEM' || m.kind === 'SYSTEM') {
    return (
      <View className='chat-msg chat-msg--system' data-seq={m.seq}>
        <Text className='chat-msg__system'>{m.text}</Text>
      </View>
    );
  }
  const mine = m.sender === 'DOCTOR';
  return (
    <View className={`chat-msg chat-msg--${mine ? 'mine' : 'peer'} chat-msg--${m.kind.toLowerCase()}`} data-seq={m.seq}>
      <Text className='chat-msg__who'>
        {mine ? '我' : '患者'} · {shortTime(m.createdAt)}
      </Text>
      {m.kind === 'TEXT' ? <Text className='chat-msg__bubble'>{m.text}</Text> : null}
      {m.kind === 'IMAGE' && m.file ? (
        <Image
          className='chat-msg__image'
          src={buildUrl(m.file.url)}
          mode='widthFix'
          onClick={() => {
            const url = buildUrl(m.file!.url);
            void Promise.resolve(Taro.previewImage?.({ urls: [url], current: url })).catch(() => undefined);
          }}
        />
      ) : null}
      {m.kind === 'PRESCRIPTION' ? (
        <View className='chat-msg__bubble chat-msg__rx' role='button' onClick={() => m.prescriptionId && onOpenPrescription?.(m.prescriptionId)}>
          <Text>电子处方 · {m.text ?? '点击查看'}</Text>
        </View>
      ) : null}
      {mine ? <Text className='chat-msg__read'>{m.seq <= peerReadSeq ? '已读' : '未读'}</Text> : null}
    </View>
  );
}

export interface ChatProps {
  consultationId: string;
  initial: RoomState;
  /** The room's state changed (status, permissions): the page may reload its detail. */
  onStatus?: (status: ConsultationStatus) => void;
  onOpenPrescription?: (id: string) => void;
}

/** 对话: the room's messages as they arrive, read marks, and the doctor's reply box. */
export function Chat({ consultationId, initial, onStatus, onOpenPrescription }: ChatProps) {
  const room = useRoom(consultationId, initial);
  const [text, setText] = useState('');
  const [error, setError] = useState<{ code: string; message: string } | null>(null);
  const [sending, setSending] = useState(false);
  const pendingId = useRef<string | null>(null);
  const lastStatus = useRef(initial.status);
  const status = room.state.status;
  useEffect(() => {
    if (status === lastStatus.current) return;
    lastStatus.current = status;
    onStatus?.(status);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [status]);

  async function send() {
    if (sending) return;
    // The same id for retries of the same text: the BFF returns the same message, never two.
    pendingId.current ??= newClientMsgId();
    const body = { kind: 'TEXT' as const, text, clientMsgId: pendingId.current };
    const problems = fieldErrors(SendMessageRequestSchema, body);
    if (Object.keys(problems).length) {
      setError({ code: 'VALIDATION_FAILED', message: problems.text ?? Object.values(problems)[0]! });
      return;
    }
    setSending(true);
    setError(null);
    try {
      const m = await sendMessage(consultationId, { ...body, text: text.trim() });
      room.add(m);
      setText('');
      pendingId.current = null;
      room.refresh();
    } catch (e) {
      setError({ code: isApiError(e) ? e.code : 'INTERNAL', message: isApiError(e) ? e.message : '发送失败，请重试' });
    } finally {
      setSending(false);
    }
  }

  const note = MODE_NOTES[room.mode];
  return (
    <View className='chat'>
      {room.fatal ? (
        <View className='chat__fatal' role='alert'>
          <Text>{room.fatal.message}</Text>
        </View>
      ) : note ? (
        <Text className={`chat__mode chat__mode--${room.mode}`}>{note}</Text>
      ) : null}
      <View className='chat__messages'>
        {room.messages.length === 0 ? <Text className='chat__empty'>暂无消息</Text> : null}
        {room.messages.map((m) => (
          <Bubble key={m.seq} m={m} peerReadSeq={room.state.peerReadSeq} onOpenPrescription={onOpenPrescription} />
        ))}
      </View>
      {room.state.canSend ? (
        <View className='chat__composer'>
          <TextArea
            name='chat'
            value={text}
            onChange={(v) => {
              setText(v);
              pendingId.current = null;
            }}
            placeholder='回复患者（请勿发送与诊疗无关的内容）'
            maxlength={MESSAGE_TEXT_MAX}
          />
          <FormError code={error?.code} message={error?.message} />
          <Button className='chat__send' type='primary' loading={sending} disabled={sending || !text.trim()} onClick={() => void send()}>
            发送
          </Button>
        </View>
      ) : (
        <Text className='chat__closed'>{closedNote(room.state.status)}</Text>
      )}
    </View>
  );
}
