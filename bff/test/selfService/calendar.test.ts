/**
 * Due dates in working days on China's calendar (chinese-days + the supplement setting): public
 * holidays skipped, adjusted working days (调休) counted, years without a schedule estimated by
 * weekends and said so; the item detail and the application carry the due date.
 */
import { WorkingCalendar, packageCoversYear, parseSupplement } from '../../src/domains/selfService';
import { api, startHarness, userWith, type Harness } from './harness';

describe('working days', () => {
  const cal = new WorkingCalendar();

  it('skips the National Day holidays and counts from the day after', () => {
    // 2026: 10-01…10-07 off; 10-08 and 10-09 working days.
    expect(cal.addWorkingDays('2026-09-30', 2)).toEqual({ date: '2026-10-09', estimated: false });
    expect(cal.addWorkingDays('2026-09-24', 1)).toEqual({ date: '2026-09-28', estimated: false }); // 09-25 中秋 (Fri), weekend
  });

  it('counts adjusted working days (调休上班) on weekends', () => {
    expect(cal.isWorkday('2026-10-10')).toEqual({ workday: true, known: true }); // Saturday, 调休
    expect(cal.addWorkingDays('2026-10-08', 2)).toEqual({ date: '2026-10-10', estimated: false });
    expect(cal.addWorkingDays('2026-02-13', 1)).toEqual({ date: '2026-02-14', estimated: false }); // Saturday before 春节, 调休
    expect(cal.addWorkingDays('2026-02-14', 1).date).toBe('2026-02-24'); // 02-15…02-23 春节
  });

  it('dueDate: working days, calendar days, instant', () => {
    expect(cal.dueDate({ text: '不超过20个工作日', workingDays: 20, instant: false }, '2026-09-21')).toEqual({ date: '2026-10-26', workingDays: 20, calendarDays: null, estimated: false });
    expect(cal.dueDate({ text: '不超过60日', calendarDays: 60, instant: false }, '2026-01-01')).toEqual({ date: '2026-03-02', workingDays: null, calendarDays: 60, estimated: false });
    expect(cal.dueDate({ text: '即时办结', instant: true }, '2026-05-06')).toEqual({ date: '2026-05-06', workingDays: 0, calendarDays: null, estimated: false });
    expect(cal.dueDate({ text: '', instant: false }, '2026-05-06')).toBeNull();
  });

  it('a year without a published schedule: weekends only, marked estimated; the supplement setting fills it', () => {
    const year = 2100;
    expect(packageCoversYear(year)).toBe(false);
    expect(cal.addWorkingDays('2100-01-01', 1)).toEqual({ date: '2100-01-04', estimated: true }); // Fri → Mon
    const withSupplement = new WorkingCalendar(parseSupplement({ 2100: { holidays: ['2100-01-04', '2100-01-05'], workdays: ['2100-01-02'] }, bad: 1, 2101: { holidays: ['2099-01-01'] } }));
    expect(withSupplement.covers(2100)).toBe(true);
    expect(withSupplement.covers(2101)).toBe(false); // dates outside their year are ignored
    expect(withSupplement.addWorkingDays('2100-01-01', 2)).toEqual({ date: '2100-01-06', estimated: false }); // 01-02 Sat worked, 01-04/05 off
  });

  it('a due date crossing into an uncovered year is estimated', () => {
    expect(cal.addWorkingDays('2099-12-30', 5).estimated).toBe(true);
  });
});

describe('due dates in the API', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  it('the item detail carries the due date if submitted today, computed with the supplement setting', async () => {
    const u = await userWith(h, { self: { relationship: 'SELF' } });
    const res = await api(h).get('/self-service/items/chronic-recognition', u).expect(200);
    expect(res.body.timeLimit).toEqual({ text: '不超过20个工作日', workingDays: 20, instant: false });
    const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
    const expected = new WorkingCalendar(parseSupplement((await h.t.prisma.setting.findUnique({ where: { key: 'working_calendar_supplement' } }))?.value)).dueDate({ text: '', workingDays: 20, instant: false }, today);
    expect(res.body.dueIfSubmittedToday).toEqual(expected);
    const offline = await api(h).get('/self-service/items/flexible-suspend', u).expect(200);
    expect(offline.body.dueIfSubmittedToday).toBeNull();
  });
});

describe('the calendar coverage job (selfService.calendar)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  it('warns while a needed year is missing and stops once the supplement setting has it', async () => {
    const { selfServiceParts } = await import('../../src/domains/selfService');
    const { captureLogger } = await import('../helpers');
    const log = captureLogger('info');
    // 2099-12-20 (China time): 2099 and 2100 are needed and neither is in chinese-days.
    const now = () => new Date('2099-12-20T04:00:00Z');
    const { service } = selfServiceParts({ config: h.t.config, prisma: h.t.prisma, logger: log.logger, now });
    const key = 'working_calendar_supplement';
    const before = (await h.t.prisma.setting.findUnique({ where: { key } }))?.value;
    try {
      expect(await service.checkCalendarCoverage()).toEqual([2099, 2100]);
      const warned = log.records().filter((r) => r.level === 40);
      expect(warned).toHaveLength(1);
      expect(warned[0]).toMatchObject({ missingYears: [2099, 2100], setting: key });

      await h.t.prisma.setting.update({ where: { key }, data: { value: { 2099: { holidays: ['2099-01-01'] }, 2100: { holidays: ['2100-01-01'] } } } });
      expect(await service.checkCalendarCoverage()).toEqual([]);
      expect(log.records().filter((r) => r.level === 40)).toHaveLength(1);
    } finally {
      await h.t.prisma.setting.update({ where: { key }, data: { value: before ?? {} } });
    }
  });
});
