/**
 * Alipay flavour of the cash launch (platform/pay.alipay.ts): my.tradePay with the BFF's trade
 * number; every answer that may have paid goes to the BFF for the result, never counted as paid.
 */
import { outcomeOfTradePay, pay } from '../src/platform/pay.alipay';

type TradePayOptions = { tradeNO: string; success?: (r: unknown) => void; fail?: (e: unknown) => void };
const g = globalThis as unknown as { my?: { tradePay?: jest.Mock } };
afterEach(() => {
  delete g.my;
});

it('opens my.tradePay with the trade number from the BFF', async () => {
  const tradePay = jest.fn((o: TradePayOptions) => o.success?.({ resultCode: '9000' }));
  g.my = { tradePay };
  expect(pay.channel).toBe('ALIPAY');
  await expect(pay.launch({ kind: 'ALIPAY_TRADE', tradeNo: '2026112222001456' })).resolves.toEqual({ kind: 'returned' });
  expect(tradePay.mock.calls[0]![0].tradeNO).toBe('2026112222001456');
});

it.each([
  ['9000', 'returned'],
  ['8000', 'returned'],
  ['6004', 'returned'],
  ['6001', 'cancelled'],
  ['6002', 'failed'],
  ['4000', 'failed'],
  [undefined, 'failed'],
])('resultCode %s → %s (the BFF decides what was paid)', (code, kind) => {
  expect(outcomeOfTradePay(code === undefined ? undefined : { resultCode: code }).kind).toBe(kind);
});

it('a fail callback with a result code is read like a success answer; without, nothing was opened', async () => {
  g.my = { tradePay: jest.fn((o: TradePayOptions) => o.fail?.({ resultCode: '6001' })) };
  await expect(pay.launch({ kind: 'ALIPAY_TRADE', tradeNo: 't' })).resolves.toEqual({ kind: 'cancelled' });
  g.my = { tradePay: jest.fn((o: TradePayOptions) => o.fail?.({ error: 3, errorMessage: 'x' })) };
  await expect(pay.launch({ kind: 'ALIPAY_TRADE', tradeNo: 't' })).resolves.toMatchObject({ kind: 'failed' });
});

it('no my.tradePay: unsupported, nothing launched; other channels’ launches are refused', async () => {
  g.my = {};
  await expect(pay.launch({ kind: 'ALIPAY_TRADE', tradeNo: 't' })).resolves.toMatchObject({ kind: 'unsupported' });
  const tradePay = jest.fn();
  g.my = { tradePay };
  await expect(pay.launch({ kind: 'REDIRECT', url: 'https://app.example/cashier' })).resolves.toMatchObject({ kind: 'failed' });
  expect(tradePay).not.toHaveBeenCalled();
});
