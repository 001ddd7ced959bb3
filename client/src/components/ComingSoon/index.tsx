import type { ReactNode } from 'react';
import { Text, View } from '@tarojs/components';
import { ROADMAP, type RoadmapKey } from '../../content/roadmap';
import { Tag } from '../nut';
import './index.scss';

export interface ComingSoonProps {
  feature: RoadmapKey;
  /** Actions the user can take today (e.g. go back home). */
  children?: ReactNode;
}

/** The landing of a feature that is not built yet: what it will do, clearly not live. */
export function ComingSoon({ feature, children }: ComingSoonProps) {
  const item = ROADMAP[feature];
  return (
    <View className={`coming-soon coming-soon--${feature}`}>
      <View className='coming-soon__head'>
        <Text className='coming-soon__title'>{item.title}</Text>
        <Tag className='coming-soon__tag' background='var(--ih-color-soon-bg)' color='var(--ih-color-soon-text)'>
          即将上线
        </Tag>
      </View>
      <Text className='coming-soon__lead'>{item.lead}</Text>
      <Text className='coming-soon__status'>该功能尚未开放，目前还不能在线办理。</Text>
      <View className='coming-soon__section'>
        <Text className='coming-soon__section-title'>上线后您可以</Text>
        {item.planned.map((line) => (
          <Text key={line} className='coming-soon__item'>
            · {line}
          </Text>
        ))}
      </View>
      {item.notes?.length ? (
        <View className='coming-soon__section'>
          <Text className='coming-soon__section-title'>请注意</Text>
          {item.notes.map((line) => (
            <Text key={line} className='coming-soon__item'>
              · {line}
            </Text>
          ))}
        </View>
      ) : null}
      {children ? <View className='coming-soon__actions'>{children}</View> : null}
    </View>
  );
}

export default ComingSoon;
