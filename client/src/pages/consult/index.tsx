import { View } from '@tarojs/components';
import { Button } from '../../components/nut';
import { PageState } from '../../components/PageState';
import { URLS } from '../../routes';
import { openPage } from '../../services/nav';

/** 问诊 tab: the consultation list arrives with online re-visits; until then say so. */
export default function Consult() {
  return (
    <View className='page consult'>
      <PageState
        empty
        emptyTitle='暂无问诊记录'
        emptyDescription='在线复诊即将上线，上线后您的问诊记录会显示在这里。'
        emptyAction={
          <Button className='page-state__retry consult__learn' type='primary' onClick={() => void openPage(URLS.revisit)}>
            了解在线复诊
          </Button>
        }
      />
    </View>
  );
}
