import { useState } from 'react';
import { useReachBottom } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import type { Hospital } from '@ih/contract';
import { Badges } from '../../../components/Badges';
import { PagedList } from '../../../components/PagedList';
import { SearchBar } from '../../../components/SearchBar';
import { usePagedList } from '../../../hooks/usePagedList';
import { URLS } from '../../../routes';
import { openPage } from '../../../services/nav';
import { withQuery } from '../../../services/params';
import { FilterChips, type ChipOption } from '../../components/FilterChips';
import { hospitalBadge } from '../../components/status';
import { listHospitals } from '../../services/consult';
import '../../components/consult.scss';

type InsuranceFilter = 'all' | 'covered' | 'self_pay_only';
const INSURANCE_OPTIONS: readonly ChipOption<InsuranceFilter>[] = [
  { value: 'all', label: '全部医院' },
  { value: 'covered', label: '可用医保' },
  { value: 'self_pay_only', label: '仅自费' },
];

function HospitalCard({ hospital }: { hospital: Hospital }) {
  const selfPay = hospital.insurance.mode !== 'covered';
  return (
    <View
      className={`list-card hospital-card hospital-card--${selfPay ? 'self-pay' : 'covered'}`}
      hoverClass='list-card--pressed'
      onClick={() => void openPage(withQuery(URLS.revisitDepartments, { hospitalId: hospital.id }))}
    >
      <View className='list-card__head'>
        <Text className='list-card__name hospital-card__name'>{hospital.name}</Text>
        <Badges badges={[hospitalBadge(hospital.insurance)]} />
      </View>
      <Text className='list-card__line'>
        {[hospital.city, hospital.level, `第${hospital.batch}批定点`, `${hospital.departmentCount} 个互联网科室`].filter(Boolean).join(' · ')}
      </Text>
      {selfPay
        ? hospital.insurance.reasons.map((r) => (
            <Text key={r.code} className={`list-card__line hospital-card__reason hospital-card__reason--${r.code}`}>
              {r.message}
            </Text>
          ))
        : null}
      <Text className='list-card__arrow'>›</Text>
    </View>
  );
}

/** 在线复诊 — step 1: choose a designated internet hospital (or switch to searching by disease). */
export default function Revisit() {
  const [keyword, setKeyword] = useState('');
  const [insurance, setInsurance] = useState<InsuranceFilter>('all');
  const list = usePagedList((page) => listHospitals({ page, pageSize: 20, keyword: keyword || undefined, insurance: insurance === 'all' ? undefined : insurance }), [keyword, insurance]);
  useReachBottom(() => list.loadMore());

  return (
    <View className='page consult-page revisit'>
      <View className='consult-page__intro'>
        <Text className='consult-page__title'>在线复诊</Text>
        <Text className='consult-page__lead'>已在实体医院确诊的常见病、慢性病，可在线找医生复诊、续方。首次就诊请到医院线下就诊。</Text>
      </View>
      <View className='mode-switch'>
        <View className='mode-switch__item mode-switch__item--active revisit__by-hospital'>
          <Text className='mode-switch__title'>按医院找医生</Text>
          <Text className='mode-switch__desc'>医院 → 科室 → 医生</Text>
        </View>
        <View className='mode-switch__item revisit__by-disease' hoverClass='list-card--pressed' onClick={() => void openPage(URLS.revisitDiseases)}>
          <Text className='mode-switch__title'>按疾病找医生</Text>
          <Text className='mode-switch__desc'>如 高血压、糖尿病</Text>
        </View>
      </View>
      <SearchBar className='revisit__search' placeholder='搜索医院名称或城市' value={keyword} onSearch={setKeyword} />
      <FilterChips name='insurance' options={INSURANCE_OPTIONS} value={insurance} onChange={setInsurance} />
      <PagedList
        className='revisit__list'
        state={list}
        renderItem={(h) => <HospitalCard key={h.id} hospital={h} />}
        emptyTitle='没有找到医院'
        emptyDescription={keyword ? `没有与「${keyword}」相关的互联网医院，请换个名称或城市再试。` : '暂无可选的互联网医院。'}
      />
    </View>
  );
}
