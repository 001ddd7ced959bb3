import { useRef, useState } from 'react';
import Taro, { useDidShow } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { formatFen, isFinalStatus, type ApplicationDetail } from '@ih/contract';
import { Button } from '../../../components/nut';
import { FormError } from '../../../components/Form';
import { PageState } from '../../../components/PageState';
import { useApi } from '../../../hooks/useApi';
import { URLS } from '../../../routes';
import { openPage } from '../../../services/nav';
import { pageParams, withQuery } from '../../../services/params';
import { ApiError, isApiError } from '../../../services/request';
import { FilingCard } from '../../components/FilingCard';
import { dueText } from '../../components/ItemFacts';
import { patientLabel } from '../../components/PatientPicker';
import { Steps } from '../../components/Steps';
import { StatusTag, formatTime } from '../../components/status';
import { SupplementForm } from '../../components/SupplementForm';
import { ValueRows } from '../../components/ValueRows';
import { getApplication, getItem, refreshApplication, withdrawApplication } from '../../services/selfService';
import '../../components/selfService.scss';

function History({ detail }: { detail: ApplicationDetail }) {
  const entries = [...detail.history].reverse();
  return (
    <View className='ss-panel ss-application__history'>
      <Text className='ss-panel__title'>办理记录</Text>
      <View className='ss-history'>
        {entries.map((h, i) => (
          <View key={`${h.at}-${i}`} className={`ss-history__entry ss-history__entry--${h.status}`}>
            <Text className='ss-history__title'>
              {h.label}
              {h.step ? `（${h.step}）` : ''}
            </Text>
            <Text className='ss-history__time'>{formatTime(h.at)}</Text>
            {h.note ? <Text className='ss-history__note'>{h.note}</Text> : null}
          </View>
        ))}
      </View>
    </View>
  );
}

function Detail({ detail, submitted, onChange }: { detail: ApplicationDetail; submitted: boolean; onChange: (d: ApplicationDetail) => void }) {
  const [withdrawing, setWithdrawing] = useState(false);
  const [refreshing, setRefreshing] = useState(false);
  const [failure, setFailure] = useState<ApiError | null>(null);
  const needsItem = detail.status === 'SUPPLEMENT_REQUIRED' && detail.canSupplement && !!detail.supplement;
  const item = useApi(async () => (needsItem ? getItem(detail.itemCode) : null), [needsItem, detail.itemCode]);

  async function withdraw() {
    if (withdrawing) return;
    const answer = await Taro.showModal({
      title: '撤回申请',
      content: '撤回后本次申请不再办理，需要时请重新申请。确定撤回吗？',
      confirmText: '撤回',
      cancelText: '不撤回',
    });
    if (!answer.confirm) return;
    setWithdrawing(true);
    setFailure(null);
    try {
      onChange(await withdrawApplication(detail.id));
      void Taro.showToast({ title: '已撤回', icon: 'success' });
    } catch (e) {
      setFailure(isApiError(e) ? e : new ApiError('BAD_RESPONSE', '撤回失败，请稍后重试', 0, ''));
    } finally {
      setWithdrawing(false);
    }
  }

  async function refresh() {
    if (refreshing) return;
    setRefreshing(true);
    setFailure(null);
    try {
      onChange(await refreshApplication(detail.id));
    } catch (e) {
      setFailure(isApiError(e) ? e : new ApiError('BAD_RESPONSE', '刷新失败，请稍后重试', 0, ''));
    } finally {
      setRefreshing(false);
    }
  }

  const final = isFinalStatus(detail.status);
  return (
    <>
      <View className='ss-page__intro'>
        <Text className='ss-page__title ss-application__title'>{detail.itemTitle}</Text>
        <View className='ss-tags'>
          <StatusTag status={detail.status} label={detail.statusLabel} />
        </View>
        <Text className='ss-page__note ss-application__no'>申请编号：{detail.applicationNo}</Text>
      </View>

      {submitted && detail.status === 'SUBMITTED' ? (
        <View className='ss-panel ss-application__submitted'>
          <Text className='ss-panel__title'>申请已提交</Text>
          <Text className='ss-panel__text'>经办机构受理、审核和办结时，我们会发送消息通知您，也可随时在“我的申请”查看进度。</Text>
        </View>
      ) : null}
      {!detail.delivered && !final ? (
        <Text className='ss-page__hint ss-application__undelivered'>申请已保存，正在发送到医保经办机构（网络恢复后自动发送，无需重复提交）。</Text>
      ) : null}
      {detail.byOtherAccount ? <Text className='ss-page__hint ss-application__other'>此申请由他人账号为您办理，仅可查看。</Text> : null}

      <View className='ss-panel ss-application__progress'>
        <Text className='ss-panel__title'>办理进度</Text>
        <Steps steps={detail.steps} />
        {detail.deadline && !final ? <Text className='ss-panel__note ss-application__deadline'>办结时限：预计 {dueText(detail.deadline)}</Text> : null}
        <Text className='ss-panel__note'>规定时限：{detail.timeLimitText}</Text>
        {!final ? (
          <Button className='ss-actions__button ss-application__refresh' size='small' fill='outline' loading={refreshing} disabled={refreshing} onClick={() => void refresh()}>
            刷新进度
          </Button>
        ) : null}
      </View>

      {detail.status === 'REJECTED' ? (
        <View className='ss-panel ss-panel--danger ss-application__rejected'>
          <Text className='ss-panel__title'>未通过原因</Text>
          <Text className='ss-panel__text ss-application__reject-reason'>{detail.rejectReason ?? '经办机构未说明原因，请咨询参保地医保经办机构。'}</Text>
          <Button className='ss-actions__button ss-application__again' block fill='outline' onClick={() => void openPage(withQuery(URLS.selfServiceItem, { code: detail.itemCode }))}>
            重新申请
          </Button>
        </View>
      ) : null}

      {needsItem ? (
        <PageState loading={item.loading && !item.data} error={item.data ? undefined : item.error} onRetry={item.reload}>
          {item.data ? <SupplementForm detail={detail} item={item.data} onDone={onChange} /> : null}
        </PageState>
      ) : detail.status === 'SUPPLEMENT_REQUIRED' && detail.supplement ? (
        <View className='ss-panel ss-panel--warn ss-application__supplement-readonly'>
          <Text className='ss-panel__title'>需要补正材料</Text>
          <Text className='ss-panel__text'>{detail.supplement.note}</Text>
        </View>
      ) : null}

      {detail.filing ? <FilingCard filing={detail.filing} applicationId={detail.id} onCancelled={() => void getApplication(detail.id).then(onChange, () => undefined)} /> : null}
      {detail.recognizedDisease ? (
        <View className='ss-panel ss-application__disease'>
          <Text className='ss-panel__title'>认定结果</Text>
          <ValueRows
            rows={[
              { key: 'disease', label: '认定病种', value: detail.recognizedDisease.name },
              { key: 'until', label: '有效期至', value: detail.recognizedDisease.validUntil ?? '长期有效' },
            ]}
          />
        </View>
      ) : null}
      {detail.paidAmountFen !== null ? (
        <View className='ss-panel ss-application__paid'>
          <Text className='ss-panel__title'>拨付结果</Text>
          <ValueRows rows={[{ key: 'paid', label: '拨付金额', value: formatFen(detail.paidAmountFen) }]} />
          <Text className='ss-panel__note'>款项将打入申请时填写的银行账户，到账时间以银行为准。</Text>
        </View>
      ) : null}

      <View className='ss-panel ss-application__facts'>
        <Text className='ss-panel__title'>申请信息</Text>
        <ValueRows
          rows={[
            ...(detail.patient ? [{ key: 'patient', label: '办理人', value: `${patientLabel(detail.patient)} ${detail.patient.idNumberMasked}` }] : []),
            { key: 'submittedAt', label: '提交时间', value: formatTime(detail.submittedAt) },
            ...(detail.acceptedAt ? [{ key: 'acceptedAt', label: '受理时间', value: formatTime(detail.acceptedAt) }] : []),
            ...(detail.completedAt ? [{ key: 'completedAt', label: '办结时间', value: formatTime(detail.completedAt) }] : []),
            ...detail.form,
          ]}
        />
        {detail.materials.length ? (
          <ValueRows
            className='ss-application__materials'
            rows={detail.materials.map((m) => ({ key: `material-${m.code}`, label: m.name, value: m.promise ? '个人承诺书' : `${m.fileIds.length} 个文件` }))}
          />
        ) : null}
      </View>

      <History detail={detail} />

      {failure ? <FormError code={failure.code} message={failure.message} /> : null}
      {detail.canWithdraw && !detail.byOtherAccount ? (
        <View className='ss-actions'>
          <Button className='ss-actions__button ss-application__withdraw' block fill='outline' loading={withdrawing} disabled={withdrawing} onClick={() => void withdraw()}>
            撤回申请
          </Button>
          <Text className='ss-actions__note'>经办机构受理前可以撤回。</Text>
        </View>
      ) : null}
    </>
  );
}

/** 申请详情 (?id=): progress bar, due date, supplement request → resubmit, rejection reason, withdraw, filing, history. */
export default function ApplicationPage() {
  const { id = '', submitted } = pageParams();
  const app = useApi(async () => (id ? getApplication(id) : null), [id]);
  // An answer of our own action (withdraw, supplement, cancel) replaces the loaded detail until the next load.
  const [latest, setLatest] = useState<ApplicationDetail | null>(null);
  const shown = useRef(0);
  // Coming back to the page (e.g. from a notification): the status may have moved on.
  useDidShow(() => {
    shown.current += 1;
    if (shown.current > 1) {
      setLatest(null);
      app.reload();
    }
  });
  const detail = latest ?? app.data;

  if (!id) {
    return (
      <View className='ss-page ss-application'>
        <PageState
          empty
          emptyTitle='未选择申请'
          emptyAction={
            <Button className='page-state__retry' type='primary' onClick={() => void openPage(URLS.selfServiceApplications)}>
              查看我的申请
            </Button>
          }
        />
      </View>
    );
  }
  return (
    <View className={`ss-page ss-application${detail ? ` ss-application--${detail.status}` : ''}`}>
      <PageState loading={app.loading && !detail} error={detail ? undefined : app.error} onRetry={app.reload}>
        {detail ? <Detail key={`${detail.id}-${detail.status}-${detail.updatedAt}`} detail={detail} submitted={submitted === '1'} onChange={setLatest} /> : null}
      </PageState>
    </View>
  );
}
