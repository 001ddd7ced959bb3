/**
 * 医保收银台 / 待结算详情: the ONE place that lays out the cashier, so it can follow the national
 * bureau's UI rules exactly once they are in hand (mobile-pay.md "The cashier page"). Fed by the
 * BFF's CashierView only: every amount is the platform's (6202), formatted fen → yuan with the
 * contract's money helpers; nothing is added, subtracted or rounded here.
 *
 * Order of the page (top to bottom): who and where (masked patient name and ID, insurance type,
 * 参保地, hospital, order number and time) → itemised fees → the settlement rows (费用总额,
 * 医保基金支付, 个人账户支付, 共济账户支付 / 医院负担 when non-zero, 个人现金支付 emphasised,
 * add rows such as 运费 (cash, never insurance), 需支付) → the personal-account switch (职工医保
 * only) → the refund rule in one line → one pay button and a way back.
 *
 * Test and e2e hooks: `.cashier`, `.cashier__row--<key>` with `.cashier__row-value`,
 * `.cashier__item`, `.cashier__account-switch` (role switch, aria-checked), `.cashier__pay`,
 * `.cashier__back`, `.cashier-preparing`.
 */
import type { ReactNode } from 'react';
import { Text, View } from '@tarojs/components';
import { chinaDateTime, formatFen, type AmountRow, type CashierView, type OrderItem } from '@ih/contract';
import { Button, Loading } from '../../components/nut';
import './Cashier.scss';

/** Rows the rules show only when the platform gave a non-zero amount. */
const ONLY_WHEN_NON_ZERO: ReadonlySet<AmountRow['key']> = new Set(['acctMulaidPay', 'hospPart', 'othFee', 'deliveryFee']);
/** Add rows paid in cash on top of the medical fees: never paid by insurance (rule 11). */
const CASH_ADD_NOTE: Partial<Record<AmountRow['key'], string>> = { deliveryFee: '现金支付，医保不予支付' };

/** "yyyy-MM-dd HH:mm:ss" in China time (the hospital's clock, whatever the phone's zone). */
export function formatOrderTime(iso: string): string {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? iso : chinaDateTime(ms);
}

function InfoRow({ name, label, value }: { name: string; label: string; value: ReactNode }) {
  return (
    <View className={`cashier__info cashier__info--${name}`}>
      <Text className='cashier__info-label'>{label}</Text>
      <Text className='cashier__info-value'>{value}</Text>
    </View>
  );
}

function ItemRow({ item }: { item: OrderItem }) {
  const spec = [item.specification, `${item.quantity}${item.unit ?? ''} × ${formatFen(item.unitPriceFen)}`].filter(Boolean).join(' · ');
  return (
    <View className='cashier__item'>
      <View className='cashier__item-main'>
        <Text className='cashier__item-name'>{item.name}</Text>
        {item.insuranceClass === 'SELF_PAY' ? <Text className='cashier__item-tag'>自费</Text> : null}
      </View>
      <View className='cashier__item-sub'>
        <Text className='cashier__item-spec'>{spec}</Text>
        <Text className='cashier__item-amount'>{formatFen(item.amountFen)}</Text>
      </View>
    </View>
  );
}

function AmountLine({ row }: { row: AmountRow }) {
  // The BFF's label may already say it (配送费（现金支付）): do not say it twice.
  const note = row.label.includes('现金') ? undefined : CASH_ADD_NOTE[row.key];
  return (
    <View className={`cashier__row cashier__row--${row.key}${row.emphasis ? ' cashier__row--emphasis' : ''}`}>
      <View className='cashier__row-label'>
        <Text>{row.label}</Text>
        {note ? <Text className='cashier__row-note'>（{note}）</Text> : null}
      </View>
      <Text className='cashier__row-value'>{formatFen(row.amountFen)}</Text>
    </View>
  );
}

export interface CashierProps {
  view: CashierView;
  /** The pay request / the channel's cashier is open: the button shows it and takes no second tap. */
  paying?: boolean;
  /** The BFF is re-running the split after the personal-account switch. */
  switching?: boolean;
  onToggleAccount: (next: boolean) => void;
  onPay: () => void;
  onBack: () => void;
  /** A message above the pay button (cancelled, WeChat too old, a refusal…). */
  notice?: { tone: 'info' | 'warn'; text: string } | null;
}

/** The cashier itself (after the BFF prepared it). */
export function Cashier({ view, paying = false, switching = false, onToggleAccount, onPay, onBack, notice }: CashierProps) {
  const insurance = view.payMode === 'INSURANCE';
  const rows = view.rows.filter((r) => !(ONLY_WHEN_NON_ZERO.has(r.key) && r.amountFen === 0));
  const busy = paying || switching;
  const cashDue = formatFen(view.cashDueFen);
  const payLabel = view.cashDueFen > 0 ? `确认支付 ${cashDue}` : insurance ? '确认医保结算' : '确认支付';

  return (
    <View className={`cashier cashier--${insurance ? 'insurance' : 'self-pay'}`}>
      <View className='cashier__head'>
        <Text className='cashier__title'>{insurance ? '医保收银台' : '收银台'}</Text>
        <Text className='cashier__subtitle'>待结算详情</Text>
      </View>

      {!insurance && view.selfPayReasonText ? (
        <View className='cashier__self-pay' role='note'>
          <Text>{view.selfPayReasonText}</Text>
        </View>
      ) : null}

      <View className='cashier__section cashier__section--who'>
        <InfoRow name='patient' label='就诊人' value={view.patient.nameMasked} />
        <InfoRow name='id' label='证件号码' value={view.patient.idNumberMasked} />
        {view.insured ? (
          <>
            <InfoRow name='insutype' label='险种类型' value={view.insured.insutypeLabel} />
            <InfoRow name='insuplc' label='参保地' value={view.insured.insuplcName ?? view.insured.insuplcAdmdvs} />
          </>
        ) : null}
        <InfoRow name='hospital' label='就诊医院' value={view.hospitalName} />
        <InfoRow name='order-no' label='订单编号' value={view.orderNo} />
        <InfoRow name='order-time' label='下单时间' value={formatOrderTime(view.orderTime)} />
      </View>

      <View className='cashier__section cashier__section--items'>
        <Text className='cashier__section-title'>费用明细</Text>
        {view.items.map((item, i) => (
          <ItemRow key={`${i}-${item.name}`} item={item} />
        ))}
      </View>

      <View className={`cashier__section cashier__section--amounts${switching ? ' cashier__section--updating' : ''}`} aria-busy={switching}>
        <Text className='cashier__section-title'>{insurance ? '医保结算' : '支付金额'}</Text>
        {rows.map((row) => (
          <AmountLine key={row.key} row={row} />
        ))}
        {switching ? (
          <View className='cashier__updating'>
            <Loading type='circular' />
            <Text>正在重新计算医保结算金额…</Text>
          </View>
        ) : null}
      </View>

      {insurance && view.accountSwitch.available ? (
        <View className='cashier__section cashier__section--account'>
          <View
            className={`cashier__account-switch${view.acctUsedFlag ? ' cashier__account-switch--on' : ''}${busy ? ' cashier__account-switch--disabled' : ''}`}
            role='switch'
            aria-checked={view.acctUsedFlag}
            aria-disabled={busy}
            onClick={() => {
              if (!busy) onToggleAccount(!view.acctUsedFlag);
            }}
          >
            <View className='cashier__account-text'>
              <Text className='cashier__account-title'>使用个人账户支付</Text>
              <Text className='cashier__account-desc'>开启后，个人负担部分先从医保个人账户支付（仅限职工医保）</Text>
            </View>
            <View className='cashier__switch-track'>
              <View className='cashier__switch-thumb' />
            </View>
          </View>
        </View>
      ) : insurance && view.accountSwitch.reason ? (
        <Text className='cashier__account-reason'>{view.accountSwitch.reason}</Text>
      ) : null}

      <Text className='cashier__refund-rule'>退费说明：{view.refundRule}</Text>

      {notice ? (
        <View className={`cashier__notice cashier__notice--${notice.tone}`} role='alert'>
          <Text>{notice.text}</Text>
        </View>
      ) : null}

      <View className='cashier__bar'>
        <View className='cashier__due'>
          <Text className='cashier__due-label'>需支付</Text>
          <Text className='cashier__due-value'>{cashDue}</Text>
        </View>
        <Button className='cashier__pay' type='primary' loading={paying} disabled={busy} onClick={onPay}>
          {paying ? '支付处理中' : payLabel}
        </Button>
      </View>
      <Text className='cashier__back' onClick={onBack}>
        返回订单
      </Text>
    </View>
  );
}

/**
 * The clear loading animation at the top/centre while the BFF uploads the fees (6201) and places
 * the pay order (6202); WeChat's rules require it because the step chains several calls.
 */
export function CashierPreparing({ selfPay = false }: { selfPay?: boolean }) {
  return (
    <View className='cashier-preparing' aria-busy='true' role='status'>
      <Loading type='circular' />
      <Text className='cashier-preparing__title'>{selfPay ? '正在生成支付信息…' : '正在进行医保预结算…'}</Text>
      <Text className='cashier-preparing__desc'>
        {selfPay ? '请稍候，请勿离开本页面' : '正在上传费用明细并向医保平台计算报销金额，请稍候，请勿离开本页面'}
      </Text>
    </View>
  );
}
