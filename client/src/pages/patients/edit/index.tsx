import { useState } from 'react';
import Taro from '@tarojs/taro';
import { Picker, Text, View } from '@tarojs/components';
import {
  GENDER_LABELS,
  ID_TYPES,
  ID_TYPE_LABELS,
  MANUAL_RELATIONSHIPS,
  PatientUpdateSchema,
  RELATIONSHIP_LABELS,
  fieldErrors,
  patientFormErrors,
  type Patient,
  type PatientForm,
  type PatientUpdateRequest,
} from '@ih/contract';
import { Button } from '../../../components/nut';
import { Choice, FormError, FormField, TextInput } from '../../../components/Form';
import { PageState } from '../../../components/PageState';
import { useApi } from '../../../hooks/useApi';
import { URLS } from '../../../routes';
import { createPatient, deletePatient, getPatient, updatePatient } from '../../../services/patients';
import { isApiError } from '../../../services/request';
import './index.scss';

const ID_TYPE_OPTIONS = ID_TYPES.map((value) => ({ value, label: ID_TYPE_LABELS[value] }));
const RELATION_OPTIONS = MANUAL_RELATIONSHIPS.map((value) => ({ value, label: RELATIONSHIP_LABELS[value] }));
const GENDER_OPTIONS = (['MALE', 'FEMALE'] as const).map((value) => ({ value, label: GENDER_LABELS[value] }));

const EMPTY_FORM: PatientForm = { name: '', idType: 'ID_CARD', idNumber: '', phone: '', relationship: '', isDefault: false, birthDate: '', gender: '' };

function today(): string {
  const t = new Date(Date.now() + 8 * 3600_000);
  return t.toISOString().slice(0, 10);
}

type FormErrorState = { code: string; message: string } | null;

/** BFF answers: field problems go on their fields, anything else above the button. */
function applyError(e: unknown, setErrors: (f: Record<string, string>) => void, setFormError: (f: FormErrorState) => void): void {
  if (isApiError(e) && e.code === 'VALIDATION_FAILED' && e.fields.length) {
    setErrors(Object.fromEntries(e.fields.map((f) => [f.path || '_', f.message])));
    setFormError(null);
  } else {
    setFormError({ code: isApiError(e) ? e.code : 'INTERNAL', message: isApiError(e) ? e.message : '保存失败，请稍后重试' });
  }
}

async function leave(): Promise<void> {
  try {
    await Taro.navigateBack();
  } catch {
    await Taro.redirectTo({ url: URLS.patients });
  }
}

function DefaultToggle({ value, onChange }: { value: boolean; onChange: (v: boolean) => void }) {
  return (
    <Choice
      name='isDefault'
      options={[
        { value: 'yes', label: '设为默认就诊人' },
        { value: 'no', label: '不设为默认' },
      ]}
      value={value ? 'yes' : 'no'}
      onChange={(v) => onChange(v === 'yes')}
    />
  );
}

/** 添加就诊人: every field checked by the contract before sending; the BFF checks the same. */
function CreateForm() {
  const [form, setForm] = useState<PatientForm>(EMPTY_FORM);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<FormErrorState>(null);
  const [saving, setSaving] = useState(false);
  const set = <K extends keyof PatientForm>(key: K, value: PatientForm[K]) => {
    setForm((f) => ({ ...f, [key]: value }));
    setErrors((e) => {
      const { [key]: _gone, ...rest } = e;
      return rest;
    });
  };
  const idCard = form.idType === 'ID_CARD';

  async function submit() {
    if (saving) return;
    const problems = patientFormErrors(form);
    setErrors(problems);
    setFormError(null);
    if (Object.keys(problems).length) return;
    setSaving(true);
    try {
      const request = idCard ? { ...form, birthDate: '', gender: '' as const } : form;
      await createPatient(request, { silent: true });
      void Taro.showToast({ title: '已添加', icon: 'success' });
      await leave();
    } catch (e) {
      applyError(e, setErrors, setFormError);
    } finally {
      setSaving(false);
    }
  }

  return (
    <View className='patient-edit patient-edit--create'>
      <Text className='patient-edit__lead'>请填写与证件一致的信息。证件号码加密保存，添加后仅显示部分号码。本人信息将在授权医保电子凭证后自动添加。</Text>
      <FormField name='name' label='姓名' error={errors.name}>
        <TextInput name='name' value={form.name} onChange={(v) => set('name', v)} placeholder='与证件上的姓名一致' maxlength={50} />
      </FormField>
      <FormField name='idType' label='证件类型' error={errors.idType}>
        <Choice name='idType' options={ID_TYPE_OPTIONS} value={form.idType} onChange={(v) => set('idType', v)} />
      </FormField>
      <FormField name='idNumber' label='证件号码' error={errors.idNumber} hint={idCard ? '18 位居民身份证号码，出生日期和性别将从号码中读取' : undefined}>
        <TextInput name='idNumber' value={form.idNumber} onChange={(v) => set('idNumber', v)} placeholder='请输入证件号码' type={idCard ? 'idcard' : 'text'} maxlength={20} />
      </FormField>
      {!idCard ? (
        <>
          <FormField name='birthDate' label='出生日期' error={errors.birthDate}>
            <Picker mode='date' value={form.birthDate || '1980-01-01'} start='1900-01-01' end={today()} onChange={(e) => set('birthDate', String(e.detail.value))}>
              <View className='form-input patient-edit__picker'>{form.birthDate || '请选择出生日期'}</View>
            </Picker>
          </FormField>
          <FormField name='gender' label='性别' error={errors.gender}>
            <Choice name='gender' options={GENDER_OPTIONS} value={form.gender === 'UNKNOWN' ? '' : (form.gender ?? '')} onChange={(v) => set('gender', v)} />
          </FormField>
        </>
      ) : null}
      <FormField name='phone' label='手机号码' error={errors.phone}>
        <TextInput name='phone' value={form.phone} onChange={(v) => set('phone', v)} placeholder='就诊人或监护人的手机号码' type='number' maxlength={20} />
      </FormField>
      <FormField name='relationship' label='与您的关系' error={errors.relationship}>
        <Choice name='relationship' options={RELATION_OPTIONS} value={form.relationship === 'SELF' ? '' : form.relationship} onChange={(v) => set('relationship', v)} />
      </FormField>
      <FormField name='isDefault' label='默认就诊人'>
        <DefaultToggle value={!!form.isDefault} onChange={(v) => set('isDefault', v)} />
      </FormField>
      {errors._ ? <FormError code='VALIDATION_FAILED' message={errors._} /> : null}
      <FormError code={formError?.code} message={formError?.message} />
      <View className='patient-edit__actions'>
        <Button className='patient-edit__save' type='primary' block loading={saving} disabled={saving} onClick={() => void submit()}>
          {saving ? '正在保存…' : '保存'}
        </Button>
      </View>
    </View>
  );
}

/** 编辑就诊人: masked values stay masked; blank name/phone mean "unchanged". */
function EditForm({ patient }: { patient: Patient }) {
  const self = patient.relationship === 'SELF';
  const [name, setName] = useState('');
  const [phone, setPhone] = useState('');
  const [relationship, setRelationship] = useState(patient.relationship);
  const [isDefault, setIsDefault] = useState(patient.isDefault);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<FormErrorState>(null);
  const [busy, setBusy] = useState(false);

  async function save() {
    if (busy) return;
    const changes: PatientUpdateRequest = {
      ...(name.trim() ? { name } : {}),
      ...(phone.trim() ? { phone } : {}),
      ...(relationship !== patient.relationship ? { relationship } : {}),
      ...(isDefault !== patient.isDefault ? { isDefault } : {}),
    };
    const problems = fieldErrors(PatientUpdateSchema, changes);
    setErrors(problems);
    setFormError(null);
    if (Object.keys(problems).length) return;
    setBusy(true);
    try {
      await updatePatient(patient.id, changes, { silent: true });
      void Taro.showToast({ title: '已保存', icon: 'success' });
      await leave();
    } catch (e) {
      applyError(e, setErrors, setFormError);
    } finally {
      setBusy(false);
    }
  }

  async function remove() {
    if (busy) return;
    const answer = await Taro.showModal({
      title: '删除就诊人',
      content: `确定删除就诊人 ${patient.nameMasked} 吗？删除后不能再为其在线复诊、购药，已有的订单和记录会保留。`,
      confirmText: '删除',
      cancelText: '取消',
    });
    if (!answer.confirm) return;
    setBusy(true);
    try {
      await deletePatient(patient.id, { silent: true });
      void Taro.showToast({ title: '已删除', icon: 'success' });
      await leave();
    } catch (e) {
      applyError(e, setErrors, setFormError);
    } finally {
      setBusy(false);
    }
  }

  return (
    <View className={`patient-edit patient-edit--edit${self ? ' patient-edit--self' : ''}`}>
      <View className='patient-edit__summary'>
        <Text className='patient-edit__name'>{patient.nameMasked}</Text>
        <Text className='patient-edit__line'>
          {ID_TYPE_LABELS[patient.idType]} {patient.idNumberMasked}
        </Text>
        <Text className='patient-edit__line'>
          {RELATIONSHIP_LABELS[patient.relationship]} · {GENDER_LABELS[patient.gender]}
          {patient.age !== null ? ` · ${patient.age} 岁` : ''}
          {patient.phoneMasked ? ` · 手机 ${patient.phoneMasked}` : ''}
        </Text>
        <Text className='patient-edit__note'>
          {self ? '本人信息来自医保电子凭证授权，姓名和证件不能修改。' : '证件类型和号码不能修改，如有错误请删除后重新添加。'}
        </Text>
      </View>
      {!self ? (
        <FormField name='name' label='姓名（不修改请留空）' error={errors.name}>
          <TextInput name='name' value={name} onChange={setName} placeholder='输入新的姓名' maxlength={50} />
        </FormField>
      ) : null}
      <FormField name='phone' label='手机号码（不修改请留空）' error={errors.phone}>
        <TextInput name='phone' value={phone} onChange={setPhone} placeholder='输入新的手机号码' type='number' maxlength={20} />
      </FormField>
      {!self ? (
        <FormField name='relationship' label='与您的关系' error={errors.relationship}>
          <Choice name='relationship' options={RELATION_OPTIONS} value={relationship === 'SELF' ? '' : relationship} onChange={setRelationship} />
        </FormField>
      ) : null}
      <FormField name='isDefault' label='默认就诊人' error={errors.isDefault}>
        <DefaultToggle value={isDefault} onChange={setIsDefault} />
      </FormField>
      {errors._ ? <FormError code='VALIDATION_FAILED' message={errors._} /> : null}
      <FormError code={formError?.code} message={formError?.message} />
      <View className='patient-edit__actions'>
        <Button className='patient-edit__save' type='primary' block loading={busy} disabled={busy} onClick={() => void save()}>
          保存
        </Button>
        {!self ? (
          <Button className='patient-edit__delete' type='danger' fill='none' block disabled={busy} onClick={() => void remove()}>
            删除就诊人
          </Button>
        ) : null}
      </View>
    </View>
  );
}

function LoadedEdit({ id }: { id: string }) {
  const { data, loading, error, reload } = useApi(() => getPatient(id, { silent: true }), [id]);
  return (
    <PageState loading={loading && !data} error={data ? undefined : error} onRetry={reload}>
      {data ? <EditForm patient={data} /> : null}
    </PageState>
  );
}

/** 添加 / 编辑就诊人 (`?id=` edits). */
export default function PatientEdit() {
  const id = Taro.getCurrentInstance().router?.params?.id;
  return <View className='page'>{id ? <LoadedEdit id={id} /> : <CreateForm />}</View>;
}
