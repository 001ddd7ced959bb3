import { useState } from 'react';
import { useDidShow } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { DOCTOR_TITLE_LABELS, RELATIONSHIP_LABELS, formatFen, type EligibilityResult as Result, type OfflineDiagnosisRef, type OfflineVisit, type Patient } from '@ih/contract';
import { Badges, type Badge } from '../../../components/Badges';
import { Button, Loading } from '../../../components/nut';
import { PageState } from '../../../components/PageState';
import { useApi } from '../../../hooks/useApi';
import { URLS } from '../../../routes';
import { openPage } from '../../../services/nav';
import { pageParams } from '../../../services/params';
import { listPatients } from '../../../services/patients';
import { ApiError, CLIENT_ERROR_MESSAGES } from '../../../services/request';
import { isSignedIn } from '../../../services/session';
import { EligibilityResult } from '../../components/EligibilityResult';
import { checkEligibility, getDoctor, getOfflineVisits } from '../../services/consult';
import { describeUrl, rememberEligibility } from '../../services/handoff';
import '../../../components/PagedList/index.scss';
import '../../components/consult.scss';

const sameRef = (a: OfflineDiagnosisRef | null, b: OfflineDiagnosisRef) =>
  !!a && a.hospitalCode === b.hospitalCode && a.visitNo === b.visitNo && a.diagnosisCode === b.diagnosisCode;

function diagnosisBadges(d: OfflineVisit['diagnoses'][number]): Badge[] {
  const recognized: Badge[] = d.recognized ? [{ key: 'recognized', label: '已认定慢特病', tone: 'ok' }] : [];
  if (!d.inCatalog) return [...recognized, { key: 'not-in-catalog', label: '不在医保病种目录（可自费）', tone: 'warn' }];
  return [...recognized, d.payableOnline ? { key: 'payable', label: '医保可支付', tone: 'ok' } : { key: 'not-payable', label: '医保不支付线上复诊（可自费）', tone: 'warn' }];
}

function VisitCard({ visit, windowDays, selected, onSelect }: { visit: OfflineVisit; windowDays: number; selected: OfflineDiagnosisRef | null; onSelect: (ref: OfflineDiagnosisRef) => void }) {
  return (
    <View className={`visit visit--${visit.withinWindow ? 'recent' : 'stale'}`}>
      <Text className='visit__head'>
        {visit.visitDate} {visit.hospitalName}
      </Text>
      <Text className='visit__meta'>
        {[visit.departmentName, visit.doctorName ? `${visit.doctorName} 医生` : null, visit.visitType === 'INPATIENT' ? '住院' : '门诊', `${visit.daysSinceVisit} 天前`].filter(Boolean).join(' · ')}
      </Text>
      {!visit.withinWindow ? <Badges badges={[{ key: 'stale', label: `已超过 ${windowDays} 天复诊期限`, tone: 'danger' }]} /> : null}
      {visit.diagnoses.map((d) => {
        const ref = { hospitalCode: visit.hospitalCode, visitNo: visit.visitNo, diagnosisCode: d.code };
        const isSelected = sameRef(selected, ref);
        return (
          <View
            key={d.code}
            className={`diagnosis${isSelected ? ' diagnosis--selected' : ''}`}
            role='radio'
            aria-checked={isSelected}
            data-code={d.code}
            onClick={() => onSelect(ref)}
          >
            <Text className='diagnosis__radio'>{isSelected ? '●' : '○'}</Text>
            <Text className='diagnosis__name'>{d.name}</Text>
            <Text className='diagnosis__code'>{d.code}</Text>
            <Badges badges={diagnosisBadges(d)} />
          </View>
        );
      })}
    </View>
  );
}

function PatientOption({ patient, selected, onSelect }: { patient: Patient; selected: boolean; onSelect: () => void }) {
  return (
    <View className={`option patient-option${selected ? ' option--selected' : ''}`} role='radio' aria-checked={selected} onClick={onSelect}>
      <Text className='option__title'>
        {selected ? '● ' : '○ '}
        {patient.nameMasked}（{RELATIONSHIP_LABELS[patient.relationship]}）
      </Text>
      <Text className='option__line'>{patient.idNumberMasked}</Text>
    </View>
  );
}

/**
 * 复诊资格: choose the 就诊人 and the offline diagnosis (from the hospital HIS) this re-visit
 * continues, then the BFF answers whether the consultation may go on online and whether
 * insurance takes part — with every reason — before anything is paid.
 */
export default function Eligibility() {
  const { doctorId = '' } = pageParams();
  const [signedIn, setSignedIn] = useState(isSignedIn());
  useDidShow(() => setSignedIn(isSignedIn()));
  const doctor = useApi(async () => (doctorId ? getDoctor(doctorId) : null), [doctorId]);
  const patients = useApi(async () => (signedIn ? listPatients({ silent: true }) : null), [signedIn]);
  const [chosenPatient, setChosenPatient] = useState<string>();
  const patientList = patients.data?.items ?? [];
  const patientId = chosenPatient ?? (patientList.find((p) => p.isDefault) ?? patientList[0])?.id;
  const visits = useApi(async () => (patientId ? getOfflineVisits(patientId) : null), [patientId]);
  const [selected, setSelected] = useState<OfflineDiagnosisRef | null>(null);
  const [checking, setChecking] = useState(false);
  const [checkError, setCheckError] = useState<ApiError>();
  const [result, setResult] = useState<Result>();

  const choosePatient = (id: string) => {
    setChosenPatient(id);
    setSelected(null);
    setResult(undefined);
    setCheckError(undefined);
  };
  const chooseAgain = () => {
    setResult(undefined);
    setCheckError(undefined);
  };
  const runCheck = async () => {
    if (!patientId || !selected || checking) return;
    setChecking(true);
    setCheckError(undefined);
    try {
      const req = { patientId, doctorId, offlineDiagnosis: selected };
      const answer = await checkEligibility(req);
      rememberEligibility(req, answer);
      setResult(answer);
    } catch (e) {
      setCheckError(e instanceof ApiError ? e : new ApiError('BAD_RESPONSE', CLIENT_ERROR_MESSAGES.BAD_RESPONSE, 0, ''));
    } finally {
      setChecking(false);
    }
  };

  if (!doctorId) {
    return (
      <View className='page consult-page eligibility'>
        <PageState
          empty
          emptyTitle='未选择医生'
          emptyDescription='请先选择要复诊的医生。'
          emptyAction={
            <Button className='page-state__retry' type='primary' onClick={() => void openPage(URLS.revisit)}>
              选择医生
            </Button>
          }
        />
      </View>
    );
  }

  const d = doctor.data;
  return (
    <View className='page consult-page eligibility'>
      {d ? (
        <View className='consult-page__intro eligibility__doctor'>
          <Text className='consult-page__title'>
            {d.name} {DOCTOR_TITLE_LABELS[d.title]}
          </Text>
          <Text className='consult-page__note'>
            {d.hospital.name} · {d.department.name} · 诊查费 {formatFen(d.consultationFeeFen)}
          </Text>
        </View>
      ) : doctor.error ? (
        <Text className='consult-page__note eligibility__doctor-error'>医生信息加载失败：{doctor.error.message}</Text>
      ) : null}

      {!signedIn ? (
        <View className='eligibility--signed-out'>
          <PageState
            empty
            emptyTitle='请先登录'
            emptyDescription='核对复诊资格需要登录，并选择就诊人；线下就诊记录将从医院信息系统查询。'
            emptyAction={
              <Button className='page-state__retry eligibility__login' type='primary' onClick={() => void openPage(URLS.login)}>
                去登录
              </Button>
            }
          />
        </View>
      ) : result ? (
        <EligibilityResult
          result={result}
          onChooseDiagnosis={chooseAgain}
          onContinue={() => {
            if (patientId && selected) void openPage(describeUrl({ patientId, doctorId, offlineDiagnosis: selected }));
          }}
        />
      ) : (
        <>
          <Text className='consult-page__section-title'>1. 选择就诊人</Text>
          <View className='eligibility__patients'>
            <PageState
              loading={patients.loading && !patients.data}
              error={patients.data ? undefined : patients.error}
              onRetry={patients.reload}
              empty={!!patients.data && patientList.length === 0}
              emptyTitle='还没有就诊人'
              emptyDescription='请先添加就诊人（本人信息在授权医保电子凭证后自动添加）。'
              emptyAction={
                <Button className='page-state__retry eligibility__add-patient' type='primary' onClick={() => void openPage(URLS.patientEdit)}>
                  添加就诊人
                </Button>
              }
            >
              <View className='paged-list__items'>
                {patientList.map((p) => (
                  <PatientOption key={p.id} patient={p} selected={p.id === patientId} onSelect={() => choosePatient(p.id)} />
                ))}
              </View>
            </PageState>
          </View>

          {patientId ? (
            <>
              <Text className='consult-page__section-title'>2. 选择本次复诊的线下诊断</Text>
              <Text className='consult-page__note eligibility__visits-note'>
                以下记录来自医院信息系统，不能手工填写。在线复诊须在线下就诊后 {visits.data?.revisitWindowDays ?? '—'} 天内，且为同一疾病
                {visits.data?.recognizedWindowDays && visits.data.recognizedWindowDays > visits.data.revisitWindowDays
                  ? `；已认定的门诊慢特病为 ${visits.data.recognizedWindowDays} 天内`
                  : ''}
                。
              </Text>
              <View className='eligibility__visits'>
                <PageState
                  loading={visits.loading && !visits.data}
                  error={visits.data ? undefined : visits.error}
                  onRetry={visits.reload}
                  empty={!!visits.data && visits.data.items.length === 0}
                  emptyTitle='未查询到线下就诊记录'
                  emptyDescription='互联网医院仅提供复诊：请先到实体医院线下就诊、明确诊断，之后即可在线复诊。'
                >
                  <View className='paged-list__items'>
                    {visits.data?.items.map((v) => (
                      <VisitCard key={`${v.hospitalCode}/${v.visitNo}`} visit={v} windowDays={visits.data!.revisitWindowDays} selected={selected} onSelect={setSelected} />
                    ))}
                  </View>
                </PageState>
              </View>
            </>
          ) : null}

          {checkError ? (
            <View className='eligibility__error'>
              <Text className='consult-page__note'>核对失败：{checkError.message}</Text>
              {checkError.requestId ? <Text className='page-state__ref'>错误编号：{checkError.requestId}</Text> : null}
            </View>
          ) : null}
          <View className='page-actions'>
            <Button className='page-actions__button eligibility__check' type='primary' block disabled={!selected || checking} onClick={() => void runCheck()}>
              {checking ? <Loading type='circular' /> : null}
              {checking ? '正在核对…' : checkError ? '重新核对' : '核对复诊资格'}
            </Button>
            <Text className='page-actions__note'>{selected ? '核对不会产生费用，也不会创建订单。' : '请先选择一条线下诊断。'}</Text>
          </View>
        </>
      )}
    </View>
  );
}
