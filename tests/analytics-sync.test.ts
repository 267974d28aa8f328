import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSandbox, type Sandbox } from '../src/sandbox/index.js';
import { runBindings, sandboxConfig } from '../src/bench/run-binding.js';
import { createLogger } from '../src/log.js';
import { SYNC_ANALYTICS_COLUMNS } from '../src/pinterest/columns.js';
import { daysBetween, plusDays } from '../src/pinterest/analytics/windows.js';
import { Writable } from 'node:stream';
import { pino } from 'pino';

const TODAY = '2025-06-30';
const log = createLogger('error');
let sb: Sandbox;

before(async () => {
  // 2 campaigns × 13 ad groups × 10 ads = 260 ads per account: ad ids need two batches.
  sb = await startSandbox({ today: TODAY, seed: 7, shape: { adAccounts: 2, campaignsPerAccount: 2, adGroupsPerCampaign: 13, adsPerAdGroup: 10 } });
});
after(() => sb.close());

const LEVELS = [
  { stream: 'ad_account_analytics', level: 'AD_ACCOUNT', idCol: 'AD_ACCOUNT_ID', param: null },
  { stream: 'campaign_analytics', level: 'CAMPAIGN', idCol: 'CAMPAIGN_ID', param: 'campaign_ids' },
  { stream: 'ad_group_analytics', level: 'AD_GROUP', idCol: 'AD_GROUP_ID', param: 'ad_group_ids' },
  { stream: 'ad_analytics', level: 'AD', idCol: 'AD_ID', param: 'ad_ids' },
] as const;

const keyOf = (idCol: string) => (r: Record<string, unknown>) => `${String(r[idCol])}|${String(r.DATE)}`;
function byKey(rows: Array<Record<string, unknown>>, idCol: string): Map<string, Record<string, unknown>> {
  const m = new Map<string, Record<string, unknown>>();
  for (const r of rows) m.set(keyOf(idCol)(r), r);
  return m;
}

function analyticsRequests(): Array<{ path: string; q: URLSearchParams }> {
  return sb
    .requests()
    .filter((r) => /\/analytics$/.test(r.path) && r.path.includes('/ad_accounts/'))
    .map((r) => ({ path: r.path, q: new URLSearchParams(r.query) }));
}

test('sync analytics: every (entity, day) row of every status, batched ≤250 ids, ≤90 days, attribution on every call; restated days re-read', async () => {
  const attribution = { click_window_days: 7, engagement_window_days: 1, view_window_days: 1, conversion_report_time: 'TIME_OF_CONVERSION' as const };
  // The sync API's whole reach (older days are stitched from reports: analytics-stitched-history.test.ts).
  const config = sandboxConfig(sb.baseUrl, { start_date: plusDays(TODAY, -89), attribution, lookback_window_days: 14, advanced: { today: TODAY } });
  sb.resetStats();
  // The planner's debug line announces each binding's calls before it makes them.
  const lines: Array<{ msg: string; stream?: string; calls?: number; reason?: string }> = [];
  const sink = new Writable({ write(chunk, _enc, cb) { for (const l of String(chunk).split('\n')) if (l) lines.push(JSON.parse(l) as (typeof lines)[number]); cb(); } });
  const debugLog = pino({ level: 'debug' }, sink);
  const first = await runBindings(config, LEVELS.map((l) => l.stream), debugLog);
  await new Promise((r) => setImmediate(r));
  const plans = lines.filter((l) => l.msg === 'analytics request plan');
  assert.deepEqual(plans.map((p) => p.stream), LEVELS.map((l) => l.stream));
  const start = plusDays(TODAY, -89);

  for (const l of LEVELS) {
    const pass = first.passes[l.stream];
    const got = byKey(pass.docs, l.idCol);
    for (const id of sb.data.adAccountIds()) {
      const expected = sb.expectedAnalyticsRows({ level: l.level, adAccountId: id, startDate: start, endDate: TODAY, columns: [...SYNC_ANALYTICS_COLUMNS], attribution });
      assert.ok(expected.length > 0, `${l.stream}: sandbox holds rows`);
      for (const e of expected) {
        const found = got.get(keyOf(l.idCol)(e));
        assert.ok(found, `${l.stream}: row ${keyOf(l.idCol)(e)} captured`);
        const { SETTLED, ...g } = found;
        assert.deepEqual(g, e, `${l.stream}: row ${keyOf(l.idCol)(e)} has the sandbox's values`);
        // Final once older than today − the longest attribution window (7 days here) − 2 days.
        assert.equal(SETTLED, String(e.DATE) < plusDays(TODAY, -9), `${l.stream}: SETTLED of ${String(e.DATE)}`);
      }
    }
    // ids are strings everywhere; one document per (entity, day).
    for (const d of pass.docs) for (const [k, v] of Object.entries(d)) if (k.endsWith('_ID')) assert.equal(typeof v, 'string', `${l.stream}.${k}`);
    assert.equal(byKey(pass.docs, l.idCol).size, pass.docs.length, `${l.stream}: no duplicate keys`);
    // Every status: archived and draft entities are read too.
    if (l.param) {
      const entities = sb.data.adAccountIds().flatMap((id) => (l.level === 'CAMPAIGN' ? sb.data.campaigns(id) : l.level === 'AD_GROUP' ? sb.data.adGroups(id) : sb.data.ads(id)));
      const statuses = new Set(entities.filter((e) => pass.docs.some((d) => d[l.idCol] === e.id)).map((e) => e.status));
      assert.ok(statuses.has('ARCHIVED') && statuses.has('PAUSED'), `${l.stream}: analytics of archived and paused entities (${[...statuses].join(',')})`);
    }
    for (const id of sb.data.adAccountIds()) assert.deepEqual((pass.state.subtasks as Record<string, unknown>)[`ad_account:${id}`], { lastDay: TODAY });
  }

  // Request shape: ≤250 ids, ≤90-day windows never older than the API allows, attribution always.
  const reqs = analyticsRequests();
  for (const { path, q } of reqs) {
    const ids = [...new Set(q.keys())].filter((k) => k.endsWith('_ids')).flatMap((k) => q.getAll(k));
    assert.ok(ids.length <= 250, `${path}: ${ids.length} ids`);
    const s = q.get('start_date')!;
    const e = q.get('end_date')!;
    assert.ok(daysBetween(s, e) <= 89 && daysBetween(s, TODAY) <= 89, `${path}: ${s}..${e}`);
    assert.equal(q.get('granularity'), 'DAY');
    assert.equal(q.get('columns')!.split(',').length, SYNC_ANALYTICS_COLUMNS.length);
    assert.equal(q.get('click_window_days'), '7');
    assert.equal(q.get('engagement_window_days'), '1');
    assert.equal(q.get('view_window_days'), '1');
    assert.equal(q.get('conversion_report_time'), 'TIME_OF_CONVERSION');
  }
  // Every URL fits 8 KB next to all 175 columns, so fewer than 250 ids go per call: as many as fit.
  for (const r of sb.requests().filter((x) => /\/analytics$/.test(x.path) && x.path.includes('/ad_accounts/'))) {
    assert.ok(Buffer.byteLength(`${sb.baseUrl}${r.path}?${r.query}`) < 8192, `${r.path}: URL under 8 KB`);
  }
  const perCall = Number(/of ≤(\d+)/.exec(plans[3].reason!)![1]);
  assert.ok(perCall >= 140 && perCall <= 250, `${perCall} ids per call`);
  // Calls: 1 per account for the account level, ceil(ids/perCall) per account for the others.
  const perAccount = { campaigns: 2, ad_groups: 26, ads: 260 };
  const expectedCalls = 2 * (1 + Math.ceil(perAccount.campaigns / perCall) + Math.ceil(perAccount.ad_groups / perCall) + Math.ceil(perAccount.ads / perCall));
  assert.equal(reqs.length, expectedCalls);
  assert.equal(plans.reduce((n, p) => n + (p.calls ?? 0), 0), expectedCalls, 'the plan announced the calls made');
  assert.match(plans[3].reason!, /260 ids → 2 batch\(es\) of ≤\d+ × 1 window/);

  // Conversions attributed late: a day 10 days back changes; the next poll re-reads it.
  const restated = plusDays(TODAY, -10);
  sb.restate({ date: restated, factor: 3 });
  sb.resetStats();
  const states = Object.fromEntries(LEVELS.map((l) => [l.stream, first.passes[l.stream].state]));
  const second = await runBindings(config, LEVELS.map((l) => l.stream), log, states);
  for (const l of LEVELS) {
    const pass = second.passes[l.stream];
    const oldest = pass.docs.map((d) => String(d.DATE)).sort()[0];
    assert.equal(oldest, plusDays(TODAY, -14), `${l.stream}: re-reads the 14-day lookback only`);
    for (const id of sb.data.adAccountIds()) {
      const expected = sb.expectedAnalyticsRows({ level: l.level, adAccountId: id, startDate: restated, endDate: restated, columns: [...SYNC_ANALYTICS_COLUMNS], attribution });
      const got = byKey(pass.docs, l.idCol);
      const before = byKey(first.passes[l.stream].docs, l.idCol);
      let changed = 0;
      for (const e of expected) {
        const k = keyOf(l.idCol)(e);
        assert.deepEqual({ ...got.get(k), SETTLED: undefined }, { ...e, SETTLED: undefined }, `${l.stream}: restated row ${k}`);
        if (JSON.stringify({ ...before.get(k), SETTLED: undefined }) !== JSON.stringify({ ...e, SETTLED: undefined })) changed++;
      }
      assert.ok(changed > 0, `${l.stream}: the restatement changed values`);
    }
  }
});

test('user_account_analytics and pin_analytics: daily rows; a refused pin analytics endpoint fails nothing', async () => {
  const config = sandboxConfig(sb.baseUrl, { start_date: '2025-06-01', advanced: { today: TODAY } });
  const run = await runBindings(config, ['user_account_analytics', 'pin_analytics'], log);
  const user = run.passes.user_account_analytics;
  assert.equal(user.docs.length, 30);
  for (const d of user.docs) {
    assert.match(String(d.date), /^2025-06-/);
    assert.equal(typeof d.data_status, 'string');
    assert.equal(typeof (d.metrics as Record<string, unknown>).IMPRESSION, 'number');
  }
  assert.deepEqual(user.state, { version: 2, subtasks: { user: { lastDay: TODAY } } });
  const pins = run.passes.pin_analytics;
  const pinIds = new Set(sb.data.boards().flatMap((b) => sb.data.boardPins(String(b.id)).map((p) => String(p.id))));
  assert.equal(pins.docs.length, pinIds.size * 30);
  for (const d of pins.docs.slice(0, 50)) {
    assert.ok(pinIds.has(d.PIN_ID as string));
    assert.match(String(d.DATE), /^2025-06-/);
    assert.equal(typeof d.IMPRESSION, 'number');
  }
  const pinCalls = sb.requests().filter((r) => r.path.endsWith('/pins/analytics'));
  for (const r of pinCalls) assert.ok(new URLSearchParams(r.query).getAll('pin_ids').length <= 100);

  const refusing = await startSandbox({ today: TODAY, pinAnalytics: false });
  try {
    const cfg = sandboxConfig(refusing.baseUrl, { start_date: '2025-06-01', advanced: { today: TODAY } });
    const r = await runBindings(cfg, ['pin_analytics', 'user_account_analytics'], log);
    assert.equal(r.passes.pin_analytics.docs.length, 0);
    assert.deepEqual(r.passes.pin_analytics.state, { version: 2, subtasks: {} }, 'no cursor advanced');
    assert.equal(r.passes.user_account_analytics.docs.length, 30);
  } finally {
    await refusing.close();
  }
});

test('a pass stopped after its first account resumes there: the finished account re-reads only its lookback', async () => {
  // Within the sync API's reach (no stitched history from reports).
  const config = sandboxConfig(sb.baseUrl, { start_date: plusDays(TODAY, -89), lookback_window_days: 5, advanced: { today: TODAY } });
  const [first, second] = sb.data.adAccountIds() as [string, string];
  const stop = new AbortController();
  let run: Awaited<ReturnType<typeof runBindings>> | undefined;
  let committedState: Record<string, unknown> = {};
  await assert.rejects(async () => {
    run = await runBindings(config, ['ad_group_analytics'], log, {}, {
      signal: stop.signal,
      onCheckpoint: (pass) => {
        committedState = structuredClone(pass.state);
        if ((pass.state.subtasks as Record<string, unknown> | undefined)?.[`ad_account:${first}`]) stop.abort(new Error('stop'));
      },
    });
  });
  assert.equal(run, undefined);
  assert.deepEqual(committedState, { version: 2, subtasks: { [`ad_account:${first}`]: { lastDay: TODAY } } });

  sb.resetStats();
  const resumed = await runBindings(config, ['ad_group_analytics'], log, { ad_group_analytics: committedState });
  const calls = analyticsRequests().map((r) => ({ account: r.path.split('/')[3], start: r.q.get('start_date') }));
  assert.deepEqual(calls, [
    { account: first, start: plusDays(TODAY, -5) },
    { account: second, start: plusDays(TODAY, -89) },
  ]);
  assert.deepEqual(resumed.passes.ad_group_analytics.state, { version: 2, subtasks: { [`ad_account:${first}`]: { lastDay: TODAY }, [`ad_account:${second}`]: { lastDay: TODAY } } });
});
