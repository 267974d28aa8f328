// Async reports: create → IN_PROGRESS for a few polls → FINISHED with a pre-signed-style URL.
// The file is generated on download from the same values as the sync analytics and streamed.
import type { ServerResponse } from 'node:http';
import { hash, strHash } from './hash.js';
import { badRequest } from './errors.js';
import { checkWindow, REPORT_HOUR_RULE, REPORT_PRODUCT_ITEM_RULE, REPORT_RULE, type Window } from './limits.js';
import { asyncColumns, reportBodyProperty } from './openapi.js';
import { attributionOf, targetingValues, wireJson, type Analytics, type Attribution, type Granularity, type RowContext } from './analytics.js';
import type { SandboxData } from './data.js';
import type { Realism } from './realism.js';
import { drained } from './drain.js';

export const REPORT_LEVELS = ['ADVERTISER', 'ADVERTISER_TARGETING', 'CAMPAIGN', 'CAMPAIGN_TARGETING', 'AD_GROUP', 'AD_GROUP_TARGETING', 'PIN_PROMOTION', 'PIN_PROMOTION_TARGETING', 'KEYWORD', 'PRODUCT_GROUP', 'PRODUCT_GROUP_TARGETING', 'PRODUCT_ITEM', 'PRODUCT_ITEM_TARGETING'];
const GRANULARITIES = ['TOTAL', 'DAY', 'HOUR', 'WEEK', 'MONTH'];
const WINDOW_DAYS = [0, 1, 7, 14, 30, 60];
const LEVEL_ID: Record<string, string> = { ADVERTISER: 'ADVERTISER_ID', CAMPAIGN: 'CAMPAIGN_ID', AD_GROUP: 'AD_GROUP_ID', PIN_PROMOTION: 'PIN_PROMOTION_ID', KEYWORD: 'KEYWORD_ID', PRODUCT_GROUP: 'PRODUCT_GROUP_ID', PRODUCT_ITEM: 'PRODUCT_ITEM_ID' };
const PRODUCT_ITEMS_PER_GROUP = 3;

export interface ReportSpec {
  a: number;
  level: string;
  granularity: Granularity;
  columns: string[];
  window: Window;
  attribution: Attribution;
  format: 'JSON' | 'CSV';
  primarySort: 'BY_ID' | 'BY_DATE';
  targetingTypes: string[];
  filters: { campaign_ids?: Set<string>; ad_group_ids?: Set<string>; ad_ids?: Set<string> };
  today: number;
}

interface Job {
  token: string;
  spec: ReportSpec;
  polls: number;
  sig: string;
}

let allowedBodyKeys: Set<string> | null = null;
function bodyKeys(): Set<string> {
  if (!allowedBodyKeys) {
    allowedBodyKeys = new Set(['attribution_types', 'click_window_days', 'conversion_report_time', 'end_date', 'engagement_window_days', 'granularity', 'start_date', 'view_window_days', 'campaign_ids', 'campaign_statuses', 'campaign_objective_types', 'campaign_brand_label', 'ad_group_ids', 'ad_group_statuses', 'ad_ids', 'ad_statuses', 'product_group_ids', 'product_group_statuses', 'product_item_ids', 'targeting_types', 'metrics_filters', 'columns', 'combine_targeting_types', 'custom_conversion_event_metrics', 'end_hour', 'level', 'primary_sort', 'report_format', 'reporting_timezone', 'start_hour']);
  }
  return allowedBodyKeys;
}

let asyncColumnSet: Set<string> | null = null;

// Enum filters of the create-report body with their schema limits (AdsAnalyticsCreateAsyncRequest:
// every *_statuses list 1..6 items, campaign_objective_types 1..7).
const ENUM_FILTERS = ['campaign_statuses', 'ad_group_statuses', 'ad_statuses', 'product_group_statuses', 'campaign_objective_types'];

function checkFilterLimits(b: Record<string, unknown>): void {
  for (const k of ENUM_FILTERS) {
    const v = b[k];
    if (v === undefined) continue;
    const schema = reportBodyProperty(k);
    const max = schema?.maxItems ?? 6;
    const min = schema?.minItems ?? 1;
    const allowed = (schema?.items?.enum ?? []) as string[];
    if (!Array.isArray(v)) throw badRequest(`${JSON.stringify(v)} is not of type 'array' - '${k}'`);
    if (v.length < min) throw badRequest(`[] is too short - '${k}'`);
    if (v.length > max) throw badRequest(`${JSON.stringify(v).replace(/"/g, "'")} is too long - '${k}'`);
    v.forEach((x, i) => {
      if (allowed.length && !allowed.includes(x as string)) throw badRequest(`'${String(x)}' is not one of ${JSON.stringify(allowed).replace(/"/g, "'")} - '${k}.${i}'`);
    });
  }
}

/**
 * What reports need of the sandbox core. A narrow interface instead of SandboxCore keeps the
 * module graph acyclic (core creates Reports).
 */
export interface ReportsHost {
  readonly seed: number;
  readonly data: SandboxData;
  readonly analytics: Analytics;
  readonly realism: Realism;
  today(): number;
}

export class Reports {
  private jobs = new Map<string, Job>();
  private n = 0;

  constructor(
    private readonly core: ReportsHost,
    private readonly pollsBeforeFinished: number,
  ) {}

  parse(a: number, body: unknown): ReportSpec {
    if (!body || typeof body !== 'object' || Array.isArray(body)) throw badRequest('Request body must be a JSON object.');
    const b = body as Record<string, unknown>;
    for (const k of Object.keys(b)) if (!bodyKeys().has(k)) throw badRequest(`Additional properties are not allowed ('${k}' was unexpected)`);
    for (const k of ['start_date', 'end_date', 'granularity', 'level', 'columns']) if (b[k] === undefined) throw badRequest(`'${k}' is a required property`);
    if (typeof b.level !== 'string' || !REPORT_LEVELS.includes(b.level)) throw badRequest(`'${String(b.level)}' is not one of ${REPORT_LEVELS.join(', ')} - 'level'`);
    if (typeof b.granularity !== 'string' || !GRANULARITIES.includes(b.granularity)) throw badRequest(`'${String(b.granularity)}' is not one of ${GRANULARITIES.join(', ')} - 'granularity'`);
    if (!Array.isArray(b.columns) || b.columns.length === 0) throw badRequest(`'columns' must be a non-empty array - 'columns'`);
    asyncColumnSet ??= new Set(asyncColumns());
    b.columns.forEach((c, i) => {
      if (typeof c !== 'string' || !asyncColumnSet!.has(c)) throw badRequest(`'${String(c)}' is not a valid report column - 'columns.${i}'`);
    });
    for (const k of ['click_window_days', 'engagement_window_days', 'view_window_days']) {
      if (b[k] !== undefined && !WINDOW_DAYS.includes(b[k] as number)) throw badRequest(`${JSON.stringify(b[k])} is not one of [0, 1, 7, 14, 30, 60] - '${k}'`);
    }
    if (b.conversion_report_time !== undefined && b.conversion_report_time !== 'TIME_OF_AD_ACTION' && b.conversion_report_time !== 'TIME_OF_CONVERSION')
      // eslint-disable-next-line @typescript-eslint/no-base-to-string -- echoes the rejected value as the API does; String() of any JSON value (incl. objects) is the intended message
      throw badRequest(`'${String(b.conversion_report_time)}' is not one of ['TIME_OF_AD_ACTION', 'TIME_OF_CONVERSION'] - 'conversion_report_time'`);
    // eslint-disable-next-line @typescript-eslint/no-base-to-string -- echoes the rejected value as the API does; String() of any JSON value (incl. objects) is the intended message
    if (b.report_format !== undefined && b.report_format !== 'JSON' && b.report_format !== 'CSV') throw badRequest(`'${String(b.report_format)}' is not one of ['JSON', 'CSV'] - 'report_format'`);
    // eslint-disable-next-line @typescript-eslint/no-base-to-string -- echoes the rejected value as the API does; String() of any JSON value (incl. objects) is the intended message
    if (b.primary_sort !== undefined && b.primary_sort !== 'BY_ID' && b.primary_sort !== 'BY_DATE') throw badRequest(`'${String(b.primary_sort)}' is not one of ['BY_ID', 'BY_DATE'] - 'primary_sort'`);
    const level = b.level;
    const targeting = level.endsWith('_TARGETING');
    let targetingTypes: string[] = [];
    if (b.targeting_types !== undefined) {
      const allowed = (reportBodyProperty('targeting_types')?.items?.enum ?? []) as string[];
      if (!Array.isArray(b.targeting_types) || b.targeting_types.length < 1 || b.targeting_types.length > 5) throw badRequest(`'targeting_types' must have 1 to 5 items - 'targeting_types'`);
      for (const t of b.targeting_types) if (!allowed.includes(t as string)) throw badRequest(`'${String(t)}' is not a valid targeting type - 'targeting_types'`);
      if (!targeting) throw badRequest(`targeting_types requires a *_TARGETING level.`);
      targetingTypes = b.targeting_types as string[];
    } else if (targeting) targetingTypes = ['APPTYPE'];
    const filters: ReportSpec['filters'] = {};
    for (const k of ['campaign_ids', 'ad_group_ids', 'ad_ids'] as const) {
      const v = b[k];
      if (v === undefined) continue;
      if (!Array.isArray(v) || v.length < 1 || v.length > 500 || v.some((x) => typeof x !== 'string' || !/^\d+$/.test(x))) throw badRequest(`'${k}' must be 1 to 500 id strings - '${k}'`);
      filters[k] = new Set(v as string[]);
    }
    if (this.core.realism.reportFilterLimits) checkFilterLimits(b);
    const gran = b.granularity as Granularity;
    const today = this.core.today();
    const rule = gran === 'HOUR' ? REPORT_HOUR_RULE : level.startsWith('PRODUCT_ITEM') ? REPORT_PRODUCT_ITEM_RULE : REPORT_RULE;
    const window = checkWindow(String(b.start_date), String(b.end_date), today, rule);
    return {
      a,
      level,
      granularity: gran,
      columns: b.columns as string[],
      window,
      attribution: attributionOf(b),
      format: b.report_format ?? 'JSON',
      primarySort: b.primary_sort ?? 'BY_ID',
      targetingTypes,
      filters,
      today,
    };
  }

  create(a: number, body: unknown): Record<string, unknown> {
    const spec = this.parse(a, body);
    const n = ++this.n;
    const token = `${hash(this.core.seed, 515, n).toString(16)}${n.toString(16).padStart(6, '0')}`;
    this.jobs.set(token, { token, spec, polls: 0, sig: hash(this.core.seed, strHash(token), 99).toString(16).padStart(8, '0') });
    return { report_status: 'IN_PROGRESS', token, message: '' };
  }

  get(a: number, token: string, origin: string): Record<string, unknown> {
    const job = this.jobs.get(token);
    if (!job || job.spec.a !== a) return { report_status: 'DOES_NOT_EXIST', url: null, size: null };
    job.polls++;
    if (job.polls <= this.pollsBeforeFinished) return { report_status: 'IN_PROGRESS', url: null, size: null };
    return { report_status: 'FINISHED', url: this.url(job, origin), size: this.estimateSize(job.spec) };
  }

  private url(job: Job, origin: string): string {
    return `${origin}/_sandbox/reports/${job.token}/metrics_report.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Expires=300&X-Amz-Signature=${job.sig}`;
  }

  /** The job for a download URL path + signature, or null. */
  job(token: string, sig: string | null): Job | null {
    const j = this.jobs.get(token);
    return j && j.sig === sig && j.polls > this.pollsBeforeFinished ? j : null;
  }

  // ---------- content ----------

  /** Row contexts of the report's entities, with their targeting values. */
  contexts(spec: ReportSpec): RowContext[] {
    const { core } = this;
    const d = core.data;
    const an = core.analytics;
    const a = spec.a;
    const base = spec.level.replace(/_TARGETING$/, '');
    const f = spec.filters;
    const keep = (ids: Record<string, string>) =>
      (!f.campaign_ids || (ids.CAMPAIGN_ID !== undefined && f.campaign_ids.has(ids.CAMPAIGN_ID))) &&
      (!f.ad_group_ids || (ids.AD_GROUP_ID !== undefined && f.ad_group_ids.has(ids.AD_GROUP_ID))) &&
      (!f.ad_ids || (ids.AD_ID !== undefined && f.ad_ids.has(ids.AD_ID)));
    const out: RowContext[] = [];
    const push = (c: RowContext) => {
      if (keep(an.ids(c))) out.push(c);
    };
    switch (base) {
      case 'ADVERTISER':
        if (!f.campaign_ids && !f.ad_group_ids && !f.ad_ids) out.push({ ...an.accountContext(a), level: 'ADVERTISER' });
        break;
      case 'CAMPAIGN':
        for (let i = 0; i < d.count('campaign', a); i++) push(an.adContext('campaign', a, i));
        break;
      case 'AD_GROUP':
        for (let i = 0; i < d.count('ad_group', a); i++) push(an.adContext('ad_group', a, i));
        break;
      case 'PIN_PROMOTION':
        for (let i = 0; i < d.count('ad', a); i++) push({ ...an.adContext('ad', a, i), level: 'PIN_PROMOTION' });
        break;
      case 'KEYWORD':
        for (let k = 0; k < d.keywordCount(0, 0); k++) push(an.keywordContext(a, 0, 0, k));
        for (let c = 0; c < d.count('campaign', a); c++) for (let k = 0; k < d.keywordCount(1, c); k++) push(an.keywordContext(a, 1, c, k));
        for (let g = 0; g < d.count('ad_group', a); g++) for (let k = 0; k < d.keywordCount(2, g); k++) push(an.keywordContext(a, 2, g, k));
        break;
      case 'PRODUCT_GROUP':
        for (const pg of d.productGroupIds()) push(an.productGroupContext(a, pg));
        break;
      case 'PRODUCT_ITEM':
        for (const pg of d.productGroupIds()) for (let i = 0; i < PRODUCT_ITEMS_PER_GROUP; i++) push(an.productItemContext(a, pg, i));
        break;
    }
    return out;
  }

  /** Rows of one entity (all targeting values for *_TARGETING levels); ids are strings when `wire` is false. */
  entityRows(spec: ReportSpec, ctx: RowContext, wire: boolean): Record<string, unknown>[] {
    const base = spec.level.replace(/_TARGETING$/, '');
    const idCols = [LEVEL_ID[base]];
    const an = this.core.analytics;
    const { start, end } = spec.window;
    if (!spec.level.endsWith('_TARGETING')) return an.entityRows(ctx, start, end, spec.today, spec.columns, spec.granularity, spec.attribution, idCols, wire);
    const rows: Record<string, unknown>[] = [];
    for (const type of spec.targetingTypes) for (const value of targetingValues(type)) rows.push(...an.entityRows(ctx, start, end, spec.today, spec.columns, spec.granularity, spec.attribution, idCols, wire, { type, value }));
    return rows;
  }

  private estimateSize(spec: ReportSpec): number {
    // Exact for small reports; extrapolated from a sample for large ones (Pinterest's size is exact).
    const ctxs = this.contexts(spec);
    const sample = ctxs.slice(0, 50);
    let bytes = 2;
    for (const c of sample) bytes += wireJson(this.entityRows(spec, c, true)).length + 24;
    return sample.length ? Math.round((bytes * ctxs.length) / sample.length) : 2;
  }

  /** Streams the report file with backpressure. */
  async stream(job: Job, res: ServerResponse, truncateAt?: number): Promise<void> {
    const spec = job.spec;
    const ctxs = this.contexts(spec);
    res.writeHead(200, { 'content-type': spec.format === 'CSV' ? 'text/csv' : 'application/octet-stream', 'x-amz-request-id': job.token });
    let written = 0;
    const write = async (s: string): Promise<boolean> => {
      if (truncateAt !== undefined && written + s.length >= truncateAt) {
        res.write(s.slice(0, Math.max(0, truncateAt - written)));
        res.socket?.destroy();
        return false;
      }
      written += s.length;
      // A client that hangs up mid-file ends the wait too (drain would never come).
      if (!res.write(s)) return drained(res);
      return !res.destroyed;
    };
    if (spec.format === 'CSV') {
      const header = this.csvHeader(spec);
      if (!(await write(header.join(',') + '\n'))) return;
      for (const c of ctxs) {
        const rows = this.entityRows(spec, c, false);
        if (rows.length && !(await write(rows.map((r) => header.map((h) => csvCell(r[h] ?? 0)).join(',')).join('\n') + '\n'))) return;
      }
      res.end();
      return;
    }
    if (spec.primarySort === 'BY_DATE') {
      // Date is the first-level key: gather per date (bounded by the window × entities).
      const byDate = new Map<string, Record<string, unknown>[]>();
      for (const c of ctxs) for (const r of this.entityRows(spec, c, true)) {
        const k = (r.DATE as string | undefined) ?? 'TOTAL';
        const l = byDate.get(k) ?? [];
        l.push(r);
        byDate.set(k, l);
      }
      let first = true;
      if (!(await write('{'))) return;
      for (const k of [...byDate.keys()].sort()) {
        if (!(await write(`${first ? '' : ','}${JSON.stringify(k)}:${wireJson(byDate.get(k))}`))) return;
        first = false;
      }
      if (await write('}')) res.end();
      return;
    }
    let first = true;
    if (!(await write('{'))) return;
    const idCol = LEVEL_ID[spec.level.replace(/_TARGETING$/, '')];
    const an = this.core.analytics;
    const { start, end } = spec.window;
    const targeting = spec.level.endsWith('_TARGETING');
    for (const c of ctxs) {
      let text: string;
      if (spec.granularity === 'DAY') {
        const out: string[] = [];
        if (!targeting) an.dayRowsJson(c, start, end, spec.today, spec.columns, spec.attribution, [idCol], out);
        else for (const type of spec.targetingTypes) for (const value of targetingValues(type)) an.dayRowsJson(c, start, end, spec.today, spec.columns, spec.attribution, [idCol], out, { type, value });
        if (!out.length) continue;
        text = `[${out.join(',')}]`;
      } else {
        const rows = this.entityRows(spec, c, true);
        if (!rows.length) continue;
        text = wireJson(rows);
      }
      if (!(await write(`${first ? '' : ','}${JSON.stringify(an.ids(c)[idCol])}:${text}`))) return;
      first = false;
    }
    if (await write('}')) res.end();
  }

  private csvHeader(spec: ReportSpec): string[] {
    const base = spec.level.replace(/_TARGETING$/, '');
    const h = [LEVEL_ID[base]];
    if (spec.level.endsWith('_TARGETING')) h.push('TARGETING_TYPE', 'TARGETING_VALUE');
    if (spec.granularity !== 'TOTAL') h.push('DATE');
    for (const c of spec.columns) if (!h.includes(c)) h.push(c);
    return h;
  }
}

function csvCell(v: unknown): string {
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
