import { Text, View } from '@tarojs/components';
import './consult.scss';

export interface ChipOption<V extends string> {
  value: V;
  label: string;
}

/** One row of mutually exclusive filter chips (the selected one is marked, not only coloured). */
export function FilterChips<V extends string>({ options, value, onChange, name }: { options: readonly ChipOption<V>[]; value: V; onChange: (v: V) => void; name: string }) {
  return (
    <View className={`chips chips--${name}`} role='radiogroup'>
      {options.map((o) => {
        const active = o.value === value;
        return (
          <View
            key={o.value}
            className={`chip chip--${o.value}${active ? ' chip--active' : ''}`}
            role='radio'
            aria-checked={active}
            onClick={() => onChange(o.value)}
          >
            <Text className='chip__label'>{active ? `✓ ${o.label}` : o.label}</Text>
          </View>
        );
      })}
    </View>
  );
}
