/** 就诊人. For the voucher flow: upsertSelfPatientFromVoucher (the account owner's own identity). */
export { PatientService, upsertSelfPatientFromVoucher, toPatientView, OPEN_ORDER_STATES, type VoucherIdentity, type SelfPatientResult } from './service';
export { patientsRouter } from './routes';
