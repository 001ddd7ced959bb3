/**
 * Test double of @tarojs/components: each component is a plain DOM element, so pages and
 * NutUI render under jsdom. Only DOM-safe props are passed on (className, style, id, click,
 * data-* and aria-*); mini-program-only props (hoverClass, catchMove…) are dropped.
 */
import { createElement, forwardRef, type ReactNode } from 'react';

type Props = Record<string, unknown> & { children?: ReactNode };

function domProps(props: Props): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(props)) {
    if (key === 'className' || key === 'style' || key === 'id' || key === 'children' || key === 'src' || key === 'role') out[key] = value;
    else if (key === 'onClick' || key === 'onTap') out.onClick = value;
    else if (key === 'disabled') out.disabled = value;
    else if (key.startsWith('data-') || key.startsWith('aria-')) out[key] = value;
  }
  return out;
}

function make(tag: string, name: string) {
  const C = forwardRef<HTMLElement, Props>((props, ref) => createElement(tag, { ...domProps(props), ref }));
  C.displayName = name;
  return C;
}

export const View = make('div', 'View');
export const Text = make('span', 'Text');
export const Button = make('button', 'Button');
export const Image = make('img', 'Image');
export const ScrollView = make('div', 'ScrollView');
export const Block = ({ children }: Props) => <>{children}</>;

/** Taro's Input: onInput/onBlur receive `{ detail: { value } }` like the mini-programs. */
export const Input = forwardRef<HTMLInputElement, Props>((props, ref) => {
  const { className, value, placeholder, password, maxlength, disabled, onInput, onBlur, id } = props as Props & {
    value?: string; placeholder?: string; password?: boolean; maxlength?: number; disabled?: boolean; id?: string;
    onInput?: (e: { detail: { value: string } }) => void; onBlur?: (e: { detail: { value: string } }) => void;
  };
  const rest: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(props)) if (k.startsWith('data-') || k.startsWith('aria-')) rest[k] = v;
  return (
    <input
      ref={ref}
      id={id}
      className={className as string | undefined}
      value={value ?? ''}
      placeholder={placeholder}
      type={password ? 'password' : 'text'}
      maxLength={maxlength}
      disabled={disabled}
      onChange={(e) => onInput?.({ detail: { value: e.target.value } })}
      onBlur={(e) => onBlur?.({ detail: { value: e.target.value } })}
      {...rest}
    />
  );
});
Input.displayName = 'Input';

/** Taro's Picker (mode="date" here): a date input whose change gives `{ detail: { value } }`. */
export function Picker(props: Props) {
  const { className, value, onChange, children } = props as Props & { value?: string; onChange?: (e: { detail: { value: string } }) => void };
  return (
    <div className={className as string | undefined}>
      <input className='picker-double__input' type='date' value={value ?? ''} onChange={(e) => onChange?.({ detail: { value: e.target.value } })} />
      {children}
    </div>
  );
}

/** Taro's Textarea: like Input, `{ detail: { value } }` on input and blur. */
export const Textarea = forwardRef<HTMLTextAreaElement, Props>((props, ref) => {
  const { className, value, placeholder, maxlength, disabled, onInput, onBlur, id } = props as Props & {
    value?: string; placeholder?: string; maxlength?: number; disabled?: boolean; id?: string;
    onInput?: (e: { detail: { value: string } }) => void; onBlur?: (e: { detail: { value: string } }) => void;
  };
  const rest: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(props)) if (k.startsWith('data-') || k.startsWith('aria-')) rest[k] = v;
  return (
    <textarea
      ref={ref}
      id={id}
      className={className as string | undefined}
      value={value ?? ''}
      placeholder={placeholder}
      maxLength={maxlength}
      disabled={disabled}
      onChange={(e) => onInput?.({ detail: { value: e.target.value } })}
      onBlur={(e) => onBlur?.({ detail: { value: e.target.value } })}
      {...rest}
    />
  );
});
Textarea.displayName = 'Textarea';
