import { Text, View } from '@tarojs/components';
import { RELATIONSHIP_LABELS, type Patient } from '@ih/contract';
import { Button } from '../../components/nut';
import { PageState } from '../../components/PageState';
import type { ApiState } from '../../hooks/useApi';
import { URLS } from '../../routes';
import { openPage } from '../../services/nav';
import './selfService.scss';

export function patientLabel(p: Pick<Patient, 'nameMasked' | 'relationship'>): string {
  return `${p.nameMasked}（${RELATIONSHIP_LABELS[p.relationship]}）`;
}

/** The 就诊人 list as radio options, with loading / error / empty states and a way to add one. */
export function PatientPicker({
  patients,
  value,
  onChange,
  emptyDescription = '请先添加就诊人（本人信息在授权医保电子凭证后自动添加）。',
}: {
  patients: ApiState<{ items: Patient[] } | null>;
  value: string | undefined;
  onChange: (id: string) => void;
  emptyDescription?: string;
}) {
  const list = patients.data?.items ?? [];
  return (
    <View className='ss-patients' role='radiogroup' aria-label='办理人'>
      <PageState
        loading={patients.loading && !patients.data}
        error={patients.data ? undefined : patients.error}
        onRetry={patients.reload}
        empty={!!patients.data && list.length === 0}
        emptyTitle='还没有就诊人'
        emptyDescription={emptyDescription}
        emptyAction={
          <Button className='page-state__retry ss-patients__add' type='primary' onClick={() => void openPage(URLS.patientEdit)}>
            添加就诊人
          </Button>
        }
      >
        {list.map((p) => {
          const selected = p.id === value;
          return (
            <View
              key={p.id}
              className={`ss-option ss-patient ss-patient--${p.relationship}${selected ? ' ss-option--selected' : ''}`}
              role='radio'
              aria-checked={selected}
              data-id={p.id}
              onClick={() => onChange(p.id)}
            >
              <Text className='ss-option__title'>
                {selected ? '● ' : '○ '}
                {patientLabel(p)}
              </Text>
              <Text className='ss-option__line'>{p.idNumberMasked}</Text>
            </View>
          );
        })}
      </PageState>
    </View>
  );
}

/** The patient chosen by default: the one marked default, else 本人, else the first. */
export function defaultPatientId(list: readonly Patient[]): string | undefined {
  return (list.find((p) => p.isDefault) ?? list.find((p) => p.relationship === 'SELF') ?? list[0])?.id;
}
