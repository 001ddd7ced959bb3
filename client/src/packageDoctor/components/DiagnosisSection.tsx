import { useState } from 'react';
import Taro from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { DISEASE_CATEGORY_LABELS, DiagnoseRequestSchema, fieldErrors, type Diagnosis, type Disease } from '@ih/contract';
import { Button } from '../../components/nut';
import { FormError, FormField } from '../../components/Form';
import { PageState } from '../../components/PageState';
import type { ApiState } from '../../hooks/useApi';
import { isApiError } from '../../services/request';
import { fullTime } from '../services/format';
import { saveDiagnosis } from '../services/workspace';
import type { DiagnosisResponse } from '@ih/contract';
import { DiseasePicker } from './DiseasePicker';
import { TextArea } from './TextArea';
import './workspace.scss';

export interface DiagnosisSectionProps {
  consultationId: string;
  state: ApiState<DiagnosisResponse>;
  /** The doctor may write (consultation accepted by me and in progress). */
  editable: boolean;
  /** The re-visit disease the patient came with (starts the search). */
  suggestedCode?: string | undefined;
  onSaved: (d: Diagnosis) => void;
}

/** 诊断: chosen from the internet disease catalog (never typed), with an optional note. */
export function DiagnosisSection({ consultationId, state, editable, suggestedCode, onSaved }: DiagnosisSectionProps) {
  const [picking, setPicking] = useState(false);
  const [chosen, setChosen] = useState<Disease | null>(null);
  const [note, setNote] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<{ code: string; message: string } | null>(null);
  const [saving, setSaving] = useState(false);
  const current = state.data?.diagnosis ?? null;

  async function save() {
    if (!chosen || saving) return;
    const body = { diseaseId: chosen.id, ...(note.trim() ? { note: note.trim() } : {}) };
    const problems = fieldErrors(DiagnoseRequestSchema, body);
    setErrors(problems);
    setFormError(null);
    if (Object.keys(problems).length) return;
    setSaving(true);
    try {
      const saved = await saveDiagnosis(consultationId, body);
      setChosen(null);
      setNote('');
      onSaved(saved);
      void Taro.showToast({ title: '诊断已保存', icon: 'success' });
    } catch (e) {
      if (isApiError(e) && e.fields.length) setErrors(Object.fromEntries(e.fields.map((f) => [f.path, f.message])));
      else setFormError({ code: isApiError(e) ? e.code : 'INTERNAL', message: isApiError(e) ? e.message : '保存失败，请稍后重试' });
    } finally {
      setSaving(false);
    }
  }

  return (
    <View className='ws-card diagnosis-section'>
      <Text className='ws-card__name'>诊断</Text>
      <PageState loading={state.loading && !state.data} error={state.data ? undefined : state.error} onRetry={state.reload}>
        {current ? (
          <View className='diagnosis-section__current' data-code={current.code}>
            <Text className='ws-card__text diagnosis-section__name'>
              {current.name}（{current.code}）
            </Text>
            <Text className='ws-card__line'>
              {DISEASE_CATEGORY_LABELS[current.category]} · {current.payableOnline ? '医保可支付线上复诊' : '医保不支付线上复诊，药品需自费'}
            </Text>
            {current.note ? <Text className='ws-card__line'>备注：{current.note}</Text> : null}
            <Text className='ws-card__line'>
              {current.doctorName} · {fullTime(current.updatedAt)}
            </Text>
          </View>
        ) : (
          <Text className='ws-card__line diagnosis-section__none'>尚未下诊断。开具处方前，请先从病种目录中选择诊断。</Text>
        )}
        {chosen ? (
          <View className='diagnosis-section__pending'>
            <Text className='ws-card__text'>
              已选择：{chosen.name}（{chosen.code}）
            </Text>
            <FormField name='diagnosis-note' label='诊断备注（选填）' error={errors.note}>
              <TextArea name='diagnosis-note' value={note} onChange={setNote} placeholder='如：血压控制尚可' maxlength={500} />
            </FormField>
            <FormError code={formError?.code} message={formError?.message} />
            <View className='ws-card__actions'>
              <Button className='ws-card__button diagnosis-section__save' type='primary' loading={saving} disabled={saving} onClick={() => void save()}>
                保存诊断
              </Button>
              <Button className='ws-card__button' fill='outline' disabled={saving} onClick={() => setChosen(null)}>
                取消
              </Button>
            </View>
          </View>
        ) : editable ? (
          <View className='ws-card__actions'>
            <Button className='ws-card__button diagnosis-section__pick' size='small' type='primary' fill='outline' onClick={() => setPicking(true)}>
              {current ? '修改诊断' : '选择诊断'}
            </Button>
          </View>
        ) : null}
      </PageState>
      {picking ? (
        <DiseasePicker
          initialKeyword={current?.code ?? suggestedCode ?? ''}
          onPick={(d) => {
            setChosen(d);
            setPicking(false);
          }}
          onClose={() => setPicking(false)}
        />
      ) : null}
    </View>
  );
}
