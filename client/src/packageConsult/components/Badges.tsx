import { Text, View } from '@tarojs/components';
import type { Badge } from './status';
import './consult.scss';

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
