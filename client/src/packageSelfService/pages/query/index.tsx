import { useEffect, useState } from 'react';
import Taro from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { addDaysYmd, formatFen, type AccountInfo, type EnrollmentInfo, type Patient } from '@ih/contract';
import { Button } from '../../../components/nut';
import { FormError, FormField } from '../../../components/Form';
import { PageState } from '../../../components/PageState';
import { useApi } from '../../../hooks/useApi';
import { URLS } from '../../../routes';
import { openPage } from '../../../services/nav';
import { pageParams, withQuery } from '../../../services/params';
import { listPatients } from '../../../services/patients';
import { ApiError, isApiError } from '../../../services/request';
import { isSignedIn } from '../../../services/session';
import { ApplicationCard } from '../../components/ApplicationCard';
import { DateInput, chinaToday } from '../../components/DateInput';
import { PatientPicker, defaultPatientId } from '../../components/PatientPicker';
import { ValueRows } from '../../components/ValueRows';
import { formatTime } from '../../components/status';
import { openPdf } from '../../services/openFile';
import { certificatePath, getAccount, getEnrollment, listApplications } from '../../services/selfService';
import '../../components/selfService.scss';

export type QueryKind = 'enrollment' | 'certificate' | 'account' | 'accountChanges' | 'transfer' | 'voucher';
const TITLES: Record<QueryKind, string> = {
  enrollment: '参保信息查询',
  certificate: '参保凭证打印',
  account: '个人账户查询',
  accountChanges: '个人账户变动明细',
  transfer: '转移接续进度',
  voucher: '医保电子凭证',
};
const KINDS = Object.keys(TITLES) as QueryKind[];

function EnrollmentView({ info }: { info: EnrollmentInfo }) {
  return (
    <>
      <View className='ss-panel ss-query__enrollment'>
        <Text className='ss-panel__title'>参保信息</Text>
        <ValueRows
          rows={[
            { key: 'status', label: '参保状态', value: info.statusLabel },
            { key: 'insutype', label: '参保险种', value: info.insutypeLabel },
            { key: 'admdvs', label: '参保地', value: info.admdvsName },
            { key: 'since', label: '参保日期', value: info.since },
            ...(info.unitName ? [{ key: 'unit', label: '参保单位', value: info.unitName }] : []),
          ]}
        />
        <Text className='ss-panel__note'>查询时间：{formatTime(info.queriedAt)}（以医保经办机构记录为准）</Text>
      </View>
      <View className='ss-panel ss-query__payments'>
        <Text className='ss-panel__title'>缴费记录</Text>
        {info.payments.length === 0 ? <Text className='ss-panel__text'>暂无缴费记录。</Text> : null}
        <ValueRows rows={info.payments.map((p, i) => ({ key: `payment-${i}`, label: `${p.period} ${p.kind}`, value: `${formatFen(p.amountFen)}（${p.paidAt}）` }))} />
      </View>
    </>
  );
}

function AccountView({ info }: { info: AccountInfo }) {
  return (
    <>
      <View className='ss-panel ss-query__balance'>
        <Text className='ss-panel__title'>个人账户余额</Text>
        <Text className='ss-page__title ss-query__balance-value'>{formatFen(info.balanceFen)}</Text>
        <Text className='ss-panel__note'>查询时间：{formatTime(info.queriedAt)}</Text>
      </View>
      <View className='ss-panel ss-query__changes'>
        <Text className='ss-panel__title'>账户变动</Text>
        {info.changes.length === 0 ? <Text className='ss-panel__text'>所选期间没有变动。</Text> : null}
        {info.changes.map((c, i) => (
          <View key={i} className={`ss-panel__row ss-query__change ss-query__change--${c.amountFen >= 0 ? 'in' : 'out'}`}>
            <View>
              <Text className='ss-panel__text'>
                {c.date} {c.kind}
              </Text>
              {c.note ? <Text className='ss-panel__note'>{c.note}</Text> : null}
            </View>
            <View>
              <Text className='ss-panel__value'>{c.amountFen >= 0 ? `+${formatFen(c.amountFen)}` : `-${formatFen(-c.amountFen)}`}</Text>
              <Text className='ss-panel__note'>余额 {formatFen(c.balanceFen)}</Text>
            </View>
          </View>
        ))}
      </View>
    </>
  );
}

function EnrollmentQuery({ patientId }: { patientId: string }) {
  const info = useApi(() => getEnrollment(patientId), [patientId]);
  return (
    <PageState loading={info.loading && !info.data} error={info.error} onRetry={info.reload}>
      {info.data ? <EnrollmentView info={info.data} /> : null}
    </PageState>
  );
}

function AccountQuery({ patientId, withRange }: { patientId: string; withRange: boolean }) {
  const today = chinaToday();
  const [since, setSince] = useState(withRange ? addDaysYmd(today, -90) : '');
  const [until, setUntil] = useState(withRange ? today : '');
  const rangeError = since && until && until < since ? '结束日期不能早于开始日期' : undefined;
  const info = useApi(
    async () => (rangeError ? null : getAccount({ patientId, ...(since ? { since } : {}), ...(until ? { until } : {}) })),
    [patientId, since, until, rangeError],
  );
  return (
    <>
      {withRange ? (
        <View className='ss-form__group ss-query__range'>
          <FormField name='since' label='开始日期'>
            <DateInput name='since' value={since} onChange={setSince} end={today} />
          </FormField>
          <FormField name='until' label='结束日期' error={rangeError}>
            <DateInput name='until' value={until} onChange={setUntil} end={today} />
          </FormField>
        </View>
      ) : null}
      <PageState loading={info.loading && !info.data} error={info.error} onRetry={info.reload}>
        {info.data ? <AccountView info={info.data} /> : null}
      </PageState>
    </>
  );
}

function CertificateQuery({ patientId }: { patientId: string }) {
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<ApiError | null>(null);
  async function open() {
    if (busy) return;
    setBusy(true);
    setFailure(null);
    try {
      await openPdf(certificatePath(patientId), '参保凭证.pdf');
    } catch (e) {
      setFailure(isApiError(e) ? e : new ApiError('BAD_RESPONSE', '参保凭证获取失败，请稍后重试', 0, ''));
    } finally {
      setBusy(false);
    }
  }
  return (
    <>
      <EnrollmentQuery patientId={patientId} />
      <View className='ss-panel ss-query__certificate'>
        <Text className='ss-panel__title'>参保凭证（PDF）</Text>
        <Text className='ss-panel__text'>凭证由医保经办机构出具，带凭证编号，可用于办事证明；可预览、转发或打印。</Text>
      </View>
      {failure ? <FormError code={failure.code} message={`${failure.message}${failure.requestId ? `（错误编号：${failure.requestId}）` : ''}`} /> : null}
      <View className='ss-actions'>
        <Button className='ss-actions__button ss-query__open-certificate' type='primary' block loading={busy} disabled={busy} onClick={() => void open()}>
          {busy ? '正在生成…' : '查看 / 下载参保凭证'}
        </Button>
      </View>
    </>
  );
}

function TransferProgress() {
  const apps = useApi(() => listApplications({ status: 'all', pageSize: 50 }), []);
  const transfers = (apps.data?.items ?? []).filter((a) => a.category === 'transfer');
  return (
    <>
      <Text className='ss-page__hint ss-query__transfer-note'>
        转移接续由转入地经办机构受理：受理后 5 个工作日内发出《联系函》，转出地 10 个工作日内发出《信息表》并划转资金，转入地收到后 5 个工作日内办结。
      </Text>
      <PageState
        loading={apps.loading && !apps.data}
        error={apps.error}
        onRetry={apps.reload}
        empty={!!apps.data && transfers.length === 0}
        emptyTitle='没有转移接续申请'
        emptyDescription='从外地转入宁夏的，可在线申请医保关系转移接续（转入）。'
        emptyAction={
          <Button className='page-state__retry ss-query__transfer-apply' type='primary' onClick={() => void openPage(withQuery(URLS.selfServiceItem, { code: 'transfer-in' }))}>
            申请转移接续
          </Button>
        }
      >
        {transfers.map((a) => (
          <ApplicationCard key={a.id} app={a} />
        ))}
      </PageState>
    </>
  );
}

function VoucherGuide() {
  return (
    <>
      <View className='ss-panel ss-query__voucher'>
        <Text className='ss-panel__title'>医保电子凭证</Text>
        <Text className='ss-panel__text'>医保电子凭证通过国家医保服务平台 APP、微信或支付宝申领激活。激活后在本平台授权即可用于在线复诊、医保支付和经办查询。</Text>
      </View>
      <View className='ss-actions'>
        <Button className='ss-actions__button ss-query__voucher-status' type='primary' block onClick={() => void openPage(URLS.voucherStatus)}>
          查看我的授权状态
        </Button>
        <Button className='ss-actions__button ss-query__voucher-activation' block fill='outline' onClick={() => void openPage(URLS.activation)}>
          如何申领激活
        </Button>
      </View>
    </>
  );
}

/**
 * 医保查询 (?page=enrollment|certificate|account|accountChanges|transfer|voucher): the 就诊人
 * whose records to read, then the answer of the insurance agency (through the BFF).
 */
export default function QueryPage() {
  const params = pageParams();
  const kind: QueryKind = KINDS.includes(params.page as QueryKind) ? (params.page as QueryKind) : 'enrollment';
  const signedIn = isSignedIn();
  const needsPatient = kind !== 'transfer' && kind !== 'voucher';
  const patients = useApi(async () => (signedIn && needsPatient ? listPatients({ silent: true }) : null), [signedIn, needsPatient]);
  const [chosen, setChosen] = useState<string>();
  const list: Patient[] = patients.data?.items ?? [];
  const patientId = chosen ?? defaultPatientId(list);
  useEffect(() => {
    void Promise.resolve(Taro.setNavigationBarTitle({ title: TITLES[kind] })).catch(() => undefined);
  }, [kind]);

  if (!signedIn && kind !== 'voucher') {
    return (
      <View className={`ss-page ss-query ss-query--${kind} ss-query--signed-out`}>
        <PageState
          empty
          emptyTitle='请先登录'
          emptyDescription='查询医保信息需要登录，并选择要查询的人（本人或家人）。'
          emptyAction={
            <Button className='page-state__retry' type='primary' onClick={() => void openPage(URLS.login)}>
              去登录
            </Button>
          }
        />
      </View>
    );
  }
  return (
    <View className={`ss-page ss-query ss-query--${kind}`}>
      <View className='ss-page__intro'>
        <Text className='ss-page__title ss-query__title'>{TITLES[kind]}</Text>
      </View>
      {needsPatient ? (
        <>
          <Text className='ss-page__section-title'>查询谁的信息</Text>
          <PatientPicker patients={patients} value={patientId} onChange={setChosen} />
        </>
      ) : null}
      {needsPatient && patientId ? (
        kind === 'enrollment' ? (
          <EnrollmentQuery key={patientId} patientId={patientId} />
        ) : kind === 'certificate' ? (
          <CertificateQuery key={patientId} patientId={patientId} />
        ) : (
          <AccountQuery key={patientId} patientId={patientId} withRange={kind === 'accountChanges'} />
        )
      ) : null}
      {kind === 'transfer' ? <TransferProgress /> : null}
      {kind === 'voucher' ? <VoucherGuide /> : null}
    </View>
  );
}
