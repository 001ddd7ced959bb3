import { useRef, useState } from 'react';
import Taro from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { AddressInputSchema, type Address, type AddressInput } from '@ih/contract';
import { Button } from '../../../components/nut';
import { Choice, FormError, FormField, TextInput } from '../../../components/Form';
import { PageState } from '../../../components/PageState';
import { routeParam } from '../../../components/Voucher';
import { useApi } from '../../../hooks/useApi';
import { createAddress, deleteAddress, listAddresses, updateAddress } from '../../../services/order';
import { setPickedAddress } from '../../../services/orderFlow';
import { isApiError } from '../../../services/request';
import { RegionPicker, type Region } from '../RegionPicker';
import '../addresses.scss';

type Field = 'name' | 'phone' | 'region' | 'detail';
const YES_NO = [
  { value: 'yes', label: '设为默认地址' },
  { value: 'no', label: '不设为默认' },
] as const;

function fieldOf(path: string): Field {
  if (path === 'province' || path === 'city' || path === 'district' || path === 'areaCode') return 'region';
  return (['name', 'phone', 'detail'] as const).find((f) => f === path) ?? 'detail';
}

function AddressForm({ existing, selecting }: { existing: Address | null; selecting: boolean }) {
  const [name, setName] = useState(existing?.name ?? '');
  const [phone, setPhone] = useState('');
  const [region, setRegion] = useState<Region | null>(
    existing ? { province: existing.province, city: existing.city, district: existing.district, areaCode: existing.areaCode ?? '' } : null,
  );
  const [detail, setDetail] = useState(existing?.detail ?? '');
  const [isDefault, setIsDefault] = useState<'yes' | 'no'>(existing?.isDefault ? 'yes' : 'no');
  const [picking, setPicking] = useState(false);
  const [errors, setErrors] = useState<Partial<Record<Field, string>>>({});
  const [formError, setFormError] = useState<{ code: string; message: string }>();
  const [busy, setBusy] = useState(false);
  const busyRef = useRef(false);

  async function save() {
    if (busyRef.current) return;
    setFormError(undefined);
    const input: AddressInput = {
      name,
      phone,
      province: region?.province ?? '',
      city: region?.city ?? '',
      district: region?.district ?? '',
      ...(region?.areaCode ? { areaCode: region.areaCode } : {}),
      detail,
      isDefault: isDefault === 'yes',
    };
    const checked = AddressInputSchema.safeParse(input);
    if (!checked.success) {
      const next: Partial<Record<Field, string>> = {};
      for (const issue of checked.error.issues) {
        const f = fieldOf(String(issue.path[0] ?? ''));
        next[f] ??= f === 'region' ? '请选择所在地区' : issue.message;
      }
      setErrors(next);
      return;
    }
    setErrors({});
    busyRef.current = true;
    setBusy(true);
    try {
      const saved = existing ? await updateAddress(existing.id, input) : await createAddress(input);
      // Added while choosing an address for an order: use it and go back to the order.
      if (selecting && !existing) {
        setPickedAddress(saved.id);
        void Taro.navigateBack({ delta: 2 });
      } else {
        void Taro.navigateBack({ delta: 1 });
      }
    } catch (e) {
      if (isApiError(e) && e.fields.length) {
        const next: Partial<Record<Field, string>> = {};
        for (const f of e.fields) next[fieldOf(f.path)] ??= f.message;
        setErrors(next);
      } else {
        setFormError(isApiError(e) ? { code: e.code, message: e.message } : { code: 'INTERNAL', message: '保存失败，请稍后重试' });
      }
      busyRef.current = false;
      setBusy(false);
    }
  }

  async function remove() {
    if (!existing || busyRef.current) return;
    const ok = await Taro.showModal({ title: '删除收货地址？', content: '删除后不可恢复，已下单的订单不受影响。', confirmText: '删除', cancelText: '取消' });
    if (!ok.confirm) return;
    busyRef.current = true;
    setBusy(true);
    try {
      await deleteAddress(existing.id);
      void Taro.navigateBack({ delta: 1 });
    } catch (e) {
      setFormError(isApiError(e) ? { code: e.code, message: e.message } : { code: 'INTERNAL', message: '删除失败，请稍后重试' });
      busyRef.current = false;
      setBusy(false);
    }
  }

  if (picking) {
    return (
      <View className='page order-page address-edit address-edit--picking'>
        <RegionPicker
          onCancel={() => setPicking(false)}
          onPick={(r) => {
            setRegion(r);
            setErrors((e) => ({ ...e, region: undefined }));
            setPicking(false);
          }}
        />
      </View>
    );
  }

  return (
    <View className={`page order-page address-edit address-edit--${existing ? 'edit' : 'create'}`}>
      <View className='address-edit__form'>
        <FormField name='name' label='收货人' error={errors.name}>
          <TextInput name='name' value={name} maxlength={32} placeholder='请填写收货人姓名' onChange={setName} />
        </FormField>
        <FormField name='phone' label='手机号' error={errors.phone} hint={existing ? `原手机号 ${existing.phoneMasked}，为保护隐私已隐藏，请重新填写` : undefined}>
          <TextInput name='phone' value={phone} type='number' maxlength={11} placeholder='请填写 11 位手机号' onChange={setPhone} />
        </FormField>
        <FormField name='region' label='所在地区' error={errors.region}>
          <View className={`address-edit__region${region ? '' : ' address-edit__region--empty'}`} onClick={() => setPicking(true)}>
            <Text>{region ? `${region.province} ${region.city === region.province ? '' : region.city} ${region.district}` : '请选择省 / 市 / 区县 ›'}</Text>
          </View>
        </FormField>
        <FormField name='detail' label='详细地址' error={errors.detail}>
          <TextInput name='detail' value={detail} maxlength={120} placeholder='街道、小区、楼栋、门牌号' onChange={setDetail} />
        </FormField>
        <Choice name='is-default' options={YES_NO} value={isDefault} onChange={setIsDefault} />
      </View>
      <FormError code={formError?.code} message={formError?.message} />
      <View className='address-edit__actions'>
        <Button className='address-edit__save' type='primary' block loading={busy} disabled={busy} onClick={() => void save()}>
          保存
        </Button>
        {existing ? (
          <Button className='address-edit__delete' block disabled={busy} onClick={() => void remove()}>
            删除地址
          </Button>
        ) : null}
      </View>
    </View>
  );
}

/** 新增 / 编辑收货地址 (?id= edits; ?select=1 came from choosing an address for an order). */
export default function AddressEdit() {
  const id = useRef(routeParam('id')).current;
  const selecting = useRef(routeParam('select') === '1').current;
  // The list is the one address read the BFF offers; the edited one is taken from it.
  const list = useApi(() => (id ? listAddresses() : Promise.resolve(null)), [id]);
  if (!id) return <AddressForm existing={null} selecting={selecting} />;
  const existing = list.data?.items.find((a) => a.id === id) ?? null;
  if (!existing) {
    return (
      <View className='page order-page address-edit'>
        <PageState loading={list.loading} error={list.error} onRetry={list.reload} empty={!list.loading && !list.error} emptyTitle='地址不存在' emptyDescription='该地址可能已被删除，请返回地址列表。' />
      </View>
    );
  }
  return <AddressForm existing={existing} selecting={selecting} />;
}
