import { Picker, Text, View } from '@tarojs/components';
import { chinaParts } from '@ih/contract';
import './selfService.scss';

const p2 = (n: number) => String(n).padStart(2, '0');

/** Today in China as YYYY-MM-DD (whatever the phone's time zone). */
export function chinaToday(now: number = Date.now()): string {
  const t = chinaParts(now);
  return `${t.year}-${p2(t.month)}-${p2(t.day)}`;
}

export interface DateInputProps {
  name: string;
  /** YYYY-MM-DD or ''. */
  value: string;
  onChange: (value: string) => void;
  placeholder?: string;
  /** Earliest / latest date offered (YYYY-MM-DD). */
  start?: string;
  end?: string;
  disabled?: boolean;
}

/** A date chosen with the platform's date picker (WeChat, Alipay and H5 all have one). */
export function DateInput({ name, value, onChange, placeholder = '请选择日期', start, end, disabled }: DateInputProps) {
  return (
    <Picker
      mode='date'
      className={`ss-date ss-date--${name}`}
      value={value || chinaToday()}
      start={start}
      end={end}
      disabled={disabled}
      onChange={(e) => onChange(String(e.detail.value))}
    >
      <View className={`form-input ss-form__picker${value ? '' : ' ss-form__picker--empty'}`}>
        <Text>{value || placeholder}</Text>
      </View>
    </Picker>
  );
}
