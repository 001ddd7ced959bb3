import { useState } from 'react';
import { Image, Text, View } from '@tarojs/components';
import { systemMessageText, type ConsultationMessage } from '@ih/contract';
import { shortTime } from '../../pages/consult/consultations';
import { URLS } from '../../routes';
import { openPage } from '../../services/nav';
import { withQuery } from '../../services/params';
import './index.scss';

export interface RoomMessageProps {
  message: ConsultationMessage;
  /** Up to where the doctor has read (my messages with seq ≤ this are 已读). */
  peerReadSeq: number;
  /** Absolute address of a file's signed URL. */
  fileSrc: (url: string) => string;
  onPreview: (message: ConsultationMessage) => void;
  /** The signed image link expired or failed: fetch the message again for a fresh one. */
  onImageFailed: (message: ConsultationMessage) => void;
  /** Whose room view this is (the doctor's workspace shows the same messages from the other side). */
  viewer?: 'PATIENT' | 'DOCTOR';
  /** A prescription card was tapped (default: the patient's prescription page). */
  onOpenPrescription?: (prescriptionId: string) => void;
}

const SENDER_NAMES = {
  PATIENT: { PATIENT: '我', DOCTOR: '医生', SYSTEM: '系统' },
  DOCTOR: { PATIENT: '患者', DOCTOR: '我', SYSTEM: '系统' },
} as const;

const openPatientPrescription = (id: string) => void openPage(withQuery(URLS.prescription, { id }));

/** One message: text, image (tap to enlarge), prescription card, or a centred system note. */
export function RoomMessage({ message: m, peerReadSeq, fileSrc, onPreview, onImageFailed, viewer = 'PATIENT', onOpenPrescription = openPatientPrescription }: RoomMessageProps) {
  const [broken, setBroken] = useState(false);
  if (m.kind === 'SYSTEM' || m.sender === 'SYSTEM') {
    return (
      <View id={`msg-${m.seq}`} className={`msg msg--system${m.systemCode ? ` msg--${m.systemCode}` : ''}`} data-seq={m.seq}>
        {/* The BFF's text speaks to the patient; staff read the same note in their own words. */}
        <Text className='msg__system-text'>{m.systemCode ? systemMessageText(m.systemCode, viewer === 'PATIENT' ? 'PATIENT' : 'STAFF') : m.text}</Text>
        <Text className='msg__time'>{shortTime(m.createdAt)}</Text>
      </View>
    );
  }
  const mine = m.sender === viewer;
  const read = mine && m.seq <= peerReadSeq;
  return (
    <View id={`msg-${m.seq}`} className={`msg msg--${mine ? 'mine' : 'theirs'} msg--kind-${m.kind}`} data-seq={m.seq}>
      <Text className='msg__sender'>{SENDER_NAMES[viewer][m.sender]}</Text>
      <View className='msg__bubble'>
        {m.kind === 'TEXT' ? <Text className='msg__text' userSelect>{m.text}</Text> : null}
        {m.kind === 'IMAGE' && m.file ? (
          broken ? (
            <View className='msg__image-broken' role='button' onClick={() => { setBroken(false); onImageFailed(m); }}>
              <Text>图片加载失败，点此重新加载</Text>
            </View>
          ) : (
            <Image
              className='msg__image'
              src={fileSrc(m.file.url)}
              mode='widthFix'
              lazyLoad
              aria-label='图片，点击查看大图'
              onClick={() => onPreview(m)}
              onError={() => setBroken(true)}
            />
          )
        ) : null}
        {m.kind === 'PRESCRIPTION' ? (
          <View
            className='msg-rx'
            role='button'
            onClick={() => m.prescriptionId && onOpenPrescription(m.prescriptionId)}
          >
            <Text className='msg-rx__title'>电子处方</Text>
            <Text className='msg-rx__text'>{m.text || '医生已为您开具处方，药师审核通过后可支付取药'}</Text>
            <Text className='msg-rx__open'>查看处方 ›</Text>
          </View>
        ) : null}
      </View>
      <View className='msg__meta'>
        <Text className='msg__time'>{shortTime(m.createdAt)}</Text>
        {mine ? <Text className={`msg__read msg__read--${read ? 'read' : 'unread'}`}>{read ? '已读' : '未读'}</Text> : null}
      </View>
    </View>
  );
}

/** A message on its way (or that failed): shown as mine with its state and 重试. */
export interface PendingSend {
  clientMsgId: string;
  kind: 'TEXT' | 'IMAGE';
  text?: string;
  /** IMAGE: the uploaded file id and the local picture. */
  fileId?: string;
  localPath?: string;
  status: 'sending' | 'failed';
  error?: string;
}

export function PendingMessage({ p, onRetry, onDiscard }: { p: PendingSend; onRetry: () => void; onDiscard: () => void }) {
  return (
    <View className={`msg msg--mine msg--pending msg--${p.status} msg--kind-${p.kind}`} data-client-id={p.clientMsgId}>
      <Text className='msg__sender'>我</Text>
      <View className='msg__bubble'>
        {p.kind === 'TEXT' ? <Text className='msg__text'>{p.text}</Text> : <Image className='msg__image' src={p.localPath ?? ''} mode='widthFix' />}
      </View>
      <View className='msg__meta'>
        {p.status === 'sending' ? (
          <Text className='msg__state'>发送中…</Text>
        ) : (
          <>
            <Text className='msg__state msg__state--failed'>发送失败{p.error ? `：${p.error}` : ''}</Text>
            <View className='msg__retry' role='button' onClick={onRetry}>
              <Text>重试</Text>
            </View>
            <View className='msg__discard' role='button' onClick={onDiscard}>
              <Text>删除</Text>
            </View>
          </>
        )}
      </View>
    </View>
  );
}
