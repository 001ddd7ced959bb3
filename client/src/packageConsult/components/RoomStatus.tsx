import { Text, View } from '@tarojs/components';
import { DOCTOR_TITLE_LABELS, formatFen, type ConsultationDetail, type RoomState } from '@ih/contract';
import { STATUS_TONES, shortTime } from '../../pages/consult/consultations';
import { Button } from '../../components/nut';
import type { RealtimeMode } from '../../services/realtime';

export interface RoomStatusProps {
  detail: ConsultationDetail;
  room: RoomState;
  mode: RealtimeMode;
  busy: boolean;
  onPay: () => void;
  onCancel: () => void;
}

function statusNote(d: ConsultationDetail, room: RoomState): string {
  switch (room.displayStatus) {
    case 'PENDING_PAYMENT':
      return `请支付诊查费 ${formatFen(d.feeFen)}${d.insured ? '' : '（自费）'}，支付后医生即可接诊；超时未支付将自动取消。`;
    case 'WAITING':
      return `已通知医生，请耐心等待接诊${d.acceptDeadline ? `；${shortTime(d.acceptDeadline)} 前未接诊将自动取消并原路退款` : ''}。`;
    case 'IN_PROGRESS':
      return '医生已接诊，请描述病情变化和用药情况。';
    case 'PRESCRIBED':
      return '医生已开具处方，请在下方消息中查看处方并支付取药。';
    case 'COMPLETED':
      return d.closeReasonLabel ?? '本次问诊已结束，可以查看历史消息。';
    case 'CANCELLED':
    case 'REFUNDED':
      return d.closeReasonLabel ?? '本次问诊已取消。';
  }
}

const MODE_TEXT: Record<RealtimeMode, string> = {
  connecting: '正在连接…',
  live: '消息实时更新',
  polling: '网络不稳定，正在重新连接，消息仍会自动刷新',
  paused: '已暂停更新',
  stopped: '已停止更新',
};

/** The consultation's state in words, with what the patient can do now (去支付 / 取消问诊). */
export function RoomStatus({ detail: d, room, mode, busy, onPay, onCancel }: RoomStatusProps) {
  const pay = room.status === 'PENDING_PAYMENT' && d.order;
  const cancel = d.canCancel && (room.status === 'PENDING_PAYMENT' || room.status === 'WAITING');
  return (
    <View className={`room-status room-status--${room.displayStatus}`}>
      <View className='room-status__head'>
        <Text className='room-status__doctor'>
          {d.doctor.name} {DOCTOR_TITLE_LABELS[d.doctor.title]} · {d.doctor.departmentName}
        </Text>
        <Text className={`status-chip status-chip--${STATUS_TONES[room.displayStatus]} room-status__label`}>{room.statusLabel}</Text>
      </View>
      <Text className='room-status__note'>{statusNote(d, room)}</Text>
      <Text className='room-status__line'>
        就诊人 {d.patient.nameMasked}
        {d.disease ? ` · ${d.disease.name}` : ''} · 问诊号 {d.consultationNo}
      </Text>
      {pay || cancel ? (
        <View className='room-status__actions'>
          {pay ? (
            <Button className='room-status__pay' type='primary' size='small' disabled={busy} onClick={onPay}>
              去支付 {formatFen(d.feeFen)}
            </Button>
          ) : null}
          {cancel ? (
            <Button className='room-status__cancel' size='small' fill='outline' disabled={busy} onClick={onCancel}>
              取消问诊
            </Button>
          ) : null}
        </View>
      ) : null}
      {room.status === 'WAITING' || room.status === 'IN_PROGRESS' ? (
        <Text className={`room-conn room-conn--${mode}`} aria-live='polite'>
          {MODE_TEXT[mode]}
        </Text>
      ) : null}
    </View>
  );
}
