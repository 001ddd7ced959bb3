import { Text, View } from '@tarojs/components';
import './selfService.scss';

/** Label / value rows (values already masked where sensitive). */
export function ValueRows({ rows, className }: { rows: readonly { key?: string; label: string; value: string }[]; className?: string }) {
  return (
    <View className={className}>
      {rows.map((r, i) => (
        <View key={r.key ?? `${r.label}-${i}`} className={`ss-panel__row${r.key ? ` ss-value--${r.key}` : ''}`}>
          <Text className='ss-panel__label'>{r.label}</Text>
          <Text className='ss-panel__value'>{r.value || '—'}</Text>
        </View>
      ))}
    </View>
  );
}
