import { useRef, useState } from 'react';
import Taro from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { formValueText, visibleFields, type FormValueView } from '@ih/contract';
import { Button } from '../../../components/nut';
import { FormError } from '../../../components/Form';
import { PageState } from '../../../components/PageState';
import { URLS } from '../../../routes';
import { pageParams, withQuery } from '../../../services/params';
import { ApiError, isApiError } from '../../../services/request';
import { FileThumbs } from '../../components/FileThumbs';
import { dueText } from '../../components/ItemFacts';
import { PROMISE_TEXT } from '../../components/MaterialInput';
import { patientLabel } from '../../components/PatientPicker';
import { ValueRows } from '../../components/ValueRows';
import { clearDraft, getDraft, type Draft } from '../../services/draft';
import { cityName } from '../../services/regions';
import { submitApplication } from '../../services/selfService';
import '../../components/selfService.scss';

/** Values as the review shows them: the BFF's (masked, names for codes), else the contract's formatting. */
export function reviewRows(draft: Draft): FormValueView[] {
  if (draft.review.review.length) return draft.review.review;
  return visibleFields(draft.item, draft.form).map((f) => ({ key: f.key, label: f.label, value: formValueText(f, draft.form[f.key] ?? '', cityName) }));
}

async function backToForm(code: string): Promise<void> {
  try {
    await Taro.navigateBack();
  } catch {
    await Taro.redirectTo({ url: withQuery(URLS.selfServiceApply, { code }) });
  }
}

/**
 * 核对信息: everything entered (sensitive values masked), the materials, the due date; the
 * applicant confirms, then one tap submits. The request key is the form's: a double tap or a
 * retry after a lost answer gives the same single application.
 */
export default function Review() {
  const { code = '' } = pageParams();
  const [draft] = useState(() => getDraft(code));
  const [confirmed, setConfirmed] = useState(false);
  const [submitting, setSubmitting] = useState(false);
  const [failure, setFailure] = useState<ApiError | null>(null);
  const [fieldProblems, setFieldProblems] = useState<{ path: string; message: string }[]>([]);
  const inFlight = useRef(false);

  if (!draft) {
    return (
      <View className='ss-page ss-review ss-review--missing'>
        <PageState
          empty
          emptyTitle='填写的信息已失效'
          emptyDescription='为保护您的个人信息，页面刷新后不保留填写内容，请重新填写。'
          emptyAction={
            <Button className='page-state__retry ss-review__refill' type='primary' onClick={() => void Taro.redirectTo({ url: withQuery(URLS.selfServiceApply, { code }) })}>
              重新填写
            </Button>
          }
        />
      </View>
    );
  }

  async function submit() {
    if (!draft || !confirmed || inFlight.current) return;
    inFlight.current = true;
    setSubmitting(true);
    setFailure(null);
    setFieldProblems([]);
    try {
      const result = await submitApplication({
        requestKey: draft.requestKey,
        itemCode: draft.item.code,
        patientId: draft.patient.id,
        form: draft.form,
        materials: draft.materials,
        confirmed: true,
      });
      clearDraft();
      void Taro.showToast({ title: '已提交', icon: 'success' });
      await Taro.redirectTo({ url: withQuery(URLS.selfServiceApplication, { id: result.application.id, submitted: '1' }) });
    } catch (e) {
      const err = isApiError(e) ? e : new ApiError('BAD_RESPONSE', '提交失败，请稍后重试', 0, '');
      if (err.code === 'VALIDATION_FAILED' && err.fields.length) setFieldProblems(err.fields);
      setFailure(err);
    } finally {
      inFlight.current = false;
      setSubmitting(false);
    }
  }

  const rows = reviewRows(draft);
  const specs = new Map(draft.item.materials.map((m) => [m.code, m]));
  const warnings = Object.values(draft.warnings);
  return (
    <View className='ss-page ss-review'>
      <View className='ss-page__intro'>
        <Text className='ss-page__title ss-review__title'>{draft.item.title}</Text>
        <Text className='ss-page__lead'>请核对以下信息，确认无误后提交。提交后经办机构将按“{draft.item.steps.join('—')}”办理。</Text>
      </View>

      <View className='ss-panel ss-review__patient'>
        <Text className='ss-panel__title'>办理人</Text>
        <ValueRows
          rows={[
            { key: 'patient', label: '姓名', value: patientLabel(draft.patient) },
            { key: 'patientId', label: '证件号码', value: draft.patient.idNumberMasked },
          ]}
        />
      </View>

      {rows.length ? (
        <View className='ss-panel ss-review__values'>
          <Text className='ss-panel__title'>填写的信息</Text>
          <ValueRows rows={rows} />
        </View>
      ) : null}

      {draft.materials.length ? (
        <View className='ss-panel ss-review__materials'>
          <Text className='ss-panel__title'>提交的材料</Text>
          {draft.materials.map((m) => (
            <View key={m.code} className={`ss-review__material ss-review__material--${m.code}`}>
              <Text className='ss-panel__text'>{specs.get(m.code)?.name ?? m.code}</Text>
              {m.promise ? (
                <Text className='ss-panel__note ss-review__promise'>以个人承诺书代替：{specs.get(m.code)?.promiseText ?? PROMISE_TEXT}</Text>
              ) : (
                <>
                  <Text className='ss-panel__note'>已上传 {m.fileIds?.length ?? 0} 个文件</Text>
                  <FileThumbs files={draft.files[m.code] ?? []} />
                </>
              )}
            </View>
          ))}
        </View>
      ) : null}

      {draft.review.due || draft.review.facts.length ? (
        <View className='ss-panel ss-review__due'>
          <Text className='ss-panel__title'>办理时限</Text>
          <Text className='ss-panel__text'>{draft.item.timeLimit.text}</Text>
          {draft.review.due ? <Text className='ss-panel__note ss-review__due-date'>今天提交，预计 {dueText(draft.review.due)}。</Text> : null}
          <ValueRows rows={draft.review.facts} />
        </View>
      ) : null}

      {warnings.length ? (
        <View className='ss-panel ss-panel--warn ss-review__warnings'>
          <Text className='ss-panel__title'>请再次确认</Text>
          {warnings.map((w) => (
            <Text key={w} className='ss-panel__text'>
              {w}
            </Text>
          ))}
        </View>
      ) : null}

      <View
        className={`ss-confirm ss-review__confirm${confirmed ? ' ss-review__confirm--checked' : ''}`}
        role='checkbox'
        aria-checked={confirmed}
        onClick={() => setConfirmed((c) => !c)}
      >
        <Text className='ss-confirm__box'>{confirmed ? '☑' : '☐'}</Text>
        <Text className='ss-confirm__text'>我已核对以上信息，确认真实、准确，同意提交给医保经办机构办理。</Text>
      </View>

      {fieldProblems.length ? (
        <View className='ss-error ss-review__fields' role='alert'>
          {fieldProblems.map((f) => (
            <Text key={f.path} className='ss-error__ref'>
              {f.message}
            </Text>
          ))}
        </View>
      ) : null}
      {failure ? <FormError code={failure.code} message={`${failure.message}${failure.requestId ? `（错误编号：${failure.requestId}）` : ''}`} /> : null}

      <View className='ss-actions'>
        <Button className='ss-actions__button ss-review__submit' type='primary' block loading={submitting} disabled={!confirmed || submitting} onClick={() => void submit()}>
          {submitting ? '正在提交…' : failure && !fieldProblems.length ? '重新提交' : '确认提交'}
        </Button>
        <Button className='ss-actions__button ss-review__back' block fill='outline' disabled={submitting} onClick={() => void backToForm(draft.item.code)}>
          返回修改
        </Button>
        <Text className='ss-actions__note'>{confirmed ? '重复点击或网络重试只会提交一次。' : '请先勾选确认。'}</Text>
      </View>
    </View>
  );
}
