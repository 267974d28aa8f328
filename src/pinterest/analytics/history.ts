import { reportColumnsFor, SYNC_ANALYTICS_COLUMNS } from '../columns.js';
import type { PinterestConfig } from '../config.js';
import type { AdAccountRef } from '../streams/strategy.js';
import type { ReportDef, SyncAnalyticsDef } from '../streams/types.js';
import type { ReportJobs } from './reports.js';
import type { Plan } from './planner.js';
import { accountDay } from './common.js';
import type { BindingState } from '../../connector/binding-state.js';
import { plusDays, pollRange, REPORT_LIMITS, splitWindows, SYNC_LIMITS, type DateWindow } from './windows.js';

// The sync analytics API answers only the last 90 days; DAY reports of the same level reach back
// 913 days and agree with it on every day both cover. A stitched table reads the days before the
// sync floor from reports and the rest from the sync API, one cursor per account throughout: the
// report windows come first (oldest days), so the cursor only ever moves forward.

/** The last day the sync API cannot answer: everything up to it comes from reports. */
export const lastReportDay = (today: string): string => plusDays(today, -SYNC_LIMITS.maxBack - 1);

/** Report windows one account needs this poll (none once its cursor, less the lookback, is within the sync API's reach). */
export function historyWindows(opts: { today: string; startDate: string; cursor?: string; lookbackDays: number }): DateWindow[] {
  const range = pollRange({ ...opts, limits: REPORT_LIMITS });
  if (!range) return [];
  const end = lastReportDay(opts.today);
  if (range.start > end) return [];
  return splitWindows({ start: range.start, end }, REPORT_LIMITS.maxRange);
}

/** Columns a stitched table's report rows carry: the level's report columns the sync API also has, in sync order. */
export function historyColumns(level: string): string[] {
  const offered = new Set(reportColumnsFor(level));
  return SYNC_ANALYTICS_COLUMNS.filter((c) => offered.has(c));
}

/**
 * The report jobs filling a stitched table's older days this poll, or null when none is needed.
 * Rows are kept only for the entities the sync side reads (the configured statuses), keyed by the
 * sync table's id column.
 */
export function historyJobs(def: SyncAnalyticsDef, config: PinterestConfig, state: Readonly<BindingState>, today: string, sync: Plan, accounts: ReadonlyMap<string, AdAccountRef>): ReportJobs | null {
  const history = def.history;
  if (!history) return null;
  const windows = sync.accounts
    .filter((a) => a.batches.length > 0)
    .map((a) => ({ account: a.account, windows: historyWindows({ today, startDate: config.start_date, cursor: accountDay(state, a.account), lookbackDays: config.lookback_window_days }) }))
    .filter((a) => a.windows.length > 0);
  if (windows.length === 0) return null;
  const wanted = def.ids ? new Set(sync.accounts.flatMap((a) => a.batches.flat())) : null;
  const reportDef: ReportDef = {
    name: def.name,
    key: def.key,
    category: def.category,
    schema: def.schema,
    interval: def.interval,
    syncModes: def.syncModes,
    scope: def.scope,
    strategy: 'async_report',
    level: history.level,
    granularity: 'DAY',
    columns: historyColumns(history.level),
  };
  const { idColumn } = def;
  const { reportIdColumn } = history;
  return {
    def: reportDef,
    accounts: windows.map((w) => accounts.get(w.account)).filter((a): a is AdAccountRef => a !== undefined),
    windows,
    adapt(row) {
      if (row[idColumn] == null && row[reportIdColumn] != null) row[idColumn] = row[reportIdColumn];
      return wanted === null || wanted.has(String(row[idColumn]));
    },
  };
}

/** One line per account for the debug plan: which days come from reports, which from the sync API. */
export function historySummary(jobs: ReportJobs | null, sync: Plan): Record<string, unknown> {
  const from = new Map(jobs?.windows.map((w) => [w.account, w.windows]) ?? []);
  return {
    stream: sync.stream,
    accounts: sync.accounts.map((a) => {
      const h = from.get(a.account) ?? [];
      const s = a.windows;
      return {
        account: a.account,
        reports: h.length ? `${h[0].start}..${h[h.length - 1].end} (${h.length} DAY report job(s), level ${jobs?.def.level})` : 'none',
        sync: s.length ? `${s[0].start}..${s[s.length - 1].end} (${a.calls} call(s))` : 'up to date',
      };
    }),
  };
}
