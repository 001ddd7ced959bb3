import { useState } from 'react';
import { Input, Text, View } from '@tarojs/components';
import { addDaysYmd, addMonthsYmd, isValidDate, type DateBound, type FormFieldSpec } from '@ih/contract';
import { Choice, FormField, TextInput } from '../../components/Form';
import { areaProvinces } from '../services/regions';
import { AreaPicker } from './AreaPicker';
import { DateInput, chinaToday } from './DateInput';
import './selfService.scss';

/** The first and last day the date picker offers, from the spec's bounds (the contract checks them again). */
function bound(b: DateBound | undefined, form: Record<string, string>): string | undefined {
  if (!b) return undefined;
  if ('field' in b) {
    const v = form[b.field];
    return v && isValidDate(v) ? addDaysYmd(addMonthsYmd(v, b.offsetMonths ?? 0), b.offsetDays ?? 0) : undefined;
  }
  return addDaysYmd(chinaToday(), b.offsetDays);
}

/** Years offered by a year field without options: last year to two years ahead. */
function yearOptions(): { value: string; label: string }[] {
  const y = Number(chinaToday().slice(0, 4));
  return [y - 1, y, y + 1, y + 2].map((n) => ({ value: String(n), label: `${n} 年度` }));
}

const KEYBOARD: Partial<Record<FormFieldSpec['type'], 'text' | 'number' | 'idcard'>> = {
  idNumber: 'idcard',
  phone: 'number',
  bankAccount: 'number',
};
const MAX_LENGTH: Partial<Record<FormFieldSpec['type'], number>> = {
  idNumber: 18,
  phone: 13,
  bankAccount: 23,
  name: 50,
  bankName: 40,
};

/** Beyond this many options a filter box helps (e.g. 35 门诊慢特病 diseases). */
const LONG_LIST = 12;

/** A long single choice: a filter by name above the chips; the chosen one always stays visible. */
function LongChoice({ name, options, value, onChange, disabled }: { name: string; options: { value: string; label: string }[]; value: string; onChange: (v: string) => void; disabled?: boolean }) {
  const [filter, setFilter] = useState('');
  const word = filter.trim();
  const shown = word ? options.filter((o) => o.label.includes(word) || o.value === value) : options;
  return (
    <View className={`ss-long-choice ss-long-choice--${name}`}>
      <Input className='form-input ss-long-choice__filter' value={filter} placeholder='输入名称查找' maxlength={20} onInput={(e) => setFilter(e.detail.value)} />
      {shown.length ? (
        <Choice name={name} options={shown} value={value} onChange={onChange} disabled={disabled} />
      ) : (
        <Text className='ss-area__empty'>没有找到「{word}」，请换个名称。</Text>
      )}
    </View>
  );
}

export interface FieldControlProps {
  spec: FormFieldSpec;
  value: string;
  form: Record<string, string>;
  onChange: (value: string) => void;
  disabled?: boolean;
}

/** The input for one field spec: text-like inputs, dates, years, choices and the city picker. */
export function FieldControl({ spec, value, form, onChange, disabled }: FieldControlProps) {
  switch (spec.type) {
    case 'date':
      return (
        <DateInput
          name={spec.key}
          value={value}
          onChange={onChange}
          start={bound(spec.dateMin, form) ?? '1900-01-01'}
          end={bound(spec.dateMax, form)}
          placeholder={spec.placeholder ?? `请选择${spec.label}`}
          disabled={disabled}
        />
      );
    case 'year':
      return <Choice name={spec.key} options={spec.options ?? yearOptions()} value={value} onChange={onChange} disabled={disabled} />;
    case 'select':
    case 'radio':
    case 'disease': {
      const options = spec.options ?? [];
      return options.length > LONG_LIST ? (
        <LongChoice name={spec.key} options={options} value={value} onChange={onChange} disabled={disabled} />
      ) : (
        <Choice name={spec.key} options={options} value={value} onChange={onChange} disabled={disabled} />
      );
    }
    case 'region':
      return <AreaPicker name={spec.key} provinces={areaProvinces()} value={value} onChange={onChange} placeholder={spec.placeholder ?? `请选择${spec.label}（地市）`} disabled={disabled} />;
    default:
      return (
        <TextInput
          name={spec.key}
          value={value}
          onChange={onChange}
          placeholder={spec.placeholder ?? `请填写${spec.label}`}
          type={KEYBOARD[spec.type] ?? 'text'}
          maxlength={spec.maxLength ?? MAX_LENGTH[spec.type] ?? (spec.type === 'textarea' ? 500 : 100)}
          disabled={disabled}
        />
      );
  }
}

export interface SpecFieldProps extends FieldControlProps {
  error?: string;
  warning?: string;
}

/** A labelled field: the control, its Chinese error (the contract's message) or warning, or the help line. */
export function SpecField({ spec, error, warning, ...rest }: SpecFieldProps) {
  return (
    <FormField name={spec.key} label={spec.required ? spec.label : `${spec.label}（选填）`} error={error} hint={warning ? undefined : spec.help}>
      <FieldControl spec={spec} {...rest} />
      {!error && warning ? (
        <View className={`ss-form__warning ss-form__warning--${spec.key}`} role='status'>
          <Text>{warning}</Text>
        </View>
      ) : null}
    </FormField>
  );
}
