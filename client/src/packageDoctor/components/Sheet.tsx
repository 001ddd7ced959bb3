import type { ReactNode } from 'react';
import { Text, View } from '@tarojs/components';
import { Button } from '../../components/nut';
import './workspace.scss';

export interface SheetProps {
  /** Class suffix for tests and styles: `.sheet--<name>`. */
  name: string;
  title: string;
  onClose: () => void;
  children: ReactNode;
}

/**
 * A full-screen panel over the page (pickers). The close button sits top-right and is at least
 * a tap target in size (national elder-friendly rules); the page below keeps its state.
 */
export function Sheet({ name, title, onClose, children }: SheetProps) {
  return (
    <View className={`sheet sheet--${name}`} role='dialog' aria-label={title}>
      <View className='sheet__head'>
        <Text className='sheet__title'>{title}</Text>
        <Button className='sheet__close' size='small' fill='none' onClick={onClose}>
          关闭
        </Button>
      </View>
      <View className='sheet__body'>{children}</View>
    </View>
  );
}
