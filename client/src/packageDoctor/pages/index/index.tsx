import { Text, View } from '@tarojs/components';
import { DoctorQueues } from '../../components/DoctorQueues';
import { ReviewQueue } from '../../components/ReviewQueue';
import { SignOut } from '../../components/SignOut';
import { StaffGate } from '../../components/StaffGate';
import '../../components/workspace.scss';

/**
 * 医护工作台: the signed-in staff member's role decides the view — a doctor gets the
 * department's waiting queue and their own consultations, a pharmacist the prescriptions to
 * review. The BFF checks the role on every call; this only picks what to show.
 */
export default function Workspace() {
  return (
    <View className='page workspace'>
      <StaffGate>
        {(me) => (
          <>
            <View className={`workspace__head workspace__head--${me.role.toLowerCase()}`}>
              <View className='workspace__who'>
                <Text className='workspace__title'>{me.role === 'DOCTOR' ? '医生工作台' : '药师审方'}</Text>
                <Text className='workspace__lead'>
                  {[me.staff?.nameMasked ?? me.displayName, me.roleLabel, me.staff?.hospitalName, me.staff?.departmentName].filter(Boolean).join(' · ')}
                </Text>
              </View>
              <SignOut />
            </View>
            {me.role === 'DOCTOR' ? <DoctorQueues /> : <ReviewQueue />}
          </>
        )}
      </StaffGate>
    </View>
  );
}
