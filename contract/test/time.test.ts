import { chinaDateTime, chinaParts, chinaRfc3339, chinaStamp14, parseChinaDateTime } from '../src/time';

describe('China wall-clock time', () => {
  const ms = Date.UTC(2026, 10, 22, 16, 5, 9); // 2026-11-23 00:05:09 in China
  it('formats in UTC+8 whatever the server zone', () => {
    expect(chinaParts(ms)).toEqual({ year: 2026, month: 11, day: 23, hour: 0, minute: 5, second: 9 });
    expect(chinaStamp14(ms)).toBe('20261123000509');
    expect(chinaDateTime(ms)).toBe('2026-11-23 00:05:09');
    expect(chinaRfc3339(ms)).toBe('2026-11-23T00:05:09+08:00');
  });
  it('parses back exactly and refuses impossible dates', () => {
    expect(parseChinaDateTime('2026-11-23 00:05:09')).toBe(ms);
    expect(parseChinaDateTime('2026-02-30 00:00:00')).toBeNull();
    expect(parseChinaDateTime('2026-11-23T00:05:09')).toBeNull();
    expect(parseChinaDateTime(42)).toBeNull();
  });
});
