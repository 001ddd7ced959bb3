import type { ReactNode } from 'react';
import { Text, View } from '@tarojs/components';
import { Button } from '../../components/nut';
import { PageState } from '../../components/PageState';
import { URLS } from '../../routes';
import { openPage } from '../../services/nav';
import { isStaff, useStaff, type Staff, type StaffRole } from '../hooks/useStaff';
import './workspace.scss';

export interface StaffGateProps {
  /** Only these roles may use the page (default: doctors and pharmacists). */
  roles?: readonly StaffRole[];
  children: (staff: Staff) => ReactNode;
}

const ROLE_WORDS: Record<StaffRole, string> = { DOCTOR: '医生', PHARMACIST: '药师' };

/**
 * The door of every workspace page: reads the session (loading / error with retry), and shows
 * the page only to a signed-in doctor or pharmacist of the right role. Anyone else is told
 * why, in words, and where to go: staff sign-in, or back home for patients.
 */
export function StaffGate({ roles = ['DOCTOR', 'PHARMACIST'], children }: StaffGateProps) {
  const { data: me, loading, error, reload } = useStaff();
  if (me === undefined || (loading && !me)) {
    return <PageState loading={loading} error={error} onRetry={reload} />;
  }
  if (me === null) {
    return (
      <View className='staff-gate staff-gate--signed-out'>
        <Text className='staff-gate__title'>请先登录</Text>
        <Text className='staff-gate__lead'>工作台仅供本院医生、药师使用，请使用医院分配的账号登录。</Text>
        <Button className='staff-gate__login' type='primary' block onClick={() => void openPage(URLS.staffLogin)}>
          医护人员登录
        </Button>
      </View>
    );
  }
  if (!isStaff(me) || !roles.includes(me.role)) {
    const who = roles.map((r) => ROLE_WORDS[r]).join('、');
    return (
      <View className='staff-gate staff-gate--forbidden'>
        <Text className='staff-gate__title'>无权访问</Text>
        <Text className='staff-gate__lead'>
          {isStaff(me) ? `此页面仅供${who}使用，您当前登录的是${me.roleLabel}账号。` : `此页面仅供本院${who}使用。患者请返回首页办理复诊和支付。`}
        </Text>
        <Button
          className='staff-gate__back'
          type='primary'
          block
          onClick={() => void openPage(isStaff(me) ? URLS.doctorWorkspace : URLS.home)}
        >
          {isStaff(me) ? '返回工作台' : '返回首页'}
        </Button>
      </View>
    );
  }
  return <>{children(me)}</>;
}
