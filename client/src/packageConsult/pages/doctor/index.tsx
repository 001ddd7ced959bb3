import { Text, View } from '@tarojs/components';
import { DOCTOR_TITLE_LABELS, formatFen, formatWorkingHours, type Doctor } from '@ih/contract';
import { Badges } from '../../../components/Badges';
import { Button } from '../../../components/nut';
import { PageState } from '../../../components/PageState';
import { useApi } from '../../../hooks/useApi';
import { URLS } from '../../../routes';
import { openPage } from '../../../services/nav';
import { pageParams, withQuery } from '../../../services/params';
import { DoctorAvatar } from '../../components/DoctorCard';
import { doctorBadges } from '../../components/status';
import { getDoctor } from '../../services/consult';
import '../../components/consult.scss';

function Row({ label, value, name }: { label: string; value: string; name: string }) {
  return (
    <View className={`panel__row doctor-detail__row doctor-detail__row--${name}`}>
      <Text className='panel__label'>{label}</Text>
      <Text className='panel__value'>{value}</Text>
    </View>
  );
}

/** Why this doctor cannot take an internet consultation (shown instead of the button). */
function unavailableReason(d: Doctor): string {
  if (!d.internetQualified) return '该医生尚未取得互联网诊疗资格，暂不能在线接诊，请选择其他医生。';
  if (!d.realNameVerified) return '该医生尚未完成医师实名认证，暂不能在线接诊，请选择其他医生。';
  return '该医生所在科室暂未开通互联网诊疗，请选择其他医生。';
}

function insuranceNote(d: Doctor): string {
  if (d.acceptsInsurance) return '医保可按规定支付诊查费和药费（以复诊资格核对和医保结算结果为准）。';
  if (d.hospital.insurance.mode !== 'covered') return d.hospital.insurance.reasons.map((r) => r.message).join('；');
  if (d.status === 'SUSPENDED') return `该医生的医保服务已暂停${d.suspendedReason ? `（${d.suspendedReason}）` : ''}，由其接诊需全部自费。`;
  if (!d.insuranceDoctorRegistered) return '该医生未登记为医保医师，由其接诊需全部自费。';
  return '';
}

/** 医生详情: who the doctor is, registrations, hours, fee; then start the re-visit check. */
export default function DoctorDetail() {
  const { id = '' } = pageParams();
  const { data: d, loading, error, reload } = useApi(async () => (id ? getDoctor(id) : null), [id]);

  return (
    <View className='page consult-page doctor-detail'>
      <PageState loading={loading && !d} error={d ? undefined : error} onRetry={reload} empty={!loading && !error && !d} emptyTitle='未找到该医生' emptyDescription='请返回重新选择医生。'>
        {d ? (
          <>
            <View className='panel doctor-detail__head'>
              <View className='doctor-card__head'>
                <DoctorAvatar doctor={d} />
                <View>
                  <Text className='doctor-card__name doctor-detail__name'>{d.name}</Text>
                  <Text className='doctor-card__title'> {DOCTOR_TITLE_LABELS[d.title]}</Text>
                  <Text className='doctor-card__where'>
                    {d.hospital.name} · {d.department.name}
                  </Text>
                </View>
              </View>
              <Badges badges={doctorBadges(d)} />
              <Text className='panel__text doctor-detail__specialty'>擅长：{d.specialty}</Text>
              {d.intro ? <Text className='panel__text doctor-detail__intro'>{d.intro}</Text> : null}
            </View>
            <View className='panel doctor-detail__facts'>
              <Row name='real-name' label='医师实名认证' value={d.realNameVerified ? '已认证' : '未认证'} />
              <Row name='insurance-doctor' label='医保医师登记' value={d.insuranceDoctorRegistered ? '已登记' : '未登记'} />
              <Row name='internet' label='互联网诊疗资格' value={d.internetQualified ? '已取得' : '未取得'} />
              <Row name='status' label='执业状态' value={d.status === 'ACTIVE' ? '正常' : `医保服务暂停${d.suspendedReason ? `（${d.suspendedReason}）` : ''}`} />
              <Row name='hours' label='线上出诊' value={formatWorkingHours(d.workingHours)} />
              <Row name='fee' label='诊查费' value={formatFen(d.consultationFeeFen)} />
            </View>
            {insuranceNote(d) ? <Text className='consult-page__note doctor-detail__insurance'>{insuranceNote(d)}</Text> : null}
            <View className='page-actions'>
              {d.acceptsConsultation ? (
                <>
                  <Button className='page-actions__button doctor-detail__start' type='primary' block onClick={() => void openPage(withQuery(URLS.revisitEligibility, { doctorId: d.id }))}>
                    发起复诊
                  </Button>
                  <Text className='page-actions__note'>下一步选择就诊人和线下诊断，核对复诊资格与医保支付，不会产生费用。</Text>
                </>
              ) : (
                <Text className='page-actions__note doctor-detail__unavailable'>{unavailableReason(d)}</Text>
              )}
            </View>
          </>
        ) : null}
      </PageState>
    </View>
  );
}
