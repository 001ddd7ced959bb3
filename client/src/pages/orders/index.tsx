import { View } from '@tarojs/components';
import { ComingSoon } from '../../components/ComingSoon';
import { PageState } from '../../components/PageState';

/** 订单 tab: no orders can exist before re-visits and payment are live; explain what is coming. */
export default function Orders() {
  return (
    <View className='page orders'>
      <PageState empty emptyTitle='暂无订单' emptyDescription='您还没有任何订单。' />
      <ComingSoon feature='orders' />
    </View>
  );
}
