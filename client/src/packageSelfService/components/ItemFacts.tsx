import { Text, View } from '@tarojs/components';
import type { DueDate, MaterialSpec, SelfServiceItemDetail } from '@ih/contract';
import { Steps, plainSteps } from './Steps';
import './selfService.scss';

/** "预计 2026-12-08 前办结（5 个工作日）"; estimated dates say so. */
export function dueText(due: DueDate): string {
  const span = due.workingDays ? `${due.workingDays} 个工作日` : due.calendarDays ? `${due.calendarDays} 日` : null;
  return `${due.date} 前办结${span ? `（${span}）` : ''}${due.estimated ? '，节假日安排未公布，按周末估算' : ''}`;
}

/** 办理时限 and, for online items, the due date if submitted today (computed by the BFF in working days). */
export function TimeLimitPanel({ item }: { item: SelfServiceItemDetail }) {
  return (
    <View className='ss-panel ss-item__time'>
      <Text className='ss-panel__title'>办理时限</Text>
      <Text className='ss-panel__text ss-item__limit'>{item.timeLimit.text}</Text>
      {item.mode === 'online' && item.dueIfSubmittedToday ? (
        <Text className='ss-panel__note ss-item__due'>今天提交，预计 {dueText(item.dueIfSubmittedToday)}。</Text>
      ) : null}
      {item.mode === 'online' && item.timeLimit.workingDays ? (
        <Text className='ss-panel__note'>时限从提交（或补正）的次日起按工作日计算，法定节假日不计。</Text>
      ) : null}
    </View>
  );
}

/** 办理环节 as the steps of a progress bar, none started. */
export function StepsPanel({ steps }: { steps: readonly string[] }) {
  return (
    <View className='ss-panel ss-item__steps'>
      <Text className='ss-panel__title'>办理环节</Text>
      <Steps steps={plainSteps(steps)} />
    </View>
  );
}

/** The materials checklist: what is needed, what is optional, where a personal promise may replace it. */
export function MaterialsPanel({ materials, online }: { materials: readonly MaterialSpec[]; online: boolean }) {
  return (
    <View className='ss-panel ss-item__materials'>
      <Text className='ss-panel__title'>所需材料</Text>
      {materials.length === 0 ? <Text className='ss-panel__text'>无需提交材料。</Text> : null}
      <View className='ss-list'>
        {materials.map((m, i) => (
          <View key={m.code} className={`ss-list__item ss-material-spec ss-material-spec--${m.code}`}>
            <Text className='ss-list__mark'>{i + 1}.</Text>
            <View className='ss-list__body'>
              <Text>{m.name}</Text>
              <View className='ss-tags'>
                <Text className={`ss-tag ${m.required ? 'ss-tag--warn' : 'ss-tag--muted'}`}>{m.required ? '必需' : '按情况提供'}</Text>
                {m.promiseAllowed ? <Text className='ss-tag ss-tag--info'>可用个人承诺书代替</Text> : null}
                {online && m.providedByForm ? <Text className='ss-tag ss-tag--ok'>在线填写后自动生成</Text> : null}
              </View>
              {m.description ? <Text className='ss-list__sub'>{m.description}</Text> : null}
            </View>
          </View>
        ))}
      </View>
    </View>
  );
}

export function NotesPanel({ title, lines, className }: { title: string; lines: readonly string[]; className: string }) {
  if (!lines.length) return null;
  return (
    <View className={`ss-panel ${className}`}>
      <Text className='ss-panel__title'>{title}</Text>
      <View className='ss-list'>
        {lines.map((line, i) => (
          <View key={i} className='ss-list__item'>
            <Text className='ss-list__mark'>{lines.length > 1 ? `${i + 1}.` : '·'}</Text>
            <Text className='ss-list__body'>{line}</Text>
          </View>
        ))}
      </View>
    </View>
  );
}
