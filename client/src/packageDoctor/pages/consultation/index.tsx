import { useEffect, useState } from 'react';
import Taro from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { formatFen, type WorkspaceConsultationDetail } from '@ih/contract';
import { Button } from '../../../components/nut';
import { FormError } from '../../../components/Form';
import { PageState } from '../../../components/PageState';
import { useApi } from '../../../hooks/useApi';
import { URLS } from '../../../routes';
import { openPage } from '../../../services/nav';
import { pageParams } from '../../../services/params';
import { isApiError } from '../../../services/request';
import { CaseHistory } from '../../components/CaseHistory';
import { Chat } from '../../components/Chat';
import { DiagnosisSection } from '../../components/DiagnosisSection';
import { PrescriptionSection, currentPrescription } from '../../components/PrescriptionSection';
import { StaffGate } from '../../components/StaffGate';
import { Tabs } from '../../components/Tabs';
import { QUEUE_POLL_MS, usePolling } from '../../hooks/usePolling';
import { patientLine, shortTime } from '../../services/format';
import { acceptConsultation, endConsultation, getConsultation, getDiagnosis, listConsultationPrescriptions } from '../../services/workspace';
import '../../components/workspace.scss';

type Pane = 'case' | 'chat' | 'rx';
const PANES: { key: Pane; label: string }[] = [
  { key: 'case', label: '病情' },
  { key: 'chat', label: '对话' },
  { key: 'rx', label: '诊断与处方' },
];

/** Codes after which the page must show the consultation as it is now. */
const STALE_CODES = new Set(['CONSULTATION_ALREADY_ACCEPTED', 'CONSULTATION_STATE_CHANGED', 'CONSULTATION_CLOSED']);

function Head({ c }: { c: WorkspaceConsultationDetail }) {
  return (
    <View className='ws-card consultation-head'>
      <View className='ws-card__head'>
        <Text className='ws-card__name consultation-head__patient'>{patientLine(c.patient)}</Text>
        <Text className={`status status--${c.status === 'IN_PROGRESS' ? 'ok' : c.status === 'WAITING' ? 'warn' : 'info'} consultation-head__status`}>{c.statusLabel}</Text>
      </View>
      <Text className='ws-card__line'>
        {c.disease ? `复诊：${c.disease.name}（${c.disease.code}）` : '复诊病种未记录'} · {c.insured ? '医保' : '自费'} · 诊查费 {formatFen(c.feeFen)}
      </Text>
      <Text className='ws-card__line'>
        问诊号 {c.consultationNo} · 患者选择的医生：{c.requestedDoctor.name}
        {c.requestedMe ? '（我）' : ''}
      </Text>
      {c.status === 'WAITING' && c.acceptDeadline ? (
        <Text className='ws-card__line consultation-head__deadline'>请在 {shortTime(c.acceptDeadline)} 前接诊，超时将自动取消并为患者退款。</Text>
      ) : null}
      {c.closeReasonLabel ? <Text className='ws-card__line consultation-head__closed'>{c.closeReasonLabel}</Text> : null}
    </View>
  );
}

function Consultation({ id }: { id: string }) {
  const detail = useApi(async () => (id ? getConsultation(id) : null), [id]);
  const [updated, setUpdated] = useState<WorkspaceConsultationDetail | null>(null);
  const c = updated ?? detail.data ?? null;
  const [pane, setPane] = useState<Pane | null>(null);
  const [busy, setBusy] = useState<'accept' | 'end' | null>(null);
  const [actionError, setActionError] = useState<{ code: string; message: string } | null>(null);
  const started = !!c && c.status !== 'WAITING' && c.status !== 'PENDING_PAYMENT' && !!c.acceptedAt;
  const diagnosis = useApi(async () => (started ? getDiagnosis(id) : { diagnosis: null }), [id, started]);
  const prescriptions = useApi(async () => (started ? listConsultationPrescriptions(id) : { items: [] }), [id, started]);

  // The answer of an action (accept, end) stands until a newer detail arrives: clearing it before
  // the reload answers would show the old state for a moment (接诊 back on screen after accepting).
  useEffect(() => setUpdated(null), [detail.data]);
  const reload = () => detail.reload();
  // While waiting, another doctor may accept it or the patient may cancel: keep it current.
  usePolling(reload, QUEUE_POLL_MS, c?.status === 'WAITING');

  if (!c) {
    return (
      <PageState
        loading={detail.loading}
        error={detail.error}
        onRetry={detail.reload}
        empty={!detail.loading && !detail.error}
        emptyTitle='未找到该问诊'
        emptyDescription='问诊不存在或不属于您的科室，请返回列表。'
      />
    );
  }

  const active: Pane = pane ?? (c.status === 'IN_PROGRESS' ? 'chat' : 'case');
  const open = c.status === 'IN_PROGRESS';

  async function accept() {
    if (busy) return;
    setBusy('accept');
    setActionError(null);
    try {
      const next = await acceptConsultation(id);
      setUpdated(next);
      setPane('chat');
      void Taro.showToast({ title: '已接诊', icon: 'success' });
    } catch (e) {
      setActionError({ code: isApiError(e) ? e.code : 'INTERNAL', message: isApiError(e) ? e.message : '接诊失败，请稍后重试' });
      if (isApiError(e) && STALE_CODES.has(e.code)) reload();
    } finally {
      setBusy(null);
    }
  }

  async function end() {
    if (busy) return;
    const rx = currentPrescription(prescriptions.data?.items ?? []);
    const unfinished = rx && (rx.status === 'DRAFT' || rx.status === 'REJECTED');
    const answer = await Taro.showModal({
      title: '结束问诊',
      content: unfinished
        ? '处方还没有签名提交审核，结束后将不能再开具或修改处方。确定结束吗？'
        : '结束后患者不能再发送消息。已提交的处方仍会由药师审核。确定结束吗？',
      confirmText: '结束问诊',
      cancelText: '取消',
    });
    if (!answer.confirm) return;
    setBusy('end');
    setActionError(null);
    try {
      setUpdated(await endConsultation(id));
      void Taro.showToast({ title: '问诊已结束', icon: 'success' });
    } catch (e) {
      setActionError({ code: isApiError(e) ? e.code : 'INTERNAL', message: isApiError(e) ? e.message : '操作失败，请稍后重试' });
      if (isApiError(e) && STALE_CODES.has(e.code)) reload();
    } finally {
      setBusy(null);
    }
  }

  return (
    <>
      <Head c={c} />
      <Tabs name='consultation' tabs={PANES} active={active} onChange={setPane} />
      <View className={`ws-pane ws-pane--case${active === 'case' ? '' : ' ws-pane--hidden'}`}>
        <CaseHistory c={c} />
      </View>
      <View className={`ws-pane ws-pane--chat${active === 'chat' ? '' : ' ws-pane--hidden'}`}>
        <Chat consultationId={c.id} initial={c.room} onStatus={reload} onOpenPrescription={() => setPane('rx')} />
      </View>
      <View className={`ws-pane ws-pane--rx${active === 'rx' ? '' : ' ws-pane--hidden'}`}>
        {started ? (
          <>
            <DiagnosisSection
              consultationId={c.id}
              state={diagnosis}
              editable={open}
              suggestedCode={c.disease?.code ?? c.offlineDiagnosis?.diagnosisCode}
              onSaved={() => {
                diagnosis.reload();
                prescriptions.reload();
              }}
            />
            <PrescriptionSection consultationId={c.id} state={prescriptions} open={open} hasDiagnosis={!!diagnosis.data?.diagnosis} onChanged={prescriptions.reload} />
          </>
        ) : (
          <View className='ws-card'>
            <Text className='ws-card__line'>接诊后可下诊断、开具处方。</Text>
          </View>
        )}
      </View>

      <View className='ws-actions'>
        <FormError code={actionError?.code} message={actionError?.message} />
        {actionError?.code === 'CONSULTATION_ALREADY_ACCEPTED' ? (
          <Button className='ws-actions__back' block fill='outline' onClick={() => void openPage(URLS.doctorWorkspace)}>
            返回待接诊列表
          </Button>
        ) : null}
        {c.canAccept ? (
          <Button className='ws-actions__accept' type='primary' block loading={busy === 'accept'} disabled={!!busy} onClick={() => void accept()}>
            接诊
          </Button>
        ) : null}
        {c.canEnd ? (
          <Button className='ws-actions__end' type='danger' fill='outline' block loading={busy === 'end'} disabled={!!busy} onClick={() => void end()}>
            结束问诊
          </Button>
        ) : null}
      </View>
    </>
  );
}

/** 问诊详情 (?id=): the patient's case, the chat, diagnosis and prescription; accept and end. */
export default function ConsultationPage() {
  const { id = '' } = pageParams();
  return (
    <View className='page workspace consultation-page'>
      <StaffGate roles={['DOCTOR']}>{() => <Consultation id={id} />}</StaffGate>
    </View>
  );
}
