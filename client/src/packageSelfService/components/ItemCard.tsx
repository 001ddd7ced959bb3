import { Text, View } from '@tarojs/components';
import { SELF_SERVICE_MODE_LABELS, type SelfServiceItemSummary, type SelfServiceMode } from '@ih/contract';
import { URLS } from '../../routes';
import { openPage } from '../../services/nav';
import { withQuery } from '../../services/params';
import './selfService.scss';

const MODE_TONE: Record<SelfServiceMode, string> = { online: 'ok', query: 'info', guide: 'info', offline: 'muted' };

/** Where an item of the hall opens: query items straight to their query page, the rest to the item page. */
export function itemUrl(item: Pick<SelfServiceItemSummary, 'code' | 'mode' | 'queryPage'>): string {
  if (item.mode === 'query' && item.queryPage) return withQuery(URLS.selfServiceQuery, { page: item.queryPage, item: item.code });
  return withQuery(URLS.selfServiceItem, { code: item.code });
}

export function ModeTag({ mode }: { mode: SelfServiceMode }) {
  return <Text className={`ss-tag ss-tag--${MODE_TONE[mode]} ss-mode ss-mode--${mode}`}>{SELF_SERVICE_MODE_LABELS[mode]}</Text>;
}

/** One item of the hall: its plain title, how it is handled (online / offline…) and the time limit. */
export function ItemCard({ item }: { item: SelfServiceItemSummary }) {
  return (
    <View
      className={`ss-item-card ss-item-card--${item.mode} ss-item--${item.code}`}
      hoverClass='ss-item-card--pressed'
      role='link'
      onClick={() => void openPage(itemUrl(item))}
    >
      <Text className='ss-item-card__name'>{item.title}</Text>
      <View className='ss-tags'>
        <ModeTag mode={item.mode} />
        {item.mode !== 'query' ? <Text className='ss-tag ss-tag--muted ss-item-card__limit'>时限：{item.timeLimit.text}</Text> : null}
      </View>
      <Text className='ss-item-card__arrow'>›</Text>
    </View>
  );
}
