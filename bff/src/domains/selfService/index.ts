export { selfServiceRouter, selfServiceParts, NOTIFY_PATH, type SelfServiceDepsIn } from './routes';
export { SelfServiceService, FILE_REF_TYPE, SETTINGS as SELF_SERVICE_SETTINGS } from './service';
export { WorkingCalendar, packageCoversYear, parseSupplement } from './workingDays';
export { NotificationService, notify } from './notifications';
export { recognizedDiseases, hasRecognizedDisease, type RecognizedDiseaseView } from './recognized';
