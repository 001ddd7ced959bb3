import { useEffect, useRef, useState } from 'react';
import Taro from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { MAX_CONSULT_IMAGES, MESSAGE_TEXT_MAX, SendMessageRequestSchema, fieldErrors, type ConsultationMessage, type ConsultationStatus, type RoomState } from '@ih/contract';
import { Button } from '../../components/nut';
import { FormError } from '../../components/Form';
import { RoomMessage } from '../../components/RoomMessage';
import { Upload, useUploads, type UploadItem } from '../../components/Upload';
import { sendMessage } from '../../services/consultations';
import { buildUrl, isApiError } from '../../services/request';
import { useRoom } from '../hooks/useRoom';
import { TextArea } from './TextArea';
import './workspace.scss';

const MODE_NOTES: Partial<Record<string, string>> = {
  connecting: '正在连接…',
  polling: '实时连接不可用，正在自动刷新消息',
  paused: '已暂停更新',
  stopped: '',
};

const IMAGE_RULES = { purpose: 'CONSULT_IMAGE' } as const;

function newClientMsgId(): string {
  return `d${Date.now().toString(36)}${Math.floor(Math.random() * 0xffffffff).toString(36)}`.slice(0, 40);
}

/** Why the doctor cannot write now, in words. */
function closedNote(status: ConsultationStatus): string {
  if (status === 'WAITING') return '接诊后才能回复患者。';
  if (status === 'PENDING_PAYMENT') return '患者尚未支付。';
  return '问诊已结束，不能再发送消息。';
}

function preview(m: ConsultationMessage, all: ConsultationMessage[]) {
  const urls = all.filter((x) => x.kind === 'IMAGE' && x.file).map((x) => buildUrl(x.file!.url));
  const current = m.file ? buildUrl(m.file.url) : urls[0];
  if (!current) return;
  void Promise.resolve(Taro.previewImage?.({ urls, current })).catch(() => undefined);
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

  // Pictures (e.g. a diet sheet, how to take a drug): each uploaded photo is sent as a message at
  // once, with its own id so a retry never sends it twice.
  const uploads = useUploads({
    ...IMAGE_RULES,
    max: MAX_CONSULT_IMAGES,
    onUploaded: (item: UploadItem & { uploaded: { id: string } }) => {
      uploads.remove(item.key);
      const clientMsgId = newClientMsgId();
      setError(null);
      sendMessage(consultationId, { kind: 'IMAGE', fileId: item.uploaded.id, clientMsgId }).then(
        (m) => {
          room.add(m);
          room.refresh();
        },
        (e: unknown) => setError({ code: isApiError(e) ? e.code : 'INTERNAL', message: isApiError(e) ? e.message : '图片发送失败，请重试' }),
      );
    },
  });

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
          <RoomMessage
            key={m.seq}
            message={m}
            viewer='DOCTOR'
            peerReadSeq={room.state.peerReadSeq}
            fileSrc={buildUrl}
            onPreview={(x) => preview(x, room.messages)}
            onImageFailed={room.refetch}
            onOpenPrescription={(rxId) => onOpenPrescription?.(rxId)}
          />
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
          {uploads.items.length || uploads.notices.length ? (
            <View className='chat__tray'>
              <Upload uploads={uploads} rules={IMAGE_RULES} max={MAX_CONSULT_IMAGES} disabled />
            </View>
          ) : null}
          <FormError code={error?.code} message={error?.message} />
          <View className='chat__actions'>
            <Button className='chat__image' fill='outline' type='primary' disabled={uploads.busy} onClick={() => void uploads.choose()}>
              发送图片
            </Button>
            <Button className='chat__send' type='primary' loading={sending} disabled={sending || !text.trim()} onClick={() => void send()}>
              发送
            </Button>
          </View>
        </View>
      ) : (
        <Text className='chat__closed'>{closedNote(room.state.status)}</Text>
      )}
    </View>
  );
}
