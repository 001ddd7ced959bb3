import { useState } from 'react';
import { Text, View } from '@tarojs/components';
import { DISEASE_CATEGORY_LABELS, type Disease } from '@ih/contract';
import { Badges } from '../../components/Badges';
import { PagedList } from '../../components/PagedList';
import { SearchBar } from '../../components/SearchBar';
import { usePagedList } from '../../hooks/usePagedList';
import { listDiseases } from '../../services/catalog';
import { Sheet } from './Sheet';

export interface DiseasePickerProps {
  /** Starts the search with this word (e.g. the consultation's disease). */
  initialKeyword?: string;
  onPick: (disease: Disease) => void;
  onClose: () => void;
}

/** 选择诊断: searches the internet disease catalog (name, code, pinyin initials, other names). */
export function DiseasePicker({ initialKeyword = '', onPick, onClose }: DiseasePickerProps) {
  const [keyword, setKeyword] = useState(initialKeyword);
  const list = usePagedList((page) => listDiseases({ keyword: keyword || undefined, page, pageSize: 20 }), [keyword]);
  return (
    <Sheet name='disease' title='选择诊断' onClose={onClose}>
      <SearchBar className='disease-picker__search' placeholder='疾病名称、编码或拼音首字母' value={keyword} onSearch={setKeyword} />
      <PagedList
        state={list}
        className='disease-picker__list'
        emptyTitle='没有找到相符的疾病'
        emptyDescription='互联网诊疗只能选择病种目录内的疾病，请换个关键词再试。'
        renderItem={(d) => (
          <View key={d.id} className='pick-card disease-option' data-code={d.code} role='button' onClick={() => onPick(d)}>
            <View className='pick-card__head'>
              <Text className='pick-card__name'>{d.name}</Text>
              <Text className='pick-card__code'>{d.code}</Text>
            </View>
            <Text className='pick-card__line'>{DISEASE_CATEGORY_LABELS[d.category]}</Text>
            <Badges
              badges={[
                d.payableOnline
                  ? { key: 'payable', label: '医保可支付线上复诊', tone: 'ok' }
                  : { key: 'not-payable', label: '医保不支付线上复诊（自费）', tone: 'warn' },
              ]}
            />
          </View>
        )}
      />
    </Sheet>
  );
}
