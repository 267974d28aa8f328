// Async reports reach back 913 days, and on every day the sync analytics API also covers, their
// DAY rows agree exactly with it (same entity, day and column), at every level.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSandbox, syncColumns, asyncColumns, type Sandbox } from '../src/sandbox/index.js';
import { dayStr, parseDay } from '../src/sandbox/dates.js';

const TODAY = '2025-06-15';
const AUTH = { authorization: 'Bearer pina_sandbox' };
let sb: Sandbox;
let acct: string;
const today = parseDay(TODAY)!;

before(async () => {
  sb = await startSandbox({ scale: 'small', seed: 12, today: TODAY, reportPolls: 0 });
  acct = sb.data.adAccountIds()[0];
});
after(() => sb.close());

/** A report or analytics row: metric and id columns by name, and the day it covers. */
type Row = Record<string, unknown> & { DATE: string };

/** JSON with ids above 2^53 kept as digit strings. */
function parseExact(text: string): unknown {
  return JSON.parse(text.replace(/([:[,])(\d{16,})(?=[,}\]])/g, '$1"$2"'));
}

async function report(body: Record<string, unknown>): Promise<Record<string, Row[]>> {
  const created = await fetch(`${sb.baseUrl}/ad_accounts/${acct}/reports`, { method: 'POST', headers: { ...AUTH, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  assert.equal(created.status, 200, await created.clone().text());
  const { token } = (await created.json()) as { token: string };
  const polled = (await (await fetch(`${sb.baseUrl}/ad_accounts/${acct}/reports?token=${token}`, { headers: AUTH })).json()) as { report_status: string; url: string };
  assert.equal(polled.report_status, 'FINISHED');
  return parseExact(await (await fetch(polled.url)).text()) as Record<string, Row[]>;
}

// Metric columns both APIs offer (ids and attributes aside).
const COMMON = syncColumns().filter((c) => asyncColumns().includes(c) && !c.endsWith('_ID') && !c.endsWith('_NAME') && !c.endsWith('_STATUS') && !c.startsWith('CAMPAIGN_') && !c.startsWith('AD_GROUP_'));

const LEVELS = [
  { level: 'ADVERTISER', reportId: 'ADVERTISER_ID', sync: (q: string) => `/ad_accounts/${acct}/analytics?${q}`, syncId: 'AD_ACCOUNT_ID', ids: () => [acct] },
  { level: 'CAMPAIGN', reportId: 'CAMPAIGN_ID', sync: (q: string) => `/ad_accounts/${acct}/campaigns/analytics?${q}&campaign_ids=${sb.data.campaigns(acct).map((c) => c.id).join(',')}`, syncId: 'CAMPAIGN_ID', ids: () => sb.data.campaigns(acct).map((c) => c.id as string) },
  { level: 'AD_GROUP', reportId: 'AD_GROUP_ID', sync: (q: string) => `/ad_accounts/${acct}/ad_groups/analytics?${q}&ad_group_ids=${sb.data.adGroups(acct).map((c) => c.id).join(',')}`, syncId: 'AD_GROUP_ID', ids: () => sb.data.adGroups(acct).map((c) => c.id as string) },
  { level: 'PIN_PROMOTION', reportId: 'PIN_PROMOTION_ID', sync: (q: string) => `/ad_accounts/${acct}/ads/analytics?${q}&ad_ids=${sb.data.ads(acct).map((c) => c.id).join(',')}`, syncId: 'AD_ID', ids: () => sb.data.ads(acct).map((c) => c.id as string) },
];

test('a report starting 913 days back is accepted and serves the expected rows; 915 days back is refused', async () => {
  const body = { start_date: dayStr(today - 913), end_date: dayStr(today - 913 + 185), granularity: 'DAY', level: 'ADVERTISER', columns: ['SPEND_IN_DOLLAR', 'TOTAL_IMPRESSION'] };
  const file = await report(body);
  const rows = Object.values(file).flat();
  const expected = sb.expectedReportRows(acct, body);
  assert.ok(expected.length > 0);
  assert.deepEqual(rows.map((r) => [String(r.ADVERTISER_ID), r.DATE, r.SPEND_IN_DOLLAR, r.TOTAL_IMPRESSION]), expected.map((r) => [r.ADVERTISER_ID, r.DATE, r.SPEND_IN_DOLLAR, r.TOTAL_IMPRESSION]));
  const tooOld = await fetch(`${sb.baseUrl}/ad_accounts/${acct}/reports`, { method: 'POST', headers: { ...AUTH, 'content-type': 'application/json' }, body: JSON.stringify({ ...body, start_date: dayStr(today - 915), end_date: dayStr(today - 915 + 10) }) });
  assert.equal(tooOld.status, 400);
});

test('report DAY rows equal sync analytics rows on every day both cover, at every level and common column', async () => {
  assert.ok(COMMON.length > 50, `${COMMON.length} common columns`);
  const syncStart = today - 89;
  for (const L of LEVELS) {
    // Reports in 186-day chunks ending today; the sync API covers the last 90 days.
    const file = await report({ start_date: dayStr(today - 185), end_date: dayStr(today), granularity: 'DAY', level: L.level, columns: COMMON });
    const byKey = new Map<string, Row>();
    for (const r of Object.values(file).flat()) byKey.set(`${String(r[L.reportId])}|${r.DATE}`, r);
    const res = await fetch(sb.baseUrl + L.sync(`start_date=${dayStr(syncStart)}&end_date=${TODAY}&granularity=DAY&columns=${COMMON.join(',')}`), { headers: AUTH });
    assert.equal(res.status, 200);
    const sync = parseExact(await res.text()) as Row[];
    assert.ok(sync.length > 0, L.level);
    const overlapReportRows = [...byKey.keys()].filter((k) => k.split('|')[1] >= dayStr(syncStart));
    assert.equal(overlapReportRows.length, sync.length, `${L.level}: same entity-days on the shared days`);
    for (const s of sync) {
      const r = byKey.get(`${String(s[L.syncId])}|${s.DATE}`);
      assert.ok(r, `${L.level} ${String(s[L.syncId])} ${s.DATE} in the report`);
      for (const c of COMMON) assert.equal(r[c], s[c], `${L.level} ${s.DATE} ${c}`);
    }
    assert.ok(new Set(sync.map((s) => String(s[L.syncId]))).size <= L.ids().length);
  }
});
