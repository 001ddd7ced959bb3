import { Text, View } from '@tarojs/components';
import { ROADMAP } from '../../../content/roadmap';
import { Button, Tag } from '../../../components/nut';
import { platform } from '../../../platform';
import { URLS } from '../../../routes';
import { openPage } from '../../../services/nav';
import './index.scss';

/**
 * 登录. Patients sign in with the account of the app they are in (WeChat, Alipay, or the
 * national insurance APP for H5) — that channel is the next step and is shown as such, only
 * where this build has it, with no button that pretends to work. Staff sign in by password.
 */
export default function Login() {
  const channel = platform.patientSignIn;
  return (
    <View className='page login'>
      <View className='login__head'>
        <Text className='login__title'>登录</Text>
        <Text className='login__lead'>{ROADMAP.login.lead}</Text>
      </View>

      {channel ? (
        <View className={`login__section login__channel login__channel--${channel.key}`}>
          <View className='login__section-head'>
            <Text className='login__section-title'>患者登录</Text>
            <Tag className='login__tag' background='var(--ih-color-soon-bg)' color='var(--ih-color-soon-text)'>
              即将开放
            </Tag>
          </View>
          <Button className='login__channel-button' type='primary' block disabled>
            {channel.label}
          </Button>
          <Text className='login__note'>
            下一步将开放使用{channel.accountName}账号登录，并在支付前授权医保电子凭证。目前暂时还不能登录，也不会获取您的任何信息。
          </Text>
        </View>
      ) : null}

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
