import { fenToYuan, yuanToFen, formatFen } from '../src/money';
import { maskIdNo, maskName, maskPhone } from '../src/mask';
import { messageForCode, ERROR_CATALOG } from '../src/errors';

describe('money', () => {
  it.each([
    [0, '0.00'], [1, '0.01'], [10, '0.10'], [12345, '123.45'], [-5, '-0.05'], [100000000, '1000000.00'],
  ])('fenToYuan(%p) = %p and back', (fen, yuan) => {
    expect(fenToYuan(fen)).toBe(yuan);
    expect(yuanToFen(yuan)).toBe(fen);
  });
  it('parses one decimal and integers exactly', () => {
    expect(yuanToFen('0.1')).toBe(10);
    expect(yuanToFen('19.9')).toBe(1990);
    expect(yuanToFen('7')).toBe(700);
    expect(yuanToFen(0.29)).toBe(29); // 0.29*100 is 28.999999999999996 in floats
  });
  it.each(['1.234', 'abc', '', '1e3', '1.', '.5', '--1'])('rejects %p', (bad) => {
    expect(() => yuanToFen(bad)).toThrow(RangeError);
  });
  it('rejects non-integer fen', () => {
    expect(() => fenToYuan(1.5)).toThrow(RangeError);
    expect(formatFen(2599)).toBe('¥25.99');
  });
});

describe('masking', () => {
  it('masks names, ID numbers and phones', () => {
    expect(maskName('张三')).toBe('张*');
    expect(maskName('欧阳娜娜')).toBe('欧**娜');
    expect(maskIdNo('110101199003077578')).toBe('110***********7578');
    expect(maskPhone('13812345678')).toBe('138****5678');
  });
});

describe('error catalog', () => {
  it('gives every code a 4xx/5xx status and a Chinese message', () => {
    for (const [code, { status, message }] of Object.entries(ERROR_CATALOG)) {
      expect(status).toBeGreaterThanOrEqual(400);
      expect(message).toMatch(/[\u4e00-\u9fa5]/);
      expect(messageForCode(code)).toBe(message);
    }
    expect(messageForCode('SOMETHING_NEW')).toBe(ERROR_CATALOG.INTERNAL.message);
  });
});
