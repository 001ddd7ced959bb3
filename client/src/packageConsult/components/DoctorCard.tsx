import { Text, View } from '@tarojs/components';
import { DOCTOR_TITLE_LABELS, formatFen, type Doctor } from '@ih/contract';
import { Badges } from '../../components/Badges';
import { doctorBadges } from './status';
import './consult.scss';

/** The initial instead of a photo (no photos are stored yet). */
export function DoctorAvatar({ doctor }: { doctor: Pick<Doctor, 'name' | 'photoUrl'> }) {
  return (
    <View className='doctor-avatar' aria-hidden>
      <Text className='doctor-avatar__initial'>{doctor.name.slice(0, 1)}</Text>
    </View>
  );
}

export function DoctorCard({ doctor, onClick }: { doctor: Doctor; onClick: () => void }) {
  return (
    <View
      className={`doctor-card doctor-card--${doctor.acceptsConsultation ? 'available' : 'unavailable'}`}
      hoverClass='doctor-card--pressed'
      onClick={onClick}
    >
      <DoctorAvatar doctor={doctor} />
      <View className='doctor-card__body'>
        <View className='doctor-card__head'>
          <Text className='doctor-card__name'>{doctor.name}</Text>
          <Text className='doctor-card__title'>{DOCTOR_TITLE_LABELS[doctor.title]}</Text>
        </View>
        <Text className='doctor-card__where'>
          {doctor.hospital.name} · {doctor.department.name}
        </Text>
        <Text className='doctor-card__specialty'>擅长：{doctor.specialty}</Text>
        <Badges badges={doctorBadges(doctor)} />
        <Text className='doctor-card__fee'>诊查费 {formatFen(doctor.consultationFeeFen)}</Text>
      </View>
      <Text className='doctor-card__arrow'>›</Text>
    </View>
  );
}
