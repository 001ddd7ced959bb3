import { Text, View } from '@tarojs/components';
import { Button, Cell, CellGroup } from '../../components/nut';
import { platform } from '../../platform';
import { URLS } from '../../routes';
import { openPage } from '../../services/nav';
import './index.scss';

/** 我的: honest about the session: nobody can sign in yet. */
export default function Mine() {
  return (
    <View className='page mine'>
      <View className='mine__profile mine__profile--signed-out'>
        <View className='mine__avatar' />
        <View className='mine__who'>
          <Text className='mine__name'>未登录</Text>
          <Text className='mine__hint'>登录功能即将上线，上线后可查看订单、管理就诊人。</Text>
        </View>
      </View>
      <View className='mine__actions'>
        <Button className='mine__login' type='primary' block onClick={() => void openPage(URLS.login)}>
          了解登录
        </Button>
      </View>
      <CellGroup className='mine__menu'>
        <Cell className='mine__cell mine__cell--voucher' title='医保电子凭证授权' extra='即将上线' clickable onClick={() => void openPage(URLS.voucher)} />
        <Cell className='mine__cell mine__cell--orders' title='我的订单' extra='即将上线' clickable onClick={() => void openPage(URLS.orders)} />
        <Cell className='mine__cell mine__cell--platform' title='当前使用' extra={platform.label} />
      </CellGroup>
    </View>
  );
}
