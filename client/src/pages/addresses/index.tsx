import { useRef } from 'react';
import Taro, { useDidShow } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import type { Address } from '@ih/contract';
import { Button } from '../../components/nut';
import { PageState } from '../../components/PageState';
import { routeParam } from '../../components/Voucher';
import { useApi } from '../../hooks/useApi';
import { URLS } from '../../routes';
import { openPage } from '../../services/nav';
import { listAddresses } from '../../services/order';
import { setPickedAddress } from '../../services/orderFlow';
import { AddressLines } from '../orders/parts/OrderParts';
import '../orders/parts/order.scss';
import './addresses.scss';

/**
 * 收货地址: the patient's saved delivery addresses (the phone masked by the BFF); add and edit.
 * With ?select=1 (from an order's 配送到家) tapping an address picks it and goes back.
 */
export default function Addresses() {
  const selecting = useRef(routeParam('select') === '1').current;
  const { data, loading, error, reload } = useApi(() => listAddresses(), []);
  const shownOnce = useRef(false);
  useDidShow(() => {
    if (shownOnce.current) reload();
    shownOnce.current = true;
  });

  const add = () => void openPage(`${URLS.addressEdit}${selecting ? '?select=1' : ''}`);
  const pick = (a: Address) => {
    if (!selecting) return;
    setPickedAddress(a.id);
    void Taro.navigateBack({ delta: 1 });
  };
  const items = data?.items ?? [];

  return (
    <View className={`page order-page addresses${selecting ? ' addresses--select' : ''}`}>
      {selecting ? (
        <View className='order-page__head'>
          <Text className='order-page__title'>选择收货地址</Text>
          <Text className='order-page__lead'>药品将配送到所选地址，配送费需现金支付，医保不予支付。</Text>
        </View>
      ) : null}
      <PageState
        loading={loading && !data}
        error={data ? undefined : error}
        onRetry={reload}
        empty={!!data && items.length === 0}
        emptyTitle='还没有收货地址'
        emptyDescription='添加收货地址后，处方药品可以配送到家。'
        emptyAction={
          <Button className='addresses__add' type='primary' onClick={add}>
            新增收货地址
          </Button>
        }
      >
        <View className='addresses__list'>
          {items.map((a) => (
            <View key={a.id} className={`address-card${selecting ? ' address-card--selectable' : ''}${a.isDefault ? ' address-card--default' : ''}`}>
              <View className='address-card__main' onClick={() => pick(a)}>
                <AddressLines address={a} />
              </View>
              <Text className='address-card__edit' onClick={() => void openPage(`${URLS.addressEdit}?id=${encodeURIComponent(a.id)}`)}>
                编辑
              </Text>
            </View>
          ))}
        </View>
        <View className='addresses__actions'>
          <Button className='addresses__add' type='primary' block onClick={add}>
            新增收货地址
          </Button>
        </View>
      </PageState>
    </View>
  );
}
