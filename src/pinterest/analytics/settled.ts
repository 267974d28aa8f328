import { addDays, formatISO, parseISO } from 'date-fns';
import type { Attribution } from '../config.js';

// Pinterest keeps attributing conversions to a day for as long as the longest attribution window
// (click, engagement, view), and takes up to two more days to process them. A row whose day is
// older than that is final: SETTLED = true. Incremental models rebuild only unsettled days.

export const CONVERSION_PROCESSING_DAYS = 2;

export const SETTLED_SCHEMA = {
  type: 'boolean',
  description:
    'true when DATE is older than today - (the largest attribution window: click, engagement, view) - 2 days (Pinterest\'s conversion processing delay): numbers Pinterest will no longer change.',
};

/** Rows whose day (YYYY-MM-DD) is before the returned day are settled. */
export function settledBefore(today: string, attribution: Pick<Attribution, 'click_window_days' | 'engagement_window_days' | 'view_window_days'>): string {
  const longest = Math.max(attribution.click_window_days, attribution.engagement_window_days, attribution.view_window_days);
  return formatISO(addDays(parseISO(today), -(longest + CONVERSION_PROCESSING_DAYS)), { representation: 'date' });
}

/** Sets SETTLED on a row from its day (DATE, or END_DATE for totals); hourly DATEs carry a time. */
export function markSettled(row: Record<string, unknown>, before: string): void {
  const day = typeof row.DATE === 'string' ? row.DATE : typeof row.END_DATE === 'string' ? row.END_DATE : undefined;
  row.SETTLED = day !== undefined && day.slice(0, 10) < before;
}
