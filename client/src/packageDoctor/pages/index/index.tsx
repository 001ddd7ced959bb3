import { View } from '@tarojs/components';
import { ComingSoon } from '../../../components/ComingSoon';
import { Button } from '../../../components/nut';
import { URLS } from '../../../routes';
import { openPage } from '../../../services/nav';
import { isSignedIn } from '../../../services/session';

/** 医生工作台 (not live yet): what it will be, and the staff sign-in that already works. */
export default function Page() {
  const signedIn = isSignedIn();
  return (
    <View className='page landing landing--doctorWorkspace'>
      <ComingSoon feature='doctorWorkspace'>
        {!signedIn ? (
          <Button className='landing__staff-login' type='primary' block onClick={() => void openPage(URLS.staffLogin)}>
            医护人员登录
          </Button>
        ) : null}
        <Button className='landing__home' type={signedIn ? 'primary' : 'default'} block onClick={() => void openPage(URLS.home)}>
          返回首页
        </Button>
      </ComingSoon>
    </View>
  );
}
