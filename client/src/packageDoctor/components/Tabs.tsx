import { Text, View } from '@tarojs/components';
import './workspace.scss';

export interface TabItem<K extends string> {
  key: K;
  label: string;
  count?: number;
}

/** Section switch (queues, parts of a consultation): `.ws-tab--<key>`, `--active`. */
export function Tabs<K extends string>({ tabs, active, onChange, name }: { tabs: readonly TabItem<K>[]; active: K; onChange: (key: K) => void; name: string }) {
  return (
    <View className={`ws-tabs ws-tabs--${name}`} role='tablist'>
      {tabs.map((t) => (
        <View
          key={t.key}
          className={`ws-tabs__tab ws-tab--${t.key}${t.key === active ? ' ws-tabs__tab--active' : ''}`}
          role='tab'
          aria-selected={t.key === active}
          onClick={() => onChange(t.key)}
        >
          <Text>{t.label}</Text>
          {t.count ? <Text className='ws-tabs__count'>{t.count}</Text> : null}
        </View>
      ))}
    </View>
  );
}
