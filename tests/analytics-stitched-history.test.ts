import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSandbox, type Sandbox } from '../src/sandbox/index.js';
import { ALL_ENTITY_STATUSES } from '../src/pinterest/config.js';
import { historyColumns, historyWindows, lastReportDay } from '../src/pinterest/analytics/history.js';
import { plusDays } from '../src/pinterest/analytics/windows.js';
import { runPass, sandboxConfig } from './entities-helpers.js';

// A start_date older than the sync API's 89-day reach: the four sync analytics tables hold every
// (entity, day) back to start_date, the older days read from DAY reports of the same level, with
// the same key, column names and values as the sandbox's ground truth on both sides of the seam.

const TODAY = '2025-06-15';
const START = plusDays(TODAY, -399);
let sb: Sandbox;
before(async () => {
  sb = await startSandbox({ scale: 'small', seed: 31, today: TODAY, reportPolls: 1, shape: { campaignsPerAccount: 2, adGroupsPerCampaign: 2, adsPerAdGroup: 2 } });
});
after(() => sb.close());

type Doc = Record<string, unknown>;

const TABLES = [
  { stream: 'ad_account_analytics', level: 'AD_ACCOUNT', reportLevel: 'ADVERTISER', id: 'AD_ACCOUNT_ID', ids: (_a: string): string[] | undefined => undefined },
  { stream: 'campaign_analytics', level: 'CAMPAIGN', reportLevel: 'CAMPAIGN', id: 'CAMPAIGN_ID', ids: (a: string) => sb.data.campaigns(a).map((x) => String(x.id)) },
  { stream: 'ad_group_analytics', level: 'AD_GROUP', reportLevel: 'AD_GROUP', id: 'AD_GROUP_ID', ids: (a: string) => sb.data.adGroups(a).map((x) => String(x.id)) },
  { stream: 'ad_analytics', level: 'AD', reportLevel: 'PIN_PROMOTION', id: 'AD_ID', ids: (a: string) => sb.data.ads(a).map((x) => String(x.id)) },
] as const;

function config(extra: Record<string, unknown> = {}) {
  return {
    ...sandboxConfig(sb, { today: TODAY, report_poll_initial_ms: 5, report_poll_max_ms: 20 }),
    start_date: START,
    entity_statuses: ALL_ENTITY_STATUSES,
    ...extra,
  };
}

test('report windows cover start_date up to the day before the sync floor, none once the cursor is recent', () => {
  assert.equal(lastReportDay(TODAY), plusDays(TODAY, -90));
  const w = historyWindows({ today: TODAY, startDate: START, lookbackDays: 30 });
  assert.deepEqual([w[0].start, w[w.length - 1].end], [START, plusDays(TODAY, -90)]);
  assert.ok(w.every((x, i) => i === 0 || x.start === plusDays(w[i - 1].end, 1)), 'consecutive');
  assert.deepEqual(historyWindows({ today: TODAY, startDate: START, cursor: plusDays(TODAY, -1), lookbackDays: 30 }), []);
  // A cursor left far behind (a paused capture) re-reads its gap from reports, less the lookback.
  const gap = historyWindows({ today: TODAY, startDate: START, cursor: plusDays(TODAY, -200), lookbackDays: 30 });
  assert.equal(gap[0].start, plusDays(TODAY, -229));
  assert.ok(historyColumns('PIN_PROMOTION').includes('AD_ID') && historyColumns('PIN_PROMOTION').includes('SPEND_IN_DOLLAR'));
});

for (const t of TABLES) {
  test(`${t.stream}: every (entity, day) of a 400-day start_date, values equal to the sandbox's across the 89-day seam`, async () => {
    const run = await runPass(config(), t.stream);
    assert.equal(run.crashed, false);
    const docs = run.docs as Doc[];
    const columns = historyColumns(t.reportLevel).filter((c) => !c.endsWith('_ID'));
    const expected = new Map<string, Doc>();
    for (const a of sb.data.adAccountIds()) {
      for (const r of sb.expectedAnalyticsRows({ level: t.level, adAccountId: a, ids: t.ids(a), startDate: START, endDate: TODAY, columns: [t.id, ...columns] })) {
        expected.set(`${String(r[t.id])}|${String(r.DATE)}`, r);
      }
    }
    const got = new Map(docs.map((d) => [`${String(d[t.id])}|${String(d.DATE)}`, d]));
    assert.equal(got.size, docs.length, 'one document per (entity, day)');
    const seam = plusDays(TODAY, -89);
    const older = [...expected.keys()].filter((k) => k.split('|')[1] < seam);
    assert.ok(older.length > 0 && older.length < expected.size, 'the sandbox has days on both sides of the seam');
    assert.deepEqual([...got.keys()].sort(), [...expected.keys()].sort(), 'every (entity, day), nothing else');
    for (const [k, want] of expected) {
      const d = got.get(k)!;
      assert.equal(typeof d[t.id], 'string', 'ids are strings');
      for (const c of columns) assert.deepEqual(d[c], want[c], `${k} ${c}`);
      assert.equal(typeof d.SETTLED, 'boolean');
    }
    const days = [...new Set(docs.map((d) => String(d.DATE)))].sort();
    assert.ok(days[0] < plusDays(TODAY, -300), `reaches back to start_date (${days[0]})`);
    // One cursor per account, at today: the next poll reads only the sync API's lookback.
    const next = await runPass(config(), t.stream, { state: run.state });
    const nextDays = next.docs.map((d) => String((d).DATE)).sort();
    assert.ok(nextDays.length > 0 && nextDays[0] >= seam, `the next poll stays within the sync API (${nextDays[0]})`);
  });
}

test('older days cost a few report jobs per account; sync calls stay within the sync API\'s 89 days', async () => {
  sb.resetStats();
  await runPass(config(), 'campaign_analytics');
  const creates = sb.requests().filter((r) => r.operationId === 'analytics/create_report');
  assert.ok(creates.length >= sb.data.adAccountIds().length * 2, `${creates.length} report jobs (≥2 per account for 310 days)`);
  const syncCalls = sb.requests().filter((r) => r.operationId === 'campaigns/analytics');
  assert.ok(syncCalls.length > 0);
  for (const r of syncCalls) {
    const q = new URLSearchParams(r.query);
    assert.ok((q.get('start_date') ?? '') >= plusDays(TODAY, -89), 'sync calls stay within 89 days');
  }
});
