import { Text, View } from '@tarojs/components';
import { ROADMAP } from '../../../content/roadmap';
import { Button } from '../../../components/nut';
import { ChannelSignIn } from '../../../components/ChannelSignIn';
import { URLS } from '../../../routes';
import { openPage } from '../../../services/nav';
import './index.scss';

/**
 * 登录. Patients sign in with the account of the app they are in (WeChat, Alipay, or the
 * national insurance APP for H5: <ChannelSignIn>). Staff sign in by password.
 */
export default function Login() {
  return (
    <View className='page login'>
      <View className='login__head'>
        <Text className='login__title'>登录</Text>
        <Text className='login__lead'>{ROADMAP.login.lead}</Text>
      </View>

      <ChannelSignIn />

      <View className='login__section login__staff'>
        <Text className='login__section-title'>医护人员</Text>
        <Text className='login__note'>本院医生、药师请使用医院分配的账号登录。</Text>
        <Button className='login__staff-button' type='primary' fill='outline' block onClick={() => void openPage(URLS.staffLogin)}>
          医护人员登录
        </Button>
      </View>
    </View>
  );
}
