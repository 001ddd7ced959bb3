/**
 * Pieces shared by the e-voucher pages (entry, result, activation guide, my authorization state):
 * the masked identity card, query parameters, and how to leave a page for where the user was.
 */
import type { ReactNode } from 'react';
import Taro from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { ID_TYPE_LABELS, RELATIONSHIP_LABELS, isSafeReturnTo, type InsuredSummary, type VoucherIdentity } from '@ih/contract';
import { URLS, isTabUrl } from '../../routes';
import './index.scss';

/** A router parameter, decoded once (mini-programs hand them over still encoded). */
export function routeParam(name: string): string | undefined {
  const raw = Taro.getCurrentInstance()?.router?.params?.[name];
  if (typeof raw !== 'string' || raw === '' || raw === 'undefined') return undefined;
  try {
    return raw.includes('%') ? decodeURIComponent(raw) : raw;
  } catch {
    return raw;
  }
}

/** `returnTo` of the page, when it is an in-app route. */
export function returnToParam(): string | undefined {
  const r = routeParam('returnTo');
  return r && isSafeReturnTo(r) ? r : undefined;
}

function pageCount(): number {
  try {
    return (Taro.getCurrentPages?.() ?? []).length;
  } catch {
    return 0;
  }
}

/**
 * Leaves the page for `url` (replacing it), or back to where the user came from, or to 我的 when
 * there is nothing to go back to (e.g. the H5 opened by the national APP's redirect).
 */
export function leaveTo(url?: string | null): Promise<unknown> {
  const go = (): Promise<unknown> => {
    if (url) {
      const path = url.split('?')[0]!;
      return Promise.resolve(isTabUrl(path) ? Taro.switchTab({ url: path }) : Taro.redirectTo({ url }));
    }
    if (pageCount() > 1) return Promise.resolve(Taro.navigateBack({ delta: 1 }));
    return Promise.resolve(Taro.switchTab({ url: URLS.mine }));
  };
  return go().catch((e: unknown) => {
    console.warn('[voucher] could not leave the page', e);
    return Taro.switchTab({ url: URLS.mine });
  });
}

export function formatTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

function Row({ label, value, name }: { label: string; value: ReactNode; name: string }) {
  return (
    <View className={`voucher-card__row voucher-card__row--${name}`}>
      <Text className='voucher-card__label'>{label}</Text>
      <Text className='voucher-card__value'>{value}</Text>
    </View>
  );
}

/** Masked identity and insurance facts (never full names or numbers: the BFF sends none). */
export function IdentityCard({ identity, insured, children }: { identity: VoucherIdentity; insured: InsuredSummary | null; children?: ReactNode }) {
  return (
    <View className='voucher-card voucher-card--identity'>
      <Row name='name' label='姓名' value={`${identity.nameMasked}（${RELATIONSHIP_LABELS[identity.relationship]}）`} />
      <Row name='id' label={ID_TYPE_LABELS[identity.idType]} value={identity.idNumberMasked} />
      {insured ? (
        <>
          <Row name='insutype' label='参保险种' value={insured.insutypeLabel} />
          <Row name='insuplc' label='参保地' value={insured.insuplcName ?? insured.insuplcAdmdvs} />
          <Row name='activated' label='医保电子凭证' value={insured.voucherActivated ? '已激活' : '未激活'} />
          {insured.suspended ? <Row name='suspended' label='互联网医保支付' value='已暂停（仅可自费）' /> : null}
        </>
      ) : null}
      {children}
    </View>
  );
}
