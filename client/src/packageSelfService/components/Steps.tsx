import { Text, View } from '@tarojs/components';
import { stepName, type StepState, type StepView } from '@ih/contract';
import './selfService.scss';

const STATE_WORDS: Record<StepState, string> = { done: '已完成', current: '进行中', todo: '未开始', attention: '待补正', failed: '未通过' };
const SIGN: Partial<Record<StepState, string>> = { done: '✓', failed: '✕', attention: '!' };

/** The item's steps before anything started (the item page). */
export function plainSteps(steps: readonly string[]): StepView[] {
  return steps.map((s) => ({ name: stepName(s), state: 'todo' }));
}

/**
 * The steps of an application as a progress bar (申请—受理—审核—办结, or the item's own with
 * 复核/拨付), states from the contract's progressSteps. Every state is written out for screen
 * readers and marked by a sign (✓ ! ✕ or the number), never by colour alone.
 */
export function Steps({ steps, className }: { steps: readonly StepView[]; className?: string }) {
  return (
    <View className={`ss-steps${className ? ` ${className}` : ''}`} role='list' aria-label='办理进度'>
      {steps.map((s, i) => (
        <View
          key={`${s.name}-${i}`}
          className={`ss-steps__step ss-steps__step--${s.state}`}
          role='listitem'
          data-step={s.name}
          aria-current={s.state === 'current' || s.state === 'attention' ? 'step' : undefined}
          aria-label={`${s.name}：${STATE_WORDS[s.state]}`}
        >
          {i < steps.length - 1 ? <View className='ss-steps__line' /> : null}
          <Text className='ss-steps__dot'>{SIGN[s.state] ?? String(i + 1)}</Text>
          <Text className='ss-steps__label'>{s.name}</Text>
          {s.state === 'current' || s.state === 'attention' || s.state === 'failed' ? <Text className='ss-steps__state'>{STATE_WORDS[s.state]}</Text> : null}
        </View>
      ))}
    </View>
  );
}
