import { useMemo, useRef, useState } from 'react';
import Taro from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import {
  validateSelfServiceForm,
  visibleFields,
  visibleMaterials,
  type FormCheck,
  type MaterialProvidedInput,
  type Patient,
  type SelfServiceItemDetail,
  type UploadedFile,
} from '@ih/contract';
import { Button } from '../../components/nut';
import { FormError } from '../../components/Form';
import { useApi } from '../../hooks/useApi';
import { URLS } from '../../routes';
import { withQuery } from '../../services/params';
import { listPatients } from '../../services/patients';
import { ApiError, isApiError } from '../../services/request';
import { saveDraft } from '../services/draft';
import { cityName } from '../services/regions';
import { newRequestKey, validateApplication } from '../services/selfService';
import { SpecField } from './FormFields';
import { EMPTY_MATERIAL, MaterialInput, type MaterialState } from './MaterialInput';
import { PatientPicker, defaultPatientId } from './PatientPicker';
import './selfService.scss';

function initialForm(item: SelfServiceItemDetail): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of item.form) out[f.key] = f.default ?? '';
  return out;
}

/** The values sent: visible fields only, trimmed (hidden answers are not sent). */
export function formPayload(item: Pick<SelfServiceItemDetail, 'form'>, form: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of visibleFields(item, form)) out[f.key] = (form[f.key] ?? '').trim();
  return out;
}

/** The materials sent: visible ones with files or a promise (a promise sends no files). */
export function materialsPayload(item: Pick<SelfServiceItemDetail, 'materials'>, form: Record<string, string>, materials: Record<string, MaterialState>): MaterialProvidedInput[] {
  const out: MaterialProvidedInput[] = [];
  for (const spec of visibleMaterials(item, form)) {
    if (spec.providedByForm) continue;
    const m = materials[spec.code];
    if (!m) continue;
    if (m.promise && spec.promiseAllowed) out.push({ code: spec.code, fileIds: [], promise: true });
    else if (m.files.length) out.push({ code: spec.code, fileIds: m.files.map((f) => f.id), promise: false });
  }
  return out;
}

/** The contract's check (the BFF runs the same), plus what only the client knows: the 就诊人 and unfinished uploads. */
export function checkApplication(
  item: SelfServiceItemDetail,
  patientId: string | undefined,
  form: Record<string, string>,
  materials: Record<string, MaterialState>,
  now: Date = new Date(),
): FormCheck {
  const check = validateSelfServiceForm(item, formPayload(item, form), materialsPayload(item, form, materials), { now, cityName });
  const errors = { ...check.errors };
  if (!patientId) errors.patientId = '请选择办理人（就诊人）';
  for (const spec of visibleMaterials(item, form)) {
    const m = materials[spec.code];
    if (!m || m.promise) continue;
    if (m.busy) errors[`materials.${spec.code}`] = `「${spec.name}」还在上传，请稍候`;
    else if (m.failed) errors[`materials.${spec.code}`] ??= `「${spec.name}」有上传失败的文件，请重试或删除后再继续`;
  }
  return { errors, warnings: check.warnings };
}

/** BFF field paths → our keys (`form.x`, `materials.y`, `patientId`, `_`). */
export function fieldsToErrors(fields: readonly { path: string; message: string }[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of fields) out[f.path || '_'] ??= f.message;
  return out;
}

/**
 * The generic application form, rendered from the item's field specs: 办理人, the fields (shown
 * by their conditions), the materials (uploads, or a promise where allowed). "下一步" checks it
 * with the contract and the BFF, then opens the review page.
 */
export function ApplicationForm({ item }: { item: SelfServiceItemDetail }) {
  const patients = useApi(() => listPatients({ silent: true }), []);
  const [chosen, setChosen] = useState<string>();
  const patientList: Patient[] = patients.data?.items ?? [];
  const patientId = chosen ?? defaultPatientId(patientList);
  const [form, setForm] = useState<Record<string, string>>(() => initialForm(item));
  const [materials, setMaterials] = useState<Record<string, MaterialState>>({});
  const [attempted, setAttempted] = useState(false);
  const [serverErrors, setServerErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<ApiError | null>(null);
  const [checking, setChecking] = useState(false);
  const requestKey = useRef(newRequestKey());

  const check = useMemo(() => checkApplication(item, patientId, form, materials), [item, patientId, form, materials]);
  const errors = attempted ? { ...serverErrors, ...check.errors } : serverErrors;
  const fields = visibleFields(item, form);
  const mats = visibleMaterials(item, form).filter((m) => !m.providedByForm);
  const byForm = visibleMaterials(item, form).filter((m) => m.providedByForm);
  const busy = mats.some((m) => !materials[m.code]?.promise && materials[m.code]?.busy);

  const clearServer = (key: string) =>
    setServerErrors((e) => {
      if (!(key in e) && !('_' in e)) return e;
      const { [key]: _gone, _: _whole, ...rest } = e;
      return rest;
    });
  const setValue = (key: string, value: string) => {
    setForm((f) => ({ ...f, [key]: value }));
    clearServer(`form.${key}`);
  };
  const setMaterial = (code: string, state: MaterialState) => {
    setMaterials((m) => ({ ...m, [code]: state }));
    clearServer(`materials.${code}`);
  };

  async function next() {
    if (checking) return;
    setAttempted(true);
    setFailure(null);
    if (Object.keys(check.errors).length || !patientId) return;
    const patient = patientList.find((p) => p.id === patientId)!;
    const body = { itemCode: item.code, patientId, form: formPayload(item, form), materials: materialsPayload(item, form, materials) };
    setChecking(true);
    try {
      const result = await validateApplication(body);
      if (!result.ok) {
        setServerErrors(fieldsToErrors(result.fields));
        return;
      }
      const files: Record<string, UploadedFile[]> = {};
      for (const m of body.materials) if (!m.promise) files[m.code] = materials[m.code]?.files ?? [];
      saveDraft({
        requestKey: requestKey.current,
        item,
        patient,
        form: body.form,
        materials: body.materials,
        files,
        warnings: { ...check.warnings, ...Object.fromEntries(result.warnings.map((w) => [w.path, w.message])) },
        review: result,
      });
      await Taro.navigateTo({ url: withQuery(URLS.selfServiceReview, { code: item.code }) });
    } catch (e) {
      if (isApiError(e) && e.code === 'VALIDATION_FAILED' && e.fields.length) setServerErrors(fieldsToErrors(e.fields));
      else setFailure(isApiError(e) ? e : new ApiError('BAD_RESPONSE', '检查失败，请稍后重试', 0, ''));
    } finally {
      setChecking(false);
    }
  }

  const problems = Object.keys(errors).length;
  return (
    <View className='ss-form ss-apply__form'>
      <Text className='ss-page__section-title'>1. 选择办理人</Text>
      <Text className='ss-page__hint ss-apply__patient-note'>
        办理人应为{item.applicantLabel}：可为本人或已添加的家人（就诊人）办理，办理结果归属所选就诊人。
      </Text>
      <PatientPicker
        patients={patients}
        value={patientId}
        onChange={(id) => {
          setChosen(id);
          clearServer('patientId');
        }}
      />
      {errors.patientId ? (
        <View className='ss-material__error ss-apply__patient-error' role='alert'>
          <Text>{errors.patientId}</Text>
        </View>
      ) : null}

      {fields.length ? (
        <>
          <Text className='ss-page__section-title'>2. 填写信息</Text>
          <View className='ss-form__group'>
            {fields.map((f) => (
              <SpecField
                key={f.key}
                spec={f}
                value={form[f.key] ?? ''}
                form={form}
                onChange={(v) => setValue(f.key, v)}
                error={errors[`form.${f.key}`]}
                warning={check.warnings[`form.${f.key}`]}
              />
            ))}
          </View>
        </>
      ) : null}

      {mats.length || byForm.length ? (
        <>
          <Text className='ss-page__section-title'>{fields.length ? '3.' : '2.'} 提交材料</Text>
          <Text className='ss-page__hint'>请拍摄或上传材料原件的清晰照片；材料只用于本次办理。</Text>
          <View className='ss-form__group'>
            {mats.map((m) => (
              <MaterialInput
                key={m.code}
                spec={m}
                value={materials[m.code] ?? EMPTY_MATERIAL}
                onChange={(s) => setMaterial(m.code, s)}
                error={errors[`materials.${m.code}`]}
              />
            ))}
            {byForm.map((m) => (
              <View key={m.code} className={`ss-material ss-material--${m.code} ss-material--by-form`}>
                <Text className='ss-material__name'>{m.name}</Text>
                <Text className='ss-list__sub'>根据您填写的信息自动生成，无需上传。</Text>
              </View>
            ))}
          </View>
        </>
      ) : null}

      {errors._ ? <FormError code='VALIDATION_FAILED' message={errors._} /> : null}
      {failure ? <FormError code={failure.code} message={`${failure.message}${failure.requestId ? `（错误编号：${failure.requestId}）` : ''}`} /> : null}
      <View className='ss-actions'>
        <Button className='ss-actions__button ss-apply__next' type='primary' block loading={checking} disabled={checking} onClick={() => void next()}>
          {checking ? '正在检查…' : '下一步：核对信息'}
        </Button>
        <Text className='ss-actions__note ss-apply__summary'>
          {busy ? '材料上传中，请稍候…' : problems && attempted ? `还有 ${problems} 处需要修改，请查看标红的提示。` : '下一步可核对全部信息，确认后才会提交。'}
        </Text>
      </View>
    </View>
  );
}
