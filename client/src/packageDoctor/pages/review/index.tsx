import { useState } from 'react';
import Taro from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { ApproveRequestSchema, RejectRequestSchema, fieldErrors, type WorkspacePrescription } from '@ih/contract';
import { Button } from '../../../components/nut';
import { FormError, FormField } from '../../../components/Form';
import { PageState } from '../../../components/PageState';
import { PrescriptionSheet, Verification } from '../../../components/Prescription';
import { useApi } from '../../../hooks/useApi';
import { URLS } from '../../../routes';
import { openPage } from '../../../services/nav';
import { pageParams } from '../../../services/params';
import { isApiError } from '../../../services/request';
import { StaffGate } from '../../components/StaffGate';
import { TextArea } from '../../components/TextArea';
import { fullTime } from '../../services/format';
import { approvePrescription, getPrescription, rejectPrescription, verifyPrescription } from '../../services/workspace';
import '../../components/workspace.scss';

type Decision = 'approve' | 'reject';

/** Someone else acted first (another pharmacist, the doctor revised): show the current state. */
const RELOAD_CODES = new Set(['PRESCRIPTION_NOT_REVIEWABLE', 'PRESCRIPTION_CHANGED', 'PRESCRIPTION_SIGNATURE_INVALID']);

function History({ rx }: { rx: WorkspacePrescription }) {
  if (!rx.reviews.length && !rx.reviseReason && !rx.rejectReason) return null;
  return (
    <View className='ws-card review-history'>
      <Text className='ws-card__name'>审核记录</Text>
      {rx.reviseReason ? <Text className='ws-card__text review-history__revise'>医生修改说明：{rx.reviseReason}</Text> : null}
      {rx.rejectReason && rx.status !== 'REJECTED' ? <Text className='ws-card__text review-history__previous'>上一版未通过原因：{rx.rejectReason}</Text> : null}
      {rx.reviews.map((r) => (
        <Text key={r.id} className={`ws-card__line review-history__item review-history__item--${r.decision.toLowerCase()}`}>
          第 {r.version} 版 · {r.decision === 'APPROVED' ? '通过' : '不通过'} · {r.pharmacistName} · {fullTime(r.reviewedAt)}
          {r.signed ? ' · 已签名' : ''}
          {r.comment ? `：${r.comment}` : ''}
        </Text>
      ))}
    </View>
  );
}

function Review({ id }: { id: string }) {
  const rxState = useApi(async () => (id ? getPrescription(id) : null), [id]);
  const [updated, setUpdated] = useState<WorkspacePrescription | null>(null);
  const rx = updated ?? rxState.data ?? null;
  const signed = !!rx?.signature.doctorSigned;
  const verification = useApi(async () => (rx && signed ? verifyPrescription(rx.id) : undefined), [rx?.id, rx?.version, rx?.status, signed]);
  const [comment, setComment] = useState('');
  const [reason, setReason] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<{ code: string; message: string } | null>(null);
  const [busy, setBusy] = useState<Decision | null>(null);

  if (!rx) {
    return (
      <PageState
        loading={rxState.loading}
        error={rxState.error}
        onRetry={rxState.reload}
        empty={!rxState.loading && !rxState.error}
        emptyTitle='未找到该处方'
        emptyDescription='请返回审方列表重新选择。'
      />
    );
  }

  const verified = verification.data?.valid === true;

  async function decide(decision: Decision) {
    if (!rx || busy) return;
    setFormError(null);
    const body = decision === 'approve'
      ? { comment: comment.trim() || undefined, expectedVersion: rx.version }
      : { reason, expectedVersion: rx.version };
    const problems = fieldErrors(decision === 'approve' ? ApproveRequestSchema : RejectRequestSchema, body);
    setErrors(problems);
    if (Object.keys(problems).length) return;
    if (decision === 'approve' && !verified) {
      setFormError({ code: 'SIGNATURE_NOT_VERIFIED', message: '电子签名未验证通过，不能审核通过。请重新验证，或审核不通过并说明原因。' });
      return;
    }
    setBusy(decision);
    try {
      const next = decision === 'approve'
        ? await approvePrescription(rx.id, body)
        : await rejectPrescription(rx.id, { reason: reason.trim(), expectedVersion: rx.version });
      setUpdated(next);
      setReason('');
      setComment('');
      void Taro.showToast({ title: decision === 'approve' ? '已审核通过' : '已退回医生修改', icon: 'success' });
    } catch (e) {
      if (isApiError(e) && e.fields.length) setErrors(Object.fromEntries(e.fields.map((f) => [f.path, f.message])));
      else setFormError({ code: isApiError(e) ? e.code : 'INTERNAL', message: isApiError(e) ? e.message : '操作失败，请稍后重试' });
    } finally {
      setBusy(null);
    }
  }

  function reloadAll() {
    setUpdated(null);
    setFormError(null);
    rxState.reload();
  }

  return (
    <>
      <PrescriptionSheet rx={rx} />
      {signed ? (
        <Verification loading={verification.loading} error={verification.error} result={verification.data} onRetry={verification.reload} />
      ) : (
        <View className='rx-verify rx-verify--invalid'>
          <Text className='rx-verify__title'>医生尚未签名</Text>
        </View>
      )}
      <History rx={rx} />
      {rx.actions.review ? (
        <View className='ws-card review-form'>
          <Text className='ws-card__name'>审核意见</Text>
          <Text className='ws-card__line'>请核对诊断与用药是否相符、剂量与疗程是否合理、有无配伍禁忌。审核结论将以药师电子签名记录。</Text>
          <FormField name='comment' label='审核通过备注（选填）' error={errors.comment}>
            <TextArea name='comment' value={comment} onChange={setComment} placeholder='可填写用药提示' maxlength={500} />
          </FormField>
          <FormField name='reason' label='不通过的原因（审核不通过时必填）' error={errors.reason}>
            <TextArea name='reason' value={reason} onChange={setReason} placeholder='请写明需要医生修改的内容，如剂量过大、重复用药' maxlength={500} />
          </FormField>
          <FormError code={formError?.code} message={formError?.message} />
          {formError && RELOAD_CODES.has(formError.code) ? (
            <Button className='review-form__reload' size='small' fill='outline' onClick={reloadAll}>
              重新加载处方
            </Button>
          ) : null}
          <View className='ws-card__actions review-form__actions'>
            <Button
              className='ws-card__button review-form__approve'
              type='primary'
              loading={busy === 'approve'}
              disabled={!!busy || !verified}
              onClick={() => void decide('approve')}
            >
              审核通过
            </Button>
            <Button className='ws-card__button review-form__reject' type='danger' fill='outline' loading={busy === 'reject'} disabled={!!busy} onClick={() => void decide('reject')}>
              审核不通过
            </Button>
          </View>
          {!verified && !verification.loading ? <Text className='ws-card__line review-form__hint'>电子签名验证通过后才能审核通过。</Text> : null}
        </View>
      ) : (
        <View className='ws-card review-done'>
          <Text className='ws-card__line'>
            {rx.status === 'PENDING_REVIEW' ? '该处方暂不能由您审核。' : `该处方${rx.statusLabel}，无需再审核。`}
          </Text>
          <Button className='ws-card__button review-done__back' size='small' type='primary' onClick={() => void openPage(URLS.doctorWorkspace)}>
            返回审方列表
          </Button>
        </View>
      )}
    </>
  );
}

/** 处方审核 (?id=): the prescription, its signature verified by the server, approve or reject with a reason. */
export default function ReviewPage() {
  const { id = '' } = pageParams();
  return (
    <View className='page workspace review-page'>
      <StaffGate roles={['PHARMACIST']}>{() => <Review id={id} />}</StaffGate>
    </View>
  );
}
