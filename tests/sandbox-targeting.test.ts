// Sync targeting analytics (4 endpoints): OpenAPI parameters and limits, response shape, and
// numbers that agree with the async *_TARGETING reports.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { startSandbox, type Sandbox } from '../src/sandbox/index.js';
import { loadOperations } from '../src/sandbox/openapi.js';

const TODAY = '2025-06-15';
const AUTH = { authorization: 'Bearer pina_sandbox' };
const REF = '/work/shared/reference/pinterest-openapi-5.23.0.json';
let sb: Sandbox;
let acct: string;

const OPS = [
  { id: 'ad_account_targeting_analytics/get', path: 'targeting_analytics', idParam: null, idCol: 'AD_ACCOUNT_ID', level: 'ADVERTISER_TARGETING', reportId: 'ADVERTISER_ID' },
  { id: 'campaign_targeting_analytics/get', path: 'campaigns/targeting_analytics', idParam: 'campaign_ids', idCol: 'CAMPAIGN_ID', level: 'CAMPAIGN_TARGETING', reportId: 'CAMPAIGN_ID' },
  { id: 'ad_groups_targeting_analytics/get', path: 'ad_groups/targeting_analytics', idParam: 'ad_group_ids', idCol: 'AD_GROUP_ID', level: 'AD_GROUP_TARGETING', reportId: 'AD_GROUP_ID' },
  { id: 'ad_targeting_analytics/get', path: 'ads/targeting_analytics', idParam: 'ad_ids', idCol: 'AD_ID', level: 'PIN_PROMOTION_TARGETING', reportId: 'PIN_PROMOTION_ID' },
] as const;

before(async () => {
  sb = await startSandbox({ scale: 'small', seed: 9, today: TODAY, reportPolls: 0 });
  acct = sb.data.adAccountIds()[0];
});
after(() => sb.close());

/** A sync targeting analytics response, as far as this test reads it. */
interface Body {
  data: Array<{ targeting_type: string; targeting_value: unknown; metrics: Record<string, unknown> & { DATE: string } }>;
}

/** The parts of the reference OpenAPI document this test reads; any node may be a `$ref`. */
interface RefSchema {
  $ref?: string;
  maxItems?: number;
  enum?: string[];
  items?: RefSchema;
}
interface RefParameter {
  $ref?: string;
  name: string;
  required?: boolean;
  schema: RefSchema;
}
interface RefDoc {
  paths: Record<string, { get: { operationId: string; 'x-ratelimit-category': string; parameters: RefParameter[] } }>;
}

async function get(path: string) {
  const r = await fetch(sb.baseUrl + path, { headers: AUTH });
  const text = await r.text();
  // Ids above 2^53 come as JSON numbers: keep their digits.
  return { status: r.status, body: JSON.parse(text.replace(/:(\d{16,})/g, ':"$1"')) as Body };
}

function ids(op: (typeof OPS)[number]): string[] {
  if (op.idParam === 'campaign_ids') return sb.data.campaigns(acct).map((x) => x.id as string);
  if (op.idParam === 'ad_group_ids') return sb.data.adGroups(acct).map((x) => x.id as string);
  if (op.idParam === 'ad_ids') return sb.data.ads(acct).map((x) => x.id as string);
  return [];
}

function url(op: (typeof OPS)[number], q: string, idList = ids(op)) {
  return `/ad_accounts/${acct}/${op.path}?${q}${op.idParam ? `&${op.idParam}=${idList.join(',')}` : ''}`;
}

test('the four operations are routed with the OpenAPI parameters (targeting_types enums and limits per endpoint)', { skip: !existsSync(REF) }, () => {
  const doc = JSON.parse(readFileSync(REF, 'utf8')) as RefDoc;
  const deref = <T extends { $ref?: string }>(x: T): T => (x && x.$ref ? deref(x.$ref.slice(2).split('/').reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], doc) as T) : x);
  const ops = new Map(loadOperations().operations.map((o) => [o.operationId, o]));
  for (const op of OPS) {
    const served = ops.get(op.id)!;
    assert.ok(served, op.id);
    const ref = doc.paths[served.path].get;
    assert.equal(ref.operationId, op.id);
    assert.equal(served.category, ref['x-ratelimit-category']);
    const refParams = ref.parameters.map(deref);
    assert.deepEqual(served.parameters.map((p) => [p.name, p.required]), refParams.map((p) => [p.name, p.required ?? false]));
    const tt = served.parameters.find((p) => p.name === 'targeting_types')!.schema;
    const rt = refParams.find((p) => p.name === 'targeting_types')!.schema;
    assert.equal(tt.maxItems, rt.maxItems);
    assert.deepEqual(tt.items!.enum, deref(rt.items!).enum);
  }
});

test('response: {data: [{targeting_type, targeting_value, metrics{id column, DATE, columns}}]}, deterministic', async () => {
  for (const op of OPS) {
    const q = 'start_date=2025-05-01&end_date=2025-05-07&granularity=DAY&columns=SPEND_IN_DOLLAR,TOTAL_IMPRESSION&targeting_types=APPTYPE,GENDER';
    const r = await get(url(op, q));
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual(Object.keys(r.body), ['data']);
    assert.ok(r.body.data.length > 0, op.id);
    for (const row of r.body.data) {
      assert.deepEqual(Object.keys(row), ['targeting_type', 'targeting_value', 'metrics']);
      assert.ok(['APPTYPE', 'GENDER'].includes(row.targeting_type));
      assert.ok(row.metrics[op.idCol] !== undefined && /^\d{4}-\d{2}-\d{2}$/.test(row.metrics.DATE), JSON.stringify(row));
      assert.equal(typeof row.metrics.SPEND_IN_DOLLAR, 'number');
    }
    assert.deepEqual((await get(url(op, q))).body, r.body, 'same query, same numbers');
  }
});

test('limits: 90-day lookback and range, HOUR 8/3, targeting_types per endpoint, 250 ids, required ids, roles', async () => {
  const cols = 'columns=SPEND_IN_DOLLAR&granularity=DAY';
  for (const op of OPS) {
    assert.equal((await get(url(op, `start_date=2025-03-01&end_date=2025-03-05&${cols}&targeting_types=GENDER`))).status, 400, 'more than 90 days back');
    assert.equal((await get(url(op, `start_date=2025-06-10&end_date=2025-06-15&columns=SPEND_IN_DOLLAR&granularity=HOUR&targeting_types=GENDER`))).status, 400, 'HOUR range above 3 days');
    assert.equal((await get(url(op, `start_date=2025-06-01&end_date=2025-06-02&${cols}&targeting_types=NOPE`))).status, 400);
    assert.equal((await get(url(op, `start_date=2025-06-01&end_date=2025-06-02&${cols}`))).status, 400, 'targeting_types is required');
    if (op.idParam) {
      assert.equal((await get(`/ad_accounts/${acct}/${op.path}?start_date=2025-06-01&end_date=2025-06-02&${cols}&targeting_types=GENDER`)).status, 400, `${op.idParam} is required`);
      const many = Array.from({ length: 251 }, (_, i) => String(626e12 + i));
      assert.equal((await get(url(op, `start_date=2025-06-01&end_date=2025-06-02&${cols}&targeting_types=GENDER`, many))).status, 400, '251 ids');
    }
  }
  // Endpoint-specific types: CREATIVE_TYPE only for campaigns, QUIZ_RESULT only for ads.
  const q = (t: string) => `start_date=2025-06-01&end_date=2025-06-02&${cols}&targeting_types=${t}`;
  assert.equal((await get(url(OPS[1], q('CREATIVE_TYPE')))).status, 200);
  assert.equal((await get(url(OPS[3], q('CREATIVE_TYPE')))).status, 400);
  assert.equal((await get(url(OPS[3], q('QUIZ_RESULT')))).status, 200);
  assert.equal((await get(url(OPS[0], q(Array(16).fill('GENDER').join(','))))).status, 400, '15 types at most');
});

test('sync targeting numbers equal the async *_TARGETING report rows for the same days', async () => {
  for (const op of OPS) {
    const body = { start_date: '2025-05-01', end_date: '2025-05-20', granularity: 'DAY', level: op.level, columns: ['SPEND_IN_DOLLAR', 'TOTAL_IMPRESSION', 'TOTAL_CONVERSIONS'], targeting_types: ['APPTYPE', 'AGE_BUCKET'] };
    const report = sb.expectedReportRows(acct, body);
    const sync = (await get(url(op, `start_date=2025-05-01&end_date=2025-05-20&granularity=DAY&columns=SPEND_IN_DOLLAR,TOTAL_IMPRESSION,TOTAL_CONVERSIONS&targeting_types=APPTYPE,AGE_BUCKET`))).body.data;
    const key = (id: unknown, t: unknown, v: unknown, d: unknown) => `${String(id)}|${String(t)}|${String(v)}|${String(d)}`;
    const fromReport = new Map(report.map((r) => [key(r[op.reportId], r.TARGETING_TYPE, r.TARGETING_VALUE, r.DATE), [r.SPEND_IN_DOLLAR, r.TOTAL_IMPRESSION, r.TOTAL_CONVERSIONS]]));
    assert.equal(sync.length, fromReport.size, op.id);
    for (const s of sync) assert.deepEqual([s.metrics.SPEND_IN_DOLLAR, s.metrics.TOTAL_IMPRESSION, s.metrics.TOTAL_CONVERSIONS], fromReport.get(key(s.metrics[op.idCol], s.targeting_type, s.targeting_value, s.metrics.DATE)), `${op.id} ${JSON.stringify(s)}`);
  }
});

test('limited roles: 403 code 29', async () => {
  const s = await startSandbox({ scale: 'small', seed: 9, today: TODAY, sharedAdAccounts: 1, adAccountRoles: {} });
  try {
    const limited = s.data.limitedAdAccountIds();
    const id = limited[0] ?? s.data.adAccountIds()[1];
    if (!limited.length) s.control({ action: 'realism', adAccountRoles: { [id]: ['FINANCE_MANAGER'] } });
    const r = await fetch(`${s.baseUrl}/ad_accounts/${id}/targeting_analytics?start_date=2025-06-01&end_date=2025-06-02&granularity=DAY&columns=SPEND_IN_DOLLAR&targeting_types=GENDER`, { headers: AUTH });
    assert.equal(r.status, 403);
    assert.equal(((await r.json()) as { code: number }).code, 29);
  } finally {
    await s.close();
  }
});
