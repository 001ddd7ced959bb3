import Taro from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import {
  DISEASE_CATEGORY_LABELS,
  ELIGIBILITY_ACTION_LABELS,
  formatFen,
  type EligibilityAction,
  type EligibilityReason,
  type EligibilityResult as Result,
} from '@ih/contract';
import { Button } from '../../components/nut';
import { URLS } from '../../routes';
import { openPage } from '../../services/nav';
import './consult.scss';

export type Verdict = 'covered' | 'self-pay' | 'refused';

export function verdictOf(result: Pick<Result, 'canConsult' | 'insurance'>): Verdict {
  if (!result.canConsult) return 'refused';
  return result.insurance === 'covered' ? 'covered' : 'self-pay';
}

const HEADLINES: Record<Verdict, { title: string; lead: string }> = {
  covered: { title: '可以在线复诊，医保可参与支付', lead: '医保按规定支付的部分将直接结算，您只需支付个人负担部分。实际报销金额以医保结算结果为准。' },
  'self-pay': { title: '可以在线复诊，本次需全部自费', lead: '以下原因使本次复诊不能使用医保支付。您可以继续（费用全部自费），或按提示改用其他方式。' },
  refused: { title: '暂不能在线复诊', lead: '以下原因使本次不能在线复诊。请按提示选择其他诊断、医生，或到医院线下就诊。' },
};

const EFFECT_LABELS: Record<EligibilityReason['effect'], string> = { refuse: '不能复诊', self_pay: '需自费', notice: '请注意' };

/** Help texts for the actions that have no page of their own. */
const OFFLINE_HELP = '互联网医院仅提供常见病、慢性病复诊。请携带身份证或医保电子凭证到医院线下就诊，明确诊断后即可在线复诊。';
const INSURANCE_HELP = '医保支付资格的问题，请咨询参保地医保经办机构，或拨打医保服务热线 12393。';

export interface EligibilityResultProps {
  result: Result;
  /** CHOOSE_DIAGNOSIS: back to the picker on the same page. */
  onChooseDiagnosis: () => void;
  /** The consultation may go on: to the describe page. */
  onContinue: () => void;
}

function runAction(action: EligibilityAction, onChooseDiagnosis: () => void): void {
  switch (action) {
    case 'CHOOSE_DIAGNOSIS':
      onChooseDiagnosis();
      return;
    case 'CHOOSE_DOCTOR':
      void Promise.resolve(Taro.navigateBack()).catch(() => openPage(URLS.revisit));
      return;
    case 'CHOOSE_HOSPITAL':
      void Promise.resolve(Taro.redirectTo({ url: URLS.revisit })).catch(() => openPage(URLS.revisit));
      return;
    case 'ACTIVATE_VOUCHER':
      void openPage(URLS.voucher);
      return;
    case 'VISIT_OFFLINE':
      void Taro.showModal({ title: '到医院线下就诊', content: OFFLINE_HELP, showCancel: false, confirmText: '知道了' });
      return;
    case 'CONTACT_INSURANCE':
      void Taro.showModal({ title: '咨询医保经办机构', content: INSURANCE_HELP, showCancel: false, confirmText: '知道了' });
      return;
    case 'CONTINUE_SELF_PAY':
      // Going on is the next step below; nothing to open.
      return;
  }
}

function ReasonItem({ reason, onChooseDiagnosis }: { reason: EligibilityReason; onChooseDiagnosis: () => void }) {
  const actions = reason.actions.filter((a) => a !== 'CONTINUE_SELF_PAY');
  return (
    <View className={`eligibility-reason eligibility-reason--${reason.effect} eligibility-reason--${reason.code}`}>
      <View className='eligibility-reason__head'>
        <Text className={`eligibility-reason__effect eligibility-reason__effect--${reason.effect}`}>{EFFECT_LABELS[reason.effect]}</Text>
        <Text className='eligibility-reason__title'>{reason.title}</Text>
      </View>
      <Text className='eligibility-reason__message'>{reason.message}</Text>
      <Text className='eligibility-reason__suggestion'>建议：{reason.suggestion}</Text>
      {actions.length ? (
        <View className='eligibility-reason__actions'>
          {actions.map((a) => (
            <Button key={a} className={`eligibility-action eligibility-action--${a}`} size='small' fill='outline' type='primary' onClick={() => runAction(a, onChooseDiagnosis)}>
              {ELIGIBILITY_ACTION_LABELS[a]}
            </Button>
          ))}
        </View>
      ) : null}
    </View>
  );
}

/** The answer of the eligibility check, before anything is paid: may I, and does insurance pay. */
export function EligibilityResult({ result, onChooseDiagnosis, onContinue }: EligibilityResultProps) {
  const verdict = verdictOf(result);
  const headline = HEADLINES[verdict];
  const blocking = result.reasons.filter((r) => r.effect !== 'notice');
  const notices = result.reasons.filter((r) => r.effect === 'notice');
  const dx = result.offlineDiagnosis;
  return (
    <View className={`eligibility-result eligibility-result--${verdict}`} aria-live='polite'>
      <View className='eligibility-result__head'>
        <Text className='eligibility-result__mark'>{verdict === 'covered' ? '✓' : verdict === 'self-pay' ? '¥' : '✕'}</Text>
        <Text className='eligibility-result__title'>{headline.title}</Text>
      </View>
      <Text className='eligibility-result__lead'>{headline.lead}</Text>

      <View className='eligibility-result__facts'>
        {dx ? (
          <Text className='eligibility-result__fact'>
            复诊依据：{dx.visitDate} {dx.hospitalName} {dx.departmentName}「{dx.diagnosisName}」（{dx.daysSinceVisit} 天前，复诊期限 {result.revisitWindowDays} 天）
          </Text>
        ) : null}
        {result.recognition ? (
          <Text className='eligibility-result__fact eligibility-result__fact--recognized'>
            已认定{result.recognition.kind === 'TWO_DISEASES' ? '“两病”' : '门诊慢特病'}：{result.recognition.diseaseName}
            {result.recognition.validUntil ? `（有效期至 ${result.recognition.validUntil}）` : ''}，复诊期限按 {result.revisitWindowDays} 天计算
          </Text>
        ) : null}
        {result.disease ? (
          <Text className='eligibility-result__fact'>
            病种：{result.disease.name}（{DISEASE_CATEGORY_LABELS[result.disease.category]}，{result.disease.payableOnline ? '医保可支付线上复诊' : '医保不支付线上复诊'}）
          </Text>
        ) : null}
        <Text className='eligibility-result__fact'>
          医生：{result.doctor.name} · {result.doctor.hospitalName} {result.doctor.departmentName} · 诊查费 {formatFen(result.doctor.consultationFeeFen)}
          {verdict === 'self-pay' ? '（全部自费）' : ''}
        </Text>
      </View>

      {blocking.length ? (
        <View className='eligibility-result__reasons'>
          <Text className='eligibility-result__section'>{verdict === 'refused' ? '不能复诊的原因' : '需要自费的原因'}（共 {blocking.length} 条）</Text>
          {blocking.map((r) => (
            <ReasonItem key={r.code} reason={r} onChooseDiagnosis={onChooseDiagnosis} />
          ))}
        </View>
      ) : null}
      {notices.length ? (
        <View className='eligibility-result__notices'>
          <Text className='eligibility-result__section'>支付前请注意</Text>
          {notices.map((r) => (
            <ReasonItem key={r.code} reason={r} onChooseDiagnosis={onChooseDiagnosis} />
          ))}
        </View>
      ) : null}

      {result.canConsult ? (
        <View className='eligibility-next'>
          <View className='eligibility-next__head'>
            <Text className='eligibility-next__title'>下一步：描述病情</Text>
          </View>
          <Text className='eligibility-next__text'>
            填写病情、上传检查单或药盒照片，确认信息后提交并支付诊查费{verdict === 'self-pay' ? '（全部自费）' : ''}。本次资格核对不会产生任何费用，也不会创建订单。
          </Text>
          <Button className='eligibility-next__button' type='primary' block onClick={onContinue}>
            下一步：描述病情
          </Button>
        </View>
      ) : (
        <View className='eligibility-refused-actions'>
          <Button className='eligibility-refused-actions__rechoose' type='primary' block onClick={onChooseDiagnosis}>
            重新选择线下诊断
          </Button>
        </View>
      )}
    </View>
  );
}
