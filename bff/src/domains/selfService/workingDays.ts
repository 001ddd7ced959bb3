/**
 * Due dates in working days on China's calendar: weekends and public holidays are skipped,
 * adjusted working days (调休上班) count. Holidays come from `chinese-days` (State Council notices,
 * 2004 onwards) plus a supplement for years the package does not have yet (setting
 * `working_calendar_supplement`: {"2027": {"holidays": [...], "workdays": [...]}}, filled from the
 * State Council's notice when it is published). A year in neither is counted by weekends only and
 * the due date is marked `estimated` (the client says so).
 *
 * Counting: the limit runs from the day after `start` (submission or resubmission); the due date
 * is the Nth working day after it. 即时办结 is due the same day; calendar-day limits add days.
 */
import chineseDays from 'chinese-days';
import { addDaysYmd, type DueDate, type TimeLimit } from '@ih/contract';

export type CalendarSupplement = Record<string, { holidays?: string[]; workdays?: string[] }>;

const coverage = new Map<number, boolean>();

/** Whether chinese-days has the public holidays of `year`. */
export function packageCoversYear(year: number): boolean {
  let v = coverage.get(year);
  if (v === undefined) {
    v = chineseDays.getHolidaysInRange(`${year}-01-01`, `${year}-12-31`, false).length > 0;
    coverage.set(year, v);
  }
  return v;
}

export class WorkingCalendar {
  constructor(private readonly supplement: CalendarSupplement = {}) {}

  /** Whether the holidays of `year` are known (package or supplement). */
  covers(year: number): boolean {
    return packageCoversYear(year) || this.supplementCovers(year);
  }

  private supplementCovers(year: number): boolean {
    const s = this.supplement[String(year)];
    return !!s && ((s.holidays?.length ?? 0) > 0 || (s.workdays?.length ?? 0) > 0);
  }

  /**
   * Years whose public holidays are missing and needed soon: the year of `today` (China date), and
   * the next year once the new year is `leadDays` away or closer (the State Council publishes the
   * schedule in the autumn). Until a year is added, due dates reaching it are `estimated`.
   */
  missingYears(today: string, leadDays = 45): number[] {
    const year = Number(today.slice(0, 4));
    const daysLeft = (Date.UTC(year + 1, 0, 1) - Date.parse(`${today}T00:00:00Z`)) / 86_400_000;
    const needed = daysLeft <= leadDays ? [year, year + 1] : [year];
    return needed.filter((y) => !this.covers(y));
  }

  /** {workday, known}: known=false when the year's schedule is missing (weekend rule used). */
  isWorkday(ymd: string): { workday: boolean; known: boolean } {
    const year = Number(ymd.slice(0, 4));
    if (packageCoversYear(year)) return { workday: chineseDays.isWorkday(ymd), known: true };
    const weekday = new Date(`${ymd}T00:00:00Z`).getUTCDay();
    const weekend = weekday === 0 || weekday === 6;
    if (this.supplementCovers(year)) {
      const s = this.supplement[String(year)]!;
      if (s.workdays?.includes(ymd)) return { workday: true, known: true };
      if (s.holidays?.includes(ymd)) return { workday: false, known: true };
      return { workday: !weekend, known: true };
    }
    return { workday: !weekend, known: false };
  }

  /** The `n`th working day after `start` (YYYY-MM-DD). */
  addWorkingDays(start: string, n: number): { date: string; estimated: boolean } {
    let d = start;
    let left = n;
    let estimated = false;
    for (let guard = 0; left > 0 && guard < 3660; guard++) {
      d = addDaysYmd(d, 1);
      const w = this.isWorkday(d);
      if (!w.known) estimated = true;
      if (w.workday) left -= 1;
    }
    return { date: d, estimated };
  }

  /** The due date of a time limit counted from `start` (China date), or null when the item has none. */
  dueDate(limit: TimeLimit, start: string): DueDate | null {
    if (limit.workingDays) {
      const r = this.addWorkingDays(start, limit.workingDays);
      return { date: r.date, workingDays: limit.workingDays, calendarDays: null, estimated: r.estimated };
    }
    if (limit.calendarDays) return { date: addDaysYmd(start, limit.calendarDays), workingDays: null, calendarDays: limit.calendarDays, estimated: false };
    if (limit.instant) return { date: start, workingDays: 0, calendarDays: null, estimated: false };
    return null;
  }
}

/** Reads the supplement setting (malformed entries are ignored). */
export function parseSupplement(value: unknown): CalendarSupplement {
  const out: CalendarSupplement = {};
  if (!value || typeof value !== 'object' || Array.isArray(value)) return out;
  const day = (x: unknown): x is string => typeof x === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(x);
  for (const [year, v] of Object.entries(value as Record<string, unknown>)) {
    if (!/^\d{4}$/.test(year) || !v || typeof v !== 'object') continue;
    const r = v as { holidays?: unknown; workdays?: unknown };
    out[year] = {
      holidays: Array.isArray(r.holidays) ? r.holidays.filter(day).filter((d) => d.startsWith(year)) : [],
      workdays: Array.isArray(r.workdays) ? r.workdays.filter(day).filter((d) => d.startsWith(year)) : [],
    };
  }
  return out;
}
