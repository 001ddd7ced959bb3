import { useState } from 'react';
import Taro, { useReachBottom } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { DISEASE_CATEGORIES, DISEASE_CATEGORY_LABELS, type Disease, type DiseaseCategory } from '@ih/contract';
import { Badges } from '../../../components/Badges';
import { PagedList } from '../../../components/PagedList';
import { SearchBar } from '../../../components/SearchBar';
import { usePagedList } from '../../../hooks/usePagedList';
import { URLS } from '../../../routes';
import { listDiseases } from '../../../services/catalog';
import { openPage } from '../../../services/nav';
import { withQuery } from '../../../services/params';
import { FilterChips, type ChipOption } from '../../components/FilterChips';
import '../../components/consult.scss';

type CategoryFilter = 'all' | DiseaseCategory;
const CATEGORIES: readonly ChipOption<CategoryFilter>[] = [{ value: 'all', label: '全部病种' }, ...DISEASE_CATEGORIES.map((c) => ({ value: c, label: DISEASE_CATEGORY_LABELS[c] }))];
type PayFilter = 'all' | 'payable';
const PAY: readonly ChipOption<PayFilter>[] = [
  { value: 'all', label: '全部' },
  { value: 'payable', label: '仅看医保可支付' },
];

function DiseaseCard({ disease }: { disease: Disease }) {
  return (
    <View
      className={`list-card disease-card disease-card--${disease.payableOnline ? 'payable' : 'self-pay'}`}
      hoverClass='list-card--pressed'
      onClick={() => void openPage(withQuery(URLS.revisitDoctors, { disease: disease.code }))}
    >
      <View className='list-card__head'>
        <Text className='list-card__name disease-card__name'>{disease.name}</Text>
        <Badges
          badges={[disease.payableOnline ? { key: 'payable', label: '医保可支付线上复诊', tone: 'ok' } : { key: 'not-payable', label: '医保不支付线上复诊（可自费）', tone: 'warn' }]}
        />
      </View>
      <Text className='list-card__line'>
        {DISEASE_CATEGORY_LABELS[disease.category]} · 编码 {disease.code}
        {disease.keywords.length ? ` · 又称 ${disease.keywords.slice(0, 3).join('、')}` : ''}
      </Text>
      <Text className='list-card__arrow'>›</Text>
    </View>
  );
}

/** 按疾病找医生: the internet disease catalog (what insurance pays online), then its doctors. */
export default function Diseases() {
  const [keyword, setKeyword] = useState('');
  const [category, setCategory] = useState<CategoryFilter>('all');
  const [pay, setPay] = useState<PayFilter>('all');
  const list = usePagedList(
    (page) => listDiseases({ page, pageSize: 30, keyword: keyword || undefined, category: category === 'all' ? undefined : category, payableOnline: pay === 'payable' ? 'true' : undefined }),
    [keyword, category, pay],
  );
  useReachBottom(() => list.loadMore());
  return (
    <View className='page consult-page diseases'>
      <View className='consult-page__intro'>
        <Text className='consult-page__title'>按疾病找医生</Text>
        <Text className='consult-page__lead'>医保按规定支付门诊慢性病、慢特病和部分常见病的线上复诊；目录外的疾病可以自费复诊。</Text>
      </View>
      <SearchBar className='diseases__search' placeholder='疾病名称、拼音首字母或编码' value={keyword} onSearch={setKeyword} />
      <FilterChips name='category' options={CATEGORIES} value={category} onChange={setCategory} />
      <FilterChips name='payable' options={PAY} value={pay} onChange={setPay} />
      <PagedList
        className='diseases__list'
        state={list}
        renderItem={(d) => <DiseaseCard key={d.id} disease={d} />}
        emptyTitle='没有找到疾病'
        emptyDescription={keyword ? `疾病目录中没有与「${keyword}」相关的病种，可换个名称，或按医院找医生。` : '暂无病种。'}
      />
      <View className='page-actions'>
        <Text className='page-actions__note diseases__by-hospital' onClick={() => void Promise.resolve(Taro.redirectTo({ url: URLS.revisit })).catch(() => openPage(URLS.revisit))}>
          找不到？按医院找医生 ›
        </Text>
      </View>
    </View>
  );
}
