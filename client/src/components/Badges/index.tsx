import { Text, View } from '@tarojs/components';
import './index.scss';

/** Short, worded status badges (never colour alone). */
export type Tone = 'ok' | 'warn' | 'danger' | 'info';
export interface Badge {
  key: string;
  label: string;
  tone: Tone;
}

export function Badges({ badges }: { badges: Badge[] }) {
  return (
    <View className='badges'>
      {badges.map((b) => (
        <Text key={b.key} className={`badge badge--${b.tone} badge--${b.key}`}>
          {b.label}
        </Text>
      ))}
    </View>
  );
}
