import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { streamDefs, STREAMS } from '../src/pinterest/streams/table.js';
import { streamSchema, customReportColumnsError } from '../src/pinterest/streams/schemas.js';
import {
  ASYNC_REPORT_COLUMNS,
  ID_COLUMNS,
  LEVEL_EXCLUDED_COLUMNS,
  PIN_ANALYTICS_METRIC_TYPES,
  REPORT_LEVELS,
  SYNC_ANALYTICS_COLUMNS,
  USER_ANALYTICS_METRIC_TYPES,
  columnSchema,
  reportColumnsFor,
} from '../src/pinterest/columns.js';
import type { CustomReport } from '../src/pinterest/config.js';
import type { StreamDef } from '../src/pinterest/streams/types.js';
import type { JsonSchema } from './flow-harness.js';

type Schema = JsonSchema;
type Doc = Record<string, unknown>;

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;
const ajv = addFormats(new Ajv2020({ strict: false, allErrors: true }));
const samples = JSON.parse(readFileSync(new URL('./fixtures/openapi-samples.json', import.meta.url), 'utf8')) as Record<string, Doc[]>;

const CUSTOM: CustomReport[] = [
  { name: 'spend_by_campaign', level: 'CAMPAIGN', granularity: 'DAY', columns: ['SPEND_IN_DOLLAR', 'CAMPAIGN_NAME', 'TOTAL_CLICKTHROUGH', 'CAMPAIGN_ENTITY_STATUS'] },
  { name: 'advertiser_total', level: 'ADVERTISER', granularity: 'TOTAL', columns: ['SPEND_IN_DOLLAR'] },
  { name: 'ad_group_targeting', level: 'AD_GROUP_TARGETING', granularity: 'WEEK', columns: ['AD_GROUP_ID', 'TOTAL_IMPRESSION', 'CAMPAIGN_ID'] },
  { name: 'items_hourly', level: 'PRODUCT_ITEM', granularity: 'HOUR', columns: ['PRODUCT_ITEM_NAME', 'SPEND_IN_MICRO_DOLLAR'] },
];
const DEFS = streamDefs({ custom_reports: CUSTOM });
const field = (p: string): string => p.slice(1);
const schemaOf = (def: StreamDef): Schema => streamSchema(def);

function validator(def: StreamDef) {
  return ajv.compile(schemaOf(def));
}

test('every stream has a compilable object schema whose key fields are required non-null strings', () => {
  assert.ok(DEFS.length >= STREAMS.length + CUSTOM.length);
  for (const def of DEFS) {
    const s = schemaOf(def);
    assert.equal(s.type, 'object', def.name);
    assert.doesNotThrow(() => ajv.compile(s), def.name);
    assert.notEqual(s.additionalProperties, false, `${def.name} must stay open`);
    for (const k of def.key.map(field)) {
      assert.ok((s.required as string[]).includes(k), `${def.name}: key ${k} required`);
      assert.equal(s.properties![k]?.type, 'string', `${def.name}: key ${k} a non-null string`);
    }
    // Required = the key only (Pinterest omits empty fields; extra requirements would reject real data).
    assert.deepEqual([...(s.required as string[])].sort(), def.key.map(field).sort(), def.name);
  }
});

test('ids are strings in every schema', () => {
  const walk = (s: Schema, path: string, top: boolean): void => {
    for (const [k, v] of Object.entries(s.properties ?? {})) {
      const isId = k === 'id' || k.endsWith('_id') || k.endsWith('_ID');
      const types: string[] = v.type === undefined ? [] : [v.type].flat();
      if (isId && types.includes('array')) {
        assert.ok([v.items?.type].flat().includes('string'), `${path}.${k}[] accepts strings`);
      } else if (isId && types.length) {
        assert.ok(types.includes('string'), `${path}.${k} accepts strings`);
        // Top-level ids are normalised by the connector, so they must not also admit numbers.
        if (top) assert.deepEqual(types.filter((t) => t !== 'null'), ['string'], `${path}.${k} only strings`);
      }
      walk(v, `${path}.${k}`, false);
      if (v.items) walk(v.items, `${path}.${k}[]`, false);
    }
  };
  for (const def of DEFS) walk(schemaOf(def), def.name, true);
  const v = validator(STREAMS.find((d) => d.name === 'campaigns')!);
  assert.equal(v({ id: 123, ad_account_id: '1' }), false, 'numeric id rejected');
  assert.equal(v({ id: '123', ad_account_id: 1 }), false, 'numeric ad_account_id rejected');
  assert.equal(v({ id: '123', ad_account_id: '1', name: null, some_new_field: { x: 1 } }), true);
  const a = validator(STREAMS.find((d) => d.name === 'campaign_analytics')!);
  assert.equal(a({ CAMPAIGN_ID: '1', DATE: '2024-01-01', ADVERTISER_ID: 7 }), false, 'numeric ADVERTISER_ID rejected');
});

test('documents built from the OpenAPI examples validate; broken ones do not', () => {
  let checked = 0;
  for (const def of STREAMS) {
    const docs = samples[def.name] ?? [];
    const v = validator(def);
    for (const doc of docs) {
      assert.ok(v(doc), `${def.name}: ${JSON.stringify(v.errors)}`);
      checked++;
      const withoutKey = { ...doc };
      delete withoutKey[field(def.key[0])];
      assert.equal(v(withoutKey), false, `${def.name}: a document without its key is rejected`);
      assert.equal(v([doc]), false, `${def.name}: a non-object is rejected`);
    }
  }
  assert.ok(checked >= 20, `only ${checked} sample documents`);
});

test('catalogs_feeds declares no credentials', () => {
  const s = schemaOf(STREAMS.find((d) => d.name === 'catalogs_feeds')!);
  assert.equal(s.properties!.credentials, undefined);
  assert.ok(s.properties!.location && s.properties!.catalog_id, 'feed fields present');
  assert.equal(JSON.stringify(samples.catalogs_feeds).includes('credentials'), false);
});

test('column lists match the OpenAPI counts and classify ids', () => {
  assert.equal(SYNC_ANALYTICS_COLUMNS.length, 175);
  assert.equal(ASYNC_REPORT_COLUMNS.length, 613);
  assert.equal(new Set(ASYNC_REPORT_COLUMNS).size, 613);
  assert.deepEqual(SYNC_ANALYTICS_COLUMNS.filter((c) => !ASYNC_REPORT_COLUMNS.includes(c)), ['QUIZ_PIN_RESULT_OPEN']);
  assert.equal(REPORT_LEVELS.length, 13);
  for (const c of ['AD_ACCOUNT_ID', 'CAMPAIGN_ID', 'AD_GROUP_ID', 'AD_ID', 'ADVERTISER_ID', 'PIN_ID', 'PIN_PROMOTION_ID', 'KEYWORD_ID', 'PRODUCT_ITEM_ID', 'PRODUCT_GROUP_ID']) {
    assert.ok(ID_COLUMNS.has(c), c);
  }
  assert.ok(!ID_COLUMNS.has('CAMPAIGN_NAME'));
  assert.ok(USER_ANALYTICS_METRIC_TYPES.includes('IMPRESSION') && USER_ANALYTICS_METRIC_TYPES.includes('OUTBOUND_CLICK'));
  assert.ok(PIN_ANALYTICS_METRIC_TYPES.includes('VIDEO_MRC_VIEW') && PIN_ANALYTICS_METRIC_TYPES.includes('TOTAL_COMMENTS'));
  assert.equal(new Set(PIN_ANALYTICS_METRIC_TYPES).size, PIN_ANALYTICS_METRIC_TYPES.length);
  assert.ok(!reportColumnsFor('PRODUCT_ITEM').includes('AD_ID'));
  assert.ok(!reportColumnsFor('CAMPAIGN_TARGETING').includes('TOTAL_IMPRESSION_USER'));
  assert.equal(reportColumnsFor('CAMPAIGN').length, 613);
  for (const l of REPORT_LEVELS) assert.ok(LEVEL_EXCLUDED_COLUMNS[l], l);
});

test('analytics schemas carry every documented column with the runtime column types', () => {
  for (const name of ['ad_account_analytics', 'campaign_analytics', 'ad_group_analytics', 'ad_analytics']) {
    const def = STREAMS.find((d) => d.name === name)!;
    const s = schemaOf(def);
    const keyFields = new Set(def.key.map(field));
    for (const c of SYNC_ANALYTICS_COLUMNS) {
      assert.ok(s.properties![c], `${name}.${c}`);
      if (!keyFields.has(c)) assert.deepEqual(s.properties![c], columnSchema(c), `${name}.${c}`);
    }
    assert.deepEqual(s.properties!.DATE, { type: 'string', format: 'date' });
  }
  for (const def of STREAMS.filter((d) => d.strategy === 'async_report')) {
    const s = schemaOf(def);
    const keyFields = new Set(def.key.map(field));
    for (const c of ASYNC_REPORT_COLUMNS) if (!keyFields.has(c)) assert.deepEqual(s.properties![c], columnSchema(c), `${def.name}.${c}`);
  }
  const pin = schemaOf(STREAMS.find((d) => d.name === 'pin_analytics')!);
  for (const m of PIN_ANALYTICS_METRIC_TYPES) assert.ok(pin.properties![m], `pin_analytics.${m}`);
  const user = schemaOf(STREAMS.find((d) => d.name === 'user_account_analytics')!);
  for (const m of USER_ANALYTICS_METRIC_TYPES) assert.ok(user.properties!.metrics.properties![m], `user_account_analytics.metrics.${m}`);
});

test('report rows validate with their level keys; a row missing a targeting key does not', () => {
  const def = STREAMS.find((d) => d.name === 'campaign_targeting_report')!;
  const v = validator(def);
  const row = { CAMPAIGN_ID: '626736533506', DATE: '2024-01-01', TARGETING_TYPE: 'KEYWORD', TARGETING_VALUE: 'christmas decor', SPEND_IN_DOLLAR: 12.5, CAMPAIGN_NAME: 'x', CAMPAIGN_ENTITY_STATUS: 1 };
  assert.ok(v(row), JSON.stringify(v.errors));
  const { TARGETING_VALUE: _drop, ...missing } = row;
  assert.equal(v(missing), false);
  assert.equal(v({ ...row, DATE: '2024-01-01T05' }), false, 'DAY report DATE is a date');
  assert.equal(v({ ...row, SPEND_IN_DOLLAR: 'twelve' }), false, 'metrics are numbers');
});

test('custom report schemas come from their columns and level', () => {
  const [camp, total, adg, hourly] = CUSTOM.map((r) => DEFS.find((d) => d.name === `custom_${r.name}`)!);
  const s = schemaOf(camp);
  assert.deepEqual(Object.keys(s.properties!).sort(), ['CAMPAIGN_ENTITY_STATUS', 'CAMPAIGN_ID', 'CAMPAIGN_NAME', 'DATE', 'SETTLED', 'SPEND_IN_DOLLAR', 'TOTAL_CLICKTHROUGH']);
  assert.deepEqual(s.required, ['CAMPAIGN_ID', 'DATE']);
  assert.deepEqual(s.properties!.SPEND_IN_DOLLAR, { type: ['number', 'null'] });
  assert.deepEqual(s.properties!.CAMPAIGN_NAME, { type: ['string', 'null'] });
  const v = validator(camp);
  assert.ok(v({ CAMPAIGN_ID: '1', DATE: '2024-02-03', SPEND_IN_DOLLAR: 1, CAMPAIGN_NAME: 'a', UNLISTED: true }));
  assert.equal(v({ CAMPAIGN_ID: 1, DATE: '2024-02-03' }), false);

  assert.ok(!('DATE' in schemaOf(total).properties!), 'TOTAL granularity has no DATE');
  const a = schemaOf(adg);
  assert.deepEqual(a.required, ['AD_GROUP_ID', 'DATE', 'TARGETING_TYPE', 'TARGETING_VALUE']);
  assert.equal(a.properties!.CAMPAIGN_ID.type!.includes('string'), true);
  const h = validator(hourly);
  assert.ok(h({ PRODUCT_ITEM_ID: '9', ADVERTISER_ID: '5', DATE: '2024-02-03 13:00:00', SPEND_IN_MICRO_DOLLAR: 5 }), 'hourly DATE carries a time');
});

test('custom report columns are checked against the async column list and level exclusions', () => {
  assert.equal(customReportColumnsError({ name: 'ok', level: 'CAMPAIGN', columns: ['SPEND_IN_DOLLAR', 'CAMPAIGN_NAME'] }), null);
  assert.match(customReportColumnsError({ name: 'bad', level: 'CAMPAIGN', columns: ['SPEND_IN_DOLLAR', 'NOPE'] })!, /custom report "bad".*NOPE/);
  assert.match(customReportColumnsError({ name: 'quiz', level: 'CAMPAIGN', columns: ['QUIZ_PIN_RESULT_OPEN'] })!, /QUIZ_PIN_RESULT_OPEN/);
  assert.match(customReportColumnsError({ name: 'pi', level: 'PRODUCT_ITEM', columns: ['AD_ID', 'SPEND_IN_DOLLAR'] })!, /PRODUCT_ITEM does not accept column\(s\) AD_ID/);
  assert.match(customReportColumnsError({ name: 'lvl', level: 'NOPE', columns: ['SPEND_IN_DOLLAR'] })!, /unknown level/);
  assert.match(customReportColumnsError({ name: 'empty', level: 'CAMPAIGN', columns: [] })!, /at least one/);
  assert.match(customReportColumnsError({ name: 'dup', level: 'CAMPAIGN', columns: ['CTR', 'CTR'] })!, /duplicate/);
});

test('schemas are returned as fresh copies', () => {
  const def = STREAMS.find((d) => d.name === 'boards')!;
  const a = schemaOf(def);
  (a.properties as Schema).id = { type: 'number' };
  assert.deepEqual(schemaOf(def).properties!.id, { type: 'string' });
});

test('the compiled module finds resources/ from dist/', async () => {
  const dist = (await import(new URL('../dist/pinterest/streams/schemas.js', import.meta.url).href)) as typeof import('../src/pinterest/streams/schemas.js');
  const s = dist.streamSchema(STREAMS.find((d) => d.name === 'ad_accounts')!);
  assert.deepEqual(s.required, ['id']);
});
