// Per-function entry points: the package index loads all of date-fns (~20 MB of RSS in the connector).
import { addDays } from 'date-fns/addDays';
import { differenceInCalendarDays } from 'date-fns/differenceInCalendarDays';
import { formatISO } from 'date-fns/formatISO';
import { max as maxDate } from 'date-fns/max';
import { min as minDate } from 'date-fns/min';
import { parseISO } from 'date-fns/parseISO';
import { addMonths } from 'date-fns/addMonths';
import { startOfISOWeek } from 'date-fns/startOfISOWeek';
import { startOfMonth } from 'date-fns/startOfMonth';

// Date windows for analytics requests. Every date is a UTC calendar day `YYYY-MM-DD`; the math
// runs on local-midnight Date values from parseISO, which is consistent whatever the TZ.

export interface DateWindow {
  start: string; // inclusive
  end: string; // inclusive
}

/**
 * What the API permits for one kind of request. `maxBack`: the oldest start is today − maxBack
 * (already one day inside Pinterest's published limit, so a day boundary crossed between planning
 * and the request never makes it invalid). `maxRange`: most days (inclusive) one request may span.
 */
export interface DateLimits {
  maxBack: number;
  maxRange: number;
}

// Sync analytics: "start ≤ 90 days before today, range ≤ 90 days".
export const SYNC_LIMITS: DateLimits = { maxBack: 89, maxRange: 90 };
// Async reports: 914 days back, 186-day range; PRODUCT_ITEM 92/31; HOUR 8/3.
export const REPORT_LIMITS: DateLimits = { maxBack: 913, maxRange: 186 };
export const PRODUCT_ITEM_LIMITS: DateLimits = { maxBack: 91, maxRange: 31 };
export const HOUR_LIMITS: DateLimits = { maxBack: 7, maxRange: 3 };

export function reportLimits(level: string, granularity: string): DateLimits {
  if (granularity === 'HOUR') return HOUR_LIMITS;
  if (level.startsWith('PRODUCT_ITEM')) return PRODUCT_ITEM_LIMITS;
  return REPORT_LIMITS;
}

export const day = (d: string): Date => parseISO(d);
export const fmt = (d: Date): string => formatISO(d, { representation: 'date' });
export const plusDays = (d: string, n: number): string => fmt(addDays(day(d), n));
export const daysBetween = (a: string, b: string): number => differenceInCalendarDays(day(b), day(a));

/** Today's UTC date as `YYYY-MM-DD`. */
export function utcToday(now = new Date()): string {
  return now.toISOString().slice(0, 10);
}

/**
 * The range one poll reads for one account: from the cursor (last day fully read) minus the
 * lookback, never before `startDate` nor the API's oldest permitted day, through today. Today is
 * always re-read because it is still accumulating.
 */
export function pollRange(opts: {
  today: string;
  startDate: string;
  cursor?: string;
  lookbackDays: number;
  limits: DateLimits;
}): DateWindow | null {
  const { today, startDate, cursor, lookbackDays, limits } = opts;
  const floor = maxDate([day(startDate), addDays(day(today), -limits.maxBack)]);
  let start = floor;
  if (cursor) {
    const resume = minDate([addDays(day(cursor), 1), day(today)]);
    start = maxDate([floor, addDays(resume, -Math.max(0, lookbackDays))]);
  }
  if (start > day(today)) return null;
  return { start: fmt(start), end: today };
}

/** Splits an inclusive range into consecutive windows of at most `maxRange` days, oldest first. */
export function splitWindows(range: DateWindow, maxRange: number): DateWindow[] {
  const out: DateWindow[] = [];
  const end = day(range.end);
  for (let s = day(range.start); s <= end; s = addDays(s, maxRange)) {
    const e = minDate([addDays(s, maxRange - 1), end]);
    out.push({ start: fmt(s), end: fmt(e) });
  }
  return out;
}

export type PeriodGranularity = 'WEEK' | 'MONTH' | 'TOTAL';

/**
 * Windows for WEEK / MONTH / TOTAL rows. A period split across two requests would come back as
 * two partial rows with the same key, the later replacing the earlier. So windows start on a
 * period start (ISO Monday / the 1st / a TOTAL block start; the first window is pulled back to one
 * when the API floor allows) and hold whole periods only.
 *
 * TOTAL rows cover their whole request window, so the windows themselves are the periods: fixed
 * blocks of `maxRange` days counted from `anchor` (the report's start date). A re-read (lookback)
 * of the current block requests it whole again and yields the same START_DATE, so its document is
 * replaced, never duplicated by an overlapping one. Changing the start date re-anchors the blocks.
 *
 * A period that began before the API floor can only be read in part. On the read that first
 * reaches it, that part is read (it is all there is); once the cursor is past the period's end it
 * is never re-read, since a re-read from a later floor would replace its row with a smaller part.
 */
export function periodWindows(range: DateWindow, granularity: PeriodGranularity, limits: DateLimits, today: string, opts: { anchor?: string; cursor?: string } = {}): DateWindow[] {
  const floor = addDays(day(today), -limits.maxBack);
  const anchor = day(opts.anchor ?? range.start);
  const block = limits.maxRange;
  const periodStart = (d: Date): Date => {
    if (granularity === 'WEEK') return startOfISOWeek(d);
    if (granularity === 'MONTH') return startOfMonth(d);
    return addDays(anchor, Math.floor(differenceInCalendarDays(d, anchor) / block) * block);
  };
  const next = (d: Date) => (granularity === 'WEEK' ? addDays(d, 7) : granularity === 'MONTH' ? addMonths(d, 1) : addDays(d, block));
  let s = periodStart(day(range.start));
  if (s < floor) {
    const readBefore = opts.cursor !== undefined && day(opts.cursor) >= addDays(next(s), -1);
    s = readBefore ? next(s) : maxDate([floor, day(range.start)]);
  }
  const end = day(range.end);
  const out: DateWindow[] = [];
  while (s <= end) {
    // Take whole periods while they fit in maxRange (at least one, clipped to maxRange).
    let e = next(periodStart(s));
    while (next(e) <= addDays(s, limits.maxRange) && e <= end) e = next(e);
    const last = minDate([addDays(e, -1), end, addDays(s, limits.maxRange - 1)]);
    out.push({ start: fmt(s), end: fmt(last) });
    s = addDays(last, 1);
  }
  return out;
}

/** Windows one poll reads: `pollRange` split by the limits' maximum range (whole periods for WEEK/MONTH/TOTAL). */
export function pollWindows(opts: Parameters<typeof pollRange>[0] & { granularity?: string }): DateWindow[] {
  const range = pollRange(opts);
  if (!range) return [];
  const g = opts.granularity;
  if (g === 'WEEK' || g === 'MONTH' || g === 'TOTAL') return periodWindows(range, g, opts.limits, opts.today, { anchor: opts.startDate, cursor: opts.cursor });
  return splitWindows(range, opts.limits.maxRange);
}

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
