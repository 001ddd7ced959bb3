import { Text, View } from '@tarojs/components';
import { isFinalStatus, type ApplicationSummary } from '@ih/contract';
import { URLS } from '../../routes';
import { openPage } from '../../services/nav';
import { withQuery } from '../../services/params';
import { dueText } from './ItemFacts';
import { patientLabel } from './PatientPicker';
import { Steps } from './Steps';
import { StatusTag, formatTime } from './status';
import './selfService.scss';

/** One application in a list: item, status in words, who, when, the due date and the progress bar. */
export function ApplicationCard({ app }: { app: ApplicationSummary }) {
  return (
    <View
      className={`ss-app-card ss-app-card--${app.status}`}
      hoverClass='ss-item-card--pressed'
      role='link'
      data-id={app.id}
      onClick={() => void openPage(withQuery(URLS.selfServiceApplication, { id: app.id }))}
    >
      <View className='ss-app-card__head'>
        <Text className='ss-app-card__title'>{app.itemTitle}</Text>
        <StatusTag status={app.status} label={app.statusLabel} />
      </View>
      {app.patient ? <Text className='ss-app-card__line'>办理人：{patientLabel(app.patient)}</Text> : null}
      <Text className='ss-app-card__line'>提交于 {formatTime(app.submittedAt)}</Text>
      {app.deadline && !isFinalStatus(app.status) ? (
        <Text className='ss-app-card__line'>预计 {dueText(app.deadline)}</Text>
      ) : null}
      <Steps className='ss-app-card__steps' steps={app.steps} />
    </View>
  );
}

