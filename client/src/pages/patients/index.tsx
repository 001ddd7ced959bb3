import { useRef } from 'react';
import { useDidShow } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { GENDER_LABELS, ID_TYPE_LABELS, RELATIONSHIP_LABELS, type Patient } from '@ih/contract';
import { Button, Tag } from '../../components/nut';
import { PageState } from '../../components/PageState';
import { useApi } from '../../hooks/useApi';
import { URLS } from '../../routes';
import { listPatients } from '../../services/patients';
import { openPage } from '../../services/nav';
import { isSignedIn } from '../../services/session';
import './index.scss';

function PatientCard({ patient }: { patient: Patient }) {
  return (
    <View
      className={`patient-card patient-card--${patient.relationship.toLowerCase()}`}
      hoverClass='patient-card--pressed'
      onClick={() => void openPage(`${URLS.patientEdit}?id=${encodeURIComponent(patient.id)}`)}
    >
      <View className='patient-card__head'>
        <Text className='patient-card__name'>{patient.nameMasked}</Text>
        <Tag className='patient-card__relation' background='var(--ih-color-primary-light)' color='var(--ih-color-primary)'>
          {RELATIONSHIP_LABELS[patient.relationship]}
        </Tag>
        {patient.isDefault ? (
          <Tag className='patient-card__default' type='primary'>
            默认
          </Tag>
        ) : null}
      </View>
      <Text className='patient-card__line'>
        {ID_TYPE_LABELS[patient.idType]} {patient.idNumberMasked}
      </Text>
      <Text className='patient-card__line'>
        {[GENDER_LABELS[patient.gender], patient.age !== null ? `${patient.age} 岁` : null, patient.phoneMasked ? `手机 ${patient.phoneMasked}` : null]
          .filter(Boolean)
          .join(' · ')}
      </Text>
      {patient.fromVoucher ? <Text className='patient-card__note'>来自医保电子凭证授权</Text> : null}
      <Text className='patient-card__arrow'>›</Text>
    </View>
  );
}

/** 就诊人管理: the people this account seeks care for (masked), add, and open one to edit. */
export default function Patients() {
  const signedIn = isSignedIn();
  const { data, loading, error, reload } = useApi(async () => (isSignedIn() ? listPatients({ silent: true }) : null));
  const shownOnce = useRef(false);
  useDidShow(() => {
    if (shownOnce.current) reload();
    shownOnce.current = true;
  });

  if (!signedIn && !loading && !data) {
    return (
      <View className='page patients patients--signed-out'>
        <PageState
          empty
          emptyTitle='请先登录'
          emptyDescription='登录后可添加和管理就诊人（本人及家人）。'
          emptyAction={
            <Button className='patients__login' type='primary' onClick={() => void openPage(URLS.login)}>
              去登录
            </Button>
          }
        />
      </View>
    );
  }

  const items = data?.items ?? [];
  const full = !!data && items.length >= data.limit;
  const hasSelf = items.some((p) => p.relationship === 'SELF');
  return (
    <View className='page patients'>
      <PageState
        loading={loading && !data}
        error={data ? undefined : error}
        onRetry={reload}
        empty={!!data && items.length === 0}
        emptyTitle='还没有就诊人'
        emptyDescription='添加家人为就诊人后，可以为他们在线复诊、购药。本人信息将在授权医保电子凭证后自动添加。'
        emptyAction={
          <Button className='patients__add' type='primary' onClick={() => void openPage(URLS.patientEdit)}>
            添加就诊人
          </Button>
        }
      >
        <View className='patients__list'>
          {items.map((p) => (
            <PatientCard key={p.id} patient={p} />
          ))}
        </View>
        {!hasSelf ? <Text className='patients__note'>本人信息将在您授权医保电子凭证后自动添加，无需手动填写。</Text> : null}
        <View className='patients__actions'>
          <Button className='patients__add' type='primary' block disabled={full} onClick={() => void openPage(URLS.patientEdit)}>
            添加就诊人
          </Button>
          <Text className='patients__count'>
            {full ? `已达上限（最多 ${data!.limit} 位），如需添加请先删除不再需要的就诊人` : `已添加 ${items.length} 位，最多 ${data?.limit ?? '-'} 位`}
          </Text>
        </View>
      </PageState>
    </View>
  );
}
