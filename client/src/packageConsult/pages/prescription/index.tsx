import { useRef } from 'react';
import Taro, { useDidShow } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import type { PatientPrescription } from '@ih/contract';
import { Button } from '../../../components/nut';
import { PageState } from '../../../components/PageState';
import { PrescriptionSheet, Verification } from '../../../components/Prescription';
import { useApi } from '../../../hooks/useApi';
import { URLS } from '../../../routes';
import { openPage } from '../../../services/nav';
import { pageParams, withQuery } from '../../../services/params';
import { isSignedIn } from '../../../services/session';
import { getMyPrescription, verifyMyPrescription } from './api';
import '../../components/consult.scss';
import './index.scss';

/** What the patient can do with a prescription in this status, in words. */
function statusNote(rx: PatientPrescription): string {
  switch (rx.status) {
    case 'APPROVED':
    case 'UPLOADED':
      return rx.payable ? '处方已由药师审核通过，请在有效期内支付取药。' : '处方暂不能支付，请稍后刷新或在问诊中联系医生。';
    case 'PAID':
      return '处方已支付，可在“订单”中查看取药或配送进度。';
    case 'REFUNDED':
      return '处方费用已退款。';
    case 'DRAFT':
    case 'REJECTED':
      return '医生正在开具或修改处方，完成并经药师审核后才能支付。';
    case 'PENDING_REVIEW':
      return '药师正在审核处方，审核通过后即可支付。';
    case 'REVOKED':
      return '医生已修改此处方，本处方已作废，请查看新处方。';
    case 'EXPIRED':
      return '处方已超过有效期，不能再支付；如仍需用药，请重新发起复诊。';
    default:
      return '处方已取消，不能支付。';
  }
}

/**
 * 我的处方 (?id=): the prescription as approved (items, catalog prices, totals from the BFF),
 * who signed it, the server's signature verification, and 去支付 → order confirmation.
 */
export default function PrescriptionPage() {
  const { id = '' } = pageParams();
  const signedIn = isSignedIn();
  const rx = useApi(async () => (id && signedIn ? getMyPrescription(id) : null), [id, signedIn]);
  const signed = !!rx.data?.signature.doctorSigned;
  const verification = useApi(async () => (rx.data && signed ? verifyMyPrescription(rx.data.id) : undefined), [rx.data?.id, rx.data?.version, signed]);
  const shownOnce = useRef(false);
  // Back from paying: the status may have changed.
  useDidShow(() => {
    if (shownOnce.current) rx.reload();
    shownOnce.current = true;
  });

  if (!signedIn) {
    return (
      <View className='page consult-page rx-page rx-page--signed-out'>
        <PageState empty emptyTitle='请先登录' emptyDescription='登录后可查看医生为您开具的处方。' emptyAction={
          <Button className='rx-page__login' type='primary' onClick={() => void openPage(URLS.login)}>
            去登录
          </Button>
        } />
      </View>
    );
  }

  const p = rx.data;
  const invalid = verification.data?.valid === false;
  return (
    <View className='page consult-page rx-page'>
      <PageState
        loading={rx.loading && !p}
        error={p ? undefined : rx.error}
        onRetry={rx.reload}
        empty={!rx.loading && !rx.error && !p}
        emptyTitle='未找到该处方'
        emptyDescription='处方不存在或不属于您的账号，请从问诊中重新打开。'
      >
        {p ? (
          <>
            {p.replacedById ? (
              <View className='rx-page__replaced' role='alert'>
                <Text className='rx-page__replaced-text'>医生已修改此处方，请查看并支付新处方。</Text>
                <Button
                  className='rx-page__open-new'
                  size='small'
                  type='primary'
                  onClick={() => void Taro.redirectTo({ url: withQuery(URLS.prescription, { id: p.replacedById ?? '' }) })}
                >
                  查看新处方
                </Button>
              </View>
            ) : null}
            {signed ? (
              <Verification loading={verification.loading} error={verification.error} result={verification.data} onRetry={verification.reload} />
            ) : null}
            <PrescriptionSheet rx={p} />
            <View className='page-actions rx-page__actions'>
              <Text className={`rx-page__status rx-page__status--${p.status.toLowerCase()}`}>{statusNote(p)}</Text>
              {p.payable ? (
                <Button
                  className='page-actions__button rx-page__pay'
                  type='primary'
                  block
                  disabled={invalid}
                  onClick={() => void openPage(withQuery(URLS.orderConfirm, { prescriptionId: p.id }))}
                >
                  去支付
                </Button>
              ) : null}
              {invalid ? <Text className='page-actions__note'>电子签名验证未通过，暂不能支付，请联系医院。</Text> : null}
              <Button className='page-actions__button rx-page__room' block fill='outline' onClick={() => void openPage(withQuery(URLS.consultRoom, { id: p.consultationId }))}>
                返回问诊
              </Button>
            </View>
          </>
        ) : null}
      </PageState>
    </View>
  );
}
