import { useMemo, useState } from 'react';
import { Input, Text, View } from '@tarojs/components';
import './selfService.scss';

export interface AreaCity {
  /** 6-digit division code at city level (e.g. 640100). */
  code: string;
  name: string;
}
export interface AreaProvince {
  code: string;
  name: string;
  cities: readonly AreaCity[];
}

export interface AreaPickerProps {
  /** Field key: classes `ss-area--<name>`. */
  name: string;
  provinces: readonly AreaProvince[];
  /** The chosen city code, '' for none. */
  value: string;
  onChange: (code: string) => void;
  placeholder?: string;
  disabled?: boolean;
}

/** "宁夏回族自治区 银川市"; a municipality once ("北京市"). */
export function areaLabel(provinces: readonly AreaProvince[], code: string): string | null {
  for (const p of provinces) {
    const c = p.cities.find((x) => x.code === code);
    if (c) return c.name === p.name ? c.name : `${p.name} ${c.name}`;
  }
  return null;
}

/**
 * A city-level place picker (就医地, 参保地): a province column and its cities, plus a filter
 * by name for the many who know only the city. Plain views, so it works the same in WeChat,
 * Alipay and H5 (the platforms' own region pickers differ and go down to counties).
 */
export function AreaPicker({ name, provinces, value, onChange, placeholder = '请选择城市', disabled }: AreaPickerProps) {
  const [open, setOpen] = useState(false);
  const [filter, setFilter] = useState('');
  const selectedProvince = provinces.find((p) => p.cities.some((c) => c.code === value));
  const [province, setProvince] = useState<string>(selectedProvince?.code ?? '');
  const label = value ? areaLabel(provinces, value) : null;
  const word = filter.trim();
  const matches = useMemo(() => {
    if (!word) return null;
    const out: { province: AreaProvince; city: AreaCity }[] = [];
    for (const p of provinces) for (const c of p.cities) if (c.name.includes(word) || p.name.includes(word)) out.push({ province: p, city: c });
    return out.slice(0, 50);
  }, [provinces, word]);
  const cities = provinces.find((p) => p.code === province)?.cities ?? [];

  const choose = (code: string) => {
    onChange(code);
    setOpen(false);
    setFilter('');
  };

  return (
    <View className={`ss-area ss-area--${name}`}>
      <View
        className={`form-input ss-form__picker ss-area__value${label ? '' : ' ss-form__picker--empty'}`}
        role='button'
        aria-expanded={open}
        aria-disabled={disabled}
        onClick={() => {
          if (!disabled) setOpen((o) => !o);
        }}
      >
        <Text>{label ?? (value ? `地区代码 ${value}` : placeholder)}</Text>
      </View>
      {open ? (
        <View className='ss-area__panel'>
          <Input
            className='ss-area__filter'
            value={filter}
            placeholder='输入城市名称查找，如 成都'
            maxlength={16}
            onInput={(e) => setFilter(e.detail.value)}
          />
          {matches ? (
            <View className='ss-area__column ss-area__matches'>
              {matches.length === 0 ? <Text className='ss-area__empty'>没有找到「{word}」，请换个名称或从列表中选择。</Text> : null}
              {matches.map(({ province: p, city: c }) => (
                <View
                  key={c.code}
                  className={`ss-area__option ss-area__city ss-area__city--${c.code}${c.code === value ? ' ss-area__option--selected' : ''}`}
                  role='option'
                  aria-selected={c.code === value}
                  onClick={() => choose(c.code)}
                >
                  <Text>{c.name === p.name ? c.name : `${c.name}（${p.name}）`}</Text>
                </View>
              ))}
            </View>
          ) : (
            <View className='ss-area__columns'>
              <View className='ss-area__column ss-area__column--provinces' role='listbox' aria-label='省份'>
                {provinces.map((p) => (
                  <View
                    key={p.code}
                    className={`ss-area__option ss-area__province ss-area__province--${p.code}${p.code === province ? ' ss-area__option--selected' : ''}`}
                    role='option'
                    aria-selected={p.code === province}
                    onClick={() => (p.cities.length === 1 ? choose(p.cities[0]!.code) : setProvince(p.code))}
                  >
                    <Text>{p.name}</Text>
                  </View>
                ))}
              </View>
              <View className='ss-area__column ss-area__column--cities' role='listbox' aria-label='城市'>
                {province ? null : <Text className='ss-area__empty'>请先在左侧选择省份</Text>}
                {cities.map((c) => (
                  <View
                    key={c.code}
                    className={`ss-area__option ss-area__city ss-area__city--${c.code}${c.code === value ? ' ss-area__option--selected' : ''}`}
                    role='option'
                    aria-selected={c.code === value}
                    onClick={() => choose(c.code)}
                  >
                    <Text>{c.name}</Text>
                  </View>
                ))}
              </View>
            </View>
          )}
        </View>
      ) : null}
    </View>
  );
}
