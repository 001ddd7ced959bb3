export { AgencyClient, AGENCY, NotifyVerificationError } from './client';
export { agencyClientFromConfig } from './from-config';
export * from './types';
