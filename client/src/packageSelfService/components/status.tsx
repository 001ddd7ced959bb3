import { Text } from '@tarojs/components';
import { chinaDateTime, type ApplicationStatus } from '@ih/contract';
import './selfService.scss';

const TONE: Record<ApplicationStatus, 'ok' | 'warn' | 'danger' | 'info' | 'muted'> = {
  SUBMITTED: 'info',
  ACCEPTED: 'info',
  SUPPLEMENT_REQUIRED: 'warn',
  REVIEWING: 'info',
  RECHECKING: 'info',
  DISBURSING: 'info',
  COMPLETED: 'ok',
  REJECTED: 'danger',
  WITHDRAWN: 'muted',
};

/** The application's status in words (the BFF's label), toned; class `ss-status--<STATUS>`. */
export function StatusTag({ status, label }: { status: ApplicationStatus; label: string }) {
  return <Text className={`ss-tag ss-tag--${TONE[status]} ss-status ss-status--${status}`}>{label}</Text>;
}

/** An ISO time as China wall-clock time to the minute ("2026-11-22 16:05"); a date stays a date. */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '';
  if (/^\d{4}-\d{2}-\d{2}$/.test(iso)) return iso;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? iso : chinaDateTime(ms).slice(0, 16);
}
