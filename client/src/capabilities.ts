import type { CapabilityKey } from '@ih/contract';
import type { RoadmapKey } from './content/roadmap';
import { URLS } from './routes';

/**
 * Where each home entry leads. Typed over the contract's CapabilityKey: a capability added to
 * the contract does not compile until it has a page here.
 */
export const CAPABILITY_URLS: Record<CapabilityKey, string> = {
  revisit: URLS.revisit,
  voucher: URLS.voucherStatus,
  orders: URLS.orders,
  selfService: URLS.selfService,
  doctorWorkspace: URLS.doctorWorkspace,
};

export const CAPABILITY_ROADMAP: Record<CapabilityKey, RoadmapKey> = {
  revisit: 'revisit',
  voucher: 'voucher',
  orders: 'orders',
  selfService: 'selfService',
  doctorWorkspace: 'doctorWorkspace',
};
