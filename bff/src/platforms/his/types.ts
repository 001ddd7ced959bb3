/** Hospital HIS adapter types (this project's HIS contract; see mock/src/platforms/his). */

export interface HisClientConfig {
  baseUrl: string;
  appId: string;
  /** Shared HMAC secret (request/answer signatures and the ID-number hash key). */
  appSecret: string;
  /** Upper bound of one attempt. */
  timeoutMs: number;
  /** Retries after the first attempt (reads are idempotent). Default 2. */
  retries?: number;
  /** Upper bound of a whole call including retries. Default 3 × timeoutMs + 1 s. */
  deadlineMs?: number;
  /** Answers whose X-HIS-Timestamp is further than this from now are refused. Default 5 min. */
  maxSkewMs?: number;
}

export type HisVisitType = 'OUTPATIENT' | 'INPATIENT';

export interface HisVisit {
  visitNo: string;
  patientId: string;
  hospitalCode: string;
  hospitalName: string;
  /** YYYY-MM-DD. */
  visitDate: string;
  visitType: HisVisitType;
  departmentName: string;
  doctorName?: string;
  diagnoses: { code: string; name: string; primary: boolean }[];
}

export interface HisPrice {
  code: string;
  type: 'DRUG' | 'SERVICE';
  name: string;
  specification?: string;
  unit: string;
  priceFen: number;
  insuranceClass?: string;
  manufacturer?: string;
}

export interface HisPage<T> {
  page: number;
  pageSize: number;
  total: number;
  items: T[];
}

/** Who: the ID number (hashed before it leaves the BFF), its hash, or the HIS patient id. */
export type HisPersonRef = { idNo: string } | { idNoHash: string } | { patientId: string };

export interface VisitQuery {
  person: HisPersonRef;
  hospitalCode?: string;
  /** YYYY-MM-DD inclusive. */
  since?: string;
  until?: string;
  diagnosisCode?: string;
  visitType?: HisVisitType;
  page?: number;
  pageSize?: number;
}
