import { useState } from 'react';
import { Text, View } from '@tarojs/components';
import { INSURANCE_CLASS_LABELS, formatFen, type Drug } from '@ih/contract';
import { Badges, type Badge } from '../../components/Badges';
import { PagedList } from '../../components/PagedList';
import { SearchBar } from '../../components/SearchBar';
import { usePagedList } from '../../hooks/usePagedList';
import { listDrugs } from '../services/catalog';
import { Sheet } from './Sheet';

/** Why a catalog drug cannot be prescribed here, or null (rule 8). */
export function drugRefusal(drug: Drug, alreadyChosen: boolean): string | null {
  if (drug.unfitForInternet) return '该药品已被标记为不适用于互联网复诊，不能在线开具，请建议患者线下就诊取药。';
  if (alreadyChosen) return '处方中已有该药品，请直接修改数量。';
  return null;
}

function drugBadges(drug: Drug): Badge[] {
  const out: Badge[] = [
    { key: `class-${drug.insuranceClass.toLowerCase()}`, label: `医保${INSURANCE_CLASS_LABELS[drug.insuranceClass]}`, tone: drug.insuranceClass === 'SELF_PAY' ? 'warn' : 'ok' },
  ];
  if (drug.unfitForInternet) out.unshift({ key: 'unfit', label: '不可在线开具', tone: 'danger' });
  if (drug.prescriptionOnly) out.push({ key: 'rx-only', label: '处方药', tone: 'info' });
  return out;
}

export interface DrugPickerProps {
  /** Drugs already on the prescription (chosen twice is refused). */
  chosenIds: readonly string[];
  onPick: (drug: Drug) => void;
  onClose: () => void;
}

/**
 * 选择药品: searches the insurance drug catalog. Prices are the catalog's (never typed).
 * Drugs flagged unfit for internet re-visits stay in the list, greyed out with the reason, so
 * the doctor knows why the drug they looked for cannot be chosen.
 */
export function DrugPicker({ chosenIds, onPick, onClose }: DrugPickerProps) {
  const [keyword, setKeyword] = useState('');
  const list = usePagedList((page) => listDrugs({ keyword: keyword || undefined, page, pageSize: 20 }), [keyword]);
  return (
    <Sheet name='drug' title='选择药品' onClose={onClose}>
      <SearchBar className='drug-picker__search' placeholder='药品名、商品名、拼音首字母或医保编码' value={keyword} onSearch={setKeyword} />
      <PagedList
        state={list}
        className='drug-picker__list'
        emptyTitle='没有找到相符的药品'
        emptyDescription='只能开具医保药品目录内的药品，请换个关键词再试。'
        renderItem={(d) => {
          const refusal = drugRefusal(d, chosenIds.includes(d.id));
          return (
            <View
              key={d.id}
              className={`pick-card drug-option drug-option--${refusal ? 'disabled' : 'enabled'}`}
              data-code={d.nationalCode}
              role='button'
              aria-disabled={!!refusal}
              onClick={() => {
                if (!refusal) onPick(d);
              }}
            >
              <View className='pick-card__head'>
                <Text className='pick-card__name'>{d.name}</Text>
                {d.tradeName ? <Text className='pick-card__code'>（{d.tradeName}）</Text> : null}
              </View>
              <Text className='pick-card__line'>
                {d.specification} · {d.dosageForm} · {d.manufacturer}
              </Text>
              <Text className='pick-card__price'>
                {formatFen(d.priceFen)} / {d.unit}
              </Text>
              <Badges badges={drugBadges(d)} />
              {refusal ? <Text className='pick-card__refusal drug-option__reason'>{refusal}</Text> : null}
            </View>
          );
        }}
      />
    </Sheet>
  );
}
