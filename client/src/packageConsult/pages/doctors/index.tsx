import { useState } from 'react';
import Taro, { useReachBottom } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { DOCTOR_TITLES, DOCTOR_TITLE_LABELS, type DoctorTitle } from '@ih/contract';
import { Badges } from '../../../components/Badges';
import { Button } from '../../../components/nut';
import { PagedList } from '../../../components/PagedList';
import { SearchBar } from '../../../components/SearchBar';
import { useApi } from '../../../hooks/useApi';
import { usePagedList } from '../../../hooks/usePagedList';
import { URLS } from '../../../routes';
import { openPage } from '../../../services/nav';
import { pageParams, withQuery } from '../../../services/params';
import { DoctorCard } from '../../components/DoctorCard';
import { FilterChips, type ChipOption } from '../../components/FilterChips';
import { hospitalBadge } from '../../components/status';
import { getDepartment, listDoctors } from '../../services/consult';
import '../../components/consult.scss';

type Availability = 'all' | 'available' | 'insurance';
const AVAILABILITY: readonly ChipOption<Availability>[] = [
  { value: 'all', label: '全部医生' },
  { value: 'available', label: '可在线接诊' },
  { value: 'insurance', label: '可用医保' },
];
type TitleFilter = 'all' | DoctorTitle;
const TITLES: readonly ChipOption<TitleFilter>[] = [{ value: 'all', label: '全部职称' }, ...DOCTOR_TITLES.map((t) => ({ value: t, label: DOCTOR_TITLE_LABELS[t] ?? t }))];

/** 在线复诊 — step 3: doctors of a department, or of every hospital for a disease (?disease=code). */
export default function Doctors() {
  const { departmentId, hospitalId, disease } = pageParams();
  const [keyword, setKeyword] = useState('');
  const [availability, setAvailability] = useState<Availability>('all');
  const [title, setTitle] = useState<TitleFilter>('all');
  const department = useApi(async () => (departmentId ? getDepartment(departmentId) : null), [departmentId]);
  const list = usePagedList(
    (page) =>
      listDoctors({
        page,
        pageSize: 20,
        departmentId,
        hospitalId,
        disease,
        keyword: keyword || undefined,
        title: title === 'all' ? undefined : title,
        available: availability === 'available' ? 'true' : undefined,
        insuranceOnly: availability === 'insurance' ? 'true' : undefined,
      }),
    [departmentId, hospitalId, disease, keyword, availability, title],
  );
  useReachBottom(() => list.loadMore());
  const matched = list.last?.matchedDiseases;

  return (
    <View className='page consult-page doctors'>
      {department.data ? (
        <View className='consult-page__intro doctors__department'>
          <Text className='consult-page__title'>{department.data.name}</Text>
          <Text className='consult-page__note'>{department.data.hospital.name}</Text>
          <Badges badges={[hospitalBadge(department.data.hospital.insurance)]} />
        </View>
      ) : null}
      {disease ? (
        <View className='consult-page__intro doctors__disease'>
          <Text className='consult-page__title'>按疾病找医生</Text>
          <Text className='consult-page__note'>
            {matched === undefined ? `疾病：${disease}` : matched.length ? `擅长或科室诊治：${matched.map((d) => d.name).join('、')}` : `疾病目录中没有「${disease}」`}
          </Text>
        </View>
      ) : null}
      <SearchBar className='doctors__search' placeholder='搜索医生姓名或擅长' value={keyword} onSearch={setKeyword} />
      <FilterChips name='availability' options={AVAILABILITY} value={availability} onChange={setAvailability} />
      <FilterChips name='title' options={TITLES} value={title} onChange={setTitle} />
      <PagedList
        className='doctors__list'
        state={list}
        renderItem={(d) => <DoctorCard key={d.id} doctor={d} onClick={() => void openPage(withQuery(URLS.revisitDoctor, { id: d.id }))} />}
        emptyTitle='没有找到医生'
        emptyDescription={keyword || availability !== 'all' || title !== 'all' ? '没有符合条件的医生，请调整搜索或筛选条件。' : '暂时没有可选的医生。'}
        emptyAction={
          disease ? (
            <Button className='page-state__retry doctors__other-disease' type='primary' fill='outline' onClick={() => void Promise.resolve(Taro.navigateBack()).catch(() => openPage(URLS.revisitDiseases))}>
              换个疾病
            </Button>
          ) : undefined
        }
      />
    </View>
  );
}
