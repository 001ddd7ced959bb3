/**
 * The guard the issue asks for: fails when next year's public-holiday schedule is missing, so
 * due dates are never silently estimated. Fix it by upgrading `chinese-days` once it has the year,
 * or by adding the State Council's notice (国务院办公厅关于<年>部分节假日安排的通知) to the
 * `working_calendar_supplement` setting in prisma/src/seed/data/selfServiceSettings.json.
 */
import { WorkingCalendar, parseSupplement } from '../../src/domains/selfService';
import settings from '../../../prisma/src/seed/data/selfServiceSettings.json';

it("has next year's public holidays (chinese-days or the supplement setting)", () => {
  const supplement = parseSupplement(settings.find((s) => s.key === 'working_calendar_supplement')?.value);
  const nextYear = new Date(Date.now() + 8 * 3_600_000).getUTCFullYear() + 1;
  const cal = new WorkingCalendar(supplement);
  expect({ year: nextYear, covered: cal.covers(nextYear) }).toEqual({ year: nextYear, covered: true });
});
