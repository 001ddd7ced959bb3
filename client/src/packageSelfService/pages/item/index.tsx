import { useState } from 'react';
import { Text, View } from '@tarojs/components';
import { SELF_SERVICE_CATEGORY_LABELS, type CapabilityKey, type SelfServiceItemDetail } from '@ih/contract';
import { Button } from '../../../components/nut';
import { PageState } from '../../../components/PageState';
import { CAPABILITY_URLS } from '../../../capabilities';
import { useApi } from '../../../hooks/useApi';
import { URLS } from '../../../routes';
import { openPage } from '../../../services/nav';
import { pageParams, withQuery } from '../../../services/params';
import { isSignedIn } from '../../../services/session';
import { ModeTag, itemUrl } from '../../components/ItemCard';
import { MaterialsPanel, NotesPanel, StepsPanel, TimeLimitPanel } from '../../components/ItemFacts';
import { getItem } from '../../services/selfService';
import '../../components/selfService.scss';

function guideUrl(capability: string | undefined): string | null {
  if (!capability) return null;
  return (CAPABILITY_URLS as Record<string, string>)[capability as CapabilityKey] ?? null;
}

function Actions({ item }: { item: SelfServiceItemDetail }) {
  if (item.mode === 'online') {
    const signedIn = isSignedIn();
    return (
      <View className='ss-actions'>
        <Button
          className='ss-actions__button ss-item__apply'
          type='primary'
          block
          onClick={() => void openPage(signedIn ? withQuery(URLS.selfServiceApply, { code: item.code }) : URLS.login)}
        >
          {signedIn ? '在线申请' : '登录后在线申请'}
        </Button>
        <Text className='ss-actions__note'>请先准备好上方材料的照片或扫描件；提交前可核对全部信息。</Text>
      </View>
    );
  }
  if (item.mode === 'query') {
    return (
      <View className='ss-actions'>
        <Button className='ss-actions__button ss-item__query' type='primary' block onClick={() => void openPage(itemUrl(item))}>
          去查询
        </Button>
      </View>
    );
  }
  if (item.mode === 'guide') {
    const url = guideUrl(item.guide?.capability);
    return url ? (
      <View className='ss-actions'>
        <Button className='ss-actions__button ss-item__guide' type='primary' block onClick={() => void openPage(url)}>
          去办理
        </Button>
      </View>
    ) : null;
  }
  return null;
}

/**
 * 事项详情: what the item is, its materials checklist, time limit (and the due date if submitted
 * today, from the BFF), steps and notes. Offline-only items show where to go and no form (rule 23).
 */
export default function ItemPage() {
  const { code = '' } = pageParams();
  const item = useApi(async () => (code ? getItem(code) : null), [code]);
  const [showBasis, setShowBasis] = useState(false);
  const d = item.data;

  if (!code) {
    return (
      <View className='ss-page ss-item'>
        <PageState
          empty
          emptyTitle='未选择事项'
          emptyDescription='请从医保服务大厅选择要办理的事项。'
          emptyAction={
            <Button className='page-state__retry' type='primary' onClick={() => void openPage(URLS.selfService)}>
              去服务大厅
            </Button>
          }
        />
      </View>
    );
  }

  return (
    <View className={`ss-page ss-item${d ? ` ss-item--${d.mode}` : ''}`}>
      <PageState loading={item.loading && !d} error={d ? undefined : item.error} onRetry={item.reload}>
        {d ? (
          <>
            <View className='ss-page__intro'>
              <Text className='ss-page__title ss-item__title'>{d.title}</Text>
              <View className='ss-tags'>
                <ModeTag mode={d.mode} />
                <Text className='ss-tag ss-tag--muted'>{SELF_SERVICE_CATEGORY_LABELS[d.category]}</Text>
              </View>
              <Text className='ss-page__note ss-item__catalog'>
                经办事项：{d.name}（{d.subItem}，事项编码 {d.subCode}）
              </Text>
            </View>

            {d.mode === 'offline' ? (
              <View className='ss-panel ss-panel--warn ss-item__offline'>
                <Text className='ss-panel__title'>本事项需线下办理</Text>
                <Text className='ss-panel__text ss-item__where'>办理地点：{d.offline?.where ?? '参保地医保经办窗口'}</Text>
                {d.offline?.how ? <Text className='ss-panel__text ss-item__how'>{d.offline.how}</Text> : null}
                <Text className='ss-panel__note'>请携带下方材料原件前往办理，本平台不提供在线申请。</Text>
              </View>
            ) : null}
            {d.mode === 'guide' && d.guide ? (
              <View className='ss-panel ss-item__guide-text'>
                <Text className='ss-panel__title'>办理指引</Text>
                <Text className='ss-panel__text'>{d.guide.text}</Text>
                {d.offline ? <Text className='ss-panel__note'>线下办理：{d.offline.where}</Text> : null}
              </View>
            ) : null}

            <MaterialsPanel materials={d.materials} online={d.mode === 'online'} />
            <TimeLimitPanel item={d} />
            <StepsPanel steps={d.steps} />
            <NotesPanel title='注意事项' lines={d.notes} className='ss-item__notes' />
            {d.basis.length ? (
              <View className='ss-panel ss-item__basis'>
                <View className='ss-item__basis-toggle' role='button' aria-expanded={showBasis} onClick={() => setShowBasis((s) => !s)}>
                  <Text className='ss-panel__title'>设定依据（{d.basis.length} 项）{showBasis ? ' 收起' : ' 展开'}</Text>
                </View>
                {showBasis ? d.basis.map((b, i) => <Text key={i} className='ss-panel__note'>{b}</Text>) : null}
              </View>
            ) : null}
            <Actions item={d} />
          </>
        ) : null}
      </PageState>
    </View>
  );
}
