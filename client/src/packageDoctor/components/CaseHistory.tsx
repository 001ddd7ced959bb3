import Taro from '@tarojs/taro';
import { Image, Text, View } from '@tarojs/components';
import type { WorkspaceConsultationDetail } from '@ih/contract';
import { buildUrl } from '../../services/request';
import { fullTime } from '../services/format';
import './workspace.scss';

function preview(urls: string[], current: string) {
  void Promise.resolve(Taro.previewImage?.({ urls, current })).catch(() => undefined);
}

/**
 * 病情: what the patient wrote now and the pictures, the offline diagnosis this re-visit
 * continues, the patient's offline visits (from the HIS) and earlier online visits.
 */
export function CaseHistory({ c }: { c: WorkspaceConsultationDetail }) {
  const urls = c.images.map((f) => buildUrl(f.url));
  return (
    <View className='case-history'>
      <View className='ws-card case-history__condition'>
        <Text className='ws-card__name'>病情描述</Text>
        <Text className='ws-card__text case-history__description'>{c.description || '（患者未填写）'}</Text>
        {c.images.length ? (
          <View className='case-history__images'>
            {c.images.map((f, i) =>
              f.mime === 'application/pdf' ? (
                <Text key={f.id} className='case-history__file'>PDF 附件 {i + 1}</Text>
              ) : (
                <Image key={f.id} className='case-history__image' src={urls[i]!} mode='aspectFill' onClick={() => preview(urls, urls[i]!)} />
              ),
            )}
          </View>
        ) : (
          <Text className='ws-card__line'>未上传图片</Text>
        )}
      </View>

      <View className='ws-card case-history__offline'>
        <Text className='ws-card__name'>复诊依据（线下诊断）</Text>
        {c.offlineDiagnosis ? (
          <>
            <Text className='ws-card__text'>
              {c.offlineDiagnosis.diagnosisName}（{c.offlineDiagnosis.diagnosisCode}）
            </Text>
            <Text className='ws-card__line'>
              {c.offlineDiagnosis.visitDate} · {c.offlineDiagnosis.hospitalName} · {c.offlineDiagnosis.departmentName} · 就诊号 {c.offlineDiagnosis.visitNo}
            </Text>
          </>
        ) : (
          <Text className='ws-card__line'>未记录线下诊断。</Text>
        )}
        {c.selfPayReasons.length ? (
          <View className='case-history__self-pay'>
            <Text className='ws-card__line'>本次自费原因：</Text>
            {c.selfPayReasons.map((r) => (
              <Text key={r.code} className={`ws-card__line case-history__reason case-history__reason--${r.code}`}>
                · {r.title}
              </Text>
            ))}
          </View>
        ) : null}
      </View>

      <View className='ws-card case-history__visits'>
        <Text className='ws-card__name'>线下就诊记录（医院信息系统）</Text>
        {c.offlineVisits === null ? (
          <View className='case-history__visits-error' role='alert'>
            <Text className='ws-card__line'>{c.offlineVisitsError?.message ?? '医院信息系统暂时无法查询，请稍后刷新。'}</Text>
          </View>
        ) : c.offlineVisits.length === 0 ? (
          <Text className='ws-card__line'>未查询到线下就诊记录。</Text>
        ) : (
          c.offlineVisits.map((v) => (
            <View key={`${v.hospitalCode}-${v.visitNo}`} className={`case-visit case-visit--${v.withinWindow ? 'recent' : 'stale'}`}>
              <Text className='ws-card__text'>
                {v.visitDate} {v.hospitalName} · {v.departmentName}
                {v.doctorName ? ` · ${v.doctorName}` : ''} · {v.visitType === 'INPATIENT' ? '住院' : '门诊'}
              </Text>
              <Text className='ws-card__line'>{v.diagnoses.map((d) => `${d.name}（${d.code}）`).join('；') || '无诊断'}</Text>
              {!v.withinWindow ? <Text className='ws-card__line'>已超过复诊期限（{v.daysSinceVisit} 天前）</Text> : null}
            </View>
          ))
        )}
      </View>

      <View className='ws-card case-history__previous'>
        <Text className='ws-card__name'>既往在线问诊</Text>
        {c.previousConsultations.length === 0 ? (
          <Text className='ws-card__line'>无既往在线问诊。</Text>
        ) : (
          c.previousConsultations.map((p) => (
            <Text key={p.id} className='ws-card__line case-history__previous-item'>
              {fullTime(p.createdAt)} · {p.departmentName} · {p.doctorName} · {p.diseaseName ?? '未记录病种'} · {p.statusLabel}
            </Text>
          ))
        )}
      </View>
    </View>
  );
}
