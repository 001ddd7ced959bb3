import { useState } from 'react';
import { Input, Text, View } from '@tarojs/components';
import {
  INSURANCE_CLASS_LABELS,
  PRESCRIPTION_MAX_ITEMS,
  PrescriptionDraftRequestSchema,
  fieldErrors,
  formatFen,
  type Drug,
  type InsuranceClass,
  type PrescriptionDraftRequest,
  type WorkspacePrescription,
} from '@ih/contract';
import { Button } from '../../components/nut';
import { Choice, FormError, FormField, TextInput } from '../../components/Form';
import { isApiError } from '../../services/request';
import { DrugPicker } from './DrugPicker';
import { TextArea } from './TextArea';
import './workspace.scss';

/** The catalog facts the editor shows for a chosen drug (price from the catalog, never typed). */
interface DrugFacts {
  id: string;
  name: string;
  specification: string;
  unit: string;
  priceFen: number;
  insuranceClass: InsuranceClass;
}

interface Line {
  key: string;
  drug: DrugFacts;
  dosage: string;
  frequency: string;
  route: string;
  days: string;
  quantity: string;
}

export const FREQUENCIES = ['每日一次', '每日两次', '每日三次', '每晚一次', '必要时'] as const;
export const ROUTES = ['口服', '舌下含服', '外用', '吸入', '皮下注射'] as const;
const FREQUENCY_OPTIONS = FREQUENCIES.map((f, i) => ({ value: `f${i}`, label: f }));
const ROUTE_OPTIONS = ROUTES.map((r, i) => ({ value: `r${i}`, label: r }));

let lineCounter = 0;
const newKey = () => `line-${++lineCounter}`;

function fromDrug(d: Drug): Line {
  return {
    key: newKey(),
    drug: { id: d.id, name: d.name, specification: d.specification, unit: d.unit, priceFen: d.priceFen, insuranceClass: d.insuranceClass },
    dosage: '',
    frequency: FREQUENCIES[0],
    route: ROUTES[0],
    days: '',
    quantity: '1',
  };
}

function fromPrescription(rx: WorkspacePrescription): Line[] {
  return rx.items.map((it) => ({
    key: newKey(),
    drug: { id: it.drugId, name: it.drugName, specification: it.specification, unit: it.unit, priceFen: it.unitPriceFen, insuranceClass: it.insuranceClass },
    dosage: it.dosage,
    frequency: it.frequency,
    route: it.route,
    days: String(it.days),
    quantity: String(it.quantity),
  }));
}

/** "12" → 12; anything else → NaN (the contract's check words the problem). */
function toInt(text: string): number {
  const t = text.trim();
  return /^\d{1,6}$/.test(t) ? Number(t) : Number.NaN;
}

export interface PrescriptionEditorProps {
  /** Editing this one (a DRAFT, or a REJECTED one: the BFF then answers with a new version); null: a new prescription. */
  base: WorkspacePrescription | null;
  /** Sends the request (create or update); throws ApiError. */
  save: (body: PrescriptionDraftRequest) => Promise<WorkspacePrescription>;
  onSaved: (rx: WorkspacePrescription) => void;
  onCancel: () => void;
}

/**
 * The prescription form: drugs from the insurance catalog (flagged ones cannot be chosen), per
 * drug 用法用量 / 频次 / 途径 / 天数 / 数量, the catalog unit price, and an optional 医嘱. Fields
 * are checked with the contract's schema before sending (same messages as the BFF); the
 * amounts and total are the BFF's answer after saving.
 */
export function PrescriptionEditor({ base, save, onSaved, onCancel }: PrescriptionEditorProps) {
  const [lines, setLines] = useState<Line[]>(() => (base ? fromPrescription(base) : []));
  const [note, setNote] = useState(base?.note ?? '');
  const [picking, setPicking] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<{ code: string; message: string } | null>(null);
  const [saving, setSaving] = useState(false);

  const update = (key: string, patch: Partial<Line>) => setLines((ls) => ls.map((l) => (l.key === key ? { ...l, ...patch } : l)));
  const remove = (key: string) => setLines((ls) => ls.filter((l) => l.key !== key));

  function request(): PrescriptionDraftRequest {
    return {
      items: lines.map((l) => ({
        drugId: l.drug.id,
        dosage: l.dosage,
        frequency: l.frequency,
        route: l.route,
        days: toInt(l.days),
        quantity: toInt(l.quantity),
      })),
      ...(note.trim() ? { note: note.trim() } : {}),
      // A DRAFT is edited in place: refuse if it changed meanwhile. A rejected one becomes a new version.
      ...(base && base.status === 'DRAFT' ? { expectedUpdatedAt: base.updatedAt } : {}),
    };
  }

  async function submit() {
    if (saving) return;
    setFormError(null);
    const body = request();
    const problems = fieldErrors(PrescriptionDraftRequestSchema, body);
    setErrors(problems);
    if (Object.keys(problems).length) return;
    setSaving(true);
    try {
      onSaved(await save(body));
    } catch (e) {
      if (isApiError(e) && e.fields.length) setErrors(Object.fromEntries(e.fields.map((f) => [f.path, f.message])));
      setFormError({ code: isApiError(e) ? e.code : 'INTERNAL', message: isApiError(e) ? e.message : '保存失败，请稍后重试' });
    } finally {
      setSaving(false);
    }
  }

  const full = lines.length >= PRESCRIPTION_MAX_ITEMS;
  return (
    <View className='rx-editor'>
      <Text className='rx-editor__title'>{base ? (base.status === 'REJECTED' ? '修改处方（将生成新版本）' : '编辑处方') : '开具处方'}</Text>
      {base?.status === 'REJECTED' && base.rejectReason ? <Text className='rx-editor__reject'>药师意见：{base.rejectReason}</Text> : null}
      {lines.length === 0 ? <Text className='rx-editor__empty'>尚未添加药品。请从医保药品目录中选择。</Text> : null}
      {lines.map((l, i) => {
        const err = (field: string) => errors[`items.${i}.${field}`];
        return (
          <View key={l.key} className='rx-line' data-drug-id={l.drug.id}>
            <View className='rx-line__head'>
              <Text className='rx-line__name'>
                {i + 1}. {l.drug.name}
              </Text>
              <Button className='rx-line__remove' size='small' fill='none' onClick={() => remove(l.key)}>
                删除
              </Button>
            </View>
            <Text className='rx-line__facts'>
              {l.drug.specification} · 医保{INSURANCE_CLASS_LABELS[l.drug.insuranceClass]} · 目录单价 {formatFen(l.drug.priceFen)} / {l.drug.unit}
            </Text>
            {err('drugId') ? <Text className='form-field__error'>{err('drugId')}</Text> : null}
            <FormField name={`dosage-${i}`} label='用法用量' error={err('dosage')}>
              <TextInput name={`dosage-${i}`} value={l.dosage} onChange={(v) => update(l.key, { dosage: v })} placeholder='如：每次1片' maxlength={64} />
            </FormField>
            <FormField name={`frequency-${i}`} label='频次' error={err('frequency')}>
              <Choice
                name={`frequency-${i}`}
                options={FREQUENCY_OPTIONS}
                value={FREQUENCY_OPTIONS.find((o) => o.label === l.frequency)?.value ?? ''}
                onChange={(v) => update(l.key, { frequency: FREQUENCY_OPTIONS.find((o) => o.value === v)!.label })}
              />
            </FormField>
            <FormField name={`route-${i}`} label='给药途径' error={err('route')}>
              <Choice
                name={`route-${i}`}
                options={ROUTE_OPTIONS}
                value={ROUTE_OPTIONS.find((o) => o.label === l.route)?.value ?? ''}
                onChange={(v) => update(l.key, { route: ROUTE_OPTIONS.find((o) => o.value === v)!.label })}
              />
            </FormField>
            <View className='rx-line__numbers'>
              <FormField name={`days-${i}`} label='用药天数' error={err('days')}>
                <Input
                  className={`form-input form-input--days-${i}`}
                  type='number'
                  value={l.days}
                  placeholder='天'
                  maxlength={3}
                  aria-label='用药天数'
                  onInput={(e) => update(l.key, { days: e.detail.value })}
                />
              </FormField>
              <FormField name={`quantity-${i}`} label={`数量（${l.drug.unit}）`} error={err('quantity')}>
                <Input
                  className={`form-input form-input--quantity-${i}`}
                  type='number'
                  value={l.quantity}
                  placeholder={l.drug.unit}
                  maxlength={3}
                  aria-label='数量'
                  onInput={(e) => update(l.key, { quantity: e.detail.value })}
                />
              </FormField>
            </View>
          </View>
        );
      })}
      {errors.items ? <Text className='form-field__error rx-editor__items-error'>{errors.items}</Text> : null}
      <Button className='rx-editor__add' block fill='outline' type='primary' disabled={full} onClick={() => setPicking(true)}>
        {full ? `最多 ${PRESCRIPTION_MAX_ITEMS} 种药品` : '添加药品'}
      </Button>
      <FormField name='rx-note' label='医嘱（选填）' error={errors.note}>
        <TextArea name='rx-note' value={note} onChange={setNote} placeholder='如：低盐饮食，每周测血压' maxlength={200} />
      </FormField>
      <Text className='rx-editor__hint'>药品单价取自医保药品目录；金额与合计由系统在保存时计算。</Text>
      <FormError code={formError?.code} message={formError?.message} />
      <View className='rx-editor__actions'>
        <Button className='rx-editor__save' type='primary' loading={saving} disabled={saving} onClick={() => void submit()}>
          保存处方
        </Button>
        <Button className='rx-editor__cancel' fill='outline' disabled={saving} onClick={onCancel}>
          取消
        </Button>
      </View>
      {picking ? (
        <DrugPicker
          chosenIds={lines.map((l) => l.drug.id)}
          onPick={(d) => {
            setLines((ls) => [...ls, fromDrug(d)]);
            setPicking(false);
          }}
          onClose={() => setPicking(false)}
        />
      ) : null}
    </View>
  );
}
