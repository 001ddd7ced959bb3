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
