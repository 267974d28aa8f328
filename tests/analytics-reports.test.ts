import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSandbox, type Sandbox } from '../src/sandbox/index.js';
import { runBindings, sandboxConfig } from '../src/bench/run-binding.js';
import { createLogger } from '../src/log.js';
import { reportBody } from '../src/pinterest/analytics/reports.js';
import { plusDays } from '../src/pinterest/analytics/windows.js';
import { customReportDef, STREAMS_BY_NAME } from '../src/pinterest/streams/table.js';
import type { CustomReport } from '../src/pinterest/config.js';

const TODAY = '2025-06-30';
const log = createLogger('error');
let sb: Sandbox;

before(async () => {
  sb = await startSandbox({ today: TODAY, seed: 11, reportPolls: 2, shape: { adAccounts: 2, campaignsPerAccount: 4, adGroupsPerCampaign: 3, adsPerAdGroup: 2 } });
});
after(() => sb.close());

const CONVERSIONS = ['SPEND_IN_DOLLAR', 'TOTAL_CLICKTHROUGH', 'TOTAL_CONVERSIONS', 'TOTAL_CHECKOUT', 'TOTAL_CHECKOUT_VALUE_IN_MICRO_DOLLAR', 'TOTAL_CLICK_CHECKOUT'];
const custom: CustomReport = { name: 'ad_groups_7d', level: 'AD_GROUP', granularity: 'DAY', columns: CONVERSIONS, click_window_days: 7, view_window_days: 7 };
// Fast polls, and an analytics budget above Pinterest's 300/min so polling does not pace the test.
const fast = { today: TODAY, report_poll_initial_ms: 5, report_poll_max_ms: 20, rate_limits: { ads_analytics: 30_000 } };

const key = (idCol: string, r: Record<string, unknown>) => `${String(r[idCol])}|${String(r.DATE)}`;
const index = (idCol: string, rows: Array<Record<string, unknown>>) => new Map(rows.map((r) => [key(idCol, r), r]));

test('report bodies carry the attribution settings, custom overrides and filters', () => {
  const config = sandboxConfig('http://127.0.0.1:1/v5', { attribution: { click_window_days: 14, engagement_window_days: 7, view_window_days: 0, conversion_report_time: 'TIME_OF_CONVERSION' } });
  const w = { start: '2025-01-01', end: '2025-06-30' };
  const def = STREAMS_BY_NAME.get('campaign_analytics_report');
  assert.equal(def?.strategy, 'async_report');
  const std = reportBody(def, config, w);
  assert.deepEqual(
    { ...std, columns: undefined },
    { start_date: '2025-01-01', end_date: '2025-06-30', granularity: 'DAY', level: 'CAMPAIGN', columns: undefined, click_window_days: 14, engagement_window_days: 7, view_window_days: 0, conversion_report_time: 'TIME_OF_CONVERSION', report_format: 'JSON' },
  );
  assert.ok((std.columns as string[]).length > 500);
  const c = reportBody(customReportDef({ ...custom, campaign_statuses: ['ACTIVE'], bogus: 1 }), config, w);
  assert.equal(c.click_window_days, 7);
  assert.equal(c.view_window_days, 7);
  assert.equal(c.engagement_window_days, 7);
  assert.equal(c.conversion_report_time, 'TIME_OF_CONVERSION');
  assert.deepEqual(c.campaign_statuses, ['ACTIVE']);
  assert.deepEqual(c.columns, CONVERSIONS);
  assert.equal('bogus' in c, false);
});

test('async reports: windows back to 913 days, rows keep their ids, numbers match the sync API; custom reports honour their attribution', async () => {
  const config = sandboxConfig(sb.baseUrl, { start_date: '2022-01-01', custom_reports: [custom], advanced: fast });
  sb.resetStats();
  const run = await runBindings(config, ['campaign_analytics_report', 'custom_ad_groups_7d', 'campaign_analytics'], log);
  const report = run.passes.campaign_analytics_report;
  const sync = run.passes.campaign_analytics;

  // 914 days back in ≤186-day windows: 5 reports per account (the sandbox refuses anything wider or older).
  const reqs = sb.requests();
  const creates = reqs.filter((r) => r.method === 'POST' && r.path.endsWith('/reports'));
  // campaign_analytics stitches its days older than the sync API's 89 from CAMPAIGN DAY reports: 5 more.
  assert.equal(creates.length, 2 * 5 + 2 * 5 + 2 * 5);
  // Several reports in flight: more were created before the first file was downloaded.
  const firstDownload = reqs.findIndex((r) => r.operationId === 'report/download');
  assert.ok(reqs.slice(0, firstDownload).filter((r) => r.method === 'POST').length >= 3, 'reports run concurrently');
  const dates = report.docs.map((d) => String(d.DATE)).sort();
  assert.ok(dates[0] >= plusDays(TODAY, -913) && dates[0] < plusDays(TODAY, -700), `oldest report day ${dates[0]}`);
  assert.equal(dates.at(-1), TODAY);
  for (const d of report.docs) {
    assert.equal(typeof d.CAMPAIGN_ID, 'string');
    assert.match(String(d.DATE), /^\d{4}-\d{2}-\d{2}$/);
  }
  assert.equal(index('CAMPAIGN_ID', report.docs).size, report.docs.length, 'one document per (campaign, day)');
  for (const id of sb.data.adAccountIds()) assert.deepEqual((report.state.subtasks as Record<string, unknown>)[`ad_account:${id}`], { lastDay: TODAY });

  // Overlapping days: the report and the sync API agree on every shared column.
  const byKey = index('CAMPAIGN_ID', report.docs);
  let compared = 0;
  for (const s of sync.docs) {
    const r = byKey.get(key('CAMPAIGN_ID', s));
    assert.ok(r, `report has ${key('CAMPAIGN_ID', s)}`);
    for (const [col, v] of Object.entries(s)) {
      if (col === 'DATE' || !(col in r) || typeof v !== 'number') continue;
      assert.equal(r[col], v, `${key('CAMPAIGN_ID', s)} ${col}`);
      compared++;
    }
  }
  assert.ok(compared > sync.docs.length * 20, `compared ${compared} values`);

  // Custom report (AD_GROUP, click/view windows 7): the sync API with the same attribution agrees.
  const cust = run.passes.custom_ad_groups_7d;
  const attribution = { ...config.attribution, click_window_days: 7, view_window_days: 7 };
  const custKeyed = index('AD_GROUP_ID', cust.docs);
  let differsFromDefault = 0;
  for (const id of sb.data.adAccountIds()) {
    const expected = sb.expectedAnalyticsRows({ level: 'AD_GROUP', adAccountId: id, startDate: plusDays(TODAY, -89), endDate: TODAY, columns: CONVERSIONS, attribution });
    const dflt = index('AD_GROUP_ID', sb.expectedAnalyticsRows({ level: 'AD_GROUP', adAccountId: id, startDate: plusDays(TODAY, -89), endDate: TODAY, columns: CONVERSIONS }));
    assert.ok(expected.length > 0);
    for (const e of expected) {
      const r = custKeyed.get(key('AD_GROUP_ID', e));
      assert.ok(r, `custom report has ${key('AD_GROUP_ID', e)}`);
      for (const c of CONVERSIONS) assert.equal(r[c] ?? 0, e[c] ?? 0, `${key('AD_GROUP_ID', e)} ${c}`);
      if (JSON.stringify(dflt.get(key('AD_GROUP_ID', e))) !== JSON.stringify(e)) differsFromDefault++;
    }
  }
  assert.ok(differsFromDefault > 0, 'the attribution override changes numbers');

  // Next poll: one report per account covering the lookback only, and a restated day comes back.
  const restated = plusDays(TODAY, -10);
  sb.restate({ date: restated, factor: 2 });
  sb.resetStats();
  const again = await runBindings(config, ['campaign_analytics_report'], log, { campaign_analytics_report: report.state });
  assert.equal(sb.requests().filter((r) => r.method === 'POST' && r.path.endsWith('/reports')).length, 2);
  const second = again.passes.campaign_analytics_report;
  assert.equal(second.docs.map((d) => String(d.DATE)).sort()[0], plusDays(TODAY, -30));
  const oldByKey = index('CAMPAIGN_ID', report.docs);
  const changed = second.docs.filter((d) => d.DATE === restated && JSON.stringify(d) !== JSON.stringify(oldByKey.get(key('CAMPAIGN_ID', d))));
  assert.ok(changed.length > 0, 'restated conversions re-captured');
});

test('report file downloads never carry the Authorization header and survive a truncated body', async () => {
  // The sandbox's file host answers 400 to any Authorization header, so a pass that completes
  // proves the header was left off; a truncated file is read again from a fresh URL.
  const shortSb = await startSandbox({ today: TODAY, seed: 3, faults: [{ kind: 'truncate', operations: ['report/download'], max: 1 }] });
  try {
    const config = sandboxConfig(shortSb.baseUrl, { start_date: plusDays(TODAY, -20), advanced: fast });
    const run = await runBindings(config, ['ad_group_report'], log);
    const docs = run.passes.ad_group_report.docs;
    assert.ok(docs.length > 0);
    assert.equal(Object.values(shortSb.stats().faults).reduce((a, b) => a + b, 0), 1, 'the truncation was injected');
    assert.equal(index('AD_GROUP_ID', docs).size, new Set(docs.map((d) => key('AD_GROUP_ID', d))).size);
  } finally {
    await shortSb.close();
  }
});
