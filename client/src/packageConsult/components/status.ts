/** Short, worded status badges (never colour alone) for hospitals and doctors. */
import type { Doctor, HospitalInsurance } from '@ih/contract';
import type { Badge } from '../../components/Badges';

export function hospitalBadge(insurance: HospitalInsurance): Badge {
  return insurance.mode === 'covered'
    ? { key: 'insurance', label: '医保可用', tone: 'ok' }
    : { key: 'self-pay', label: '仅自费', tone: 'warn' };
}

/** Why a doctor cannot see patients online, or why insurance will not pay (rule 6). */
export function doctorBadges(d: Doctor): Badge[] {
  const out: Badge[] = [];
  if (!d.acceptsConsultation) {
    out.push({ key: 'unavailable', label: '暂不接诊', tone: 'danger' });
    if (!d.internetQualified) out.push({ key: 'unqualified', label: '无互联网诊疗资格', tone: 'danger' });
    if (!d.realNameVerified) out.push({ key: 'no-real-name', label: '未实名认证', tone: 'danger' });
    return out;
  }
  if (d.acceptsInsurance) {
    out.push({ key: 'insurance', label: '医保可用', tone: 'ok' });
    return out;
  }
  out.push({ key: 'self-pay', label: '仅自费', tone: 'warn' });
  if (d.status === 'SUSPENDED') out.push({ key: 'suspended', label: '医保服务暂停', tone: 'warn' });
  if (!d.insuranceDoctorRegistered) out.push({ key: 'not-insurance-doctor', label: '非医保医师', tone: 'warn' });
  if (d.hospital.insurance.mode !== 'covered') out.push({ key: 'hospital-self-pay', label: '医院未开通医保结算', tone: 'warn' });
  return out;
}
