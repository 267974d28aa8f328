import { test } from 'node:test';
import assert from 'node:assert/strict';
import { daysBetween, plusDays, pollRange, pollWindows, reportLimits, splitWindows, SYNC_LIMITS, REPORT_LIMITS } from '../src/pinterest/analytics/windows.js';
import { plan } from '../src/pinterest/analytics/planner.js';
import { airbyteStyleCalls, minimalCalls } from '../src/bench/call-counts.js';

const today = '2025-06-30';

test('first poll starts at start_date clamped to today−89 and is one ≤90-day window', () => {
  const w = pollWindows({ today, startDate: '2020-01-01', lookbackDays: 30, limits: SYNC_LIMITS });
  assert.deepEqual(w, [{ start: '2025-04-02', end: today }]);
  assert.equal(daysBetween(w[0].start, w[0].end) + 1, 90);
  // A recent start_date wins over the API floor.
  assert.deepEqual(pollWindows({ today, startDate: '2025-06-01', lookbackDays: 30, limits: SYNC_LIMITS }), [{ start: '2025-06-01', end: today }]);
});

test('later polls re-read the lookback before the cursor, and today always', () => {
  // cursor = yesterday: re-read 30 days before the day after the cursor.
  assert.deepEqual(pollRange({ today, startDate: '2020-01-01', cursor: '2025-06-29', lookbackDays: 30, limits: SYNC_LIMITS }), { start: '2025-05-31', end: today });
  // cursor = today (read earlier today): resume is clamped to today.
  assert.deepEqual(pollRange({ today, startDate: '2020-01-01', cursor: today, lookbackDays: 30, limits: SYNC_LIMITS }), { start: '2025-05-31', end: today });
  assert.deepEqual(pollRange({ today, startDate: '2020-01-01', cursor: today, lookbackDays: 0, limits: SYNC_LIMITS }), { start: today, end: today });
  // A stale cursor (a long pause) never reaches past the API floor.
  assert.deepEqual(pollRange({ today, startDate: '2020-01-01', cursor: '2024-01-01', lookbackDays: 30, limits: SYNC_LIMITS }), { start: '2025-04-02', end: today });
  // start_date in the future: nothing to read.
  assert.equal(pollRange({ today, startDate: '2025-07-05', lookbackDays: 30, limits: SYNC_LIMITS }), null);
});

test('report windows: ≤186 days, ≤913 days back, contiguous and complete', () => {
  const w = pollWindows({ today, startDate: '2000-01-01', lookbackDays: 30, limits: REPORT_LIMITS });
  assert.equal(w[0].start, plusDays(today, -913));
  assert.equal(w.at(-1)!.end, today);
  for (let i = 0; i < w.length; i++) {
    assert.ok(daysBetween(w[i].start, w[i].end) + 1 <= 186);
    if (i) assert.equal(w[i].start, plusDays(w[i - 1].end, 1));
  }
  assert.equal(w.length, Math.ceil(914 / 186));
  assert.deepEqual(reportLimits('PRODUCT_ITEM', 'DAY'), { maxBack: 91, maxRange: 31 });
  assert.deepEqual(reportLimits('CAMPAIGN', 'HOUR'), { maxBack: 7, maxRange: 3 });
});

test('splitWindows across month and year boundaries', () => {
  assert.deepEqual(splitWindows({ start: '2024-12-30', end: '2025-01-03' }, 2), [
    { start: '2024-12-30', end: '2024-12-31' },
    { start: '2025-01-01', end: '2025-01-02' },
    { start: '2025-01-03', end: '2025-01-03' },
  ]);
  assert.deepEqual(splitWindows({ start: '2024-02-28', end: '2024-03-01' }, 90), [{ start: '2024-02-28', end: '2024-03-01' }]);
});

test('planner batches ids ≤250 per call and counts batches × windows per account', () => {
  const ids = (n: number, p: string) => Array.from({ length: n }, (_, i) => `${p}${i}`);
  const p = plan({
    stream: 'ad_analytics',
    accounts: [
      { id: '1', ids: ids(3000, '1') },
      { id: '2', ids: [...ids(251, '2'), '20'] }, // duplicate id counted once
      { id: '3', ids: [], cursor: today },
    ],
    today,
    startDate: '2020-01-01',
    lookbackDays: 30,
    limits: SYNC_LIMITS,
    batch: 250,
  });
  assert.equal(p.accounts[0].batches.length, 12);
  assert.equal(p.accounts[1].entities, 251);
  assert.equal(p.accounts[1].batches.length, 2);
  assert.ok(p.accounts.every((a) => a.batches.every((b) => b.length <= 250)));
  assert.equal(p.calls, 12 + 2 + 0);
  assert.match(p.reason, /account 1: 3000 ids → 12 batch\(es\) of ≤250 × 1 window/);
  assert.equal(minimalCalls([3000, 251], 89, 250, 90), 14);
  assert.equal(airbyteStyleCalls([3000, 251], 89), 3 * 3251);
});

test('WEEK and MONTH report windows hold whole periods, so no period is split across requests', () => {
  const weeks = pollWindows({ today, startDate: '2024-01-10', lookbackDays: 30, limits: REPORT_LIMITS, granularity: 'WEEK' });
  assert.equal(weeks[0].start, '2024-01-08'); // the Monday of 2024-01-10's week
  for (let i = 0; i < weeks.length; i++) {
    const w = weeks[i];
    assert.ok(daysBetween(w.start, w.end) + 1 <= 186, `${w.start}..${w.end}`);
    assert.equal(new Date(`${w.start}T00:00:00Z`).getUTCDay(), 1, `${w.start} is a Monday`);
    if (i < weeks.length - 1) assert.equal(new Date(`${w.end}T00:00:00Z`).getUTCDay(), 0, `${w.end} is a Sunday`);
    if (i) assert.equal(w.start, plusDays(weeks[i - 1].end, 1));
  }
  assert.equal(weeks.at(-1)!.end, today);
  const months = pollWindows({ today, startDate: '2024-01-10', lookbackDays: 30, limits: REPORT_LIMITS, granularity: 'MONTH' });
  assert.deepEqual(months, [
    { start: '2024-01-01', end: '2024-06-30' },
    { start: '2024-07-01', end: '2024-12-31' },
    { start: '2025-01-01', end: '2025-06-30' },
  ]);
  // At the API floor the first period starts at the floor (it cannot be read whole).
  const floor = plusDays(today, -913);
  const old = pollWindows({ today, startDate: '2000-01-01', lookbackDays: 30, limits: REPORT_LIMITS, granularity: 'MONTH' });
  assert.equal(old[0].start, floor);
  assert.ok(old[1].start.endsWith('-01'));
  // A later poll re-reads the lookback from the start of its period.
  assert.deepEqual(pollWindows({ today, startDate: '2020-01-01', cursor: today, lookbackDays: 7, limits: REPORT_LIMITS, granularity: 'MONTH' }), [{ start: '2025-06-01', end: today }]);
});
