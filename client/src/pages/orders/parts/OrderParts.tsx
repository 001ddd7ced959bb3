/**
 * Pieces shared by the order pages (confirm, detail, list, result): labelled rows, the items,
 * the platform's split, the address. Every amount is the BFF's, formatted with the contract's
 * money helpers; nothing is computed here.
 */
import type { ReactNode } from 'react';
import { Text, View } from '@tarojs/components';
import { chinaDateTime, formatFen, type Address, type OrderItem, type OrderSplit, type OrderState } from '@ih/contract';
import './order.scss';

export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? iso : chinaDateTime(ms).slice(0, 16);
}

/** State → tone of its label (words carry the meaning; colour only helps). */
export function stateTone(state: OrderState): 'todo' | 'ok' | 'warn' | 'muted' {
  switch (state) {
    case 'CREATED':
    case 'UPLOADED':
    case 'PRE_SETTLED':
    case 'PAYING':
    case 'REFUNDING':
      return 'todo';
    case 'PAID':
    case 'REFUNDED':
      return 'ok';
    case 'PAY_FAILED':
    case 'REFUND_FAILED':
      return 'warn';
    default:
      return 'muted';
  }
}

export function StateLabel({ state, label }: { state: OrderState; label: string }) {
  return <Text className={`order-state order-state--${stateTone(state)} order-state--${state.toLowerCase()}`}>{label}</Text>;
}

export function Section({ name, title, children }: { name: string; title?: string; children: ReactNode }) {
  return (
    <View className={`order-section order-section--${name}`}>
      {title ? <Text className='order-section__title'>{title}</Text> : null}
      {children}
    </View>
  );
}

export function Row({ name, label, value, emphasis, note }: { name: string; label: string; value: ReactNode; emphasis?: boolean; note?: string }) {
  return (
    <View className={`order-row order-row--${name}${emphasis ? ' order-row--emphasis' : ''}`}>
      <View className='order-row__label'>
        <Text>{label}</Text>
        {note ? <Text className='order-row__note'>（{note}）</Text> : null}
      </View>
      <Text className='order-row__value'>{value}</Text>
    </View>
  );
}

export function Items({ items }: { items: OrderItem[] }) {
  return (
    <View className='order-items'>
      {items.map((item, i) => (
        <View key={`${i}-${item.name}`} className='order-item'>
          <View className='order-item__main'>
            <Text className='order-item__name'>{item.name}</Text>
            <Text className='order-item__amount'>{formatFen(item.amountFen)}</Text>
          </View>
          <Text className='order-item__spec'>
            {[item.specification, `${item.quantity}${item.unit ?? ''} × ${formatFen(item.unitPriceFen)}`, item.insuranceClass === 'SELF_PAY' ? '自费项目' : null]
              .filter(Boolean)
              .join(' · ')}
          </Text>
        </View>
      ))}
    </View>
  );
}

/**
 * The platform's split (6202/6301) as rows: 费用总额, 医保基金支付, 个人账户支付, 共济账户支付 /
 * 医院负担 / 其他 (non-zero only), 个人现金支付; then the delivery fee (cash) and the cash total.
 */
export function SplitRows({ split, deliveryFeeFen, cashDueFen }: { split: OrderSplit; deliveryFeeFen: number; cashDueFen: number | null }) {
  return (
    <View className='order-split'>
      <Row name='feeSumamt' label='费用总额' value={formatFen(split.feeSumamtFen)} />
      <Row name='fundPay' label='医保基金支付' value={formatFen(split.fundPayFen)} />
      <Row name='psnAcctPay' label='个人账户支付' value={formatFen(split.psnAcctPayFen)} />
      {split.acctMulaidPayFen !== 0 ? <Row name='acctMulaidPay' label='共济账户支付' value={formatFen(split.acctMulaidPayFen)} /> : null}
      {split.hospPartFen !== 0 ? <Row name='hospPart' label='医院负担' value={formatFen(split.hospPartFen)} /> : null}
      {split.othFeeFen !== 0 ? <Row name='othFee' label='其他支付' value={formatFen(split.othFeeFen)} /> : null}
      <Row name='cashPay' label='个人现金支付' value={formatFen(split.cashPayFen)} />
      {deliveryFeeFen !== 0 ? <Row name='deliveryFee' label='配送费' note='现金支付，医保不予支付' value={formatFen(deliveryFeeFen)} /> : null}
      {cashDueFen !== null ? <Row name='cashDue' label='现金合计' emphasis value={formatFen(cashDueFen)} /> : null}
    </View>
  );
}

export function AddressLines({ address }: { address: Address }) {
  return (
    <View className='order-address'>
      <Text className='order-address__who'>
        {address.name} {address.phoneMasked}
        {address.isDefault ? <Text className='order-address__default'> 默认</Text> : null}
      </Text>
      <Text className='order-address__where'>
        {address.province}
        {address.city === address.province ? '' : address.city}
        {address.district} {address.detail}
      </Text>
    </View>
  );
}
