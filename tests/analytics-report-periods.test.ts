import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSandbox, type Sandbox } from '../src/sandbox/index.js';
import { runBindings, sandboxConfig } from '../src/bench/run-binding.js';
import { createLogger } from '../src/log.js';
import { daysBetween, plusDays, pollWindows, REPORT_LIMITS, PRODUCT_ITEM_LIMITS } from '../src/pinterest/analytics/windows.js';
import { customReportDef } from '../src/pinterest/streams/table.js';
import { streamSchema } from '../src/pinterest/streams/schemas.js';
import type { CustomReport } from '../src/pinterest/config.js';

// WEEK / MONTH / TOTAL custom reports over several polls: each period keeps one document whose key
// is the same whichever poll (first read, lookback re-read, a later day) produced it, and whose
// numbers are those of the whole period, so merging the polls by key (as Flow does) gives exactly
// the rows of one report over the whole range.

const T1 = '2025-06-30';
const T2 = '2025-07-05';
const log = createLogger('error');
let sb: Sandbox;
before(async () => {
  sb = await startSandbox({ today: T1, seed: 5, reportPolls: 1, shape: { adAccounts: 1, campaignsPerAccount: 3, adGroupsPerCampaign: 1, adsPerAdGroup: 1, catalogs: 1, feedsPerCatalog: 1, productGroupsPerFeed: 2 } });
});
after(() => sb.close());

const COLS = ['SPEND_IN_DOLLAR', 'TOTAL_IMPRESSION', 'CTR'];
const REPORTS: CustomReport[] = [
  { name: 'weekly', level: 'CAMPAIGN', granularity: 'WEEK', columns: COLS },
  { name: 'monthly', level: 'CAMPAIGN', granularity: 'MONTH', columns: COLS },
  // 31-day windows, 91 days back at most: with an 89-day lookback the re-read reaches a month that
  // began before the API floor.
  { name: 'items_monthly', level: 'PRODUCT_ITEM', granularity: 'MONTH', columns: ['SPEND_IN_DOLLAR', 'TOTAL_IMPRESSION'] },
  { name: 'totals', level: 'CAMPAIGN', granularity: 'TOTAL', columns: COLS },
];
const fast = { report_poll_initial_ms: 5, report_poll_max_ms: 20 };
const keyOf = (r: CustomReport, d: Record<string, unknown>) => JSON.stringify(customReportDef(r).key.map((k) => d[k.slice(1)]));

/** The sandbox's rows for one report window, computed on a day the API accepts that window. */
function expectedRows(r: CustomReport, start: string, end: string): Record<string, unknown>[] {
  const acct = sb.data.adAccountIds()[0];
  sb.control({ action: 'today', today: end });
  try {
    // Every report is one ad account's: the connector names it on rows whose file does not.
    const rows = sb.expectedReportRows(acct, { start_date: start, end_date: end, granularity: r.granularity, level: r.level, columns: r.columns }).map((x) => ({ ADVERTISER_ID: acct, ...x }));
    return r.granularity === 'TOTAL' ? rows.map((x) => ({ ...x, START_DATE: start, END_DATE: end })) : rows;
  } finally {
    sb.control({ action: 'today', today: T2 });
  }
}

test('WEEK / MONTH / TOTAL report windows: whole periods, fixed TOTAL blocks, no re-read of a period the API floor cut', () => {
  // TOTAL: blocks of 186 days from the start date; a later poll re-reads the current block whole.
  const first = pollWindows({ today: T1, startDate: '2024-06-01', lookbackDays: 7, limits: REPORT_LIMITS, granularity: 'TOTAL' });
  assert.deepEqual(first, [
    { start: '2024-06-01', end: '2024-12-03' },
    { start: '2024-12-04', end: '2025-06-07' },
    { start: '2025-06-08', end: T1 },
  ]);
  assert.deepEqual(pollWindows({ today: T2, startDate: '2024-06-01', cursor: T1, lookbackDays: 7, limits: REPORT_LIMITS, granularity: 'TOTAL' }), [{ start: '2025-06-08', end: T2 }]);
  // A later poll in a new block: the old block is not re-read unless the lookback reaches it.
  assert.deepEqual(pollWindows({ today: '2025-12-20', startDate: '2024-06-01', cursor: '2025-12-19', lookbackDays: 0, limits: REPORT_LIMITS, granularity: 'TOTAL' }), [{ start: '2025-12-11', end: '2025-12-20' }]);
  assert.deepEqual(pollWindows({ today: '2025-12-20', startDate: '2024-06-01', cursor: '2025-12-19', lookbackDays: 30, limits: REPORT_LIMITS, granularity: 'TOTAL' }), [
    { start: '2025-06-08', end: '2025-12-10' },
    { start: '2025-12-11', end: '2025-12-20' },
  ]);
  // Same windows whichever day within the lookback the poll runs: the keys of a period are stable.
  for (const [today, cursor] of [['2025-07-01', T1], ['2025-07-03', '2025-07-02'], ['2025-07-31', '2025-07-30']] as const) {
    const w = pollWindows({ today, startDate: '2024-01-01', cursor, lookbackDays: 7, limits: REPORT_LIMITS, granularity: 'MONTH' });
    assert.equal(w[0].start.slice(8), '01', `${today}: MONTH windows start on the 1st (${w[0].start})`);
    const wk = pollWindows({ today, startDate: '2024-01-01', cursor, lookbackDays: 7, limits: REPORT_LIMITS, granularity: 'WEEK' });
    assert.equal(new Date(`${wk[0].start}T00:00:00Z`).getUTCDay(), 1, `${today}: WEEK windows start on a Monday`);
  }
  // PRODUCT_ITEM (91 days back): April began before T2's floor (04-05) and was read whole on T1, so
  // T2 does not re-read a part of it; on a first read the part is all there is.
  assert.deepEqual(pollWindows({ today: T2, startDate: '2025-01-01', cursor: T1, lookbackDays: 89, limits: PRODUCT_ITEM_LIMITS, granularity: 'MONTH' }), [
    { start: '2025-05-01', end: '2025-05-31' },
    { start: '2025-06-01', end: '2025-06-30' },
    { start: '2025-07-01', end: T2 },
  ]);
  assert.equal(pollWindows({ today: T2, startDate: '2025-01-01', lookbackDays: 89, limits: PRODUCT_ITEM_LIMITS, granularity: 'MONTH' })[0].start, plusDays(T2, -91));
  // A stale cursor inside the cut period: its unread days are read from the floor.
  assert.equal(pollWindows({ today: T2, startDate: '2025-01-01', cursor: '2025-04-10', lookbackDays: 0, limits: PRODUCT_ITEM_LIMITS, granularity: 'MONTH' })[0].start, '2025-04-11');
});

test('TOTAL custom report schema: keyed by START_DATE, with END_DATE', () => {
  const def = customReportDef(REPORTS[3]);
  assert.deepEqual(def.key, ['/CAMPAIGN_ID', '/START_DATE']);
  const s = streamSchema(def) as { required: string[]; properties: Record<string, { format?: string }> };
  assert.deepEqual(s.required, ['CAMPAIGN_ID', 'START_DATE']);
  assert.ok(s.properties.END_DATE, 'END_DATE is declared');
  assert.equal(s.properties.START_DATE.format, 'date');
  assert.equal(s.properties.END_DATE.format, 'date');
});

test('two polls days apart, with lookback re-reads: one document per period, equal to the whole period', async () => {
  sb.control({ action: 'today', today: T1 });
  const streams = REPORTS.map((r) => `custom_${r.name}`);
  const config1 = sandboxConfig(sb.baseUrl, { start_date: '2024-06-01', lookback_window_days: 89, custom_reports: REPORTS, advanced: { ...fast, today: T1 } });
  const first = await runBindings(config1, streams, log);
  sb.control({ action: 'today', today: T2 });
  const config2 = { ...config1, advanced: { ...config1.advanced, today: T2 } };
  const states = Object.fromEntries(streams.map((s) => [s, first.passes[s].state]));
  const second = await runBindings(config2, streams, log, states);

  for (const r of REPORTS) {
    const s = `custom_${r.name}`;
    // Merge by key, the later document replacing the earlier (a Flow collection's reduction).
    const merged = new Map<string, Record<string, unknown>>();
    for (const d of [...first.passes[s].docs, ...second.passes[s].docs]) merged.set(keyOf(r, d), d);
    assert.ok(second.passes[s].docs.length > 0, `${s}: the second poll re-read something`);

    // The truth: every period from the first window read through T2, each read whole (or, for a
    // period the API floor cut on the first read, from that floor).
    const windows = pollWindows({ today: T1, startDate: '2024-06-01', lookbackDays: 89, limits: r.level === 'PRODUCT_ITEM' ? PRODUCT_ITEM_LIMITS : REPORT_LIMITS, granularity: r.granularity });
    const expected = new Map<string, Record<string, unknown>>();
    const periods = r.granularity === 'TOTAL' ? [...windows.slice(0, -1), { start: windows.at(-1)!.start, end: T2 }] : periodsOf(r.granularity, windows[0].start, T2);
    for (const p of periods) for (const e of expectedRows(r, p.start, p.end)) expected.set(keyOf(r, e), e);
    assert.ok(expected.size > 0, `${s}: the sandbox holds rows`);
    assert.deepEqual([...merged.keys()].sort(), [...expected.keys()].sort(), `${s}: one document per period, no duplicate or missing period`);
    for (const [k, e] of expected) {
      const { SETTLED, ...got } = merged.get(k) ?? {};
      assert.equal(typeof SETTLED, 'boolean', `${s} ${k}: SETTLED`);
      assert.deepEqual(got, e, `${s} ${k}: the whole period's numbers`);
    }
  }
});

/** Consecutive WEEK / MONTH periods from `start` (a period start or the floor) through `end`. */
function periodsOf(g: string, start: string, end: string): Array<{ start: string; end: string }> {
  const out: Array<{ start: string; end: string }> = [];
  let s = start;
  while (s <= end) {
    let e: string;
    if (g === 'WEEK') e = plusDays(s, 6 - ((new Date(`${s}T00:00:00Z`).getUTCDay() + 6) % 7));
    else {
      const d = new Date(`${s}T00:00:00Z`);
      e = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).toISOString().slice(0, 10);
    }
    if (e > end) e = end;
    assert.ok(daysBetween(s, e) < 31);
    out.push({ start: s, end: e });
    s = plusDays(e, 1);
  }
  return out;
}
