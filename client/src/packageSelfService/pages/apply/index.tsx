import { useState } from 'react';
import { useDidShow } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { Button } from '../../../components/nut';
import { PageState } from '../../../components/PageState';
import { useApi } from '../../../hooks/useApi';
import { URLS } from '../../../routes';
import { openPage } from '../../../services/nav';
import { pageParams, withQuery } from '../../../services/params';
import { isSignedIn } from '../../../services/session';
import { ApplicationForm } from '../../components/ApplicationForm';
import { dueText } from '../../components/ItemFacts';
import { getItem } from '../../services/selfService';
import '../../components/selfService.scss';

/** 填写申请 (?code=): sign-in first; only items the catalog offers online get a form (rule 23). */
export default function Apply() {
  const { code = '' } = pageParams();
  const [signedIn, setSignedIn] = useState(isSignedIn());
  useDidShow(() => setSignedIn(isSignedIn()));
  const item = useApi(async () => (code && signedIn ? getItem(code) : null), [code, signedIn]);
  const d = item.data;

  if (!signedIn) {
    return (
      <View className='ss-page ss-apply ss-apply--signed-out'>
        <PageState
          empty
          emptyTitle='请先登录'
          emptyDescription='在线申请需要登录，并选择办理人（本人或家人）。'
          emptyAction={
            <Button className='page-state__retry ss-apply__login' type='primary' onClick={() => void openPage(URLS.login)}>
              去登录
            </Button>
          }
        />
      </View>
    );
  }

  return (
    <View className='ss-page ss-apply'>
      <PageState
        loading={item.loading && !d}
        error={d ? undefined : item.error}
        onRetry={item.reload}
        empty={!code || (!!d && d.mode !== 'online')}
        emptyTitle='该事项不能在线申请'
        emptyDescription='请查看事项的办理材料和办理地点，按指引办理。'
        emptyAction={
          <Button className='page-state__retry ss-apply__to-item' type='primary' onClick={() => void openPage(code ? withQuery(URLS.selfServiceItem, { code }) : URLS.selfService)}>
            查看办理指引
          </Button>
        }
      >
        {d ? (
          <>
            <View className='ss-page__intro'>
              <Text className='ss-page__title ss-apply__title'>{d.title}</Text>
              <Text className='ss-page__note'>
                办理时限：{d.timeLimit.text}
                {d.dueIfSubmittedToday ? `；今天提交，预计 ${dueText(d.dueIfSubmittedToday)}` : ''}
              </Text>
            </View>
            <ApplicationForm item={d} />
          </>
        ) : null}
      </PageState>
    </View>
  );
}
