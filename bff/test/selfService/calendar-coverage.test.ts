/**
 * Public-holiday coverage of the working calendar. A missing year never fails a build on a date
 * (that would stop every change from landing on the day it starts): the BFF's job
 * `selfService.calendar` warns in the log while a needed year is missing, due dates reaching it are
 * marked `estimated` (the client says 预计), and adding the State Council's notice
 * (国务院办公厅关于<年>部分节假日安排的通知) to the `working_calendar_supplement` setting, or
 * upgrading chinese-days, removes both. These tests pin that behaviour on fixed dates.
 */
import { WorkingCalendar, packageCoversYear, parseSupplement } from '../../src/domains/selfService';
import settings from '../../../prisma/src/seed/data/selfServiceSettings.json';

const seeded = () => new WorkingCalendar(parseSupplement(settings.find((s) => s.key === 'working_calendar_supplement')?.value));
/** The first year after 2020 that neither the package nor the seeded supplement covers. */
const firstUncovered = () => {
  const cal = seeded();
  let y = 2021;
  while (cal.covers(y)) y += 1;
  return y;
};

it('covers the years the package ships (2004 onwards) without any supplement', () => {
  expect(packageCoversYear(2024)).toBe(true);
  expect(packageCoversYear(2025)).toBe(true);
  expect(new WorkingCalendar().covers(2025)).toBe(true);
  // 2025-10-01 (National Day) is a holiday; 2025-09-28 (Sunday) was an adjusted working day.
  expect(new WorkingCalendar().isWorkday('2025-10-01')).toEqual({ workday: false, known: true });
  expect(new WorkingCalendar().isWorkday('2025-09-28')).toEqual({ workday: true, known: true });
});

it('asks for next year only once the new year is close', () => {
  const y = firstUncovered();
  const cal = seeded();
  // Mid-year of the last covered year: nothing missing yet.
  expect(cal.missingYears(`${y - 1}-06-30`)).toEqual([]);
  // 45 days before the new year and closer: the next year is needed.
  expect(cal.missingYears(`${y - 1}-11-16`)).toEqual([]);
  expect(cal.missingYears(`${y - 1}-11-17`)).toEqual([y]);
  expect(cal.missingYears(`${y - 1}-12-31`)).toEqual([y]);
  // Inside an uncovered year, that year is missing (and the next one near its end).
  expect(cal.missingYears(`${y}-03-01`)).toEqual([y]);
  expect(cal.missingYears(`${y}-12-20`)).toEqual([y, y + 1]);
});

it('a supplement entry for the year removes the gap and its holidays count', () => {
  const y = firstUncovered();
  const cal = new WorkingCalendar(parseSupplement({ [y]: { holidays: [`${y}-01-01`], workdays: [`${y}-01-03`] } }));
  expect(cal.covers(y)).toBe(true);
  expect(cal.missingYears(`${y - 1}-12-31`)).toEqual([]);
  expect(cal.isWorkday(`${y}-01-01`)).toEqual({ workday: false, known: true });
  expect(cal.isWorkday(`${y}-01-03`)).toEqual({ workday: true, known: true });
  // Malformed entries are ignored rather than trusted.
  expect(new WorkingCalendar(parseSupplement({ [y]: { holidays: ['next monday', `${y + 1}-01-01`] } })).covers(y)).toBe(false);
});

it('marks a due date that reaches an uncovered year as estimated, and one inside a covered year as exact', () => {
  const y = firstUncovered();
  const cal = seeded();
  expect(cal.addWorkingDays(`${y - 1}-12-30`, 5).estimated).toBe(true);
  expect(cal.addWorkingDays(`${y - 1}-03-02`, 2).estimated).toBe(false);
});
