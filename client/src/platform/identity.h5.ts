import type { NationalAppIdentity } from './identity.types';

export const identity: NationalAppIdentity = {
  kind: 'nhsa_app',
  redirect(url) {
    globalThis.location.assign(url);
  },
};
