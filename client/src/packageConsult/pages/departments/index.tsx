import { useState } from 'react';
import { useReachBottom } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import type { Department, DepartmentListResponse } from '@ih/contract';
import { Badges } from '../../../components/Badges';
import { Button } from '../../../components/nut';
import { PagedList } from '../../../components/PagedList';
import { PageState } from '../../../components/PageState';
import { SearchBar } from '../../../components/SearchBar';
import { usePagedList } from '../../../hooks/usePagedList';
import { URLS } from '../../../routes';
import { openPage } from '../../../services/nav';
import { pageParams, withQuery } from '../../../services/params';
import { hospitalBadge } from '../../components/status';
import { listDepartments } from '../../services/consult';
import '../../components/consult.scss';

function DepartmentCard({ department }: { department: Department }) {
  return (
    <View
      className='list-card department-card'
      hoverClass='list-card--pressed'
      onClick={() => void openPage(withQuery(URLS.revisitDoctors, { departmentId: department.id }))}
    >
      <View className='list-card__head'>
        <Text className='list-card__name department-card__name'>{department.name}</Text>
        <Text className='list-card__line'>{department.doctorCount} 位医生</Text>
      </View>
      {department.intro ? <Text className='list-card__line'>{department.intro}</Text> : null}
      <Text className='list-card__arrow'>›</Text>
    </View>
  );
}

function HospitalHeader({ hospital }: { hospital: DepartmentListResponse['hospital'] }) {
  return (
    <View className='consult-page__intro departments__hospital'>
      <Text className='consult-page__title'>{hospital.name}</Text>
      <Badges badges={[hospitalBadge(hospital.insurance)]} />
      {hospital.insurance.reasons.map((r) => (
        <Text key={r.code} className={`consult-page__note departments__reason departments__reason--${r.code}`}>
          {r.message}
        </Text>
      ))}
    </View>
  );
}

function DepartmentList({ hospitalId }: { hospitalId: string }) {
  const [keyword, setKeyword] = useState('');
  const list = usePagedList((page) => listDepartments(hospitalId, { page, pageSize: 30, keyword: keyword || undefined }), [hospitalId, keyword]);
  useReachBottom(() => list.loadMore());
  return (
    <View className='page consult-page departments'>
      {list.last ? <HospitalHeader hospital={list.last.hospital} /> : null}
      <SearchBar className='departments__search' placeholder='搜索科室或病种' value={keyword} onSearch={setKeyword} />
      <PagedList
        className='departments__list'
        state={list}
        renderItem={(d) => <DepartmentCard key={d.id} department={d} />}
        emptyTitle='没有找到科室'
        emptyDescription={keyword ? `该医院没有与「${keyword}」相关的互联网科室。` : '该医院暂未开通互联网诊疗科室。'}
      />
    </View>
  );
}

/** 在线复诊 — step 2: the hospital's internet departments. */
export default function Departments() {
  const { hospitalId = '' } = pageParams();
  if (!hospitalId) {
    return (
      <View className='page consult-page departments'>
        <PageState
          empty
          emptyTitle='未选择医院'
          emptyDescription='请先选择医院。'
          emptyAction={
            <Button className='page-state__retry' type='primary' onClick={() => void openPage(URLS.revisit)}>
              选择医院
            </Button>
          }
        />
      </View>
    );
  }
  return <DepartmentList hospitalId={hospitalId} />;
}
