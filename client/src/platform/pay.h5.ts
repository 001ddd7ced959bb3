import { WRONG_CHANNEL, type PayBridge } from './pay.types';

/**
 * H5 inside the national insurance APP: the cash share is paid on the APP's cashier page. The
 * page leaves for the address the BFF signed; the APP sends the user back to the BFF, which
 * redirects to the pay-result page (the return itself is only a hint: the BFF queries).
 */
export const pay: PayBridge = {
  channel: 'NHSA_APP',

  launch(launch) {
    switch (launch.kind) {
      case 'REDIRECT':
        globalThis.location.assign(launch.url);
        return Promise.resolve({ kind: 'redirected' });
      case 'NONE':
        return Promise.resolve({ kind: 'returned' });
      default:
        return Promise.resolve(WRONG_CHANNEL);
    }
  },
};
