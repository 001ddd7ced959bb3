/**
 * Online re-visit consultations: eligibility (rules 1–6), creation, the patient's list/detail/
 * cancel, the room (messages, read marks, long poll, WebSocket), the doctor's workspace and the
 * timeout job. What other domains use:
 *   hooks.ts: onConsultationPaid, onConsultationRefunded, postPrescriptionMessage (inside their tx)
 *   EligibilityService#check(userId, request)  — the rules, server-side
 *   chinaToday(now), daysBetween(a, b)         — China calendar days
 *   consultBus.publish(consultationId)          — wake room listeners after a commit that changed a room
 */
export { EligibilityService, chinaToday, daysBetween, SETTING_REVISIT_WINDOW_DAYS, DEFAULT_REVISIT_WINDOW_DAYS, type OfflineVisitSource, type EligibilityDeps } from './eligibility';
export { consultRouter, buildConsultModule, type ConsultDeps, type ConsultModule } from './routes';
export { onConsultationPaid, onConsultationRefunded, postPrescriptionMessage } from './hooks';
export { consultBus } from './bus';
export { loadConsultSettings, type ConsultSettings } from './settings';
