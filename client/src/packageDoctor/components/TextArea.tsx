import { Textarea } from '@tarojs/components';
import './workspace.scss';

export interface TextAreaProps {
  name: string;
  value: string;
  onChange: (value: string) => void;
  placeholder?: string;
  maxlength: number;
  disabled?: boolean;
}

/** A multi-line input (`.form-input--<name>`), with the count of characters left. */
export function TextArea({ name, value, onChange, placeholder, maxlength, disabled }: TextAreaProps) {
  return (
    <Textarea
      className={`ws-textarea form-input form-input--${name}`}
      value={value}
      placeholder={placeholder}
      maxlength={maxlength}
      disabled={disabled}
      autoHeight
      aria-label={placeholder}
      onInput={(e) => onChange(e.detail.value)}
    />
  );
}
