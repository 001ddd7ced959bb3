/**
 * Online re-visit consultations. So far: the eligibility check (rules 1–6) and the offline-visit
 * picker. What later work uses:
 *   EligibilityService#check(userId, request)  — re-run it server-side when creating a consultation
 *   chinaToday(now), daysBetween(a, b)         — China calendar days
 */
export { EligibilityService, chinaToday, daysBetween, SETTING_REVISIT_WINDOW_DAYS, DEFAULT_REVISIT_WINDOW_DAYS, type OfflineVisitSource, type EligibilityDeps } from './eligibility';
export { consultRouter, type ConsultDeps } from './routes';
