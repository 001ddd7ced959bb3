/**
 * The guard the issue asks for: fails when this year's public-holiday schedule is missing, and
 * next year's from two weeks before the new year on, so due dates are never silently estimated. Fix it by upgrading `chinese-days` once it has the year,
 * or by adding the State Council's notice (国务院办公厅关于<年>部分节假日安排的通知) to the
 * `working_calendar_supplement` setting in prisma/src/seed/data/selfServiceSettings.json.
 */
import { WorkingCalendar, parseSupplement } from '../../src/domains/selfService';
import settings from '../../../prisma/src/seed/data/selfServiceSettings.json';

const chinaNow = () => new Date(Date.now() + 8 * 3_600_000);
const calendar = () => new WorkingCalendar(parseSupplement(settings.find((s) => s.key === 'working_calendar_supplement')?.value));

it("has this year's public holidays (chinese-days or the supplement setting)", () => {
  const year = chinaNow().getUTCFullYear();
  expect({ year, covered: calendar().covers(year) }).toEqual({ year, covered: true });
});

// The State Council publishes next year's schedule in the autumn; from two weeks before the new
// year on, a missing schedule fails this guard (until then due dates reaching into the new year
// are computed on weekends only and marked `estimated`, which the client says).
it("has next year's public holidays from two weeks before the new year on", () => {
  const now = chinaNow();
  const nextYear = now.getUTCFullYear() + 1;
  const daysLeft = (Date.UTC(nextYear, 0, 1) - now.getTime()) / 86_400_000;
  const covered = calendar().covers(nextYear);
  expect({ year: nextYear, covered: covered || daysLeft > 14 }).toEqual({ year: nextYear, covered: true });
});

it('marks a due date that reaches an uncovered year as estimated', () => {
  const cal = calendar();
  let year = chinaNow().getUTCFullYear() + 1;
  while (cal.covers(year)) year += 1;
  const due = cal.addWorkingDays(`${year - 1}-12-30`, 5);
  expect(due.estimated).toBe(true);
  expect(cal.addWorkingDays(`${chinaNow().getUTCFullYear()}-03-02`, 2).estimated).toBe(false);
});
