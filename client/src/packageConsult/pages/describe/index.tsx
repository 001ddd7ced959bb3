import { useRef, useState } from 'react';
import Taro, { useDidShow } from '@tarojs/taro';
import { Text, Textarea, View } from '@tarojs/components';
import {
  CreateConsultationRequestSchema,
  DESCRIPTION_MAX,
  DESCRIPTION_MIN,
  DISEASE_CATEGORY_LABELS,
  DOCTOR_TITLE_LABELS,
  MAX_CONSULT_IMAGES,
  RELATIONSHIP_LABELS,
  formatFen,
  type EligibilityRequest,
  type EligibilityResult,
  type Patient,
} from '@ih/contract';
import { Button, Loading } from '../../../components/nut';
import { PageState } from '../../../components/PageState';
import { Upload, useUploads } from '../../../components/Upload';
import { useApi } from '../../../hooks/useApi';
import { URLS } from '../../../routes';
import { openPage } from '../../../services/nav';
import { pageParams, withQuery } from '../../../services/params';
import { listPatients } from '../../../services/patients';
import { ApiError, CLIENT_ERROR_MESSAGES, isApiError } from '../../../services/request';
import { isSignedIn } from '../../../services/session';
import { verdictOf } from '../../components/EligibilityResult';
import { checkEligibility } from '../../services/consult';
import { createConsultation } from '../../services/consultations';
import { recallEligibility, rememberEligibility, requestFromParams } from '../../services/handoff';
import '../../components/consult.scss';
import './index.scss';

const IMAGE_RULES = { purpose: 'CONSULT_IMAGE' } as const;

/** One key per submitted content: a double tap or a retry of the same content creates one consultation. */
function newRequestKey(): string {
  const rand = () => Math.floor(Math.random() * 0x100000000).toString(36);
  return `ck-${Date.now().toString(36)}-${rand()}${rand()}`.slice(0, 64);
}

const toApiError = (e: unknown) => (isApiError(e) ? e : new ApiError('BAD_RESPONSE', CLIENT_ERROR_MESSAGES.BAD_RESPONSE, 0, ''));

/** The description's problem in the contract's words (null when fine). */
export function descriptionError(text: string): string | null {
  const r = CreateConsultationRequestSchema.shape.description.safeParse(text);
  return r.success ? null : (r.error.issues[0]?.message ?? '请描述病情');
}

function Fact({ name, label, children }: { name: string; label: string; children: React.ReactNode }) {
  return (
    <View className={`describe-fact describe-fact--${name}`}>
      <Text className='describe-fact__label'>{label}</Text>
      <View className='describe-fact__value'>{children}</View>
    </View>
  );
}

function Describe({ req }: { req: EligibilityRequest }) {
  const eligibility = useApi<EligibilityResult>(async () => {
    const known = recallEligibility(req);
    if (known) return known;
    const fresh = await checkEligibility(req);
    rememberEligibility(req, fresh);
    return fresh;
  }, []);
  const patients = useApi(() => listPatients({ silent: true }), []);
  const patient: Patient | undefined = patients.data?.items.find((p) => p.id === req.patientId);

  const [step, setStep] = useState<'write' | 'confirm'>('write');
  const [text, setText] = useState('');
  const [touched, setTouched] = useState(false);
  const [stepError, setStepError] = useState<string>();
  const [ack, setAck] = useState(false);
  const [submitting, setSubmitting] = useState(false);
  const [submitError, setSubmitError] = useState<ApiError>();
  const uploads = useUploads({ ...IMAGE_RULES, max: MAX_CONSULT_IMAGES });
  const keyRef = useRef<{ content: string; key: string } | null>(null);
  const inFlight = useRef(false);

  const textError = descriptionError(text);
  const r = eligibility.data;
  const verdict = r ? verdictOf(r) : undefined;
  const selfPay = verdict === 'self-pay';

  const next = () => {
    setTouched(true);
    setSubmitError(undefined);
    if (textError) return setStepError(textError);
    if (uploads.busy) return setStepError('图片正在上传，请等待上传完成');
    if (uploads.failedCount) return setStepError('有图片上传失败，请点“重试”或删除后再继续');
    setStepError(undefined);
    setStep('confirm');
    void Taro.pageScrollTo?.({ scrollTop: 0, duration: 0 })?.catch?.(() => undefined);
  };

  const submit = async () => {
    if (!r || inFlight.current) return;
    if (selfPay && !ack) return setSubmitError(new ApiError('CONSULTATION_SELF_PAY_NOT_CONFIRMED', '请先勾选“我已了解本次需全部自费”', 0, ''));
    const body = {
      patientId: req.patientId,
      doctorId: req.doctorId,
      offlineDiagnosis: req.offlineDiagnosis,
      description: text.trim(),
      imageFileIds: uploads.fileIds,
      acknowledgeSelfPay: selfPay && ack,
    };
    // The same content keeps its key (a retry after a lost answer is the same consultation);
    // changed content is a new submission.
    const content = JSON.stringify(body);
    if (!keyRef.current || keyRef.current.content !== content) keyRef.current = { content, key: newRequestKey() };
    inFlight.current = true;
    setSubmitting(true);
    setSubmitError(undefined);
    try {
      const created = await createConsultation({ ...body, requestKey: keyRef.current.key });
      // Pay next (ORDER-CLIENT's confirm → e-voucher → cashier); back from there leads to 我的问诊.
      await Promise.resolve(Taro.redirectTo({ url: withQuery(URLS.orderConfirm, { orderId: created.order.id }) })).catch(() =>
        openPage(withQuery(URLS.orderConfirm, { orderId: created.order.id })),
      );
    } catch (e) {
      const err = toApiError(e);
      setSubmitError(err);
      if (err.code === 'CONSULTATION_SELF_PAY_NOT_CONFIRMED' || err.code === 'CONSULTATION_NOT_ELIGIBLE') {
        // The rules answered differently than before: check again and show why.
        rememberEligibility(req, await checkEligibility(req).catch(() => r));
        eligibility.reload();
      }
      if (err.code === 'VALIDATION_FAILED' && err.fields.some((f) => f.path.startsWith('description') || f.path.startsWith('imageFileIds'))) setStep('write');
    } finally {
      inFlight.current = false;
      setSubmitting(false);
    }
  };

  if (eligibility.loading && !r) {
    return (
      <View className='page consult-page describe'>
        <PageState loading />
      </View>
    );
  }
  if (!r) {
    return (
      <View className='page consult-page describe'>
        <PageState error={eligibility.error} onRetry={eligibility.reload} />
      </View>
    );
  }
  if (!r.canConsult) {
    return (
      <View className='page consult-page describe describe--refused'>
        <PageState
          empty
          emptyTitle='暂不能在线复诊'
          emptyDescription={`${r.reasons.filter((x) => x.effect === 'refuse').map((x) => x.title).join('；')}。请返回查看原因并选择其他诊断或医生。`}
          emptyAction={
            <Button className='page-state__retry' type='primary' onClick={() => void Promise.resolve(Taro.navigateBack()).catch(() => openPage(URLS.revisit))}>
              返回查看原因
            </Button>
          }
        />
      </View>
    );
  }

  const blocking = r.reasons.filter((x) => x.effect === 'self_pay');
  const notices = r.reasons.filter((x) => x.effect === 'notice');
  const errorBox = submitError ? (
    <View className={`describe__submit-error describe__submit-error--${submitError.code}`} aria-live='assertive'>
      <Text className='describe__submit-error-text'>{submitError.message}</Text>
      {submitError.requestId ? <Text className='page-state__ref'>错误编号：{submitError.requestId}</Text> : null}
      {submitError.code === 'CONSULTATION_ALREADY_OPEN' ? (
        <Button className='describe__to-list' size='small' type='primary' fill='outline' onClick={() => void openPage(URLS.consult)}>
          查看我的问诊
        </Button>
      ) : null}
    </View>
  ) : null;

  if (step === 'write') {
    return (
      <View className='page consult-page describe describe--write'>
        <View className='consult-page__intro'>
          <Text className='consult-page__title'>描述病情</Text>
          <Text className='consult-page__note'>
            复诊：{r.offlineDiagnosis?.diagnosisName ?? r.disease?.name ?? '—'} · {r.doctor.name} 医生。请写明目前的症状、病情变化、正在使用的药物及用量，便于医生判断。
          </Text>
        </View>
        <View className='describe__section'>
          <Text className='describe__label'>病情描述（必填）</Text>
          <Textarea
            className={`describe__text${touched && textError ? ' describe__text--invalid' : ''}`}
            value={text}
            maxlength={DESCRIPTION_MAX}
            autoHeight
            placeholder={`至少 ${DESCRIPTION_MIN} 个字，如：血压近一周在 140/90 左右，每天服用氨氯地平 5mg，无头晕胸闷`}
            onInput={(e) => setText(e.detail.value)}
            onBlur={() => setTouched(true)}
          />
          <View className='describe__meta'>
            {touched && textError ? <Text className='describe__error'>{textError}</Text> : <Text className='describe__tip'>内容仅您和接诊医生可见</Text>}
            <Text className={`describe__count${text.length > DESCRIPTION_MAX ? ' describe__count--over' : ''}`}>
              {text.length}/{DESCRIPTION_MAX}
            </Text>
          </View>
        </View>
        <View className='describe__section'>
          <Text className='describe__label'>检查单、处方或药盒照片（选填）</Text>
          <Upload uploads={uploads} rules={IMAGE_RULES} max={MAX_CONSULT_IMAGES} addLabel='添加图片' />
        </View>
        {stepError ? <Text className='describe__step-error' aria-live='assertive'>{stepError}</Text> : null}
        {errorBox}
        <View className='page-actions'>
          <Button className='page-actions__button describe__next' type='primary' block onClick={next}>
            下一步：确认信息
          </Button>
          <Text className='page-actions__note'>提交前不会产生费用。</Text>
        </View>
      </View>
    );
  }

  const dx = r.offlineDiagnosis;
  return (
    <View className={`page consult-page describe describe--confirm describe--${verdict}`}>
      <View className='consult-page__intro'>
        <Text className='consult-page__title'>确认问诊信息</Text>
        <Text className='consult-page__note'>请核对以下信息，提交后将创建问诊并前往支付诊查费。</Text>
      </View>
      <View className='describe-confirm'>
        <Fact name='doctor' label='医生'>
          <Text className='describe-fact__text'>
            {r.doctor.name} {DOCTOR_TITLE_LABELS[r.doctor.title]} · {r.doctor.hospitalName} {r.doctor.departmentName}
          </Text>
        </Fact>
        <Fact name='patient' label='就诊人'>
          <Text className='describe-fact__text'>
            {patient ? `${patient.nameMasked}（${RELATIONSHIP_LABELS[patient.relationship]}）` : patients.error ? '就诊人信息加载失败' : '…'}
          </Text>
          {patient ? <Text className='describe-fact__sub'>{patient.idNumberMasked}</Text> : null}
        </Fact>
        <Fact name='disease' label='复诊病种'>
          <Text className='describe-fact__text'>
            {r.disease ? `${r.disease.name}（${DISEASE_CATEGORY_LABELS[r.disease.category]}）` : (dx?.diagnosisName ?? '—')}
          </Text>
          {dx ? (
            <Text className='describe-fact__sub'>
              依据：{dx.visitDate} {dx.hospitalName} {dx.departmentName}「{dx.diagnosisName}」
            </Text>
          ) : null}
        </Fact>
        <Fact name='insurance' label='医保支付'>
          {selfPay ? (
            <>
              <Text className='describe-fact__text describe-insurance describe-insurance--self-pay'>本次不能使用医保，需全部自费</Text>
              {blocking.map((x) => (
                <Text key={x.code} className={`describe-fact__sub describe-reason describe-reason--${x.code}`}>
                  · {x.title}：{x.message}
                </Text>
              ))}
            </>
          ) : (
            <Text className='describe-fact__text describe-insurance describe-insurance--covered'>医保可参与支付（个人负担部分以医保结算结果为准）</Text>
          )}
          {notices.map((x) => (
            <Text key={x.code} className={`describe-fact__sub describe-notice describe-notice--${x.code}`}>
              请注意：{x.title}。{x.suggestion}
            </Text>
          ))}
        </Fact>
        <Fact name='fee' label='诊查费'>
          <Text className='describe-fact__text describe-fee'>
            {formatFen(r.doctor.consultationFeeFen)}
            {selfPay ? '（全部自费）' : ''}
          </Text>
        </Fact>
        <Fact name='description' label='病情描述'>
          <Text className='describe-fact__text describe-fact__text--long'>{text.trim()}</Text>
          <Text className='describe-fact__sub'>{uploads.fileIds.length ? `已上传 ${uploads.fileIds.length} 张图片` : '未上传图片'}</Text>
        </Fact>
      </View>
      {selfPay ? (
        <View className={`describe-ack${ack ? ' describe-ack--checked' : ''}`} role='checkbox' aria-checked={ack} onClick={() => setAck(!ack)}>
          <Text className='describe-ack__box'>{ack ? '☑' : '☐'}</Text>
          <Text className='describe-ack__text'>我已了解本次问诊不能使用医保支付，诊查费 {formatFen(r.doctor.consultationFeeFen)} 需全部自费</Text>
        </View>
      ) : null}
      {errorBox}
      <View className='page-actions describe-confirm__actions'>
        <Button className='page-actions__button describe-confirm__submit' type='primary' block disabled={submitting} onClick={() => void submit()}>
          {submitting ? <Loading type='circular' /> : null}
          {submitting ? '正在提交…' : `提交并支付 ${formatFen(r.doctor.consultationFeeFen)}`}
        </Button>
        <Button className='page-actions__button describe-confirm__back' block fill='outline' disabled={submitting} onClick={() => setStep('write')}>
          返回修改
        </Button>
      </View>
    </View>
  );
}

/** 描述病情 (?doctorId=&patientId=&hospitalCode=&visitNo=&diagnosisCode=): after the eligibility check. */
export default function DescribePage() {
  const req = useRef(requestFromParams(pageParams())).current;
  const [signedIn, setSignedIn] = useState(isSignedIn());
  useDidShow(() => setSignedIn(isSignedIn()));
  if (!req) {
    return (
      <View className='page consult-page describe'>
        <PageState
          empty
          emptyTitle='缺少复诊信息'
          emptyDescription='请从医生页面发起复诊，核对复诊资格后再描述病情。'
          emptyAction={
            <Button className='page-state__retry' type='primary' onClick={() => void openPage(URLS.revisit)}>
              选择医生
            </Button>
          }
        />
      </View>
    );
  }
  if (!signedIn) {
    return (
      <View className='page consult-page describe describe--signed-out'>
        <PageState
          empty
          emptyTitle='请先登录'
          emptyDescription='登录后继续描述病情。'
          emptyAction={
            <Button className='page-state__retry' type='primary' onClick={() => void openPage(URLS.login)}>
              去登录
            </Button>
          }
        />
      </View>
    );
  }
  return <Describe req={req} />;
}
