/** The patient's prescription calls (own prescriptions only: others' answer 404). */
import { API_PREFIX, PatientPrescriptionSchema, PrescriptionVerificationSchema, type PatientPrescription, type PrescriptionVerification } from '@ih/contract';
import { request } from '../../../services/request';

export function getMyPrescription(id: string): Promise<PatientPrescription> {
  return request(`${API_PREFIX}/prescriptions/${encodeURIComponent(id)}`, { silent: true, schema: PatientPrescriptionSchema });
}

export function verifyMyPrescription(id: string): Promise<PrescriptionVerification> {
  return request(`${API_PREFIX}/prescriptions/${encodeURIComponent(id)}/verification`, { silent: true, schema: PrescriptionVerificationSchema });
}
