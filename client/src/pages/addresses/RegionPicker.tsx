/**
 * 省 / 市 / 区县 chosen step by step from the national division list (@vant/area-data, through the contract's `regions`), in plain
 * views so it behaves the same in WeChat, Alipay and H5 (their native region pickers differ or
 * are missing). A city without districts ends at the city.
 */
import { useState } from 'react';
import { Text, View } from '@tarojs/components';
import { areaList } from '@ih/contract/src/regions';
import { Button } from '../../components/nut';

export interface Region {
  province: string;
  city: string;
  district: string;
  /** The district's (or the city's, when it has none) 6-digit division code. */
  areaCode: string;
}

type Level = 'province' | 'city' | 'district';
const LEVEL_TITLES: Record<Level, string> = { province: '选择省份', city: '选择城市', district: '选择区县' };

function children(list: Record<string, string>, parent: string, digits: number): { code: string; name: string }[] {
  return Object.entries(list)
    .filter(([code]) => code.startsWith(parent.slice(0, digits)))
    .map(([code, name]) => ({ code, name }));
}

export function RegionPicker({ onPick, onCancel }: { onPick: (r: Region) => void; onCancel: () => void }) {
  const [level, setLevel] = useState<Level>('province');
  const [province, setProvince] = useState<{ code: string; name: string }>();
  const [city, setCity] = useState<{ code: string; name: string }>();

  const options =
    level === 'province'
      ? Object.entries(areaList.province_list).map(([code, name]) => ({ code, name }))
      : level === 'city'
        ? children(areaList.city_list, province!.code, 2)
        : children(areaList.county_list, city!.code, 4);

  function choose(o: { code: string; name: string }) {
    if (level === 'province') {
      setProvince(o);
      setLevel('city');
      return;
    }
    if (level === 'city') {
      setCity(o);
      if (children(areaList.county_list, o.code, 4).length === 0) {
        onPick({ province: province!.name, city: o.name, district: o.name, areaCode: o.code });
        return;
      }
      setLevel('district');
      return;
    }
    onPick({ province: province!.name, city: city!.name, district: o.name, areaCode: o.code });
  }

  function back() {
    if (level === 'district') setLevel('city');
    else if (level === 'city') setLevel('province');
    else onCancel();
  }

  return (
    <View className={`region-picker region-picker--${level}`}>
      <View className='region-picker__head'>
        <Text className='region-picker__title'>{LEVEL_TITLES[level]}</Text>
        <Text className='region-picker__path'>{[province?.name, level === 'district' ? city?.name : null].filter(Boolean).join(' / ')}</Text>
      </View>
      <View className='region-picker__list'>
        {options.map((o) => (
          <View key={o.code} className={`region-picker__option region-picker__option--${o.code}`} onClick={() => choose(o)}>
            <Text>{o.name}</Text>
          </View>
        ))}
      </View>
      <Button className='region-picker__back' block onClick={back}>
        {level === 'province' ? '取消' : '上一步'}
      </Button>
    </View>
  );
}
