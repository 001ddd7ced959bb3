/** The 医保经办机构 API as the BFF uses it (see mock/src/platforms/agency for the contract). */
export const AGENCY_STATUSES = ['SUBMITTED', 'ACCEPTED', 'SUPPLEMENT_REQUIRED', 'REVIEWING', 'RECHECKING', 'DISBURSING', 'COMPLETED', 'REJECTED', 'WITHDRAWN'] as const;
export type AgencyStatus = (typeof AGENCY_STATUSES)[number];

export interface AgencyClientConfig {
  baseUrl: string;
  appId: string;
  appSecret: string;
  orgCode: string;
  timeoutMs: number;
  /** Retries of reads (status, queries); writes are never retried here. Default 2. */
  retries?: number;
  /** Allowed clock difference for answers and notifies (default 5 min). */
  maxSkewMs?: number;
}

export interface AgencyEvent {
  eventId: string;
  seq: number;
  status: AgencyStatus;
  step: string;
  note: string | null;
  at: string;
  supplement?: { note: string; items: { code: string | null; name: string; reason: string }[] };
  rejectReason?: string;
  result?: Record<string, unknown>;
}

export interface AgencyApplication {
  applicationNo: string;
  requestKey: string;
  status: AgencyStatus;
  step: string;
  seq: number;
  events: AgencyEvent[];
}

export interface AgencySubmission {
  /** Ours, stable per application (the application number): the agency answers a repeat with the same application. */
  requestKey: string;
  itemCode: string;
  catalogSeq: number;
  category: string;
  steps: string[];
  applicant: { name: string; certType: string; certNo: string };
  form: Record<string, string>;
  materials: { code: string; name: string; fileIds: string[]; promise: boolean }[];
  notifyUrl: string;
}

export interface AgencyEnrollment {
  status: 'ACTIVE' | 'SUSPENDED' | 'TERMINATED';
  insutype: string;
  admdvs: string;
  admdvsName: string;
  since: string;
  unitName: string | null;
  payments: { period: string; amountFen: number; kind: string; paidAt: string }[];
}

export interface AgencyAccount {
  balanceFen: number;
  changes: { date: string; kind: string; amountFen: number; balanceFen: number; note: string | null }[];
}

export interface AgencyNotify {
  applicationNo: string;
  requestKey: string;
  event: AgencyEvent;
}
