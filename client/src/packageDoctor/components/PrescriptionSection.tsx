import { useState } from 'react';
import Taro from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { ReviseRequestSchema, fieldErrors, type WorkspacePrescription, type WorkspacePrescriptionList } from '@ih/contract';
import { Button } from '../../components/nut';
import { FormError, FormField } from '../../components/Form';
import { PageState } from '../../components/PageState';
import { PrescriptionSheet, rxTone } from '../../components/Prescription';
import type { ApiState } from '../../hooks/useApi';
import { isApiError } from '../../services/request';
import { fullTime } from '../services/format';
import { createDraft, discardDraft, revisePrescription, signAndSubmit, updateDraft } from '../services/workspace';
import { PrescriptionEditor } from './PrescriptionEditor';
import { TextArea } from './TextArea';
import './workspace.scss';

/** The version being worked on: the newest one not replaced by another (cancelled drafts only as history). */
export function currentPrescription(items: readonly WorkspacePrescription[]): WorkspacePrescription | null {
  const live = items.filter((p) => !p.nextId && p.status !== 'CANCELLED');
  return live.sort((a, b) => b.version - a.version || b.createdAt.localeCompare(a.createdAt))[0] ?? null;
}

type Mode = { kind: 'view' } | { kind: 'edit'; base: WorkspacePrescription | null } | { kind: 'revise'; rx: WorkspacePrescription };

export interface PrescriptionSectionProps {
  consultationId: string;
  state: ApiState<WorkspacePrescriptionList>;
  /** The consultation is mine and in progress (the BFF decides in the end). */
  open: boolean;
  hasDiagnosis: boolean;
  /** The list changed (saved, submitted, revised): load it again. */
  onChanged: () => void;
}

/**
 * 处方: the current version with its state — draft (edit, sign and submit, discard), waiting
 * for review, rejected (the pharmacist's reason, revise into a new version), approved (revise
 * with a reason) — and the earlier versions.
 */
export function PrescriptionSection({ consultationId, state, open, hasDiagnosis, onChanged }: PrescriptionSectionProps) {
  const [mode, setMode] = useState<Mode>({ kind: 'view' });
  const [busy, setBusy] = useState<'submit' | 'discard' | 'revise' | null>(null);
  const [actionError, setActionError] = useState<{ code: string; message: string } | null>(null);
  const [reason, setReason] = useState('');
  const [reasonError, setReasonError] = useState<string | undefined>();
  const items = state.data?.items ?? [];
  const current = currentPrescription(items);
  const history = items.filter((p) => p !== current).sort((a, b) => b.version - a.version);

  function fail(e: unknown) {
    setActionError({ code: isApiError(e) ? e.code : 'INTERNAL', message: isApiError(e) ? e.message : '操作失败，请稍后重试' });
  }

  async function submit(rx: WorkspacePrescription) {
    if (busy) return;
    const answer = await Taro.showModal({
      title: '签名并提交审核',
      content: '将使用您的电子签名（SM2）签署此处方并提交药师审核，审核期间不能直接修改。确定提交吗？',
      confirmText: '签名提交',
      cancelText: '再看看',
    });
    if (!answer.confirm) return;
    setBusy('submit');
    setActionError(null);
    try {
      await signAndSubmit(rx.id, rx.updatedAt);
      void Taro.showToast({ title: '已签名并提交审核', icon: 'success' });
      onChanged();
    } catch (e) {
      fail(e);
    } finally {
      setBusy(null);
    }
  }

  async function discard(rx: WorkspacePrescription) {
    if (busy) return;
    const answer = await Taro.showModal({ title: '放弃草稿', content: '草稿中的药品将被清除，确定放弃吗？', confirmText: '放弃', cancelText: '保留' });
    if (!answer.confirm) return;
    setBusy('discard');
    setActionError(null);
    try {
      await discardDraft(rx.id);
      onChanged();
    } catch (e) {
      fail(e);
    } finally {
      setBusy(null);
    }
  }

  async function revise(rx: WorkspacePrescription) {
    if (busy) return;
    const problems = fieldErrors(ReviseRequestSchema, { reason });
    setReasonError(problems.reason);
    if (problems.reason) return;
    setBusy('revise');
    setActionError(null);
    try {
      const draft = await revisePrescription(rx.id, { reason: reason.trim() });
      setReason('');
      setMode({ kind: 'edit', base: draft });
      onChanged();
    } catch (e) {
      fail(e);
    } finally {
      setBusy(null);
    }
  }

  if (mode.kind === 'edit') {
    const base = mode.base;
    return (
      <View className='ws-card prescription-section prescription-section--editing'>
        <PrescriptionEditor
          base={base}
          save={(body) => (base ? updateDraft(base.id, body) : createDraft(consultationId, body))}
          onSaved={() => {
            setMode({ kind: 'view' });
            void Taro.showToast({ title: '处方已保存', icon: 'success' });
            onChanged();
          }}
          onCancel={() => setMode({ kind: 'view' })}
        />
      </View>
    );
  }

  return (
    <View className='prescription-section'>
      <PageState loading={state.loading && !state.data} error={state.data ? undefined : state.error} onRetry={state.reload}>
        {!current ? (
          <View className='ws-card prescription-section__none'>
            <Text className='ws-card__name'>处方</Text>
            <Text className='ws-card__line'>{open ? (hasDiagnosis ? '尚未开具处方。' : '请先选择诊断，再开具处方。') : '本次问诊没有开具处方。'}</Text>
            {open ? (
              <View className='ws-card__actions'>
                <Button className='ws-card__button prescription-section__new' type='primary' disabled={!hasDiagnosis} onClick={() => setMode({ kind: 'edit', base: null })}>
                  开具处方
                </Button>
              </View>
            ) : null}
          </View>
        ) : (
          <>
            {current.status === 'REJECTED' ? (
              <View className='ws-card prescription-section__rejected' role='alert'>
                <Text className='ws-card__name'>药师审核未通过</Text>
                <Text className='ws-card__text prescription-section__reject-reason'>原因：{current.rejectReason ?? '（未填写）'}</Text>
                <Text className='ws-card__line'>请按药师意见修改后重新签名提交，修改将生成新版本处方。</Text>
              </View>
            ) : null}
            <PrescriptionSheet rx={current}>
              {current.reviseReason ? <Text className='rx-sheet__line'>修改原因：{current.reviseReason}</Text> : null}
              {current.status === 'PENDING_REVIEW' ? <Text className='rx-sheet__line prescription-section__waiting'>已签名提交，等待药师审核。</Text> : null}
              {current.status === 'DRAFT' ? <Text className='rx-sheet__line prescription-section__draft'>草稿尚未签名，提交药师审核前患者看不到此处方。</Text> : null}
              {current.status === 'DRAFT' && current.rejectReason ? (
                <Text className='rx-sheet__line prescription-section__previous-reject'>上一版未通过原因：{current.rejectReason}</Text>
              ) : null}
            </PrescriptionSheet>
            <FormError code={actionError?.code} message={actionError?.message} />
            <View className='ws-card__actions prescription-section__actions'>
              {current.actions.edit ? (
                <Button className='ws-card__button prescription-section__edit' type={current.status === 'REJECTED' ? 'primary' : 'default'} disabled={!!busy} onClick={() => setMode({ kind: 'edit', base: current })}>
                  {current.status === 'REJECTED' ? '修改处方' : '编辑处方'}
                </Button>
              ) : null}
              {current.actions.submit ? (
                <Button className='ws-card__button prescription-section__submit' type='primary' loading={busy === 'submit'} disabled={!!busy} onClick={() => void submit(current)}>
                  签名并提交审核
                </Button>
              ) : null}
              {current.actions.discard ? (
                <Button className='ws-card__button prescription-section__discard' fill='outline' type='danger' loading={busy === 'discard'} disabled={!!busy} onClick={() => void discard(current)}>
                  放弃草稿
                </Button>
              ) : null}
            </View>
            {current.actions.revise && !current.actions.edit ? (
              <View className='ws-card prescription-section__revise'>
                <Text className='ws-card__name'>修改处方</Text>
                <Text className='ws-card__line'>
                  {current.status === 'PENDING_REVIEW' ? '撤回审核并修改，将生成新版本处方。' : '已审核通过的处方修改后原处方作废，未支付的订单将被撤销，新版本需重新签名和审核。'}
                </Text>
                <FormField name='revise-reason' label='修改原因' error={reasonError}>
                  <TextArea name='revise-reason' value={reason} onChange={setReason} placeholder='如：患者反映有药物过敏，需更换药品' maxlength={200} />
                </FormField>
                <Button className='ws-card__button prescription-section__revise-submit' fill='outline' type='primary' loading={busy === 'revise'} disabled={!!busy} onClick={() => void revise(current)}>
                  修改处方
                </Button>
              </View>
            ) : null}
          </>
        )}
        {history.length ? (
          <View className='ws-card prescription-history'>
            <Text className='ws-card__name'>历史版本</Text>
            {history.map((p) => (
              <Text key={p.id} className={`ws-card__line prescription-history__item prescription-history__item--${p.status.toLowerCase()}`}>
                第 {p.version} 版 · <Text className={`status status--${rxTone(p.status)}`}>{p.statusLabel}</Text> · {fullTime(p.updatedAt)}
                {p.rejectReason ? ` · 未通过原因：${p.rejectReason}` : ''}
              </Text>
            ))}
          </View>
        ) : null}
      </PageState>
    </View>
  );
}
