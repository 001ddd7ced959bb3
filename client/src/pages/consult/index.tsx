import { View } from '@tarojs/components';
import { Button } from '../../components/nut';
import { PageState } from '../../components/PageState';
import { URLS } from '../../routes';
import { openPage } from '../../services/nav';

/** 问诊 tab: the consultation list arrives with the consultation room; the re-visit flow starts here. */
export default function Consult() {
  return (
    <View className='page consult'>
      <PageState
        empty
        emptyTitle='暂无问诊记录'
        emptyDescription='已在实体医院确诊的常见病、慢性病，可以选择医生在线复诊。问诊记录将在图文问诊开放后显示在这里。'
        emptyAction={
          <Button className='page-state__retry consult__learn' type='primary' onClick={() => void openPage(URLS.revisit)}>
            发起在线复诊
          </Button>
        }
      />
    </View>
  );
}
