import { useState } from 'react';
import Taro from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { FilingCancelSchema, REMOTE_FILING_KIND_LABELS, REMOTE_FILING_TERM, fieldErrors, type RemoteFilingResult } from '@ih/contract';
import { Button } from '../../components/nut';
import { Choice, FormError, FormField, TextInput } from '../../components/Form';
import { ApiError, isApiError } from '../../services/request';
import { cancelFiling } from '../services/selfService';
import { formatTime } from './status';
import { ValueRows } from './ValueRows';
import './selfService.scss';

export type FilingStatus = 'active' | 'cancelled' | 'expired';
const STATUS_LABELS: Record<FilingStatus, string> = { active: '有效', cancelled: '已取消', expired: '已过期' };
const STATUS_TONE: Record<FilingStatus, string> = { active: 'ok', cancelled: 'muted', expired: 'muted' };

export interface FilingCardProps {
  filing: RemoteFilingResult & { status: FilingStatus; cancelledAt: string | null; lockedUntil?: string | null };
  /** The application that made the filing (cancel goes through it). */
  applicationId: string;
  /** Who it is for, when the list mixes people. */
  who?: string;
  onCancelled?: () => void;
}

/** 异地就医备案 record: kind, place (city level), validity; an active one can be cancelled with a reason. */
export function FilingCard({ filing, applicationId, who, onCancelled }: FilingCardProps) {
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [reasonChanged, setReasonChanged] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const longTerm = REMOTE_FILING_TERM[filing.kind] === 'long';
  // Known from the filings list; the application page learns it from the BFF's refusal.
  const [lockedSeen, setLockedSeen] = useState(false);
  const locked = !!filing.lockedUntil || lockedSeen;

  async function cancel() {
    if (busy) return;
    const body = { reason, reasonChanged };
    const problems = fieldErrors(FilingCancelSchema, body);
    if (filing.lockedUntil && !reasonChanged) problems.reasonChanged = `备案生效后 6 个月内（${filing.lockedUntil} 前）不能取消，备案原因发生变化的除外`;
    setErrors(problems);
    setFailure(null);
    if (Object.keys(problems).length) return;
    const answer = await Taro.showModal({
      title: '取消异地就医备案',
      content: `取消后在${filing.placeName}就医将不能直接结算，需要时请重新备案。确定取消吗？`,
      confirmText: '取消备案',
      cancelText: '再想想',
    });
    if (!answer.confirm) return;
    setBusy(true);
    try {
      await cancelFiling(applicationId, body);
      void Taro.showToast({ title: '备案已取消', icon: 'success' });
      setOpen(false);
      onCancelled?.();
    } catch (e) {
      if (isApiError(e) && e.code === 'VALIDATION_FAILED' && e.fields.length) setErrors(Object.fromEntries(e.fields.map((f) => [f.path || '_', f.message])));
      else if (isApiError(e) && e.code === 'SELF_SERVICE_FILING_LOCKED' && longTerm) {
        setLockedSeen(true);
        setErrors({ reasonChanged: e.message });
      } else setFailure(isApiError(e) ? e : new ApiError('BAD_RESPONSE', '取消失败，请稍后重试', 0, ''));
    } finally {
      setBusy(false);
    }
  }

  return (
    <View className={`ss-panel ss-filing ss-filing--${filing.status}`} data-filing-no={filing.filingNo}>
      <View className='ss-tags'>
        <Text className={`ss-tag ss-tag--${STATUS_TONE[filing.status]} ss-filing__status`}>{STATUS_LABELS[filing.status]}</Text>
        <Text className='ss-tag ss-tag--info'>{longTerm ? '长期备案' : '临时备案'}</Text>
      </View>
      <ValueRows
        rows={[
          ...(who ? [{ key: 'who', label: '参保人', value: who }] : []),
          { key: 'kind', label: '备案类型', value: REMOTE_FILING_KIND_LABELS[filing.kind] },
          { key: 'place', label: '就医地', value: filing.placeName },
          { key: 'from', label: '开始日期', value: filing.validFrom },
          { key: 'until', label: '有效期至', value: filing.validUntil ?? '长期有效（变更或取消前）' },
          { key: 'no', label: '备案号', value: filing.filingNo },
          ...(filing.cancelledAt ? [{ key: 'cancelled', label: '取消时间', value: formatTime(filing.cancelledAt) }] : []),
        ]}
      />
      {filing.status === 'active' && !open ? (
        <Button className='ss-actions__button ss-filing__cancel' block fill='outline' onClick={() => setOpen(true)}>
          取消备案
        </Button>
      ) : null}
      {filing.status === 'active' && open ? (
        <View className='ss-filing__cancel-form'>
          {locked ? (
            <Text className='ss-panel__note ss-filing__locked'>
              长期备案生效后 6 个月内{filing.lockedUntil ? `（${filing.lockedUntil} 前）` : ''}原则上不能变更或取消；如备案原因已发生变化（如已回参保地居住），请在下方选择“已发生变化”。
            </Text>
          ) : null}
          <FormField name='reason' label='取消原因' error={errors.reason}>
            <TextInput name='reason' value={reason} onChange={setReason} placeholder='如：已回参保地居住' maxlength={100} />
          </FormField>
          {locked ? (
            <FormField name='reasonChanged' label='备案原因是否已发生变化' error={errors.reasonChanged}>
              <Choice
                name='reasonChanged'
                options={[
                  { value: 'yes', label: '已发生变化' },
                  { value: 'no', label: '没有变化' },
                ]}
                value={reasonChanged ? 'yes' : 'no'}
                onChange={(v) => setReasonChanged(v === 'yes')}
              />
            </FormField>
          ) : null}
          {errors._ ? <FormError code='VALIDATION_FAILED' message={errors._} /> : null}
          {failure ? <FormError code={failure.code} message={failure.message} /> : null}
          <Button className='ss-actions__button ss-filing__confirm-cancel' type='danger' block loading={busy} disabled={busy} onClick={() => void cancel()}>
            确认取消备案
          </Button>
          <Button className='ss-actions__button ss-filing__keep' block fill='none' disabled={busy} onClick={() => setOpen(false)}>
            暂不取消
          </Button>
        </View>
      ) : null}
    </View>
  );
}
