import { readFileSync } from 'node:fs';
import { ASYNC_REPORT_COLUMNS, LEVEL_EXCLUDED_COLUMNS, REPORT_LEVELS, columnSchema } from '../columns.js';
import type { CustomReport } from '../config.js';
import type { StreamDef } from './types.js';
import { SETTLED_SCHEMA } from '../analytics/settled.js';

type Schema = Record<string, unknown>;

// resources/ sits at the package root: three levels above this file both in src/pinterest/streams
// (tsx) and in dist/pinterest/streams (compiled).
const SCHEMA_DIR = new URL('../../../resources/schemas/', import.meta.url);
const cache = new Map<string, Schema>();

function load(name: string): Schema {
  let s = cache.get(name);
  if (!s) {
    s = JSON.parse(readFileSync(new URL(`${name}.json`, SCHEMA_DIR), 'utf8')) as Schema;
    cache.set(name, s);
  }
  return structuredClone(s);
}

const field = (pointer: string): string => pointer.replace(/^\//, '');

/**
 * The document schema of a stream (without `x-infer-schema`, which discover adds): the generated
 * `resources/schemas/<def.schema>.json`; report streams require their key fields (non-null
 * strings); custom reports get a schema built from their own columns.
 */
export function streamSchema(def: StreamDef): Schema {
  if (def.strategy === 'sync_analytics') return withSettled(load(def.schema));
  if (def.strategy !== 'async_report') return load(def.schema);
  const schema = def.custom ? customReportSchema(def.custom) : load(def.schema);
  requireKey(schema, def.key, def.granularity);
  return withSettled(schema);
}

function withSettled(schema: Schema): Schema {
  (schema.properties as Record<string, Schema>).SETTLED = { ...SETTLED_SCHEMA };
  return schema;
}

// Report key fields: non-null strings (ids and TARGETING_VALUE are normalised to strings); DATE is
// a plain date except for hourly rows, which carry a time. TOTAL rows carry their window instead.
function requireKey(schema: Schema, key: string[], granularity: string): void {
  const props = (schema.properties ??= {}) as Record<string, Schema>;
  const date = { type: 'string', format: 'date' };
  for (const k of key.map(field)) props[k] = (k === 'DATE' && granularity !== 'HOUR') || k === 'START_DATE' ? { ...date } : { type: 'string' };
  if (granularity === 'TOTAL') {
    props.END_DATE = { type: ['string', 'null'], format: 'date', description: 'Last day of the window these totals cover (START_DATE..END_DATE); grows while the window is current.' };
    props.START_DATE = { ...date, description: 'First day of the window these totals cover: fixed blocks of the longest range one report may span, counted from the report start date.' };
  }
  schema.required = key.map(field);
}

function customReportSchema(report: CustomReport): Schema {
  const props: Record<string, Schema> = {};
  const columns = [...report.columns];
  if (report.level.endsWith('_TARGETING')) columns.push('TARGETING_TYPE', 'TARGETING_VALUE');
  for (const c of [...columns].sort()) props[c] = columnSchema(c);
  return { type: 'object', required: [], properties: props };
}

const ASYNC = new Set(ASYNC_REPORT_COLUMNS);

/** Why a custom report's level/columns would be refused by Pinterest, or null when they are fine. */
export function customReportColumnsError(report: Pick<CustomReport, 'name' | 'level' | 'columns'>): string | null {
  const where = `custom report "${report.name}"`;
  if (!REPORT_LEVELS.includes(report.level)) return `${where}: unknown level "${report.level}" (one of ${REPORT_LEVELS.join(', ')})`;
  if (!Array.isArray(report.columns) || report.columns.length === 0) return `${where}: columns must list at least one column`;
  const unknown = report.columns.filter((c) => !ASYNC.has(c));
  if (unknown.length) return `${where}: unknown column(s) ${unknown.join(', ')} (see Pinterest's ReportingColumnAsync)`;
  const excluded = new Set(LEVEL_EXCLUDED_COLUMNS[report.level] ?? []);
  const refused = report.columns.filter((c) => excluded.has(c));
  if (refused.length) return `${where}: level ${report.level} does not accept column(s) ${refused.join(', ')}`;
  const dupes = report.columns.filter((c, i) => report.columns.indexOf(c) !== i);
  if (dupes.length) return `${where}: duplicate column(s) ${[...new Set(dupes)].join(', ')}`;
  return null;
}
