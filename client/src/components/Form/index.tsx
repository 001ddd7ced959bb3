/**
 * Form building blocks shared by the sign-in and 就诊人 pages: a labelled field with its
 * Chinese error (from the contract's checks, or the BFF's `fields`), a text input, and a
 * single-choice row (chips; accessible as a radio group). Native Taro inputs keep the main
 * package small.
 */
import type { ReactNode } from 'react';
import { Input, Text, View } from '@tarojs/components';
import './index.scss';

export interface FormFieldProps {
  /** Field key: class `form-field--<name>` (tests and styles). */
  name: string;
  label: string;
  error?: string | undefined;
  hint?: string | undefined;
  children: ReactNode;
}

export function FormField({ name, label, error, hint, children }: FormFieldProps) {
  return (
    <View className={`form-field form-field--${name}${error ? ' form-field--invalid' : ''}`}>
      <Text className='form-field__label'>{label}</Text>
      <View className='form-field__control'>{children}</View>
      {error ? (
        <View className='form-field__error' role='alert'>
          <Text>{error}</Text>
        </View>
      ) : hint ? (
        <Text className='form-field__hint'>{hint}</Text>
      ) : null}
    </View>
  );
}

export interface TextInputProps {
  name: string;
  value: string;
  onChange: (value: string) => void;
  placeholder?: string;
  password?: boolean;
  /** Mini-program keyboards: 'idcard' has the X key, 'number' digits only. */
  type?: 'text' | 'number' | 'idcard';
  maxlength?: number;
  disabled?: boolean;
}

export function TextInput({ name, value, onChange, placeholder, password, type = 'text', maxlength = 64, disabled }: TextInputProps) {
  return (
    <Input
      className={`form-input form-input--${name}`}
      value={value}
      type={type}
      password={password}
      placeholder={placeholder}
      placeholderClass='form-input__placeholder'
      maxlength={maxlength}
      disabled={disabled}
      aria-label={placeholder}
      onInput={(e) => onChange(e.detail.value)}
    />
  );
}

export interface ChoiceOption<T extends string> {
  value: T;
  label: string;
}

export interface ChoiceProps<T extends string> {
  name: string;
  options: readonly ChoiceOption<T>[];
  value: T | '';
  onChange: (value: T) => void;
  disabled?: boolean;
}

export function Choice<T extends string>({ name, options, value, onChange, disabled }: ChoiceProps<T>) {
  return (
    <View className={`choice choice--${name}`} role='radiogroup'>
      {options.map((o) => {
        const selected = o.value === value;
        return (
          <View
            key={o.value}
            className={`choice__item choice__item--${o.value}${selected ? ' choice__item--selected' : ''}${disabled ? ' choice__item--disabled' : ''}`}
            role='radio'
            aria-checked={selected}
            aria-disabled={disabled}
            onClick={() => {
              if (!disabled) onChange(o.value);
            }}
          >
            <Text>{o.label}</Text>
          </View>
        );
      })}
    </View>
  );
}

/** A message for the whole form (e.g. 账号或密码错误), announced to screen readers. */
export function FormError({ code, message }: { code?: string; message: string | null | undefined }) {
  if (!message) return null;
  return (
    <View className={`form-error${code ? ` form-error--${code}` : ''}`} role='alert'>
      <Text>{message}</Text>
    </View>
  );
}
