import { useRef, useState } from 'react';
import Taro from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import type { ApplicationDetail, MaterialProvidedInput, MaterialSpec, SelfServiceItemDetail } from '@ih/contract';
import { Button } from '../../components/nut';
import { FormError } from '../../components/Form';
import { ApiError, isApiError } from '../../services/request';
import { supplementApplication } from '../services/selfService';
import { fieldsToErrors } from './ApplicationForm';
import { EMPTY_MATERIAL, MaterialInput, type MaterialState } from './MaterialInput';
import './selfService.scss';

/**
 * The materials list sent with a resubmission: every material as the agency already has it,
 * except the requested ones, which are replaced by what was uploaded (or promised) now.
 */
export function supplementMaterials(detail: Pick<ApplicationDetail, 'materials'>, requested: readonly MaterialSpec[], states: Record<string, MaterialState>): MaterialProvidedInput[] {
  const replaced = new Set(requested.map((m) => m.code));
  const out: MaterialProvidedInput[] = detail.materials.filter((m) => !replaced.has(m.code)).map((m) => ({ code: m.code, fileIds: m.fileIds, promise: m.promise }));
  for (const spec of requested) {
    const s = states[spec.code];
    if (!s) continue;
    if (s.promise && spec.promiseAllowed) out.push({ code: spec.code, fileIds: [], promise: true });
    else if (s.files.length) out.push({ code: spec.code, fileIds: s.files.map((f) => f.id), promise: false });
  }
  return out;
}

export function supplementErrors(requested: readonly MaterialSpec[], states: Record<string, MaterialState>): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const spec of requested) {
    const s = states[spec.code] ?? EMPTY_MATERIAL;
    if (s.promise && spec.promiseAllowed) continue;
    if (s.busy) errors[`materials.${spec.code}`] = `「${spec.name}」还在上传，请稍候`;
    else if (s.failed) errors[`materials.${spec.code}`] = `「${spec.name}」有上传失败的文件，请重试或删除后再提交`;
    else if (!s.files.length) errors[`materials.${spec.code}`] = spec.promiseAllowed ? `请上传「${spec.name}」，或选择签署个人承诺书` : `请上传「${spec.name}」`;
  }
  return errors;
}

/**
 * 一次性告知补正: everything the agency asked for, said once, with an upload (or promise) for
 * each requested material; the applicant confirms and resubmits once.
 */
export function SupplementForm({ detail, item, onDone }: { detail: ApplicationDetail; item: SelfServiceItemDetail; onDone: (d: ApplicationDetail) => void }) {
  const supplement = detail.supplement!;
  const specs = new Map(item.materials.map((m) => [m.code, m]));
  const requested = supplement.items.map((i) => (i.code ? specs.get(i.code) : undefined)).filter((m): m is MaterialSpec => !!m);
  const reasons = new Map(supplement.items.filter((i) => i.code).map((i) => [i.code!, i.reason]));
  const others = supplement.items.filter((i) => !i.code || !specs.has(i.code));
  const [states, setStates] = useState<Record<string, MaterialState>>({});
  const [attempted, setAttempted] = useState(false);
  const [serverErrors, setServerErrors] = useState<Record<string, string>>({});
  const [confirmed, setConfirmed] = useState(false);
  const [failure, setFailure] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const inFlight = useRef(false);
  const local = supplementErrors(requested, states);
  const errors = attempted ? { ...serverErrors, ...local } : serverErrors;

  async function submit() {
    if (inFlight.current) return;
    setAttempted(true);
    setFailure(null);
    if (Object.keys(local).length || !confirmed) return;
    inFlight.current = true;
    setBusy(true);
    try {
      const updated = await supplementApplication(detail.id, { form: {}, materials: supplementMaterials(detail, requested, states), confirmed: true });
      void Taro.showToast({ title: '补正材料已提交', icon: 'success' });
      onDone(updated);
    } catch (e) {
      if (isApiError(e) && e.code === 'VALIDATION_FAILED' && e.fields.length) setServerErrors(fieldsToErrors(e.fields));
      else setFailure(isApiError(e) ? e : new ApiError('BAD_RESPONSE', '提交失败，请稍后重试', 0, ''));
    } finally {
      inFlight.current = false;
      setBusy(false);
    }
  }

  return (
    <View className='ss-supplement'>
      <View className='ss-panel ss-panel--warn ss-supplement__request'>
        <Text className='ss-panel__title'>需要补正材料（一次性告知）</Text>
        <Text className='ss-panel__text ss-supplement__note'>{supplement.note}</Text>
        <View className='ss-list'>
          {supplement.items.map((i, n) => (
            <View key={`${i.code ?? 'x'}-${n}`} className={`ss-list__item ss-supplement__item${i.code ? ` ss-supplement__item--${i.code}` : ''}`}>
              <Text className='ss-list__mark'>{n + 1}.</Text>
              <View className='ss-list__body'>
                <Text>{i.name}</Text>
                <Text className='ss-list__sub'>{i.reason}</Text>
              </View>
            </View>
          ))}
        </View>
        {others.length ? <Text className='ss-panel__note'>以上没有上传入口的事项，请按说明准备，如有疑问请联系经办机构。</Text> : null}
      </View>
      {requested.length ? (
        <View className='ss-form__group ss-supplement__materials'>
          <Text className='ss-form__group-title'>重新上传材料</Text>
          {requested.map((m) => (
            <MaterialInput
              key={m.code}
              spec={m}
              value={states[m.code] ?? EMPTY_MATERIAL}
              onChange={(s) => setStates((prev) => ({ ...prev, [m.code]: s }))}
              error={errors[`materials.${m.code}`]}
              request={reasons.get(m.code)}
            />
          ))}
          <Text className='ss-page__hint ss-supplement__replace-note'>补正后以本次上传的材料为准，其他材料无需重新提交。</Text>
        </View>
      ) : null}
      <View className={`ss-confirm ss-supplement__confirm${confirmed ? ' ss-supplement__confirm--checked' : ''}`} role='checkbox' aria-checked={confirmed} onClick={() => setConfirmed((c) => !c)}>
        <Text className='ss-confirm__box'>{confirmed ? '☑' : '☐'}</Text>
        <Text className='ss-confirm__text'>我已按告知内容补正，确认材料真实有效。</Text>
      </View>
      {attempted && !confirmed ? <FormError code='NOT_CONFIRMED' message='请先勾选确认，再提交补正材料' /> : null}
      {errors._ ? <FormError code='VALIDATION_FAILED' message={errors._} /> : null}
      {failure ? <FormError code={failure.code} message={`${failure.message}${failure.requestId ? `（错误编号：${failure.requestId}）` : ''}`} /> : null}
      <View className='ss-actions'>
        <Button className='ss-actions__button ss-supplement__submit' type='primary' block loading={busy} disabled={busy} onClick={() => void submit()}>
          {busy ? '正在提交…' : '提交补正材料'}
        </Button>
      </View>
    </View>
  );
}
