/**
 * E-prescriptions (RX-BFF): diagnosis from the disease catalog, drafts priced from the drug
 * catalog, SM2 signatures (doctor and pharmacist), pharmacist review, versions, verification and
 * the audit trail. What other domains use:
 *   hooks.ts  onPrescriptionPaid / onPrescriptionRefunded (ORDER-BFF, in its transaction),
 *             payablePrescription (ORDER-BFF, before an order is created or paid)
 *   verify.ts verifyPrescription (signatures re-checked from the rows)
 */
export { prescriptionRouter, prescriptionService, type PrescriptionDeps } from './routes';
export { onPrescriptionPaid, onPrescriptionRefunded, payablePrescription, type PayablePrescription } from './hooks';
export { verifyPrescription } from './verify';
export { PrescriptionService } from './service';
