/**
 * An e-prescription as both sides see it: the doctor and pharmacist (workspace) and the patient
 * (its prescription page, URLS.prescription). Everything shown comes from the BFF's answer — prices
 * from the drug catalog, amounts and totals computed on the server — never from local arithmetic.
 * Signature state and verification are worded, not only coloured.
 */
import { Text, View } from '@tarojs/components';
import {
  DOCTOR_TITLE_LABELS,
  INSURANCE_CLASS_LABELS,
  chinaDateTime,
  formatFen,
  type PrescriptionItem,
  type PrescriptionStatus,
  type PrescriptionVerification,
  type SignatureStatus,
} from '@ih/contract';
import { Button, Loading } from '../nut';
import './index.scss';

export type Tone = 'ok' | 'warn' | 'danger' | 'info';

export function rxTone(status: PrescriptionStatus): Tone {
  switch (status) {
    case 'APPROVED':
    case 'UPLOADED':
    case 'PAID':
      return 'ok';
    case 'DRAFT':
    case 'PENDING_REVIEW':
      return 'warn';
    case 'REFUNDED':
      return 'info';
    default:
      return 'danger';
  }
}

function time(iso: string | null | undefined): string {
  if (!iso) return '';
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? '' : chinaDateTime(ms).slice(0, 16);
}

const GENDER = { MALE: '男', FEMALE: '女', UNKNOWN: '未知' } as const;

/** The fields both views share (WorkspacePrescription and PatientPrescription). */
export interface PrescriptionLike {
  rxNo: string;
  version: number;
  status: PrescriptionStatus;
  statusLabel: string;
  hospital: { name: string };
  department: { name: string };
  doctor: { name: string; title: keyof typeof DOCTOR_TITLE_LABELS | string };
  pharmacist: { name: string } | null;
  patient: { nameMasked: string; gender: keyof typeof GENDER; age: number | null };
  diagnosis: { code: string; name: string };
  insured: boolean;
  items: PrescriptionItem[];
  totalFen: number;
  selfPayFen: number;
  note: string | null;
  signature: SignatureStatus;
  validUntil: string | null;
  createdAt: string;
}

export function RxItems({ items }: { items: PrescriptionItem[] }) {
  return (
    <View className='rx-items'>
      {items.map((it, i) => (
        <View key={it.id} className='rx-item' data-drug={it.nationalCode}>
          <View className='rx-item__head'>
            <Text className='rx-item__name'>
              {i + 1}. {it.drugName}
            </Text>
            <Text className='rx-item__spec'>{it.specification}</Text>
          </View>
          <Text className='rx-item__usage'>
            用法：{it.dosage}，{it.frequency}，{it.route}，共 {it.days} 天
          </Text>
          <View className='rx-item__money'>
            <Text className='rx-item__class'>
              医保{INSURANCE_CLASS_LABELS[it.insuranceClass]}
              {it.selfPay ? ' · 自费' : ''}
            </Text>
            <Text className='rx-item__amount'>
              {formatFen(it.unitPriceFen)} × {it.quantity}
              {it.unit} = {formatFen(it.amountFen)}
            </Text>
          </View>
        </View>
      ))}
    </View>
  );
}

export function SignatureState({ signature }: { signature: SignatureStatus }) {
  return (
    <View className='rx-signature'>
      <View className={`rx-signature__row rx-signature__doctor rx-signature__row--${signature.doctorSigned ? 'signed' : 'unsigned'}`}>
        <Text className='rx-signature__label'>医生电子签名</Text>
        <Text className='rx-signature__value'>{signature.doctorSigned ? `已签名 ${time(signature.doctorSignedAt)}` : '未签名'}</Text>
      </View>
      <View className={`rx-signature__row rx-signature__pharmacist rx-signature__row--${signature.pharmacistSigned ? 'signed' : 'unsigned'}`}>
        <Text className='rx-signature__label'>药师审核签名</Text>
        <Text className='rx-signature__value'>{signature.pharmacistSigned ? `已签名 ${time(signature.pharmacistSignedAt)}` : '未签名'}</Text>
      </View>
      <Text className='rx-signature__algorithm'>签名算法：{signature.algorithm}（国密 SM2/SM3）</Text>
    </View>
  );
}

/** The prescription sheet (处方笺). */
export function PrescriptionSheet({ rx, children }: { rx: PrescriptionLike; children?: React.ReactNode }) {
  return (
    <View className={`rx-sheet rx-sheet--${rx.status.toLowerCase()}`}>
      <View className='rx-sheet__head'>
        <Text className='rx-sheet__title'>电子处方笺</Text>
        <Text className={`rx-status rx-status--${rxTone(rx.status)}`}>{rx.statusLabel}</Text>
      </View>
      <Text className='rx-sheet__line'>
        处方号 {rx.rxNo}
        {rx.version > 1 ? `（第 ${rx.version} 版）` : ''}
      </Text>
      <Text className='rx-sheet__line'>
        {rx.hospital.name} · {rx.department.name}
      </Text>
      <View className='rx-sheet__facts'>
        <View className='rx-sheet__row'>
          <Text className='rx-sheet__label'>患者</Text>
          <Text className='rx-sheet__value rx-sheet__patient'>
            {[rx.patient.nameMasked, GENDER[rx.patient.gender], rx.patient.age === null ? null : `${rx.patient.age} 岁`].filter(Boolean).join(' · ')}
          </Text>
        </View>
        <View className='rx-sheet__row'>
          <Text className='rx-sheet__label'>诊断</Text>
          <Text className='rx-sheet__value rx-sheet__diagnosis'>
            {rx.diagnosis.name}（{rx.diagnosis.code}）
          </Text>
        </View>
        <View className='rx-sheet__row'>
          <Text className='rx-sheet__label'>费别</Text>
          <Text className='rx-sheet__value'>{rx.insured ? '医保' : '自费'}</Text>
        </View>
        <View className='rx-sheet__row'>
          <Text className='rx-sheet__label'>开方医生</Text>
          <Text className='rx-sheet__value rx-sheet__doctor'>
            {rx.doctor.name} {DOCTOR_TITLE_LABELS[rx.doctor.title] ?? ''}
          </Text>
        </View>
        <View className='rx-sheet__row'>
          <Text className='rx-sheet__label'>审核药师</Text>
          <Text className='rx-sheet__value rx-sheet__pharmacist'>{rx.pharmacist ? rx.pharmacist.name : '待审核'}</Text>
        </View>
        <View className='rx-sheet__row'>
          <Text className='rx-sheet__label'>开具时间</Text>
          <Text className='rx-sheet__value'>{time(rx.createdAt)}</Text>
        </View>
        {rx.validUntil ? (
          <View className='rx-sheet__row'>
            <Text className='rx-sheet__label'>有效期至</Text>
            <Text className='rx-sheet__value rx-sheet__valid'>{time(rx.validUntil)}</Text>
          </View>
        ) : null}
      </View>
      <Text className='rx-sheet__section'>Rp.</Text>
      {rx.items.length ? <RxItems items={rx.items} /> : <Text className='rx-sheet__line'>尚未开具药品</Text>}
      <View className='rx-sheet__total'>
        <Text className='rx-sheet__total-label'>药品合计</Text>
        <Text className='rx-sheet__total-value'>{formatFen(rx.totalFen)}</Text>
      </View>
      {rx.selfPayFen > 0 ? <Text className='rx-sheet__line rx-sheet__self-pay'>其中需全部自费 {formatFen(rx.selfPayFen)}（医保不予支付的药品）</Text> : null}
      <Text className='rx-sheet__line'>金额按医保药品目录价格由系统计算，实际医保支付以结算结果为准。</Text>
      {rx.note ? <Text className='rx-sheet__note'>医嘱：{rx.note}</Text> : null}
      <SignatureState signature={rx.signature} />
      {children}
    </View>
  );
}

export interface VerificationProps {
  loading: boolean;
  error?: { message: string } | undefined;
  result: PrescriptionVerification | undefined;
  onRetry?: () => void;
}

/** The server's verification of the signatures now (SM3 hash recomputed, SM2 checked). */
export function Verification({ loading, error, result, onRetry }: VerificationProps) {
  if (!result && (loading || !error)) {
    return (
      <View className='rx-verify rx-verify--loading'>
        <Loading type='circular' />
        <Text className='rx-verify__title'>正在验证电子签名…</Text>
      </View>
    );
  }
  if (!result) {
    return (
      <View className='rx-verify rx-verify--error' role='alert'>
        <Text className='rx-verify__title'>签名验证结果获取失败</Text>
        <Text className='rx-verify__line'>{error?.message}</Text>
        {onRetry ? (
          <Button className='rx-verify__retry' size='small' fill='outline' onClick={onRetry}>
            重新验证
          </Button>
        ) : null}
      </View>
    );
  }
  return (
    <View className={`rx-verify rx-verify--${result.valid ? 'valid' : 'invalid'}`}>
      <View className='rx-verify__head'>
        <Text className='rx-verify__mark'>{result.valid ? '✓' : '!'}</Text>
        <Text className='rx-verify__title'>{result.valid ? '电子签名验证通过' : '电子签名验证未通过'}</Text>
      </View>
      <Text className='rx-verify__line'>
        {result.valid ? '处方内容与签名时一致，未被篡改。' : '处方内容与签名不一致或签名无效，请勿使用此处方。'}
      </Text>
      {result.checks.map((c) => (
        <Text key={c.check} className={`rx-verify__check rx-verify__check--${c.ok ? 'ok' : 'fail'}`}>
          {c.ok ? '✓' : '✗'} {c.message}
        </Text>
      ))}
      <Text className='rx-verify__line'>
        签名人 {result.signerName} · {result.algorithm} · 验证于 {time(result.verifiedAt)}
      </Text>
    </View>
  );
}
