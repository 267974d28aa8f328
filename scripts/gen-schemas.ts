// Generates resources/schemas/<stream>.json and src/pinterest/columns.ts from Pinterest's OpenAPI
// description (resources/openapi/pinterest-openapi-5.23.0.json, MIT, vendored). The outputs are committed;
// nothing at build or test time runs this script.
//
//   node --import tsx scripts/gen-schemas.ts [path/to/openapi.json]
//
// Document schemas are deliberately loose (Flow validates every captured document against them
// and must never reject real data): no enums, patterns, lengths or `required` below the top level,
// objects stay open, and `date-time` formats are dropped (Pinterest returns some timestamps
// without a zone, e.g. boards' created_at). Ids (`id`, `*_id`, `*_ids`) are strings: the connector
// normalises numeric ids.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { STREAMS } from '../src/pinterest/streams/table.js';
import { endpointOf } from '../src/pinterest/streams/types.js';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Obj = { [k: string]: Json };
type Schema = Record<string, unknown>;

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SPEC_PATH = process.argv[2] ?? resolve(ROOT, 'resources/openapi/pinterest-openapi-5.23.0.json');
const spec = JSON.parse(readFileSync(SPEC_PATH, 'utf8')) as Obj;
const components = spec.components as Obj;
const componentSchemas = components.schemas as Record<string, Obj>;
const paths = spec.paths as Record<string, Record<string, Obj>>;

// ---------------------------------------------------------------------------------------------
// OpenAPI → loose JSON Schema

function deref(ref: string): Obj {
  const m = /^#\/components\/(schemas|parameters)\/(.+)$/.exec(ref);
  if (!m) throw new Error(`unsupported $ref ${ref}`);
  const target = (components[m[1]] as Record<string, Obj>)[m[2]];
  if (!target) throw new Error(`dangling $ref ${ref}`);
  return target;
}

const isIdName = (name: string): boolean => name === 'id' || name.endsWith('_id') || /_ID$/.test(name);
const isIdsName = (name: string): boolean => name.endsWith('_ids');

function typesOf(s: Schema): string[] {
  if (s.type === undefined) return [];
  return Array.isArray(s.type) ? (s.type as string[]) : [s.type as string];
}

function withNull(s: Schema): Schema {
  const t = typesOf(s);
  if (t.length === 0 || t.includes('null')) return s;
  return { ...s, type: [...t, 'null'] };
}

/** Union of two converted schemas, as loose as needed to accept both. */
function union(a: Schema, b: Schema): Schema {
  if (JSON.stringify(a) === JSON.stringify(b)) return a;
  const ta = typesOf(a);
  const tb = typesOf(b);
  if (ta.length === 0 || tb.length === 0) return {}; // one side accepts anything
  const types = [...new Set([...ta, ...tb])].sort();
  const out: Schema = { type: types.length === 1 ? types[0] : types };
  if (types.includes('object')) {
    const props = mergeProps(a.properties as Record<string, Schema> | undefined, b.properties as Record<string, Schema> | undefined);
    if (props) out.properties = props;
    // Value schemas of maps survive only when both sides agree.
    if (a.additionalProperties !== undefined && JSON.stringify(a.additionalProperties) === JSON.stringify(b.additionalProperties)) {
      out.additionalProperties = a.additionalProperties;
    }
  }
  if (types.includes('array')) {
    if (a.items && b.items) out.items = union(a.items as Schema, b.items as Schema);
  }
  if (a.format && a.format === b.format) out.format = a.format;
  return out;
}

function mergeProps(a?: Record<string, Schema>, b?: Record<string, Schema>): Record<string, Schema> | undefined {
  if (!a) return b;
  if (!b) return a;
  const out: Record<string, Schema> = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = k in out ? union(out[k], v) : v;
  return out;
}

/** Properties of allOf parts are intersected in OpenAPI; as documentation we take the most specific. */
function mergeAll(parts: Schema[]): Schema {
  const out: Schema = {};
  for (const p of parts) {
    for (const [k, v] of Object.entries(p)) {
      if (k === 'properties') {
        const props = { ...((out.properties as Record<string, Schema>) ?? {}) };
        for (const [pk, pv] of Object.entries(v as Record<string, Schema>)) {
          props[pk] = pk in props && Object.keys(pv).length === 0 ? props[pk] : pk in props ? refine(props[pk], pv) : pv;
        }
        out.properties = props;
      } else if (k === 'type') {
        if (out.type === undefined) out.type = v;
        else {
          // Intersection of type lists (nullable in one part, strict in another → strict).
          const a = typesOf(out);
          const both = typesOf(p).filter((t) => a.includes(t));
          if (both.length) out.type = both.length === 1 ? both[0] : both;
        }
      } else if (out[k] === undefined) out[k] = v;
    }
  }
  return out;
}

function refine(a: Schema, b: Schema): Schema {
  if (typesOf(a).length === 0) return b;
  if (typesOf(b).length === 0) return a;
  return mergeAll([a, b]);
}

const KEEP_FORMATS = new Set(['date']);

function convert(src: Obj, stack: string[] = []): Schema {
  if (typeof src.$ref === 'string') {
    const ref = src.$ref;
    if (stack.includes(ref)) return {}; // recursive structure: leave it open
    const rest = { ...src };
    delete rest.$ref;
    const target = convert(deref(ref), [...stack, ref]);
    return Object.keys(rest).length ? mergeAll([target, convert(rest, stack)]) : target;
  }
  let out: Schema = {};
  const nullable = src.nullable === true;
  if (typeof src.type === 'string') out.type = src.type === 'integer' ? 'integer' : src.type;
  if (typeof src.format === 'string' && KEEP_FORMATS.has(src.format)) out.format = src.format;
  if (src.properties && typeof src.properties === 'object') {
    const props: Record<string, Schema> = {};
    for (const k of Object.keys(src.properties).sort()) props[k] = convertProp(k, (src.properties as Obj)[k] as Obj, stack);
    out.properties = props;
    out.type ??= 'object';
  }
  if (src.items && typeof src.items === 'object') out.items = convert(src.items as Obj, stack);
  if (src.additionalProperties && typeof src.additionalProperties === 'object') {
    const ap = convert(src.additionalProperties as Obj, stack);
    if (Object.keys(ap).length) out.additionalProperties = ap;
  }
  if (Array.isArray(src.allOf)) {
    out = mergeAll([out, ...src.allOf.map((p) => convert(p as Obj, stack))]);
  }
  for (const key of ['oneOf', 'anyOf'] as const) {
    const variants = src[key];
    if (Array.isArray(variants) && variants.length) {
      const merged = variants.map((v) => convert(v as Obj, stack)).reduce(union);
      out = Object.keys(out).length ? refineLoose(out, merged) : merged;
    }
  }
  if (nullable) out = withNull(out);
  return out;
}

// A schema that has both its own keywords and a oneOf: the oneOf variants add properties.
function refineLoose(a: Schema, b: Schema): Schema {
  const out = mergeAll([a, b]);
  if (typesOf(a).length && typesOf(b).length && typesOf(out).length === 0) return {};
  return out;
}

function convertProp(name: string, src: Obj, stack: string[]): Schema {
  const s = convert(src, stack);
  const t = typesOf(s);
  if (isIdName(name) && t.includes('string')) return { type: t.includes('null') ? ['string', 'null'] : 'string' };
  // Ids Pinterest documents as numbers (nested quiz/lead-form ids): the connector normalises only
  // top-level ids, so these accept either form.
  if (isIdName(name) && t.some((x) => x === 'integer' || x === 'number')) return { type: [...new Set([...t, 'string'])] };
  if (isIdsName(name) && t.includes('array')) return { ...s, items: { type: 'string' } };
  return s;
}

// ---------------------------------------------------------------------------------------------
// Streams

function responseSchema(path: string): Obj {
  const op = paths[path]?.get;
  if (!op) throw new Error(`no GET ${path} in the OpenAPI description`);
  return ((((op.responses as Obj)['200'] as Obj).content as Obj)['application/json'] as Obj).schema as Obj;
}

/** The document schema behind an endpoint: the `items` of a list response, or the object itself. */
function endpointDocument(path: string, single: boolean): Obj {
  const resp = responseSchema(path);
  if (single) return resp;
  const find = (s: Obj): Obj | undefined => {
    if (s.$ref) return find(deref(s.$ref as string));
    const items = (s.properties as Obj | undefined)?.items as Obj | undefined;
    if (items?.items) return items.items as Obj;
    // The most specific part (the endpoint's own items) comes last; Paginated's are untyped.
    for (const p of [...((s.allOf as Obj[] | undefined) ?? [])].reverse()) {
      const f = find(p);
      if (f && Object.keys(f).length) return f;
    }
    return undefined;
  };
  const item = find(resp);
  if (!item) throw new Error(`no items in GET ${path}`);
  return item;
}

interface EntityStream {
  stream: string;
  /** Endpoint whose response items (or whole response, when `single`) are the documents. */
  path: string;
  single?: boolean;
  key: string[];
  drop?: string[];
  /** Fields the connector adds to each document. */
  add?: Record<string, Schema>;
  /** Configuration DSLs (product-group filters …) kept as open objects rather than expanded. */
  opaque?: string[];
}

// What the schemas need beyond the stream table: fields the connector adds that the API schema
// lacks, and DSL objects kept opaque.
const SCHEMA_NOTES: Record<string, Pick<EntityStream, 'add' | 'opaque'>> = {
  board_sections: { add: { board_id: { type: 'string' } } },
  catalogs_product_groups: { opaque: ['filters'] },
};

// Every entity stream of the connector's table (analytics and reports have column schemas below).
const ENTITY_STRATEGIES = new Set(['single', 'list', 'board_children', 'account_children', 'keywords', 'incremental_list']);
const ENTITY_STREAMS: EntityStream[] = STREAMS.filter((d) => ENTITY_STRATEGIES.has(d.strategy)).map((d) => ({
  stream: d.name,
  path: endpointOf(d),
  single: d.strategy === 'single',
  key: d.key.map((k) => k.replace(/^\//, '')),
  drop: d.strategy === 'list' ? d.drop : undefined,
  ...SCHEMA_NOTES[d.name],
}));

const source = (e: EntityStream): Obj => endpointDocument(e.path, e.single ?? false);

function entitySchema(e: EntityStream): Schema {
  const s = convert(source(e));
  const props = { ...((s.properties as Record<string, Schema>) ?? {}) };
  for (const d of e.drop ?? []) delete props[d];
  for (const o of e.opaque ?? []) props[o] = { type: 'object' };
  for (const k of Object.keys(props)) props[k] = loosen(props[k]);
  Object.assign(props, e.add ?? {});
  for (const k of e.key) {
    const t = typesOf(props[k] ?? {}).filter((x) => x !== 'null');
    props[k] = { type: t.length === 1 ? t[0] : 'string' };
  }
  return document(props, e.key);
}

/**
 * Every value may be null (Pinterest's `nullable` annotations are incomplete, and a document Flow
 * rejects stops the capture); properties sorted, "null" last.
 */
function loosen(s: Schema): Schema {
  const out: Schema = { ...s };
  const t = typesOf(s);
  if (t.length) {
    const types = [...t.filter((x) => x !== 'null').sort(), 'null'];
    out.type = types;
  }
  if (s.properties) {
    const props: Record<string, Schema> = {};
    for (const k of Object.keys(s.properties).sort()) props[k] = loosen((s.properties as Record<string, Schema>)[k]);
    out.properties = props;
  }
  if (s.items) out.items = loosen(s.items as Schema);
  if (s.additionalProperties && typeof s.additionalProperties === 'object') out.additionalProperties = loosen(s.additionalProperties as Schema);
  return out;
}

function document(props: Record<string, Schema>, required: string[]): Schema {
  const sorted: Record<string, Schema> = {};
  for (const k of Object.keys(props).sort()) sorted[k] = props[k]!;
  // No `$schema`: the subset used reads the same under draft-07 and 2020-12 (Flow's dialect), so
  // consumers may compile it with either ajv flavour.
  return { type: 'object', required, properties: sorted };
}

// ---------------------------------------------------------------------------------------------
// Analytics columns

function queryEnum(param: Obj): string[] {
  const p = param.$ref ? deref(param.$ref as string) : param;
  const items = ((p.schema as Obj).items as Obj) ?? {};
  if (Array.isArray(items.enum)) return items.enum as string[];
  const out: string[] = [];
  for (const v of (items.oneOf as Obj[] | undefined) ?? []) for (const e of v.enum as string[]) if (!out.includes(e)) out.push(e);
  return out;
}

function opParam(path: string, name: string): Obj {
  const params = (paths[path].get.parameters as Obj[]).map((p) => (p.$ref ? deref(p.$ref as string) : p));
  const found = params.find((p) => p.name === name);
  if (!found) throw new Error(`GET ${path} has no ${name} parameter`);
  return found;
}

const SYNC_COLUMNS = queryEnum(opParam('/ad_accounts/{ad_account_id}/analytics', 'columns'));
for (const p of ['/ad_accounts/{ad_account_id}/campaigns/analytics', '/ad_accounts/{ad_account_id}/ad_groups/analytics', '/ad_accounts/{ad_account_id}/ads/analytics']) {
  if (JSON.stringify(queryEnum(opParam(p, 'columns'))) !== JSON.stringify(SYNC_COLUMNS)) throw new Error(`${p}: columns enum differs`);
}
const ASYNC_COLUMNS = componentSchemas.ReportingColumnAsync.enum as string[];
const USER_METRICS = queryEnum(opParam('/user_account/analytics', 'metric_types'));
const PIN_METRICS = queryEnum(opParam('/pins/analytics', 'metric_types'));
// metric_types is a oneOf: standard Pin metrics or video Pin metrics, never a mix of the two.
const PIN_METRIC_SETS = ((((opParam('/pins/analytics', 'metric_types')).schema as Obj).items as Obj).oneOf as Obj[]).map((o) => o.enum as string[]);
const [PIN_STANDARD_METRICS, PIN_VIDEO_METRICS] = [PIN_METRIC_SETS[0] ?? [], PIN_METRIC_SETS[1] ?? []];
const LEVELS = (componentSchemas.MetricsReportingLevel?.enum as string[] | undefined) ?? [];

// Sync targeting analytics: each endpoint's own targeting_types enum and how many one call takes.
const TARGETING_ENDPOINTS = {
  ad_account: '/ad_accounts/{ad_account_id}/targeting_analytics',
  campaign: '/ad_accounts/{ad_account_id}/campaigns/targeting_analytics',
  ad_group: '/ad_accounts/{ad_account_id}/ad_groups/targeting_analytics',
  ad: '/ad_accounts/{ad_account_id}/ads/targeting_analytics',
} as const;
function resolveSchema(x: Obj): Obj {
  let out = x;
  while (typeof out.$ref === 'string') out = deref(out.$ref);
  return out;
}
const TARGETING = Object.fromEntries(
  Object.entries(TARGETING_ENDPOINTS).map(([level, path]) => {
    const schema = opParam(path, 'targeting_types').schema as Obj;
    return [level, { types: resolveSchema(schema.items as Obj).enum as string[], perCall: (schema.maxItems as number | undefined) ?? 15 }];
  }),
);

// Row grouping ids of async report levels that are not in the columns enum themselves.
const EXTRA_ID_COLUMNS = ['KEYWORD_ID', 'PRODUCT_ITEM_ID'];
const ID_COLUMNS = [...new Set([...SYNC_COLUMNS, ...ASYNC_COLUMNS, ...EXTRA_ID_COLUMNS].filter((c) => c.endsWith('_ID')))].sort();

// Attribute (non-metric) columns. Names, labels, URLs and free text are strings; statuses and
// settings are returned by Pinterest as strings in reports but as numbers in some sync rows
// (Airbyte types CAMPAIGN_ENTITY_STATUS both ways), so those accept any scalar.
const STRING_COLUMNS = [
  'CAMPAIGN_NAME', 'CAMPAIGN_BRAND_LABEL', 'AD_GROUP_NAME', 'PROMO_NAME', 'ORDER_LINE_NAME', 'AD_NAME', 'PIN_PROMOTION_NAME',
  'PRODUCT_GROUP_AD_IMAGE_TAG', 'PRODUCT_GROUP_AD_VIDEO_TAG', 'PRODUCT_ITEM_NAME', 'PRODUCT_ITEM_IMAGE_URL', 'PRODUCT_ITEM_PRODUCT_URL',
  'PRODUCT_ITEM_PIN_URL', 'PRODUCT_ITEM_BRAND', 'PRODUCT_ITEM_DESCRIPTION', 'PRODUCT_ITEM_PRODUCT_TYPE', 'PRODUCT_ITEM_PRODUCT_CATEGORY',
  'PRODUCT_ITEM_CURRENCY',
];
const SCALAR_COLUMNS = [
  'CAMPAIGN_ENTITY_STATUS', 'CAMPAIGN_OBJECTIVE_TYPE', 'AD_GROUP_BUDGET_TYPE', 'AD_GROUP_ENTITY_STATUS', 'AD_GROUP_OPTIMIZATION',
  'CAMPAIGN_BUDGET_OPTIMIZATION', 'IS_PREMIERE_CAMPAIGN', 'CAMPAIGN_STATUS', 'PIN_PROMOTION_STATUS', 'AD_STATUS', 'CAMPAIGN_MANAGED_STATUS',
  'AD_GROUP_STATUS', 'PRODUCT_GROUP_STATUS', 'PRODUCT_ITEM_PRICE', 'PRODUCT_ITEM_SALE_PRICE',
];
// Shape undocumented (a list of labels, or a joined string): any JSON value.
const ANY_COLUMNS = ['CAMPAIGN_CUSTOM_LABELS'];
for (const c of [...STRING_COLUMNS, ...SCALAR_COLUMNS, ...ANY_COLUMNS]) {
  if (!ASYNC_COLUMNS.includes(c) && !SYNC_COLUMNS.includes(c)) throw new Error(`attribute column ${c} is in no columns enum`);
}

// Per-level exclusions the API enforces.
//  - PRODUCT_ITEM: the create_report operation description (OpenAPI 5.23.0) says "If level is
//    PRODUCT_ITEM … Any columns related to pin promotion and ad is not allowed"; Airbyte's
//    product_item_report drops AD_ID and PIN_PROMOTION_ID. We drop every PIN_PROMOTION_* and AD_*
//    (not AD_GROUP_*/AD_ACCOUNT_*) column.
//  - *_TARGETING and KEYWORD: Airbyte's Python source drops TOTAL_IMPRESSION_USER and
//    TOTAL_IMPRESSION_FREQUENCY ("not suitable for targeting report"); not in the OpenAPI.
const createReportPost = paths['/ad_accounts/{ad_account_id}/reports'].post;
const createReportDescription = typeof createReportPost.description === 'string' ? createReportPost.description : '';
if (!/PRODUCT_ITEM[^.]*\. Any columns related to pin promotion and ad is not allowed/.test(createReportDescription)) {
  throw new Error('create_report description no longer documents the PRODUCT_ITEM column restriction');
}
const PRODUCT_ITEM_EXCLUDED = ASYNC_COLUMNS.filter((c) => c.startsWith('PIN_PROMOTION_') || /^AD_(ID|NAME|STATUS)$/.test(c));
const TARGETING_EXCLUDED = ['TOTAL_IMPRESSION_USER', 'TOTAL_IMPRESSION_FREQUENCY'];

function columnsDocument(columns: string[], key: string[], extra: Record<string, Schema> = {}): Schema {
  const props: Record<string, Schema> = {};
  for (const c of columns) props[c] = columnSchema(c);
  Object.assign(props, extra);
  for (const k of key) props[k] = k === 'DATE' ? { type: 'string', format: 'date' } : { type: 'string' };
  return document(props, key);
}

const DATA_STATUS: Schema = { type: ['string', 'null'] };
const metricsProps = (names: string[]): Record<string, Schema> => Object.fromEntries([...names].sort().map((m) => [m, { type: ['number', 'null'] }]));

function userAnalyticsSchema(): Schema {
  const daily = convert(componentSchemas.AnalyticsDailyMetrics);
  const props = { ...(daily.properties as Record<string, Schema>) };
  // The metrics map: documented example metrics ∪ requestable metric types, any other number too.
  const example = Object.keys((componentSchemas.Metrics.example as Obj) ?? {});
  props.metrics = { type: 'object', properties: metricsProps([...new Set([...example, ...USER_METRICS])]), additionalProperties: { type: ['number', 'null'] } };
  props.data_status = DATA_STATUS;
  props.date = { type: 'string', format: 'date' };
  return document(props, ['date']);
}

function pinAnalyticsSchema(): Schema {
  const props: Record<string, Schema> = { PIN_ID: { type: 'string' }, DATE: { type: 'string', format: 'date' }, data_status: DATA_STATUS, ...metricsProps(PIN_METRICS) };
  return document(props, ['PIN_ID', 'DATE']);
}

// ---------------------------------------------------------------------------------------------
// Output

const list = (xs: string[]): string => `[\n${chunk(xs.map((x) => `'${x}'`)).join('\n')}\n]`;
function chunk(xs: string[]): string[] {
  const lines: string[] = [];
  let line = ' ';
  for (const x of xs) {
    if (line.length + x.length + 2 > 110) {
      lines.push(line.trimEnd());
      line = ' ';
    }
    line += ` ${x},`;
  }
  if (line.trim()) lines.push(line.trimEnd());
  return lines;
}

const ts = `// GENERATED by scripts/gen-schemas.ts from Pinterest's OpenAPI 5.23.0 — do not edit by hand.

/** \`columns\` enum of the sync ads analytics endpoints (ad_account/campaigns/ad_groups/ads analytics), OpenAPI order. */
export const SYNC_ANALYTICS_COLUMNS: readonly string[] = ${list(SYNC_COLUMNS)};

/** Sync targeting analytics, per level: the endpoint's targeting_types enum and maxItems per call. */
export const TARGETING_ANALYTICS: Readonly<Record<'ad_account' | 'campaign' | 'ad_group' | 'ad', { types: readonly string[]; perCall: number }>> = ${JSON.stringify(TARGETING)};

/** \`ReportingColumnAsync\`: columns an async report (POST /ad_accounts/{id}/reports) accepts, OpenAPI order. */
export const ASYNC_REPORT_COLUMNS: readonly string[] = ${list(ASYNC_COLUMNS)};

/** \`metric_types\` of GET /user_account/analytics (omitting the parameter requests all of them). */
export const USER_ANALYTICS_METRIC_TYPES: readonly string[] = ${list(USER_METRICS)};

/** \`metric_types\` of GET /pins/analytics: standard ∪ video pin metrics, OpenAPI order. */
export const PIN_ANALYTICS_METRIC_TYPES: readonly string[] = ${list(PIN_METRICS)};

/** The request's two alternatives (the parameter is a oneOf): standard Pin metrics, video Pin metrics. */
export const PIN_STANDARD_METRIC_TYPES: readonly string[] = ${list(PIN_STANDARD_METRICS)};
export const PIN_VIDEO_METRIC_TYPES: readonly string[] = ${list(PIN_VIDEO_METRICS)};

/** Async report levels (\`level\` of the create-report request). */
export const REPORT_LEVELS: readonly string[] = ${list(LEVELS)};

/**
 * Columns holding entity ids: every \`*_ID\` column of either enum, plus the row ids of the KEYWORD
 * and PRODUCT_ITEM levels. Pinterest sometimes returns them as numbers; documents carry strings.
 */
export const ID_COLUMNS: ReadonlySet<string> = new Set(${list(ID_COLUMNS)});

/** Attribute columns whose values are text. Every other non-id column is a number except SCALAR/ANY ones. */
export const STRING_COLUMNS: ReadonlySet<string> = new Set(${list(STRING_COLUMNS)});

/** Attribute columns Pinterest returns as strings in reports but sometimes as numbers (statuses, settings). */
export const SCALAR_COLUMNS: ReadonlySet<string> = new Set(${list(SCALAR_COLUMNS)});

/** Attribute columns of undocumented shape. */
export const ANY_COLUMNS: ReadonlySet<string> = new Set(${list(ANY_COLUMNS)});

/**
 * Columns an async report level may not request.
 * - PRODUCT_ITEM(_TARGETING): OpenAPI 5.23.0 create_report description: "If level is PRODUCT_ITEM …
 *   Any columns related to pin promotion and ad is not allowed" (Airbyte drops AD_ID and
 *   PIN_PROMOTION_ID); we drop PIN_PROMOTION_* and AD_ID/AD_NAME/AD_STATUS.
 * - *_TARGETING and KEYWORD: Airbyte's source drops TOTAL_IMPRESSION_USER and
 *   TOTAL_IMPRESSION_FREQUENCY ("not suitable for targeting report"); not documented in the OpenAPI.
 */
export const LEVEL_EXCLUDED_COLUMNS: Readonly<Record<string, readonly string[]>> = {
${LEVELS.map((l) => {
  const ex = [...(l.startsWith('PRODUCT_ITEM') ? PRODUCT_ITEM_EXCLUDED : []), ...(l.endsWith('_TARGETING') || l === 'KEYWORD' ? TARGETING_EXCLUDED : [])];
  return `  ${l}: [${ex.map((c) => `'${c}'`).join(', ')}],`;
}).join('\n')}
};

/** JSON Schema of one analytics/report column value: ids string, DATE a date, attributes by kind, metrics numbers. */
export function columnSchema(column: string): Record<string, unknown> {
  if (column === 'DATE') return { type: 'string', format: 'date' };
  if (ID_COLUMNS.has(column) || STRING_COLUMNS.has(column) || column === 'TARGETING_TYPE' || column === 'TARGETING_VALUE') {
    return { type: ['string', 'null'] };
  }
  if (SCALAR_COLUMNS.has(column)) return { type: ['string', 'number', 'boolean', 'null'] };
  if (ANY_COLUMNS.has(column)) return {};
  return { type: ['number', 'null'] };
}

/** The async report columns a level accepts (ASYNC_REPORT_COLUMNS minus its exclusions). */
export function reportColumnsFor(level: string): string[] {
  const excluded = new Set(LEVEL_EXCLUDED_COLUMNS[level] ?? []);
  return ASYNC_REPORT_COLUMNS.filter((c) => !excluded.has(c));
}
`;
writeFileSync(join(ROOT, 'src', 'pinterest', 'columns.ts'), ts);

// The document schemas use the generated column classification (one source of truth with the
// runtime, which builds custom-report schemas from it).
const { columnSchema } = (await import(pathToFileURL(join(ROOT, 'src', 'pinterest', 'columns.ts')).href)) as { columnSchema: (c: string) => Schema };

const outputs: Record<string, Schema> = {};
for (const e of ENTITY_STREAMS) outputs[e.stream] = entitySchema(e);
outputs.user_account_analytics = userAnalyticsSchema();
outputs.pin_analytics = pinAnalyticsSchema();
for (const [stream, id] of [['ad_account_analytics', 'AD_ACCOUNT_ID'], ['campaign_analytics', 'CAMPAIGN_ID'], ['ad_group_analytics', 'AD_GROUP_ID'], ['ad_analytics', 'AD_ID']] as const) {
  outputs[stream] = columnsDocument(['DATE', ...SYNC_COLUMNS], [id, 'DATE']);
  // Targeting breakdowns of the same level: one row per (entity, day, targeting type, value).
  const targeting = stream.replace('_analytics', '_targeting_analytics');
  outputs[targeting] = columnsDocument(['DATE', ...SYNC_COLUMNS], [id, 'DATE', 'TARGETING_TYPE', 'TARGETING_VALUE']);
}
// Report rows: every async column plus the level grouping ids; `required` is set per stream at
// discover time from the stream's key (src/pinterest/streams/schemas.ts).
const reportColumns = ['DATE', ...ASYNC_COLUMNS, ...EXTRA_ID_COLUMNS];
outputs.report = columnsDocument(reportColumns, []);
outputs.targeting_report = columnsDocument([...reportColumns, 'TARGETING_TYPE', 'TARGETING_VALUE'], []);
// The report DATE may be absent (TOTAL granularity) or carry an hour (HOUR): leave it unformatted.
for (const r of ['report', 'targeting_report']) ((outputs[r].properties as Record<string, Schema>).DATE = { type: ['string', 'null'] });

// Sample documents assembled from the OpenAPI `example` values, for tests/schemas-streams.test.ts:
// what Pinterest documents its responses to look like must validate against our schemas.
function sample(src: Obj, stack: string[] = []): Json | undefined {
  if (typeof src.$ref === 'string') return stack.includes(src.$ref) ? undefined : sample(deref(src.$ref), [...stack, src.$ref]);
  if (src.example !== undefined) return src.example;
  let out: Obj | undefined;
  for (const part of (src.allOf as Obj[] | undefined) ?? []) {
    const v = sample(part, stack);
    if (v && typeof v === 'object' && !Array.isArray(v)) out = { ...(out ?? {}), ...v };
  }
  const variants = (src.oneOf ?? src.anyOf) as Obj[] | undefined;
  if (variants?.length) {
    const v = sample(variants[0], stack);
    if (v && typeof v === 'object' && !Array.isArray(v)) out = { ...(out ?? {}), ...v };
    else if (v !== undefined && !out) return v;
  }
  if (src.properties) {
    for (const [k, p] of Object.entries(src.properties as Obj)) {
      const v = sample(p as Obj, stack);
      if (v !== undefined) (out ??= {})[k] = v;
    }
  }
  if (src.items) {
    const v = sample(src.items as Obj, stack);
    return v === undefined ? undefined : [v];
  }
  return out;
}

/** What the connector does to every document: top-level ids as strings, dropped fields gone. */
function asCaptured(doc: Obj, drop: string[] = []): Obj {
  const out: Obj = {};
  for (const [k, v] of Object.entries(doc)) {
    if (drop.includes(k)) continue;
    out[k] = isIdName(k) && typeof v === 'number' ? String(v) : v;
  }
  return out;
}

const samples: Record<string, Obj[]> = {};
for (const e of ENTITY_STREAMS) {
  const doc = sample(source(e));
  if (doc && typeof doc === 'object' && !Array.isArray(doc)) {
    // Some component examples omit the key; the API always returns it.
    for (const k of e.key) doc[k] ??= `sample-${k}`;
    samples[e.stream] = [asCaptured(doc, e.drop)];
  }
}
for (const [stream, component] of [['ad_account_analytics', 'AdAccountAnalyticsResponse'], ['campaign_analytics', 'CampaignsAnalyticsResponse'], ['ad_group_analytics', 'AdGroupsAnalyticsResponse'], ['ad_analytics', 'AdsAnalyticsResponse']] as const) {
  const item = componentSchemas[component]?.items as Obj | undefined;
  if (item?.example) samples[stream] = [asCaptured(item.example as Obj)];
}
{
  const daily = sample(componentSchemas.AnalyticsDailyMetrics) as Obj;
  samples.user_account_analytics = [daily];
  const pinDaily = ((componentSchemas.PinAnalyticsMetricsResponse.properties as Obj).daily_metrics as Obj).items as Obj;
  const d = sample(pinDaily) as Obj;
  samples.pin_analytics = [{ PIN_ID: '1234567890', DATE: d.date, data_status: d.data_status, ...(d.metrics as Obj) }];
}

const schemaDir = join(ROOT, 'resources', 'schemas');
mkdirSync(schemaDir, { recursive: true });
for (const name of Object.keys(outputs).sort()) writeFileSync(join(schemaDir, `${name}.json`), pretty(outputs[name]) + '\n');

// Indented JSON with small values kept on one line: readable diffs, files a third the size.
function pretty(v: unknown, indent = ''): string {
  const flat = JSON.stringify(v);
  if (flat.length + indent.length <= 100 || v === null || typeof v !== 'object') return flat;
  const inner = indent + '  ';
  if (Array.isArray(v)) return `[\n${v.map((x) => inner + pretty(x, inner)).join(',\n')}\n${indent}]`;
  const entries = Object.entries(v as Record<string, unknown>).map(([k, x]) => `${inner}${JSON.stringify(k)}: ${pretty(x, inner)}`);
  return `{\n${entries.join(',\n')}\n${indent}}`;
}



mkdirSync(join(ROOT, 'tests', 'fixtures'), { recursive: true });
const sampleOut: Record<string, Obj[]> = {};
for (const k of Object.keys(samples).sort()) sampleOut[k] = samples[k]!;
writeFileSync(join(ROOT, 'tests', 'fixtures', 'openapi-samples.json'), JSON.stringify(sampleOut, null, 1) + '\n');

console.log(
  JSON.stringify({
    samples: Object.keys(sampleOut).length,
    schemas: Object.keys(outputs).length,
    sync_columns: SYNC_COLUMNS.length,
    async_columns: ASYNC_COLUMNS.length,
    user_metrics: USER_METRICS.length,
    pin_metrics: PIN_METRICS.length,
    id_columns: ID_COLUMNS.length,
    levels: LEVELS.length,
  }),
);
