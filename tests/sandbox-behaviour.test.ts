// Pinterest behaviours the connector depends on, checked over real HTTP against the sandbox:
// pagination, limits, statuses, keywords, auth and OAuth rotation, analytics rules, reports,
// restatement, mutations, stats.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSandbox, type Sandbox } from '../src/sandbox/index.js';

const TODAY = '2025-06-15';
const AUTH = { authorization: 'Bearer pina_sandbox' };
const BASIC = `Basic ${Buffer.from('sandbox-client:sandbox-secret').toString('base64')}`;
const ALL5 = 'ACTIVE,PAUSED,ARCHIVED,DRAFT,DELETED_DRAFT';
let sb: Sandbox;
let acct: string;

before(async () => {
  sb = await startSandbox({ seed: 3, scale: 'medium', today: TODAY, reportPolls: 2 });
  acct = sb.data.adAccountIds()[0];
});
after(() => sb.close());

/** An API error body. */
interface ApiError {
  code: number;
  message: string;
}

/** A listed entity, as far as this test reads it (fields of the kinds it lists). */
interface Item {
  id: string;
  status: string;
  campaign_id: string;
  parent_type: string;
  parent_id: string;
  credentials?: { password?: unknown };
}

/** A list page. */
interface Page {
  items: Item[];
  bookmark: string | null;
}

/** An analytics or report row: columns by name. */
type Row = Record<string, unknown>;

/** User account or pin analytics. */
interface Analytics {
  all: { daily_metrics: Array<{ data_status: string; date: string; metrics: Record<string, number> }> };
}

/** An async report's status. */
interface ReportStatus {
  report_status: string;
  token: string;
  size: number;
  url: string;
}

/** An OAuth token response. */
interface Tokens {
  access_token: string;
  refresh_token: string;
  expires_in: number;
}

/** GET with the body parsed as the response shape `T` the caller reads. */
async function get<T = unknown>(path: string, headers: Record<string, string> = AUTH) {
  const res = await fetch(sb.baseUrl + path, { headers });
  return { status: res.status, headers: res.headers, body: (await res.json()) as T };
}

async function walk(path: string): Promise<{ items: Item[]; pages: number }> {
  const items: Item[] = [];
  let bookmark: string | null = null;
  let pages = 0;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const r: { status: number; body: Page } = await get<Page>(bookmark ? `${path}${sep}bookmark=${encodeURIComponent(bookmark)}` : path);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    items.push(...r.body.items);
    bookmark = r.body.bookmark;
    pages++;
  } while (bookmark);
  return { items, pages };
}

function post(path: string, body: unknown, headers: Record<string, string> = AUTH) {
  return fetch(sb.baseUrl + path, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

test('bookmark pagination walks every item exactly once and ends with a null bookmark', async () => {
  const expected = sb.data.ads(acct).map((a) => a.id);
  const { items, pages } = await walk(`/ad_accounts/${acct}/ads?entity_statuses=${ALL5}&page_size=37`);
  assert.deepEqual(items.map((a) => a.id), expected);
  assert.equal(pages, Math.ceil(expected.length / 37));
  const desc = await walk(`/ad_accounts/${acct}/ads?entity_statuses=${ALL5}&page_size=250&order=DESCENDING`);
  assert.deepEqual(desc.items.map((a) => a.id), [...expected].reverse());
  const pins = await walk(`/boards/${sb.data.boards()[0].id as string}/pins?page_size=250`);
  assert.equal(pins.items.length, 100);
});

test('page_size is 1..250 (default 25); a foreign bookmark is refused', async () => {
  const first = await get<Page>('/boards');
  assert.equal(first.body.items.length, 25);
  for (const bad of ['0', '251', 'abc']) {
    const r = await get<ApiError>(`/boards?page_size=${bad}`);
    assert.equal(r.status, 400);
    assert.equal(r.body.code, 1);
    assert.match(r.body.message, /page_size/);
  }
  const other = await get(`/boards/${sb.data.boards()[1].id as string}/pins?bookmark=${encodeURIComponent(first.body.bookmark!)}`);
  assert.equal(other.status, 400);
});

test('entity_statuses defaults to ACTIVE,PAUSED; arrays work repeated or comma-joined', async () => {
  const all = sb.data.campaigns(acct);
  const statuses = new Set(all.map((c) => c.status));
  assert.deepEqual([...statuses].sort(), [...ALL5.split(',')].sort());
  const def = await walk(`/ad_accounts/${acct}/campaigns?page_size=250`);
  assert.deepEqual(def.items.map((c) => c.id), all.filter((c) => c.status === 'ACTIVE' || c.status === 'PAUSED').map((c) => c.id));
  const comma = await walk(`/ad_accounts/${acct}/campaigns?entity_statuses=ARCHIVED,DRAFT`);
  const repeated = await walk(`/ad_accounts/${acct}/campaigns?entity_statuses=ARCHIVED&entity_statuses=DRAFT`);
  assert.deepEqual(comma.items, repeated.items);
  assert.ok(comma.items.every((c) => c.status === 'ARCHIVED' || c.status === 'DRAFT') && comma.items.length > 0);
  const bad = await get(`/ad_accounts/${acct}/campaigns?entity_statuses=RUNNING`);
  assert.equal(bad.status, 400);
  // id filters
  const ids = all.slice(0, 3).map((c) => c.id as string);
  const byId = await walk(`/ad_accounts/${acct}/campaigns?entity_statuses=${ALL5}&campaign_ids=${ids.join(',')}`);
  assert.deepEqual(byId.items.map((c) => c.id), ids);
  const groups = await walk(`/ad_accounts/${acct}/ad_groups?entity_statuses=${ALL5}&campaign_ids=${ids[0]}`);
  assert.ok(groups.items.length > 0 && groups.items.every((g) => g.campaign_id === ids[0]));
  const both = await get(`/ad_accounts/${acct}/ads?campaign_ids=${ids[0]}&ad_group_ids=${groups.items[0].id}`);
  assert.equal(both.status, 400);
  const tooMany = await get(`/ad_accounts/${acct}/campaigns?campaign_ids=${Array.from({ length: 251 }, (_, i) => 626000000000000 + i).join(',')}`);
  assert.equal(tooMany.status, 400);
});

test('query parameters the operation does not define are refused', async () => {
  const r = await get<ApiError>(`/ad_accounts/${acct}/campaigns?updated_since=1`);
  assert.equal(r.status, 400);
  assert.match(r.body.message, /updated_since/);
});

test('keywords: no filter = account-level only; campaign_id and ad_group_ids (≤250) reach the others', async () => {
  const all = sb.data.keywords(acct);
  const top = await walk(`/ad_accounts/${acct}/keywords`);
  assert.ok(top.items.length > 0 && top.items.every((k) => k.parent_type === 'advertiser' && k.parent_id === acct));
  const camp = sb.data.campaigns(acct)[0].id as string;
  const ck = await walk(`/ad_accounts/${acct}/keywords?campaign_id=${camp}`);
  assert.ok(ck.items.length > 0 && ck.items.every((k) => k.parent_id === camp));
  const groupIds = sb.data.adGroups(acct).map((g) => g.id as string);
  const gk = await walk(`/ad_accounts/${acct}/keywords?ad_group_ids=${groupIds.join(',')}&page_size=250`);
  assert.equal(gk.items.length, all.filter((k) => k.parent_type === 'ad_group').length);
  const camps = sb.data.campaigns(acct).map((c) => c.id as string);
  let campaignLevel = 0;
  for (const c of camps) campaignLevel += (await walk(`/ad_accounts/${acct}/keywords?campaign_id=${c}`)).items.length;
  assert.equal(top.items.length + campaignLevel + gk.items.length, all.length);
  const over = await get(`/ad_accounts/${acct}/keywords?ad_group_ids=${Array.from({ length: 251 }, (_, i) => 2680000000000000 + i).join(',')}`);
  assert.equal(over.status, 400);
});

test('conversion tags are not paginated; audiences split OWNED/RECEIVED; feeds carry credentials', async () => {
  const tags = await get<Record<string, unknown>>(`/ad_accounts/${acct}/conversion_tags`);
  assert.deepEqual(Object.keys(tags.body), ['items']);
  const owned = await walk(`/ad_accounts/${acct}/audiences`);
  const received = await walk(`/ad_accounts/${acct}/audiences?ownership_type=RECEIVED`);
  assert.ok(owned.items.length > 0 && received.items.length > 0);
  assert.equal(owned.items.length + received.items.length, sb.data.audiences(acct).length);
  const feeds = await walk('/catalogs/feeds');
  assert.ok(feeds.items.every((f) => typeof f.credentials?.password === 'string'));
});

test('a user without catalogs gets 409 code 4182 on product groups', async () => {
  const s = await startSandbox({ shape: { catalogs: 0 } });
  try {
    const r = await fetch(`${s.baseUrl}/catalogs/product_groups`, { headers: AUTH });
    assert.equal(r.status, 409);
    assert.equal(((await r.json()) as ApiError).code, 4182);
  } finally {
    await s.close();
  }
});

test('auth: Bearer required; OAuth refresh rotates refresh tokens; access tokens expire', async () => {
  assert.equal((await get('/user_account', {})).status, 401);
  const wrong = await get('/user_account', { authorization: 'Bearer nope' });
  assert.deepEqual(wrong.body, { code: 2, message: 'Authentication failed.' });
  const s = await startSandbox({ accessTokenTtlSeconds: 1 });
  try {
    const refresh = (rt: string, auth = BASIC) =>
      fetch(`${s.baseUrl}/oauth/token`, { method: 'POST', headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded' }, body: `grant_type=refresh_token&refresh_token=${rt}` });
    assert.equal((await refresh('pinr_sandbox', `Basic ${Buffer.from('sandbox-client:wrong').toString('base64')}`)).status, 401);
    const r1 = (await (await refresh('pinr_sandbox')).json()) as Tokens;
    assert.equal(r1.expires_in, 1);
    assert.notEqual(r1.refresh_token, 'pinr_sandbox');
    const reused = await refresh('pinr_sandbox');
    assert.equal(reused.status, 400, 'a used refresh token is invalid');
    const ok = await fetch(`${s.baseUrl}/user_account`, { headers: { authorization: `Bearer ${r1.access_token}` } });
    assert.equal(ok.status, 200);
    const r2 = (await (await refresh(r1.refresh_token)).json()) as Tokens;
    assert.ok(r2.access_token && r2.refresh_token !== r1.refresh_token);
    await new Promise((r) => setTimeout(r, 1100));
    const expired = await fetch(`${s.baseUrl}/user_account`, { headers: { authorization: `Bearer ${r1.access_token}` } });
    assert.equal(expired.status, 401);
    assert.equal(((await expired.json()) as ApiError).code, 2);
  } finally {
    await s.close();
  }
});

const COLS = 'SPEND_IN_DOLLAR,TOTAL_IMPRESSION,TOTAL_CONVERSIONS,TOTAL_CHECKOUT_VALUE_IN_MICRO_DOLLAR,CTR';

test('sync analytics: rows per entity-day equal expectedAnalyticsRows (ids normalised), some ids as numbers', async () => {
  const ids = sb.data.campaigns(acct).map((c) => c.id as string);
  const r = await get<Row[]>(`/ad_accounts/${acct}/campaigns/analytics?campaign_ids=${ids.join(',')}&start_date=2025-05-01&end_date=2025-06-15&columns=${COLS}&granularity=DAY`);
  assert.equal(r.status, 200);
  assert.ok(Array.isArray(r.body));
  assert.ok(r.body.some((x) => typeof x.CAMPAIGN_ID === 'number'), 'some ids are numbers');
  assert.ok(r.body.some((x) => typeof x.CAMPAIGN_ID === 'string'), 'some ids are strings');
  const norm = r.body.map((x) => ({ ...x, CAMPAIGN_ID: String(x.CAMPAIGN_ID) }));
  const exp = sb.expectedAnalyticsRows({ level: 'CAMPAIGN', adAccountId: acct, ids, startDate: '2025-05-01', endDate: '2025-06-15', columns: COLS.split(',') });
  assert.deepEqual(norm, exp);
  assert.ok(exp.length > 0 && Object.keys(exp[0]).sort().join() === ['CAMPAIGN_ID', 'DATE', ...COLS.split(',')].sort().join());
  // Drafts never deliver; ids of other accounts give nothing.
  const drafts = sb.data.campaigns(acct).filter((c) => c.status === 'DRAFT').map((c) => c.id as string);
  const d = await get(`/ad_accounts/${acct}/campaigns/analytics?campaign_ids=${drafts.join(',')}&start_date=2025-05-01&end_date=2025-06-15&columns=${COLS}&granularity=DAY`);
  assert.deepEqual(d.body, []);
});

test('attribution windows change conversion metrics only, deterministically', async () => {
  const id = sb.data.ads(acct).find((a) => a.status === 'ACTIVE')!.id as string;
  const q = `/ad_accounts/${acct}/ads/analytics?ad_ids=${id}&start_date=2025-06-01&end_date=2025-06-10&columns=${COLS}&granularity=DAY`;
  const base = (await get<Row[]>(q)).body;
  const seven = (await get<Row[]>(`${q}&click_window_days=7&view_window_days=7&conversion_report_time=TIME_OF_CONVERSION`)).body;
  assert.ok(base.length > 0);
  assert.equal(base.length, seven.length);
  assert.deepEqual(base.map((x) => x.SPEND_IN_DOLLAR), seven.map((x) => x.SPEND_IN_DOLLAR));
  assert.notDeepEqual(base.map((x) => x.TOTAL_CONVERSIONS), seven.map((x) => x.TOTAL_CONVERSIONS));
  assert.deepEqual((await get(q)).body, base);
  assert.equal((await get(`${q}&click_window_days=3`)).status, 400);
});

test('sync analytics limits: 90 days back, 90-day range, 250 ids, required params, column enum', async () => {
  const id = sb.data.campaigns(acct)[0].id as string;
  const q = (extra: string) => get<ApiError>(`/ad_accounts/${acct}/campaigns/analytics?granularity=DAY&columns=SPEND_IN_DOLLAR&${extra}`);
  assert.equal((await q(`campaign_ids=${id}&start_date=2025-03-17&end_date=2025-03-20`)).status, 200, '90 days back is allowed');
  const old = await q(`campaign_ids=${id}&start_date=2025-03-16&end_date=2025-03-20`);
  assert.equal(old.status, 400);
  assert.match(old.body.message, /90 days/);
  assert.equal((await q(`campaign_ids=${id}&start_date=2025-03-17&end_date=2025-06-16`)).status, 400, 'range over 90 days');
  assert.equal((await q(`campaign_ids=${id}&start_date=2025-06-10&end_date=2025-06-01`)).status, 400);
  assert.equal((await q(`start_date=2025-06-01&end_date=2025-06-02`)).status, 400, 'campaign_ids required');
  assert.equal((await q(`campaign_ids=${Array.from({ length: 251 }, () => id).join(',')}&start_date=2025-06-01&end_date=2025-06-02`)).status, 400);
  const badCol = await get<ApiError>(`/ad_accounts/${acct}/analytics?granularity=DAY&columns=SPEND_IN_DOLLAR,NOT_A_COLUMN&start_date=2025-06-01&end_date=2025-06-02`);
  assert.equal(badCol.status, 400);
  assert.match(badCol.body.message, /NOT_A_COLUMN/);
  const pins = sb.data.boardPins(sb.data.boards()[0].id as string).map((p) => p.id);
  const tooManyPins = await get(`/pins/analytics?pin_ids=${pins.concat(pins[0]).join(',')}&start_date=2025-06-01&end_date=2025-06-02&metric_types=IMPRESSION`);
  assert.equal(tooManyPins.status, 400);
  const ua = await get('/user_account/analytics?start_date=2025-03-01&end_date=2025-03-02');
  assert.equal(ua.status, 400);
});

test('account analytics and pin analytics shapes', async () => {
  const ua = await get<Analytics>('/user_account/analytics?start_date=2025-06-01&end_date=2025-06-15');
  assert.equal(ua.body.all.daily_metrics.length, 15);
  assert.deepEqual(Object.keys(ua.body.all.daily_metrics[0]).sort(), ['data_status', 'date', 'metrics']);
  assert.equal(ua.body.all.daily_metrics.at(-1)!.data_status, 'PROCESSING');
  const pins = sb.data.boardPins(sb.data.boards()[0].id as string).slice(0, 3).map((p) => p.id as string);
  const pa = await get<Record<string, Analytics>>(`/pins/analytics?pin_ids=${pins.join(',')}&start_date=2025-06-01&end_date=2025-06-15&metric_types=IMPRESSION,SAVE`);
  assert.deepEqual(Object.keys(pa.body).sort(), [...pins].sort());
  assert.equal(pa.body[pins[0]].all.daily_metrics.length, 15);
  const s = await startSandbox({ pinAnalytics: false });
  try {
    const r = await fetch(`${s.baseUrl}/pins/analytics?pin_ids=${pins[0]}&start_date=${s.today()}&end_date=${s.today()}&metric_types=IMPRESSION`, { headers: AUTH });
    assert.equal(r.status, 403);
  } finally {
    await s.close();
  }
});

async function runReport(body: Record<string, unknown>): Promise<{ rows: Record<string, Row[]>; polls: number; url: string }> {
  const c = await post(`/ad_accounts/${acct}/reports`, body);
  const created = (await c.json()) as ReportStatus;
  assert.equal(c.status, 200, JSON.stringify(created));
  assert.equal(created.report_status, 'IN_PROGRESS');
  let polls = 0;
  for (;;) {
    polls++;
    const r = await get<ReportStatus>(`/ad_accounts/${acct}/reports?token=${created.token}`);
    if (r.body.report_status === 'FINISHED') {
      assert.equal(typeof r.body.size, 'number');
      const file = await fetch(r.body.url);
      assert.equal(file.status, 200);
      return { rows: (await file.json()) as Record<string, Row[]>, polls, url: r.body.url };
    }
    assert.equal(r.body.report_status, 'IN_PROGRESS');
    assert.ok(polls < 10);
  }
}

test('async report: IN_PROGRESS then FINISHED, file keyed by id, equal to sync analytics; download refuses Authorization', async () => {
  const body = { start_date: '2025-05-01', end_date: '2025-06-15', granularity: 'DAY', level: 'CAMPAIGN', columns: COLS.split(',') };
  const { rows, polls, url } = await runReport(body);
  assert.equal(polls, 3);
  const flat = Object.entries(rows).flatMap(([id, list]) => list.map((r) => (assert.equal(String(r.CAMPAIGN_ID), id), { ...r, CAMPAIGN_ID: String(r.CAMPAIGN_ID) })));
  assert.deepEqual(flat, sb.expectedReportRows(acct, body));
  const ids = Object.keys(rows);
  const sync = await get<Row[]>(`/ad_accounts/${acct}/campaigns/analytics?campaign_ids=${ids.join(',')}&start_date=2025-05-01&end_date=2025-06-15&columns=${COLS}&granularity=DAY`);
  assert.deepEqual(flat, sync.body.map((x) => ({ ...x, CAMPAIGN_ID: String(x.CAMPAIGN_ID) })));
  const withAuth = await fetch(url, { headers: AUTH });
  assert.equal(withAuth.status, 400);
  const targeting = await runReport({ ...body, level: 'AD_GROUP_TARGETING', targeting_types: ['GENDER'], start_date: '2025-06-14' });
  const first = Object.values(targeting.rows)[0];
  assert.ok(first.every((r) => r.TARGETING_TYPE === 'GENDER' && r.AD_GROUP_ID !== undefined && r.DATE));
});

test('async report limits: 914 days back, 186-day range, level/column enums, body only', async () => {
  const ok = { granularity: 'DAY', level: 'CAMPAIGN', columns: ['SPEND_IN_DOLLAR'] };
  const status = async (b: Record<string, unknown>) => (await post(`/ad_accounts/${acct}/reports`, b)).status;
  assert.equal(await status({ ...ok, start_date: '2022-12-14', end_date: '2023-06-01' }), 200, '914 days back');
  assert.equal(await status({ ...ok, start_date: '2022-12-13', end_date: '2023-06-01' }), 400);
  assert.equal(await status({ ...ok, start_date: '2025-01-01', end_date: '2025-07-06' }), 200, '186-day range');
  assert.equal(await status({ ...ok, start_date: '2025-01-01', end_date: '2025-07-07' }), 400);
  assert.equal(await status({ ...ok, start_date: '2025-06-01', end_date: '2025-06-02', level: 'ADS' }), 400);
  assert.equal(await status({ ...ok, start_date: '2025-06-01', end_date: '2025-06-02', columns: ['NOPE'] }), 400);
  assert.equal(await status({ ...ok, start_date: '2025-06-01', end_date: '2025-06-02', columns: ['ADS_CREDIT_SPEND_IN_DOLLAR'] }), 200, 'async-only column');
  assert.equal(await status({ ...ok, start_date: '2025-06-01' }), 400);
  const unknownToken = await get<ReportStatus>(`/ad_accounts/${acct}/reports?token=abc`);
  assert.equal(unknownToken.body.report_status, 'DOES_NOT_EXIST');
});

test('restatement changes past conversions in sync analytics and reports alike', async () => {
  const s = await startSandbox({ seed: 3, scale: 'small', today: TODAY, reportPolls: 0 });
  try {
    const a = s.data.adAccountIds()[0];
    const cols = ['SPEND_IN_DOLLAR', 'TOTAL_CONVERSIONS'];
    const q = { level: 'AD_ACCOUNT' as const, adAccountId: a, startDate: '2025-06-01', endDate: '2025-06-03', columns: cols };
    const before = s.expectedAnalyticsRows(q);
    const res = await fetch(`${s.origin}/_sandbox/control`, { method: 'POST', body: JSON.stringify({ action: 'restate', restatement: { date: '2025-06-02', factor: 3 } }) });
    assert.equal(res.status, 200);
    const url = `${s.baseUrl}/ad_accounts/${a}/analytics?start_date=2025-06-01&end_date=2025-06-03&columns=${cols.join(',')}&granularity=DAY`;
    const afterRows = (await (await fetch(url, { headers: AUTH })).json()) as Row[];
    assert.deepEqual(afterRows[0], before[0]);
    assert.equal(afterRows[1].TOTAL_CONVERSIONS, Math.round((before[1].TOTAL_CONVERSIONS as number) * 3));
    assert.equal(afterRows[1].SPEND_IN_DOLLAR, before[1].SPEND_IN_DOLLAR);
    const report = s.expectedReportRows(a, { start_date: '2025-06-01', end_date: '2025-06-03', granularity: 'DAY', level: 'ADVERTISER', columns: cols });
    assert.deepEqual(report.map((r) => r.TOTAL_CONVERSIONS), afterRows.map((r) => r.TOTAL_CONVERSIONS));
  } finally {
    await s.close();
  }
});

test('control API mutates and adds entities for incremental polls', async () => {
  const s = await startSandbox({ seed: 4 });
  try {
    const a = s.data.adAccountIds()[1];
    const before = s.data.campaigns(a);
    const res = await fetch(`${s.origin}/_sandbox/control`, { method: 'POST', body: JSON.stringify([{ action: 'mutate', entity: 'campaigns', adAccountId: a, count: 2 }, { action: 'add', entity: 'ads', adAccountId: a, count: 3 }]) });
    const out = (await res.json()) as { results: Array<{ ids: string[] }> };
    assert.equal(res.status, 200);
    assert.equal(out.results[0].ids.length, 2);
    const after = s.data.campaigns(a);
    assert.ok((after[0].updated_time as number) > (before[0].updated_time as number));
    assert.match(after[1].name as string, /edited/);
    assert.deepEqual(after[2], before[2]);
    const ads = await fetch(`${s.baseUrl}/ad_accounts/${a}/ads?page_size=250&order=DESCENDING`, { headers: AUTH });
    const items = ((await ads.json()) as Page).items;
    assert.deepEqual(items.slice(0, 3).map((x) => x.id).sort(), [...out.results[1].ids].sort());
    const bad = await fetch(`${s.origin}/_sandbox/control`, { method: 'POST', body: JSON.stringify({ action: 'mutate', entity: 'pins', adAccountId: a }) });
    assert.equal(bad.status, 400);
  } finally {
    await s.close();
  }
});

test('stats count requests per operation and status; the request log is readable and resettable', async () => {
  const s = await startSandbox();
  try {
    await fetch(`${s.baseUrl}/ad_accounts`, { headers: AUTH });
    await fetch(`${s.baseUrl}/ad_accounts?page_size=999`, { headers: AUTH });
    await fetch(`${s.baseUrl}/boards`);
    const stats = (await (await fetch(`${s.origin}/_sandbox/stats`)).json()) as { total: number; byOperation: Record<string, { byStatus: Record<string, number> }> };
    assert.equal(stats.total, 3);
    assert.deepEqual(stats.byOperation['ad_accounts/list'].byStatus, { 200: 1, 400: 1 });
    assert.deepEqual(stats.byOperation['boards/list'].byStatus, { 401: 1 });
    const log = (await (await fetch(`${s.origin}/_sandbox/requests`)).json()) as { requests: Array<{ path: string; query: string }> };
    assert.deepEqual(log.requests.map((r) => r.path + r.query), ['/v5/ad_accounts', '/v5/ad_accounts?page_size=999', '/v5/boards']);
    await fetch(`${s.origin}/_sandbox/requests`, { method: 'DELETE' });
    assert.equal(s.stats().total, 0);
    assert.equal(s.requests().length, 0);
  } finally {
    await s.close();
  }
});
