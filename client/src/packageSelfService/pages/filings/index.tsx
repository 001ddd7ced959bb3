import { useRef } from 'react';
import { useDidShow } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { Button } from '../../../components/nut';
import { PageState } from '../../../components/PageState';
import { useApi } from '../../../hooks/useApi';
import { URLS } from '../../../routes';
import { openPage } from '../../../services/nav';
import { withQuery } from '../../../services/params';
import { isSignedIn } from '../../../services/session';
import { FilingCard } from '../../components/FilingCard';
import { patientLabel } from '../../components/PatientPicker';
import { listFilings } from '../../services/selfService';
import '../../components/selfService.scss';

/** 我的异地备案: every remote-care filing record of the user's 就诊人; active ones can be cancelled. */
export default function Filings() {
  const signedIn = isSignedIn();
  const filings = useApi(async () => (signedIn ? listFilings() : []), [signedIn]);
  const shown = useRef(0);
  useDidShow(() => {
    if (shown.current++ > 0) filings.reload();
  });

  if (!signedIn) {
    return (
      <View className='ss-page ss-filings ss-filings--signed-out'>
        <PageState
          empty
          emptyTitle='请先登录'
          emptyDescription='登录后可查看和取消异地就医备案。'
          emptyAction={
            <Button className='page-state__retry' type='primary' onClick={() => void openPage(URLS.login)}>
              去登录
            </Button>
          }
        />
      </View>
    );
  }
  const items = filings.data ?? [];
  return (
    <View className='ss-page ss-filings'>
      <View className='ss-page__intro'>
        <Text className='ss-page__title'>我的异地备案</Text>
        <Text className='ss-page__lead'>备案后在就医地的定点医疗机构可直接结算。长期备案在变更或取消前一直有效；临时备案到有效期截止。</Text>
      </View>
      <PageState
        loading={filings.loading && !filings.data}
        error={filings.data ? undefined : filings.error}
        onRetry={filings.reload}
        empty={!!filings.data && items.length === 0}
        emptyTitle='还没有异地就医备案'
        emptyDescription='异地长期居住、临时外出就医或转诊的，可在线办理跨省异地就医备案。'
        emptyAction={
          <Button className='page-state__retry ss-filings__apply' type='primary' onClick={() => void openPage(URLS.selfService)}>
            去办理备案
          </Button>
        }
      >
        {items.map((f) => (
          <View key={f.filingNo}>
            <FilingCard filing={f} applicationId={f.applicationId} who={f.patient ? patientLabel(f.patient) : undefined} onCancelled={filings.reload} />
            <View className='ss-filings__link' role='link' onClick={() => void openPage(withQuery(URLS.selfServiceApplication, { id: f.applicationId }))}>
              <Text className='ss-page__note'>查看备案申请 ›</Text>
            </View>
          </View>
        ))}
      </PageState>
    </View>
  );
}
